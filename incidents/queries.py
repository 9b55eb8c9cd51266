"""The page's questions, answered by the database: counts, the map's layer for a viewport, the
daily counts under the weekly chart, actor names with their counts, and a page of rows.

Nothing here reads the store into Python whole: every answer is bounded by what the page shows
(cells in a box, at most `max_points` incidents, one row per day and group, one page of rows),
so the page's memory does not grow with the store. Every query of the incidents filters with
incidents.store.filter_clauses, the definition the CLI uses too.

The page's default view and every filter on dates, actor groups, place classes and review statuses
alone are answered by the aggregate tables the store's writers keep (incidents per day, and per map
cell of ROLLUP_CELL_DEG; migrations 6 and 7): their size grows with days and cells, not incidents. Those columns
are all they hold, so `aggregated` decides which filters they answer and `_aggregate_clauses`
applies the filter's dates, groups, place classes and statuses to them as filter_clauses does. Other filters
read the incidents: the map's box through PostGIS's GiST index on PostgreSQL, and through the
covering (actor_group, latitude, longitude, ...) index on SQLite (version 3); on SQLite the counts
and daily counts of a date range read the covering (event_date, ...) index alone (version 4).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from incidents.model import MAPPED_PLACE_CLASSES, IncidentFilter
from incidents.store import (
    MAPPED,
    NEWEST_FIRST,
    PLACE_CONDITIONS,
    ROLLUP_CELL_DEG,
    IncidentStore,
    daily_counts_table,
    filter_clauses,
    grid_index,
    incidents_table,
    map_cells_table,
    place_class,
    sources_table,
    value_counts,
)

# SQLite refuses a compound SELECT of more than 500 parts (SQLITE_MAX_COMPOUND_SELECT).
_GROUPS_PER_STATEMENT = 200
# ACLED lists several associated actors in one field, separated by semicolons.
ASSOCIATED_SEPARATOR = ";"


@dataclass(frozen=True)
class Box:
    """A latitude/longitude rectangle; west <= east (a box across the antimeridian is split by the caller)."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, other: Box) -> bool:
        return (
            self.south <= other.south and self.west <= other.west
            and self.north >= other.north and self.east >= other.east
        )


WORLD = Box(-90.0, -180.0, 90.0, 180.0)


@dataclass(frozen=True)
class ViewCounts:
    matching: int  # incidents the filter selects
    mapped: int  # of those, drawn on the map (the rest are country-level or unresolved)

    @property
    def listed(self) -> int:
        return self.matching - self.mapped


def aggregated(flt: IncidentFilter) -> bool:
    """Whether the store's aggregate tables answer the filter: they hold incidents by day, actor
    group, place class and review status, so a filter on those alone needs no scan of the incidents."""
    return replace(flt, date_from=None, date_to=None, actor_groups=(), places=(), statuses=()) == IncidentFilter()


def _aggregate_clauses(table: sa.Table, flt: IncidentFilter) -> list[sa.ColumnElement[bool]]:
    """filter_clauses for an aggregate table (`aggregated(flt)` holds)."""
    c = table.c
    clauses = [c.n != 0]  # a key whose incidents all changed keeps a row of zero
    if flt.date_from and "event_date" in c:
        clauses.append(c.event_date >= flt.date_from)
    if flt.date_to and "event_date" in c:
        clauses.append(c.event_date <= flt.date_to)
    if flt.actor_groups:
        clauses.append(c.actor_group.in_(flt.actor_groups))
    if flt.places:
        clauses.append(c.place.in_(flt.places))
    if flt.statuses:
        clauses.append(c.status.in_(flt.statuses))
    return clauses


def view_counts(store: IncidentStore, flt: IncidentFilter) -> ViewCounts:
    """How many incidents the filter selects, and how many of them the map can draw: from the
    daily aggregates where they answer the filter, else one scan."""
    if aggregated(flt):
        d = daily_counts_table.c
        mapped = sa.func.coalesce(sa.func.sum(sa.case((d.place.in_(MAPPED_PLACE_CLASSES), d.n), else_=0)), 0)
        stmt = sa.select(sa.func.coalesce(sa.func.sum(d.n), 0), mapped).where(*_aggregate_clauses(daily_counts_table, flt))
    else:
        mapped = sa.func.coalesce(sa.func.sum(sa.case((MAPPED, 1), else_=0)), 0)
        stmt = sa.select(sa.func.count(), mapped).select_from(incidents_table).where(*filter_clauses(flt))
    with store.engine.connect() as conn:
        matching, on_map = conn.execute(stmt).one()
    return ViewCounts(int(matching), int(on_map))


