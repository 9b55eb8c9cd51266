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

Context rows ask the same exact names with what an article gives: the place's own province
(admin1=, as its label reads), or a point 20 km from it (near=). Their baseline is the same
look-up without context.

The store layer: --events generated ACLED events (default 100,000; made-up village names in
Iraq's provinces, a tenth of the names repeated in another province, events per place skewed as
in real data) are written to a temporary SQLite store; the layer is built from it as an import
does (one grouped query, the index, the cache file) and its names are looked up. Its baseline
asks the store itself at every look-up (one indexed query a name), which is what building the
layer in bulk saves.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from geo import OfflineGeocoder  # noqa: E402
from geo.geocoder import configured_cache_dir, link_shipped_layers  # noqa: E402
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
    layer = geocoder.layer("base")
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


_SYLLABLES = ("ba", "da", "ra", "zan", "kar", "mur", "sha", "hil", "wa", "ni", "ja", "fir", "qa", "sal", "dun", "tay",
              "ham", "rub", "nak", "zi", "lat", "sub", "ghar", "mah", "dib", "kus", "yar", "tum")  # fmt: skip
_PREFIXES = ("", "", "Tell ", "Umm ", "Kufr ", "Albu ", "Jurf ", "Qaryat ", "Ain ")
_PROVINCES = {  # a point in each, the made-up villages scattered up to ~60 km around it
    "Anbar": (33.4, 43.3), "Salah al-Din": (34.6, 43.7), "Diyala": (33.8, 44.8), "Ninewa": (36.3, 42.8),
    "Kirkuk": (35.4, 44.3), "Baghdad": (33.3, 44.4), "Babil": (32.5, 44.4), "Wasit": (32.5, 45.8),
}  # fmt: skip


