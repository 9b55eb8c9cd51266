"""Who's On First (WOF) gazetteers: villages, districts and provinces, read offline.

WOF publishes one git repository per country (`whosonfirst-data/whosonfirst-data-admin-iq`, ...),
one GeoJSON file per place under `data/`, under CC-BY 4.0 (its localities mostly from GeoNames,
also CC-BY 4.0). This module reads such a repository (a checkout, its `data/` folder, or a bare
git directory as `git clone --bare` leaves it) into compact records, writes them to one small
tab-separated file (xz-compressed) and reads that file back as gazetteer places:

- `locality`, `localadmin`, `borough`: towns and villages (kind "city", precision 1);
- `neighbourhood`: a part of a town (kind "part", precision 1), what a report names with its town;
- `county`: a district (kind "admin2", ACLED precision 2), placed at its seat (the GeoNames
  PPLA2/PPLA/PPLC town inside it), else at its label point or centroid;
- `region`: a province (kind "admin1", precision 3), placed at its capital (PPLA/PPLC inside
  it), else at its label point;
- `campus`: a site (airports, universities).

Superseded, deprecated and ceased places (WOF's abandoned and destroyed settlements) are left out.
Every place keeps its WOF id and GeoNames id, its province and district (from WOF's hierarchy),
its population and its names in the scripts reports are written in (Latin and Arabic: English,
Arabic, Persian, Kurdish, Turkish and GeoNames' alternate spellings).

The shipped file (data/wof/places.tsv.xz) is built by scripts/build_wof_gazetteer.py from the
region's repositories; `incident-map gazetteer import` writes the same file for any other
country's repository, into the user's gazetteer folder.
"""

from __future__ import annotations

import io
import json
import lzma
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.normalize import name_key
from geo.sources import PRIORITY_GAZETTEER, GazetteerError, Place, _is_code, is_indexed_script

# WOF placetypes kept, and the kind of place each is.
PLACETYPE_KINDS: dict[str, str] = {
    "locality": "city",
    "localadmin": "city",
    "borough": "city",
    "neighbourhood": "part",
    "campus": "site",
    "county": "admin2",
    "region": "admin1",
}
# Languages whose names are kept (where written in Latin or Arabic script): what reports and the
# region write. "und" holds GeoNames' alternate spellings.
NAME_LANGUAGES = frozenset({"eng", "ara", "fas", "kur", "ckb", "tur", "azb", "und", "urd", "pus"})
_NAME_QUALIFIERS = ("_x_preferred", "_x_variant", "_x_colloquial")
# GeoNames feature codes of a seat, best first: capital, province seat, district seat.
_SEAT_CODES = ("PPLC", "PPLA", "PPLA2")
# The population a place ranks like when WOF gives it none (or less): what its type says. A
# district's seat (and the district itself) weighs like a town of 10,000, above the hamlets that
# share its name; a province gets none ("Erbil" is the city).
_IMPORTANCE = {"PPLC": 1_000_000, "PPLA": 100_000, "PPLA2": 10_000, "PPLA3": 3_000, "PPLA4": 1_000}
_DISTRICT_IMPORTANCE = 10_000
LICENCE = "CC-BY-4.0"
CREDIT = "Who's On First (https://whosonfirst.org), CC-BY 4.0; places from GeoNames (https://www.geonames.org), CC-BY 4.0"
FILE_SUFFIX = ".tsv.xz"
_FORMAT = "incident-map wof 1"
_COLUMNS = (
    "wof_id", "placetype", "name", "latitude", "longitude", "country", "region_id", "county_id",
    "population", "geonames_id", "feature_code", "names",
)  # fmt: skip


@dataclass(frozen=True)
class WofRecord:
    """One WOF place as the compact file keeps it."""

    wof_id: int
    placetype: str
    name: str
    latitude: float
    longitude: float
    country: str
    region_id: int = 0
    county_id: int = 0
    population: int = 0
    geonames_id: int = 0
    feature_code: str = ""
    names: tuple[str, ...] = ()  # other names, Latin and Arabic script


