"""GeoJSON (RFC 7946) export: one Feature per incident, written as a stream.

Coordinates are [longitude, latitude] in WGS 84 (RFC 7946 allows no other CRS, so none is named).
An unresolved incident is still a Feature, with `"geometry": null` (RFC 7946, section 3.2), so that
nothing is dropped. Properties are the incident's fields as incidents.model.incident_to_record
gives them (ACLED's names; sources and extra as nested JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from incidents.model import Incident, incident_to_record


def to_geojson_feature(incident: Incident) -> dict[str, Any]:
    """One incident as a GeoJSON Feature; the Feature's id is the incident's event_id."""
    geometry = (
        {"type": "Point", "coordinates": [incident.longitude, incident.latitude]} if incident.resolved else None
    )
    return {
        "type": "Feature",
        "id": incident.event_id,
        "geometry": geometry,
        "properties": incident_to_record(incident),
    }


def write_feature_collection(incidents: Iterable[Incident], out: TextIO) -> int:
    """Write a FeatureCollection one feature per line, holding one incident in memory at a time."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for incident in incidents:
        if count:
            out.write(",\n")
        out.write(json.dumps(to_geojson_feature(incident), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count
