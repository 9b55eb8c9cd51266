"""Serve Leaflet and its plugins from our own Streamlit server, never from a CDN.

folium points every map at CDN URLs by default; with no internet the page then draws nothing and
shows no error (folium issues 1593, 1368). We copy the files from installed Python packages
(XStatic-Leaflet 1.9.3, XStatic-jQuery 3.7.1, XStatic-Leaflet-MarkerCluster 1.4.1) into `static/`
beside app.py, which Streamlit serves at /app/static/ when `server.enableStaticServing` is on, and
point folium's class-level asset lists at those URLs.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

import folium
import folium.plugins

from geo.sources import bundled_path

# Streamlit serves <app dir>/static/<path> at this URL prefix.
STATIC_URL = "/app/static"
STATIC_DIR = bundled_path("app.py").parent / "static"


@dataclass(frozen=True)
class Asset:
    package: str  # the installed package holding the file
    source: str  # path inside the package
    target: str  # path under static/


ASSETS: tuple[Asset, ...] = (
    Asset("xstatic.pkg.leaflet", "data/leaflet.js", "leaflet/leaflet.js"),
    Asset("xstatic.pkg.leaflet", "data/leaflet.css", "leaflet/leaflet.css"),
    Asset("xstatic.pkg.leaflet", "data/images", "leaflet/images"),
    Asset("xstatic.pkg.jquery", "data/jquery.min.js", "jquery/jquery.min.js"),
    Asset("xstatic.pkg.leaflet_markercluster", "data/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"),
    Asset("xstatic.pkg.leaflet_markercluster", "data/MarkerCluster.css", "markercluster/MarkerCluster.css"),
    Asset("xstatic.pkg.leaflet_markercluster", "data/MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"),
)

LEAFLET_JS = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js"), ("jquery", f"{STATIC_URL}/jquery/jquery.min.js")]
LEAFLET_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
MARKERCLUSTER_JS = [("markerclusterjs", f"{STATIC_URL}/markercluster/leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [
    ("markerclustercss", f"{STATIC_URL}/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", f"{STATIC_URL}/markercluster/MarkerCluster.Default.css"),
]


def package_dir(module: str) -> Path:
    """The directory of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {module} is not installed (see pyproject.toml dependencies)")
    return Path(next(iter(spec.submodule_search_locations)))


def install_static_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy the JS/CSS files into static_dir (skipping those already there); returns what was copied."""
    copied: list[Path] = []
    for asset in ASSETS:
        source = package_dir(asset.package) / asset.source
        target = static_dir / asset.target
        if source.is_dir():
            for file in sorted(p for p in source.rglob("*") if p.is_file()):
                copied += _copy_if_changed(file, target / file.relative_to(source))
        else:
            copied += _copy_if_changed(source, target)
    return copied


def _copy_if_changed(source: Path, target: Path) -> list[Path]:
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return [target]


def use_local_assets() -> None:
    """Point folium at the files under /app/static instead of CDNs (class attributes: every map).

    Bootstrap and awesome-markers are dropped: our markers are canvas circles, which need neither.
    """
    folium.Map.default_js = LEAFLET_JS
    folium.Map.default_css = LEAFLET_CSS
    folium.plugins.MarkerCluster.default_js = MARKERCLUSTER_JS
    folium.plugins.MarkerCluster.default_css = MARKERCLUSTER_CSS
