"""The geocoder's result cache: same answers as without it, fresh objects, emptied by add_alias."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import OfflineGeocoder, default_geocoder
from geo.geocoder import configured_cache_dir

QUERIES = ["Balad Airbase", "Mosul", "Baghdad - Adhamiya", "north of Mosul", "Paris, Texas", "Springfield", "Baghdat"]


@pytest.fixture()
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user gazetteer of the test's own; the cache folder links to the shared base layer."""
    default_geocoder()  # the shared base layer exists
    cache = tmp_path / "cache"
    cache.mkdir()
    for layer in configured_cache_dir().glob("base-*.pickle"):
        (cache / layer.name).symlink_to(layer)
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(tmp_path / "user_places.csv"))
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER_DIR", str(tmp_path / "imports"))
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(cache))
    return cache


def answers(geocoder: OfflineGeocoder, query: str, **arguments: object) -> list[tuple]:
    found = geocoder.geocode(query, exactly_one=False, **arguments)
    return [(loc.address, loc.latitude, loc.longitude, loc.raw) for loc in found or []]


@pytest.mark.parametrize("arguments", [{}, {"country": "IQ"}, {"country_bias": ["US"]}, {"kinds": ["city"]}])
def test_cached_answers_equal_uncached_ones(private_cache: Path, arguments: dict) -> None:
    cached = OfflineGeocoder()
    uncached = OfflineGeocoder(result_cache_size=0)
    for query in QUERIES:
        first = answers(cached, query, **arguments)
        assert answers(cached, query, **arguments) == first  # served from the cache
        assert answers(uncached, query, **arguments) == first


def test_cache_is_keyed_on_every_argument(private_cache: Path) -> None:
    geocoder = OfflineGeocoder()
    assert geocoder.geocode("Springfield").raw["country_code"] == "US"
    assert geocoder.geocode("Springfield", country_bias="GB").raw["country_code"] == "GB"
    assert geocoder.geocode("Springfield", country="IQ") is None
    assert geocoder.geocode("Balad Airbase").raw["kind"] == "base"
    assert geocoder.geocode("Balad Airbase", kinds=["city"]) is None
    assert geocoder.geocode("Springfield").raw["country_code"] == "US"  # the first answers again
    assert geocoder.geocode("Balad Airbase").raw["kind"] == "base"


def test_each_call_gets_its_own_location(private_cache: Path) -> None:
    geocoder = OfflineGeocoder()
    first = geocoder.geocode("Mosul")
    first.raw["name"] = "changed by a caller"
    assert geocoder.geocode("Mosul").raw["name"] != "changed by a caller"


def test_add_alias_empties_the_cache(private_cache: Path) -> None:
    geocoder = OfflineGeocoder()
    assert geocoder.geocode("Camp Zxqv Heron") is None  # remembered as unknown
    geocoder.add_alias("Camp Zxqv Heron", 33.5, 44.5, kind="base", country_code="IQ")
    found = geocoder.geocode("Camp Zxqv Heron")
    assert found is not None and (found.latitude, found.longitude) == (33.5, 44.5)
    mosul = geocoder.geocode("Mosul")
    geocoder.add_alias("Mosul", 10.0, 10.0, kind="city", country_code="IQ")
    assert geocoder.geocode("Mosul").raw["source"] == "user" != mosul.raw["source"]