@dataclass(frozen=True)
class Cell:
    """Incidents of one grid cell: where they are on average, how many, and of which groups."""

    latitude: float
    longitude: float
    count: int
    groups: tuple[tuple[str, int], ...]  # (actor group, incidents), most first


@dataclass(frozen=True)
class MapLayer:
    """What the map shows of a box: single incidents when few enough, else cells of `cell_deg`."""

    box: Box
    cell_deg: float
    in_box: int  # drawable incidents in the box, exactly
    cells: tuple[Cell, ...] = ()
    points: tuple[dict[str, Any], ...] | None = None  # POINT_COLUMNS per incident, newest first
    max_points: int = 0

    @property
    def mode(self) -> str:
        return "points" if self.points is not None else "cells"


# What a single incident's marker, tooltip and popup need.
POINT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "actor2", "assoc_actor_2", "actor_group", "attribution", "attributed_by", "location", "place_name",
    "country", "latitude", "longitude", "geo_precision", "fatalities", "injuries", "casualties_reported",
    "source_sentence", "source_count", "review_status", "reviewed_by", "reviewed_at",
)


def box_clause(store: IncidentStore, box: Box) -> sa.ColumnElement[bool]:
    """Incidents inside the box: PostGIS's && on the GiST-indexed geometry, or a range on SQLite."""
    c = incidents_table.c
    if box == WORLD:
        return sa.true()
    if store.dialect == "postgresql":
        envelope = sa.func.ST_MakeEnvelope(box.west, box.south, box.east, box.north, 4326)
        return sa.literal_column("incidents.geom").op("&&")(envelope)
    return sa.and_(c.latitude.between(box.south, box.north), c.longitude.between(box.west, box.east))


def map_layer(
    store: IncidentStore,
    flt: IncidentFilter,
    box: Box,
    cell_deg: float,
    *,
    max_points: int,
    groups: Sequence[str] | None = None,
) -> MapLayer:
    """The drawable incidents of the filter inside the box: counted in cells of `cell_deg`
    degrees, and fetched one by one when there are at most `max_points` of them.

    `groups` are the actor groups in the store (Summary.actor_groups); SQLite counts group by
    group over its map index (see _cell_statements). The counts are exact: the cells add up to
    `in_box`.
    """
    where = [*filter_clauses(flt), MAPPED, box_clause(store, box)]
    if flt.actor_groups:
        groups = flt.actor_groups
    elif groups is None:
        groups = store.summary().actor_groups
    # Single incidents are read through the box's index (on SQLite: the map index, group by group).
    in_groups = [sa.or_(*(incidents_table.c.actor_group == g for g in groups))] if store.dialect == "sqlite" and groups else []
    per_cell: dict[tuple[int, int], list[Any]] = {}
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            # The planner cannot guess how many rows the place-class condition keeps (it guesses a few
            # thousand of a million) and sorts, on disk, to group; hashing is twice as fast here.
            # SET LOCAL: for this transaction only, which ends with the connection.
            conn.exec_driver_sql("SET LOCAL enable_sort = off")
        cells_counted = True
        if _cells_aggregated(conn, flt, box, cell_deg):
            statements: Sequence[sa.Executable] = [_aggregated_cells(flt, box, cell_deg)]
        elif (in_box := _count_up_to(conn, [*where, *in_groups], max_points + 1)) <= max_points:
            statements, cells_counted = [], False  # single incidents: no cells to count
        else:
            statements = _cell_statements(store.dialect, where, cell_deg, groups)
        for stmt in statements:
            for group, y, x, n, latitude_sum, longitude_sum in conn.execute(stmt):
                entry = per_cell.setdefault((y, x), [0, 0.0, 0.0, Counter()])
                entry[0] += n
                entry[1] += latitude_sum
                entry[2] += longitude_sum
                entry[3][group] += n
        if cells_counted:
            in_box = sum(entry[0] for entry in per_cell.values())
        points = None
        if in_box <= max_points:
            rows = _points(conn, [*where, *in_groups])
            # Sorted here: a sort in SQL would make SQLite walk the date index over the whole store.
            points = tuple(sorted(rows, key=lambda r: (r["event_date"], r["event_id"]), reverse=True))
            in_box = len(points)  # exact, where the aggregates' cells place one on the box's edge beyond it
            per_cell.clear()  # drawn one by one
    cells = tuple(
        Cell(round(lat_sum / n, 5), round(lng_sum / n, 5), n, tuple(groups_in.most_common()))
        for (_, _), (n, lat_sum, lng_sum, groups_in) in sorted(per_cell.items())
    )
    return MapLayer(box, cell_deg, in_box, cells, points, max_points)


