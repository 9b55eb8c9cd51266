"""Store benchmarks: insert rate, article ingest throughput, and the date + actor-group query.

    .venv/bin/python bench/bench_store.py                  # 100,000 and 1,000,000 incidents
    .venv/bin/python bench/bench_store.py --sizes 10000    # quick look

Each measure is printed beside a naive baseline measured in the same run:
- insert: upsert (batched executemany, one transaction) against ingest() one incident at a time;
- query: count + first page of 100 through the (actor_group, event_date, event_id) index against the
  same SQL with the table scanned (SQLite's NOT INDEXED);
- frame: the page's DataFrame read from driver tuples against one built from query()'s dataclasses;
- ingest: extract + store against extract alone (what the store adds per article).
Databases are written to a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from incidents.articles import parse_article_text
from incidents.model import IncidentFilter, incident_to_record
from incidents.store import IncidentStore
from incidents.synthetic import generate_incidents

PAGE = 100
QUERY_GROUPS = ("Iran-aligned militias", "US and coalition forces", "Islamic State", "Kurdish forces", "Protesters")


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm the page cache, as a page serving users would be
    return statistics.median(timed(action)[0] for _ in range(repeat)) * 1000


def queries() -> list[IncidentFilter]:
    """Three-month windows for several groups: what a user of the page asks for."""
    filters = []
    for n, group in enumerate(QUERY_GROUPS):
        start = date(2019, 2, 1) + timedelta(days=170 * n)
        filters.append(IncidentFilter(date_from=start, date_to=start + timedelta(days=91), actor_groups=(group,)))
    return filters


def indexed_query(store: IncidentStore, flt: IncidentFilter) -> tuple[int, int]:
    return store.count(flt), len(store.query(flt, limit=PAGE))


_SCAN_WHERE = "WHERE actor_group = :group AND event_date BETWEEN :start AND :end"


def scan_query(store: IncidentStore, flt: IncidentFilter) -> tuple[int, int]:
    params = {"group": flt.actor_groups[0], "start": flt.date_from.isoformat(), "end": flt.date_to.isoformat()}  # type: ignore[union-attr]
    with store.engine.connect() as conn:
        count = conn.execute(sa.text(f"SELECT count(*) FROM incidents NOT INDEXED {_SCAN_WHERE}"), params).scalar_one()
        page = conn.execute(
            sa.text(
                f"SELECT * FROM incidents NOT INDEXED {_SCAN_WHERE} ORDER BY event_date DESC, event_id DESC LIMIT {PAGE}"
            ),
            params,
        ).all()
    return int(count), len(page)


def article_text(n: int) -> str:
    """A short report in the seed's layout, built from a synthetic incident."""
    [incident] = islice(generate_incidents(1, seed=10_000 + n), 1)
    published = incident.event_date + timedelta(days=2)
    place = incident.place_name or incident.location
    return (
        f"Rockets hit {place}\n{published.isoformat()}\n\n"
        f"{incident.munitions or 'Two Katyusha rockets'} hit {place} on {incident.event_date:%B} {incident.event_date.day} "
        f"without causing casualties. Security sources said they suspected {incident.actor1} of being behind the attack.\n\n"
        f"Officials said the {incident.actor1} had vowed to respond to any strike.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="store sizes, comma-separated")
    parser.add_argument("--articles", type=int, default=1000, help="generated articles for the ingest measure")
    parser.add_argument("--naive", type=int, default=5000, help="incidents for the one-at-a-time insert baseline")
    parser.add_argument("--repeat", type=int, default=7, help="runs per query (median reported)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[str, str, str, str, str]] = []

    def row(measure: str, size: int, ours: str, baseline: str, ratio: float | None) -> None:
        rows.append((measure, f"{size:,}", ours, baseline, "" if ratio is None else f"{ratio:,.1f}x"))
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        naive_store = IncidentStore(Path(folder) / "naive.sqlite")
        naive_seconds, _ = timed(
            lambda: [naive_store.ingest(i.sources[0], [i]) for i in generate_incidents(args.naive, seed=99)]
        )
        naive_rate = args.naive / naive_seconds
        naive_store.close()

        for size in sizes:
            generation_seconds, _ = timed(lambda: sum(1 for _ in generate_incidents(size)))
            store = IncidentStore(Path(folder) / f"store-{size}.sqlite")
            total_seconds, result = timed(lambda: store.upsert(generate_incidents(size)))
            insert_rate = size / (total_seconds - generation_seconds)
            row(
                "insert: upsert, incidents/s (generation time subtracted)",
                size,
                f"{insert_rate:,.0f}/s ({total_seconds - generation_seconds:.1f} s)",
                f"{naive_rate:,.0f}/s one ingest() per incident",
                insert_rate / naive_rate,
            )
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")  # what a long-lived store has; the planner uses it

            filters = queries()
            for flt in filters:
                assert indexed_query(store, flt) == scan_query(store, flt), flt
            ours = statistics.median(median_ms(lambda f=flt: indexed_query(store, f), args.repeat) for flt in filters)
            scan = statistics.median(median_ms(lambda f=flt: scan_query(store, f), max(3, args.repeat // 2)) for flt in filters)
            matched = statistics.median(store.count(flt) for flt in filters)
            row(
                f"query: count + first {PAGE}, 3 months x 1 actor group (~{matched:,.0f} matches), ms",
                size,
                f"{ours:.1f} ms",
                f"{scan:.1f} ms table scan",
                scan / ours,
            )
            if size <= 100_000:
                # The page loads the whole store into one DataFrame (cached until the store changes).
                frame_ms = median_ms(lambda: store.frame(), 3)
                naive_ms = median_ms(lambda: pd.DataFrame([incident_to_record(i) for i in store.query()]), 1)
                row(
                    "frame(): every incident as a DataFrame, ms",
                    size,
                    f"{frame_ms:,.0f} ms",
                    f"{naive_ms:,.0f} ms via query() dataclasses",
                    naive_ms / frame_ms,
                )
            store.close()

        try:
            from incidents.geocoding import default_geocoder
            from incidents.extract import Extractor
        except ImportError as error:
            row("ingest: articles/s", args.articles, f"skipped: {error}", "", None)
        else:
            extractor = Extractor(default_geocoder())
            articles = [parse_article_text(article_text(n), name=f"generated-{n}") for n in range(args.articles)]
            extractor.extract(articles[0])  # load the pipeline outside the timing
            extract_seconds, _ = timed(lambda: [extractor.extract(a) for a in articles])
            store = IncidentStore(Path(folder) / "ingest.sqlite")
            ingest_seconds, _ = timed(lambda: [store.ingest(a.source(), extractor.extract(a)) for a in articles])
            row(
                "ingest: extract + store, articles/s",
                args.articles,
                f"{args.articles / ingest_seconds:,.0f}/s ({store.count():,} incidents)",
                f"{args.articles / extract_seconds:,.0f}/s extract alone; the store adds "
                f"{(ingest_seconds - extract_seconds) / args.articles * 1000:.2f} ms/article",
                None,
            )
            store.close()

    headers = ("measure", "size", "ours", "baseline (same run)", "ratio")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths)) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
