"""The page in Streamlit's AppTest, on SQLite and on PostgreSQL: filters, counts, query parameters,
the map's viewport, export, escaping, sign-in and authoring."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from geopy.location import Location
from streamlit.testing.v1 import AppTest

from dashboard import access, authoring, viewport
from dashboard.export import export_text
from incidents.exchange import ACLED_COLUMNS
from incidents.model import GeoPrecision, Incident, IncidentFilter, Source, TimePrecision
from incidents.queries import Box
from incidents.store import IncidentStore, default_db_url

APP = Path(__file__).resolve().parents[1] / "app.py"
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_d33791d1605386a1.txt"
EVIL_TITLE = "<script>alert(1)</script>"
EVIL_PLACE = "<img src=x onerror=alert(1)>"


def make(n: int, source: Source, **changes: object) -> Incident:
    base = Incident(
        event_id=f"APP{n}", event_date=date(2019, 12, n), event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack", actor1="Kataib Hezbollah",
        actor_group="Iran-aligned militias", location=f"Place {n}", place_name=f"Place {n}",
        latitude=33.0 + n / 10, longitude=44.0 + n / 10, geo_precision=GeoPrecision.PLACE, country="Iraq",
        iso="IQ", admin1="Baghdad", source_sentence=f"Rockets hit place {n}.", sources=[source],
    )
    return base.with_changes(**changes)


PASSWORD = "correct horse battery staple"


@pytest.fixture()
def store_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Six incidents: four drawable, one country-level, one unresolved; one with hostile text."""
    url = db_url
    article = Source(kind="article", title=EVIL_TITLE, url="https://example.org/a", publisher="Example",
                     published=date(2019, 12, 20), source_id="SRC1")
    acled = Source(kind="acled", title="ACLED row", source_id="SRC2")
    store = IncidentStore(url)
    store.ingest(article, [
        make(1, article),
        make(3, article, actor_group="US and coalition forces", actor1="US forces", event_type="Battles",
             sub_event_type="Armed clash"),
        make(5, article, location=EVIL_PLACE, source_sentence=f"{EVIL_TITLE} hit {EVIL_PLACE}",
             actor1=EVIL_TITLE, geo_precision=GeoPrecision.NEAR),
        make(9, article, time_precision=TimePrecision.MONTH, location="Qayyarah Airbase"),
        make(11, article, location="Camp Unknown", latitude=None, longitude=None, geo_precision=None,
             admin1=""),
    ])
    store.ingest(acled, [make(12, acled, location="Iraq", admin1="", geo_precision=GeoPrecision.REGION,
                              source_kind="acled")])
    monkeypatch.setenv("INCIDENT_MAP_DB", url)
    monkeypatch.setenv(access.PASSWORD_ENV, PASSWORD)
    return url


def sign_in(at: AppTest, password: str = PASSWORD, name: str = "Amal") -> AppTest:
    at.text_input(key="editor_name").set_value(name)
    at.text_input(key="password").set_value(password)
    at.button[0].click().run()  # the sign-in form's only button
    assert not at.exception, [e.message for e in at.exception]
    return at


