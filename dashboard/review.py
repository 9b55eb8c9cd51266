"""The review queue on the page: an incident's sentence with the words it was read from marked (the
article's text escaped), a small map to place it (its point, the geocoder's candidates, a click),
and the decisions, each one IncidentStore.review with its history row."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import folium

from dashboard.basemap import MAP_MAX_ZOOM, add_basemaps
from incidents.model import CUE_KINDS, DOUBTS, EVENT_TYPES, Incident, doubt_codes
from incidents.review import value_text, when_text

if TYPE_CHECKING:
    from dashboard.authoring import Candidate
    from incidents.store import HistoryEntry, IncidentStore

# The colour each kind of cue is marked with (and its legend).
CUE_COLOURS: dict[str, str] = {"trigger": "#fde68a", "actor": "#fecaca", "place": "#bfdbfe", "date": "#bbf7d0"}
PICKED_COLOUR = "#16a34a"
CANDIDATE_COLOUR = "#2563eb"
MAX_CANDIDATES = 5  # the geocoder's candidates offered for a place


def marked_sentence(sentence: str, cues: Mapping[str, str]) -> str:
    """The sentence as HTML, each cue's words (their first occurrence) in a <mark> of its kind; all
    of the sentence's text is escaped, so a report's markup stays text. Where two cues overlap, the
    first of CUE_KINDS is marked."""
    spans: list[tuple[int, int, str]] = []
    for kind in CUE_KINDS:
        words = cues.get(kind, "")
        start = sentence.find(words) if words else -1
        if start < 0:
            continue
        end = start + len(words)
        if not any(start < taken_end and taken_start < end for taken_start, taken_end, _ in spans):
            spans.append((start, end, kind))
    pieces, at = [], 0
    for start, end, kind in sorted(spans):
        pieces.append(html.escape(sentence[at:start]))
        pieces.append(
            f'<mark class="im-cue im-cue-{kind}" title="{kind}" style="background:{CUE_COLOURS[kind]};padding:0 2px">'
            f"{html.escape(sentence[start:end])}</mark>"
        )
        at = end
    pieces.append(html.escape(sentence[at:]))
    return "".join(pieces)


def cue_legend() -> str:
    return " ".join(
        f'<mark style="background:{colour};padding:0 2px">{kind}</mark>' for kind, colour in CUE_COLOURS.items()
    )


def doubt_lines(incident: Incident) -> list[str]:
    """The extractor's reasons for doubt, in words, most weighty first."""
    codes = sorted(doubt_codes(incident.doubts), key=lambda code: -DOUBTS.get(code, (1, ""))[0])
    return [DOUBTS[code][1] if code in DOUBTS else code for code in codes]


@dataclass(frozen=True)
class PickedPoint:
    latitude: float
    longitude: float


def picked_point(value: Mapping[str, Any] | None) -> PickedPoint | None:
    """The point clicked on the review map (st_folium's last_clicked), or None."""
    clicked = (value or {}).get("last_clicked")
    try:
        return PickedPoint(round(float(clicked["lat"]), 5), round(float(clicked["lng"]), 5))  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def review_map(incident: Incident, candidates: Sequence[Candidate]) -> folium.Map:
    """A small map around the incident: its point (red) and the geocoder's candidates for its place
    (blue rings, numbered as their buttons are). The same for every run of one incident, so that
    st_folium keeps it mounted (the point clicked is a layer of its own: picked_layer). No name
    reaches the map's script: folium pastes tooltips into JavaScript unescaped, and a gazetteer
    name may come from imported data (or hold a backtick: "Al `Iraq")."""
    points = [(p.latitude, p.longitude) for p in candidates]
    if incident.resolved:
        points.insert(0, (incident.latitude, incident.longitude))  # type: ignore[arg-type]
    centre = points[0] if points else (33.3, 44.4)
    m = folium.Map(location=centre, zoom_start=8 if points else 5, tiles=None, max_zoom=MAP_MAX_ZOOM, control_scale=True)
    add_basemaps(m)
    if incident.resolved:
        folium.CircleMarker(centre, radius=8, color="#ffffff", weight=2, fill=True, fill_color="#dc2626",
                            fill_opacity=1, tooltip="the incident's point now").add_to(m)
    for number, candidate in enumerate(candidates, 1):
        folium.CircleMarker((candidate.latitude, candidate.longitude), radius=6, color=CANDIDATE_COLOUR, weight=2,
                            fill=True, fill_color="#ffffff", fill_opacity=0.9, tooltip=f"candidate {number}").add_to(m)
    if len(points) > 1:
        south, west = min(p[0] for p in points), min(p[1] for p in points)
        north, east = max(p[0] for p in points), max(p[1] for p in points)
        m.fit_bounds([(south, west), (north, east)], max_zoom=10, padding=(30, 30))
    return m


def picked_layer(picked: PickedPoint | None) -> folium.FeatureGroup:
    """The point clicked (green), drawn over the review map without remounting it."""
    group = folium.FeatureGroup(name="picked", control=False)
    if picked is not None:
        folium.CircleMarker((picked.latitude, picked.longitude), radius=7, color="#ffffff", weight=2, fill=True,
                            fill_color=PICKED_COLOUR, fill_opacity=1, tooltip="the point you clicked").add_to(group)
    return group


