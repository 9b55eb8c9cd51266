"""The incident model: plain dataclasses shared by extraction, the store, imports and the page.

Field names follow ACLED's wherever ACLED has the field, so that a CSV export reads
like an ACLED export and analysts recognise every column.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import IntEnum
from typing import Literal


class TimePrecision(IntEnum):
    """ACLED's time_precision: how exactly the date is known."""

    DAY = 1
    WEEK = 2  # coded on the middle day of the week
    MONTH = 3  # coded on the 15th (or first/last day for "beginning"/"end" of month)


class GeoPrecision(IntEnum):
    """ACLED's geo_precision; unresolved places have no precision (None)."""

    PLACE = 1  # the town, base or site itself
    NEAR = 2  # near a place or part of a region, coded to that place
    REGION = 3  # only a province, region or country is known


Attribution = Literal["claimed", "accused", "suspected", "unknown"]
ATTRIBUTIONS: tuple[str, ...] = ("claimed", "accused", "suspected", "unknown")
# How the actor is known, in the page's and the CLI's words: "unknown" is an actor the source
# states (the report's own account, an ACLED coder's) or leaves unnamed, with no claim, blame or
# suspicion voiced.
ATTRIBUTION_LABELS: dict[str, str] = {"claimed": "claimed", "accused": "accused", "suspected": "suspected", "unknown": "stated"}

SourceKind = Literal["article", "acled", "ucdp"]
SOURCE_KINDS: tuple[str, ...] = ("article", "acled", "ucdp")

# ACLED's taxonomy: event type -> sub-event types.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Shelling/artillery/missile attack",
        "Air/drone strike",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
        "Chemical weapon",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

UNIDENTIFIED_GROUP = "Unidentified"

# Where an incident stands with the people who review the store: extracted and not yet seen
# (proposed), seen and kept as it is (confirmed), changed by a reviewer (corrected), thrown away
# (rejected: kept in the store, so that a re-ingest does not bring it back, but off the map and
# out of the counts), or coded by people elsewhere (imported: ACLED, UCDP).
REVIEW_STATUSES: tuple[str, ...] = ("proposed", "confirmed", "corrected", "rejected", "imported")
REVIEWED_STATUSES: frozenset[str] = frozenset({"confirmed", "corrected", "rejected"})
# What the map, the counts and `list` show unless told otherwise.
SHOWN_STATUSES: tuple[str, ...] = tuple(s for s in REVIEW_STATUSES if s != "rejected")


def initial_review_status(source_kind: str) -> str:
    """The status of a new incident: an extracted one awaits review, an imported one was coded by people."""
    return "proposed" if source_kind == "article" else "imported"


# Why the extractor doubts an incident (Incident.doubts, codes joined by DOUBT_SEPARATOR): the
# weight the review queue sorts by (most doubtful first) and the words it shows.
DOUBT_SEPARATOR = ";"
DOUBTS: dict[str, tuple[int, str]] = {
    "place_unresolved": (4, "place found in no gazetteer"),
    "place_fallback": (3, "place unknown: coded at a town, province or country around it"),
    "reports_disagree": (3, "reports disagree on the actor or the fatalities"),
    "date_as_reported": (2, "no date given: dated by the report's own date"),
    "actor_attributed": (2, "actor from a claim, blame or suspicion, not the one who acted"),
    "actor_unnamed": (1, "no actor named"),
}


CUE_KINDS: tuple[str, ...] = ("trigger", "actor", "place", "date")


def doubt_codes(doubts: str) -> list[str]:
    return [code for code in doubts.split(DOUBT_SEPARATOR) if code]


def doubt_score(doubts: str) -> int:
    """How doubtful an incident is: the sum of its reasons' weights (the queue's order)."""
    return sum(DOUBTS[code][0] if code in DOUBTS else 1 for code in doubt_codes(doubts))


def with_doubt(doubts: str, code: str) -> str:
    """The reasons with one more (once)."""
    codes = doubt_codes(doubts)
    return doubts if code in codes else DOUBT_SEPARATOR.join([*codes, code])


def without_doubt(doubts: str, code: str) -> str:
    """The reasons without one (a later sentence settled it)."""
    return DOUBT_SEPARATOR.join(c for c in doubt_codes(doubts) if c != code)

# How an incident is placed, in the page's and the CLI's terms: ACLED's geo_precision, with the
# region-level incidents that name no province ("country") told apart, since a point at a
# country's capital claims a place the source never gave. The store defines which is which
# (incidents.store.place_class); only the first three are drawn on the map.
PLACE_CLASSES: tuple[str, ...] = ("place", "near", "region", "country", "unresolved")
MAPPED_PLACE_CLASSES: tuple[str, ...] = PLACE_CLASSES[:3]


@dataclass(frozen=True)
class Source:
    """Where an incident was reported: an article, or a row of an imported data set."""

    kind: str = "article"  # one of SOURCE_KINDS
    title: str = ""
    publisher: str = ""
    url: str = ""
    published: date | None = None
    sentence: str = ""  # the exact sentence this source gives for the incident
    source_id: str = ""  # stable id of the document or row (content hash, ACLED event_id_cnty, UCDP id)