def _cells_aggregated(conn: sa.Connection, flt: IncidentFilter, box: Box, cell_deg: float) -> bool:
    """Whether the map-cell aggregates answer: cells that are unions of theirs (a whole multiple of
    ROLLUP_CELL_DEG) in a box whose edges are theirs (as the page snaps it), and a filter on actor
    groups, place classes and statuses only, its dates (if any) covering every stored incident (the cells
    hold no dates)."""
    if not aggregated(flt) or not _on_grid(cell_deg, ROLLUP_CELL_DEG) or cell_deg < ROLLUP_CELL_DEG:
        return False
    edges = (box.south + 90, box.north + 90, box.west + 180, box.east + 180)
    if not all(_on_grid(edge, ROLLUP_CELL_DEG) for edge in edges):
        return False
    if flt.date_from is None and flt.date_to is None:
        return True
    d = daily_counts_table.c  # the stored days, from the small table: no look-up of the incidents
    first, last = conn.execute(sa.select(sa.func.min(d.event_date), sa.func.max(d.event_date)).where(d.n != 0)).one()
    return first is None or (
        (flt.date_from is None or flt.date_from <= first) and (flt.date_to is None or flt.date_to >= last)
    )


def _on_grid(value: float, size: float) -> bool:
    """Whether a number of degrees is a whole number of grid cells of `size`."""
    return math.isclose(value / size, round(value / size), abs_tol=1e-9)


def _aggregated_cells(flt: IncidentFilter, box: Box, cell_deg: float) -> sa.Select[Any]:
    """(group, y, x, incidents, latitude sum, longitude sum) per cell of `cell_deg`, summed from the
    map-cell aggregates. Their cells lie inside the box or outside it (its edges are on their
    grid), so a count is that of the box's incidents, but for one exactly on its north or east
    edge, which this counts in the cell beyond."""
    m = map_cells_table.c
    ratio = round(cell_deg / ROLLUP_CELL_DEG)
    y, x = (m.y // ratio).label("y"), (m.x // ratio).label("x")
    where = _aggregate_clauses(map_cells_table, flt)
    if box != WORLD:
        where += [
            m.y.between(math.floor((box.south + 90) / ROLLUP_CELL_DEG), math.ceil((box.north + 90) / ROLLUP_CELL_DEG) - 1),
            m.x.between(math.floor((box.west + 180) / ROLLUP_CELL_DEG), math.ceil((box.east + 180) / ROLLUP_CELL_DEG) - 1),
        ]
    return (
        # PostgreSQL sums bigints into numerics: cast back to integers.
        sa.select(m.actor_group, y, x, sa.cast(sa.func.sum(m.n), sa.BigInteger), sa.func.sum(m.latitude_sum),
                  sa.func.sum(m.longitude_sum))
        .where(*where)
        .group_by(m.actor_group, y, x)
    )


def _cell_statements(
    dialect: str, where: Sequence[sa.ColumnElement[bool]], cell_deg: float, groups: Sequence[str]
) -> list[sa.Select[Any]] | list[sa.CompoundSelect[Any]]:
    """Incidents and the sums of their coordinates per (group, cell row, cell column).

    PostgreSQL groups by hashing, in one statement. SQLite groups by sorting, and sorting a
    million rows by a text key takes seconds: it counts one group at a time (a range of its map
    index, grouped by two integers), in a UNION ALL of one part per group; with no groups known,
    in one statement too.
    """
    c = incidents_table.c
    y = grid_index(c.latitude, 90, cell_deg, dialect).label("y")
    x = grid_index(c.longitude, 180, cell_deg, dialect).label("x")
    measures = (sa.func.count().label("n"), sa.func.sum(c.latitude), sa.func.sum(c.longitude))
    if dialect == "postgresql" or not groups:
        return [
            sa.select(c.actor_group, y, x, *measures)
            .where(*where, c.actor_group.in_(groups) if groups else sa.true())
            .group_by(c.actor_group, y, x)
        ]
    statements = []
    for start in range(0, len(groups), _GROUPS_PER_STATEMENT):
        parts = [
            sa.select(sa.literal(group).label("actor_group"), y, x, *measures)
            .where(*where, c.actor_group == group)
            .group_by(y, x)
            for group in groups[start : start + _GROUPS_PER_STATEMENT]
        ]
        statements.append(parts[0] if len(parts) == 1 else sa.union_all(*parts))
    return statements


def _count_up_to(conn: sa.Connection, where: Sequence[sa.ColumnElement[bool]], limit: int) -> int:
    """How many incidents the conditions select, counted no further than `limit`: a box that
    holds few enough to draw one by one needs no cells, and one that holds many stops early."""
    selected = sa.select(sa.literal(1)).select_from(incidents_table).where(*where).limit(limit).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(selected)).scalar_one())


