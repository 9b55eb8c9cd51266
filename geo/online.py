"""The opt-in online fallback: Nominatim through geopy's RateLimiter and a persistent cache.

Nominatim's usage policy allows one request a second with an identifying user agent; every
answer (a place or "no such place") is kept in a SQLite file so that a name is asked only
once. Failures (no network, refusals) raise OnlineGeocoderError: they are not "no such place".
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

DEFAULT_USER_AGENT = os.environ.get(
    "INCIDENT_MAP_USER_AGENT", "incident-map/0.1 (offline-first incident mapper; geopy)"
)
NOMINATIM_MIN_DELAY_SECONDS = 1.0

# OpenStreetMap class/type -> our kinds and ACLED precision
_OSM_KINDS = {
    "military": ("base", 1),
    "aeroway": ("airfield", 1),
    "place": ("city", 1),
    "boundary": ("admin1", 3),
}


class OnlineGeocoderError(RuntimeError):
    """The online geocoder could not answer (network, refusal, timeout)."""


class CachedOnlineGeocoder:
    """geocode() through a SQLite cache in front of a rate-limited geopy geocoder."""

    def __init__(
        self,
        *,
        cache_path: Path,
        geocoder: object | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
    ) -> None:
        if geocoder is None:
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=user_agent, timeout=10)
        self.geocoder = geocoder
        self._limited = RateLimiter(
            geocoder.geocode,  # type: ignore[attr-defined]
            min_delay_seconds=min_delay_seconds,
            max_retries=1,
            error_wait_seconds=2.0,
            swallow_exceptions=False,
        )
        self.cache_path = Path(cache_path)
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS online_geocode ("
                " query TEXT NOT NULL, country TEXT NOT NULL, result TEXT, fetched_at REAL NOT NULL,"
                " PRIMARY KEY (query, country))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.cache_path, timeout=30)

    def geocode(self, query: str, *, exactly_one: bool = True, country: str | None = None) -> Location | list[Location] | None:
        key = (query.strip().casefold(), (country or "").upper())
        with self._lock, self._connect() as db:
            row = db.execute("SELECT result FROM online_geocode WHERE query = ? AND country = ?", key).fetchone()
            if row is not None:
                return _from_cache(row[0], exactly_one)
            try:
                answer = self._limited(query, exactly_one=True, **({"country_codes": country.lower()} if country else {}))
            except GeopyError as error:
                raise OnlineGeocoderError(f"online geocoder failed for {query!r}: {error}") from error
            stored = None if answer is None else json.dumps(_to_record(answer))
            db.execute("INSERT OR REPLACE INTO online_geocode VALUES (?, ?, ?, ?)", (*key, stored, time.time()))
        return _from_cache(stored, exactly_one)


def _to_record(location: Location) -> dict:
    raw = location.raw if isinstance(location.raw, dict) else {}
    kind, precision = _OSM_KINDS.get(str(raw.get("class", "")), ("site", 1))
    if raw.get("addresstype") == "country" or raw.get("type") == "country":
        kind, precision = "country", 3
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    return {
        "address": location.address,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "raw": {
            "name": str(raw.get("name") or location.address.split(",")[0]),
            "kind": kind,
            "geo_precision": precision,
            "source": "Nominatim (OpenStreetMap)",
            "source_id": f"{raw.get('osm_type', '')}/{raw.get('osm_id', '')}",
            "matched_alias": "",
            "score": 100.0,
            "country_code": str(address.get("country_code", "")).upper(),
            "country": str(address.get("country", "")),
            "admin1": str(address.get("state", "")),
            "latitude": location.latitude,
            "longitude": location.longitude,
        },
    }


def _from_cache(stored: str | None, exactly_one: bool) -> Location | list[Location] | None:
    if stored is None:
        return None if exactly_one else []
    record = json.loads(stored)
    location = Location(record["address"], (record["latitude"], record["longitude"]), record["raw"])
    return location if exactly_one else [location]
