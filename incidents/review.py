"""Reviewing incidents from the command line: `incident-map review` (the queue), `confirm`,
`correct`, `reject` and `history`.

Each decision is one transaction of IncidentStore.review with its history row, by the user running
the command (or $INCIDENT_MAP_EDITOR). A bad id or value is said on standard error, naming it, and
changes nothing (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from incidents.model import DOUBTS, EVENT_TYPES, Incident, doubt_codes, doubt_score, incident_to_record

if TYPE_CHECKING:
    from incidents.store import HistoryEntry, IncidentStore

def doubt_text(incident: Incident) -> str:
    """The extractor's reasons for doubt, in words."""
    return "; ".join(DOUBTS[code][1] if code in DOUBTS else code for code in doubt_codes(incident.doubts))


def when_text(unix_seconds: int | None) -> str:
    """A review's time as people read it: UTC, to the minute."""
    if unix_seconds is None:
        return ""
    return datetime.fromtimestamp(unix_seconds, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def value_text(value: Any) -> str:
    return "(none)" if value in (None, "") else str(value)


def _error(command: str, message: str) -> int:
    print(f"incident-map {command}: {message}", file=sys.stderr)
    return 1


def _open(args: argparse.Namespace) -> IncidentStore:
    from incidents.store import IncidentStore

    return IncidentStore(args.db)


# ---- the queue ---------------------------------------------------------------------------------

_QUEUE_COLUMNS = (("id", 14), ("doubt", 5), ("date", 10), ("place", 26), ("actor", 28), ("type", 30), ("why", 60))


def run_review(args: argparse.Namespace) -> int:
    from incidents.commands import print_row
    from incidents.queries import view_counts
    from incidents.model import IncidentFilter

    store = _open(args)
    queue = store.review_queue(limit=args.limit)
    if args.format == "jsonl":
        for incident in queue:
            print(json.dumps({**incident_to_record(incident), "doubt": doubt_score(incident.doubts)}, ensure_ascii=False))
        return 0
    print_row((name for name, _ in _QUEUE_COLUMNS), sys.stdout, _QUEUE_COLUMNS)
    for incident in queue:
        print_row((
            incident.event_id, str(doubt_score(incident.doubts)), incident.event_date.isoformat(),
            incident.place_name or incident.location, incident.actor1, incident.sub_event_type or incident.event_type,
            doubt_text(incident),
        ), sys.stdout, _QUEUE_COLUMNS)
    waiting = view_counts(store, IncidentFilter(statuses=("proposed",))).matching
    print(f"{len(queue)} of {waiting} proposed incident(s), most doubtful first", file=sys.stderr)
    return 0


# ---- decisions ---------------------------------------------------------------------------------


def _decide(command: str, action: str, changes: Callable[[argparse.Namespace, IncidentStore], dict[str, Any]] | None = None) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from incidents.store import ReviewError

        store = _open(args)
        try:
            values = changes(args, store) if changes else {}
            incident = store.review(args.id, action, changes=values, note=args.note)
            changed = store.history(args.id)[-1].changes
        except ReviewError as error:
            return _error(command, str(error))
        finally:
            store.close()
        fields = ", ".join(f"{name} {value_text(new)}" for name, (_, new) in changed.items() if name != "review_status")
        print(f"{incident.event_id}: {incident.review_status} by {incident.reviewed_by}" + (f" ({fields})" if fields else ""))
        return 0

    return run


def _corrections(args: argparse.Namespace, store: IncidentStore) -> dict[str, Any]:
    """The fields `correct` was given; --place alone is looked up in the gazetteer (in the
    incident's country first) for its point, precision and province."""
    from incidents.store import ReviewError

    values: dict[str, Any] = {
        name: value
        for name, value in (
            ("event_date", args.date), ("event_type", args.event_type), ("sub_event_type", args.sub_event_type),
            ("actor1", args.actor1), ("fatalities", args.fatalities), ("latitude", args.lat),
            ("longitude", args.lon), ("geo_precision", args.precision),
        )
        if value is not None
    }
    if args.place is not None:
        values["place_name"] = args.place.strip()
        if args.lat is None and args.lon is None:
            incident = store.get(args.id)
            if incident is None:
                raise ReviewError(f"no incident {args.id!r} in the store")
            values.update(_looked_up(args.place, incident, args.db))
    if not values:
        raise ReviewError("nothing to correct: give --place, --lat/--lon, --actor1, --event-type, --date or --fatalities")
    return values


def _looked_up(place: str, incident: Incident, db: str | None) -> dict[str, Any]:
    from incidents.geocoding import default_geocoder, geocoder_for
    from incidents.store import ReviewError

    geocoder = default_geocoder() if db is None else geocoder_for(db)
    found = geocoder.geocode(place, country_bias=incident.iso or None)
    if found is None:
        raise ReviewError(f"no place {place!r} in the gazetteer: give its --lat and --lon too")
    raw = found.raw or {}
    return {
        "place_name": raw.get("name") or place, "latitude": found.latitude, "longitude": found.longitude,
        "geo_precision": int(raw.get("geo_precision") or 1), "admin1": raw.get("admin1") or "",
        "country": raw.get("country") or incident.country, "iso": raw.get("country_code") or incident.iso,
    }


# ---- history -----------------------------------------------------------------------------------


def history_lines(entries: Sequence[HistoryEntry]) -> list[str]:
    """One line per change, then one per field: old -> new."""
    lines = []
    for entry in entries:
        note = f" — {entry.note}" if entry.note else ""
        lines.append(f"{when_text(entry.changed_at)}  {entry.editor}  {entry.action}{note}")
        lines.extend(f"    {name}: {value_text(old)} -> {value_text(new)}" for name, (old, new) in entry.changes.items())
    return lines


def run_history(args: argparse.Namespace) -> int:
    store = _open(args)
    if store.get(args.id) is None:
        return _error("history", f"no incident {args.id!r} in the store")
    entries = store.history(args.id)
    if args.format == "jsonl":
        for entry in entries:
            print(json.dumps({
                "event_id": entry.event_id, "changed_at": entry.changed_at, "editor": entry.editor, "action": entry.action,
                "changes": {name: {"old": old, "new": new} for name, (old, new) in entry.changes.items()}, "note": entry.note,
            }, ensure_ascii=False))
        return 0
    for line in history_lines(entries):
        print(line)
    print(f"{len(entries)} change(s) to {args.id}", file=sys.stderr)
    return 0


# ---- parsers -----------------------------------------------------------------------------------


def _event_type(value: str) -> str:
    if value not in EVENT_TYPES:
        raise argparse.ArgumentTypeError(f"not one of ACLED's event types ({', '.join(EVENT_TYPES)}): {value!r}")
    return value


def _not_negative(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of 0 or more: {value!r}")
    return int(value)


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
    from incidents.commands import DB_HELP, _coordinate, _iso_date, _positive

    review = subcommands.add_parser(
        "review", help="list the review queue: proposed incidents, most doubtful first",
        description="List the incidents awaiting review (proposed), most doubtful first, with the extractor's reasons.",
    )
    review.add_argument("--limit", type=_positive, default=20, help="at most this many (default 20)")
    review.add_argument("--format", choices=("table", "jsonl"), default="table")
    review.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    review.set_defaults(handler=run_review)

    for command, action, help_text in (
        ("confirm", "confirm", "confirm an incident as it is"),
        ("reject", "reject", "reject an incident: kept off the map and out of the counts, never brought back by a re-ingest"),
    ):
        parser = subcommands.add_parser(command, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")
        parser.add_argument("id", metavar="ID", help="the incident's event_id")
        parser.add_argument("--note", default="", help="why, kept in the history")
        parser.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
        parser.set_defaults(handler=_decide(command, action))

    correct = subcommands.add_parser(
        "correct", help="correct an incident's place, actor, type, date or fatalities",
        description=(
            "Correct an incident; the fields given are kept as the reviewer's from then on (no later report or "
            "import overwrites them). --place alone is looked up in the gazetteer; with --lat and --lon it names the point."
        ),
    )
    correct.add_argument("id", metavar="ID", help="the incident's event_id")
    correct.add_argument("--place", metavar="NAME", help="the place (looked up unless --lat and --lon are given)")
    correct.add_argument("--lat", type=_coordinate(90), metavar="LAT", help="latitude, decimal degrees")
    correct.add_argument("--lon", type=_coordinate(180), metavar="LON", help="longitude, decimal degrees")
    correct.add_argument("--precision", type=int, choices=(1, 2, 3), help="geo_precision of the point (default 1 for a new point)")
    correct.add_argument("--actor1", metavar="NAME", help="actor 1 (its actor group follows from the lexicon)")
    correct.add_argument("--event-type", type=_event_type, metavar="TYPE", help="ACLED event type")
    correct.add_argument("--sub-event-type", metavar="TYPE", help="ACLED sub-event type of the event type")
    correct.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the event's date")
    correct.add_argument("--fatalities", type=_not_negative, metavar="N", help="fatalities (ACLED: the lowest figure reported)")
    correct.add_argument("--note", default="", help="why, kept in the history")
    correct.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    correct.set_defaults(handler=_decide("correct", "correct", _corrections))

    history = subcommands.add_parser(
        "history", help="show every change to an incident, with its notes",
        description="Every change to an incident, oldest first: when, by whom, what (old -> new) and why.",
    )
    history.add_argument("id", metavar="ID", help="the incident's event_id")
    history.add_argument("--format", choices=("table", "jsonl"), default="table")
    history.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    history.set_defaults(handler=run_history)
