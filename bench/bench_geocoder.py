"""Benchmark the offline geocoder: cold start, index size, look-ups per second, against a naive
linear scan over the same gazetteer in the same run.

    .venv/bin/python bench/bench_geocoder.py [--queries N]

Queries are drawn from the index itself (seeded), so every run asks names that exist, each
query once in a list:
- exact: places' own names, as the gazetteer writes them;
- alias: other names of the same places (curated aliases, airfield keywords, GeoNames
  alternate names);
- fuzzy: own names with one letter dropped, checked to have no exact key.
"first-time" passes start with every memo emptied (normalised keys, folded spellings) and ask
distinct queries, so nothing is answered from memory: the goals are judged on these. "repeated"
passes ask the same queries again, as an article repeating its places would (keys memoised; the
geocoder keeps no results).
Each kind is asked once untimed first (what a process builds once, such as the fuzzy key buckets,
is built then), then --repeat timed passes; the table shows the median rate.
The naive baseline normalises the query the same way, then scans every key of the gazetteer
(== for exact and alias, rapidfuzz's ratio for fuzzy), as a look-up without an index would.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from geo import OfflineGeocoder  # noqa: E402
from geo.geocoder import configured_cache_dir  # noqa: E402
from geo.normalize import name_key, normalize  # noqa: E402

COLD_START = (
    "import time; t = time.perf_counter(); from geo import OfflineGeocoder; "
    "g = OfflineGeocoder(); g.geocode('Balad Airbase'); print(time.perf_counter() - t)"
)


def cold_start_seconds(runs: int = 5) -> float:
    """Median wall time of a fresh process: import, load the index, answer one query."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def sample_queries(geocoder: OfflineGeocoder, n: int, seed: int) -> dict[str, list[str]]:
    layer = geocoder.base_layer
    rng = random.Random(seed)
    names: list[str] = []
    aliases: list[str] = []
    for position in rng.sample(range(layer.key_count), min(layer.key_count, n * 6)):
        for entry in layer._entries_at(position):
            spelling = layer.spelling(entry)
            (names if entry.spelling < 0 else aliases).append(spelling)
    # homonyms give the same spelling several times: each query once
    names, aliases = list(dict.fromkeys(names)), list(dict.fromkeys(aliases))
    fuzzy: list[str] = []
    for name in names:
        if len(fuzzy) >= n:
            break
        if len(name) < 7 or not name.isascii():
            continue
        i = rng.randrange(1, len(name) - 1)
        typo = name[:i] + name[i + 1 :]
        if typo not in fuzzy and all(layer.find(normalize(typo)) < 0 for layer in geocoder.layers):
            fuzzy.append(typo)
    return {"exact": names[:n], "alias": aliases[:n], "fuzzy": fuzzy[:n]}


