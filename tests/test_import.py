"""Imports of ACLED (current and 2020 columns) and UCDP GED files written here with real exports' mess."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from incidents.exchange import ExchangeError, IncidentReader, import_file
from incidents.model import IncidentFilter
from incidents.store import IncidentStore

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
)


def acled_row(
    event_id: str,
    *,
    event_date: str = "2020-05-09",
    actor1: str = "Military Forces of Iraq (2018-)",
    admin1: str = "Baghdad",
    location: str = "Baghdad",
    latitude: str = "33.3406",
    longitude: str = "44.4009",
    geo_precision: str = "1",
    notes: str = "Clash.",
    fatalities: str = "0",
    timestamp: str = "1589300000",
) -> str:
    """One line of ACLED's current column set; `notes` is quoted, its quotes doubled, as ACLED writes it."""
    quoted_notes = '"' + notes.replace('"', '""') + '"'
    return (
        f"{event_id},{event_date},2020,1,Political violence,Battles,Armed clash,{actor1},,1,"
        f"Islamic State (Iraq),,2,12,,368,Middle East,Iraq,{admin1},,,{location},{latitude},{longitude},"
        f"{geo_precision},Shafaq News; Rudaw,National,{quoted_notes},{fatalities},,{timestamp}"
    )


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(db_url: str) -> IncidentStore:
    """A new store, on SQLite and on PostgreSQL (tests/conftest.py)."""
    return IncidentStore(db_url)


def by_id(store: IncidentStore) -> dict[str, object]:
    return {incident.event_id: incident for incident in store.query()}


def test_messy_acled_export_imports_good_rows_and_reports_bad_ones_by_line(
    tmp_path: Path, store: IncidentStore
) -> None:
    messy = write(
        tmp_path / "acled.csv",
        ACLED_HEADER,  # line 1
        "#event+id,#date+occurred,#date+year,,,#event+type,,#group+name+first,,,,,,,,#country+code,,"
        "#country+name,#adm1+name,,,#loc+name,#geo+lat,#geo+lon,,,,,#affected+killed,,",  # line 2: HXL
        acled_row(
            "IRQ1001 ",  # trailing space in the code
            admin1="Nīnawá",
            location="Mosul",
            latitude="36.335",
            longitude="43.119",
            geo_precision="",  # empty, with coordinates
            notes='On 9 May, "IS" fighters attacked a checkpoint, killing 2,\nwounding 3.',  # lines 3-4
            fatalities="2",
        ),
        acled_row("IRQ1002", event_date="2020-05-10", actor1="Military Forces of Iraq (2020-)",
                  admin1="Şalāḩ ad Dīn", location="Tikrit", latitude="34.6", longitude="43.68"),  # line 5
        acled_row("IRQ1003")[: -len(",1589300000")],  # line 6: one field short
        acled_row("IRQ1004") + ",surplus",  # line 7: one field too many
        acled_row("IRQ1005", event_date="2020-13-45"),  # line 8: not a date
        acled_row("IRQ1006", latitude="north"),  # line 9: not a number
        acled_row("IRQ1007", notes="Two\nline note.", fatalities="-1"),  # lines 10-11: negative count
        acled_row("IRQ1008", latitude="", longitude="", geo_precision="2"),  # line 12: unresolved place
    )

    summary = import_file(messy, store)

    assert (summary.format, summary.rows, summary.inserted, summary.rejected) == ("acled", 8, 3, 5)
    assert [(r.line, r.reason) for r in summary.rejections] == [
        (6, "expected 31 fields, found 30"),
        (7, "expected 31 fields, found 32"),
        (8, "event_date '2020-13-45' is not a date (expected 2020-05-09 or 9-May-20)"),
        (9, "coordinates 'north', '44.4009' are not numbers"),
        (10, "fatalities -1 is below 0"),
    ]
    stored = by_id(store)
    assert sorted(stored) == ["IRQ1001", "IRQ1002", "IRQ1008"]
    mosul = stored["IRQ1001"]
    assert mosul.notes == 'On 9 May, "IS" fighters attacked a checkpoint, killing 2,\nwounding 3.'
    assert mosul.admin1 == "Nīnawá"
    assert mosul.geo_precision == 3  # empty geo_precision with a point: the least precise level
    assert (mosul.latitude, mosul.longitude, mosul.fatalities) == (36.335, 43.119, 2)
    assert (mosul.iso, mosul.country, mosul.source_kind) == ("IQ", "Iraq", "acled")
    assert mosul.timestamp == 1589300000
    assert mosul.extra == {
        "disorder_type": "Political violence",
        "inter1": "1",
        "inter2": "2",
        "interaction": "12",
        "region": "Middle East",
        "source_scale": "National",
    }
    assert [(s.kind, s.publisher) for s in mosul.sources] == [("acled", "Shafaq News; Rudaw")]
    assert stored["IRQ1002"].admin1 == "Şalāḩ ad Dīn"
    # ACLED renames the Iraqi military by period: both names are one group.
    assert mosul.actor_group == stored["IRQ1002"].actor_group == "Iraqi state forces"
    unresolved = stored["IRQ1008"]
    assert (unresolved.latitude, unresolved.geo_precision, unresolved.resolved) == (None, None, False)


