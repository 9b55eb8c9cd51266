"""The dashboard's logic without a browser: filters, viewport, payloads, escaping, offline assets, sign-in."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from dashboard import access, assets, basemap, filters, layers, viewport
from dashboard.style import GROUP_COLOURS, colour_for
from incidents.model import GeoPrecision, Incident, Source, TimePrecision
from incidents.queries import POINT_COLUMNS, Box, Cell, MapLayer

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def point_rows(incidents: list[Incident]) -> list[dict[str, object]]:
    """The rows incidents.queries.map_layer gives for single incidents: POINT_COLUMNS and the first source."""
    rows = []
    for incident in incidents:
        first = incident.sources[0] if incident.sources else Source()
        row: dict[str, object] = {name: getattr(incident, name) for name in POINT_COLUMNS if name != "source_count"}
        row.update(source_count=len(incident.sources), source_title=first.title, source_url=first.url,
                   source_publisher=first.publisher)
        rows.append(row)
    return rows


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
def sample() -> list[Incident]:
    return [
        incident(1),
        incident(3, actor_group="US and coalition forces", actor1="US forces", event_type="Battles",
                 location="Ain al-Asad", latitude=33.8, longitude=42.44),
        incident(5, geo_precision=GeoPrecision.NEAR, location="near Mosul", latitude=36.34, longitude=43.13),
        incident(6, geo_precision=GeoPrecision.REGION, admin1="", location="Iraq", latitude=33.0, longitude=44.0,
                 source_kind="acled"),
        incident(7, geo_precision=None, latitude=None, longitude=None, location="Camp Nowhere"),
        incident(15, time_precision=TimePrecision.MONTH, location="Qayyarah", latitude=35.76, longitude=43.12,
                 source_sentence="More than a dozen rockets hit the Qayyarah Airbase"),
    ]


@pytest.fixture()
def mapped(sample: list[Incident]) -> list[dict[str, object]]:
    """The sample's incidents the map draws (not the country-level T6, not the unresolved T7)."""
    return point_rows([i for i in sample if i.event_id not in ("T6", "T7")])


def test_date_range_accepts_half_picked_and_reversed_ranges() -> None:
    lo, hi = date(2019, 1, 1), date(2019, 12, 31)
    assert filters.date_range((date(2019, 6, 1),), lo, hi) == (date(2019, 6, 1), hi)
    assert filters.date_range((), lo, hi) == (lo, hi)
    assert filters.date_range(None, lo, hi) == (lo, hi)
    assert filters.date_range((date(2019, 7, 1), date(2019, 6, 1)), lo, hi) == (date(2019, 6, 1), date(2019, 7, 1))
    assert filters.date_range(date(2019, 6, 2), lo, hi) == (date(2019, 6, 2), date(2019, 6, 2))


def test_precision_labels_become_place_classes() -> None:
    assert filters.places_for(["near a place", "country only", "unknown label"]) == ("near", "country")
    assert filters.actor_label("Kataib Hezbollah", {"Kataib Hezbollah": 1234}) == "Kataib Hezbollah (1,234)"


def test_showing_text() -> None:
    assert filters.showing_text(4, 6) == "showing 4 of 6 incidents"
    assert filters.showing_text(1, 1) == "showing 1 of 1 incident"


def test_point_payload_styles_by_precision_and_spans_months(mapped: list[dict[str, object]]) -> None:
    payload = layers.point_payload(mapped, list(GROUP_COLOURS))
    data = payload.data
    assert payload.mode == "points" and payload.incidents == 4
    assert data["id"] == ["T1", "T3", "T5", "T15"]
    radii = dict(zip(data["id"], data["r"], strict=True))
    assert radii["T1"] == 0 and radii["T5"] > 0  # exact: solid dot; near: a circle in metres
    i = data["id"].index("T15")
    day0 = date(1970, 1, 1)
    assert day0 + timedelta(days=data["t0"][i]) == date(2019, 12, 1)
    assert day0 + timedelta(days=data["t1"][i]) == date(2019, 12, 31)
    assert data["strings"]["date"][data["date"][i]] == "December 2019 (month known)"
    colours = [data["colours"][g] for g in data["g"]]
    assert colours[0] == colour_for("Iran-aligned militias") != colours[1]


