"""The real page in Debian's chromium: Streamlit server on a store holding the seed incidents,
every request to a host other than this machine blocked and counted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.commands import ingest_seeds
from dashboard.harness import COUNT_MARKERS_JS, OfflineBrowser, offline_browser, running_dashboard
from dashboard.layers import time_span
from incidents.model import GeoPrecision, Incident, Source
from incidents.store import IncidentStore, to_db_url

pytestmark = pytest.mark.browser

EVIL_PLACE = "<img src=x onerror=alert(1)>"
EVIL_TITLE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed articles, ingested the way `incident-map dashboard` does, plus one hostile report."""
    url = to_db_url(tmp_path_factory.mktemp("browser") / "seeds.sqlite")
    assert ingest_seeds(url) > 0
    hostile = Source(kind="article", title=EVIL_TITLE, url="https://example.org/x", source_id="HOSTILE",
                     published=date(2019, 12, 21))
    IncidentStore(url).ingest(hostile, [Incident(
        event_id="HOSTILE1", event_date=date(2019, 12, 20), event_type="Protests", actor1=EVIL_TITLE,
        actor_group="Protesters", location=EVIL_PLACE, place_name="Basra", latitude=30.51, longitude=47.78,
        geo_precision=GeoPrecision.PLACE, country="Iraq", admin1="Basra",
        source_sentence=f"Crowds gathered at {EVIL_PLACE} {EVIL_TITLE}.", sources=[hostile],
    )])
    return url


