"""Reviews in the store, on SQLite and on PostgreSQL: status and history written in one transaction,
the aggregates the page reads kept exact, the queue's order, what re-ingests, second reports and
newer imports may and may not change, and the migration of a store from before reviews."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from incidents import migrations, queries, store as store_module
from incidents.model import SHOWN_STATUSES, Incident, IncidentFilter, Source
from incidents.store import (
    IncidentStore,
    ReviewConflict,
    ReviewError,
    history_table,
    incidents_table,
    queue_key,
    to_db_url,
)
from tests.test_store import aggregates_by_a_scan, aggregates_of_the_store, counted_by_a_scan, counted_by_the_store, snapshot

ROCKETS = "Explosions/Remote violence"
SHELLING = "Shelling/artillery/missile attack"


def report(name: str) -> Source:
    return Source(title=f"Report {name}", publisher="Outlet", url=f"https://example.org/{name}",
                  published=date(2019, 12, 8), source_id=f"S-{name}")


def told(event_id: str, source: Source, sentence: str, **fields: object) -> Incident:
    """An incident as the extractor gives it: one sentence of one report."""
    values: dict[str, object] = dict(
        event_date=date(2019, 12, 5), event_type=ROCKETS, sub_event_type=SHELLING, actor1="Kataib Hezbollah",
        actor_group="Iran-aligned militias", location="Balad Airbase", place_name="Balad Air Base",
        latitude=33.9402, longitude=44.3616, geo_precision=1, country="Iraq", iso="IQ", admin1="Salah al-Din",
        source_sentence=sentence,
    )
    values.update(fields)
    return Incident(event_id=event_id, sources=[Source(**{**source.__dict__, "sentence": sentence})], **values)  # type: ignore[arg-type]


def article_incidents(source: Source, prefix: str = "A") -> list[Incident]:
    return [
        told(f"{prefix}1", source, "Rockets hit Balad Airbase on Thursday.", doubts="actor_attributed", fatalities=1),
        told(f"{prefix}2", source, "A drone struck Ain Assad on Wednesday.", event_date=date(2019, 12, 4),
             location="Ain Assad", place_name="Al Asad Air Base", latitude=33.7856, longitude=42.4412, admin1="Anbar",
             sub_event_type="Air/drone strike", doubts="place_fallback;date_as_reported"),
        told(f"{prefix}3", source, "Militias have attacked bases in Iraq.", event_date=date(2019, 12, 6),
             location="Iraq", place_name="Iraq", latitude=33.0, longitude=43.7, geo_precision=3, admin1="Baghdad",
             doubts="place_fallback;date_as_reported;actor_unnamed", actor1="Unidentified Armed Group (Iraq)",
             actor_group="Unidentified"),
    ]


@pytest.fixture
def store(db_url: str) -> Iterator[IncidentStore]:
    store = IncidentStore(db_url)
    yield store
    store.close()


def reviewed(store: IncidentStore) -> dict[str, Incident]:
    """An article's three incidents: A1 confirmed, A2's place corrected, A3 rejected."""
    source = report("a")
    assert store.ingest(source, article_incidents(source)).added == 3
    store.review("A1", "confirm", editor="amal", note="checked")
    store.review("A2", "correct", editor="amal", changes={"latitude": 33.5239, "longitude": 44.2567, "place_name": "Camp Taji",
                                                          "admin1": "Baghdad"}, note="the base named later")
    store.review("A3", "reject", editor="amal", note="background, not an event")
    return {i.event_id: i for i in store.query()}


def test_a_review_sets_status_reviewer_and_time_and_writes_its_history(store: IncidentStore) -> None:
    by_id = reviewed(store)
    assert [(by_id[i].review_status, by_id[i].reviewed_by) for i in ("A1", "A2", "A3")] == [
        ("confirmed", "amal"), ("corrected", "amal"), ("rejected", "amal")]
    assert all(by_id[i].reviewed_at for i in ("A1", "A2", "A3"))
    assert (by_id["A2"].latitude, by_id["A2"].longitude, by_id["A2"].place_name) == (33.5239, 44.2567, "Camp Taji")
    assert by_id["A2"].location == "Ain Assad"  # the place as the report wrote it stays

    (confirm,) = store.history("A1")
    assert (confirm.editor, confirm.action, confirm.note) == ("amal", "confirm", "checked")
    assert confirm.changes == {"review_status": ("proposed", "confirmed")}
    (correct,) = store.history("A2")
    assert correct.changes == {
        "place_name": ("Al Asad Air Base", "Camp Taji"), "latitude": (33.7856, 33.5239), "longitude": (42.4412, 44.2567),
        "admin1": ("Anbar", "Baghdad"), "review_status": ("proposed", "corrected"),
    }
    assert correct.note == "the base named later"
    assert [e.event_id for e in store.history(limit=2)] == ["A3", "A2"]  # the store's latest changes first


def test_the_rejected_are_off_the_map_and_out_of_the_counts_and_the_aggregates_stay_exact(store: IncidentStore) -> None:
    reviewed(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    shown = IncidentFilter(statuses=SHOWN_STATUSES)
    counts = queries.view_counts(store, shown)
    assert (counts.matching, counts.mapped) == (2, 2)
    assert sum(n for _, _, n in queries.daily_counts(store, shown)) == 2
    layer = queries.map_layer(store, shown, queries.WORLD, 2.0, max_points=100)
    assert {p["event_id"] for p in layer.points} == {"A1", "A2"}  # type: ignore[union-attr]
    points = {p["event_id"]: p for p in layer.points}  # type: ignore[union-attr]
    assert (points["A2"]["latitude"], points["A2"]["review_status"], points["A2"]["reviewed_by"]) == (33.5239, "corrected", "amal")
    cells = queries.map_layer(store, shown, queries.WORLD, 2.0, max_points=0)
    assert cells.mode == "cells" and sum(c.count for c in cells.cells) == 2
    assert queries.view_counts(store, IncidentFilter(statuses=("rejected",))).matching == 1


def test_the_same_article_ingested_again_undoes_no_review(store: IncidentStore) -> None:
    reviewed(store)
    before = snapshot(store)
    source = report("a")
    again = store.ingest(source, article_incidents(source))
    assert (again.added, again.merged, again.unchanged) == (0, 0, 3)
    # A changed extractor gives the same sentences new ids (and the corrected incident its first place and type).
    changed = [i.with_changes(event_id=f"X{n}") for n, i in enumerate(article_incidents(source))]
    changed[1] = changed[1].with_changes(event_type="Battles", sub_event_type="Armed clash")
    again = store.ingest(source, changed)
    assert (again.added, again.merged, again.unchanged) == (0, 0, 3)
    assert snapshot(store) == before


def test_a_second_report_fills_blanks_of_a_reviewed_incident_and_never_a_corrected_field_nor_a_rejection(store: IncidentStore) -> None:
    reviewed(store)
    store.review("A1", "correct", editor="badr", changes={"fatalities": None}, note="the toll was of another attack")
    other = report("b")
    result = store.ingest(other, [
        told("B1", other, "Rockets struck Balad Airbase, killing two.", fatalities=2),
        # Placed where the first report placed it: found by the reports' key, though a reviewer moved it.
        told("B2", other, "Drones hit Ain Assad.", event_date=date(2019, 12, 4), location="Ain Assad",
             place_name="Al Asad Air Base", latitude=33.7856, longitude=42.4412, admin1="Anbar",
             sub_event_type="Air/drone strike", fatalities=2, actor1="Islamic State", actor_group="Islamic State"),
        told("B3", other, "Bases in Iraq came under attack.", event_date=date(2019, 12, 6), location="Iraq",
             place_name="Iraq", latitude=33.0, longitude=43.7, geo_precision=3, admin1="Baghdad",
             actor1="Islamic State", actor_group="Islamic State"),
    ])
    assert (result.added, result.merged) == (0, 3)
    by_id = {i.event_id: i for i in store.query()}
    assert by_id["A1"].fatalities is None  # corrected to no figure: a report's figure does not fill it
    a2 = by_id["A2"]
    assert (a2.latitude, a2.longitude, a2.place_name, a2.review_status) == (33.5239, 44.2567, "Camp Taji", "corrected")
    assert a2.fatalities == 2  # what the first report left blank
    assert a2.actor1 == "Kataib Hezbollah"  # a reviewed actor is not replaced
    assert "reports_disagree" in a2.doubts  # the second report names another actor
    a3 = by_id["A3"]
    assert (a3.review_status, a3.actor1, len(a3.sources)) == ("rejected", "Unidentified Armed Group (Iraq)", 2)
    assert queries.view_counts(store, IncidentFilter(statuses=SHOWN_STATUSES)).matching == 2
    merge = store.history("A2")[-1]
    assert merge.action == "merge" and set(merge.changes) == {"fatalities", "doubts"} and "Report b" in merge.note
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)


def test_a_second_report_that_disagrees_raises_a_proposed_incidents_doubt(store: IncidentStore) -> None:
    first, second = report("a"), report("b")
    store.ingest(first, [told("A1", first, "Rockets hit Balad, killing 3.", fatalities=3)])
    (head,) = store.review_queue()
    store.ingest(second, [told("B1", second, "Rockets hit Balad, killing 5.", fatalities=5)])
    (merged,) = store.review_queue()
    assert merged.event_id == "A1" and merged.fatalities == 3 and merged.doubts == "reports_disagree"
    assert queue_key(merged) > queue_key(head)


def test_a_newer_acled_export_corrects_imported_rows_but_not_a_reviewers_fields(store: IncidentStore) -> None:
    acled = Source(kind="acled", title="ACLED", source_id="ACLED")
    rows = [told(f"IRQ{n}", acled, f"Coded note {n}.", source_kind="acled", timestamp=100, fatalities=1) for n in range(3)]
    store.upsert(rows)
    assert {i.review_status for i in store.query()} == {"imported"}
    store.review("IRQ1", "correct", editor="amal", changes={"fatalities": 4})
    store.review("IRQ2", "reject", editor="amal")

    newer = [row.with_changes(fatalities=7, notes="revised", timestamp=200) for row in rows]
    result = store.upsert(newer, editor="importer", note="acled-2020.csv")
    assert (result.updated, result.unchanged) == (3, 0)
    by_id = {i.event_id: i for i in store.query()}
    assert (by_id["IRQ0"].fatalities, by_id["IRQ0"].notes, by_id["IRQ0"].review_status) == (7, "revised", "imported")
    assert (by_id["IRQ1"].fatalities, by_id["IRQ1"].notes, by_id["IRQ1"].review_status) == (4, "revised", "corrected")
    assert by_id["IRQ2"].review_status == "rejected"
    (update,) = [e for e in store.history("IRQ0")]
    assert (update.action, update.editor, update.note) == ("import", "importer", "acled-2020.csv")
    assert update.changes == {"fatalities": (1, 7), "notes": ("", "revised")}
    # The same export again changes nothing, the corrected row included.
    assert store.upsert(newer).unchanged == 3
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert counted_by_the_store(store) == counted_by_a_scan(store)


def test_the_queue_is_most_doubtful_first_then_newest_and_reviewed_ones_leave_it(store: IncidentStore) -> None:
    source = report("a")
    store.ingest(source, article_incidents(source))
    assert [i.event_id for i in store.review_queue(limit=10)] == ["A3", "A2", "A1"]  # doubts 6, 5, 2
    (first,) = store.review_queue()
    assert [i.event_id for i in store.review_queue(after=queue_key(first), limit=10)] == ["A2", "A1"]  # skipped A3
    assert store.review_queue()[0].sources[0].title == "Report a"
    store.review("A3", "confirm", editor="amal")
    assert [i.event_id for i in store.review_queue(limit=10)] == ["A2", "A1"]
    other = report("b")
    store.ingest(other, [told("B9", other, "Gunmen attacked Samarra on Sunday.", event_date=date(2019, 12, 1),
                              location="Samarra", latitude=34.19, longitude=43.88, doubts="actor_attributed")])
    assert [i.event_id for i in store.review_queue(limit=10)] == ["A2", "A1", "B9"]  # same doubt: newest first


@pytest.mark.parametrize(("action", "changes", "message"), [
    ("confirm", {}, "no incident 'NOPE'"),
    ("correct", {"latitude": 95.0}, "latitude 95.0 is outside"),
    ("correct", {"latitude": "north"}, "latitude: 'north' is not a valid value"),
    ("correct", {"event_type": "Skirmish"}, "event type 'Skirmish' is not one of ACLED's"),
    ("correct", {"sub_event_type": "Armed clash"}, "sub-event type 'Armed clash' is not one of Explosions/Remote violence's"),
    ("correct", {"fatalities": -1}, "fatalities -1 is below 0"),
    ("correct", {"actor1": " "}, "actor1 cannot be empty"),
    ("correct", {"event_date": "5 December"}, "event_date: '5 December' is not a valid value"),
    ("correct", {"notes": "x"}, "cannot correct 'notes'"),
    ("correct", {"actor1": "Kataib Hezbollah"}, "nothing to correct"),
    ("correct", {}, "nothing to correct"),
    ("reject", {"fatalities": 2}, "reject takes no field values"),
    ("approve", {}, "unknown review action 'approve'"),
])
def test_a_bad_review_says_why_and_changes_nothing(store: IncidentStore, action: str, changes: dict[str, object], message: str) -> None:
    source = report("a")
    store.ingest(source, article_incidents(source))
    before = snapshot(store)
    with pytest.raises(ReviewError, match=message):
        store.review("NOPE" if message.startswith("no incident") else "A1", action, editor="amal", changes=changes)
    assert snapshot(store) == before and store.history("A1") == []


def test_a_correction_follows_through_to_what_depends_on_it(store: IncidentStore) -> None:
    source = report("a")
    store.ingest(source, article_incidents(source))
    fixed = store.review("A3", "correct", editor="amal", changes={
        "event_type": "Battles", "actor1": "Islamic State", "event_date": "2019-12-07", "fatalities": "3"})
    assert (fixed.event_type, fixed.sub_event_type, fixed.actor_group) == ("Battles", "", "Islamic State")
    assert (fixed.event_date, fixed.fatalities) == (date(2019, 12, 7), 3)
    unresolved = told("A9", source, "Shelling hit Tell X.", latitude=None, longitude=None, geo_precision=None, location="Tell X")
    store.ingest(report("c"), [unresolved])
    placed = store.review("A9", "correct", editor="amal", changes={"latitude": 35.1, "longitude": 43.2})
    assert placed.geo_precision == 1  # a point a person set is the place itself
    assert queries.view_counts(store, IncidentFilter(places=("place",))).matching == 3
    with pytest.raises(ReviewError, match="needs both latitude and longitude"):
        store.review("A9", "correct", editor="amal", changes={"latitude": None})
    assert counted_by_the_store(store) == counted_by_a_scan(store)
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)


def test_a_decision_on_an_incident_someone_reviewed_meanwhile_is_refused(store: IncidentStore) -> None:
    source = report("a")
    store.ingest(source, article_incidents(source))
    store.review("A1", "reject", editor="amal", expected_status="proposed")
    with pytest.raises(ReviewConflict, match="A1 is rejected by amal already"):
        store.review("A1", "confirm", editor="badr", expected_status="proposed")
    assert store.get("A1").review_status == "rejected"  # type: ignore[union-attr]


def test_the_history_row_is_written_in_the_reviews_transaction(store: IncidentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    source = report("a")
    store.ingest(source, article_incidents(source))
    before, aggregates = snapshot(store), aggregates_of_the_store(store)

    def disk_full(conn: sa.Connection, rows: list[dict[str, object]]) -> None:
        conn.execute(history_table.insert(), rows)  # written, then the transaction fails
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "_write_history", disk_full)
    with pytest.raises(OSError, match="disk full"):
        store.review("A2", "correct", editor="amal", changes={"latitude": 33.0, "longitude": 44.0})
    assert snapshot(store) == before and aggregates_of_the_store(store) == aggregates
    assert store.history("A2") == [] and store.get("A2").review_status == "proposed"  # type: ignore[union-attr]


def test_placing_an_unresolved_place_is_in_the_history(store: IncidentStore) -> None:
    source = report("a")
    store.ingest(source, [told("U1", source, "Shelling hit Tell X.", latitude=None, longitude=None, geo_precision=None,
                               location="Tell X", place_name="")])
    assert store.resolve_place("Tell X", 35.1, 43.2, editor="amal") == 1
    (placed,) = store.history("U1")
    assert (placed.action, placed.editor) == ("place", "amal")
    assert placed.changes["latitude"] == (None, 35.1) and placed.changes["geo_precision"] == (None, 1)


def test_a_store_from_before_reviews_is_migrated(db_url: str) -> None:
    """A store at schema 6 with an extracted and an imported incident: proposed and imported, the
    aggregates counted by status, the history and the queue ready."""
    engine = sa.create_engine(to_db_url(db_url))
    with engine.begin() as conn:
        assert migrations.migrate(conn, target=6) == [1, 2, 3, 4, 5, 6]
        for event_id, kind, lat in (("OLD1", "article", 33.94), ("OLD2", "acled", 34.1), ("OLD3", "ucdp", None)):
            conn.execute(sa.text(
                "INSERT INTO incidents (event_id, event_date, time_precision, event_type, sub_event_type, actor1, assoc_actor_1,"
                " actor2, assoc_actor_2, actor_group, attribution, attributed_by, location, place_name, country, iso, admin1,"
                " admin2, admin3, casualties_reported, munitions, notes, source_sentence, source_kind, extra, place_key,"
                " location_key, row_hash, source_count, latitude, longitude, geo_precision) VALUES (:id, '2019-12-05', 1,"
                " 'Battles', '', 'Iran', '', '', '', 'Iran', 'unknown', '', 'Balad', '', 'Iraq', 'IQ', 'Salah al-Din', '', '',"
                " false, '', '', '', :kind, '{}', 'k', 'balad', 'x', 0, :lat, :lon, 1)"
            ), {"id": event_id, "kind": kind, "lat": lat, "lon": None if lat is None else 44.36})
    engine.dispose()

    store = IncidentStore(db_url)
    with store.engine.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST_VERSION == 8
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("incidents")}
        assert "ix_incidents_review" in indexes
    assert {i.event_id: i.review_status for i in store.query()} == {"OLD1": "proposed", "OLD2": "imported", "OLD3": "imported"}
    assert aggregates_of_the_store(store) == aggregates_by_a_scan(store)
    assert queries.view_counts(store, IncidentFilter(statuses=("imported",))).matching == 2
    assert [i.event_id for i in store.review_queue(limit=5)] == ["OLD1"]
    store.review("OLD1", "reject", editor="amal")
    assert queries.view_counts(store, IncidentFilter(statuses=SHOWN_STATUSES)) == queries.ViewCounts(2, 1)
    assert [e.action for e in store.history("OLD1")] == ["reject"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(incidents_table)).scalar() == 3
    store.close()
