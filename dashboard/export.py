"""Export of the page's current view, through incidents.exchange (ACLED columns, GeoJSON)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from incidents.exchange import export_incidents
from incidents.model import Incident, IncidentFilter
from incidents.store import IncidentStore


def incidents_in_view(store: IncidentStore, flt: IncidentFilter, event_ids: Iterable[str]) -> Iterator[Incident]:
    """The full incidents (with every source) of the rows the page shows.

    The store applies the coarse filter in SQL; the page's extra distinctions (country-level
    only, for one) are applied by keeping exactly the ids on screen.
    """
    wanted = set(event_ids)
    return (i for i in store.iter_incidents(flt) if i.event_id in wanted)


def export_text(incidents: Iterable[Incident], fmt: str) -> str:
    out = io.StringIO()
    export_incidents(incidents, out, format=fmt)  # type: ignore[arg-type]
    return out.getvalue()
