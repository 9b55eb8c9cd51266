"""The opt-in online fallback, wired to a fake geocoder: no network in tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.exc import GeocoderServiceError, GeocoderUnavailable
from geopy.location import Location

from geo import OfflineGeocoder
from incidents.geocoding import default_geocoder
from geo.geocoder import link_shipped_layers
from geo.online import CachedOnlineGeocoder, OnlineGeocoderError


class FakeNominatim:
    """Answers like geopy's Nominatim for the names it knows; records every call."""

    def __init__(self, places: dict[str, tuple[float, float]], error: Exception | None = None) -> None:
        self.places = places
        self.error = error
        self.calls: list[tuple[str, dict]] = []

    def geocode(self, query: str, **kwargs: object) -> Location | None:
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        point = self.places.get(query)
        if point is None:
            return None
        raw = {
            "name": query,
            "class": "place",
            "type": "village",
            "osm_type": "node",
            "osm_id": 123,
            "address": {"country_code": "iq", "country": "Iraq", "state": "Baghdad Governorate"},
        }
        return Location(f"{query}, Baghdad Governorate, Iraq", point, raw)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The rate limiter's waits, recorded on a fake clock instead of slept."""
    from geopy.extra.rate_limiter import RateLimiter

    waits: list[float] = []
    now = [1000.0]

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("geopy.extra.rate_limiter.sleep", fake_sleep)
    monkeypatch.setattr(RateLimiter, "_clock", lambda self: now[0])
    return waits


@pytest.fixture()
def cache(tmp_path: Path) -> Path:
    """A cache folder of the test's own that links to the shared base layer."""
    default_geocoder()
    folder = tmp_path / "cache"
    folder.mkdir()
    link_shipped_layers(folder)
    return folder


def test_online_is_off_by_default(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INCIDENT_MAP_ONLINE_GEOCODER", raising=False)
    assert OfflineGeocoder(cache_dir=cache).online is None
    monkeypatch.setenv("INCIDENT_MAP_ONLINE_GEOCODER", "1")
    fake = FakeNominatim({})
    assert OfflineGeocoder(cache_dir=cache, online_geocoder=fake).online is not None


def test_unknown_names_go_online_once_then_come_from_the_cache(cache: Path) -> None:
    fake = FakeNominatim({"Albu Qwerty": (33.31, 44.52)})
    geocoder = OfflineGeocoder(cache_dir=cache, online_fallback=True, online_geocoder=fake)
    location = geocoder.geocode("Albu Qwerty", country="IQ")
    assert (location.latitude, location.longitude) == (33.31, 44.52)
    assert location.raw["source"] == "Nominatim (OpenStreetMap)"
    assert (location.raw["country_code"], location.raw["kind"], location.raw["geo_precision"]) == ("IQ", "city", 1)
    assert fake.calls == [("Albu Qwerty", {"exactly_one": True, "country_codes": "iq"})]
    # a new geocoder (a new process) finds it in the SQLite cache
    again = OfflineGeocoder(cache_dir=cache, online_fallback=True, online_geocoder=fake)
    assert again.geocode("Albu Qwerty", country="IQ").latitude == 33.31
    assert len(fake.calls) == 1
    assert (cache / "online-geocoder.sqlite").exists()


def test_no_such_place_is_cached_too(cache: Path) -> None:
    fake = FakeNominatim({})
    geocoder = OfflineGeocoder(cache_dir=cache, online_fallback=True, online_geocoder=fake)
    assert geocoder.geocode("Nowhere Qwxz") is None
    assert geocoder.geocode("Nowhere Qwxz") is None
    assert len(fake.calls) == 1


def test_known_names_never_go_online(cache: Path) -> None:
    fake = FakeNominatim({})
    geocoder = OfflineGeocoder(cache_dir=cache, online_fallback=True, online_geocoder=fake)
    assert geocoder.geocode("Balad Airbase").raw["kind"] == "base"
    assert geocoder.geocode("") is None
    assert geocoder.geocode("Middle East") is None  # known, and too wide to place
    assert geocoder.geocode("Mosul", country="SY") is None
    assert fake.calls == []


@pytest.mark.parametrize("error", [GeocoderUnavailable("no route to host"), GeocoderServiceError("HTTP 403")])
def test_failures_are_reported_not_turned_into_none(cache: Path, error: Exception) -> None:
    fake = FakeNominatim({}, error=error)
    geocoder = OfflineGeocoder(cache_dir=cache, online_fallback=True, online_geocoder=fake)
    with pytest.raises(OnlineGeocoderError, match="Nowhere Qwxz"):
        geocoder.geocode("Nowhere Qwxz")
    # the failure was not cached as "no such place": the next call asks again
    fake.error = None
    fake.places["Nowhere Qwxz"] = (33.0, 44.0)
    assert geocoder.geocode("Nowhere Qwxz").latitude == 33.0


def test_the_rate_limiter_spaces_requests(tmp_path: Path, sleeps: list[float]) -> None:
    fake = FakeNominatim({"A Place": (1.0, 2.0), "B Place": (3.0, 4.0)})
    online = CachedOnlineGeocoder(cache_path=tmp_path / "online.sqlite", geocoder=fake)
    online.geocode("A Place")
    online.geocode("B Place")
    assert len(fake.calls) == 2
    assert sleeps == [1.0]  # the second request waited for the one-second interval


def test_the_default_online_geocoder_is_nominatim_with_a_real_user_agent(tmp_path: Path) -> None:
    from geopy.geocoders import Nominatim

    online = CachedOnlineGeocoder(cache_path=tmp_path / "online.sqlite")
    assert isinstance(online.geocoder, Nominatim)
    assert "incident-map" in online.geocoder.headers["User-Agent"]
    assert "geopy/" not in online.geocoder.headers["User-Agent"].split()[0]  # not geopy's default
