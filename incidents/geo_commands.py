"""Subcommands of `incident-map` (see incidents/cli.py): geocode, gazetteer import|build|sources.

They live here, not in geo/, because they search the store's places too (incidents/geocoding.py)."""

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
        help="add a GeoNames country file (IQ.txt, IQ.zip) or a Who's On First admin repository",
        description="Check a GeoNames country file (19 tab-separated columns, from "
        "download.geonames.org/export/dump/) or read a Who's On First admin repository "
        "(whosonfirst-data-admin-XX: a checkout, its data/ folder or a bare git directory), keep it "
        "in the user gazetteer folder and index it; later look-ups find its villages, districts and sites.",
    )
    importer.add_argument("file", type=Path, metavar="FILE_OR_REPOSITORY")
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
    from incidents.geocoding import default_geocoder, geocoder_for

    return default_geocoder() if args.db is None and not fresh else geocoder_for(args.db)


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
    from geo.geocoder import configured_cache_dir, configured_gazetteer_dir, gazetteer_file_layer
    from geo.sources import GazetteerError, read_geonames_dump

    source: Path = args.file
    if source.is_dir():
        return _import_wof(source)
    if not source.is_file():
        print(f"error: {source}: no such file or folder", file=sys.stderr)
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
    gazetteer_file_layer(target, configured_cache_dir())  # index it now, not on the next look-up
    print(f"imported {count} places from {source} into {target}")
    return 0


def _import_wof(source: Path) -> int:
    """A Who's On First admin repository into the user's gazetteer folder, as one compact file."""
    from geo.geocoder import configured_cache_dir, configured_gazetteer_dir, gazetteer_file_layer
    from geo.sources import GazetteerError
    from geo.wof import FILE_SUFFIX, read_repository, write_file

    try:
        records, origin = read_repository(source)
    except GazetteerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    target = configured_gazetteer_dir() / f"{origin.repository}{FILE_SUFFIX}"
    count = write_file(target, records, [origin])
    gazetteer_file_layer(target, configured_cache_dir())  # index it now, not on the next look-up
    commit = f" at {origin.commit[:12]}" if origin.commit else ""
    print(f"imported {count} places from {source} ({origin.repository}{commit}) into {target}")
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
    from incidents.geocoding import STORE_LAYER, store_url

    start = time.perf_counter()
    geocoder = _geocoder(args, fresh=True)
    url = store_url(args.db)
    if not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists():  # never create a store
        refresh_store_layer(url, cache_dir=geocoder.cache_dir)  # reaches this geocoder too
    size = geocoder.index_size
    print(
        f"gazetteer index ready in {time.perf_counter() - start:.1f} s: {size['places']:,} places "
        f"({len(geocoder.layer(STORE_LAYER) or ()):,} from the store), {size['keys']:,} name keys, in {geocoder.cache_dir}"
    )
    return 0


def run_gazetteer_sources(args: argparse.Namespace) -> int:
    from incidents.gazetteer import display_url
    from incidents.geocoding import STORE_LAYER

    geocoder = _geocoder(args, fresh=True)
    rows = [("layer", "places", "name keys", "events", "from")]
    for g in geocoder.gazetteer_layers:
        events = sum(g.layer.event_counts)
        origin = display_url(g.origin) if g.name == STORE_LAYER else g.origin
        rows.append((g.name, f"{len(g.layer):,}", f"{g.layer.key_count:,}", f"{events:,}" if events else "", origin))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:4], widths[1:])), row[4]]
        print("  ".join(cells).rstrip())
    return 0
