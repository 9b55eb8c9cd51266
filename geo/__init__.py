"""Offline geocoding over gazetteers shipped by packages plus the curated places in data/."""
