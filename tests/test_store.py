from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import math

import pytest
import sqlalchemy as sa

from incidents import migrations
from incidents import queries
from incidents.model import UNIDENTIFIED_GROUP, Incident, IncidentFilter, Source
from incidents.store import (
    COUNTED_COLUMNS,
    MAPPED,
    ROLLUP_CELL_DEG,
    IncidentStore,
    daily_counts_table,
    default_db_url,
    incidents_table,
    map_cells_table,
    place_class,
    to_db_url,
    value_counts,
)

ROCKETS = "Explosions/Remote violence"


def article(name: str, published: date = date(2019, 12, 8)) -> Source:
    return Source(title=f"Report {name}", publisher="Outlet", url=f"https://example.org/{name}", published=published, source_id=f"S-{name}")


def incident(event_id: str, source: Source, **fields: object) -> Incident:
    values: dict[str, object] = dict(
        event_date=date(2019, 12, 5),
        event_type=ROCKETS,
        sub_event_type="Shelling/artillery/missile attack",
        location="Balad Airbase",
        place_name="Balad Air Base",
        latitude=33.9402,
        longitude=44.3616,
        geo_precision=1,
        country="Iraq",
        source_sentence=f"Rockets hit Balad ({event_id}).",
    )
    values.update(fields)
    sentence = str(values["source_sentence"])
    return Incident(event_id=event_id, sources=[Source(**{**source.__dict__, "sentence": sentence})], **values)  # type: ignore[arg-type]


@pytest.fixture
def store(db_url: str) -> Iterator[IncidentStore]:
    """A new store, on SQLite and on PostgreSQL (tests/conftest.py)."""
    store = IncidentStore(db_url)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents.sqlite")


def snapshot(store: IncidentStore) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            table: sorted(tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {table}")))
            for table in ("incidents", "sources", "incident_sources")
        }


def test_reingesting_an_article_changes_nothing(store: IncidentStore) -> None:
    source = article("a")
    incidents = [incident("A1", source), incident("A2", source, event_date=date(2019, 12, 3), location="Ain Assad")]
    first = store.ingest(source, incidents)
    before = snapshot(store)
    second = store.ingest(source, incidents)
    assert (first.added, first.unchanged) == (2, 0)
    assert (second.added, second.merged, second.unchanged) == (0, 0, 2)
    assert snapshot(store) == before
    assert {i.event_id for i in store.query()} == {"A1", "A2"}


def test_two_articles_reporting_one_incident_become_one_with_both_sources(store: IncidentStore) -> None:
    first, second = article("a"), article("b", published=date(2019, 12, 9))
    store.ingest(first, [incident("A1", first)])
    result = store.ingest(
        second,
        [
            incident(
                "B1",
                second,
                location="Balad air base",  # another spelling, the same gazetteer place
                actor1="Iran",
                actor_group="Iran",
                attribution="suspected",
                attributed_by="US officials",
                source_sentence="US officials suspect Iran of the Balad attack.",
            )
        ],
    )
    assert (result.added, result.merged) == (0, 1)
    [merged] = store.query()
    assert merged.event_id == "A1"
    assert {s.source_id for s in merged.sources} == {"S-a", "S-b"}
    assert {s.sentence for s in merged.sources} == {"Rockets hit Balad (A1).", "US officials suspect Iran of the Balad attack."}
    # The first report left the perpetrator unknown; the second names who suspects whom.
    assert (merged.actor_group, merged.attribution, merged.attributed_by) == ("Iran", "suspected", "US officials")
    assert store.frame()["source_count"].tolist() == [2]
    # Re-ingesting the second article finds its report in the merged incident.
    again = store.ingest(second, [incident("B1", second, actor_group="Iran")])
    assert (again.added, again.merged, again.unchanged) == (0, 0, 1)
    assert store.count() == 1


def test_different_day_place_or_type_are_not_merged(store: IncidentStore) -> None:
    first, second = article("a"), article("b")
    store.ingest(first, [incident("A1", first)])
    result = store.ingest(
        second,
        [
            incident("B1", second, event_date=date(2019, 12, 6)),
            incident("B2", second, latitude=33.7856, longitude=42.4412, location="Ain al-Asad"),
            incident("B3", second, event_type="Battles", sub_event_type="Armed clash"),
        ],
    )
    assert (result.added, result.merged) == (3, 0)
    assert store.count() == 4


