#!/usr/bin/env python3
"""Build the region's village gazetteer, data/wof/places.tsv.xz, from Who's On First repositories.

    python scripts/build_wof_gazetteer.py REPO... [-o data/wof/places.tsv.xz]

Each REPO is a WOF admin repository of one country (`whosonfirst-data/whosonfirst-data-admin-iq`
and so on): a checkout, its data/ folder, or a bare git directory. The file keeps, for each
current place (localities, neighbourhoods, districts, provinces, campuses), its names in Latin and
Arabic script, point, country, province and district ids, population, GeoNames and WOF ids and
GeoNames feature code, and records each repository's commit in its header. The shipped file was
built from the repositories of IQ SY YE LB PS IL JO TR IR SA KW BH QA AE OM EG LY (data/wof/README.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.sources import GazetteerError  # noqa: E402
from geo.wof import read_repository, write_file  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repositories", nargs="+", type=Path, metavar="REPO")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "data" / "wof" / "places.tsv.xz")
    args = parser.parse_args()
    records, sources = [], []
    for repository in args.repositories:
        start = time.perf_counter()
        try:
            found, source = read_repository(repository)
        except GazetteerError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        records.extend(found)
        sources.append(source)
        print(f"{source.repository} @ {source.commit[:12] or '-'}: {source.places:,} places ({time.perf_counter() - start:.1f} s)")
    count = write_file(args.output, records, sources)
    print(f"{args.output}: {count:,} places, {args.output.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
