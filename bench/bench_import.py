"""Import speed and peak memory for generated ACLED files, beside naive baselines, in one run.

    .venv/bin/python bench/bench_import.py [--sizes 100000 1000000] [--per-row-rows 5000]
                                           [--backends sqlite postgresql]

Each measurement runs in a fresh subprocess, on a fresh SQLite file or a fresh database of a
throw-away PostgreSQL/PostGIS server (incidents.pgserver: fsync off, so its figures leave out
the disk's flushes), so that its peak resident memory (getrusage maxrss, interpreter and
libraries included) is its own. Methods:
- streaming: `import_file` (csv module, batches of 5,000 into IncidentStore.upsert);
- second file: as many rows again, under other ids, into the store the streaming import filled;
- parse only: the same reader with no store, to tell the reader's share from the store's;
- re-import: the same file again into the same store (every row unchanged), smallest size only;
- pandas whole file: `pandas.read_csv` of the whole file, every row parsed into a list, one upsert;
- per-row transactions: one upsert (one transaction) per row, on the first --per-row-rows rows only,
  because at a few hundred rows a second a million rows would take an hour.
The rows come from incidents.synthetic (places, actors, types) written as ACLED's current columns.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from incidents.exchange import ACLED_COLUMNS, IncidentReader, import_file, to_acled_row
from incidents.formats import acled
from incidents.store import IncidentStore
from incidents.synthetic import generate_incidents

_DISTINCT_ROWS = 20_000  # rows generated once, then repeated under new event ids
_INTER = {"Iraqi state forces": "1", "Protesters": "6", "Civilians": "7", "Unidentified": "3"}


def write_acled_file(path: Path, rows: int, id_prefix: str = "IRQ") -> None:
    """`rows` rows in ACLED's current column set, with ACLED's own columns filled as ACLED does."""
    templates = []
    for incident in generate_incidents(_DISTINCT_ROWS, seed=7):
        row = to_acled_row(incident)
        inter1 = _INTER.get(incident.actor_group, "2")
        row.update(
            disorder_type="Political violence",
            actor2="Civilians (Iraq)" if incident.event_type == "Violence against civilians" else "",
            inter1=inter1,
            interaction=f"{inter1}0",
            region="Middle East",
            admin2=f"{incident.admin1} district" if incident.admin1 else "",
            source_scale="National",
            notes=f'On {incident.event_date:%d %B %Y}, {incident.notes} "{incident.source_sentence}", '
            f"said {incident.sources[0].publisher}, adding that the toll may rise.",
        )
        templates.append([row[name] for name in ACLED_COLUMNS])
    id_column = ACLED_COLUMNS.index("event_id_cnty")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ACLED_COLUMNS)
        for i, template in zip(range(rows), itertools.cycle(templates)):
            template[id_column] = f"{id_prefix}{i + 1}"
            writer.writerow(template)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_child(method: str, path: Path, db: str, limit: int) -> dict[str, float]:
    """One measurement, in this (child) process."""
    store = IncidentStore(db)
    start = time.perf_counter()
    if method in ("streaming", "re-import", "second file"):
        summary = import_file(path, store)
        rows, changed = summary.rows, summary.inserted + summary.updated
    elif method == "parse only (no store)":
        with IncidentReader(path) as reader:
            rows = changed = sum(1 for _ in reader.incidents())
    elif method == "pandas whole file":
        import pandas

        frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
        parse = acled.row_parser(list(frame.columns))
        incidents = [parse(list(values)) for values in frame.itertuples(index=False)]
        result = store.upsert(incidents)
        rows, changed = len(frame), result.inserted
    elif method == "per-row transactions":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            parse = acled.row_parser(next(reader))
            rows = changed = 0
            for row in itertools.islice(reader, limit):
                changed += store.upsert([parse(row)]).inserted
                rows += 1
    else:
        raise ValueError(method)
    seconds = time.perf_counter() - start
    return {"rows": rows, "changed": changed, "seconds": seconds, "peak_mb": _peak_mb()}


def measure(method: str, path: Path, db: str, limit: int = 0) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", method, str(path), str(db), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--per-row-rows", type=int, default=5_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=("sqlite", "postgresql"))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, path, db, limit = args.child
        print(json.dumps(run_child(method, Path(path), db, int(limit))))
        return

    print(f"{'rows in file':>12} | {'database':<10} | {'method':<26} | {'rows':>9} | {'seconds':>7} | {'rows/s':>8} | "
          f"{'peak MB':>7} | {'speed vs streaming':>18}")  # fmt: skip
    print("-" * 117)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-import-")))
        server = None
        if "postgresql" in args.backends:
            from incidents.pgserver import throwaway_server

            server = stack.enter_context(throwaway_server())
        for n, size in enumerate(sorted(args.sizes)):
            path = tmp / f"acled-{size}.csv"
            write_acled_file(path, size)
            second = tmp / f"acled-{size}-second.csv"
            write_acled_file(second, size, id_prefix="IRQB")
            for backend in args.backends:
                if backend == "sqlite":
                    def new_db(name: str) -> str:
                        return str(tmp / f"{name}-{size}.sqlite")
                else:
                    def new_db(name: str) -> str:
                        return server.create_database(f"{name.replace('-', '_')}_{size}")
                db = new_db("stream")
                plan = [("streaming", path, db, 0)]
                if n == 0:
                    plan.append(("re-import", path, db, 0))
                plan.append(("second file", second, db, 0))
                if backend == "sqlite":
                    if n == 0:
                        plan.append(("parse only (no store)", path, db, 0))
                    plan += [
                        ("pandas whole file", path, new_db("pandas"), 0),
                        ("per-row transactions", path, new_db("per-row"), min(size, args.per_row_rows)),
                    ]
                streaming_speed = 0.0
                for method, file, method_db, limit in plan:
                    result = measure(method, file, method_db, limit)
                    speed = result["rows"] / result["seconds"]
                    streaming_speed = streaming_speed or speed
                    label = f"{method}, into {size:,}" if method == "second file" else method
                    print(
                        f"{size:>12,} | {backend:<10} | {label:<26} | {result['rows']:>9,} | {result['seconds']:>7.1f} | "
                        f"{speed:>8,.0f} | {result['peak_mb']:>7,.0f} | {speed / streaming_speed:>17.2f}x",
                        flush=True,
                    )
    print("\ngoals: streaming >= 20,000 rows/s, the second file into the store too; peak memory < 1,024 MB at 1,000,000 rows")


if __name__ == "__main__":
    main()
