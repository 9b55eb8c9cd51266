"""Offline geocoding over gazetteers shipped by packages plus the curated places in data/."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.geocoder import OfflineGeocoder, default_geocoder

__all__ = ["OfflineGeocoder", "default_geocoder"]


def __getattr__(name: str) -> object:
    # The geocoder (geopy, rapidfuzz) loads on first use, not with the package: `geo.sources`
    # and `geo.cli` are imported by commands that never geocode (`incident-map list`, `--help`).
    if name in __all__:
        from geo import geocoder

        return getattr(geocoder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
