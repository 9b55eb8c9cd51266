"""The page at ACLED's scale: 1,000 to 1,000,000 incidents on SQLite and on a PostgreSQL/PostGIS
server, beside the naive page and the page as it was before issue 9.

Each run is a store of generated incidents (incidents.synthetic, spread over Iraq's and Syria's
towns), the real Streamlit server and Debian's chromium with every non-local request blocked.
Measured in the browser:
- payload: bytes the server sent over the page's websocket for the whole first visit (map,
  chart, table, widgets), counted until the socket has been quiet for half a second;
- first map: from navigation to markers on the map, on the first visit after the server started
  ("cold": nothing cached) and the median of three later visits ("warm");
- filter: from choosing an actor group in the widget to the redrawn map;
- zoom: from the map's setView (as a double-click or the wheel would) to the new layer drawn, into
  Baghdad at zoom 12 (the city) and zoom 15 (a part of it), the median of three views 1 km apart
  (each a box not asked for before); "points" means single incidents (the first view's count);
- server memory: the Streamlit process's peak resident memory (VmHWM) at the end of the run.
The page is checked for the drawn map at every animation frame (dashboard.harness), not by
Playwright's locator waits, which poll up to 500 ms apart.
Pages:
- incident-map: this page;
- before: the page at commit BEFORE (the whole store read into pandas, fixed cells above 10,000),
  run from a copy of that commit's app.py and dashboard/ where it finishes within the time-out;
- naive: bench/naive_app.py, one folium.Marker per incident.
PostgreSQL runs start a throw-away server (incidents.pgserver); stores are built in a temporary
folder, or kept in --stores DIR and reused by later runs.

    .venv/bin/python bench/bench_dashboard.py                               # the issue's set
    .venv/bin/python bench/bench_dashboard.py --runs sqlite:100000:ours     # one run
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard.assets import install_static_assets  # noqa: E402
from dashboard.basemap import extract_tiles  # noqa: E402
from dashboard.harness import DRAWN, OfflineBrowser, offline_browser, running_dashboard  # noqa: E402
from incidents.model import MAPPED_PLACE_CLASSES, IncidentFilter  # noqa: E402
from incidents.store import IncidentStore, to_db_url  # noqa: E402
from incidents.synthetic import generate_incidents  # noqa: E402

NAIVE_APP = ROOT / "bench" / "naive_app.py"
BEFORE = "24f187e"  # main when issue 9 began: the page that read the whole store into pandas
DEFAULT_RUNS = (
    "sqlite:1000:ours", "sqlite:1000:naive", "sqlite:1000:before",
    "sqlite:100000:ours", "sqlite:100000:before",
    "sqlite:1000000:ours", "sqlite:1000000:before",
    "postgresql:1000000:ours",
)
REPEATS = 3
# Three views of Baghdad, 1 km apart: each zoom asks the store for a box no earlier one asked for
# (the page caches layers per box), and the table shows the median of the three.
BAGHDAD_VIEWS = ((33.3406, 44.4009), (33.3406, 44.3909), (33.3406, 44.4109))
ZOOMS = (12, 15)


@dataclass
class Measure:
    payload_bytes: int = 0
    cold_s: float = float("nan")
    warm_s: float = float("nan")
    filter_s: float = float("nan")
    filter_payload_bytes: int = 0
    zooms: list[str] = field(default_factory=list)  # "0.41 s, points (1,234)"
    peak_mb: float = float("nan")
    note: str = ""


class WebsocketBytes:
    """Bytes received over websockets, counted through the DevTools protocol."""

    def __init__(self, session: OfflineBrowser) -> None:
        self.total = 0
        self._page = session.page
        cdp = session.page.context.new_cdp_session(session.page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def wait_until_quiet(self, quiet_s: float = 0.5, at_most_s: float = 30.0) -> None:
        """Until nothing has arrived for quiet_s (the page has finished sending)."""
        deadline = time.monotonic() + at_most_s
        seen, since = self.total, time.monotonic()
        while time.monotonic() < deadline:
            self._page.wait_for_timeout(50)  # lets playwright deliver the frames; not a measurement
            if self.total != seen:
                seen, since = self.total, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return

    def _frame(self, event: dict) -> None:  # type: ignore[type-arg]
        response = event["response"]
        data = response["payloadData"]
        self.total += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pick_group(session: OfflineBrowser, group: str) -> None:
    """Choose one actor group in the widget as a user does: open it, type, pick the option."""
    widget = session.page.get_by_test_id("stMultiSelect").filter(has_text="Actor group")
    widget.click()
    widget.locator("input").fill(group)
    session.page.get_by_role("option", name=group, exact=True).click()
    session.page.keyboard.press("Escape")


def measure(url: str, pid: int, group: str, page: str, timeout_ms: float, naive_expected: int = 0) -> Measure:
    result = Measure()
    warm: list[float] = []
    filtered: list[float] = []
    marker = ".leaflet-marker-icon" if page == "naive" else DRAWN
    with sync_playwright() as playwright, offline_browser(playwright) as session:
        counter = WebsocketBytes(session)
        for attempt in range(REPEATS + 1):
            before = counter.total
            start = time.perf_counter()
            session.page.goto(url, wait_until="commit", timeout=timeout_ms)
            layer = session.wait_for_map(timeout_ms=timeout_ms) if page != "naive" else ""
            session.wait_until_drawn(marker, timeout_ms=timeout_ms)
            elapsed = time.perf_counter() - start
            if page != "naive":
                session.page.get_by_test_id("stDataFrame").first.wait_for(timeout=timeout_ms)
            counter.wait_until_quiet()
            if attempt == 0:
                result.cold_s, result.payload_bytes = elapsed, counter.total - before
            else:
                warm.append(elapsed)
            before = counter.total
            start = time.perf_counter()
            pick_group(session, group)
            if page == "naive":
                session.page.wait_for_function(
                    """([n]) => { const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
                         return f && f.contentDocument &&
                                f.contentDocument.querySelectorAll('.leaflet-marker-icon').length === n; }""",
                    arg=[naive_expected], timeout=timeout_ms,
                )
            else:
                session.wait_for_map(previous_layer=layer, timeout_ms=timeout_ms)
                session.wait_until_drawn(timeout_ms=timeout_ms)
            filtered.append(time.perf_counter() - start)
            result.filter_payload_bytes = counter.total - before
        result.warm_s, result.filter_s = statistics.median(warm), statistics.median(filtered)
        if page == "ours":
            zooms: dict[int, list[tuple[float, str, int]]] = {zoom: [] for zoom in ZOOMS}
            for centre in BAGHDAD_VIEWS:
                for zoom, seen in zoom_into(session, url, centre, timeout_ms).items():
                    zooms[zoom].append(seen)
            for zoom, seen in zooms.items():
                if any(s is None for s in seen):
                    result.zooms.append(f"z{zoom}: already drawn one by one")
                    continue
                mode, count = seen[0][1], seen[0][2]
                result.zooms.append(f"z{zoom}: {statistics.median(s[0] for s in seen):.2f} s, {mode} ({count:,})")
        assert session.blocked == [], session.blocked
    result.peak_mb = peak_memory_mb(pid)
    return result


def zoom_into(session: OfflineBrowser, url: str, centre: tuple[float, float], timeout_ms: float) -> dict[int, tuple[float, str, int] | None]:
    """From the page's first view (no filter), zoom by steps (ZOOMS) into `centre`: per zoom, the
    seconds to the new layer drawn, its mode and incidents, or None when the view was already
    drawn one by one."""
    session.page.goto(url, wait_until="commit")
    layer = session.wait_for_map(timeout_ms=timeout_ms)
    session.wait_until_drawn(timeout_ms=timeout_ms)
    session.wait_until_map_reports(timeout_ms)
    session.page.wait_for_timeout(1000)  # the rerun that report causes: let it settle
    layer = session.wait_for_map(timeout_ms=timeout_ms)
    box = session.map_frame.locator("#map_div")
    seen: dict[int, tuple[float, str, int] | None] = {}
    for zoom in ZOOMS:
        complete = box.get_attribute("data-incident-mode") == "points"
        start = time.perf_counter()
        box.evaluate(f"() => window.map.setView([{centre[0]}, {centre[1]}], {zoom}, {{animate: false}})")
        try:
            # A view inside single incidents already drawn needs no new layer.
            layer = session.wait_for_map(previous_layer=layer, timeout_ms=5000 if complete else timeout_ms)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            if not complete:
                raise
            seen[zoom] = None
            continue
        session.wait_until_drawn(timeout_ms=timeout_ms)
        elapsed = time.perf_counter() - start
        seen[zoom] = (elapsed, str(box.get_attribute("data-incident-mode")), int(box.get_attribute("data-incident-count") or 0))
    return seen


def build_store(backend: str, n: int, stores: Path, server: object) -> str:
    """A store of n generated incidents; SQLite files in `stores` are reused when complete."""
    if backend == "sqlite":
        url = to_db_url(stores / f"bench_{n}.sqlite")
    else:
        url = server.create_database(f"bench_{n}")  # type: ignore[attr-defined]
    store = IncidentStore(url)
    if store.count() != n:
        start = time.perf_counter()
        store.upsert(generate_incidents(n, seed=7, towns=True))
        print(f"built {backend} store of {n:,} in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    store.close()
    return url


def busiest_group(url: str) -> tuple[str, int]:
    store = IncidentStore(url)
    groups = store.facets().actor_groups
    counts = {g: store.count(IncidentFilter(actor_groups=(g,), places=MAPPED_PLACE_CLASSES)) for g in groups}
    store.close()
    group = max(counts, key=counts.__getitem__)
    return group, counts[group]


@contextlib.contextmanager
def before_page(folder: Path) -> Iterator[Path]:
    """app.py and dashboard/ as they were at BEFORE, with their own static files."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "app.py", "dashboard"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    install_static_assets(folder / "static")
    extract_tiles(tiles_dir=folder / "static" / "tiles")
    yield folder / "app.py"