def test_one_article_with_two_like_incidents_keeps_both(store: IncidentStore) -> None:
    # The extractor judged them distinct (a morning and an evening attack): the store must not merge them.
    source = article("a")
    result = store.ingest(source, [incident("A1", source), incident("A2", source, source_sentence="A second salvo.")])
    assert result.added == 2
    assert store.ingest(source, [incident("A1", source), incident("A2", source)]).unchanged == 2
    assert store.count() == 2


def test_a_failure_mid_ingest_leaves_the_store_unchanged(store: IncidentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = article("earlier")
    store.ingest(earlier, [incident("E1", earlier, event_date=date(2019, 11, 1))])
    before = snapshot(store)

    original = IncidentStore._ingest_one
    calls = []

    def failing(self: IncidentStore, *args: object) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(IncidentStore, "_ingest_one", failing)
    source = article("a")
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.ingest(source, [incident("A1", source), incident("A2", source, event_date=date(2019, 12, 1))])
    assert len(calls) == 2  # the first incident was written inside the transaction before the failure
    assert snapshot(store) == before


def test_unresolved_places_are_kept_listed_and_resolvable(store: IncidentStore) -> None:
    source = article("a")
    unresolved = dict(latitude=None, longitude=None, geo_precision=None, place_name="")
    store.ingest(
        source,
        [
            incident("A1", source, location="Jurf al-Sakhar", **unresolved),
            incident("A2", source, location="jurf  AL-sakhar", event_date=date(2019, 12, 1), **unresolved),
            incident("A3", source, location="Mutaibija", event_date=date(2019, 12, 2), **unresolved),
            incident("A4", source, event_date=date(2019, 12, 4)),
        ],
    )
    assert {i.event_id for i in store.unresolved()} == {"A1", "A2", "A3"}
    assert store.count(IncidentFilter(geo_precisions=(None,))) == 3

    updated = store.resolve_place("Jurf Al-Sakhar", 32.86, 44.15, geo_precision=2, country="Iraq", iso="IQ")
    assert updated == 2
    by_id = {i.event_id: i for i in store.query()}
    assert (by_id["A1"].latitude, by_id["A1"].longitude, by_id["A1"].geo_precision) == (32.86, 44.15, 2)
    assert by_id["A2"].resolved and by_id["A2"].iso == "IQ"
    assert not by_id["A3"].resolved
    assert {i.event_id for i in store.unresolved()} == {"A3"}
    assert store.resolve_place("Jurf al-Sakhar", 1.0, 1.0) == 0  # already resolved: left alone


def test_unresolved_reports_merge_by_place_text(store: IncidentStore) -> None:
    first, second = article("a"), article("b")
    unresolved = dict(latitude=None, longitude=None, geo_precision=None)
    store.ingest(first, [incident("A1", first, location="Jurf al-Sakhar", **unresolved)])
    result = store.ingest(second, [incident("B1", second, location="JURF AL-SAKHAR", **unresolved)])
    assert (result.merged, result.unresolved) == (1, 1)


def test_upsert_inserts_detects_unchanged_and_lets_the_newer_timestamp_win(store: IncidentStore) -> None:
    source = Source(kind="acled", title="ACLED", source_id="ACLED-IRQ1")
    rows = [incident(f"IRQ{n}", source, timestamp=100, extra={"inter1": "3", "tags": f"t{n}"}) for n in range(7)]
    first = store.upsert(rows, batch_size=3)
    assert (first.inserted, first.updated, first.unchanged) == (7, 0, 0)
    assert store.upsert(rows, batch_size=3).unchanged == 7

    newer = rows[0].with_changes(fatalities=2, timestamp=200)
    older = rows[1].with_changes(fatalities=9, timestamp=50)
    result = store.upsert([newer, older, rows[2]])
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    by_id = {i.event_id: i for i in store.query()}
    assert (by_id["IRQ0"].fatalities, by_id["IRQ0"].timestamp) == (2, 200)
    assert by_id["IRQ1"].fatalities is None
    assert by_id["IRQ3"].extra == {"inter1": "3", "tags": "t3"}
    assert store.count() == 7


def test_upsert_of_a_repeated_id_in_one_batch_keeps_the_newest(store: IncidentStore) -> None:
    source = Source(kind="acled", source_id="ACLED-X")
    result = store.upsert([incident("X", source, notes="old", timestamp=1), incident("X", source, notes="new", timestamp=2)])
    assert (result.inserted, result.unchanged) == (1, 1)
    assert [i.notes for i in store.query()] == ["new"]


def test_upsert_reports_progress_and_streams_a_generator(store: IncidentStore) -> None:
    source = Source(kind="acled", source_id="ACLED-G")
    seen: list[int] = []
    result = store.upsert(
        (incident(f"G{n}", source, event_date=date(2020, 1, 1 + n % 28)) for n in range(25)),
        batch_size=10,
        on_progress=seen.append,
    )
    assert result.inserted == 25
    assert seen == [10, 10, 5]


def filter_store(store: IncidentStore) -> None:
    a, b = article("a"), Source(kind="acled", title="ACLED", source_id="ACLED-1")
    store.ingest(
        a,
        [
            incident("F1", a, event_date=date(2019, 12, 1), actor1="Kataib Hezbollah", actor_group="Iran-aligned militias"),
            incident(
                "F2", a, event_date=date(2019, 12, 5), actor1="US forces", actor2="Asa'ib Ahl al-Haq",
                actor_group="US and coalition forces", event_type="Battles", geo_precision=3,
            ),
            incident("F3", a, event_date=date(2019, 12, 10), location="Jurf al-Sakhar", latitude=None, longitude=None, geo_precision=None, notes="100% unclear"),
        ],
    )
    store.upsert([incident("F4", b, event_date=date(2020, 1, 3), actor_group="Islamic State", actor1="Islamic State", source_kind="acled")])


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (IncidentFilter(), {"F1", "F2", "F3", "F4"}),
        (IncidentFilter(date_from=date(2019, 12, 5), date_to=date(2019, 12, 10)), {"F2", "F3"}),
        (IncidentFilter(actor_groups=("Iran-aligned militias", "Islamic State")), {"F1", "F4"}),
        (IncidentFilter(actors=("asa'ib",)), {"F2"}),
        (IncidentFilter(actors=("kataib", "islamic")), {"F1", "F4"}),
        (IncidentFilter(event_types=("Battles",)), {"F2"}),
        (IncidentFilter(geo_precisions=(3, None)), {"F2", "F3"}),
        (IncidentFilter(source_kinds=("acled",)), {"F4"}),
        (IncidentFilter(text="JURF"), {"F3"}),
        (IncidentFilter(text="100%"), {"F3"}),
        (IncidentFilter(text="%"), {"F3"}),  # a LIKE wildcard is searched for literally
        (IncidentFilter(text="' OR '1'='1"), set()),
        (IncidentFilter(unresolved_only=True), {"F3"}),
        (IncidentFilter(date_from=date(2019, 12, 1), actor_groups=("Iran-aligned militias",), date_to=date(2019, 12, 1)), {"F1"}),
    ],
)
def test_filters(store: IncidentStore, flt: IncidentFilter, expected: set[str]) -> None:
    filter_store(store)
    assert {i.event_id for i in store.query(flt)} == expected
    assert store.count(flt) == len(expected)
    assert set(store.frame(flt)["event_id"]) == expected
    assert {i.event_id for i in store.iter_incidents(flt)} == expected


