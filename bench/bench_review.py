"""The review queue at ACLED's scale: a store of 1,000,000 generated incidents of which 100,000 are
proposed (the rest imported), on SQLite and on a PostgreSQL/PostGIS server.

Measured in the store (this process), each beside a naive baseline in the same run:
- first item: the queue's head, `review_queue(limit=1)`, read through the partial index of the
  proposed incidents (migration 7); naive: read every proposed incident's reasons for doubt and
  date and sort them in Python (a queue with no stored weight and no index);
- next item: a decision (`review(..., "confirm")`, with its history row and the aggregates) and
  then the new head, per item over ITEMS items.
Measured in the page (the real Streamlit server, Debian's chromium, every other host blocked), an
editor signed in:
- first item: from switching the queue on to the incident shown, on the first opening after the
  server started, 3 s after signing in (a person's moment: the page loads the geocoder's index for
  the candidates in the background once an editor has signed in, 0.8 s of a busy core), and on a
  later opening;
- next item: from the key "a" (confirm) to the next incident shown, per item over ITEMS items,
  and to the queue's map of that incident drawn.
The page is checked at every animation frame (Playwright's wait_for_function), not by locator
waits, which poll up to 500 ms apart.

    .venv/bin/python bench/bench_review.py                       # SQLite and PostgreSQL, 1,000,000
    .venv/bin/python bench/bench_review.py --backends sqlite --size 100000
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from dashboard.access import PASSWORD_ENV  # noqa: E402
from dashboard.harness import MAP_FRAME, offline_browser, running_dashboard  # noqa: E402
from incidents.model import Incident, doubt_score  # noqa: E402
from incidents.store import IncidentStore, incidents_table, to_db_url  # noqa: E402
from incidents.synthetic import generate_incidents  # noqa: E402

PROPOSED_EVERY = 10  # one incident in ten awaits review: 100,000 of a million
ITEMS = 20
PASSWORD = "bench"
SHOWN_JS = """([previous]) => {
  const item = document.querySelector('.im-queue-item');
  return item && item.dataset.eventId !== previous ? item.dataset.eventId : null;
}"""
# The queue's map (the page's second) has drawn the incident's own map: its Leaflet container is there.
REVIEW_MAP_JS = """([frame, id]) => {
  const frames = document.querySelectorAll(frame);
  const doc = frames.length > 1 ? frames[1].contentDocument : null;
  const item = document.querySelector('.im-queue-item');
  return !!doc && !!doc.querySelector('#map_div.leaflet-container') && !!item && item.dataset.eventId === id;
}"""


def bench_incidents(n: int) -> Iterator[Incident]:
    """The generated incidents, nine in ten of them imported (ACLED rows, no doubts)."""
    for number, incident in enumerate(generate_incidents(n, seed=7, towns=True)):
        if number % PROPOSED_EVERY:
            yield dataclasses.replace(incident, source_kind="acled", review_status="imported", doubts="")
        else:
            yield incident


def build_store(url: str, n: int) -> None:
    store = IncidentStore(url)
    if store.count() != n:
        start = time.perf_counter()
        store.upsert(bench_incidents(n))
        print(f"built a store of {n:,} in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    store.close()


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def naive_head(store: IncidentStore) -> str:
    """The queue's head without the stored weight or its index: every proposed incident read and sorted."""
    c = incidents_table.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(c.event_id, c.event_date, c.doubts).where(c.review_status == "proposed")).all()
    return max(rows, key=lambda r: (doubt_score(r.doubts), r.event_date, r.event_id)).event_id