def mb(b: float) -> str:
    return f"{b / 1e6:.2f} MB"


def row(backend: str, n: int, page: str, m: Measure) -> str:
    name = {"ours": "incident-map", "before": f"before ({BEFORE})", "naive": "naive (Marker each)"}[page]
    if m.note:
        return f"| {n:,} | {backend} | {name} | {m.note} | | | | | | |"
    zooms = "; ".join(m.zooms) or "no viewport: the layer never refines"
    return (f"| {n:,} | {backend} | {name} | {mb(m.payload_bytes)} | {m.cold_s:.2f} s | {m.warm_s:.2f} s | "
            f"{m.filter_s:.2f} s | {zooms} | {m.peak_mb:,.0f} MB |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", nargs="+", default=list(DEFAULT_RUNS), metavar="BACKEND:SIZE:PAGE",
                        help="backend sqlite|postgresql, size, page ours|before|naive")
    parser.add_argument("--stores", type=Path, default=None, help="keep SQLite stores here and reuse them")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a page counts as not finishing")
    args = parser.parse_args()
    runs = [(b, int(n), p) for b, n, p in (spec.split(":") for spec in args.runs)]
    print("| incidents | database | page | payload | first map, cold | first map, warm | filter change | "
          "zoom into Baghdad | server peak memory |")
    print("|---:|---|---|---:|---:|---:|---:|---|---:|", flush=True)
    naive_static = NAIVE_APP.parent / "static"
    install_static_assets(naive_static)
    extract_tiles(tiles_dir=naive_static / "tiles")
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        stores = args.stores or tmp
        stores.mkdir(parents=True, exist_ok=True)
        server = None
        if any(b == "postgresql" for b, _, _ in runs):
            from incidents.pgserver import throwaway_server

            server = stack.enter_context(throwaway_server())
        before_app = stack.enter_context(before_page(tmp / "before")) if any(p == "before" for *_, p in runs) else None
        built: dict[tuple[str, int], str] = {}
        for backend, n, page in runs:
            if (backend, n) not in built:
                built[backend, n] = build_store(backend, n, stores, server)
            url = built[backend, n]
            group, group_count = busiest_group(url)
            app = {"ours": ROOT / "app.py", "naive": NAIVE_APP, "before": before_app}[page]
            try:
                with running_dashboard(url, app=app, timeout_s=args.timeout) as served:
                    m = measure(served.url, served.pid, group, page, args.timeout * 1000, naive_expected=group_count)
            except Exception as error:  # noqa: BLE001 - a page that does not finish is a result
                m = Measure(note=f"did not finish: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
            print(row(backend, n, page, m), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
