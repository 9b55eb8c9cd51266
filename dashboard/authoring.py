"""Adding an article from the page, correcting what the extractor found, and placing unresolved
incidents: the logic behind the page's "Add an article" and "Unresolved places" sections."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from incidents.articles import Article, parse_article_text
from incidents.model import Incident

if TYPE_CHECKING:
    from geo import OfflineGeocoder
    from incidents.store import IncidentStore, IngestResult

# The columns a person may correct before saving; everything else is kept as extracted.
EDITABLE_COLUMNS: tuple[str, ...] = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "actor_group",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "source_sentence",
)
KEEP = "keep"


def extract_article(text: str, *, name: str, geocoder: OfflineGeocoder | None = None) -> tuple[Article, list[Incident]]:
    """Parse pasted or uploaded text and extract its incidents (ArticleError names the problem)."""
    from incidents.extract import Extractor  # heavy (spaCy, gazetteers): loaded on first use

    article = parse_article_text(text, name=name)
    return article, Extractor(geocoder).extract(article)


def editor_frame(incidents: list[Incident]) -> pd.DataFrame:
    """One row per extracted incident for st.data_editor, with a "keep" tick to drop rows."""
    rows = [{KEEP: True, "event_id": i.event_id, **{c: getattr(i, c) for c in EDITABLE_COLUMNS}} for i in incidents]
    frame = pd.DataFrame(rows, columns=[KEEP, "event_id", *EDITABLE_COLUMNS])
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    return frame


def apply_edits(incidents: list[Incident], edited: pd.DataFrame) -> list[Incident]:
    """The incidents as corrected in the editor; rows un-ticked in "keep" are dropped."""
    by_id = {i.event_id: i for i in incidents}
    kept: list[Incident] = []
    for row in edited.to_dict("records"):
        original = by_id.get(str(row["event_id"]))
        if original is None or not bool(row[KEEP]):
            continue
        changes = {c: _clean(row[c]) for c in EDITABLE_COLUMNS}
        changes["event_date"] = _as_date(changes["event_date"]) or original.event_date
        for name in ("geo_precision", "fatalities"):
            changes[name] = None if changes[name] is None else int(changes[name])  # type: ignore[call-overload]
        for name in ("latitude", "longitude"):
            changes[name] = None if changes[name] is None else float(changes[name])  # type: ignore[arg-type]
        if changes["latitude"] is None or changes["longitude"] is None:
            changes.update(latitude=None, longitude=None, geo_precision=None)
        elif changes["geo_precision"] is None:
            changes["geo_precision"] = 1  # coordinates typed in by a person are taken as the place
        kept.append(original.with_changes(**{k: ("" if v is None and isinstance(getattr(original, k), str) else v) for k, v in changes.items()}))
    return kept


def save_article(store: IncidentStore, article: Article, incidents: list[Incident], *, editor: str | None = None) -> IngestResult:
    return store.ingest(article.source(), incidents, editor=editor)


@dataclass(frozen=True)
class Candidate:
    """A place the geocoder offers for a name."""

    label: str
    latitude: float
    longitude: float
    geo_precision: int
    name: str = ""  # as the gazetteer names it
    admin1: str = ""
    country: str = ""


def candidates(geocoder: OfflineGeocoder, name: str) -> list[Candidate]:
    found = geocoder.geocode(name, exactly_one=False) or []
    result = []
    for location in found:
        raw = location.raw or {}
        where = ", ".join(str(p) for p in (raw.get("admin1"), raw.get("country")) if p)
        # a place learned from the user's data says which row or resolution it came from
        learned = f"; {raw['source']}" if raw.get("layer") in ("store", "user") and raw.get("source") else ""
        label = f"{raw.get('name', location.address)} ({raw.get('kind', 'place')}{', ' + where if where else ''}{learned})"
        result.append(Candidate(
            label, location.latitude, location.longitude, int(raw.get("geo_precision") or 1),
            str(raw.get("name") or location.address), str(raw.get("admin1") or ""), str(raw.get("country") or ""),
        ))
    return result


def resolve(
    store: IncidentStore,
    geocoder: OfflineGeocoder | None,
    location: str,
    latitude: float,
    longitude: float,
    *,
    geo_precision: int = 1,
    editor: str | None = None,
) -> int:
    """Place every incident at `location`, and remember the name so the next article resolves."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates out of range: {latitude}, {longitude}")
    updated = store.resolve_place(location, latitude, longitude, geo_precision=geo_precision, editor=editor)
    if geocoder is not None:
        geocoder.add_alias(location, latitude, longitude)
    return updated


def _clean(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def page_geocoder() -> OfflineGeocoder:
    """The process-wide geocoder (GEO caches it), shared by extraction and place resolution."""
    from incidents.geocoding import default_geocoder

    return default_geocoder()