def store_measures(url: str) -> dict[str, float]:
    store = IncidentStore(url)
    first = [timed(lambda: store.review_queue(limit=1))[0] for _ in range(5)]
    naive = [timed(lambda: naive_head(store))[0] for _ in range(3)]
    assert naive_head(store) == store.review_queue(limit=1)[0].event_id  # the same head
    nexts, decisions = [], []
    for _ in range(ITEMS):
        (head,) = store.review_queue(limit=1)
        decided, _ = timed(lambda: store.review(head.event_id, "confirm", editor="bench", expected_status="proposed"))
        shown, _ = timed(lambda: store.review_queue(limit=1))
        decisions.append(decided)
        nexts.append(decided + shown)
    store.close()
    return {"first": statistics.median(first), "naive": statistics.median(naive), "next": statistics.median(nexts),
            "next_max": max(nexts), "decision": statistics.median(decisions)}


def page_measures(url: str, timeout_ms: float) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    result: dict[str, float] = {}
    with running_dashboard(url, environ={PASSWORD_ENV: PASSWORD}, timeout_s=timeout_ms / 1000) as served, \
            sync_playwright() as playwright, offline_browser(playwright) as browser:
        page = browser.page
        page.goto(served.url)
        browser.wait_for_map(timeout_ms=timeout_ms)
        page.get_by_role("textbox", name="Your name").fill("bench")
        page.get_by_label("Editors' password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as an editor.").wait_for(timeout=timeout_ms)
        page.wait_for_timeout(3000)  # the person reads the page; not a measurement
        toggle = page.get_by_text("Review the queue: proposed incidents")
        for label in ("first_cold", "first_warm"):
            start = time.perf_counter()
            toggle.click()
            shown = page.wait_for_function(SHOWN_JS, arg=[None], timeout=timeout_ms).json_value()
            result[label] = time.perf_counter() - start
            page.wait_for_function(REVIEW_MAP_JS, arg=[MAP_FRAME, shown], timeout=timeout_ms)
            if label == "first_cold":
                toggle.click()  # closed, to open it again
                page.locator(".im-queue-item").wait_for(state="detached", timeout=timeout_ms)
        nexts, maps = [], []
        for _ in range(ITEMS):
            page.get_by_role("button", name="Confirm").first.wait_for(timeout=timeout_ms)
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            start = time.perf_counter()
            page.keyboard.press("a")
            shown = page.wait_for_function(SHOWN_JS, arg=[shown], timeout=timeout_ms).json_value()
            nexts.append(time.perf_counter() - start)
            page.wait_for_function(REVIEW_MAP_JS, arg=[MAP_FRAME, shown], timeout=timeout_ms)
            maps.append(time.perf_counter() - start)
        assert browser.blocked == [], browser.blocked
    result.update(next=statistics.median(nexts), next_max=max(nexts), map=statistics.median(maps))
    return result


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=("sqlite", "postgresql"))
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--stores", type=Path, default=None, help="keep SQLite stores here and reuse them")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    print(f"| database | incidents (proposed) | where | first item | next item (median, slowest of {ITEMS}) | "
          "naive first item | load |")
    print("|---|---|---|---:|---:|---:|---:|", flush=True)
    with contextlib.ExitStack() as stack:
        folder = args.stores or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        server = None
        if "postgresql" in args.backends:
            from incidents.pgserver import throwaway_server

            server = stack.enter_context(throwaway_server())
        size = f"{args.size:,} ({args.size // PROPOSED_EVERY:,})"
        for backend in args.backends:
            url = (to_db_url(folder / f"review_{args.size}.sqlite") if backend == "sqlite"
                   else server.create_database(f"review_{args.size}"))  # type: ignore[union-attr]
            build_store(url, args.size)
            s = store_measures(url)
            print(f"| {backend} | {size} | store | {s['first'] * 1000:.1f} ms | {s['next'] * 1000:.1f} ms, "
                  f"{s['next_max'] * 1000:.1f} ms (decision {s['decision'] * 1000:.1f} ms) | {s['naive'] * 1000:,.0f} ms | {load()} |",
                  flush=True)
            p = page_measures(url, args.timeout * 1000)
            print(f"| {backend} | {size} | page | {p['first_cold']:.2f} s cold, {p['first_warm']:.2f} s warm | "
                  f"{p['next']:.2f} s, {p['next_max']:.2f} s (its map drawn: {p['map']:.2f} s) | | {load()} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