def _points(conn: sa.Connection, where: Sequence[sa.ColumnElement[bool]]) -> list[dict[str, Any]]:
    c, s = incidents_table.c, sources_table.c
    stmt = (
        sa.select(
            *(c[name] for name in POINT_COLUMNS),
            s.title.label("source_title"),
            s.publisher.label("source_publisher"),
            s.url.label("source_url"),
        )
        .select_from(incidents_table.outerjoin(sources_table, s.source_id == c.primary_source_id))
        .where(*where)
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]


def daily_counts(store: IncidentStore, flt: IncidentFilter) -> list[tuple[date, str, int]]:
    """(day, actor group, incidents) for the filter: at most one row per day and group, from the
    daily aggregates where they answer the filter.

    Grouped by group first: SQLite then reads its (actor_group, event_date) index in order and
    needs no sort.
    """
    if aggregated(flt):
        d = daily_counts_table.c
        stmt = (
            sa.select(d.event_date, d.actor_group, sa.func.sum(d.n))
            .where(*_aggregate_clauses(daily_counts_table, flt))
            .group_by(d.actor_group, d.event_date)
        )
    else:
        c = incidents_table.c
        stmt = (
            sa.select(c.event_date, c.actor_group, sa.func.count())
            .where(*filter_clauses(flt))
            .group_by(c.actor_group, c.event_date)
        )
    with store.engine.connect() as conn:
        return [(day, group, int(n)) for day, group, n in conn.execute(stmt)]


def actor_counts(store: IncidentStore) -> list[tuple[str, int]]:
    """Every actor name in actor 1, associated actor (ACLED's lists split on ';') or actor 2, with
    the number of times incidents name it there; most named first.

    An incident naming one actor in two roles counts twice: the number tells how present a name
    is, the page's count line gives the exact number of incidents once it is picked.
    """
    names: Counter[str] = Counter()
    for column in ("actor1", "actor2", "assoc_actor_1"):  # counted by the store as it writes (value_counts)
        for value, n in value_counts(store, column):
            parts = value.split(ASSOCIATED_SEPARATOR) if column == "assoc_actor_1" else [value]
            for part in parts:
                if part.strip():
                    names[part.strip()] += n
    return sorted(names.items(), key=lambda item: (-item[1], item[0].casefold()))


TABLE_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "location", "country", "actor_group", "actor1", "event_type", "fatalities",
    "place", "source_kind", "source_title", "source_url", "latitude", "longitude", "review_status",
)


def newest_rows(store: IncidentStore, flt: IncidentFilter, *, limit: int) -> list[dict[str, Any]]:
    """The newest `limit` incidents of the filter as TABLE_COLUMNS (`place`: the PLACE_CLASSES value).

    The page's ids are picked first (from an index where the filter allows), and only those rows
    are read and joined to their first source.
    """
    c, s = incidents_table.c, sources_table.c
    ids = sa.select(c.event_id).where(*filter_clauses(flt)).order_by(*NEWEST_FIRST).limit(limit)
    stmt = (
        sa.select(
            c.event_id, c.event_date, c.location, c.country, c.actor_group, c.actor1, c.event_type, c.fatalities,
            place_class().label("place"), c.source_kind, s.title.label("source_title"), s.url.label("source_url"),
            c.latitude, c.longitude, c.review_status,
        )
        .select_from(incidents_table.outerjoin(sources_table, s.source_id == c.primary_source_id))
        .where(c.event_id.in_(ids.scalar_subquery()))
        .order_by(*NEWEST_FIRST)
    )
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(stmt).mappings()]


def unresolved_places(store: IncidentStore) -> list[tuple[str, int]]:
    """Place texts of unresolved incidents with how many incidents each would place, most first."""
    c = incidents_table.c
    n = sa.func.count()
    stmt = (
        sa.select(c.location, n)
        .where(PLACE_CONDITIONS["unresolved"], c.location != "")
        .group_by(c.location)
        .order_by(n.desc(), c.location)
    )
    with store.engine.connect() as conn:
        return [(location, int(count)) for location, count in conn.execute(stmt)]