@dataclass(frozen=True)
class WofSource:
    """Where a file's records came from: a repository and its commit."""

    repository: str
    commit: str
    places: int


# -- reading WOF's own files ---------------------------------------------------------------


def record_of(properties: dict) -> WofRecord | None:
    """The record of one WOF feature's properties; None for a place not kept (another
    placetype, superseded, deprecated or ceased, or without a point)."""
    placetype = properties.get("wof:placetype")
    if placetype not in PLACETYPE_KINDS:
        return None
    if properties.get("wof:superseded_by") or properties.get("mz:is_current") == 0:
        return None  # replaced by another record, or ceased (abandoned, destroyed)
    if properties.get("edtf:deprecated") not in (None, "", "uuuu"):
        return None
    latitude = properties.get("lbl:latitude", properties.get("geom:latitude"))
    longitude = properties.get("lbl:longitude", properties.get("geom:longitude"))
    name = " ".join(str(properties.get("wof:name") or "").split())
    if latitude is None or longitude is None or not name:
        return None
    hierarchy = (properties.get("wof:hierarchy") or [{}])[0] or {}
    population = max(_int(properties.get("gn:population")), _int(properties.get("wof:population")))
    return WofRecord(
        wof_id=_int(properties.get("wof:id")),
        placetype=placetype,
        name=name,
        latitude=round(float(latitude), 5),
        longitude=round(float(longitude), 5),
        country=str(properties.get("wof:country") or properties.get("iso:country") or "").upper()[:2],
        region_id=max(_int(hierarchy.get("region_id")), 0),
        county_id=max(_int(hierarchy.get("county_id")), 0),
        population=population,
        geonames_id=_int(properties.get("gn:geonameid") or (properties.get("wof:concordances") or {}).get("gn:id")),
        feature_code=str(properties.get("gn:feature_code") or ""),
        names=_other_names(name, properties),
    )


def _int(value: object) -> int:
    try:
        return int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _other_names(name: str, properties: dict) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for key, values in properties.items():
        if not key.startswith("name:") or not key.endswith(_NAME_QUALIFIERS):
            continue
        if key[5:8] not in NAME_LANGUAGES or key[8] != "_":
            continue
        for value in values if isinstance(values, list) else [values]:
            value = " ".join(str(value).split())
            if value and value != name and is_indexed_script(value) and not _is_code(value) and "|" not in value:
                names[value] = None
    for key in ("gn:name", "gn:asciiname"):
        value = " ".join(str(properties.get(key) or "").split())
        if value and value != name:
            names[value] = None
    return tuple(names)


def read_repository(path: Path) -> tuple[list[WofRecord], WofSource]:
    """Every kept place of a WOF admin repository: a checkout, its data/ folder, or a bare git
    directory. Raises GazetteerError naming the file when a record is not GeoJSON."""
    path = Path(path)
    if (path / "objects").is_dir() and (path / "HEAD").is_file():
        features = _bare_repository_features(path)
        commit = _git(path, "rev-parse", "HEAD").strip()
    elif (path / "data").is_dir():
        features = _folder_features(path / "data")
        commit = _git(path / ".git", "rev-parse", "HEAD").strip() if (path / ".git").exists() else ""
    elif path.is_dir():
        features = _folder_features(path)
        commit = ""
    else:
        raise GazetteerError(f"{path}: not a Who's On First repository (no data/ folder, not a git directory)")
    records = []
    for origin, text in features:
        try:
            feature = json.loads(text)
            properties = feature["properties"]
        except (ValueError, KeyError, TypeError) as error:
            raise GazetteerError(f"{origin}: not a WOF GeoJSON feature ({error})") from None
        record = record_of(properties)
        if record is not None:
            records.append(record)
    if not records:
        raise GazetteerError(f"{path}: no Who's On First places found")
    name = path.resolve().name
    if name in ("repo", "data", ".git") or name.endswith(".git"):
        name = path.resolve().parent.name if name in ("repo", "data", ".git") else name.removesuffix(".git")
    return records, WofSource(repository=name.split("+")[-1], commit=commit, places=len(records))