def store_events(count: int, seed: int) -> tuple[list, list[tuple[str, str, float, float]]]:
    """`count` ACLED-like incidents over count/5 made-up places, and the places (name, province, lat, lon)."""
    from incidents.formats.acled import acled_source
    from incidents.model import Incident

    rng = random.Random(seed)
    places: list[tuple[str, str, float, float]] = []
    names: list[str] = []
    while len(places) < max(count // 5, 1):
        if names and rng.random() < 0.1:
            name = rng.choice(names)  # a homonym in another province
        else:
            name = rng.choice(_PREFIXES) + "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            names.append(name)
        province = rng.choice(list(_PROVINCES))
        lat, lon = _PROVINCES[province]
        places.append((name, province, round(lat + rng.uniform(-0.5, 0.5), 4), round(lon + rng.uniform(-0.5, 0.5), 4)))
    incidents = []
    for n in range(count):
        # every place named at least twice; the other half of the events skewed to a few places
        name, province, lat, lon = places[min(int(rng.paretovariate(1.2)) - 1, len(places) - 1) if n % 2 else (n // 2) % len(places)]
        event_id = f"IRQ{100000 + n}"
        incidents.append(
            Incident(
                event_id=event_id,
                event_date=date(2021, 1, 1) + timedelta(days=n % 365),
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                location=name,
                latitude=lat,
                longitude=lon,
                geo_precision=1 if n % 7 else 2,
                country="Iraq",
                iso="IQ",
                admin1=province,
                admin2=f"{province} district",
                source_kind="acled",
                sources=[acled_source(event_id, "Shafaq News")],
                timestamp=1650000000,
            )
        )
    return incidents, places


def bench_wof_layer(
    geocoder: OfflineGeocoder, queries: int, naive_queries: int, repeat: int, seed: int, build: bool
) -> list[tuple[str, str]]:
    """(measure, value) rows for the WOF layer: its size, a fresh build from the shipped file,
    loading it from the cache, its memory, and first-time look-ups of its villages' own names
    beside a naive scan of its keys."""
    import pickle
    import tracemalloc

    from geo.geocoder import wof_files
    from geo.index import build_layer
    from geo.wof import read_places

    layer = geocoder.layer("wof")
    files = wof_files()
    rows = [
        ("places", f"{len(layer):,}"),
        ("name keys", f"{layer.key_count:,}"),
        ("shipped file (xz)", f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB"),
    ]
    if build:
        name_key.cache_clear()
        start = time.perf_counter()
        build_layer(p for f in files for p in read_places(f))
        rows.append(("fresh build from the shipped file", f"{time.perf_counter() - start:.1f} s"))
    blob = pickle.dumps(layer, protocol=pickle.HIGHEST_PROTOCOL)
    rows.append(("index on disk", f"{len(blob) / 1e6:.1f} MB"))
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        pickle.loads(blob)
        loads.append(time.perf_counter() - start)
    rows.append(("load from the cache (median of 3)", f"{statistics.median(loads) * 1000:.0f} ms"))
    tracemalloc.start()
    loaded = pickle.loads(blob)
    rows.append(("memory of the loaded layer", f"{tracemalloc.get_traced_memory()[0] / 1e6:.0f} MB"))
    tracemalloc.stop()
    del loaded
    rng = random.Random(seed)
    villages = [layer.names[row] for row in rng.sample(range(len(layer)), min(queries, len(layer))) if layer.kind(row) == "city"]
    keys = [layer.keys[i] for i in range(layer.key_count)]

    def naive(query: str) -> str | None:
        key = normalize(query)
        return next((k for k in keys if k == key), None)

    def forget() -> None:
        name_key.cache_clear()
        geocoder.clear_cache()

    per_second(geocoder.geocode, villages, forget=forget)
    wall_rate, cpu_rate, found = per_second(geocoder.geocode, villages, forget=forget, repeat=repeat)
    naive_rate = per_second(naive, villages[:naive_queries], forget=forget)[0]
    rows.append((f"village names, geocode() first-time ({len(villages):,})", f"{wall_rate:,.0f} /s"))
    rows.append(("  per CPU second", f"{cpu_rate:,.0f} /s"))
    rows.append(("  answered (others: namesakes told apart by nothing)", f"{found / len(villages):.0%}"))
    rows.append(("  naive scan of the layer's keys", f"{naive_rate:,.1f} /s"))
    return rows


def bench_store_layer(events: int, queries: int, repeat: int, seed: int) -> list[tuple]:
    """Rows (label, count, rate /s, per CPU s, found, baseline label, baseline (rate, per CPU s, found))."""
    import sqlalchemy as sa

    from incidents.gazetteer import refresh_store_layer
    from incidents.geocoding import geocoder_for
    from incidents.store import IncidentStore, normalise_place_text

    incidents, places = store_events(events, seed)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        cache.mkdir()
        link_shipped_layers(cache)
        store = IncidentStore(Path(scratch) / "store.sqlite")
        store.upsert(incidents)
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            layer = refresh_store_layer(store, cache_dir=cache)
            builds.append(time.perf_counter() - start)
        geocoder = geocoder_for(store.url, cache_dir=cache, user_gazetteer=Path(scratch) / "u.csv")
        sample = rng.sample(places, min(queries, len(places)))
        names = list(dict.fromkeys(name for name, *_ in sample))
        with_admin1 = [(name, province) for name, province, _, _ in sample]
        with_near = [(name, (lat + 0.15, lon + 0.1)) for name, _, lat, lon in sample]
        base_names = sample_queries(geocoder, queries, seed)["exact"]

        def forget() -> None:
            name_key.cache_clear()
            geocoder.clear_cache()

        sql = sa.text(
            "SELECT latitude, longitude, count(*) AS n FROM incidents WHERE location_key = :key "
            "AND ((source_kind = 'acled' AND geo_precision = 1) OR (source_kind = 'ucdp' AND geo_precision <= 2)) "
            "GROUP BY latitude, longitude ORDER BY n DESC LIMIT 1"
        )
        with store.engine.connect() as conn:

            def ask_the_store(name: str) -> object:
                return conn.execute(sql, {"key": normalise_place_text(name)}).first()

            naive = per_second(ask_the_store, names[: max(queries // 5, 1)], repeat=repeat)
        rows = [("build: query, index, cache file", len(layer), statistics.median(builds), None, None, "", None)]
        for label, function, sample_queries_ in (
            ("store name, geocode()", geocoder.geocode, names),
            ("store name + admin1=", lambda q: geocoder.geocode(q[0], admin1=q[1]), with_admin1),
            ("store name + near=", lambda q: geocoder.geocode(q[0], near=q[1]), with_near),
            ("base exact name, geocode()", geocoder.geocode, base_names),
        ):
            per_second(function, sample_queries_, forget=forget)
            rate, cpu_rate, found = per_second(function, sample_queries_, forget=forget, repeat=repeat)
            baseline = ("SQL query a look-up", naive) if label.startswith("store name,") else ("", None)
            rows.append((label, len(sample_queries_), rate, cpu_rate, found / len(sample_queries_), *baseline))
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=5000, help="queries a kind (default 5000)")
    parser.add_argument("--events", type=int, default=100_000, help="imported events for the store layer (0: skip)")
    parser.add_argument("--naive-queries", type=int, default=40, help="queries a kind for the naive scan")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-wof-build", action="store_true", help="skip timing a fresh build of the WOF layer (about a minute)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes a row (median shown)")
    args = parser.parse_args()

    start = time.perf_counter()
    geocoder = OfflineGeocoder()  # builds the cache on the very first run
    warm_load = time.perf_counter() - start
    cold = cold_start_seconds()
    queries = sample_queries(geocoder, args.queries, args.seed)
    size = geocoder.index_size
    cache_bytes = sum(
        p.stat().st_size for pattern in ("base-*.pickle", "wof-*.pickle", "geonames-*.pickle") for p in configured_cache_dir().glob(pattern)
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

    # context: each exact name with its own province label, or a point 20 km from it
    context_admin1: list[tuple[str, str]] = []
    context_near: list[tuple[str, tuple[float, float]]] = []
    for name in queries["exact"]:
        found = geocoder.geocode(name)
        if found is not None:
            context_near.append((name, (found.latitude + 0.15, found.longitude + 0.1)))
            if found.raw["admin1"]:
                context_admin1.append((name, found.raw["admin1"]))
    queries["admin1"] = context_admin1
    queries["near"] = context_near

    def with_admin1(query: tuple[str, str]) -> object:
        return geocoder.geocode(query[0], admin1=query[1])

    def with_near(query: tuple[str, tuple[float, float]]) -> object:
        return geocoder.geocode(query[0], near=query[1])

    def without_context(query: tuple[str, object]) -> object:
        return geocoder.geocode(query[0])

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
        ("admin1 geocode() first-time", with_admin1, without_context, False),
        ("near geocode() first-time", with_near, without_context, False),
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
            # context rows: their baseline is the look-up without context, over all their queries
            sample = queries[kind] if naive is without_context else queries[kind][: args.naive_queries]
            naive_rates[kind, naive] = per_second(naive, sample, forget=forget, repeat=args.repeat if naive is without_context else 1)[0]
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
    print("(naive scan: normalise, then compare with all keys; fuzzy: rapidfuzz ratio over all keys;")
    print(" admin1 and near rows: the same names without context, in place of a naive scan)")
    print()
    print("goals (first-time rows): cold start <= 0.5 s; >= 50,000 exact and >= 2,000 fuzzy look-ups a second")
    print()
    print("Who's On First layer (data/wof/): the region's villages, districts and provinces")
    print()
    for label, value in bench_wof_layer(geocoder, args.queries, args.naive_queries, args.repeat, args.seed, not args.no_wof_build):
        print(f"{label:<44}{value:>22}")
    if args.events:
        print()
        print(f"Store layer: {args.events:,} imported events (first-time look-ups, memos emptied)")
        print()
        print(f"{'measure':<32}{'count':>8}{'value /s':>12}{'per CPU s':>12}{'found':>7}   baseline")
        print("-" * 105)
        for label, count, value, cpu, found, baseline_label, baseline in bench_store_layer(
            args.events, args.queries, args.repeat, args.seed
        ):
            if found is None:
                print(f"{label:<32}{count:>8,}{value:>10.2f} s")
                continue
            base = f"{baseline_label}: {baseline[0]:,.0f} /s, {baseline[1]:,.0f} per CPU s" if baseline else ""
            print(f"{label:<32}{count:>8,}{value:>12,.0f}{cpu:>12,.0f}{found:>7.0%}   {base}")
        print("(count: places in the layer for the build (median of 3), queries for look-ups)")


if __name__ == "__main__":
    main()