def page(query: dict[str, str | list[str]] | None = None, *, map_drawn: bool = True) -> AppTest:
    """The page on its first run, and by default after the browser has drawn the map (its first report)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if map_drawn:
        extent = IncidentStore(default_db_url()).facets().extent
        _, view = viewport.initial_view(Box(*extent) if extent else None)
        browser_reports(at, view.box.south, view.box.west, view.box.north, view.box.east, view.zoom)
    return at


def test_the_chart_and_tables_follow_once_the_map_has_drawn(store_url: str) -> None:
    at = page(map_drawn=False)
    assert len(at.dataframe) == 0 and not at.get("vega_lite_chart")
    assert "follow once the map has drawn" in at.caption[0].value
    first_layer = layer_data(at)
    at = page()
    assert len(at.dataframe) == 1 and at.get("vega_lite_chart")
    assert layer_data(at) == first_layer  # the map's report changed nothing on the map


def test_the_chart_and_tables_come_on_the_next_run_if_the_map_never_reports(store_url: str) -> None:
    at = page(map_drawn=False)
    at.text_input(key="q").set_value("").run()  # a widget touched, with no report from the map
    assert not at.exception and len(at.dataframe) == 1 and at.get("vega_lite_chart")


def showing(at: AppTest) -> str:
    return at.markdown[0].value.split("**")[1]


def map_args(at: AppTest) -> dict[str, object]:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def layer_data(at: AppTest) -> dict[str, object]:
    script = str(map_args(at)["feature_group"])
    return json.loads(script.split("var data = ", 1)[1].split(";\n", 1)[0])


def test_counts_and_each_filter(store_url: str) -> None:
    at = page()
    assert showing(at) == "showing 6 of 6 incidents"
    assert "4 on the map, 2 listed below" in at.markdown[0].value
    assert len(layer_data(at)["lat"]) == 4

    at.multiselect(key="group").set_value(["US and coalition forces"]).run()
    assert showing(at) == "showing 1 of 6 incidents"
    assert layer_data(at)["id"] == ["APP3"]

    at.multiselect(key="group").set_value([]).run()
    at.multiselect(key="type").set_value(["Battles"]).run()
    assert showing(at) == "showing 1 of 6 incidents"

    at.multiselect(key="type").set_value([]).run()
    at.multiselect(key="precision").set_value(["country only", "unresolved"]).run()
    assert showing(at) == "showing 2 of 6 incidents"
    assert layer_data(at)["lat"] == []  # listed and counted, never drawn

    at.multiselect(key="precision").set_value([]).run()
    at.multiselect(key="source").set_value(["acled"]).run()
    assert showing(at) == "showing 1 of 6 incidents"

    at.multiselect(key="source").set_value([]).run()
    at.text_input(key="q").set_value("qayyarah").run()
    assert showing(at) == "showing 1 of 6 incidents"


def test_incidents_not_on_the_map_are_listed_once_their_section_is_opened(store_url: str) -> None:
    at = page()
    assert len(at.dataframe) == 1  # the incidents table; the closed section is neither queried nor sent
    at.session_state["not_drawn_open"] = True
    at.run()
    table, listed = at.dataframe
    assert sorted(listed.value["location"]) == ["Camp Unknown", "Iraq"]
    assert len(table.value) == 6


def test_half_picked_date_range_filters_from_its_one_date(store_url: str) -> None:
    at = page()
    at.date_input(key="dates").set_value((date(2019, 12, 9),)).run()
    assert not at.exception
    assert showing(at) == "showing 3 of 6 incidents"  # days 9, 11 and 12
    at.date_input(key="dates").set_value((date(2019, 12, 2), date(2019, 12, 5))).run()
    assert showing(at) == "showing 2 of 6 incidents"


def test_query_parameters_reopen_the_view(store_url: str) -> None:
    at = page({"dates": ["2019-12-02", "2019-12-10"], "group": "Iran-aligned militias", "q": "airbase"})
    assert at.date_input(key="dates").value == (date(2019, 12, 2), date(2019, 12, 10))
    assert at.multiselect(key="group").value == ["Iran-aligned militias"]
    assert at.text_input(key="q").value == "airbase"
    assert showing(at) == "showing 1 of 6 incidents"
    assert layer_data(at)["id"] == ["APP9"]

    at = page({"group": ["Iran-aligned militias", "US and coalition forces"], "precision": "near a place"})
    assert showing(at) == "showing 1 of 6 incidents"


def test_hostile_text_stays_text_in_the_map_script(store_url: str) -> None:
    at = page()
    args = map_args(at)
    script = str(args["feature_group"]) + str(args["script"]) + str(args["header"]) + str(args["html"])
    for evil in (EVIL_TITLE, EVIL_PLACE):
        assert evil not in script
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in script
    data = layer_data(at)
    assert EVIL_PLACE in " ".join(data["strings"]["place"])
    assert EVIL_TITLE in data["strings"]["title"]
    assert "innerHTML" not in str(args["feature_group"])
    # Every script and stylesheet comes from our own server.
    assert all(str(link).startswith("/app/static/") for link in args["js_links"] + args["css_links"])


def test_map_is_the_same_component_across_filter_changes(store_url: str) -> None:
    at = page()
    before = map_args(at)
    at.multiselect(key="group").set_value(["US and coalition forces"]).run()
    after = map_args(at)
    assert before["key"] == after["key"] and before["script"] == after["script"]
    assert before["feature_group"] != after["feature_group"]
    # Only what the layer needs comes back (the whole set would rerun the page on every click).
    assert after["returned_objects"] == ["bounds", "zoom"]


def test_export_of_the_filtered_view(store_url: str) -> None:
    store = IncidentStore(store_url)
    flt = IncidentFilter(actor_groups=("Iran-aligned militias",), date_to=date(2019, 12, 9))
    near = IncidentFilter(actor_groups=("Iran-aligned militias",), places=("near",))
    rows = list(csv.DictReader(io.StringIO(export_text(store.iter_incidents(near), "csv"))))
    assert [r["event_id_cnty"] for r in rows] == ["APP5"]
    assert set(ACLED_COLUMNS) <= set(rows[0])
    collection = json.loads(export_text(store.iter_incidents(flt), "geojson"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    at = page()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Export CSV (ACLED columns)", "Export GeoJSON"]


def test_add_an_article_from_the_page(store_url: str) -> None:
    at = sign_in(page())
    at.text_area[0].set_value(SEED.read_text(encoding="utf-8"))
    at.button[0].click().run()  # the form's "Extract incidents"
    assert not at.exception, [e.message for e in at.exception]
    assert any("Save to the store" == b.label for b in at.button)
    found = len(at.session_state["draft"][1])
    assert found >= 1
    assert any(c.value.startswith(f"{found} incidents found") for c in at.caption)
    at.button(key="save_draft").click().run()
    assert not at.exception
    assert showing(at) == f"showing {6 + found} of {6 + found} incidents"
    assert "Saved:" in at.success[0].value


def test_apply_edits_drops_and_corrects_rows() -> None:
    source = Source(title="t", source_id="S")
    found = [make(1, source), make(2, source, latitude=None, longitude=None, geo_precision=None)]
    edited = authoring.editor_frame(found)
    edited.loc[0, "keep"] = False
    edited.loc[1, ["latitude", "longitude", "actor1"]] = [36.1, 43.2, "Islamic State"]
    (kept,) = authoring.apply_edits(found, edited)
    assert kept.event_id == "APP2" and kept.actor1 == "Islamic State"
    assert (kept.latitude, kept.longitude, kept.geo_precision) == (36.1, 43.2, 1)


class RecordingGeocoder:
    """Stands in for OfflineGeocoder: one candidate per name, and a record of the aliases added."""

    def __init__(self) -> None:
        self.aliases: list[tuple[str, float, float]] = []

    def geocode(self, query: str, *, exactly_one: bool = True, **_: object) -> list[Location]:
        raw = {"name": "Camp Taji", "kind": "base", "geo_precision": 1, "admin1": "Baghdad", "country": "Iraq"}
        return [Location("Camp Taji", (33.52, 44.26), raw)]

    def add_alias(self, name: str, latitude: float, longitude: float, **_: object) -> None:
        self.aliases.append((name, latitude, longitude))


@pytest.mark.parametrize("choice, expected", [("Enter coordinates", (34.5, 43.5)),
                                              ("Camp Taji (base, Baghdad, Iraq)", (33.52, 44.26))])
def test_place_an_unresolved_incident(
    store_url: str, monkeypatch: pytest.MonkeyPatch, choice: str, expected: tuple[float, float]
) -> None:
    geocoder = RecordingGeocoder()
    monkeypatch.setattr(authoring, "page_geocoder", lambda: geocoder)
    at = sign_in(page())
    at.toggle(key="resolve_open").set_value(True).run()
    assert at.selectbox(key="resolve_place").value == "Camp Unknown (1)"
    assert at.radio(key="resolve_choice").options == ["Camp Taji (base, Baghdad, Iraq)", "Enter coordinates"]
    at.radio(key="resolve_choice").set_value(choice)
    at.number_input(key="resolve_lat").set_value(34.5)
    at.number_input(key="resolve_lng").set_value(43.5)
    at.button(key="resolve_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "5 on the map" in at.markdown[0].value
    assert "1 incident placed at Camp Unknown" in at.success[0].value
    (placed,) = [i for i in IncidentStore(store_url).query() if i.location == "Camp Unknown"]
    assert (placed.latitude, placed.longitude) == expected
    assert geocoder.aliases == [("Camp Unknown", *expected)]


def browser_reports(at: AppTest, south: float, west: float, north: float, east: float, zoom: int) -> AppTest:
    """What streamlit-folium hands the page after the user pans or zooms the map."""
    at.session_state["map"] = {
        "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        "zoom": zoom,
    }
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_layer_follows_the_viewport_and_zooming_in_shows_single_incidents(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.layers import MAX_POINTS
    from dashboard.viewport import Viewport, request_for
    from incidents.queries import Box
    from incidents.synthetic import generate_incidents

    incidents = list(generate_incidents(MAX_POINTS + 2_000, seed=3))
    store = IncidentStore(db_url)
    store.upsert(incidents)
    monkeypatch.setenv("INCIDENT_MAP_DB", db_url)
    at = page()
    data = layer_data(at)
    assert data["mode"] == "cells"
    drawn = int(at.markdown[0].value.split("· ")[1].split(" on the map")[0].replace(",", ""))
    assert sum(data["n"]) == drawn > MAX_POINTS  # the first view holds every mapped incident, counted exactly
    assert len(str(map_args(at)["feature_group"])) < 1_000_000
    assert "counted in" in at.info[0].value

    # The user zooms into Baghdad: the page asks the store for that part of the map only.
    view = Viewport(Box(33.25, 44.25, 33.45, 44.55), 11)
    asked = request_for(view).box
    expected = {
        i.event_id for i in incidents
        if i.resolved and not (i.geo_precision == 3 and not i.admin1)
        and asked.south <= i.latitude <= asked.north and asked.west <= i.longitude <= asked.east  # type: ignore[operator]
    }
    assert 0 < len(expected) <= MAX_POINTS
    data = layer_data(browser_reports(at, 33.25, 44.25, 33.45, 44.55, 11))
    assert data["mode"] == "points"
    assert set(data["id"]) == expected and len(data["id"]) == len(expected)

    # Back out to the region: counted in cells again, larger ones.
    data = layer_data(browser_reports(at, 20.0, 30.0, 42.0, 60.0, 5))  # the region, Gulf bases included
    assert data["mode"] == "cells" and sum(data["n"]) == drawn

    # Narrowed to one group, the same view ships single incidents.
    group = max(set(store.facets().actor_groups), key=lambda g: store.count(IncidentFilter(actor_groups=(g,))))
    at.multiselect(key="group").set_value([group]).run()
    data = layer_data(at)
    assert data["mode"] == "points" and len(data["id"]) == store.count(
        IncidentFilter(actor_groups=(group,), places=("place", "near", "region"))
    )


def test_a_shared_page_is_read_only_until_an_editor_signs_in(store_url: str) -> None:
    at = page()  # served on localhost (.streamlit/config.toml), but a password is set: it is required
    assert not at.text_area and not any(b.label == "Extract incidents" for b in at.button)
    assert "Read-only" in at.info[-1].value
    sign_in(at, "not the password")
    assert "Wrong password." in at.error[0].value
    assert not at.text_area and "editor" not in at.session_state
    sign_in(at)
    assert at.text_area and any(b.label == "Extract incidents" for b in at.button)
    at.button(key="sign_out").click().run()
    assert not at.text_area


def test_a_shared_page_without_a_password_stays_read_only_and_says_how_to_open_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit import config

    monkeypatch.delenv(access.PASSWORD_ENV)
    assert page().text_area  # on localhost (.streamlit/config.toml) the page is one person's: editing is open
    local = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")  # `incident-map dashboard --address 0.0.0.0`
    try:
        at = page()
    finally:
        config.set_option("server.address", local)
    assert not at.text_area  # no article form
    assert "password" not in [t.key for t in at.text_input]  # and nothing to sign in with
    assert access.PASSWORD_ENV in at.info[-1].value