def test_query_orders_newest_first_and_pages(store: IncidentStore) -> None:
    filter_store(store)
    assert [i.event_id for i in store.query()] == ["F4", "F3", "F2", "F1"]
    page = store.query(IncidentFilter(date_to=date(2019, 12, 31)), limit=2)
    assert [i.event_id for i in page] == ["F3", "F2"]
    assert page[0].sources[0].title == "Report a"
    assert [i.event_id for i in store.iter_incidents(batch_size=1)] == ["F4", "F3", "F2", "F1"]


def test_frame_has_model_columns_and_first_source(store: IncidentStore) -> None:
    filter_store(store)
    df = store.frame()
    assert list(df["event_id"]) == ["F4", "F3", "F2", "F1"]
    assert str(df["event_date"].dtype).startswith("datetime64")
    assert df["casualties_reported"].dtype == bool and df["geo_precision"].isna().sum() == 1
    assert df["event_date"].iloc[0].date() == date(2020, 1, 3)
    for column in ("latitude", "geo_precision", "actor_group", "source_title", "source_url", "source_publisher", "source_count"):
        assert column in df.columns
    f3 = df.set_index("event_id").loc["F3"]
    assert f3["source_title"] == "Report a" and f3["source_url"] == "https://example.org/a"
    assert f3["latitude"] != f3["latitude"]  # NaN for an unresolved place
    assert store.frame(IncidentFilter(actor_groups=("nobody",))).empty


