"""ACLED's CSV: read its current and 2020 column sets, and write incidents in its current one.

Mapping (ACLED's codebook conventions are already ours, see incidents/model.py):
- `event_id_cnty` (stripped) is the event id: a newer export corrects the same event in place.
- `iso` is ISO 3166-1 numeric; we keep alpha-2 (from `iso`, else from `country`) and keep the
  numeric in `extra` only when the alpha-2 code cannot give it back (Kosovo is 0).
- An empty precision code is read as the least precise level, 3 (month; region), because claiming
  more exactness than the source gives is worse than less. Without coordinates geo_precision is None.
- `source` (ACLED's list of publishers) becomes one Source of kind "acled" whose publisher is that text.
- Every other column (inter1, disorder_type, tags, the 2020 set's data_id and iso3, ...) goes into
  `extra` verbatim when not empty, so that export writes it back.

The export adds our own columns after ACLED's (OUR_COLUMNS); reading such a file restores every
field, whatever the incident's source kind, its review status included (an ACLED file has none: the
store makes its rows `imported`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from operator import itemgetter

from incidents.actors import actor_group_for
from incidents.formats.fields import (
    RowError,
    RowParser,
    alpha_2_from_numeric,
    column_names,
    country_code,
    numeric_country_code,
    parse_code,
    parse_date,
    parse_int,
    parse_point,
)
from incidents.model import (
    ATTRIBUTIONS,
    REVIEW_STATUSES,
    SOURCE_KINDS,
    GeoPrecision,
    Incident,
    Source,
    TimePrecision,
    source_from_record,
    source_to_record,
)

# ACLED's current column set, in its order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# Our fields that ACLED has no column for; `sources` and `extra` are JSON (every source; the
# imported columns that have no column here), so that a file we wrote reads back unchanged.
OUR_COLUMNS: tuple[str, ...] = (
    "actor_group",
    "attribution",
    "attributed_by",
    "place_name",
    "injuries",
    "casualties_reported",
    "munitions",
    "source_kind",
    "source_title",
    "source_url",
    "source_sentence",
    "sources",
    "extra",
    "review_status",
    "reviewed_by",
    "reviewed_at",
    "doubts",
    "cues",
)
EXPORT_COLUMNS: tuple[str, ...] = ACLED_COLUMNS + OUR_COLUMNS

# The columns that identify an ACLED file (present in both the current and the 2020 set).
REQUIRED: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "location",
    "latitude",
    "longitude",
)
# Columns read into model fields; every other column of the file goes into `extra`.
_MODELLED = frozenset(
    {
        "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
        "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country", "admin1", "admin2",
        "admin3", "location", "latitude", "longitude", "geo_precision", "source", "notes",
        "fatalities", "timestamp", *OUR_COLUMNS,
    }
)  # fmt: skip
# ACLED columns whose values live in `extra` (export writes them back into their own column).
_ACLED_EXTRA_COLUMNS: tuple[str, ...] = tuple(c for c in ACLED_COLUMNS if c not in _MODELLED)


def acled_source(event_id: str, publishers: str, kind: str = "acled") -> Source:
    """The Source of an ACLED row: the data set's record, naming the publishers ACLED lists."""
    return Source(kind=kind, title=f"ACLED {event_id}", publisher=publishers, source_id=event_id)


# The columns row_parser reads into model fields, in the order its parse function unpacks them.
_READ: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "actor_group", "attribution", "attributed_by",
    "location", "place_name", "latitude", "longitude", "geo_precision", "country", "iso", "admin1",
    "admin2", "admin3", "fatalities", "injuries", "casualties_reported", "munitions", "notes",
    "source_sentence", "source_kind", "sources", "source", "timestamp", "extra", "review_status", "reviewed_by",
    "reviewed_at", "doubts", "cues",
)  # fmt: skip


