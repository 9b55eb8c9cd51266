"""Export of the page's current view, through incidents.exchange (ACLED columns, GeoJSON)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from incidents.exchange import export_incidents
from incidents.model import Incident


def export_text(incidents: Iterable[Incident], fmt: str) -> str:
    out = io.StringIO()
    export_incidents(incidents, out, format=fmt)  # type: ignore[arg-type]
    return out.getvalue()
