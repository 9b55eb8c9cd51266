"""Exports to CSV and GeoJSON, the round trip export -> import, and the import/export commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from test_import import ACLED_2020_HEADER, ACLED_HEADER, UCDP_HEADER, acled_row, ucdp_row, write

from incidents.cli import main
from incidents.exchange import ACLED_COLUMNS, export_incidents, import_file, to_acled_row
from incidents.model import Incident, IncidentFilter, Source, incident_from_record, stable_id
from incidents.store import IncidentStore


def article_incidents() -> tuple[Source, list[Incident], Source, Incident]:
    """What the extractor makes of two reports: one placed incident that both give, one unresolved."""
    report = Source(
        kind="article",
        title="Rockets hit base hosting US troops",
        publisher="Example Wire",
        url="https://example.org/rockets?id=1&lang=en",
        published=date(2019, 12, 8),
    )
    sentence = 'Two Katyusha rockets struck Balad Air Base, "security sources" said, wounding 2.'
    base = Incident(
        event_id=stable_id("article", "balad"),
        event_date=date(2019, 12, 5),
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Unidentified Armed Group (Iraq)",
        actor2="Military Forces of the United States",
        actor_group="Unidentified",
        attribution="suspected",
        attributed_by="security sources",
        location="Balad Air Base",
        place_name="Balad Southeast Air Base",
        latitude=33.94,
        longitude=44.362,
        geo_precision=1,
        country="Iraq",
        iso="IQ",
        admin1="Şalāḩ ad Dīn",
        injuries=2,
        casualties_reported=True,
        munitions="two Katyusha rockets",
        notes="Rockets hit the base; no claim.",
        source_sentence=sentence,
        source_kind="article",
        sources=[report.__class__(**{**report.__dict__, "sentence": sentence})],
    )
    unresolved = Incident(
        event_id=stable_id("article", "somewhere"),
        event_date=date(2019, 11, 15),
        time_precision=3,
        event_type="Explosions/Remote violence",
        actor1="Kataib Hezbollah",
        actor_group="Iran-aligned militias",
        attribution="accused",
        attributed_by="US officials",
        location="a base north of the capital",
        source_sentence="US officials blamed Kataib Hezbollah for attacks in November.",
        source_kind="article",
        sources=[report],
    )
    second_report = Source(kind="article", title="Base attacked", url="https://example.net/b", published=date(2019, 12, 6))
    same_event = base.with_changes(
        event_id=stable_id("article", "balad", 2),
        source_sentence="Balad was attacked.",
        sources=[second_report],
    )
    return report, [base, unresolved], second_report, same_event


@pytest.fixture
def filled_store(tmp_path: Path, db_url: str) -> IncidentStore:
    """A store holding all three kinds: ACLED (both column sets), UCDP GED and article incidents;
    on SQLite and on PostgreSQL."""
    store = IncidentStore(db_url)
    acled_file = write(
        tmp_path / "acled.csv",
        ACLED_HEADER,
        acled_row("IRQ1", admin1="Nīnawá", geo_precision="", notes='Said "no", then, later,\nleft.'),
        acled_row("IRQ2", latitude="", longitude=""),
        # ACLED codes Kosovo with iso 0, which is no ISO country: it must come back as written.
        acled_row("KSV3").replace(",368,Middle East,Iraq,", ",0,Europe,Kosovo,"),
    )
    old_file = write(
        tmp_path / "acled2020.csv",
        ACLED_2020_HEADER,
        "7012345,368,IRQ5001,5001,9-May-20,2020,2,Explosions/Remote violence,Remote explosive/landmine/IED,"
        "Unidentified Armed Group (Iraq),,3,Civilians (Iraq),,7,37,Middle East,Iraq,Baghdad,Karkh,,"
        "Baghdad - Karkh,33.3128,44.3615,1,Al Sumaria News,National,IED.,0,1589812345,IRQ",
    )
    ged_file = write(
        tmp_path / "ged.csv",
        UCDP_HEADER,
        ucdp_row("101"),
        ucdp_row("102", violence="3", side_a="IS", side_b="Civilians", where_prec="7", date_prec="5",
                 date_start="2017-01-01", date_end="2017-12-31"),
    )
    for path in (acled_file, old_file, ged_file):
        assert import_file(path, store).rejected == 0
    report, incidents, second_report, same_event = article_incidents()
    store.ingest(report, incidents)
    store.ingest(second_report, [same_event])  # merges into the first: one incident, two sources
    return store


def sorted_incidents(store: IncidentStore) -> list[Incident]:
    return sorted(store.query(), key=lambda incident: incident.event_id)


def test_csv_export_then_import_loses_nothing(tmp_path: Path, filled_store: IncidentStore) -> None:
    before = sorted_incidents(filled_store)
    assert {i.source_kind for i in before} == {"acled", "ucdp", "article"}
    assert any(len(i.sources) == 2 for i in before)  # the merged article incident

    exported = tmp_path / "export.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        assert export_incidents(filled_store.iter_incidents(), out, format="csv") == len(before)
    copy = IncidentStore(tmp_path / "b.sqlite")
    summary = import_file(exported, copy)
    assert (summary.inserted, summary.rejected) == (len(before), 0)

    after = sorted_incidents(copy)
    for original, restored in zip(before, after, strict=True):
        assert restored == original, original.event_id  # every field, sources and extra included
    # ... and a second export is byte for byte the first.
    again = io.StringIO(newline="")
    export_incidents(copy.iter_incidents(), again, format="csv")
    assert again.getvalue() == exported.read_text(encoding="utf-8")


def test_csv_export_has_acled_columns_with_acled_codes(filled_store: IncidentStore) -> None:
    out = io.StringIO(newline="")
    export_incidents(filled_store.iter_incidents(), out, format="csv")
    reader = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert tuple(reader.fieldnames[: len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    rows = {row["event_id_cnty"]: row for row in reader}
    assert rows["IRQ1"]["iso"] == "368"  # ACLED's numeric code, not our alpha-2
    assert rows["KSV3"]["iso"] == "0"
    assert rows["IRQ1"]["inter1"] == "1" and rows["IRQ1"]["source"] == "Shafaq News; Rudaw"
    assert rows["IRQ1"]["notes"] == 'Said "no", then, later,\nleft.'
    assert json.loads(rows["IRQ5001"]["extra"]) == {"data_id": "7012345", "event_id_no_cnty": "5001", "iso3": "IRQ"}
    ucdp = rows["UCDP-101"]
    assert (ucdp["source_kind"], ucdp["year"], ucdp["geo_precision"]) == ("ucdp", "2017", "1")
    article = next(row for row in rows.values() if row["source_kind"] == "article" and row["latitude"])
    assert article["source_url"] in ("https://example.org/rockets?id=1&lang=en", "https://example.net/b")
    assert sorted(s["url"] for s in json.loads(article["sources"])) == [
        "https://example.net/b",
        "https://example.org/rockets?id=1&lang=en",
    ]
    assert (article["attribution"], article["attributed_by"]) == ("suspected", "security sources")
    assert article["place_name"] == "Balad Southeast Air Base"
    assert article["source_sentence"].startswith("Two Katyusha rockets")
    unresolved = next(row for row in rows.values() if row["source_kind"] == "article" and not row["latitude"])
    assert (unresolved["longitude"], unresolved["geo_precision"]) == ("", "")


def test_geojson_is_a_feature_collection_in_longitude_latitude_order(filled_store: IncidentStore) -> None:
    out = io.StringIO()
    count = export_incidents(filled_store.iter_incidents(), out, format="geojson")
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946: WGS 84 only, no CRS member
    features = {feature["id"]: feature for feature in collection["features"]}
    assert len(features) == count == filled_store.count(IncidentFilter())
    assert features["IRQ1"]["geometry"] == {"type": "Point", "coordinates": [44.4009, 33.3406]}
    assert features["IRQ2"]["geometry"] is None  # unresolved, yet exported
    assert features["IRQ1"]["properties"]["admin1"] == "Nīnawá"
    # The properties carry every field: they read back into the same incident.
    for incident in filled_store.query():
        assert incident_from_record(features[incident.event_id]["properties"]) == incident


def test_to_acled_row_writes_empty_cells_for_unknown_values() -> None:
    row = to_acled_row(Incident(event_id="X1", event_date=date(2021, 1, 2)))
    assert (row["event_date"], row["year"], row["fatalities"], row["latitude"], row["iso"]) == (
        "2021-01-02", "2021", "", "", ""
    )  # fmt: skip


def test_import_and_export_commands(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = db_url  # a path for SQLite, postgresql://... for the server
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(tmp_path / "cache"))  # the import's gazetteer layer
    acled_file = write(
        tmp_path / "acled.csv",
        ACLED_HEADER,
        acled_row("IRQ1", event_date="2020-01-05"),
        acled_row("IRQ2", event_date="2020-03-05")[: -len(",1589300000")],  # a ragged line
        acled_row("IRQ3", event_date="2020-06-05"),
    )
    ged_file = write(tmp_path / "ged.csv", UCDP_HEADER, ucdp_row("7"))

    assert main(["import", str(acled_file), str(ged_file), "--db", db, "-q"]) == 1
    captured = capsys.readouterr()
    assert f"{acled_file} (acled): 3 rows: 2 imported, 0 updated, 0 unchanged, 1 rejected" in captured.out
    assert f"{ged_file} (ucdp): 1 rows: 1 imported" in captured.out
    assert f"{acled_file}:3: rejected: " in captured.err

    assert main(["import", str(ucdp_file := ged_file), "--format", "acled", "--db", db, "-q"]) == 2
    assert f"{ucdp_file}: line 1: not an ACLED CSV" in capsys.readouterr().err

    out = tmp_path / "ucdp.geojson"
    assert main(["export", "--db", db, "--source-kind", "ucdp", "-o", str(out)]) == 0
    assert [f["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]] == ["UCDP-7"]

    assert main(["export", "--db", db, "--from", "2020-02-01", "--to", "2020-12-31", "--source-kind", "acled"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["event_id_cnty"] for row in rows] == ["IRQ3"]


def test_the_extractors_incidents_survive_the_round_trip(tmp_path: Path) -> None:
    from incidents.articles import read_article
    from incidents.extract import Extractor

    article = read_article(Path(__file__).resolve().parent.parent / "seeds" / "000_d33791d1605386a1.txt")
    extracted = Extractor().extract(article)
    assert extracted, "the seed yields incidents"
    store = IncidentStore(tmp_path / "a.sqlite")
    store.ingest(article.source(), extracted)
    exported = io.StringIO(newline="")
    export_incidents(store.iter_incidents(), exported, format="csv")
    path = tmp_path / "articles.csv"
    path.write_text(exported.getvalue(), encoding="utf-8")

    copy = IncidentStore(tmp_path / "b.sqlite")
    assert import_file(path, copy).inserted == len(store.query())
    assert sorted_incidents(copy) == sorted_incidents(store)
    assert {i.source_kind for i in copy.query()} == {"article"}
