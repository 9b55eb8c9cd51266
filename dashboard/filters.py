"""The page's view: an IncidentFilter built from the widgets, applied to the store's DataFrame.

The page loads the store's frame once (cached) and filters it in pandas: a filter change at 100,000
incidents then costs milliseconds instead of a database round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard.style import COUNTRY_LEVEL_LABEL, PRECISION_LABELS
from incidents.model import GeoPrecision, IncidentFilter

# Columns the text search looks in (IncidentFilter.text: location, actors, notes, source sentence).
TEXT_COLUMNS: tuple[str, ...] = (
    "location",
    "place_name",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "notes",
    "source_sentence",
)
ACTOR_COLUMNS: tuple[str, ...] = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


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


def is_country_level(frame: pd.DataFrame) -> pd.Series:
    """Incidents placed only at the country: region precision with no province known.

    These are listed and counted but never drawn: a point in the middle of Iraq would claim a
    place the source never gave.
    """
    region = frame["geo_precision"].eq(GeoPrecision.REGION).fillna(False).astype(bool)
    return region & frame["admin1"].fillna("").eq("")


def is_drawable(frame: pd.DataFrame) -> pd.Series:
    """Incidents with coordinates that say something about where it happened."""
    return frame["latitude"].notna() & frame["longitude"].notna() & ~is_country_level(frame)


def apply_filter(frame: pd.DataFrame, flt: IncidentFilter) -> pd.DataFrame:
    """The rows of frame that the filter selects (every empty field of flt selects everything)."""
    keep = pd.Series(True, index=frame.index)
    dates = frame["event_date"]
    if flt.date_from is not None:
        keep &= dates >= pd.Timestamp(flt.date_from)
    if flt.date_to is not None:
        keep &= dates <= pd.Timestamp(flt.date_to)
    if flt.actor_groups:
        keep &= frame["actor_group"].isin(flt.actor_groups)
    if flt.event_types:
        keep &= frame["event_type"].isin(flt.event_types)
    if flt.source_kinds:
        keep &= frame["source_kind"].isin(flt.source_kinds)
    if flt.geo_precisions:
        keep &= _precision_mask(frame, flt.geo_precisions)
    if flt.unresolved_only:
        keep &= frame["geo_precision"].isna()
    if flt.actors:
        wanted = {a.casefold() for a in flt.actors}
        keep &= _any_column(frame, ACTOR_COLUMNS, lambda col: col.str.casefold().isin(wanted))
    if flt.text.strip():
        needle = flt.text.strip()
        keep &= _any_column(
            frame, TEXT_COLUMNS, lambda col: col.str.contains(needle, case=False, regex=False)
        )
    return frame[keep]


def _precision_mask(frame: pd.DataFrame, precisions: Sequence[int | None]) -> pd.Series:
    wanted = {int(p) for p in precisions if p is not None}
    mask = frame["geo_precision"].isin(wanted).fillna(False).astype(bool)
    if None in precisions:
        mask |= frame["geo_precision"].isna()
    return mask


def _any_column(frame: pd.DataFrame, columns: Sequence[str], test) -> pd.Series:  # type: ignore[no-untyped-def]
    mask = pd.Series(False, index=frame.index)
    for column in columns:
        if column in frame:
            mask |= test(frame[column].fillna("").astype(str))
    return mask


def showing_text(shown: int, total: int) -> str:
    noun = "incident" if total == 1 else "incidents"
    return f"showing {shown:,} of {total:,} {noun}"


def precision_labels(frame: pd.DataFrame) -> pd.Series:
    """How exactly each incident is placed, in the words of the page's precision filter."""
    labels = frame["geo_precision"].map(lambda p: PRECISION_LABELS[None if pd.isna(p) else int(p)])
    return labels.where(~is_country_level(frame), COUNTRY_LEVEL_LABEL).astype(str)


def apply_view(frame: pd.DataFrame, flt: IncidentFilter, precisions: Sequence[str] = ()) -> pd.DataFrame:
    """The page's view: the filter, then the precision choice (which separates country-only
    incidents from other region-level ones, a distinction IncidentFilter does not make)."""
    view = apply_filter(frame, flt)
    if precisions:
        view = view[precision_labels(view).isin(precisions)]
    return view