ACLED_2020_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,"
    "admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
)


def test_acled_2020_columns_and_dates(tmp_path: Path, store: IncidentStore) -> None:
    old = write(
        tmp_path / "acled2020.csv",
        ACLED_2020_HEADER,
        "7012345,368,IRQ5001,5001,9-May-20,2020,2,Explosions/Remote violence,Remote explosive/landmine/IED,"
        "Unidentified Armed Group (Iraq),,3,Civilians (Iraq),,7,37,Middle East,Iraq,Baghdad,Karkh,,"
        'Baghdad - Karkh,33.3128,44.3615,1,Al Sumaria News,National,"An IED went off, no casualties.",0,'
        "1589812345,IRQ",
        "7012346,368,IRQ5002,5002,31-Dec-19,2019,3,Protests,Peaceful protest,Protesters (Iraq),,6,,,0,60,"
        'Middle East,Iraq,Al Basrah,Al Basrah,,Basra,30.5085,47.7804,2,Shafaq News,National,"Protest.",0,'
        "1578000000,IRQ",
    )

    summary = import_file(old, store, format="acled")

    assert (summary.inserted, summary.rejected) == (2, 0)
    stored = by_id(store)
    ied = stored["IRQ5001"]
    assert ied.event_date == date(2020, 5, 9)
    assert ied.time_precision == 2
    assert ied.actor_group == "Unidentified"
    assert ied.iso == "IQ"
    # The 2020 set's own columns are kept verbatim.
    assert {k: ied.extra[k] for k in ("data_id", "event_id_no_cnty", "iso3")} == {
        "data_id": "7012345",
        "event_id_no_cnty": "5001",
        "iso3": "IRQ",
    }
    assert stored["IRQ5002"].event_date == date(2019, 12, 31)
    assert stored["IRQ5002"].actor_group == "Protesters"


def test_reimport_changes_nothing_and_a_newer_export_corrects_in_place(tmp_path: Path, store: IncidentStore) -> None:
    first = write(
        tmp_path / "week1.csv",
        ACLED_HEADER,
        acled_row("IRQ1", fatalities="1", timestamp="1600000000"),
        acled_row("IRQ2", fatalities="0", timestamp="1600000000"),
    )
    assert import_file(first, store).inserted == 2
    again = import_file(first, store)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)

    newer = write(
        tmp_path / "week2.csv",
        ACLED_HEADER,
        acled_row("IRQ1", fatalities="4", notes="Revised.", timestamp="1600500000"),  # corrected
        acled_row("IRQ2", fatalities="9", timestamp="1500000000"),  # an older record must not win
        acled_row("IRQ3", timestamp="1600500000"),  # new
    )
    summary = import_file(newer, store)

    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 1)
    stored = by_id(store)
    assert store.count(IncidentFilter()) == 3
    assert (stored["IRQ1"].fatalities, stored["IRQ1"].notes, stored["IRQ1"].timestamp) == (4, "Revised.", 1600500000)
    assert stored["IRQ2"].fatalities == 0


UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,"
    "side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,"
    "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,"
    "country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)
UCDP_HXL = (
    "#event+id,,#date+year,,,#event+type,,,,,,,,,#group+name+a,,,#group+name+b,,,,,,,,#loc+name,,#adm1+name,"
    "#adm2+name,#geo+lat,#geo+lon,,,#country+name,,#region+name,,,#date+start,#date+end,,,,,#affected+killed+best,"
    "#affected+killed+high,#affected+killed+low,,"
)


