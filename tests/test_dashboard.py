"""The dashboard's logic without a browser: filters, payloads, escaping, offline assets."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date

import pandas as pd
import pytest

from dashboard import assets, basemap, filters, layers
from dashboard.style import GROUP_COLOURS, colour_for
from incidents.model import GeoPrecision, Incident, IncidentFilter, Source, TimePrecision

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def frame_of(incidents: list[Incident]) -> pd.DataFrame:
    """The shape of IncidentStore.frame: scalar Incident fields plus the first source's columns."""
    scalar = [f.name for f in fields(Incident) if f.name not in ("sources", "extra")]
    rows = []
    for incident in incidents:
        row = {name: getattr(incident, name) for name in scalar}
        first = incident.sources[0] if incident.sources else Source()
        row.update(source_title=first.title, source_url=first.url, source_publisher=first.publisher,
                   source_count=len(incident.sources))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=scalar + ["source_title", "source_url", "source_publisher", "source_count"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    for name in ("geo_precision", "fatalities", "injuries", "timestamp"):
        frame[name] = frame[name].astype("Int64")
    return frame


def incident(n: int, **changes: object) -> Incident:
    base = Incident(
        event_id=f"T{n}", event_date=date(2019, 12, n), event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack", actor1="Kataib Hezbollah",
        actor_group="Iran-aligned militias", location="Balad Airbase", place_name="Balad Air Base",
        latitude=33.94, longitude=44.36, geo_precision=GeoPrecision.PLACE, country="Iraq", iso="IQ",
        admin1="Salah al-Din", source_sentence=f"Rockets hit the base on day {n}.",
        sources=[Source(title="Iraq flashpoint", url="https://example.org/a", publisher="The Arab Weekly")],
    )
    return base.with_changes(**changes)


@pytest.fixture()
def sample() -> pd.DataFrame:
    return frame_of([
        incident(1),
        incident(3, actor_group="US and coalition forces", actor1="US forces", event_type="Battles",
                 location="Ain al-Asad", latitude=33.8, longitude=42.44),
        incident(5, geo_precision=GeoPrecision.NEAR, location="near Mosul", latitude=36.34, longitude=43.13),
        incident(6, geo_precision=GeoPrecision.REGION, admin1="", location="Iraq", latitude=33.0, longitude=44.0,
                 source_kind="acled"),
        incident(7, geo_precision=None, latitude=None, longitude=None, location="Camp Nowhere"),
        incident(15, time_precision=TimePrecision.MONTH, location="Qayyarah", latitude=35.76, longitude=43.12,
                 source_sentence="More than a dozen rockets hit the Qayyarah Airbase"),
    ])


def test_date_range_accepts_half_picked_and_reversed_ranges() -> None:
    lo, hi = date(2019, 1, 1), date(2019, 12, 31)
    assert filters.date_range((date(2019, 6, 1),), lo, hi) == (date(2019, 6, 1), hi)
    assert filters.date_range((), lo, hi) == (lo, hi)
    assert filters.date_range(None, lo, hi) == (lo, hi)
    assert filters.date_range((date(2019, 7, 1), date(2019, 6, 1)), lo, hi) == (date(2019, 6, 1), date(2019, 7, 1))
    assert filters.date_range(date(2019, 6, 2), lo, hi) == (date(2019, 6, 2), date(2019, 6, 2))


def test_apply_filter_by_each_field(sample: pd.DataFrame) -> None:
    def ids(flt: IncidentFilter) -> list[str]:
        return filters.apply_filter(sample, flt)["event_id"].tolist()

    assert ids(IncidentFilter()) == sample["event_id"].tolist()
    assert ids(IncidentFilter(date_from=date(2019, 12, 4), date_to=date(2019, 12, 6))) == ["T5", "T6"]
    assert ids(IncidentFilter(actor_groups=("US and coalition forces",))) == ["T3"]
    assert ids(IncidentFilter(event_types=("Battles",))) == ["T3"]
    assert ids(IncidentFilter(source_kinds=("acled",))) == ["T6"]
    assert ids(IncidentFilter(geo_precisions=(None, GeoPrecision.NEAR))) == ["T5", "T7"]
    assert ids(IncidentFilter(text="QAYYARAH airbase")) == ["T15"]
    assert ids(IncidentFilter(actors=("us FORCES",))) == ["T3"]


def test_country_level_and_unresolved_are_not_drawn(sample: pd.DataFrame) -> None:
    assert sample[filters.is_drawable(sample)]["event_id"].tolist() == ["T1", "T3", "T5", "T15"]
    assert sample[filters.is_country_level(sample)]["event_id"].tolist() == ["T6"]


def test_showing_text() -> None:
    assert filters.showing_text(4, 6) == "showing 4 of 6 incidents"
    assert filters.showing_text(1, 1) == "showing 1 of 1 incident"


def test_point_payload_styles_by_precision_and_spans_months(sample: pd.DataFrame) -> None:
    payload = layers.point_payload(sample, list(GROUP_COLOURS))
    data = payload.data
    assert payload.mode == "points" and payload.incidents == 4
    assert data["id"] == ["T1", "T3", "T5", "T15"]
    radii = dict(zip(data["id"], data["r"], strict=True))
    assert radii["T1"] == 0 and radii["T5"] > 0  # exact: solid dot; near: a circle in metres
    i = data["id"].index("T15")
    day0 = pd.Timestamp("1970-01-01")
    assert pd.Timestamp(day0 + pd.Timedelta(days=data["t0"][i])).date() == date(2019, 12, 1)
    assert pd.Timestamp(day0 + pd.Timedelta(days=data["t1"][i])).date() == date(2019, 12, 31)
    assert data["strings"]["date"][data["date"][i]] == "December 2019 (month known)"
    colours = [data["colours"][g] for g in data["g"]]
    assert colours[0] == colour_for("Iran-aligned militias") != colours[1]


def test_cell_payload_bounds_the_number_of_cells(sample: pd.DataFrame) -> None:
    big = pd.concat([sample] * 50, ignore_index=True)
    big["latitude"] = big["latitude"] + (big.index % 97) * 0.01
    payload = layers.layer_payload(big, list(GROUP_COLOURS), max_points=100)
    assert payload.mode == "cells"
    assert sum(payload.data["n"]) == payload.incidents == 4 * 50
    small = layers.cell_payload(big, list(GROUP_COLOURS), max_cells=5)
    assert len(small.data["n"]) <= 5 and sum(small.data["n"]) == 200


@pytest.mark.parametrize("evil", XSS)
def test_untrusted_text_cannot_become_markup(evil: str) -> None:
    frame = frame_of([incident(1, location=evil, actor1=evil, source_sentence=evil, actor_group=evil,
                               sources=[Source(title=evil, url="javascript:alert(1)")])])
    payload = layers.point_payload(frame, [evil])
    fg = layers.incident_feature_group(payload)
    m = layers.base_map([evil], None)
    fg.add_to(m)
    html = m.get_root().render()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "javascript:alert" not in html
    # The text survives as data: decoding the embedded JSON gives back the exact string.
    embedded = re.search(r"var data = (\{.*?\});\n", html).group(1)
    assert evil in json.loads(embedded)["strings"]["sentence"]
    assert "innerHTML" not in html.split("IncidentLayer")[-1]


def test_script_json_round_trips() -> None:
    value = {"a": "</script><b>&\u2028"}
    assert json.loads(layers.script_json(value)) == value


def test_safe_url() -> None:
    assert layers.safe_url("https://x.org/a") == "https://x.org/a"
    assert layers.safe_url("JavaScript:alert(1)") == ""
    assert layers.safe_url("data:text/html,<b>") == ""


def test_local_assets_replace_every_cdn_link(tmp_path) -> None:
    copied = assets.install_static_assets(tmp_path)
    assert (tmp_path / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (tmp_path / "markercluster" / "leaflet.markercluster.js").exists()
    assert copied and not assets.install_static_assets(tmp_path)  # second run copies nothing
    assets.use_local_assets()
    m = layers.base_map(["Iran"], ((33.0, 44.0), (34.0, 45.0)))
    layers.incident_feature_group(layers.point_payload(frame_of([incident(1)]), ["Iran"])).add_to(m)
    html = m.get_root().render()
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links and all(link.startswith("/app/static/") for link in links), links


def test_extract_tiles_flips_tms_rows(tmp_path) -> None:
    import sqlite3

    mbtiles = tmp_path / "t.mbtiles"
    with sqlite3.connect(mbtiles) as db:
        db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
        db.execute("INSERT INTO tiles VALUES (2, 1, 0, x'01'), (2, 3, 3, x'02')")
    out = tmp_path / "tiles"
    assert basemap.extract_tiles(mbtiles, out) == 2
    assert (out / "2" / "1" / "3.png").read_bytes() == b"\x01"  # TMS row 0 is the southernmost
    assert (out / "2" / "3" / "0.png").read_bytes() == b"\x02"
    assert basemap.extract_tiles(mbtiles, out) == 0  # done once


def test_packaged_basemap_is_found_without_importing_datasette() -> None:
    import sys

    path = basemap.mbtiles_path()
    assert path.stat().st_size > 1_000_000
    assert "datasette" not in sys.modules


def test_base_map_script_is_stable_across_builds() -> None:
    from streamlit_folium import _get_map_string, generate_js_hash

    def script() -> str:
        m = layers.base_map(["Iran", "Iraqi state forces"], ((33.0, 44.0), (34.0, 45.0)))
        m.get_root().render()
        return generate_js_hash(_get_map_string(m), "map")

    assert script() == script()


def test_weekly_counts_fill_empty_weeks(sample: pd.DataFrame) -> None:
    from dashboard.timeline import weekly_counts

    counts = weekly_counts(sample.iloc[[0, 5]])  # Sunday 1 December and Sunday 15 December
    assert list(counts.index) == ["2019-11-25", "2019-12-02", "2019-12-09"]  # the empty week is kept
    assert counts["Iran-aligned militias"].tolist() == [1, 0, 1]
    counts = weekly_counts(sample.iloc[[0, 1]])
    assert counts["US and coalition forces"].tolist() == [0, 1]  # Tuesday 3 December


def test_dashboard_command_ingests_seeds_once_and_serves_static_files(tmp_path) -> None:
    from dashboard.commands import APP, ingest_seeds, streamlit_command
    from incidents.cli import build_parser
    from incidents.store import IncidentStore, to_db_url

    url = to_db_url(tmp_path / "seeds.sqlite")
    added = ingest_seeds(url)
    assert added == IncidentStore(url).count() > 0
    assert ingest_seeds(url) == 0  # a store with incidents is left as it is
    command = streamlit_command(8600, headless=True)
    assert command[command.index("run") + 1] == str(APP)
    assert command[command.index("--server.enableStaticServing") + 1] == "true"
    assert command[command.index("--server.address") + 1] == "localhost"
    args = build_parser().parse_args(["dashboard", "--db", "x.sqlite", "--port", "8600", "--headless"])
    assert (args.db, args.port, args.headless, args.address) == ("x.sqlite", 8600, True, "localhost")
