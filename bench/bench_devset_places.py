"""Place names of a real data set, placed by the geocoder layer by layer: the dev set acled-2022-me
(ACLED's Middle East sample, January-June 2022, read at run time and never copied).

    .venv/bin/python bench/bench_devset_places.py [--devset PATH] [--misses]
    .venv/bin/python bench/bench_devset_places.py --learn-before 2022-04-01

Each distinct gold place (ACLED's location name, country, province and the tolerance of its
geo_precision: 10 / 25 / 150 km) is looked up by its name, with the gold country as a hard limit
(`country=`), then with the country and ACLED's province (`admin1=`), and the answer compared with
ACLED's own point: within tolerance, more than 160 km off (a wrong point), or no answer. The rows
add the gazetteers one at a time:
- "base": curated places, provinces, countries, airfields, GeoNames cities500 (the gazetteers
  before the Who's On First layer);
- "base + WOF": the region's villages, districts and provinces (data/wof/);
and, with --learn-before DATE, "base + WOF + store": the gold events before DATE imported as a
user's ACLED export (a temporary store, its places layer built as `incident-map import` builds
it), scored on the names of the events from DATE on.
"by layer" tells which layer gave the answers within tolerance. --misses prints, for the read
part of the dev set only (articles not numbered ...0 or ...5), each answer more than 160 km off
and each name with no answer, to the terminal.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import OfflineGeocoder  # noqa: E402
from geo.geocoder import GazetteerLayer, link_shipped_layers  # noqa: E402
from incidents.formats.fields import country_code, numeric_country_code  # noqa: E402
from incidents.geocoding import default_geocoder, geocoder_for  # noqa: E402

DEFAULT_DEVSET = ROOT.parent / "shared" / "devsets" / "acled-2022-me"
FAR_KM = 160.0
CONTEXTS = ("country", "country + province")
_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "actor2", "assoc_actor_2", "iso", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "fatalities",
)  # fmt: skip


@dataclass(frozen=True)
class Name:
    location: str
    iso: str
    admin1: str
    point: tuple[float, float]
    tolerance_km: float
    read: bool  # named by an article of the read part


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def iso_of(country: str, geocoder: OfflineGeocoder) -> str:
    """The alpha-2 code: ACLED's files carry a numeric `iso`, the gold only the country's name."""
    code = country_code(country)
    if not code:
        found = geocoder.geocode(country, kinds=["country"])
        code = found.raw["country_code"] if found is not None else ""
    return code


def gold_incidents(folder: Path) -> list[tuple[str, dict]]:
    """(article file, incident) of every gold incident."""
    rows = []
    with (folder / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            rows.extend((record["file"], incident) for incident in record["incidents"])
    return rows


def distinct_names(rows: list[tuple[str, dict]], geocoder: OfflineGeocoder) -> list[Name]:
    from eval_extraction import held_out

    names: dict[tuple, Name] = {}
    for file, i in rows:
        key = (i["location"], i["country"], i["admin1"] or "", i["latitude"], i["longitude"])
        read = not held_out(file)
        if key in names:
            read = read or names[key].read
        names[key] = Name(
            i["location"], iso_of(i["country"], geocoder), i["admin1"] or "", (i["latitude"], i["longitude"]),
            float(i["tolerance_km"]), read,
        )  # fmt: skip
    return list(names.values())


def write_acled_csv(path: Path, incidents: list[dict], geocoder: OfflineGeocoder) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for i in incidents:
            values = {**i, "iso": numeric_country_code(iso_of(i["country"], geocoder))}
            writer.writerow(["" if values.get(column) is None else values[column] for column in _COLUMNS])


def scratch_cache(scratch_dir: Path) -> Path:
    """An index cache folder in `scratch_dir` sharing the built gazetteer layers (so a temporary
    store layer is built there, never beside the user's)."""
    cache = scratch_dir / "cache"
    link_shipped_layers(cache)
    return cache


def score(geocoder: OfflineGeocoder, names: list[Name], context: str, misses: bool, label: str) -> dict:
    within = far = unresolved = 0
    by_layer: Counter[str] = Counter()
    for name in names:
        arguments: dict = {"country": name.iso or None}
        if context == "country + province":
            arguments["admin1"] = name.admin1 or None
        found = geocoder.geocode(name.location, **arguments)
        if found is None:
            unresolved += 1
            if misses and name.read:
                print(f"  {label}, {context}: no answer: {name.location} ({name.iso}, {name.admin1})", file=sys.stderr)
            continue
        distance = km((found.latitude, found.longitude), name.point)
        if distance <= name.tolerance_km:
            within += 1
            by_layer[found.raw["layer"]] += 1
        if distance > FAR_KM:
            far += 1
            if misses and name.read:
                raw = found.raw
                print(f"  {label}, {context}: {name.location} ({name.iso}, {name.admin1}) -> {raw['name']} "
                      f"({raw['kind']}, {raw['admin1']}, {raw['layer']}: {raw['source']}) {distance:.0f} km", file=sys.stderr)  # fmt: skip
    n = max(len(names), 1)
    return {"within": within / n, "far": far / n, "unresolved": unresolved / n, "by_layer": by_layer}


def only(geocoder: OfflineGeocoder, names: tuple[str, ...]) -> OfflineGeocoder:
    """A geocoder searching only the named layers of another one."""
    layers = [GazetteerLayer(g.name, g.layer, g.role, g.origin) for g in geocoder.gazetteer_layers if g.name in names]
    return OfflineGeocoder(layers=layers, cache_dir=geocoder.cache_dir)


def table(rows: list[tuple[str, str, dict]], count: int) -> None:
    print(f"| gazetteer | context given | within tolerance | > {FAR_KM:.0f} km off | no answer | by layer |")
    print("|---|---|---:|---:|---:|---|")
    for label, context, result in rows:
        layers = ", ".join(f"{layer} {n}" for layer, n in result["by_layer"].most_common())
        print(f"| {label} | {context} | {result['within']:.1%} | {result['far']:.1%} | {result['unresolved']:.1%} | {layers} |")
    print(f"\n({count:,} distinct gold places)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--misses", action="store_true", help="print the read part's answers > 160 km off and unanswered names")
    parser.add_argument("--learn-before", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="import the gold events before this day; score the names of the later ones")  # fmt: skip
    args = parser.parse_args()
    if not (args.devset / "gold.jsonl").is_file():
        print(f"skipped: no dev set at {args.devset}")
        return
    sys.path.insert(0, str(ROOT / "bench"))
    shipped = default_geocoder()  # builds the gazetteer layers once, in the shared cache
    rows = gold_incidents(args.devset)
    if args.learn_before is None:
        names = distinct_names(rows, shipped)
        results = []
        for label, layers in (("base", ("base",)), ("base + WOF", ("base", "wof"))):
            geocoder = only(shipped, layers)
            results.extend((label, context, score(geocoder, names, context, args.misses, label)) for context in CONTEXTS)
        print(f"dev set {args.devset.name}: every gold place, looked up by its name")
        table(results, len(names))
        return
    split = args.learn_before.isoformat()
    earlier = [i for _, i in rows if i["event_date"] < split]
    names = distinct_names([(f, i) for f, i in rows if i["event_date"] >= split], shipped)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        cache = scratch_cache(scratch_dir)
        export = scratch_dir / "earlier.csv"
        write_acled_csv(export, earlier, shipped)
        from incidents.exchange import import_file
        from incidents.gazetteer import refresh_store_layer
        from incidents.store import IncidentStore

        store = IncidentStore(scratch_dir / "store.sqlite")
        summary = import_file(export, store)
        start = time.perf_counter()
        layer = refresh_store_layer(store, cache_dir=cache)
        layer_s = time.perf_counter() - start
        store.close()
        learned = geocoder_for(scratch_dir / "store.sqlite", cache_dir=cache, user_gazetteer=scratch_dir / "u.csv")
        results = []
        for label, geocoder in (("base + WOF", only(learned, ("base", "wof"))), ("base + WOF + store", learned)):
            results.extend((label, context, score(geocoder, names, context, args.misses, label)) for context in CONTEXTS)
    print(f"dev set {args.devset.name}: {summary.inserted:,} events before {split} imported; store layer "
          f"{len(layer):,} places, built in {layer_s:.2f} s; the places of the events from {split} on")  # fmt: skip
    table(results, len(names))


if __name__ == "__main__":
    main()