def row_parser(header: Sequence[str]) -> RowParser:
    """A function turning one data row of a file with this header into an Incident."""
    names = column_names(header)
    width = len(header)
    # Where each column is; a repeated name reads its last column. A column the file lacks reads
    # the empty cell appended to each row. One itemgetter call fetches every cell of a row.
    position = {name: i for i, name in enumerate(names)}
    read_cells = itemgetter(*(position.get(name, width) for name in _READ))
    extra_positions = [(name, position[name]) for name in dict.fromkeys(names) if name not in _MODELLED]

    def parse(row: Sequence[str]) -> Incident:
        if len(row) != width:
            raise RowError(f"expected {width} fields, found {len(row)}")
        cells = [*row, ""]
        (
            event_id, event_date, time_precision, event_type, sub_event_type, actor1,
            assoc_actor_1, actor2, assoc_actor_2, actor_group, attribution, attributed_by,
            location, place_name, latitude, longitude, geo_precision, country, numeric_iso, admin1,
            admin2, admin3, fatalities, injuries, casualties_reported, munitions, notes,
            source_sentence, kind, sources, publishers, timestamp, extra_json, review_status, reviewed_by,
            reviewed_at, doubts, cues,
        ) = read_cells(cells)  # fmt: skip
        event_id = event_id.strip()
        if not event_id:
            raise RowError("event_id_cnty is empty")
        lat, lon = parse_point(latitude, longitude)
        precision = parse_code(geo_precision, "geo_precision", range(1, 4))
        if lat is None:
            precision = None  # a precision without a point locates nothing
        elif precision is None:
            precision = GeoPrecision.REGION.value
        when = parse_code(time_precision, "time_precision", range(1, 4))

        extra = {name: cells[i] for name, i in extra_positions if cells[i]}
        extra.update(_json_extra(extra_json))
        numeric_iso = numeric_iso.strip()
        iso = alpha_2_from_numeric(numeric_iso) or country_code(country)
        if numeric_iso and numeric_iso != numeric_country_code(iso):
            extra["iso"] = numeric_iso  # not an ISO country (ACLED's Kosovo is 0): keep it verbatim

        kind = kind.strip() or "acled"
        if kind not in SOURCE_KINDS:
            raise RowError(f"source_kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        return Incident(
            event_id=event_id,
            event_date=parse_date(event_date, "event_date"),
            time_precision=TimePrecision.MONTH.value if when is None else when,
            event_type=event_type,
            sub_event_type=sub_event_type,
            actor1=actor1,
            assoc_actor_1=assoc_actor_1,
            actor2=actor2,
            assoc_actor_2=assoc_actor_2,
            actor_group=actor_group or actor_group_for(actor1),
            attribution=_attribution(attribution),
            attributed_by=attributed_by,
            location=location,
            place_name=place_name,
            latitude=lat,
            longitude=lon,
            geo_precision=precision,
            country=country,
            iso=iso,
            admin1=admin1,
            admin2=admin2,
            admin3=admin3,
            fatalities=parse_int(fatalities, "fatalities", minimum=0),
            injuries=parse_int(injuries, "injuries", minimum=0),
            casualties_reported=_flag(casualties_reported),
            munitions=munitions,
            notes=notes,
            source_sentence=source_sentence,
            source_kind=kind,
            sources=_json_sources(sources) if sources else [acled_source(event_id, publishers, kind)],
            timestamp=parse_int(timestamp, "timestamp"),
            extra=extra,
            review_status=_review_status(review_status),
            reviewed_by=reviewed_by,
            reviewed_at=parse_int(reviewed_at, "reviewed_at"),
            doubts=doubts,
            cues=_json_extra(cues, "cues"),
        )

    return parse


def _review_status(text: str) -> str:
    """Our export's review status; empty (an ACLED file) leaves it to the store (imported)."""
    value = text.strip()
    if value and value not in REVIEW_STATUSES:
        raise RowError(f"review_status {value!r} is not one of {', '.join(REVIEW_STATUSES)}")
    return value


def _attribution(text: str) -> str:
    value = text.strip() or "unknown"
    if value not in ATTRIBUTIONS:
        raise RowError(f"attribution {value!r} is not one of {', '.join(ATTRIBUTIONS)}")
    return value


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise RowError(f"casualties_reported {text!r} is not true or false")


def _json_sources(text: str) -> list[Source]:
    try:
        records = json.loads(text)
        return [source_from_record(record) for record in records]
    except (ValueError, TypeError, AttributeError) as error:
        raise RowError(f"sources is not a JSON list of sources ({error})") from None


def _json_extra(text: str, column: str = "extra") -> dict[str, str]:
    if not text:
        return {}
    try:
        values = json.loads(text)
    except ValueError as error:
        raise RowError(f"{column} is not JSON ({error})") from None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise RowError(f"{column} is not a JSON object of strings")
    return values


def _number(value: float | int | None) -> str:
    # repr of a float is the shortest text that reads back as the same float.
    return "" if value is None else repr(value) if isinstance(value, float) else str(int(value))


def to_acled_row(incident: Incident) -> dict[str, str]:
    """One incident as a row of EXPORT_COLUMNS: ACLED's columns first, then ours."""
    extra = incident.extra
    first_source = incident.sources[0] if incident.sources else Source()
    # `iso` has its own column; the rest of `extra` without a column of its own goes into our `extra`.
    leftover = {k: v for k, v in extra.items() if k != "iso" and k not in _ACLED_EXTRA_COLUMNS}
    row = {name: extra.get(name, "") for name in _ACLED_EXTRA_COLUMNS}
    row.update(
        event_id_cnty=incident.event_id,
        event_date=incident.event_date.isoformat(),
        year=str(incident.event_date.year),
        time_precision=_number(incident.time_precision),
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        actor1=incident.actor1,
        assoc_actor_1=incident.assoc_actor_1,
        actor2=incident.actor2,
        assoc_actor_2=incident.assoc_actor_2,
        iso=extra.get("iso") or numeric_country_code(incident.iso),
        country=incident.country,
        admin1=incident.admin1,
        admin2=incident.admin2,
        admin3=incident.admin3,
        location=incident.location,
        latitude=_number(incident.latitude),
        longitude=_number(incident.longitude),
        geo_precision=_number(incident.geo_precision),
        source="; ".join(dict.fromkeys(s.publisher for s in incident.sources if s.publisher)),
        notes=incident.notes,
        fatalities=_number(incident.fatalities),
        timestamp=_number(incident.timestamp),
        actor_group=incident.actor_group,
        attribution=incident.attribution,
        attributed_by=incident.attributed_by,
        place_name=incident.place_name,
        injuries=_number(incident.injuries),
        casualties_reported="true" if incident.casualties_reported else "false",
        munitions=incident.munitions,
        source_kind=incident.source_kind,
        source_title=first_source.title,
        source_url=first_source.url,
        source_sentence=incident.source_sentence,
        sources=json.dumps([source_to_record(s) for s in incident.sources], ensure_ascii=False),
        extra=json.dumps(leftover, ensure_ascii=False) if leftover else "",
        review_status=incident.review_status,
        reviewed_by=incident.reviewed_by,
        reviewed_at=_number(incident.reviewed_at),
        doubts=incident.doubts,
        cues=json.dumps(incident.cues, ensure_ascii=False) if incident.cues else "",
    )
    return row