def item_html(incident: Incident) -> str:
    """What the reviewer reads of a queued incident: what, when, where, who; why it is doubted; the
    sentence with its cues marked; the source. Every text from the store is escaped."""
    from dashboard.layers import actors_text, date_text, place_text, safe_url
    from dashboard.style import PRECISION_LABELS

    e = html.escape
    what = " / ".join(x for x in (incident.event_type, incident.sub_event_type) if x)
    row = {name: getattr(incident, name) for name in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "location",
                                                         "place_name", "country")}
    attribution = "" if incident.attribution == "unknown" else f" ({incident.attribution}" + (
        f" by {incident.attributed_by})" if incident.attributed_by else ")")
    toll = "" if incident.fatalities is None else f" · {incident.fatalities} killed"
    reasons = "".join(f"<li>{e(line)}</li>" for line in doubt_lines(incident)) or "<li>no doubt stated</li>"
    source = incident.sources[0] if incident.sources else None
    title = e(source.title or source.publisher or "source") if source else "source"
    url = safe_url(source.url) if source else ""
    link = f'<a href="{e(url)}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title
    more = f" and {len(incident.sources) - 1} more" if len(incident.sources) > 1 else ""
    return (
        f'<div class="im-queue-item" data-event-id="{e(incident.event_id)}">'
        f"<div><b>{e(date_text(incident.event_date, incident.time_precision))}</b> · {e(what)} · "
        f"{e(actors_text(row) or incident.actor_group)}{e(attribution)}{e(toll)}</div>"
        f"<div>at <b>{e(place_text(row) or 'an unresolved place')}</b> "
        f"({e(PRECISION_LABELS.get(incident.geo_precision, ''))}) · <code>{e(incident.event_id)}</code></div>"
        f'<div style="margin-top:6px">Why it is doubted:<ul class="im-doubts" style="margin:2px 0">{reasons}</ul></div>'
        f'<blockquote class="im-sentence" style="margin:6px 0;padding:4px 10px;border-left:3px solid #ccc">'
        f"{marked_sentence(incident.source_sentence, incident.cues)}</blockquote>"
        f'<div style="font-size:0.85em">{cue_legend()} · Source: {link}{e(more)}</div></div>'
    )


@dataclass(frozen=True)
class CorrectionForm:
    """The fields the queue's form corrects, as the incident has them now."""

    event_date: date
    event_type_index: int
    actor1: str
    fatalities: int | None

    @classmethod
    def of(cls, incident: Incident) -> CorrectionForm:
        types = list(EVENT_TYPES)
        index = types.index(incident.event_type) if incident.event_type in types else 0
        return cls(incident.event_date, index, incident.actor1, incident.fatalities)

    def changes(self, **values: Any) -> dict[str, Any]:
        """The values that differ from the incident's: a correction's fields."""
        current = {"event_date": self.event_date, "event_type": list(EVENT_TYPES)[self.event_type_index],
                   "actor1": self.actor1, "fatalities": self.fatalities}
        return {name: value for name, value in values.items() if value != current[name]}


def history_table(entries: Sequence[HistoryEntry]) -> list[dict[str, object]]:
    """One row per change, for the page's table of the latest changes."""
    return [
        {
            "when": when_text(entry.changed_at), "editor": entry.editor, "incident": entry.event_id,
            "action": entry.action,
            "changes": "; ".join(f"{name}: {value_text(old)} → {value_text(new)}" for name, (old, new) in entry.changes.items()),
            "note": entry.note,
        }
        for entry in entries
    ]


def candidate_changes(candidate: Candidate) -> dict[str, Any]:
    """A correction that places the incident at a gazetteer candidate."""
    changes: dict[str, Any] = {
        "latitude": candidate.latitude, "longitude": candidate.longitude, "geo_precision": candidate.geo_precision,
        "place_name": candidate.name,
    }
    if candidate.admin1:
        changes["admin1"] = candidate.admin1
    if candidate.country:
        changes["country"] = candidate.country
    return changes


def point_changes(point: PickedPoint) -> dict[str, Any]:
    """A correction that places the incident at a clicked point: the place itself, no gazetteer name."""
    return {"latitude": point.latitude, "longitude": point.longitude, "geo_precision": 1, "place_name": ""}


def decide(
    store: IncidentStore, incident: Incident, action: str, *, editor: str, changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> tuple[bool, str]:
    """One decision from the queue: (done, what to tell the reviewer). An incident reviewed by
    someone else since it was shown is left as they left it; a bad value changes nothing."""
    from incidents.store import ReviewConflict, ReviewError

    try:
        done = store.review(incident.event_id, action, editor=editor, changes=changes, note=note, expected_status="proposed")
    except ReviewConflict as conflict:
        return True, f"Not changed: {conflict}."
    except ReviewError as error:
        return False, str(error)
    fields = ", ".join(name for name in (changes or {}))
    return True, f"{done.event_id} {done.review_status}" + (f" ({fields})" if fields else "") + "."