def test_facets(store: IncidentStore) -> None:
    filter_store(store)
    facets = store.facets()
    assert facets.actor_groups == ["Iran-aligned militias", "Islamic State", "US and coalition forces", "Unidentified"]
    assert facets.source_kinds == ["acled", "article"]
    assert (facets.min_date, facets.max_date, facets.count) == (date(2019, 12, 1), date(2020, 1, 3), 4)


def counted_by_the_store(store: IncidentStore) -> dict[tuple[str, str], int]:
    return {(name, value): n for name in COUNTED_COLUMNS for value, n in value_counts(store, name)}


def counted_by_a_scan(store: IncidentStore) -> dict[tuple[str, str], int]:
    """What the store's value counts must equal: one GROUP BY over the table per column."""
    found: dict[tuple[str, str], int] = {}
    with store.engine.connect() as conn:
        for name in COUNTED_COLUMNS:
            column = incidents_table.c[name]
            for value, n in conn.execute(sa.select(column, sa.func.count()).where(column != "").group_by(column)):
                found[name, value] = int(n)
    return found


def aggregates_of_the_store(store: IncidentStore) -> dict[str, set[tuple[object, ...]]]:
    """The page's aggregate tables, rows with no incidents left out, sums rounded."""
    with store.engine.connect() as conn:
        daily = {tuple(row) for row in conn.execute(sa.select(daily_counts_table).where(daily_counts_table.c.n != 0))}
        cells = {
            (*row[:6], round(row[6], 6), round(row[7], 6))
            for row in conn.execute(sa.select(map_cells_table).where(map_cells_table.c.n != 0))
        }
    return {"daily": daily, "cells": cells}


def aggregates_by_a_scan(store: IncidentStore) -> dict[str, set[tuple[object, ...]]]:
    """What the aggregate tables must equal: GROUP BY over the incidents, with the queries' place
    classes and a grid of ROLLUP_CELL_DEG cells computed here in Python."""
    c = incidents_table.c
    place = place_class().label("place")
    with store.engine.connect() as conn:
        daily = {tuple(row) for row in conn.execute(
            sa.select(c.event_date, c.actor_group, place, c.review_status, sa.func.count())
            .group_by(c.event_date, c.actor_group, place, c.review_status)
        )}
        rows = conn.execute(sa.select(c.latitude, c.longitude, c.actor_group, place_class(), c.review_status).where(MAPPED)).all()
    cells: dict[tuple[object, ...], list[float]] = {}
    for latitude, longitude, group, place, status in rows:
        key = (math.floor((latitude + 90) / ROLLUP_CELL_DEG), math.floor((longitude + 180) / ROLLUP_CELL_DEG), group, place, status)
        entry = cells.setdefault(key, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += latitude
        entry[2] += longitude
    return {"daily": daily, "cells": {(*key, n, round(lat, 6), round(lng, 6)) for key, (n, lat, lng) in cells.items()}}


def test_value_counts_and_page_aggregates_stay_exact_through_every_kind_of_write(store: IncidentStore) -> None:
    first, second = article("a"), article("b", published=date(2019, 12, 9))
    store.ingest(first, [
        incident("A1", first),
        incident("A2", first, location="Camp X", latitude=None, longitude=None, geo_precision=None,
                 actor1="Kataib Hezbollah", actor_group="Iran-aligned militias"),
    ])
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert store.summary().actor_groups == ("Iran-aligned militias", UNIDENTIFIED_GROUP)

    # A second report merges into A1 and names its perpetrator: the unknown group is gone.
    store.ingest(second, [incident("B1", second, location="Balad air base", actor1="Iran", actor_group="Iran",
                                   attribution="suspected", attributed_by="US officials")])
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert store.summary().actor_groups == ("Iran", "Iran-aligned militias")

    # An import adds rows, then a newer export corrects one of them and repeats another unchanged.
    acled = Source(kind="acled", title="ACLED row", source_id="ACLED")
    rows = [incident(f"I{n}", acled, source_kind="acled", actor1="Islamic State", actor2="Civilians (Iraq)",
                     assoc_actor_1="Tribal Militia (Iraq); Protesters (Iraq)", actor_group="Islamic State",
                     event_date=date(2020, 1, n + 1), timestamp=1) for n in range(3)]
    store.upsert(rows, batch_size=2)
    store.upsert([rows[0].with_changes(actor1="Military Forces of Iraq", actor_group="Iraqi state forces",
                                       event_type="Battles", assoc_actor_1="", timestamp=2), rows[1]])
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert dict(queries.actor_counts(store))["Islamic State"] == 2
    assert dict(queries.actor_counts(store))["Protesters (Iraq)"] == 2
    assert store.facets().event_types == ["Battles", ROCKETS] and store.facets().source_kinds == ["acled", "article"]

    store.resolve_place("Camp X", 33.0, 44.0)
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_store: IncidentStore) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_links_need_their_incident(store: IncidentStore) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO incident_sources (event_id, source_id, sentence, reported_event_id) VALUES ('none', 'none', '', 'none')"
            )