def ucdp_row(
    ged_id: str,
    *,
    violence: str = "1",
    side_a: str = "Government of Iraq",
    side_b: str = "IS",
    where_prec: str = "1",
    place: str = "Mosul town",
    adm_1: str = "Nīnawá province",
    latitude: str = "36.335",
    longitude: str = "43.119",
    country: str = "Iraq",
    date_prec: str = "1",
    date_start: str = "2017-01-03 00:00:00.000",
    date_end: str = "2017-01-03 00:00:00.000",
    low_best_high: tuple[str, str, str] = ("3", "5", "8"),
) -> str:
    low, best, high = low_best_high
    return (
        f"{ged_id},IRQ-2017-1-{ged_id},2017,TRUE,Clear,{violence},259,259,Iraq: Government,"
        f"524,524,Government of Iraq - IS,116,116,{side_a},234,234,{side_b},2,"
        f'"Agence France Presse,2017-01-04,""Iraqi forces advance, IS hits back""",,,'
        f'"Iraqi forces advance, IS hits back",Iraqi military,{where_prec},{place},"east bank, near the river",'
        f"{adm_1},Mosul district,{latitude},{longitude},POINT ({longitude} {latitude}),152330,{country},645,"
        f"Middle East,1,{date_prec},{date_start},{date_end},2,3,0,0,{best},{high},{low},645,"
    )


def test_ucdp_ged_with_hxl_row(tmp_path: Path, store: IncidentStore) -> None:
    ged = write(
        tmp_path / "ged.csv",
        UCDP_HEADER,
        UCDP_HXL,
        ucdp_row("101"),
        ucdp_row("102", violence="3", side_a="IS", side_b="Civilians", where_prec="2", date_prec="3",
                 date_start="2017-02-06", date_end="2017-02-12", low_best_high=("10", "12", "20")),
        ucdp_row("103", violence="2", side_a="Kataib Hezbollah", side_b="IS", where_prec="4", date_prec="4",
                 date_start="2017-03-01", date_end="2017-03-31", adm_1="Şalāḩ ad Dīn province"),
        ucdp_row("104", where_prec="6", date_prec="5", date_start="2017-01-01", date_end="2017-12-31",
                 country="Russia (Soviet Union)"),
        ucdp_row("105", violence="4"),  # no such type of violence
    )

    summary = import_file(ged, store)

    assert (summary.format, summary.rows, summary.inserted, summary.rejected) == ("ucdp", 5, 4, 1)
    assert [(r.line, r.reason) for r in summary.rejections] == [(7, "type_of_violence 4 is not one of 1-3")]
    stored = by_id(store)
    battle = stored["UCDP-101"]
    assert (battle.event_type, battle.sub_event_type) == ("Battles", "Armed clash")
    assert (battle.event_date, battle.time_precision) == (date(2017, 1, 3), 1)
    assert (battle.geo_precision, battle.latitude, battle.longitude) == (1, 36.335, 43.119)
    assert (battle.actor1, battle.actor2, battle.actor_group) == ("Government of Iraq", "IS", "Iraqi state forces")
    assert (battle.location, battle.admin1, battle.iso) == ("Mosul town", "Nīnawá province", "IQ")
    assert battle.fatalities == 3  # `low`, ACLED's rule
    assert {k: battle.extra[k] for k in ("best", "low", "high", "where_prec", "date_prec")} == {
        "best": "5", "low": "3", "high": "8", "where_prec": "1", "date_prec": "1"
    }  # fmt: skip
    assert battle.source_kind == "ucdp"
    [source] = battle.sources
    assert (source.kind, source.title) == ("ucdp", "Iraqi forces advance, IS hits back")
    assert source.publisher == 'Agence France Presse,2017-01-04,"Iraqi forces advance, IS hits back"'

    one_sided = stored["UCDP-102"]
    assert (one_sided.event_type, one_sided.sub_event_type) == ("Violence against civilians", "Attack")
    assert (one_sided.event_date, one_sided.time_precision) == (date(2017, 2, 9), 2)  # mid-week
    assert (one_sided.geo_precision, one_sided.fatalities, one_sided.actor_group) == (2, 10, "Islamic State")

    month = stored["UCDP-103"]
    assert (month.time_precision, month.event_date.month, month.geo_precision) == (3, 3, 3)
    assert (month.event_type, month.actor_group) == ("Battles", "Iran-aligned militias")

    country_wide = stored["UCDP-104"]
    assert (country_wide.time_precision, country_wide.geo_precision, country_wide.iso) == (3, 3, "RU")
    assert country_wide.resolved  # UCDP gives a point even for the country