@pytest.fixture(scope="module")
def expected(seed_store: str) -> dict[str, int | str]:
    """How many incidents each view should draw, read from the store (drawable = coordinates and
    finer than country level)."""
    frame = IncidentStore(seed_store).frame()
    drawable = frame[frame["latitude"].notna() & ~((frame["geo_precision"] == 3) & (frame["admin1"] == ""))]
    december = drawable[drawable["event_date"] >= "2019-12-01"]
    # The week holding the most incidents, as the play-through slider numbers weeks from the Monday
    # on or before the first day any drawn incident may have happened.
    spans = [time_span(row.event_date.date(), int(row.time_precision)) for row in drawable.itertuples()]
    first_monday = min(a for a, _ in spans) - timedelta(days=min(a for a, _ in spans).weekday())
    weeks = Counter(w for a, b in spans for w in range((a - first_monday).days // 7, (b - first_monday).days // 7 + 1))
    play_week, play_count = weeks.most_common(1)[0]
    return {
        "play_week": play_week,
        "play_count": play_count,
        "all": len(drawable),
        "december": len(december),
        "december_protesters": int((december["actor_group"] == "Protesters").sum()),
        # A bound date outside the widget's min/max is ignored, so the range ends at the last incident.
        "last_day": frame["event_date"].max().date().isoformat(),
    }


@pytest.fixture(scope="module")
def server(seed_store: str) -> Iterator[str]:
    with running_dashboard(seed_store) as served:
        yield served.url


@pytest.fixture()
def browser() -> Iterator[OfflineBrowser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, offline_browser(playwright) as session:
        yield session


def test_page_draws_filters_and_pops_up_offline(server: str, browser: OfflineBrowser, expected: dict[str, int | str]) -> None:
    assert 3 <= int(expected["all"]) and expected["december"] < expected["all"]
    page = browser.page
    page.goto(server)
    layer = browser.wait_for_map()
    assert browser.count_markers() == expected["all"]
    assert page.get_by_text(re.compile(r"showing \d+ of \d+ incidents")).first.is_visible()

    # The offline basemap is drawn from our own server.
    tiles = browser.map_frame.locator("img.leaflet-tile-loaded")
    tiles.first.wait_for(timeout=60_000)
    assert "/app/static/tiles/" in str(tiles.first.get_attribute("src"))

    # Play-through: one week at a time; a month-precision incident counts in every week of its month.
    week, in_week = expected["play_week"], expected["play_count"]
    browser.map_frame.locator(".im-play input[type=range]").fill(str(week))
    label = browser.map_frame.locator(".im-play span")
    assert re.fullmatch(r"week of \d{4}-\d{2}-\d{2}: (\d+)", label.inner_text()).group(1) == str(in_week)
    assert browser.count_markers() == in_week
    browser.map_frame.get_by_role("button", name="All").click()
    assert browser.count_markers() == expected["all"]

    # Date range through the URL: a link reopens the view.
    page.goto(f"{server}/?dates=2019-12-01&dates={expected['last_day']}")
    layer = browser.wait_for_map(previous_layer=None)
    assert browser.count_markers() == expected["december"]

    # Actor group through the widget: the map redraws and the URL records the choice.
    widget = page.get_by_test_id("stMultiSelect").filter(has_text="Actor group")
    widget.click()
    widget.locator("input").fill("Protesters")  # the dropdown renders only the options in view
    page.get_by_role("option", name="Protesters", exact=True).click()
    page.keyboard.press("Escape")
    browser.wait_for_map(previous_layer=layer)
    assert browser.count_markers() == expected["december_protesters"] == 1
    page.wait_for_url(re.compile(r"group=Protesters"))
    assert "dates=2019-12-01" in page.url

    # The popup shows the hostile strings as text, and no script ran.
    browser.map_frame.locator("path.leaflet-interactive").first.click()
    popup = browser.map_frame.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert EVIL_PLACE in text and EVIL_TITLE in text and "Protests" in text
    assert popup.locator("img, script").count() == 0
    assert browser.dialogs == []

    # Reopening the shared link gives the same view.
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    browser.wait_for_map()
    assert browser.count_markers() == 1

    assert browser.blocked == [], f"requests left the machine: {browser.blocked}"


def test_seed_popup_names_source_and_attribution(server: str, browser: OfflineBrowser, seed_store: str) -> None:
    frame = IncidentStore(seed_store).frame()
    suspected = frame[(frame["attribution"] == "suspected") & frame["latitude"].notna()].iloc[0]
    page = browser.page
    page.goto(f"{server}/?group={suspected['actor_group'].replace(' ', '+')}&q={suspected['location'].replace(' ', '+')}")
    browser.wait_for_map()
    browser.map_frame.locator("path.leaflet-interactive").first.click()
    popup = browser.map_frame.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert f"suspected by {suspected['attributed_by']}" in text
    assert suspected["source_sentence"][:40] in text
    link = popup.locator("a")
    assert link.get_attribute("href") == suspected["source_url"]
    assert browser.blocked == []


def test_chromium_is_debians() -> None:
    assert Path("/usr/bin/chromium").exists(), "CI must install Debian's chromium (scripts/test.sh does)"


def test_selecting_a_table_row_centres_the_map(server: str, browser: OfflineBrowser, seed_store: str) -> None:
    frame = IncidentStore(seed_store).frame()  # newest first, the table's order
    first = frame.iloc[0]
    assert first["latitude"] == first["latitude"]  # the newest incident has coordinates (not NaN)
    page = browser.page
    page.goto(server)
    browser.wait_for_map()
    # The table is drawn on a canvas: click the selection cell of its first data row.
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    centre = browser.map_frame.locator("#map_div")
    page.wait_for_function(
        """([lat, lng]) => {
             const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
             const map = f && f.contentWindow.map;
             if (!map) { return false; }
             const c = map.getCenter();
             return Math.abs(c.lat - lat) < 0.01 && Math.abs(c.lng - lng) < 0.01 && map.getZoom() === 9;
           }""",
        arg=[float(first["latitude"]), float(first["longitude"])],
        timeout=60_000,
    )
    assert centre.is_visible()
    assert browser.blocked == []


def wait_for_markers(browser: OfflineBrowser, expected: int) -> None:
    """Until the map shows `expected` incidents (a layer is swapped over a few frames)."""
    browser.map_frame.locator("#map_div").evaluate(
        f"""(el, n) => new Promise((done, fail) => {{
              const started = Date.now();
              const check = () => (({COUNT_MARKERS_JS})() === n) ? done()
                : Date.now() - started > 60000 ? fail(new Error('markers: ' + ({COUNT_MARKERS_JS})()))
                : setTimeout(check, 50);
              check(); }})""",
        expected,
    )


def test_picking_an_actor_leaves_only_its_incidents_on_the_map_in_the_table_and_in_the_url(
    server: str, browser: OfflineBrowser, seed_store: str
) -> None:
    from dataclasses import replace

    from incidents.model import MAPPED_PLACE_CLASSES, IncidentFilter
    from incidents.queries import actor_counts

    store = IncidentStore(seed_store)
    name = "Kataib Hezbollah"
    mentions = dict(actor_counts(store))
    assert name in mentions
    only = IncidentFilter(actors=(name,))
    matching, mapped = store.count(only), store.count(replace(only, places=MAPPED_PLACE_CLASSES))
    assert 0 < matching < store.count()
    page = browser.page
    page.goto(server)
    layer = browser.wait_for_map()

    widget = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Actor", exact=True))
    widget.click()
    widget.locator("input").fill("kataib")  # searchable: ACLED holds thousands of names
    page.get_by_role("option", name=f"{name} ({mentions[name]:,})", exact=True).click()
    page.keyboard.press("Escape")
    browser.wait_for_map(previous_layer=layer)
    wait_for_markers(browser, mapped)
    page.get_by_text(f"showing {matching} of {store.count()} incidents").wait_for()
    page.wait_for_url(re.compile(r"actor=Kataib\+Hezbollah(&|$)"))
    # The table: a header row, then the incidents (the grid tells assistive technology its size).
    table = page.get_by_test_id("stDataFrame").first.locator(f"table[role=grid][aria-rowcount='{matching + 1}']")
    table.wait_for(state="attached")  # an accessibility table: in the page, not drawn
    assert name in table.inner_text()

    # The link reopens the same view.
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    browser.wait_for_map()
    wait_for_markers(browser, mapped)
    page.get_by_text(f"showing {matching} of").wait_for()
    assert browser.blocked == []


def test_a_page_with_an_editors_password_is_read_only_until_signed_in(seed_store: str) -> None:
    from playwright.sync_api import sync_playwright

    from dashboard.access import PASSWORD_ENV

    with running_dashboard(seed_store, environ={PASSWORD_ENV: "open sesame"}) as served, \
            sync_playwright() as playwright, offline_browser(playwright) as browser:
        page = browser.page
        page.goto(served.url)
        browser.wait_for_map()
        page.get_by_text("Read-only: sign in with the editors' password").first.wait_for()
        assert page.get_by_role("button", name="Extract incidents").count() == 0

        page.get_by_role("textbox", name="Your name").fill("Amal")
        password = page.get_by_label("Editors' password")
        password.fill("open sesam")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Wrong password.").wait_for()
        assert page.get_by_role("button", name="Extract incidents").count() == 0

        password.fill("open sesame")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as an editor.").wait_for()
        page.get_by_role("button", name="Extract incidents").wait_for()
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for()
        assert page.get_by_role("button", name="Extract incidents").count() == 0
        assert browser.blocked == []


def test_zooming_into_a_city_refines_cells_into_single_incidents(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from dashboard.layers import MAX_POINTS
    from incidents.model import MAPPED_PLACE_CLASSES, IncidentFilter
    from incidents.synthetic import generate_incidents

    url = to_db_url(tmp_path / "many.sqlite")
    store = IncidentStore(url)
    store.upsert(generate_incidents(MAX_POINTS * 2, seed=4, towns=True))
    mapped = store.count(IncidentFilter(places=MAPPED_PLACE_CLASSES))
    with running_dashboard(url) as served, sync_playwright() as playwright, offline_browser(playwright) as browser:
        page = browser.page
        page.goto(served.url)
        layer = browser.wait_for_map()
        frame = browser.map_frame.locator("#map_div")
        assert frame.get_attribute("data-incident-mode") == "cells"
        wait_for_markers(browser, mapped)  # every cell labelled with its count: they add up

        # Into Baghdad at zoom 11, as a user would with the wheel.
        browser.wait_until_map_reports()
        frame.evaluate("() => window.map.setView([33.34, 44.40], 11)")
        browser.wait_for_map(previous_layer=layer)
        browser.map_frame.locator("#map_div[data-incident-mode='points']").wait_for()
        shown = int(frame.get_attribute("data-incident-count") or 0)
        assert 0 < shown <= MAX_POINTS
        wait_for_markers(browser, shown)
        page.get_by_text(re.compile(r"showing [\d,]+ of [\d,]+ incidents")).first.wait_for()
        assert browser.blocked == []


def test_the_offline_browser_fails_and_records_requests_to_other_hosts(tmp_path: Path) -> None:
    """What the other tests' `blocked == []` rests on: a page on this machine that reaches out to
    another host gets nothing from it, and the attempt is recorded; the local page itself loads."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    (tmp_path / "index.html").write_text(
        '<html><body><p id="local">here</p><img id="far" src="https://tile.openstreetmap.org/0/0/0.png">'
        "<script>fetch('http://example.org/x').then(() => document.title = 'reached', () => document.title = 'failed')"
        "</script></body></html>"
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        with sync_playwright() as playwright, offline_browser(playwright) as session:
            session.page.goto(f"http://localhost:{httpd.server_address[1]}/index.html")
            session.page.wait_for_function("document.title !== ''", timeout=30_000)
            assert session.page.title() == "failed"
            assert session.page.locator("#local").inner_text() == "here"
            assert session.page.evaluate("document.getElementById('far').naturalWidth") == 0
            assert sorted(session.blocked) == ["http://example.org/x", "https://tile.openstreetmap.org/0/0/0.png"]
        httpd.shutdown()
