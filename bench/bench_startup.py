"""Start-up of `incident-map` subcommands, each in a new process, beside `python -c pass`.

    .venv/bin/python bench/bench_startup.py [--runs 7]

Each row is a whole command as a user types it: a new interpreter, the imports, the work (one
name geocoded, one article extracted) and the exit. The first run of each row is a warm-up, not
counted (it builds the gazetteer index cache when there is none, and fills the OS file cache);
the table gives the median and the fastest of the runs after it. Baselines in the same run:
`python -c pass` (the interpreter alone) and every module of incident-map imported up front, as
the command did before its subcommands imported only what they use.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_d33791d1605386a1.txt"
EAGER_IMPORTS = "import geo.geocoder, incidents.store, incidents.exchange, incidents.extract, dashboard.commands"


def incident_map_command() -> list[str]:
    """The console script installed beside this interpreter, else the module."""
    script = Path(sys.executable).parent / "incident-map"
    return [str(script)] if script.exists() else [sys.executable, "-m", "incidents.cli"]


def time_command(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="counted runs per row (after one warm-up)")
    args = parser.parse_args()

    cli = incident_map_command()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "INCIDENT_MAP_DB": str(Path(tmp) / "bench.sqlite")}
        rows = [
            ("`python -c pass` (baseline)", [sys.executable, "-c", "pass"]),
            ("every module imported up front (baseline)", [sys.executable, "-c", EAGER_IMPORTS]),
            ("`incident-map --help`", [*cli, "--help"]),
            ("`incident-map geocode \"Ain Assad Airbase\"`", [*cli, "geocode", "Ain Assad Airbase"]),
            ("`incident-map extract` (one article)", [*cli, "extract", str(SEED)]),
            ("`incident-map list` (empty store)", [*cli, "list"]),
        ]
        print(f"{args.runs} runs per row after one warm-up; {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.2f} at the start\n")
        print("| command, new process | median s | fastest s |")
        print("|---|---:|---:|")
        for label, command in rows:
            times = time_command(command, args.runs, env)
            print(f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} |", flush=True)


if __name__ == "__main__":
    main()
