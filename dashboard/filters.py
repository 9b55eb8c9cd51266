"""The page's filters: widget values turned into one IncidentFilter, which the store turns into SQL
(incidents.store.filter_clauses, the same definition the CLI uses)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dashboard.style import PLACE_LABELS


def date_range(picked: object, default_from: date, default_to: date) -> tuple[date, date]:
    """The (from, to) of a range date_input's value, whatever state the widget is in.

    While the user is picking, st.date_input returns a 1-tuple (streamlit issues 4087, 2429); an
    empty tuple or None means "cleared". A half-picked range filters from its one date to the end.
    """
    if isinstance(picked, date):
        return picked, picked
    values = [d for d in (picked or ()) if isinstance(d, date)]  # type: ignore[union-attr]
    if not values:
        return default_from, default_to
    if len(values) == 1:
        return values[0], default_to
    start, end = values[0], values[1]
    return (start, end) if start <= end else (end, start)


def places_for(labels: Sequence[str]) -> tuple[str, ...]:
    """The place classes (IncidentFilter.places) of the precision widget's labels."""
    by_label = {label: place for place, label in PLACE_LABELS.items()}
    return tuple(by_label[label] for label in labels if label in by_label)


def showing_text(shown: int, total: int) -> str:
    noun = "incident" if total == 1 else "incidents"
    return f"showing {shown:,} of {total:,} {noun}"


def actor_label(name: str, mentions: dict[str, int]) -> str:
    """An actor option as the widget shows it: the name and how often incidents name it."""
    return f"{name} ({mentions[name]:,})" if name in mentions else name


def hidden_statuses_text(hidden: dict[str, int]) -> str:
    """What the status filter leaves out, for the count line: ' · 3 rejected not shown'."""
    parts = [f"{n:,} {status}" for status, n in hidden.items() if n]
    return f" · {', '.join(parts)} not shown (review status)" if parts else ""
