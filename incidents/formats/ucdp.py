"""UCDP's Georeferenced Event Dataset (GED) CSV, read into incidents.

Mapping (UCDP GED codebook codes onto ACLED's, which are ours):
- event_id "UCDP-<id>"; actor1/actor2 are side_a/side_b; the actor group comes from side_a.
- date_prec 1 (exact day) -> time_precision 1 on date_start; 2-3 (a span of up to a week) -> 2 on
  the middle day of date_start..date_end; 4 (a month) -> 3 on the middle day; 5 (up to a year) ->
  3 as well, the coarsest we have: date_prec, date_start and date_end stay in `extra` to say so.
- where_prec 1 (exact place) -> geo_precision 1; 2 (within 25 km) -> 2; 3-4 (second- or first-order
  administrative unit) -> 3; 5-7 (a road or part of a country, the country, international waters)
  -> 3, "only a region or country is known": UCDP still gives a point (the unit's centroid), so the
  incident is placed, never treated as unresolved; where_prec stays in `extra`.
- fatalities = `low`, following ACLED's rule (the lowest reported number); best and high stay in `extra`.
- type_of_violence 1 (state-based) and 2 (non-state) -> Battles / Armed clash;
  3 (one-sided) -> Violence against civilians / Attack.
- the source: kind "ucdp", title = source_headline, publisher = source_article (UCDP's citation).
- every other non-empty column (conflict_name, deaths_civilians, source_original, ...) goes into `extra`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from incidents.actors import actor_group_for
from incidents.formats.fields import (
    RowError,
    RowParser,
    column_names,
    country_code,
    parse_code,
    parse_date,
    parse_int,
    parse_point,
)
from incidents.model import GeoPrecision, Incident, Source, TimePrecision

REQUIRED: tuple[str, ...] = (
    "id",
    "date_start",
    "date_end",
    "date_prec",
    "where_prec",
    "latitude",
    "longitude",
    "side_a",
    "side_b",
    "best",
    "low",
    "high",
    "type_of_violence",
)
EVENT_ID_PREFIX = "UCDP-"

_EVENT_TYPES: dict[int, tuple[str, str]] = {
    1: ("Battles", "Armed clash"),  # state-based conflict
    2: ("Battles", "Armed clash"),  # non-state conflict
    3: ("Violence against civilians", "Attack"),  # one-sided violence
}
_TIME_PRECISION: dict[int, int] = {
    1: TimePrecision.DAY,
    2: TimePrecision.WEEK,
    3: TimePrecision.WEEK,
    4: TimePrecision.MONTH,
    5: TimePrecision.MONTH,
}
_GEO_PRECISION: dict[int, int] = {
    1: GeoPrecision.PLACE,
    2: GeoPrecision.NEAR,
    **dict.fromkeys(range(3, 8), GeoPrecision.REGION),
}
# Columns read into model fields; the rest of the row goes into `extra` (date_prec, where_prec,
# type_of_violence, best, low and high are read and also kept, being UCDP's own codes).
_MODELLED = frozenset(
    {"id", "latitude", "longitude", "side_a", "side_b", "country", "adm_1", "adm_2",
     "where_coordinates", "source_headline", "source_article"}
)  # fmt: skip


def _middle(start: date, end: date) -> date:
    return start + (end - start) / 2


def row_parser(header: Sequence[str]) -> RowParser:
    """A function turning one data row of a GED file with this header into an Incident."""
    names = column_names(header)
    width = len(header)
    extra_names = list(dict.fromkeys(name for name in names if name not in _MODELLED))

    def parse(row: Sequence[str]) -> Incident:
        if len(row) != width:
            raise RowError(f"expected {width} fields, found {len(row)}")
        cells = dict(zip(names, row))
        get = cells.get
        ged_id = cells["id"].strip()
        if not ged_id:
            raise RowError("id is empty")
        violence = parse_code(cells["type_of_violence"], "type_of_violence", range(1, 4))
        if violence is None:
            raise RowError("type_of_violence is empty")
        date_precision = parse_code(cells["date_prec"], "date_prec", range(1, 6)) or 5
        start = parse_date(cells["date_start"], "date_start")
        end = parse_date(cells["date_end"], "date_end") if cells["date_end"].strip() else start
        if end < start:
            raise RowError(f"date_end {end} is before date_start {start}")
        lat, lon = parse_point(cells["latitude"], cells["longitude"])
        where_precision = parse_code(cells["where_prec"], "where_prec", range(1, 8)) or 7
        low = parse_int(cells["low"], "low", minimum=0)
        parse_int(cells["best"], "best", minimum=0)  # checked only: kept verbatim in extra
        parse_int(cells["high"], "high", minimum=0)
        event_id = f"{EVENT_ID_PREFIX}{ged_id}"
        event_type, sub_event_type = _EVENT_TYPES[violence]
        country = get("country", "")
        side_a = cells["side_a"]
        return Incident(
            event_id=event_id,
            event_date=start if date_precision == 1 else _middle(start, end),
            time_precision=int(_TIME_PRECISION[date_precision]),
            event_type=event_type,
            sub_event_type=sub_event_type,
            actor1=side_a,
            actor2=cells["side_b"],
            actor_group=actor_group_for(side_a),
            location=get("where_coordinates", ""),
            latitude=lat,
            longitude=lon,
            geo_precision=None if lat is None else int(_GEO_PRECISION[where_precision]),
            country=country,
            iso=country_code(country),
            admin1=get("adm_1", ""),
            admin2=get("adm_2", ""),
            fatalities=low,
            source_kind="ucdp",
            sources=[
                Source(
                    kind="ucdp",
                    title=get("source_headline", ""),
                    publisher=get("source_article", ""),
                    source_id=event_id,
                )
            ],
            extra={name: cells[name] for name in extra_names if cells[name]},
        )

    return parse
