"""The page's questions on SQLite and on PostgreSQL/PostGIS, against a plain Python oracle over the
same generated incidents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from incidents import queries
from incidents.model import SHOWN_STATUSES, Incident, IncidentFilter, Source
from incidents.queries import WORLD, Box
from incidents.store import ROLLUP_CELL_DEG, IncidentStore
from incidents.synthetic import generate_incidents

N = 3000
BAGHDAD = Box(33.2, 44.1, 33.5, 44.6)


def mapped(i: Incident) -> bool:
    return i.resolved and not (i.geo_precision == 3 and not i.admin1)


def inside(i: Incident, box: Box) -> bool:
    return box.south <= i.latitude <= box.north and box.west <= i.longitude <= box.east  # type: ignore[operator]


@pytest.fixture(scope="module")
def loaded(module_db_url: str) -> Iterator[tuple[IncidentStore, list[Incident]]]:
    incidents = list(generate_incidents(N, seed=5, towns=True))
    store = IncidentStore(module_db_url)
    store.upsert(incidents, batch_size=1000)
    # Reviewed as a team would: some thrown away, some confirmed, the rest still proposed.
    for n, incident in enumerate(incidents):
        if n % 9 == 0 or n % 13 == 0:
            reviewed = store.review(incident.event_id, "reject" if n % 9 == 0 else "confirm", editor="tester")
            incidents[n] = incident.with_changes(review_status=reviewed.review_status)
    yield store, incidents
    store.close()


# Answered by the aggregate tables (dates, groups, place classes and statuses alone; for the map's
# cells, no date limit inside the store's days and cells that are unions of theirs) or by the incidents.
FILTERS = [
    IncidentFilter(),
    IncidentFilter(actor_groups=("Iran-aligned militias", "Islamic State"), date_from=date(2020, 1, 1)),
    IncidentFilter(places=("near", "country")),
    IncidentFilter(actor_groups=("Islamic State",), date_from=date(2000, 1, 1), date_to=date(2030, 1, 1)),
    IncidentFilter(event_types=("Battles", "Protests")),
    IncidentFilter(statuses=SHOWN_STATUSES),  # the page's default: the rejected are off the map and out of the counts
    IncidentFilter(statuses=("rejected",), actor_groups=("Iran",)),
    IncidentFilter(statuses=("confirmed",), attributions=("suspected", "accused")),
]


@pytest.mark.parametrize("cell_deg", [2.0, 4 * ROLLUP_CELL_DEG])
@pytest.mark.parametrize("flt", FILTERS)
def test_counts_cells_and_points_agree_with_python(
    loaded: tuple[IncidentStore, list[Incident]], flt: IncidentFilter, cell_deg: float
) -> None:
    store, incidents = loaded
    matching = [
        i for i in incidents
        if (not flt.actor_groups or i.actor_group in flt.actor_groups)
        and (flt.date_from is None or i.event_date >= flt.date_from)
        and (flt.date_to is None or i.event_date <= flt.date_to)
        and (not flt.places or place_of(i) in flt.places)
        and (not flt.event_types or i.event_type in flt.event_types)
        and (not flt.statuses or i.review_status in flt.statuses)
        and (not flt.attributions or i.attribution in flt.attributions)
    ]
    counts = queries.view_counts(store, flt)
    assert (counts.matching, counts.mapped) == (len(matching), sum(map(mapped, matching)))
    weekly = Counter((i.event_date, i.actor_group) for i in matching)
    assert {(d, g): n for d, g, n in queries.daily_counts(store, flt)} == weekly

    layer = queries.map_layer(store, flt, WORLD, cell_deg, max_points=10, groups=store.facets().actor_groups)
    assert layer.mode == "cells" and layer.in_box == counts.mapped == sum(c.count for c in layer.cells)
    expected_cells: dict[tuple[int, int], list[Incident]] = {}
    for i in matching:
        if mapped(i):
            expected_cells.setdefault((int((i.latitude + 90) // cell_deg), int((i.longitude + 180) // cell_deg)), []).append(i)  # type: ignore[operator]
    assert sorted(c.count for c in layer.cells) == sorted(len(v) for v in expected_cells.values())
    centres = sorted((sum(i.latitude for i in v) / len(v), sum(i.longitude for i in v) / len(v))  # type: ignore[misc]
                     for v in expected_cells.values())
    drawn_at = sorted((c.latitude, c.longitude) for c in layer.cells)
    assert [pytest.approx(p, abs=1e-4) for p in centres] == drawn_at
    for cell in layer.cells:
        assert sum(n for _, n in cell.groups) == cell.count
        assert [n for _, n in cell.groups] == sorted((n for _, n in cell.groups), reverse=True)

    in_baghdad = [i for i in matching if mapped(i) and inside(i, BAGHDAD)]
    assert 0 < len(in_baghdad) < 1000 or flt.statuses and len(in_baghdad) < 1000
    layer = queries.map_layer(store, flt, BAGHDAD, 0.01, max_points=1000)
    assert layer.mode == "points" and layer.in_box == len(in_baghdad)
    assert {p["event_id"] for p in layer.points} == {i.event_id for i in in_baghdad}  # type: ignore[union-attr]
    dates = [p["event_date"] for p in layer.points]  # type: ignore[union-attr]
    assert dates == sorted(dates, reverse=True)


def place_of(i: Incident) -> str:
    if not i.resolved:
        return "unresolved"
    if i.geo_precision == 3:
        return "region" if i.admin1 else "country"
    return "near" if i.geo_precision == 2 else "place"


def sqlite_plans(store: IncidentStore, ask: Callable[[], object]) -> list[str]:
    """SQLite's plan of each query `ask` runs on the store (not of the BEGINs)."""
    statements: list[tuple[str, object]] = []
    record = lambda conn, cursor, sql, params, context, many: statements.append((sql, params))  # noqa: E731
    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        ask()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    with store.engine.connect() as conn:
        return [" ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                for sql, params in statements if sql != "BEGIN"]


def test_the_viewport_query_uses_the_spatial_index(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    store, _ = loaded
    if store.dialect == "postgresql":
        where = queries.box_clause(store, BAGHDAD)
        stmt = sa.select(sa.func.count()).select_from(queries.incidents_table).where(where)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a small table: make the planner show its index choice
            plan = " ".join(str(r[0]) for r in conn.execute(sa.text("EXPLAIN " + str(stmt.compile(
                store.engine, compile_kwargs={"literal_binds": True})))))
            assert "ix_incidents_geom" in plan
    else:
        # The page's date range, statuses and the box: every group's part reads its range of the map index.
        flt = IncidentFilter(date_from=date(2019, 1, 1), date_to=date(2021, 12, 31), statuses=SHOWN_STATUSES)
        groups = store.summary().actor_groups
        plans = sqlite_plans(store, lambda: queries.map_layer(store, flt, BAGHDAD, 0.1, max_points=0, groups=groups))
        assert plans and all(
            plan.count("SEARCH incidents USING COVERING INDEX ix_incidents_map (actor_group=? AND latitude>? AND latitude<?)")
            == plan.count("incidents USING") for plan in plans
        ), plans


def test_the_counts_of_a_date_range_are_exact_and_read_the_date_index_alone(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    store, incidents = loaded
    # The page's default range (all days) with a filter the aggregate tables do not answer.
    flt = IncidentFilter(date_from=date(2019, 1, 1), date_to=date(2021, 12, 31), geo_precisions=(1, 2, 3, None),
                         statuses=SHOWN_STATUSES)
    inside = [i for i in incidents if flt.date_from <= i.event_date <= flt.date_to and i.review_status != "rejected"]
    assert queries.view_counts(store, flt).matching == len(inside)
    assert sum(n for _, _, n in queries.daily_counts(store, flt)) == len(inside)
    if store.dialect == "sqlite":  # PostgreSQL's planner chooses by its statistics, which it has
        plans = sqlite_plans(store, lambda: (queries.view_counts(store, flt), queries.daily_counts(store, flt)))
        assert len(plans) == 2 and all("COVERING INDEX ix_incidents_date_cover" in plan for plan in plans), plans


@pytest.mark.parametrize("max_points", [10, 5000])
def test_a_box_off_the_cell_grid_is_counted_exactly(loaded: tuple[IncidentStore, list[Incident]], max_points: int) -> None:
    """The aggregates' cells answer only a box on their grid (the page snaps it): any other box
    is counted from the incidents, in cells and one by one alike."""
    store, incidents = loaded
    in_baghdad = [i for i in incidents if mapped(i) and inside(i, BAGHDAD)]
    layer = queries.map_layer(store, IncidentFilter(), BAGHDAD, 8 * ROLLUP_CELL_DEG, max_points=max_points)
    assert layer.in_box == len(in_baghdad) and layer.mode == ("cells" if len(in_baghdad) > max_points else "points")


def test_without_known_groups_the_cells_are_still_counted(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    store, incidents = loaded
    drawable = sum(map(mapped, incidents))
    layer = queries.map_layer(store, IncidentFilter(), WORLD, 2.0, max_points=10, groups=())
    assert layer.mode == "cells" and layer.in_box == drawable == sum(c.count for c in layer.cells)


def test_the_page_default_view_reads_the_aggregates_not_the_incidents(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    """The page's first view (every day, no filter): counts, weekly chart and the zoomed-out map's
    cells come from the aggregate tables alone."""
    store, incidents = loaded
    flt = IncidentFilter(date_from=min(i.event_date for i in incidents), date_to=max(i.event_date for i in incidents),
                         statuses=SHOWN_STATUSES)
    groups = store.summary().actor_groups  # as the page passes them
    statements: list[str] = []
    record = lambda conn, cursor, sql, params, context, many: statements.append(sql)  # noqa: E731
    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        queries.view_counts(store, flt)
        queries.daily_counts(store, flt)
        cell = 8 * ROLLUP_CELL_DEG  # a box on the cell grid, as the page snaps it
        box = Box(39 * cell - 90, 75 * cell - 180, 48 * cell - 90, 85 * cell - 180)
        queries.map_layer(store, flt, box, cell, max_points=10, groups=groups)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert not [sql for sql in reads if "FROM incidents" in sql]
    assert sum("FROM daily_counts" in sql for sql in reads) == 3 and sum("FROM map_cells" in sql for sql in reads) == 1


def test_daily_counts_actor_counts_and_rows(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    store, incidents = loaded
    flt = IncidentFilter(actor_groups=("Iran",))
    expected = Counter((i.event_date, i.actor_group) for i in incidents if i.actor_group == "Iran")
    assert {(d, g): n for d, g, n in queries.daily_counts(store, flt)} == expected

    names = dict(queries.actor_counts(store))
    assert names == Counter(i.actor1 for i in incidents if i.actor1)  # the generator fills actor 1 only

    rows = queries.newest_rows(store, IncidentFilter(places=("country", "unresolved")), limit=25)
    newest = sorted((i for i in incidents if place_of(i) in ("country", "unresolved")),
                    key=lambda i: (i.event_date, i.event_id), reverse=True)[:25]
    assert [r["event_id"] for r in rows] == [i.event_id for i in newest]
    by_id = {i.event_id: i for i in newest}
    for row in rows:
        assert row["place"] == place_of(by_id[str(row["event_id"])])
        assert row["source_title"] == by_id[str(row["event_id"])].sources[0].title

    unresolved = Counter(i.location for i in incidents if not i.resolved)
    assert queries.unresolved_places(store) == sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0]))


def test_associated_actors_are_split_and_counted(db_url: str) -> None:
    store = IncidentStore(db_url)
    source = Source(kind="acled", source_id="A")
    base = Incident(event_id="X", event_date=date(2020, 1, 1), actor1="Kataib Hezbollah",
                    assoc_actor_1="Civilians (Iraq); Protesters (Iraq)", actor2="Military Forces of Iraq", sources=[source])
    store.upsert([base, base.with_changes(event_id="Y", actor1="Protesters (Iraq)", assoc_actor_1="", actor2="")])
    assert queries.actor_counts(store) == [
        ("Protesters (Iraq)", 2), ("Civilians (Iraq)", 1), ("Kataib Hezbollah", 1), ("Military Forces of Iraq", 1),
    ]
    # Picking one on the page filters as the CLI's --actor does: actor 1, associated actor or actor 2.
    assert store.count(IncidentFilter(actors=("Protesters (Iraq)",))) == 2
    assert store.count(IncidentFilter(actors=("Military Forces of Iraq",))) == 1
    store.close()


def test_the_version_rises_with_every_write_from_any_process(db_url: str) -> None:
    store, other = IncidentStore(db_url), IncidentStore(db_url)
    before = store.data_version()
    source = Source(kind="acled", source_id="V")
    other.upsert([Incident(event_id="V1", event_date=date(2020, 1, 1), sources=[source])])
    assert store.data_version() > before
    middle = store.data_version()
    other.resolve_place("nowhere", 1.0, 1.0)  # a write transaction that changes no row still counts
    assert store.data_version() > middle
    store.close()
    other.close()


def test_filter_options_follow_the_store_at_most_every_refresh(db_url: str) -> None:
    from dashboard.options import OptionsCache

    now = [0.0]
    cache = OptionsCache(refresh_s=30, clock=lambda: now[0])
    store = IncidentStore(db_url)
    source = Source(kind="acled", source_id="O")
    store.upsert([Incident(event_id="O1", event_date=date(2020, 1, 1), actor1="Iran", event_type="Battles", sources=[source])])
    first = cache.get(store, store.data_version())
    assert first.actors == {"Iran": 1} and first.facets.event_types == ["Battles"]
    assert cache.get(store, store.data_version()) is first  # nothing changed: nothing read

    store.upsert([Incident(event_id="O2", event_date=date(2020, 1, 2), actor1="Kataib Hezbollah", event_type="Protests",
                           sources=[source])])
    now[0] = 10.0  # an import is writing batch after batch: the options are not read at every rerun
    assert cache.get(store, store.data_version()) is first
    now[0] = 31.0
    fresh = cache.get(store, store.data_version())
    assert fresh.actors == {"Iran": 1, "Kataib Hezbollah": 1} and fresh.facets.event_types == ["Battles", "Protests"]
    store.upsert([Incident(event_id="O3", event_date=date(2020, 1, 3), actor1="Islamic State", sources=[source])])
    cache.forget()  # the page's own save
    assert "Islamic State" in cache.get(store, store.data_version()).actors
    assert store.summary().count == 3 and store.summary().max_date == date(2020, 1, 3)
    store.close()
