"""Offline geocoding over gazetteers shipped by packages, the region's Who's On First places and
the curated places in data/. The caller hands the geocoder its layers (geocoder.standard_layers()
by default); geo/ knows nothing of the incident store."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.geocoder import GazetteerLayer, OfflineGeocoder

__all__ = ["GazetteerLayer", "OfflineGeocoder"]


def __getattr__(name: str) -> object:
    # The geocoder (geopy, rapidfuzz) loads on first use, not with the package: `geo.sources`
    # is imported by commands that never geocode (`incident-map list`, `--help`).
    if name in __all__:
        from geo import geocoder

        return getattr(geocoder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