def per_second(function, queries: list[str], *, forget=None, repeat: int = 1) -> tuple[float, float, int]:
    """Look-ups a second of wall time and of this process's CPU time over queries (medians of
    repeat passes), and how many found a place. forget() runs before each pass (not timed)."""
    wall_rates, cpu_rates = [], []
    for _ in range(repeat):
        if forget is not None:
            forget()
        found = 0
        wall, cpu = time.perf_counter(), time.process_time()
        for query in queries:
            if function(query) is not None:
                found += 1
        wall_rates.append(len(queries) / (time.perf_counter() - wall))
        cpu_rates.append(len(queries) / max(time.process_time() - cpu, 1e-9))
    return statistics.median(wall_rates), statistics.median(cpu_rates), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=5000, help="queries a kind (default 5000)")
    parser.add_argument("--naive-queries", type=int, default=40, help="queries a kind for the naive scan")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes a row (median shown)")
    args = parser.parse_args()

    start = time.perf_counter()
    geocoder = OfflineGeocoder()  # builds the cache on the very first run
    warm_load = time.perf_counter() - start
    cold = cold_start_seconds()
    queries = sample_queries(geocoder, args.queries, args.seed)
    size = geocoder.index_size
    cache_bytes = sum(
        p.stat().st_size for pattern in ("base-*.pickle", "geonames-*.pickle") for p in configured_cache_dir().glob(pattern)
    )

    # the naive baseline: every key of the same gazetteer in one list, scanned per query; built
    # after the indexed passes, so that the garbage collector does not walk it during them
    all_keys: list[str] = []

    def naive_exact(query: str) -> str | None:
        key = normalize(query)
        for candidate in all_keys:
            if candidate == key:
                return candidate
        return None

    def naive_fuzzy(query: str) -> str | None:
        best = process.extractOne(normalize(query), all_keys, scorer=fuzz.ratio, score_cutoff=85)
        return None if best is None else best[0]

    def index_lookup(query: str) -> list | None:
        # the index alone: normalise, then candidates from every layer (no ranking, no Location)
        key = normalize(query)
        entries = [e for layer in geocoder.layers for e in layer.lookup(key)]
        return entries or None

    def forget() -> None:
        # nothing answered from memory: keys normalised and spellings folded afresh
        name_key.cache_clear()
        geocoder.clear_cache()

    measured = []
    for label, function, naive, repeated in (
        ("exact key (index only)", index_lookup, naive_exact, False),
        ("alias key (index only)", index_lookup, naive_exact, False),
        ("exact geocode() first-time", geocoder.geocode, naive_exact, False),
        ("alias geocode() first-time", geocoder.geocode, naive_exact, False),
        ("fuzzy geocode() first-time", geocoder.geocode, naive_fuzzy, False),
        ("exact geocode() repeated", geocoder.geocode, naive_exact, True),
        ("alias geocode() repeated", geocoder.geocode, naive_exact, True),
        ("fuzzy geocode() repeated", geocoder.geocode, naive_fuzzy, True),
    ):
        kind = label.split()[0]
        sample = queries[kind]
        # untimed: builds what is built once a process; for the repeated rows, fills the memos
        per_second(function, sample, forget=forget)
        wall_rate, cpu_rate, found = per_second(function, sample, forget=None if repeated else forget, repeat=args.repeat)
        measured.append((label, kind, naive, len(sample), wall_rate, cpu_rate, found))

    all_keys.extend(layer.keys[i] for layer in geocoder.layers for i in range(layer.key_count))
    naive_rates: dict[tuple, float] = {}
    rows = []
    for label, kind, naive, count, wall_rate, cpu_rate, found in measured:
        if (kind, naive) not in naive_rates:  # the naive scan has no cache: measured once a kind
            naive_rates[kind, naive] = per_second(naive, queries[kind][: args.naive_queries], forget=forget)[0]
        rows.append((label, count, wall_rate, cpu_rate, found, naive_rates[kind, naive]))

    print("Offline geocoder benchmark (one core)")
    print()
    print(f"{'measure':<34}{'value':>16}")
    print("-" * 50)
    print(f"{'cold start (new process, 1 query)':<34}{cold * 1000:>13.0f} ms")
    print(f"{'index load in this process':<34}{warm_load * 1000:>13.0f} ms")
    print(f"{'places':<34}{size['places']:>16,}")
    print(f"{'name keys':<34}{size['keys']:>16,}")
    print(f"{'fuzzy-eligible keys':<34}{size['fuzzy_keys']:>16,}")
    print(f"{'index on disk (data/cache)':<34}{cache_bytes / 1e6:>13.1f} MB")
    print()
    print(
        f"{'look-ups':<28}{'queries':>9}{'indexed /s':>13}{'per CPU s':>12}{'found':>8}{'naive scan /s':>16}{'speed-up':>11}"
    )
    print("-" * 97)
    for label, count, wall_rate, cpu_rate, found, naive_rate in rows:
        print(
            f"{label:<28}{count:>9,}{wall_rate:>13,.0f}{cpu_rate:>12,.0f}{found / count:>8.0%}"
            f"{naive_rate:>16,.1f}{wall_rate / naive_rate:>10,.0f}x"
        )
    print("(distinct queries; first-time: all memos emptied before each pass; repeated: the same queries again)")
    print("(indexed /s: wall clock; per CPU s: this process's CPU time, the same on a busy machine)")
    print("(naive scan: normalise, then compare with all keys; fuzzy: rapidfuzz ratio over all keys)")
    print()
    print("goals (first-time rows): cold start <= 0.5 s; >= 50,000 exact and >= 2,000 fuzzy look-ups a second")


if __name__ == "__main__":
    main()