def test_indexes_serve_the_date_and_group_query(sqlite_store: IncidentStore) -> None:
    with sqlite_store.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM incidents WHERE actor_group = ? AND event_date BETWEEN ? AND ?",
                ("Iran", "2019-01-01", "2019-12-31"),
            )
        )
    assert "ix_incidents_group_date" in plan


def test_an_older_schema_is_migrated_and_keeps_its_rows(db_url: str) -> None:
    engine = sa.create_engine(to_db_url(db_url))
    with engine.begin() as conn:
        assert migrations.migrate(conn, target=1) == [1]
        conn.exec_driver_sql(
            "INSERT INTO incidents (event_id, event_date, time_precision, event_type, sub_event_type, actor1, assoc_actor_1,"
            " actor2, assoc_actor_2, actor_group, attribution, attributed_by, location, place_name, country, iso, admin1,"
            " admin2, admin3, casualties_reported, munitions, notes, source_sentence, source_kind, extra, place_key,"
            " location_key, row_hash, source_count, latitude, longitude) VALUES ('OLD1', '2019-12-05', 1, 'Battles', '', '',"
            " '', '', '', 'Iran', 'unknown', '', 'Balad', '', 'Iraq', 'IQ', '', '', '', false, '', '', '', 'article', '{}',"
            " 'text:balad', 'balad', 'x', 0, 33.94, 44.36)"
        )
    engine.dispose()

    store = IncidentStore(db_url)
    with store.engine.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST_VERSION == 8
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("incidents")}
        if store.dialect == "postgresql":
            # The rows written before PostGIS came get their geometry too.
            assert conn.exec_driver_sql("SELECT ST_AsText(geom) FROM incidents").scalar() == "POINT(44.36 33.94)"
    spatial = {"sqlite": "ix_incidents_map", "postgresql": "ix_incidents_geom"}[store.dialect]
    assert {"ix_incidents_group_date", spatial} <= indexes and "ix_incidents_actor_group" not in indexes
    dates = {"sqlite": "ix_incidents_date_cover", "postgresql": "ix_incidents_event_date"}[store.dialect]
    assert dates in indexes
    assert [i.event_id for i in store.query(IncidentFilter(actor_groups=("Iran",)))] == ["OLD1"]
    assert store.summary().actor_groups == ("Iran",) and store.facets().event_types == ["Battles"]  # the rows were counted
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store) and aggregates_of_the_store(store)["cells"]
    assert store.data_version() == 0
    # Opening again applies nothing.
    with store.engine.begin() as conn:
        assert migrations.migrate(conn) == []


def test_a_newer_schema_than_the_program_is_refused(tmp_path: Path) -> None:
    store = IncidentStore(tmp_path / "new.sqlite")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')")
    store.close()
    with pytest.raises(RuntimeError, match="schema version 99"):
        IncidentStore(tmp_path / "new.sqlite")


def test_database_location_from_a_path_a_url_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENT_MAP_DB", str(tmp_path / "env.sqlite"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("INCIDENT_MAP_DB", "sqlite:///" + str(tmp_path / "url.sqlite"))
    assert default_db_url() == "sqlite:///" + str(tmp_path / "url.sqlite")
    IncidentStore().close()
    assert (tmp_path / "url.sqlite").exists()
    monkeypatch.delenv("INCIDENT_MAP_DB")
    assert default_db_url().endswith("/data/incidents.sqlite")
    # A team's server: libpq's URL forms, driven by psycopg 3.
    assert to_db_url("postgresql://im@db.example/incidents") == "postgresql+psycopg://im@db.example/incidents"
    assert to_db_url("postgres://im@db.example/incidents") == "postgresql+psycopg://im@db.example/incidents"


