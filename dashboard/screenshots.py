"""Screenshots of the page for the README: the seed articles, and 10,000 generated incidents.

    .venv/bin/python -m dashboard.screenshots [--out docs/screenshots]

Runs the real server on temporary stores and Debian's chromium, offline (external requests are
blocked; the run fails if any was attempted).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dashboard.commands import APP, ingest_seeds
from dashboard.harness import OfflineBrowser, offline_browser, running_dashboard
from incidents.store import IncidentStore, to_db_url

OUT = APP.parent / "docs" / "screenshots"


def shoot(session: OfflineBrowser, url: str, path: Path) -> None:
    session.page.goto(url)
    session.wait_for_map()
    session.wait_until_drawn()
    session.map_frame.locator("img.leaflet-tile-loaded").first.wait_for()
    session.page.get_by_text("Incidents per week").wait_for()
    # Wait for the map to settle: no zoom animation running and no tile pending, twice in a row
    # half a second apart (fitBounds animates the first zoom).
    session.map_frame.locator("#map_div").evaluate(
        """el => new Promise(done => {
             let calm = 0;
             const busy = () => document.querySelector('.leaflet-zoom-anim') ||
               document.querySelectorAll('img.leaflet-tile:not(.leaflet-tile-loaded)').length;
             const check = () => { calm = busy() ? 0 : calm + 1; calm >= 2 ? done() : setTimeout(check, 500); };
             check(); })"""
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    session.page.screenshot(path=str(path), full_page=False)
    if session.blocked:
        raise RuntimeError(f"requests left the machine: {session.blocked}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    from incidents.synthetic import generate_incidents

    parser = argparse.ArgumentParser(description="Screenshots of the page for the README.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        seeds = to_db_url(Path(tmp) / "seeds.sqlite")
        ingest_seeds(seeds)
        generated = to_db_url(Path(tmp) / "generated.sqlite")
        IncidentStore(generated).upsert(generate_incidents(10_000, seed=7))
        for url, name in ((seeds, "dashboard-seeds.png"), (generated, "dashboard-10k.png")):
            with running_dashboard(url) as served, offline_browser(playwright, width=1500, height=1150) as session:
                shoot(session, served.url, args.out / name)
                print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