@dataclass
class Incident:
    """One event, dated and placed as exactly as its sources allow and no more."""

    event_id: str
    event_date: date
    time_precision: int = TimePrecision.DAY
    event_type: str = ""
    sub_event_type: str = ""
    actor1: str = ""
    assoc_actor_1: str = ""
    actor2: str = ""
    assoc_actor_2: str = ""
    actor_group: str = UNIDENTIFIED_GROUP
    attribution: str = "unknown"  # one of ATTRIBUTIONS
    attributed_by: str = ""  # who attributes it ("US officials", "security sources"), or who reports it when nobody does
    location: str = ""  # the place as the source writes it
    place_name: str = ""  # the resolved place, as the gazetteer names it
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None  # GeoPrecision, or None when unresolved
    country: str = ""
    iso: str = ""  # ISO 3166-1 alpha-2 code of the country
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    fatalities: int | None = None  # ACLED's rule: the lowest reported number; None when not stated
    injuries: int | None = None
    casualties_reported: bool = False  # casualties mentioned, with or without a number
    munitions: str = ""  # as stated: "two Katyusha rockets"
    notes: str = ""  # a one-line summary
    source_sentence: str = ""
    source_kind: str = "article"
    sources: list[Source] = field(default_factory=list)
    timestamp: int | None = None  # when the record last changed (ACLED's `timestamp`, Unix seconds)
    # Columns of an imported row that the model has no field for (inter1, disorder_type, tags...),
    # kept verbatim so that export and re-import lose nothing.
    extra: dict[str, str] = field(default_factory=dict)
    # The review (see REVIEW_STATUSES). A new incident's is empty: the store gives it
    # initial_review_status(source_kind). Only a review changes it (IncidentStore.review).
    review_status: str = ""
    reviewed_by: str = ""  # who last reviewed it: the signed-in editor, or the CLI user
    reviewed_at: int | None = None  # when, Unix seconds
    doubts: str = ""  # why the extractor doubts it: DOUBTS codes joined by DOUBT_SEPARATOR
    # The words of the source sentence the extractor read it from, by CUE_KINDS ("trigger": "struck",
    # "date": "on Thursday"...), for the reviewer to see them marked in the sentence.
    cues: dict[str, str] = field(default_factory=dict)

    @property
    def resolved(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def with_changes(self, **changes: object) -> Incident:
        return replace(self, **changes)


@dataclass(frozen=True)
class IncidentFilter:
    """A view over the store: every field left empty means "no restriction"."""

    date_from: date | None = None
    date_to: date | None = None
    actor_groups: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # matches actor1, assoc_actor_1 or actor2, case-insensitively
    event_types: tuple[str, ...] = ()
    geo_precisions: tuple[int | None, ...] = ()  # None selects unresolved incidents
    places: tuple[str, ...] = ()  # any of PLACE_CLASSES ("country": region-level, no province named)
    source_kinds: tuple[str, ...] = ()
    text: str = ""  # free text over location, actors, notes and the source sentence
    unresolved_only: bool = False
    statuses: tuple[str, ...] = ()  # any of REVIEW_STATUSES (the page and `list` ask for SHOWN_STATUSES)
    attributions: tuple[str, ...] = ()  # any of ATTRIBUTIONS: how the actor is known

    def __post_init__(self) -> None:
        for values, allowed, what in (
            (self.places, PLACE_CLASSES, "place class"),
            (self.statuses, REVIEW_STATUSES, "review status"),
            (self.attributions, ATTRIBUTIONS, "attribution"),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(f"unknown {what} {unknown[0]!r}: use one of {', '.join(allowed)}")


def stable_id(*parts: object, prefix: str = "IM") -> str:
    """A short id that depends only on its parts, so re-ingesting yields the same ids."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}{digest[:12].upper()}"


def source_to_record(source: Source) -> dict[str, object]:
    record = asdict(source)
    record["published"] = source.published.isoformat() if source.published else None
    return record


def source_from_record(record: dict[str, object]) -> Source:
    published = record.get("published")
    return Source(
        **{
            **{k: v for k, v in record.items() if k in Source.__dataclass_fields__},
            "published": date.fromisoformat(str(published)) if published else None,
        }
    )


def incident_to_record(incident: Incident) -> dict[str, object]:
    """A JSON-ready dict of every field: dates in ISO form, sources as a list of dicts."""
    record = asdict(incident)
    record["event_date"] = incident.event_date.isoformat()
    record["time_precision"] = int(incident.time_precision)
    record["geo_precision"] = None if incident.geo_precision is None else int(incident.geo_precision)
    record["sources"] = [source_to_record(s) for s in incident.sources]
    return record


def incident_from_record(record: dict[str, object]) -> Incident:
    """The inverse of incident_to_record; unknown keys are an error, missing ones take defaults."""
    unknown = set(record) - set(Incident.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown incident fields: {', '.join(sorted(unknown))}")
    values = dict(record)
    values["event_date"] = date.fromisoformat(str(values["event_date"]))
    values["sources"] = [source_from_record(s) for s in values.get("sources") or []]  # type: ignore[union-attr]
    return Incident(**values)  # type: ignore[arg-type]
