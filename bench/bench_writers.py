"""How long an article's ingest waits while a large import runs, on SQLite and PostgreSQL, beside
the import as it was before issue 9 (the whole file in one transaction).

An import of a generated ACLED file runs in a child process (`incident-map import`); once its first
rows are in, this process ingests one article every second with IncidentStore.ingest, as another
analyst or the page would, until the import ends. Reported: the import's rows/s, how many ingests
begun during it, their median and longest wait, and how many failed (SQLite gives up after its
30 s busy timeout).

    .venv/bin/python bench/bench_writers.py [--rows 1000000] [--databases sqlite postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import write_acled_file  # noqa: E402

from incidents.model import Incident, Source  # noqa: E402
from incidents.store import IncidentStore, to_db_url  # noqa: E402

# The import as it was: every batch inside one transaction that lasts the whole file.
WHOLE_FILE = """
import sys
from incidents.exchange import IncidentReader
from incidents.store import IncidentStore, UpsertResult, _import_batches
store = IncidentStore(sys.argv[2])
result = UpsertResult()
with IncidentReader(sys.argv[1]) as reader, store._write() as conn:
    for batch in _import_batches(reader.incidents(), 5000):
        store._upsert_batch(conn, batch.rows, result, "bench", "")
print(result)
"""


def article(n: int) -> tuple[Source, list[Incident]]:
    source = Source(title=f"Report {n}", url=f"https://example.org/{n}", published=date(2024, 1, 2), source_id=f"W{n}")
    incident = Incident(event_id=f"W{n}", event_date=date(2024, 1, 1), location=f"Village {n}", sources=[source])
    return source, [incident]


def run(db: str, path: Path, *, batched: bool) -> dict[str, object]:
    command = (
        [sys.executable, "-m", "incidents.cli", "import", str(path), "--db", db, "-q"]
        if batched else [sys.executable, "-c", WHOLE_FILE, str(path), db]
    )
    store = IncidentStore(db)
    before = store.count()
    start = time.perf_counter()
    importer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waits: list[float] = []
    failures = 0
    n = 0
    first_rows = None
    while importer.poll() is None:
        if first_rows is None:
            # The whole-file import shows nothing until it ends: start ingesting after two seconds.
            if store.count() > before or time.perf_counter() - start > 2:
                first_rows = time.perf_counter()
            time.sleep(0.05)  # polling for the import's start, not a measurement
            continue
        n += 1
        began = time.perf_counter()
        try:
            store.ingest(*article(n))
            waits.append(time.perf_counter() - began)  # every ingest begun while the import ran
        except Exception:  # noqa: BLE001 - SQLite's "database is locked" after its busy timeout
            failures += 1
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - began)))  # one article a second
    seconds = time.perf_counter() - start
    _, err = importer.communicate()
    assert importer.returncode == 0, err
    rows = store.count() - before - len(waits)  # the import's rows, without the articles
    store.close()
    return {"rows/s": rows / seconds, "during": len(waits), "failed": failures,
            "median": statistics.median(waits) if waits else float("nan"), "max": max(waits, default=float("nan"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print("| rows | database | import | import rows/s | ingests begun during it | median wait | longest wait | failed |")
    print("|---:|---|---|---:|---:|---:|---:|---:|", flush=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-writers-")))
        path = tmp / "acled.csv"
        write_acled_file(path, args.rows)
        server = None
        if "postgresql" in args.databases:
            from incidents.pgserver import throwaway_server

            server = stack.enter_context(throwaway_server())
        for database in args.databases:
            plans = [("batches of 5,000", True)] + ([("whole file, one transaction", False)] if database == "sqlite" else [])
            for name, batched in plans:
                db = to_db_url(tmp / f"{name[:5]}.sqlite") if database == "sqlite" else server.create_database("w")  # type: ignore[union-attr]
                r = run(db, path, batched=batched)
                print(f"| {args.rows:,} | {database} | {name} | {r['rows/s']:,.0f} | {r['during']} | "
                      f"{r['median']:.2f} s | {r['max']:.2f} s | {r['failed']} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
