"""The map: a base map that stays the same across reruns, and one incident layer built per view.

Why it is built this way (measured in /work/shared/notes/map-rendering.md):
- one folium object per incident costs 70 s and 1.5 GB at 100k incidents; we ship one compact,
  column-wise JSON array and let a small script build the markers in the browser;
- the layer covers the map's viewport only (dashboard/viewport.py): the store counts the
  incidents there in cells sized to the zoom, and sends them one by one once the box holds at
  most MAX_POINTS, so the payload and the browser's work stay bounded whatever the store holds;
- folium does not escape text, so every untrusted string travels as JSON with <, > and & escaped,
  and the browser puts it on the page with textContent only, never innerHTML.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from calendar import monthrange
from datetime import date, timedelta

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from dashboard.assets import MARKERCLUSTER_CSS, MARKERCLUSTER_JS
from dashboard.basemap import MAP_MAX_ZOOM, add_basemaps
from dashboard.style import PRECISION_LABELS, STATUS_NOTES, UNCERTAINTY_RADIUS_M, colour_for
from incidents.model import REVIEWED_STATUSES, TimePrecision
from incidents.queries import MapLayer
from incidents.review import when_text

MAX_POINTS = 5_000  # a box holding more drawable incidents than this is shown in cells

EPOCH = date(1970, 1, 1)


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element and inside any HTML the script is passed through.

    `</script>` or `<img onerror=...>` in an article cannot end the script or become markup: the
    characters that matter to HTML become \\u escapes, which JavaScript reads back as the same text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def safe_url(url: str) -> str:
    """Only http(s) links reach the page: a `javascript:` URL in a source would run on click."""
    return url if url.lower().startswith(("http://", "https://")) else ""


# ---- text shown for each incident ------------------------------------------------------------


def date_text(day: date, time_precision: int) -> str:
    if time_precision == TimePrecision.MONTH:
        return day.strftime("%B %Y") + " (month known)"
    if time_precision == TimePrecision.WEEK:
        return f"week of {day.isoformat()}"
    return day.isoformat()


def time_span(day: date, time_precision: int) -> tuple[date, date]:
    """The days an incident may have happened on: its month, its week, or its day."""
    if time_precision == TimePrecision.MONTH:
        return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])
    if time_precision == TimePrecision.WEEK:
        # ACLED codes a week on its middle day.
        return day - timedelta(days=3), day + timedelta(days=3)
    return day, day


def casualties_text(fatalities: object, injuries: object, reported: object) -> str:
    parts = []
    if _is_number(fatalities):
        parts.append(f"{int(fatalities)} killed")  # type: ignore[arg-type]
    if _is_number(injuries):
        parts.append(f"{int(injuries)} injured")  # type: ignore[arg-type]
    if parts:
        return ", ".join(parts)
    return "casualties reported, number not stated" if bool(reported) else "none reported"


def attribution_text(attribution: str, attributed_by: str, actor: str) -> str:
    """'suspected by US officials' — who says the actor did it, and how sure they are."""
    if not attribution or attribution == "unknown":
        return ""
    said = f"{attribution} by {attributed_by}" if attributed_by else attribution
    return f"{actor}: {said}" if actor else said


def review_text(status: str, reviewed_by: str, reviewed_at: int | None) -> str:
    """'confirmed by amal, 2026-12-07 20:23 UTC', 'proposed: not yet reviewed'."""
    if status in REVIEWED_STATUSES:
        by = f" by {reviewed_by}" if reviewed_by else ""
        return f"{status}{by}, {when_text(reviewed_at)}" if reviewed_at else f"{status}{by}"
    return f"{status}: {STATUS_NOTES.get(status, '')}".rstrip(": ")


def actors_text(row: Mapping[str, object]) -> str:
    side1 = " with ".join(a for a in (_text(row, "actor1"), _text(row, "assoc_actor_1")) if a)
    side2 = " with ".join(a for a in (_text(row, "actor2"), _text(row, "assoc_actor_2")) if a)
    return f"{side1} vs {side2}" if side1 and side2 else side1 or side2


def place_text(row: Mapping[str, object]) -> str:
    location, place = _text(row, "location"), _text(row, "place_name")
    if place and location and place.casefold() != location.casefold():
        return f"{location} ({place})"
    return location or place or _text(row, "country")


def _text(row: Mapping[str, object], column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _int_or_none(value: object) -> int | None:
    return int(value) if _is_number(value) else None  # type: ignore[call-overload]


def _is_number(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


# ---- payloads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerPayload:
    """What the incident layer ships to the browser, and how many incidents it stands for."""

    mode: str  # "points" (one marker per incident) or "cells" (counted by the store per grid cell)
    data: dict[str, object]
    incidents: int  # drawable incidents represented
    cell_size_deg: float = 0.0

    @cached_property
    def json(self) -> str:
        return script_json(self.data)

    @cached_property
    def digest(self) -> str:
        """Changes whenever the layer's content does: the browser test and bench wait on it."""
        return hashlib.sha256(self.json.encode()).hexdigest()[:16]


