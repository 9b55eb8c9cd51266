"""Subcommands of `incident-map` (see incidents/cli.py): geocode, gazetteer import."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUTPUT_FIELDS = ("query", "name", "latitude", "longitude", "kind", "geo_precision", "country", "source", "score")


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
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
        description="Build the gazetteer index in its cache folder when its inputs changed; print its size.",
    )
    builder.set_defaults(handler=run_gazetteer_build)


def _country_code(value: str) -> str:
    if len(value) != 2 or not value.isalpha():
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as IQ")
    return value.upper()


def _names(args: argparse.Namespace) -> Iterator[str]:
    if args.names:
        yield from args.names
        return
    for line in sys.stdin:
        name = line.strip()
        if name:
            yield name


def run_geocode(args: argparse.Namespace) -> int:
    from geo import default_geocoder

    geocoder = default_geocoder()
    for name in _names(args):
        location = geocoder.geocode(name, country=args.country, country_bias=args.bias)
        raw = location.raw if location is not None else {}
        record = {
            "query": name,
            "name": raw.get("name"),
            "latitude": location.latitude if location is not None else None,
            "longitude": location.longitude if location is not None else None,
            "kind": raw.get("kind"),
            "geo_precision": raw.get("geo_precision"),
            "country": raw.get("country") or None,
            "source": raw.get("source"),
            "score": raw.get("score"),
        }
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

    from geo.geocoder import OfflineGeocoder

    start = time.perf_counter()
    geocoder = OfflineGeocoder()
    size = geocoder.index_size
    print(
        f"gazetteer index ready in {time.perf_counter() - start:.1f} s: {size['places']:,} places, "
        f"{size['keys']:,} name keys, in {geocoder.cache_dir}"
    )
    return 0