def test_cell_payload_labels_cells_with_their_counts_and_main_group() -> None:
    cells = (Cell(33.3, 44.4, 120, (("Iran", 100), ("Islamic State", 20))), Cell(36.3, 43.1, 5, (("Islamic State", 5),)))
    layer = MapLayer(Box(30, 40, 40, 50), 0.5, 125, cells)
    payload = layers.layer_payload(layer, ["Iran", "Islamic State"])
    assert payload.mode == "cells" and payload.incidents == 125 and payload.cell_size_deg == 0.5
    data = payload.data
    assert data["n"] == [120, 5] and data["g"] == [0, 1]
    assert data["strings"]["detail"][data["detail"][0]] == "Iran: 100; Islamic State: 20"


@pytest.mark.parametrize("evil", XSS)
def test_untrusted_text_cannot_become_markup(evil: str) -> None:
    rows = point_rows([incident(1, location=evil, actor1=evil, source_sentence=evil, actor_group=evil,
                                sources=[Source(title=evil, url="javascript:alert(1)")])])
    payload = layers.point_payload(rows, [evil])
    fg = layers.incident_feature_group(payload)
    m = layers.base_map([evil], (33.0, 44.0), 5)
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
    m = layers.base_map(["Iran"], (33.0, 44.0), 5)
    layers.incident_feature_group(layers.point_payload(point_rows([incident(1)]), ["Iran"])).add_to(m)
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
        m = layers.base_map(["Iran", "Iraqi state forces"], (33.5, 44.5), 6)
        m.get_root().render()
        return generate_js_hash(_get_map_string(m), "map")

    assert script() == script()


def test_weekly_counts_fill_empty_weeks() -> None:
    from dashboard.timeline import weekly_counts

    militias = "Iran-aligned militias"
    # Sunday 1 December and Sunday 15 December
    counts = weekly_counts([(date(2019, 12, 1), militias, 1), (date(2019, 12, 15), militias, 2)])
    assert list(counts.index) == ["2019-11-25", "2019-12-02", "2019-12-09"]  # the empty week is kept
    assert counts[militias].tolist() == [1, 0, 2]
    counts = weekly_counts([(date(2019, 12, 1), militias, 1), (date(2019, 12, 3), "US and coalition forces", 4),
                            (date(2019, 12, 5), "US and coalition forces", 1)])
    assert counts["US and coalition forces"].tolist() == [0, 5]  # Tuesday and Thursday 3 and 5 December
    assert weekly_counts([]).empty


def test_dashboard_command_ingests_seeds_once_and_serves_static_files(tmp_path) -> None:
    from dashboard.commands import APP, ingest_seeds, streamlit_command
    from incidents.cli import build_parser
    from incidents.store import IncidentStore, to_db_url

    url = to_db_url(tmp_path / "seeds.sqlite")
    added = ingest_seeds(url)
    assert added == IncidentStore(url).count() > 0
    assert ingest_seeds(url) == 0  # a store with incidents is left as it is
    command = streamlit_command(8600, headless=True)
    assert command[1:4] == ["-m", "dashboard.server", "run"] and command[4] == str(APP)
    assert command[command.index("--server.enableStaticServing") + 1] == "true"
    assert command[command.index("--server.address") + 1] == "localhost"
    # Another page (a bench's baseline) runs on Streamlit's own command, without our preloads.
    other = streamlit_command(8600, headless=True, app=tmp_path / "app.py")
    assert other[1:4] == ["-m", "streamlit", "run"] and other[4] == str(tmp_path / "app.py")
    args = build_parser().parse_args(["dashboard", "--db", "x.sqlite", "--port", "8600", "--headless"])
    assert (args.db, args.port, args.headless, args.address) == ("x.sqlite", 8600, True, "localhost")


def test_the_server_command_imports_the_page_libraries_before_streamlit_runs() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; sys.argv = ['streamlit', '--version']\n"
        "from dashboard import server\n"
        "try:\n    server.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(set(server.PRELOADED) - set(sys.modules)), 'streamlit_folium' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Streamlit, version" in done.stdout
    # Every preloaded module is in; the map's component is declared only once the server runs.
    assert done.stdout.strip().splitlines()[-1] == "[] False"