def _dictionary_encode(values: list[str]) -> tuple[list[int], list[str]]:
    """Repeated strings (places, actors, titles) are sent once: codes index a table of values."""
    table: dict[str, int] = {}
    codes = [table.setdefault(value, len(table)) for value in values]
    return codes, list(table)


def point_payload(points: Sequence[Mapping[str, object]], groups: list[str]) -> LayerPayload:
    """One entry per incident (incidents.queries.POINT_COLUMNS rows), column-wise; strings go
    through per-column tables."""
    group_index = {g: i for i, g in enumerate(groups)}
    columns: dict[str, list[str]] = {
        k: [] for k in ("date", "place", "actors", "type", "cas", "attr", "sentence", "title", "url", "prec", "more", "status", "review")
    }
    t0: list[int] = []
    t1: list[int] = []
    for r in points:
        day = r["event_date"]
        assert isinstance(day, date)
        precision = int(r["time_precision"]) if _is_number(r.get("time_precision")) else TimePrecision.DAY  # type: ignore[call-overload]
        start, end = time_span(day, precision)
        t0.append((start - EPOCH).days)
        t1.append((end - EPOCH).days)
        event_type = " / ".join(x for x in (_text(r, "event_type"), _text(r, "sub_event_type")) if x)
        more = int(r["source_count"]) - 1 if _is_number(r.get("source_count")) else 0  # type: ignore[call-overload]
        columns["date"].append(date_text(day, precision))
        columns["place"].append(place_text(r))
        columns["actors"].append(actors_text(r))
        columns["type"].append(event_type)
        columns["cas"].append(casualties_text(r.get("fatalities"), r.get("injuries"), r.get("casualties_reported")))
        columns["attr"].append(attribution_text(_text(r, "attribution"), _text(r, "attributed_by"), _text(r, "actor1")))
        columns["sentence"].append(_text(r, "source_sentence"))
        columns["title"].append(_text(r, "source_title") or _text(r, "source_publisher"))
        columns["url"].append(safe_url(_text(r, "source_url")))
        columns["prec"].append(PRECISION_LABELS.get(_int_or_none(r.get("geo_precision")), ""))
        columns["more"].append(f"+{more} more source{'s' if more > 1 else ''}" if more > 0 else "")
        columns["status"].append(_text(r, "review_status"))
        columns["review"].append(review_text(_text(r, "review_status"), _text(r, "reviewed_by"), _int_or_none(r.get("reviewed_at"))))
    data: dict[str, object] = {
        "mode": "points",
        "groups": groups,
        "colours": [colour_for(g) for g in groups],
        "lat": [round(float(r["latitude"]), 5) for r in points],  # type: ignore[arg-type]
        "lng": [round(float(r["longitude"]), 5) for r in points],  # type: ignore[arg-type]
        "g": [group_index.get(str(r["actor_group"]), len(groups) - 1) for r in points],
        "r": [UNCERTAINTY_RADIUS_M.get(_int_or_none(r["geo_precision"]), 0) for r in points],  # type: ignore[call-overload]
        "t0": t0,
        "t1": t1,
        "id": [str(r["event_id"]) for r in points],
        "strings": {},
    }
    for name, values in columns.items():
        codes, table = _dictionary_encode(values)
        data[name] = codes
        data["strings"][name] = table  # type: ignore[index]
    return LayerPayload("points", data, len(points))


