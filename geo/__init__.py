"""Offline geocoding over gazetteers shipped by packages plus the curated places in data/."""

from geo.geocoder import OfflineGeocoder, default_geocoder

__all__ = ["OfflineGeocoder", "default_geocoder"]