def _is_place_file(path: str) -> bool:
    # "-alt-" files are extra geometries of a place already counted
    return path.endswith(".geojson") and "-alt-" not in path.rsplit("/", 1)[-1]


def _folder_features(folder: Path) -> Iterator[tuple[str, bytes]]:
    for file in sorted(folder.rglob("*.geojson")):
        if _is_place_file(file.name):
            yield str(file), file.read_bytes()


def _git(git_dir: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise GazetteerError(f"{git_dir}: git {' '.join(args)} failed ({error})") from None


def _bare_repository_features(git_dir: Path) -> Iterator[tuple[str, bytes]]:
    """The place files of HEAD, read with one `git cat-file --batch` (no work tree needed).
    A blob the snapshot lacks (large files may be absent) is skipped."""
    listing = _git(git_dir, "ls-tree", "-r", "HEAD", "data/")
    objects = []
    for line in listing.splitlines():
        meta, _, file = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and _is_place_file(file):
            objects.append((parts[2], file))
    process = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None

    def feed() -> None:  # written from a thread: git answers while we still ask
        with process.stdin:  # type: ignore[union-attr]
            for sha, _ in objects:
                process.stdin.write(f"{sha}\n".encode())  # type: ignore[union-attr]

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for sha, file in objects:
            header = process.stdout.readline().split()
            if len(header) < 2 or header[1] == b"missing":
                continue
            size = int(header[2])
            body = process.stdout.read(size)
            process.stdout.read(1)  # the newline after each object
            yield f"{git_dir}:{file}", body
    finally:
        writer.join()
        process.stdout.close()
        process.wait()


# -- the compact file ----------------------------------------------------------------------


def write_file(path: Path, records: Iterable[WofRecord], sources: Iterable[WofSource]) -> int:
    """Write records to `path` (.tsv.xz): a header naming the format, licence and each source's
    repository and commit, then one tab-separated line a place. Returns the number of places."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with lzma.open(tmp, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as out:
        out.write(f"# {_FORMAT}\n# licence: {LICENCE}; credit: {CREDIT}\n")
        for source in sources:
            out.write(f"# source: {source.repository} {source.commit or '-'} {source.places}\n")
        out.write("\t".join(_COLUMNS) + "\n")
        for r in sorted(records, key=lambda r: (r.country, r.placetype, r.wof_id)):
            values = (
                r.wof_id, r.placetype, r.name, r.latitude, r.longitude, r.country, r.region_id or "",
                r.county_id or "", r.population or "", r.geonames_id or "", r.feature_code, "|".join(r.names),
            )  # fmt: skip
            out.write("\t".join(map(str, values)) + "\n")
            count += 1
    tmp.replace(path)
    return count


def read_file(path: Path) -> tuple[list[WofRecord], list[WofSource]]:
    """The records and sources of a compact file; GazetteerError names the file and line."""
    records: list[WofRecord] = []
    sources: list[WofSource] = []
    try:
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            _read_lines(path, handle, records, sources)
    except (lzma.LZMAError, EOFError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path}: not an xz-compressed WOF place file ({error})") from None
    return records, sources


def _read_lines(path: Path, handle: io.TextIOBase, records: list[WofRecord], sources: list[WofSource]) -> None:
    first = handle.readline().rstrip("\n")
    if first != f"# {_FORMAT}":
        raise GazetteerError(f"{path}:1: not a WOF place file of this version (expected '# {_FORMAT}')")
    for number, line in enumerate(handle, start=2):
        line = line.rstrip("\n")
        if line.startswith("# source: "):
            repository, commit, places = line.removeprefix("# source: ").split(" ")
            sources.append(WofSource(repository, "" if commit == "-" else commit, int(places)))
            continue
        if line.startswith("#") or line.startswith("wof_id\t") or not line:
            continue
        values = line.split("\t")
        if len(values) != len(_COLUMNS):
            raise GazetteerError(f"{path}:{number}: expected {len(_COLUMNS)} tab-separated columns, found {len(values)}")
        try:
            records.append(
                WofRecord(
                    wof_id=int(values[0]),
                    placetype=values[1],
                    name=values[2],
                    latitude=float(values[3]),
                    longitude=float(values[4]),
                    country=values[5],
                    region_id=int(values[6] or 0),
                    county_id=int(values[7] or 0),
                    population=int(values[8] or 0),
                    geonames_id=int(values[9] or 0),
                    feature_code=values[10],
                    names=tuple(n for n in values[11].split("|") if n),
                )
            )
        except ValueError as error:
            raise GazetteerError(f"{path}:{number}: {error}") from None
        if records[-1].placetype not in PLACETYPE_KINDS:
            raise GazetteerError(f"{path}:{number}: placetype {values[1]!r} is not one of {', '.join(PLACETYPE_KINDS)}")


# -- records to places ---------------------------------------------------------------------


def places_of(records: list[WofRecord], sources: list[WofSource], label: str) -> Iterator[Place]:
    """Gazetteer places of a file's records: each labelled with its province and district, districts
    at their seat and provinces at their capital where WOF holds the town. A place's source names
    the repository of its country (`label` when none does)."""
    repositories = {
        s.repository.rsplit("-", 1)[-1].upper(): f"Who's On First {s.repository}" + (f"@{s.commit[:8]}" if s.commit else "")
        for s in sources
    }
    by_id = {r.wof_id: r for r in records}
    seats = _seats(records)
    for r in records:
        kind = PLACETYPE_KINDS[r.placetype]
        region = by_id.get(r.region_id)
        county = by_id.get(r.county_id)
        latitude, longitude = r.latitude, r.longitude
        seat = seats.get(r.wof_id) if kind in ("admin1", "admin2") else None
        if seat is not None:
            latitude, longitude = seat.latitude, seat.longitude
        yield Place(
            name=r.name,
            latitude=latitude,
            longitude=longitude,
            kind=kind,
            country_code=r.country,
            admin1=r.name if kind == "admin1" else (region.name if region is not None else ""),
            admin2=r.name if kind == "admin2" else (county.name if county is not None else ""),
            # a province's or district's population would outrank its namesake town ("Erbil")
            population=0 if kind in ("admin1", "admin2") else r.population,
            importance=_DISTRICT_IMPORTANCE if kind == "admin2" else _IMPORTANCE.get(r.feature_code, 0),
            source=repositories.get(r.country, label),
            source_id=f"wof:{r.wof_id}" + (f" gn:{r.geonames_id}" if r.geonames_id else ""),
            precision={"admin1": 3, "admin2": 2}.get(kind, 1),
            priority=PRIORITY_GAZETTEER,
            alternates=r.names,
        )


def _seats(records: list[WofRecord]) -> dict[int, WofRecord]:
    """District and province id -> the town it is placed at: the town GeoNames codes as its seat
    (PPLC, PPLA; PPLA2 for a district), else its namesake town inside it, else its most populous one."""
    units = {r.wof_id: r for r in records if r.placetype in ("county", "region")}
    towns: dict[int, list[WofRecord]] = {}
    for r in records:
        if r.placetype == "locality":
            for unit in (r.county_id, r.region_id):
                if unit in units:
                    towns.setdefault(unit, []).append(r)
    seats: dict[int, WofRecord] = {}
    for unit_id, inside in towns.items():
        unit = units[unit_id]
        codes = _SEAT_CODES if unit.placetype == "county" else _SEAT_CODES[:2]
        coded = [t for t in inside if t.feature_code in codes]
        if coded:
            seats[unit_id] = min(coded, key=lambda t: codes.index(t.feature_code))
            continue
        unit_keys = {name_key(n).key for n in (unit.name, *unit.names)}
        namesakes = [t for t in inside if name_key(t.name).key in unit_keys]
        populated = [t for t in inside if t.population]
        if namesakes or populated:
            seats[unit_id] = max(namesakes or populated, key=lambda t: t.population)
    return seats


def read_places(path: Path) -> Iterator[Place]:
    """The gazetteer places of a compact WOF file."""
    records, sources = read_file(path)
    yield from places_of(records, sources, f"Who's On First ({path.name})")