def cell_payload(layer: MapLayer, groups: list[str]) -> LayerPayload:
    """One marker per occupied cell, at its incidents' mean position, labelled with their number
    and coloured by the group with most incidents there; the tooltip breaks the number down."""
    group_index = {g: i for i, g in enumerate(groups)}
    details, table = _dictionary_encode(
        ["; ".join(f"{group}: {n:,}" for group, n in cell.groups) for cell in layer.cells]
    )
    data: dict[str, object] = {
        "mode": "cells",
        "groups": groups,
        "colours": [colour_for(g) for g in groups],
        "lat": [cell.latitude for cell in layer.cells],
        "lng": [cell.longitude for cell in layer.cells],
        "n": [cell.count for cell in layer.cells],
        "g": [group_index.get(cell.groups[0][0], len(groups) - 1) for cell in layer.cells],
        "detail": details,
        "strings": {"detail": table},
        "cell": layer.cell_deg,
    }
    return LayerPayload("cells", data, layer.in_box, cell_size_deg=layer.cell_deg)


def layer_payload(layer: MapLayer, groups: list[str]) -> LayerPayload:
    if layer.points is not None:
        return point_payload(layer.points, groups)
    return cell_payload(layer, groups)


# ---- folium elements --------------------------------------------------------------------------


class IncidentLayer(JSCSSMixin):
    """One Leaflet layer built in the browser from a LayerPayload (clustered when there are many).

    Exact places are solid dots; "near" and region-level places are circles whose radius is the
    uncertainty in metres. Tooltips and popups are DOM nodes filled with textContent.
    """

    default_js = MARKERCLUSTER_JS
    default_css = MARKERCLUSTER_CSS
    _template = Template(
        """
{% macro script(this, kwargs) %}
function addPlayThrough(map, layer, markers, data, node) {
  // The period week by week: only incidents whose possible days (a month for month-precision
  // ones) overlap the week are shown. One control per map: a new layer replaces the old control.
  if (window.incidentPlayControl) { window.incidentPlayControl.remove(); window.incidentPlayControl = null; }
  if (data.mode !== "points" || markers.length === 0) { return; }
  var lo = Infinity, hi = -Infinity, k;
  for (k = 0; k < data.t0.length; k++) { lo = Math.min(lo, data.t0[k]); hi = Math.max(hi, data.t1[k]); }
  var first = lo - ((lo + 3) % 7);  // the Monday on or before the first day (day 0 was a Thursday)
  var weeks = Math.floor((hi - first) / 7) + 1;
  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var box = node("div", null, "im-play");
    box.style.cssText = "background:rgba(255,255,255,.92);padding:4px 8px;font:12px sans-serif;border-radius:4px";
    L.DomEvent.disableClickPropagation(box);
    var button = node("button", "Play weeks"), all = node("button", "All");
    var slider = document.createElement("input");
    slider.type = "range"; slider.min = "0"; slider.max = String(weeks - 1); slider.value = "0";
    slider.style.verticalAlign = "middle";
    var label = node("span", "all " + weeks + " weeks");
    label.style.marginLeft = "6px";
    var timer = null;
    function show(w) {
      var a = first + 7 * w, b = a + 6;
      var shown = markers.filter(function (m) {
        var i = m.incidentIndex; return data.t0[i] <= b && data.t1[i] >= a; });
      layer.clearLayers();
      layer.addLayers(shown);
      label.textContent = "week of " + new Date(a * 86400000).toISOString().slice(0, 10) + ": " + shown.length;
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; } button.textContent = "Play weeks"; }
    button.onclick = function () {
      if (timer) { stop(); return; }
      var w = Number(slider.value) >= weeks - 1 ? -1 : Number(slider.value) - 1;
      button.textContent = "Pause";
      timer = setInterval(function () {
        w += 1;
        if (w >= weeks) { stop(); return; }
        slider.value = String(w);
        show(w);
      }, 700);
    };
    slider.oninput = function () { stop(); show(Number(slider.value)); };
    all.onclick = function () {
      stop();
      layer.clearLayers();
      layer.addLayers(markers);
      label.textContent = "all " + weeks + " weeks";
    };
    [button, slider, all, label].forEach(function (el) { box.appendChild(el); });
    return box;
  };
  control.addTo(map);
  window.incidentPlayControl = control;
}
var {{ this.get_name() }} = (function () {
  var data = {{ this.payload.json }};
  var map = {{ this._parent._parent.get_name() }};
  var S = data.strings;
  function node(tag, text, className) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }
  function line(parent, label, text) {
    if (!text) { return; }
    var row = node("div", null, "im-line");
    row.appendChild(node("b", label + ": "));
    row.appendChild(document.createTextNode(text));
    parent.appendChild(row);
  }
  function tooltip(i) {
    var box = node("div", null, "im-tooltip");
    box.appendChild(node("div", S.date[data.date[i]]));
    box.appendChild(node("div", S.place[data.place[i]]));
    box.appendChild(node("div", S.actors[data.actors[i]] || data.groups[data.g[i]]));
    return box;
  }
  function popup(i) {
    var box = node("div", null, "im-popup");
    box.appendChild(node("div", S.type[data.type[i]] || "Incident", "im-title"));
    line(box, "Date", S.date[data.date[i]]);
    line(box, "Place", S.place[data.place[i]] + " \\u2014 " + S.prec[data.prec[i]]);
    line(box, "Actors", S.actors[data.actors[i]]);
    line(box, "Group", data.groups[data.g[i]]);
    line(box, "Attribution", S.attr[data.attr[i]]);
    line(box, "Casualties", S.cas[data.cas[i]]);
    line(box, "Review", S.review[data.review[i]]);
    var sentence = S.sentence[data.sentence[i]];
    if (sentence) { box.appendChild(node("blockquote", sentence, "im-sentence")); }
    var title = S.title[data.title[i]] || "source", url = S.url[data.url[i]];
    var source = node("div", null, "im-source");
    source.appendChild(node("b", "Source: "));
    if (url) {
      var a = node("a", title);
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      source.appendChild(a);
    } else {
      source.appendChild(document.createTextNode(title));
    }
    var more = S.more[data.more[i]];
    if (more) { source.appendChild(document.createTextNode(" (" + more + ")")); }
    box.appendChild(source);
    return box;
  }
  function cellTooltip(i) {
    var box = node("div", null, "im-tooltip");
    box.appendChild(node("div", data.n[i].toLocaleString() + " incidents here (a " + data.cell + "\\u00b0 cell): click to zoom in"));
    box.appendChild(node("div", S.detail[data.detail[i]]));
    return box;
  }
  function cellIcon(i, colour) {
    // The count on a disc of the main group's colour, sized by the count, like a cluster.
    var size = Math.round(Math.min(56, 22 + 4 * Math.log2(1 + data.n[i])));
    var disc = node("div", null, "im-cell");
    disc.style.cssText = "width:" + size + "px;height:" + size + "px;line-height:" + size + "px;border-radius:50%;"
      + "background:" + colour + ";opacity:.85;border:2px solid #fff;box-shadow:0 0 2px #333;"
      + "text-align:center;font:bold 11px sans-serif;color:#fff;text-shadow:0 0 2px #000";
    disc.appendChild(node("span", data.n[i].toLocaleString("en-US")));
    return L.divIcon({html: disc, className: "", iconSize: [size, size]});
  }
  var markers = [];
  var i, m, colour, status, unreviewed;
  for (i = 0; i < data.lat.length; i++) {
    colour = data.colours[data.g[i]];
    if (data.mode === "cells") {
      m = L.marker([data.lat[i], data.lng[i]], {icon: cellIcon(i, colour)});
      m.bindTooltip(cellTooltip.bind(null, i));
      m.on("click", function (e) { map.setView(e.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())); });
    } else {
      // Unreviewed (proposed) incidents are hollow rings, or fainter circles; rejected ones (shown
      // only when the status filter asks for them) grey. The status is the path's class too.
      status = S.status[data.status[i]];
      unreviewed = status === "proposed";
      if (status === "rejected") { colour = "#9e9e9e"; }
      if (data.r[i] > 0) {
        m = L.circle([data.lat[i], data.lng[i]], {
          radius: data.r[i], color: colour, weight: 2, dashArray: "4 4", opacity: unreviewed ? 0.55 : 1,
          fillColor: colour, fillOpacity: unreviewed ? 0.04 : 0.15, className: "im-status-" + status});
      } else if (unreviewed) {
        m = L.circleMarker([data.lat[i], data.lng[i]], {
          radius: 6, color: colour, weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.85, className: "im-status-" + status});
      } else {
        m = L.circleMarker([data.lat[i], data.lng[i]], {
          radius: 7, color: "#ffffff", weight: 1.5, fillColor: colour, fillOpacity: 1, className: "im-status-" + status});
      }
      m.bindTooltip(tooltip.bind(null, i));
      m.bindPopup(popup.bind(null, i), {maxWidth: 360});
    }
    m.incidentIndex = i;
    markers.push(m);
  }
  var layer = data.mode === "cells"
    ? L.featureGroup(markers)
    : L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 45, spiderfyOnMaxZoom: true, animate: false});
  if (data.mode !== "cells") { layer.addLayers(markers); }
  layer.incidentMarkers = markers;
  layer.incidentData = data;
  {{ this._parent.get_name() }}.addLayer(layer);
  addPlayThrough(map, layer, markers, data, node);
  // Read by the browser test and the bench to know which view is drawn.
  var box = map.getContainer();
  box.dataset.incidentLayer = {{ this.payload.digest|tojson }};
  box.dataset.incidentMode = data.mode;
  box.dataset.incidentMarkers = String(markers.length);
  box.dataset.incidentCount = String({{ this.payload.incidents }});
  return layer;
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: LayerPayload) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.payload = payload


def incident_feature_group(payload: LayerPayload) -> folium.FeatureGroup:
    """The per-view layer, passed to st_folium's feature_group_to_add so the map never remounts."""
    group = folium.FeatureGroup(name="incidents", control=False)
    IncidentLayer(payload).add_to(group)
    return group


class Legend(folium.MacroElement):
    """Colour per actor group and the precision key, built with textContent like the popups."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var entries = {{ this.entries_json }};
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "im-legend");
    box.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;font:12px sans-serif;line-height:18px;border-radius:4px;max-width:230px";
    var title = document.createElement("b");
    title.textContent = "Actor group";
    box.appendChild(title);
    entries.groups.forEach(function (entry) {
      var row = document.createElement("div");
      var dot = document.createElement("span");
      dot.style.cssText = "display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px;vertical-align:-1px;border:1px solid #fff;background:" + entry[1];
      row.appendChild(dot);
      row.appendChild(document.createTextNode(entry[0]));
      box.appendChild(row);
    });
    var key = document.createElement("div");
    key.style.marginTop = "4px";
    key.textContent = entries.precision;
    box.appendChild(key);
    return box;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, groups: list[str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.entries_json = script_json(
            {
                "groups": [[g, colour_for(g)] for g in groups],
                "precision": "Solid dot: exact place. Dashed circle: near a place or region, sized to the uncertainty. "
                             "Hollow ring or faint circle: proposed by the extractor, not yet reviewed. "
                             "Country-only and unresolved incidents are listed below the map.",
            }
        )


def base_map(groups: list[str], centre: tuple[float, float], zoom: int) -> folium.Map:
    """The part of the map that does not depend on the filters: tiles, layer control, legend.

    Built identically on every rerun (same inputs, same script), so streamlit-folium keeps the
    mounted map and only swaps the incident layer. The first view is given as centre and zoom
    (dashboard.viewport.initial_view), so the server knows what the first layer must cover.
    """
    m = folium.Map(location=centre, zoom_start=zoom, tiles=None, max_zoom=MAP_MAX_ZOOM, control_scale=True)
    add_basemaps(m)
    Legend(groups).add_to(m)
    return m
