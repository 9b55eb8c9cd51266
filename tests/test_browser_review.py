"""The review queue in the real page (Streamlit server, Debian's chromium, every other host
blocked): an editor signs in, confirms one proposed incident, places another by clicking the map
and rejects a third; after a reload the statuses, points and history are there, the rejected one
is off the map and out of the counts, and the same article ingested again undoes none of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.access import PASSWORD_ENV
from dashboard.commands import SEEDS, ingest_seeds
from dashboard.harness import MAP_FRAME, OfflineBrowser, offline_browser, running_dashboard
from incidents.commands import ingest_paths
from incidents.model import MAPPED_PLACE_CLASSES, SHOWN_STATUSES, IncidentFilter
from incidents.store import IncidentStore, to_db_url
from tests.test_browser_dashboard import wait_for_markers

pytestmark = pytest.mark.browser
PASSWORD = "open sesame"
# The layer's incidents as the browser holds them: id -> [lat, lng, status].
DRAWN_JS = """() => {
  const found = {};
  window.map.eachLayer(layer => {
    const data = layer.incidentData;
    if (!data || data.mode !== "points") { return; }
    data.id.forEach((id, i) => { found[id] = [data.lat[i], data.lng[i], data.strings.status[data.status[i]]]; });
  });
  return found;
}"""


@pytest.fixture()
def store_url(tmp_path: Path) -> str:
    url = to_db_url(tmp_path / "review.sqlite")
    assert ingest_seeds(url) >= 3
    return url


@pytest.fixture()
def browser() -> Iterator[OfflineBrowser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, offline_browser(playwright) as session:
        yield session


def queued(browser: OfflineBrowser, previous: str | None = None) -> str:
    """The event id of the incident the queue shows (once it is another than `previous`)."""
    item = browser.page.locator(".im-queue-item")
    if previous is not None:
        browser.page.locator(f".im-queue-item:not([data-event-id='{previous}'])").wait_for(timeout=60_000)
    item.wait_for(timeout=60_000)
    return str(item.get_attribute("data-event-id"))


def drawn(browser: OfflineBrowser) -> dict[str, list[object]]:
    return dict(browser.map_frame.locator("#map_div").evaluate(f"(el) => ({DRAWN_JS})()"))


def test_an_editor_reviews_three_incidents_and_a_reload_and_a_reingest_keep_them(store_url: str, browser: OfflineBrowser) -> None:
    store = IncidentStore(store_url)
    total = store.count()
    order = [i.event_id for i in store.review_queue(limit=10)]
    order_points = {i.event_id: (i.latitude, i.longitude) for i in store.query()}
    assert len(order) == total >= 3
    page = browser.page
    page.set_default_timeout(90_000)  # a loaded machine: each step waits for the page, not a clock
    with running_dashboard(store_url, environ={PASSWORD_ENV: PASSWORD}) as served:
        page.goto(served.url)
        browser.wait_for_map()
        page.get_by_role("textbox", name="Your name").fill("Amal")
        page.get_by_label("Editors' password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as an editor.").wait_for()
        page.get_by_text("Review the queue: proposed incidents, most doubtful first").click()

        # 1. Confirmed with the keyboard: the most doubtful incident first.
        first = queued(browser)
        assert first == order[0]
        page.frame_locator(MAP_FRAME).nth(1).locator("#map_div").wait_for()  # the queue has drawn
        page.get_by_role("button", name=re.compile("^Confirm")).wait_for()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no text field focused
        page.keyboard.press("a")
        second = queued(browser, previous=first)
        page.get_by_text(f"{first} confirmed.").wait_for()

        # 2. Placed by a click on the queue's map, then the button that uses the point.
        review_map = page.frame_locator(MAP_FRAME).nth(1)
        box = review_map.locator("#map_div")
        box.wait_for()
        size = box.bounding_box()
        assert size is not None
        x, y = size["width"] * 0.3, size["height"] * 0.6
        expected = box.evaluate(f"() => window.map.containerPointToLatLng([{x}, {y}])")
        # The mouse lands on whole pixels: two pixels of this view, in degrees, is close enough.
        pixel = box.evaluate(f"() => window.map.containerPointToLatLng([{x} + 2, {y} + 2])")
        tolerance = max(abs(pixel["lat"] - expected["lat"]), abs(pixel["lng"] - expected["lng"]))
        box.click(position={"x": x, "y": y})
        place = page.get_by_role("button", name=re.compile(r"At the point clicked \(-?[\d.]+, -?[\d.]+\)"))
        place.wait_for(timeout=60_000)
        place.click()
        third = queued(browser, previous=second)
        page.get_by_text(f"{second} corrected").wait_for()

        # 3. Rejected with a click, with a note.
        page.get_by_label("Note (kept in the history)").fill("background, not an event")
        page.get_by_role("button", name="Reject").click()
        queued(browser, previous=third)
        page.get_by_text(f"{third} rejected.").wait_for()

        by_id = {i.event_id: i for i in store.query()}
        assert [by_id[i].review_status for i in (first, second, third)] == ["confirmed", "corrected", "rejected"]
        corrected = by_id[second]
        assert corrected.latitude == pytest.approx(expected["lat"], abs=tolerance)
        assert corrected.longitude == pytest.approx(expected["lng"], abs=tolerance)
        assert (corrected.latitude, corrected.longitude) != (order_points[second])
        assert {by_id[i].reviewed_by for i in (first, second, third)} == {"Amal"}
        assert store.history(third)[-1].note == "background, not an event"

        def after_reload() -> None:
            """What a visitor sees on opening the page anew."""
            page.goto(served.url)
            browser.wait_for_map()
            shown = IncidentFilter(statuses=SHOWN_STATUSES)
            mapped = store.count(IncidentFilter(statuses=SHOWN_STATUSES, places=MAPPED_PLACE_CLASSES))
            wait_for_markers(browser, mapped)
            page.get_by_text(f"showing {store.count(shown)} of {total} incidents").wait_for()
            page.get_by_text("1 rejected not shown (review status)").wait_for()
            points = drawn(browser)
            on_map = store.query(IncidentFilter(statuses=SHOWN_STATUSES, places=MAPPED_PLACE_CLASSES))
            assert set(points) == {i.event_id for i in on_map} and third not in points and second in points
            assert {i: status for i, (*_, status) in points.items()} == {i.event_id: i.review_status for i in on_map}
            assert points[second][:2] == [round(corrected.latitude, 5), round(corrected.longitude, 5)]  # type: ignore[arg-type]
            # The history, for every visitor.
            page.get_by_text("Latest changes: reviews, corrections, merged reports").click()
            table = page.get_by_test_id("stDataFrame").filter(has_text="editor").last.locator("table[role=grid]")
            table.wait_for(state="attached", timeout=60_000)
            text = table.inner_text()
            assert text.count("Amal") == 3 and "background, not an event" in text
            for event_id, action in ((first, "confirm"), (second, "correct"), (third, "reject")):
                assert re.search(rf"{event_id}\s*{action}", text), text
            page.get_by_text("Read-only: sign in with the editors' password").first.wait_for()  # a visitor: no queue
            assert page.get_by_text(re.compile("Review the queue")).count() == 0 and page.locator(".im-queue-item").count() == 0

        after_reload()
        # The same article ingested again brings back none of it.
        result = ingest_paths([SEEDS], store, progress=False).result
        assert (result.added, result.merged) == (0, 0) and result.unchanged == total
        after_reload()
        assert [i.event_id for i in store.review_queue(limit=10)] == [i for i in order if i not in (first, second, third)]
    assert browser.blocked == [], f"requests left the machine: {browser.blocked}"
