"""Which part of the store the map asks for: the viewport the browser reports, widened a little and
snapped to the cell grid, in cells sized to the zoom.

streamlit-folium returns the map's bounds and zoom after every pan or zoom; each return reruns the
page. The request changes only when the view leaves what was fetched (or the cells change size),
so most pans reuse the layer already drawn and the browser redraws nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from incidents.queries import Box

TILE_PX = 256  # Leaflet's tile size: the world is TILE_PX * 2**zoom pixels wide
CELL_ZOOM_SHIFT = 2  # cells are TILE_PX / 2**2 = 64 px wide on screen at every zoom
PAD = 0.25  # the request reaches this fraction of the view's size beyond each edge
# The size the map is assumed to have before the browser reports it (the first run of a visit).
ASSUMED_MAP_PX = (1200, 560)
MAX_FIT_ZOOM = 7  # the first view shows the whole data set, but never closer than this


def cell_size(zoom: int) -> float:
    """Degrees of longitude per cell at this zoom: a power of two, so cells nest as you zoom."""
    return 360.0 / 2 ** (zoom + CELL_ZOOM_SHIFT)


@dataclass(frozen=True)
class Viewport:
    box: Box
    zoom: int


@dataclass(frozen=True)
class LayerRequest:
    """The box and zoom the store is asked about; equal requests give the same layer."""

    box: Box
    zoom: int

    @property
    def cell_deg(self) -> float:
        return cell_size(self.zoom)


def from_component(value: Mapping[str, object] | None) -> Viewport | None:
    """The viewport in st_folium's returned value ({"bounds": {"_southWest": ..., "_northEast": ...}, "zoom": z})."""
    if not value:
        return None
    try:
        bounds, zoom = value["bounds"], value["zoom"]
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
        box = Box(float(south_west["lat"]), float(south_west["lng"]), float(north_east["lat"]), float(north_east["lng"]))
        return Viewport(_clamped(box), int(zoom))  # type: ignore[call-overload]
    except (KeyError, TypeError, ValueError):
        return None  # before the map has drawn, bounds are None


def _clamped(box: Box) -> Box:
    """Within the world; a view across the antimeridian (Leaflet reports longitudes past ±180) asks for every longitude."""
    west, east = box.west, box.east
    if west < -180 or east > 180 or west > east:
        west, east = -180.0, 180.0
    return Box(max(-90.0, box.south), west, min(90.0, box.north), east)


def request_for(view: Viewport, previous: LayerRequest | None = None, *, previous_complete: bool = False) -> LayerRequest:
    """The request for a view: the previous one while the view stays inside it at the same zoom
    (or zooms into it when every incident there is already shown one by one), else a new box
    around the view, widened by PAD and snapped outward to whole cells."""
    if previous is not None and previous.box.contains(view.box):
        if previous.zoom == view.zoom or (previous_complete and view.zoom > previous.zoom):
            return previous
    cell = cell_size(view.zoom)
    height, width = view.box.north - view.box.south, view.box.east - view.box.west
    widened = Box(
        math.floor((view.box.south - PAD * height) / cell) * cell,
        math.floor((view.box.west - PAD * width) / cell) * cell,
        math.ceil((view.box.north + PAD * height) / cell) * cell,
        math.ceil((view.box.east + PAD * width) / cell) * cell,
    )
    return LayerRequest(_clamped(widened), view.zoom)


def _mercator_y(latitude: float) -> float:
    """Web Mercator's y for a latitude, in units where the world is 1 wide."""
    phi = math.radians(max(-85.0, min(85.0, latitude)))
    return math.log(math.tan(math.pi / 4 + phi / 2)) / (2 * math.pi)


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y * 2 * math.pi)) - math.pi / 2)


def initial_view(extent: Box | None, map_px: tuple[int, int] = ASSUMED_MAP_PX) -> tuple[tuple[float, float], Viewport]:
    """Centre and viewport that show the extent on a map of map_px pixels, as Leaflet's fitBounds
    would (zoom at most MAX_FIT_ZOOM); the whole region around Baghdad for an empty store."""
    if extent is None:
        extent = Box(29.0, 38.0, 37.5, 49.0)
    width_px, height_px = map_px
    top, bottom = _mercator_y(extent.north), _mercator_y(extent.south)
    span_x = max((extent.east - extent.west) / 360.0, 1e-9)
    span_y = max(top - bottom, 1e-9)
    zoom = int(math.floor(min(math.log2(width_px / TILE_PX / span_x), math.log2(height_px / TILE_PX / span_y))))
    zoom = max(0, min(MAX_FIT_ZOOM, zoom))
    middle_y = (top + bottom) / 2
    centre = (_latitude(middle_y), (extent.west + extent.east) / 2)
    world_px = TILE_PX * 2**zoom
    half_w, half_h = width_px / world_px / 2, height_px / world_px / 2
    box = Box(_latitude(middle_y - half_h), centre[1] - half_w * 360, _latitude(middle_y + half_h), centre[1] + half_w * 360)
    return centre, Viewport(_clamped(box), zoom)

