"""How the page copes with 1,000, 10,000 and 100,000 incidents, beside a naive page.

For each size: a store of generated incidents (incidents.synthetic), the real Streamlit server,
Debian's chromium with every non-local request blocked. Measured in the browser:
- payload: bytes the server sent over the page's websocket until the map was drawn;
- drawn: from navigation to markers on the map; "first load" is the first visit after the server
  started (the store is read, the browser has no cached scripts), "cached" the median of later
  visits in the same browser;
- filter: from choosing an actor group in the widget to the redrawn map.
The naive page (bench/naive_app.py) adds one folium.Marker per incident to the map; it is not run
at 100,000 (the notes measured 70 s of Python and 2 minutes of browser time there).

    .venv/bin/python bench/bench_dashboard.py [--sizes 1000 10000 100000] [--naive-max 10000]
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard.assets import install_static_assets  # noqa: E402
from dashboard.basemap import extract_tiles  # noqa: E402
from dashboard.filters import is_drawable  # noqa: E402
from dashboard.harness import OfflineBrowser, offline_browser, running_dashboard  # noqa: E402
from incidents.store import IncidentStore, to_db_url  # noqa: E402
from incidents.synthetic import generate_incidents  # noqa: E402

NAIVE_APP = ROOT / "bench" / "naive_app.py"
REPEATS = 3
TIMEOUT_MS = 300_000


@dataclass
class Measure:
    payload_bytes: int
    cold_s: float
    drawn_s: float
    filter_s: float
    filter_payload_bytes: int


class WebsocketBytes:
    """Bytes received over websockets, counted through the DevTools protocol."""

    def __init__(self, session: OfflineBrowser) -> None:
        self.total = 0
        cdp = session.page.context.new_cdp_session(session.page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event: dict) -> None:  # type: ignore[type-arg]
        response = event["response"]
        data = response["payloadData"]
        self.total += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())


def pick_group(session: OfflineBrowser, group: str) -> None:
    """Choose one actor group in the widget as a user does: open it, type, pick the option (the
    dropdown only renders the options in view, so typing brings the wanted one into it)."""
    widget = session.page.get_by_test_id("stMultiSelect").filter(has_text="Actor group")
    widget.click()
    widget.locator("input").fill(group)
    session.page.get_by_role("option", name=group, exact=True).click()


def markers_drawn(session: OfflineBrowser, selector: str) -> None:
    session.map_frame.locator(selector).first.wait_for(timeout=TIMEOUT_MS)


def measure(base: str, group: str, *, naive_expected: int | None = None) -> Measure:
    """First load (server reads the store; empty browser cache), then REPEATS loads in the same
    browser (cached data and scripts, as for any later visitor), each followed by a filter change."""
    drawn: list[float] = []
    filtered: list[float] = []
    payload = filter_payload = 0
    cold = 0.0
    with sync_playwright() as playwright, offline_browser(playwright) as session:
        counter = WebsocketBytes(session)
        for attempt in range(REPEATS + 1):
            before = counter.total
            start = time.perf_counter()
            session.page.goto(base, wait_until="commit", timeout=TIMEOUT_MS)
            if naive_expected is None:
                layer = session.wait_for_map(timeout_ms=TIMEOUT_MS)
                markers_drawn(session, ".leaflet-overlay-pane path.leaflet-interactive, .marker-cluster")
            else:
                markers_drawn(session, ".leaflet-marker-icon")
            elapsed = time.perf_counter() - start
            payload = counter.total - before
            before = counter.total
            start = time.perf_counter()
            pick_group(session, group)
            if naive_expected is None:
                session.wait_for_map(previous_layer=layer, timeout_ms=TIMEOUT_MS)
                markers_drawn(session, ".leaflet-overlay-pane path.leaflet-interactive, .marker-cluster")
            else:
                # The naive page remounts its map: wait for the new one to hold the filtered markers.
                session.page.wait_for_function(
                    """([n]) => { const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
                         return f && f.contentDocument &&
                                f.contentDocument.querySelectorAll('.leaflet-marker-icon').length === n; }""",
                    arg=[naive_expected], timeout=TIMEOUT_MS, polling=50,
                )
            change = time.perf_counter() - start
            filter_payload = counter.total - before
            if attempt == 0:
                cold = elapsed
            else:
                drawn.append(elapsed)
                filtered.append(change)
        assert session.blocked == [], session.blocked
    return Measure(payload, cold, statistics.median(drawn), statistics.median(filtered), filter_payload)


def build_store(n: int, directory: Path) -> tuple[str, str, int]:
    url = to_db_url(directory / f"bench_{n}.sqlite")
    store = IncidentStore(url)
    store.upsert(generate_incidents(n, seed=7))
    frame = store.frame()
    drawable = frame[is_drawable(frame)]
    group = str(drawable["actor_group"].value_counts().index[0])
    return url, group, int((drawable["actor_group"] == group).sum())


def mb(b: int) -> str:
    return f"{b / 1e6:.2f} MB"


def print_rows(n: int, ours: Measure, naive: Measure | None) -> None:
    print(f"| {n:,} | incident-map | {mb(ours.payload_bytes)} | {ours.cold_s:.2f} s | {ours.drawn_s:.2f} s | "
          f"{ours.filter_s:.2f} s | {mb(ours.filter_payload_bytes)} |")
    if naive is None:
        print(f"| {n:,} | naive (Marker each) | not run: minutes of Python and browser time, GB of RAM | | | | |")
    else:
        print(f"| {n:,} | naive (Marker each) | {mb(naive.payload_bytes)} | {naive.cold_s:.2f} s | "
              f"{naive.drawn_s:.2f} s | {naive.filter_s:.2f} s | {mb(naive.filter_payload_bytes)} |")
        print(f"| {n:,} | naive / ours | {naive.payload_bytes / ours.payload_bytes:.1f}× | "
              f"{naive.cold_s / ours.cold_s:.1f}× | {naive.drawn_s / ours.drawn_s:.1f}× | "
              f"{naive.filter_s / ours.filter_s:.1f}× | {naive.filter_payload_bytes / ours.filter_payload_bytes:.1f}× |")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--naive-max", type=int, default=10_000, help="largest size the naive page is run at")
    args = parser.parse_args()
    print("| incidents | page | payload | drawn (first load) | drawn (cached) | filter change | filter payload |")
    print("|---:|---|---:|---:|---:|---:|---:|", flush=True)
    # Streamlit serves static/ beside the page it runs (and follows no symlink): the naive page
    # gets its own copy of the same files (gitignored).
    naive_static = NAIVE_APP.parent / "static"
    install_static_assets(naive_static)
    extract_tiles(tiles_dir=naive_static / "tiles")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            url, group, group_count = build_store(n, Path(tmp))
            with running_dashboard(url) as base:
                ours = measure(base, group)
            naive = None
            if n <= args.naive_max:
                expected = group_count
                with running_dashboard(url, app=NAIVE_APP) as base:
                    naive = measure(base, group, naive_expected=expected)
            print_rows(n, ours, naive)

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