def test_a_file_of_another_format_is_refused_before_anything_is_written(tmp_path: Path, store: IncidentStore) -> None:
    ged = write(tmp_path / "ged.csv", UCDP_HEADER, ucdp_row("1"))
    with pytest.raises(ExchangeError, match=r"ged\.csv: line 1: not an ACLED CSV.*lacks event_id_cnty.*--format ucdp"):
        import_file(ged, store, format="acled")

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)))
    with pytest.raises(ExchangeError, match=r"report\.pdf: line 1: not an ACLED CSV"):
        import_file(pdf, store, format="acled")
    with pytest.raises(ExchangeError, match=r"report\.pdf: line 1: not an ACLED or UCDP GED CSV header"):
        import_file(pdf, store)

    semicolons = write(tmp_path / "excel.csv", ACLED_HEADER.replace(",", ";"), acled_row("IRQ1").replace(",", ";"))
    with pytest.raises(ExchangeError, match=r"excel\.csv: line 1: not an ACLED CSV: .*separates columns with ';'"):
        import_file(semicolons, store, format="acled")

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ExchangeError, match="empty.csv: empty file"):
        import_file(empty, store)
    with pytest.raises(ExchangeError, match="cannot open"):
        import_file(tmp_path / "missing.csv", store)
    assert store.count(IncidentFilter()) == 0


def test_a_row_with_bytes_that_are_not_utf8_is_rejected_alone(tmp_path: Path, store: IncidentStore) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "\n".join([ACLED_HEADER, acled_row("IRQ1"), acled_row("IRQ2", admin1="N\udcedinaw\udce1"), acled_row("IRQ3")])
        .encode("utf-8", errors="surrogateescape")
        + b"\n"
    )
    summary = import_file(path, store)
    assert (summary.inserted, summary.rejected) == (2, 1)
    assert summary.rejections[0].line == 3
    assert "UTF-8" in summary.rejections[0].reason


def test_a_utf8_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(ACLED_HEADER + "\n" + acled_row("IRQ1") + "\n", encoding="utf-8-sig")
    with IncidentReader(path) as reader:
        assert reader.format == "acled"
        assert [incident.event_id for incident in reader.incidents()] == ["IRQ1"]


def test_an_overlong_field_and_an_unclosed_quote_are_rejected_by_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "broken.csv",
        ACLED_HEADER,
        acled_row("IRQ1"),
        acled_row("IRQ2", notes="x" * 200_000),  # beyond the csv module's field limit: a broken quote, surely
        acled_row("IRQ3"),
        'IRQ4,"2020-05-09,2020',  # the quote never closes
    )
    with IncidentReader(path) as reader:
        assert [incident.event_id for incident in reader.incidents()] == ["IRQ1", "IRQ3"]
    assert (reader.summary.rows, reader.summary.rejected) == (4, 2)
    assert [r.line for r in reader.summary.rejections] == [3, 5]
    assert "field limit" in reader.summary.rejections[0].reason


def test_an_event_repeated_in_one_file_is_stored_once_newest_first(tmp_path: Path, store: IncidentStore) -> None:
    path = write(
        tmp_path / "repeat.csv",
        ACLED_HEADER,
        acled_row("IRQ1", fatalities="1", timestamp="1600000000"),
        acled_row("IRQ1", fatalities="5", timestamp="1600900000"),
        acled_row("IRQ1", fatalities="3", timestamp="1600500000"),
    )
    summary = import_file(path, store)
    assert (summary.rows, summary.inserted, summary.rejected) == (3, 1, 0)
    [stored] = store.query()
    assert (stored.fatalities, stored.timestamp) == (5, 1600900000)


def test_a_newer_export_corrects_the_publishers_too(tmp_path: Path, store: IncidentStore) -> None:
    import_file(write(tmp_path / "old.csv", ACLED_HEADER, acled_row("IRQ1")), store)
    newer = acled_row("IRQ1", timestamp="1700000000").replace("Shafaq News; Rudaw", "Rudaw; Kurdistan 24")
    assert import_file(write(tmp_path / "new.csv", ACLED_HEADER, newer), store).updated == 1
    assert [s.publisher for s in store.query()[0].sources] == ["Rudaw; Kurdistan 24"]