def test_cells_are_64_pixels_and_nest_as_the_map_zooms() -> None:
    assert viewport.cell_size(0) == 90.0
    assert viewport.cell_size(5) * 2 == viewport.cell_size(4)  # each zoom level splits a cell in four


def test_the_viewport_comes_from_what_streamlit_folium_returns() -> None:
    value = {"bounds": {"_southWest": {"lat": 33.1, "lng": 44.1}, "_northEast": {"lat": 33.6, "lng": 44.7}}, "zoom": 10}
    assert viewport.from_component(value) == viewport.Viewport(Box(33.1, 44.1, 33.6, 44.7), 10)
    # Before the map has drawn, and after panning across the antimeridian.
    assert viewport.from_component({"bounds": {"_southWest": {"lat": None, "lng": None},
                                                "_northEast": {"lat": None, "lng": None}}, "zoom": 5}) is None
    assert viewport.from_component(None) is None
    wrapped = {"bounds": {"_southWest": {"lat": -10, "lng": 170}, "_northEast": {"lat": 10, "lng": 190}}, "zoom": 4}
    assert viewport.from_component(wrapped).box == Box(-10, -180, 10, 180)


def test_a_request_covers_the_view_and_is_reused_while_the_view_stays_inside() -> None:
    view = viewport.Viewport(Box(33.0, 44.0, 33.5, 44.8), 10)
    request = viewport.request_for(view)
    assert request.box.contains(view.box) and request.zoom == 10
    cell = viewport.cell_size(10)
    assert all(abs(edge / cell - round(edge / cell)) < 1e-9 for edge in (request.box.south, request.box.east))
    panned = viewport.Viewport(Box(33.1, 44.1, 33.6, 44.9), 10)
    assert viewport.request_for(panned, request) is request  # nothing new to fetch
    zoomed = viewport.Viewport(Box(33.2, 44.2, 33.3, 44.4), 12)
    assert viewport.request_for(zoomed, request).zoom == 12  # smaller cells
    assert viewport.request_for(zoomed, request, previous_complete=True) is request  # every incident already shown
    away = viewport.Viewport(Box(36.0, 43.0, 36.5, 43.8), 10)
    assert not viewport.request_for(away, request).box.contains(view.box)


def test_the_first_view_fits_the_data_like_leaflet() -> None:
    centre, view = viewport.initial_view(Box(29.0, 38.0, 37.5, 49.0), (1200, 560))
    assert 32 < centre[0] < 34 and centre[1] == 43.5
    assert view.zoom == 6 and view.box.contains(Box(29.0, 38.0, 37.5, 49.0))  # zoom 7 would not hold it
    _, close = viewport.initial_view(Box(33.3, 44.4, 33.3, 44.4))  # one place: not closer than MAX_FIT_ZOOM
    assert close.zoom == viewport.MAX_FIT_ZOOM


def test_editing_needs_a_sign_in_when_a_password_is_set_or_the_page_is_shared() -> None:
    assert access.page_access(password=None, signed_in=False, address="localhost").can_edit
    shared = access.page_access(password=None, signed_in=False, address="0.0.0.0")
    assert not shared.can_edit and access.PASSWORD_ENV in shared.why
    assert not access.page_access(password=None, signed_in=False, address=None).can_edit  # streamlit's default: every interface
    assert not access.page_access(password="pw", signed_in=False, address="localhost").can_edit
    assert access.page_access(password="pw", signed_in=True, address="0.0.0.0").can_edit


def test_the_password_comes_from_the_environment_then_the_secrets() -> None:
    assert access.editors_password({access.PASSWORD_ENV: "env"}, {"editor_password": "secret"}) == "env"
    assert access.editors_password({}, {"editor_password": "secret"}) == "secret"
    assert access.editors_password({}, None) is None
    assert access.password_matches("sesame ünïcode", "sesame ünïcode")
    assert not access.password_matches("sesame", "sesame ünïcode") and not access.password_matches("", "x")
