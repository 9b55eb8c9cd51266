"""Driving the real page: a Streamlit server on a store, and Debian's chromium with every request
to another host blocked and counted. Used by the browser test, the bench and the screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dashboard.commands import APP, streamlit_command

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FrameLocator, Page, Playwright, Request, WebSocket

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
# Every other host is sent to a proxy on a closed port of this machine, so the request fails
# where a closed network would fail it. Blocking by Playwright's request routing would also turn
# the browser's cache off (every visit would fetch Streamlit's ~180 script files again), which
# no user's browser does.
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": ",".join(sorted(LOCAL_HOSTS - {"::1"}))}
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
# What the map draws for incidents: single markers (SVG paths), clusters and the store's cells.
DRAWN = ".leaflet-overlay-pane path.leaflet-interactive, .marker-cluster, .im-cell"

# Checked in the page at every animation frame (Playwright's wait_for_function): a locator's wait
# polls with back-off, up to 500 ms apart, which the bench would count as the page's time. The
# map's frame is served by our server, so the page can read its document.
LAYER_JS = """([frame, previous]) => {
  const doc = document.querySelector(frame)?.contentDocument;
  const layer = doc?.querySelector('#map_div[data-incident-layer]')?.dataset.incidentLayer;
  return layer && layer !== previous ? layer : null;
}"""
# Leaflet leaves a marker outside the view as an empty path: drawn means a box on the screen.
VISIBLE_JS = """([frame, selector]) => {
  const doc = document.querySelector(frame)?.contentDocument;
  return !!doc && [...doc.querySelectorAll(selector)].some(el => {
    const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; });
}"""

# Incidents on the map as the browser has drawn them: single markers (SVG paths) plus the counts
# written on cluster icons and on the store's cells.
COUNT_MARKERS_JS = """() => {
  const singles = document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length;
  let grouped = 0;
  document.querySelectorAll('.marker-cluster span, .im-cell span').forEach(
    s => grouped += parseInt(s.textContent.replace(/,/g, ''), 10) || 0);
  return singles + grouped;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class ServedPage:
    url: str  # http://localhost:PORT
    pid: int  # the Streamlit server's process (the bench reads its memory)


@contextmanager
def running_dashboard(
    db_url: str, *, port: int | None = None, app: Path = APP, timeout_s: float = 90.0,
    environ: Mapping[str, str] | None = None,
) -> Iterator[ServedPage]:
    """`streamlit run app.py` on the store (with `environ` added to the environment); yields the
    page's address and stops the server after. The server's output goes to a temporary file,
    shown if it fails to start."""
    port = port or free_port()
    env = {**os.environ, **(environ or {}), "INCIDENT_MAP_DB": db_url}
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            streamlit_command(port, headless=True, app=app), cwd=APP.parent, env=env,
            stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        base = f"http://localhost:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read()}")
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"streamlit did not answer on {base} within {timeout_s:.0f} s")
                time.sleep(0.2)  # polling interval while the server starts, not a measurement
            yield ServedPage(base, server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@dataclass
class OfflineBrowser:
    """A chromium page that may only talk to this machine; what it tried elsewhere is recorded."""

    browser: Browser
    page: Page
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def map_frame(self) -> FrameLocator:
        """The page's map (the first of the page's maps: an editor's review queue has one of its own)."""
        return self.page.frame_locator(MAP_FRAME).first

    def wait_for_map(self, *, previous_layer: str | None = None, timeout_ms: float = 120_000) -> str:
        """Wait until the incident layer is on the map (a different one than previous_layer);
        returns its digest."""
        found = self.page.wait_for_function(LAYER_JS, arg=[MAP_FRAME, previous_layer], timeout=timeout_ms)
        return str(found.json_value())

    def wait_until_drawn(self, selector: str = DRAWN, *, timeout_ms: float = 120_000) -> None:
        """Wait until the map shows one of `selector` (by default any incident marker, cluster or cell)."""
        self.page.wait_for_function(VISIBLE_JS, arg=[MAP_FRAME, selector], timeout=timeout_ms)

    def wait_until_map_reports(self, timeout_ms: float = 60_000) -> None:
        """Until streamlit-folium has told the page the map's bounds: from then on a pan or zoom
        reaches the server (before it, the map's moves are not yet listened to)."""
        self.map_frame.locator("#map_div").evaluate(
            """(el, timeout) => new Promise((done, fail) => {
                 const started = Date.now();
                 const check = () => {
                   const data = window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.previous_data;
                   if (data && data.bounds && data.bounds._southWest && typeof data.bounds._southWest.lat === "number") { done(); }
                   else if (Date.now() - started > timeout) { fail(new Error("the map never reported its bounds")); }
                   else { setTimeout(check, 50); }
                 };
                 check(); })""",
            timeout_ms,
        )

    def count_markers(self) -> int:
        return int(self.map_frame.locator("#map_div").evaluate(f"(el) => ({COUNT_MARKERS_JS})()"))


@contextmanager
def offline_browser(playwright: Playwright, *, width: int = 1400, height: int = 1000) -> Iterator[OfflineBrowser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, proxy=DEAD_PROXY  # type: ignore[arg-type]
    )
    page = browser.new_page(viewport={"width": width, "height": height})
    session = OfflineBrowser(browser, page)

    def record(attempt: Request | WebSocket) -> None:
        if (urlsplit(attempt.url).hostname or "") not in LOCAL_HOSTS:
            session.blocked.append(attempt.url)

    page.on("request", record)
    page.on("websocket", record)

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        session.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield session
    finally:
        browser.close()
