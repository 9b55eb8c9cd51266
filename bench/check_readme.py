"""Does the README's import table still hold? A short run of the same bench, beside the README's figures.

    .venv/bin/python bench/check_readme.py [--tolerance 0.25]

Runs `bench_import.py --sizes 100000` (SQLite; PostgreSQL too with --backends) in a subprocess,
reads the README's **Import** table, and prints each figure both give (rows/s per size, database
and method) with the change. A change beyond the tolerance (default 25%: repeated runs on one
machine differed by up to a tenth, and a busy machine adds more) is flagged, and the exit status
is 1: re-measure the table, or find what made the import slower. This is a check to run by hand
after a change to the store or the readers, not a timed test.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A row of the README's import table: | rows | database | method | rows/s | peak MB |
_README_ROW = re.compile(r"^\|\s*([\d,]+)\s*\|\s*(\w+)\s*\|\s*([^|]+?)\s*\|\s*([\d,]+)\s*\|\s*([\d,]+)\s*\|$")
# A row of bench_import's output: rows in file | database | method | rows | seconds | rows/s | peak MB | speed
_BENCH_ROW = re.compile(r"^\s*([\d,]+)\s*\|\s*(\w+)\s*\|\s*(.+?)\s*\|\s*[\d,]+\s*\|\s*[\d.]+\s*\|\s*([\d,]+)\s*\|")

Key = tuple[int, str, str]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def readme_figures(readme: Path) -> dict[Key, int]:
    """rows/s of the README's **Import** table, by (rows, database, method)."""
    figures: dict[Key, int] = {}
    in_table = False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("**Import**"):
            in_table = True
        elif in_table and line.startswith("**"):
            break
        elif in_table and (match := _README_ROW.match(line)):
            rows, database, method, speed, _peak = match.groups()
            figures[_number(rows), database, method] = _number(speed)
    return figures


def bench_figures(output: str) -> dict[Key, int]:
    figures: dict[Key, int] = {}
    for line in output.splitlines():
        if match := _BENCH_ROW.match(line):
            rows, database, method, speed = match.groups()
            figures[_number(rows), database, method] = _number(speed)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tolerance", type=float, default=0.25)
    parser.add_argument("--backends", nargs="+", default=["sqlite"], choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    readme = readme_figures(ROOT / "README.md")
    if not readme:
        print("no **Import** table found in README.md", file=sys.stderr)
        return 2
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_import.py"), "--sizes", "100000", "--backends", *args.backends],
        capture_output=True, text=True, check=True,
    )
    fresh = bench_figures(run.stdout)
    differ = 0
    print(f"{'rows':>9} | {'database':<10} | {'method':<28} | {'README':>8} | {'now':>8} | change")
    for key in sorted(readme.keys() & fresh.keys()):
        change = fresh[key] / readme[key] - 1
        flag = "  <- beyond the noise" if abs(change) > args.tolerance else ""
        differ += bool(flag)
        rows, database, method = key
        print(f"{rows:>9,} | {database:<10} | {method:<28} | {readme[key]:>8,} | {fresh[key]:>8,} | {change:+.0%}{flag}")
    if not readme.keys() & fresh.keys():
        print("the README's import table and the bench share no row: re-measure the table", file=sys.stderr)
        return 2
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