def test_in_memory_database() -> None:
    store = IncidentStore("sqlite://")
    source = article("a")
    assert store.ingest(source, [incident("M1", source)]).added == 1
    assert store.count() == 1


def test_two_writers_at_once_wait_for_each_other(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    db = db_url
    IncidentStore(db).close()

    def writer(name: str) -> int:
        store = IncidentStore(db)  # its own engine and connections, as a second process would have
        added = 0
        for n in range(30):
            source = article(f"{name}{n}")
            added += store.ingest(source, [incident(f"{name}{n}", source, event_date=date(2019, 1, 1 + n % 28), location=f"{name}{n}", latitude=None, longitude=None, geo_precision=None)]).added
        store.close()
        return added

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(writer, ["A", "B"])) == [30, 30]
    assert IncidentStore(db).count() == 60


def test_an_enum_or_an_int_precision_is_the_same_content(store: IncidentStore) -> None:
    from incidents.model import TimePrecision

    source = Source(kind="acled", source_id="ACLED-E")
    store.upsert([incident("E1", source, time_precision=TimePrecision.DAY)])
    assert store.upsert([incident("E1", source, time_precision=1)]).unchanged == 1


def test_opening_a_store_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "busy.sqlite"
    IncidentStore(db).close()
    other_process = sqlite3.connect(db, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
    other_process.execute("UPDATE incidents SET notes = ''")
    reader = IncidentStore(db)
    assert reader.count() == 0
    other_process.execute("COMMIT")
    other_process.close()
    source = article("a")
    assert reader.ingest(source, [incident("A1", source)]).added == 1


def test_a_newer_import_corrects_its_source_and_keeps_merged_reports(store: IncidentStore) -> None:
    acled = Source(kind="acled", title="ACLED IRQ9", publisher="Shafaq News", source_id="IRQ9", sentence="old")
    store.upsert([incident("IRQ9", acled, timestamp=1)])
    report = article("a")
    assert store.ingest(report, [incident("A1", report, location="Balad air base")]).merged == 1

    # The export of the merged incident comes back with a corrected ACLED source list.
    [merged] = store.query()
    corrected = Source(kind="acled", title="ACLED IRQ9", publisher="Rudaw; Kurdistan 24", source_id="IRQ9", sentence="new")
    newer = merged.with_changes(
        sources=[corrected, *[s for s in merged.sources if s.source_id != "IRQ9"]], timestamp=(merged.timestamp or 0) + 1
    )
    assert store.upsert([newer]).updated == 1
    [after] = store.query()
    assert {s.source_id: (s.publisher, s.sentence) for s in after.sources}["IRQ9"] == ("Rudaw; Kurdistan 24", "new")
    assert {s.source_id for s in after.sources} == {"IRQ9", "S-a"}
    # The article's report is still found in the incident it was merged into.
    assert store.ingest(report, [incident("A1", report, location="Balad air base")]).unchanged == 1
    assert store.count() == 1


def test_the_indexes_only_a_few_rows_are_looked_up_by_are_partial(db_url: str) -> None:
    # An imported row has a point and is its own report: neither index holds it (migration 8), and
    # the look-ups that need them (a placement from the page, an article ingested again) still work.
    store = IncidentStore(db_url)
    source = Source(title="Report", url="https://example.org/r", published=date(2021, 3, 2), source_id="R1")
    placed = Incident(event_id="A1", event_date=date(2021, 3, 1), event_type="Battles", location="Balad",
                      latitude=33.94, longitude=44.36, geo_precision=1, source_kind="acled")
    unplaced = Incident(event_id="U1", event_date=date(2021, 3, 1), event_type="Battles", location="Wadi Nowhere")
    store.upsert([placed])
    assert store.ingest(source, [unplaced]).added == 1
    statement = {
        "sqlite": "SELECT sql FROM sqlite_master WHERE name = :name",
        "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = :name",
    }[store.dialect]
    with store.engine.connect() as conn:
        for name in ("ix_incidents_location_key", "ix_incident_sources_reported"):
            assert " WHERE " in conn.execute(sa.text(statement), {"name": name}).scalar_one().upper()
    assert store.ingest(source, [unplaced]).unchanged == 1
    assert store.resolve_place("wadi nowhere", 34.0, 44.0, geo_precision=2) == 1
