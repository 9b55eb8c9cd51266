"""Place names of a real data set, placed by the geocoder before and after it learns from the
user's own imports: the dev set acled-2022-me (ACLED's Middle East sample, January-June 2022).

    .venv/bin/python bench/bench_devset_places.py [--devset PATH] [--misses]

The dev set is read at run time and never copied (it skips when the folder is absent). Its
January-March events are written to a temporary ACLED CSV and imported into a temporary store
with `import_file`, and the store's places layer is built as `incident-map import` builds it.
Then every distinct April-June place name (location and country) is looked up, and its answer
compared with ACLED's own point for it:
- "no store layer": the gazetteers that ship, as before this import;
- "store layer": the same plus the places of the January-March events;
each with the name alone, with the country as a bias (what the extractor passes), and with the
country and ACLED's province (admin1=), the context an article's "X, Diyala governorate" gives.
Shares are of all the names: within 25 km of ACLED's point, more than 160 km off (a wrong
point), no answer. --misses prints each answer more than 160 km off (to the terminal only).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import OfflineGeocoder  # noqa: E402
from geo.geocoder import configured_cache_dir, default_geocoder  # noqa: E402
from incidents.exchange import import_file  # noqa: E402
from incidents.formats.fields import country_code, numeric_country_code  # noqa: E402
from incidents.gazetteer import refresh_store_layer  # noqa: E402
from incidents.store import IncidentStore  # noqa: E402

DEFAULT_DEVSET = ROOT.parent / "shared" / "devsets" / "acled-2022-me"
SPLIT = "2022-04-01"  # events before this are imported; place names from it on are looked up
WITHIN_KM = 25.0
FAR_KM = 160.0
_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "actor2", "assoc_actor_2", "iso", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "fatalities",
)  # fmt: skip


@dataclass(frozen=True)
class Name:
    location: str
    country: str
    iso: str
    admin1: str
    point: tuple[float, float]
    seen: bool  # the same name and country among the imported events coded at the place


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


def read_devset(folder: Path, geocoder: OfflineGeocoder) -> tuple[list[dict], list[Name]]:
    incidents = []
    with (folder / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            incidents.extend(json.loads(line)["incidents"])
    imported = [i for i in incidents if i["event_date"] < SPLIT]
    known = {(i["location"], i["country"]) for i in imported if i["geo_precision"] == 1}
    names: dict[tuple[str, str], Name] = {}
    for i in incidents:
        if i["event_date"] >= SPLIT and (i["location"], i["country"]) not in names:
            names[i["location"], i["country"]] = Name(
                location=i["location"],
                country=i["country"],
                iso=iso_of(i["country"], geocoder),
                admin1=i["admin1"] or "",
                point=(i["latitude"], i["longitude"]),
                seen=(i["location"], i["country"]) in known,
            )
    return imported, list(names.values())


def write_acled_csv(path: Path, incidents: list[dict], geocoder: OfflineGeocoder) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for i in incidents:
            values = {**i, "iso": numeric_country_code(iso_of(i["country"], geocoder))}
            writer.writerow(["" if values.get(column) is None else values[column] for column in _COLUMNS])


def scratch_cache(scratch_dir: Path) -> Path:
    """An index cache folder in `scratch_dir` sharing the built base layers (so a temporary store
    layer is built there, never beside the user's)."""
    cache = scratch_dir / "cache"
    cache.mkdir()
    for layer in configured_cache_dir().glob("base-*.pickle"):
        (cache / layer.name).symlink_to(layer)
    return cache


def score(geocoder: OfflineGeocoder, names: list[Name], context: str, misses: bool) -> dict[str, float]:
    within = far = unresolved = ambiguous = 0
    for name in names:
        arguments: dict = {}
        if context != "name alone":
            arguments["country_bias"] = name.iso or None
        if context == "country + province":
            arguments["admin1"] = name.admin1 or None
        found = geocoder.geocode(name.location, exactly_one=False, **arguments)
        if not found or found[0].raw.get("ambiguous"):
            unresolved += 1
            ambiguous += bool(found)
            continue
        distance = km((found[0].latitude, found[0].longitude), name.point)
        within += distance <= WITHIN_KM
        far += distance > FAR_KM
        if misses and distance > FAR_KM:
            raw = found[0].raw
            print(f"  {context}: {name.location} ({name.country}) -> {raw['name']} ({raw['country_code']}, "
                  f"{raw['source']}, score {raw['score']}) {distance:.0f} km", file=sys.stderr)  # fmt: skip
    n = len(names)
    return {"within": within / n, "far": far / n, "unresolved": unresolved / n, "ambiguous": ambiguous}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--misses", action="store_true", help="print the answers more than 160 km off")
    args = parser.parse_args()
    if not (args.devset / "gold.jsonl").is_file():
        print(f"skipped: no dev set at {args.devset}")
        return

    shipped = default_geocoder()  # builds the base layer once, in the shared cache
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        cache = scratch_cache(scratch_dir)
        imported, names = read_devset(args.devset, shipped)
        acled_csv = scratch_dir / "acled-jan-mar.csv"
        write_acled_csv(acled_csv, imported, shipped)
        store = IncidentStore(scratch_dir / "store.sqlite")
        start = time.perf_counter()
        summary = import_file(acled_csv, store)
        imported_s = time.perf_counter() - start
        start = time.perf_counter()
        layer = refresh_store_layer(store, cache_dir=cache)
        layer_s = time.perf_counter() - start
        store.close()
        without = OfflineGeocoder(cache_dir=cache, store=scratch_dir / "none.sqlite", user_gazetteer=scratch_dir / "u.csv")
        with_store = OfflineGeocoder(cache_dir=cache, store=scratch_dir / "store.sqlite", user_gazetteer=scratch_dir / "u.csv")

        seen = sum(n.seen for n in names)
        print(f"dev set {args.devset.name}: {summary.inserted} January-March events imported in {imported_s:.2f} s; "
              f"store layer {len(layer)} places, built in {layer_s:.2f} s")  # fmt: skip
        print(f"April-June: {len(names)} distinct place names (name, country); {seen} of them named by an imported "
              f"event coded at the place")  # fmt: skip
        print()
        header = f"{'gazetteer':<16}{'context':<22}{'within 25 km':>14}{'> 160 km off':>14}{'no answer':>11}{'ambiguous':>11}"
        print(header)
        print("-" * len(header))
        for label, geocoder in (("no store layer", without), ("store layer", with_store)):
            for context in ("name alone", "country bias", "country + province"):
                result = score(geocoder, names, context, args.misses)
                print(
                    f"{label:<16}{context:<22}{result['within']:>14.1%}{result['far']:>14.1%}"
                    f"{result['unresolved']:>11.1%}{result['ambiguous']:>11}"
                )
        print()
        print("(ambiguous: near-spellings that do not lead the runner-up; counted under 'no answer')")


if __name__ == "__main__":
    main()
