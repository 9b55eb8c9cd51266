"""The incident store: SQLAlchemy Core over SQLite by default, or a team's PostgreSQL/PostGIS server.

Three tables (see incidents/migrations.py): `incidents` (one row per event, the model's scalar
fields), `sources` (articles and imported rows) and `incident_sources` (which source reported
which incident, with the sentence it used). Every write is one transaction; an import is one
transaction per batch. `filter_clauses` is the one definition of what a filter selects: the CLI,
the exports and the page (incidents/queries.py) all build their SQL from it.
"""

from __future__ import annotations

import gc
import hashlib
import math
import operator
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from incidents.migrations import AGGREGATES_VERSIONS, LATEST_VERSION, current_version, migrate
from incidents.model import (
    MAPPED_PLACE_CLASSES,
    REVIEWED_STATUSES,
    UNIDENTIFIED_GROUP,
    GeoPrecision,
    Incident,
    IncidentFilter,
    Source,
    doubt_score,
    initial_review_status,
    stable_id,
    with_doubt,
)
from incidents.settings import default_db_url, to_db_url

if TYPE_CHECKING:
    import pandas


# Incident fields stored as columns of their own; `sources` and `extra` are stored apart.
_TYPES: dict[str, type[sa.types.TypeEngine[Any]]] = {
    "str": sa.Text,
    "date": sa.Date,
    "int": sa.Integer,
    "float": sa.Float,
    "bool": sa.Boolean,
}
# The review's fields: written when an incident is first stored, then changed by reviews (and a
# merged report's disagreement) only; no writer's content update or content hash covers them.
REVIEW_FIELDS: tuple[str, ...] = ("review_status", "reviewed_by", "reviewed_at", "doubts")
# The content: every other scalar field.
SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Incident) if f.name not in ("sources", "extra", "cues", *REVIEW_FIELDS)
)


def _column_type(annotation: str) -> type[sa.types.TypeEngine[Any]]:
    return _TYPES[annotation.removesuffix(" | None")]


_metadata = sa.MetaData()
# The current schema, for building queries; incidents/migrations.py creates and evolves it.
incidents_table = sa.Table(
    "incidents",
    _metadata,
    *(
        sa.Column(f.name, _column_type(str(f.type)), primary_key=f.name == "event_id")
        for f in fields(Incident)
        if f.name in (*SCALAR_FIELDS, *REVIEW_FIELDS)
    ),
    sa.Column("extra", sa.JSON),
    sa.Column("place_key", sa.Text),
    sa.Column("location_key", sa.Text),
    sa.Column("row_hash", sa.String(64)),
    sa.Column("primary_source_id", sa.String(128)),
    sa.Column("source_count", sa.Integer),
    sa.Column("doubt", sa.Integer),  # doubt_score(doubts): the review queue's order
    sa.Column("cues", sa.JSON),
    sa.Column("corrected", sa.Text),  # the fields a reviewer corrected, comma-separated (CORRECTABLE_FIELDS)
)
sources_table = sa.Table(
    "sources",
    _metadata,
    sa.Column("source_id", sa.String(128), primary_key=True),
    sa.Column("kind", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("publisher", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
)
links_table = sa.Table(
    "incident_sources",
    _metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("source_id", sa.String(128), primary_key=True),
    sa.Column("sentence", sa.Text),
    sa.Column("reported_event_id", sa.String(64)),
)
# Every change to an incident, by a person or a writer, written in the transaction that makes it.
history_table = sa.Table(
    "review_history",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64)),
    sa.Column("changed_at", sa.BigInteger),
    sa.Column("editor", sa.Text),
    sa.Column("action", sa.String(16)),
    sa.Column("fields", sa.Text),
    sa.Column("old", sa.JSON),
    sa.Column("new", sa.JSON),
    sa.Column("note", sa.Text),
)
# One row: a number every write transaction raises, so readers (the page's caches) can tell that
# the store changed, whichever process changed it.
state_table = sa.Table(
    "store_state",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger),
)
# How many incidents hold each value of COUNTED_COLUMNS: the filter widgets' options without a scan.
value_counts_table = sa.Table(
    "value_counts",
    _metadata,
    sa.Column("field", sa.String(32), primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("n", sa.BigInteger),
)
COUNTED_COLUMNS: tuple[str, ...] = ("actor_group", "event_type", "source_kind", "actor1", "assoc_actor_1", "actor2")
# The page's aggregates (migrations 6 and 7), kept by every writer in the same transaction as the
# rows (_AggregateChanges): incidents per day, actor group, place class and review status (the counts
# and the weekly chart of a date range), and the drawable incidents per map cell of
# ROLLUP_CELL_DEG, actor group, place class and review status (the map's cells when zoomed out; a
# coarser cell is a union of these).
ROLLUP_CELL_DEG = 360 / 2**10
daily_counts_table = sa.Table(
    "daily_counts",
    _metadata,
    sa.Column("event_date", sa.Date, primary_key=True),
    sa.Column("actor_group", sa.Text, primary_key=True),
    sa.Column("place", sa.String(16), primary_key=True),
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
map_cells_table = sa.Table(
    "map_cells",
    _metadata,
    sa.Column("y", sa.BigInteger, primary_key=True),
    sa.Column("x", sa.BigInteger, primary_key=True),
    sa.Column("actor_group", sa.Text, primary_key=True),
    sa.Column("place", sa.String(16), primary_key=True),
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.Column("latitude_sum", sa.Float, nullable=False),
    sa.Column("longitude_sum", sa.Float, nullable=False),
)
NEWEST_FIRST = (incidents_table.c.event_date.desc(), incidents_table.c.event_id.desc())


@dataclass
class IngestResult:
    """What one article did to the store."""

    added: int = 0
    merged: int = 0  # reports of an incident another source had already given
    unchanged: int = 0  # already ingested from this source
    unresolved: int = 0  # added or merged incidents whose place has no coordinates

    def __iadd__(self, other: IngestResult) -> IngestResult:
        self.added += other.added
        self.merged += other.merged
        self.unchanged += other.unchanged
        self.unresolved += other.unresolved
        return self


@dataclass
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # identical to the stored row, or older than it


@dataclass(frozen=True)
class Summary:
    count: int
    min_date: date | None
    max_date: date | None
    actor_groups: tuple[str, ...]


@dataclass
class Facets:
    """The values present in the store, for filter widgets."""

    actor_groups: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    source_kinds: list[str] = field(default_factory=list)
    min_date: date | None = None
    max_date: date | None = None
    count: int = 0
    extent: tuple[float, float, float, float] | None = None  # south, west, north, east of the mapped incidents, to their cells' edges


def normalise_place_text(text: str) -> str:
    """Place text compared case- and space-insensitively ("Al  Asad" == "al asad")."""
    return " ".join(text.casefold().split())


def place_key(incident: Incident) -> str:
    """The "same place" half of the merge rule: rounded coordinates, else the place text."""
    if incident.latitude is not None and incident.longitude is not None:
        # Two decimals is about a kilometre: reports geocoded to the same gazetteer entry agree.
        return f"{incident.latitude:.2f},{incident.longitude:.2f}"
    return "text:" + normalise_place_text(incident.location)


def source_key(source: Source) -> str:
    """A source's id, or a stable one derived from what identifies it."""
    return source.source_id or stable_id(source.kind, source.title, source.url, source.published, prefix="S")


_scalar_values = operator.attrgetter(*SCALAR_FIELDS)  # one C call per incident: imports do a million
_TIME_PRECISION, _GEO_PRECISION, _TIMESTAMP = (
    SCALAR_FIELDS.index(name) for name in ("time_precision", "geo_precision", "timestamp")
)


# The incidents columns an incident's content fills, in table order (the source columns are the writer's).
ROW_COLUMNS: tuple[str, ...] = (*SCALAR_FIELDS, "extra", "place_key", "location_key", "row_hash")
_ROW_HASH = ROW_COLUMNS.index("row_hash")
_LOOKUP_IDS = 500  # ids per look-up of stored versions: well under any database's parameter limit
_AGGREGATE_IDS = 1000  # ids per statement that updates the aggregate tables for changed rows
assert ROW_COLUMNS[0] == "event_id"  # upsert's UPDATE moves the first value to its WHERE clause


def _incident_values(incident: Incident) -> list[Any]:
    """The values of ROW_COLUMNS for an incident, as one list (imports build a million of them)."""
    values = list(_scalar_values(incident))
    # IntEnum members (TimePrecision.DAY) become plain ints, so that hashes compare equal.
    values[_TIME_PRECISION] = int(values[_TIME_PRECISION])
    if values[_GEO_PRECISION] is not None:
        values[_GEO_PRECISION] = int(values[_GEO_PRECISION])
    # The content without the timestamp: equal hashes mean an import changes nothing.
    content = (
        values[:_TIMESTAMP] + values[_TIMESTAMP + 1 :],
        sorted(incident.extra.items()),
        sorted([(source_key(s), s.kind, s.title, s.publisher, s.url, s.published, s.sentence) for s in incident.sources]),
    )
    values += (
        incident.extra,
        place_key(incident),
        normalise_place_text(incident.location),
        hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest(),
    )
    return values


def _incident_row(incident: Incident) -> dict[str, Any]:
    return dict(zip(ROW_COLUMNS, _incident_values(incident)))


_SOURCE_COLUMNS: tuple[str, ...] = ("source_id", "kind", "title", "publisher", "url", "published")


def _source_values(source: Source) -> list[Any]:
    return [source_key(source), source.kind, source.title, source.publisher, source.url, source.published]


def _source_row(source: Source) -> dict[str, Any]:
    return dict(zip(_SOURCE_COLUMNS, _source_values(source)))


def _incident_from_row(row: sa.RowMapping) -> Incident:
    return Incident(
        **{name: row[name] for name in (*SCALAR_FIELDS, *REVIEW_FIELDS)},
        extra=dict(row["extra"] or {}), cues=dict(row["cues"] or {}),
    )


# What a new incident's review starts from, after its content: written only by an insert.
REVIEW_COLUMNS: tuple[str, ...] = (*REVIEW_FIELDS, "doubt", "cues")


def _review_values(incident: Incident) -> list[Any]:
    """REVIEW_COLUMNS of a new incident: its status (initial_review_status unless it carries one,
    as an exported file does), its reviewer, and the extractor's doubts and cues."""
    status = incident.review_status or initial_review_status(incident.source_kind)
    return [status, incident.reviewed_by, incident.reviewed_at, incident.doubts, doubt_score(incident.doubts), incident.cues]


# A new incident's row as an import writes it: the content, its sources' columns, its review.
NEW_ROW_COLUMNS: tuple[str, ...] = (*ROW_COLUMNS, "primary_source_id", "source_count", *REVIEW_COLUMNS)
# Where an import stages its batch's new rows: a temporary table of the connection, in memory.
import_batch_table = sa.Table(
    "import_batch",
    sa.MetaData(),
    *(sa.Column(name, incidents_table.c[name].type) for name in NEW_ROW_COLUMNS),
    prefixes=["TEMPORARY"],
)


def _new_row_values(incident: Incident) -> list[Any]:
    """NEW_ROW_COLUMNS of an incident."""
    values = _incident_values(incident)
    sources = incident.sources
    values.append(source_key(sources[0]) if sources else None)
    values.append(len({source_key(s) for s in sources}))
    values += _review_values(incident)
    return values


@dataclass
class _ImportBatch:
    rows: dict[str, tuple[Incident, list[Any]]]  # the newest record of each id, with its NEW_ROW_COLUMNS
    size: int  # records read
    repeated: int  # records a later one of the same id in the batch replaces


def _import_batches(incidents: Iterable[Incident], size: int) -> Iterator[_ImportBatch]:
    """The records in batches of `size`, with the values upsert writes (the work needing no database)."""
    for batch in _batches(incidents, size):
        latest: dict[str, Incident] = {}
        for incident in batch:  # the batch itself may repeat an id: the newest wins
            seen = latest.get(incident.event_id)
            if seen is None or (incident.timestamp or 0) >= (seen.timestamp or 0):
                latest[incident.event_id] = incident
        rows = {event_id: (incident, _new_row_values(incident)) for event_id, incident in latest.items()}
        yield _ImportBatch(rows, len(batch), len(batch) - len(latest))


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist now out of the cyclic collector's scans until the block ends.

    A bulk write churns millions of short-lived objects, and each batch that outlives the young
    generations sets off a full collection, which would rescan every long-lived object (modules,
    SQLAlchemy's caches, a loaded gazetteer) again: about 4% of an import. gc.freeze is CPython's
    documented way to set them aside; they return to the collector afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def place_conditions(c: sa.ColumnCollection[str, Any]) -> dict[str, sa.ColumnElement[bool]]:
    """Which rows each of PLACE_CLASSES holds, over the columns `c` (of the incidents or of a staged
    import batch); the conditions exclude each other."""
    resolved = sa.and_(c.latitude.is_not(None), c.longitude.is_not(None))
    place, near, region = int(GeoPrecision.PLACE), int(GeoPrecision.NEAR), int(GeoPrecision.REGION)
    precision = sa.func.coalesce(c.geo_precision, place)
    return {
        "place": sa.and_(resolved, precision == place),
        "near": sa.and_(resolved, precision == near),
        "region": sa.and_(resolved, precision == region, c.admin1 != ""),
        "country": sa.and_(resolved, precision == region, c.admin1 == ""),
        "unresolved": sa.or_(c.latitude.is_(None), c.longitude.is_(None)),
    }


PLACE_CONDITIONS = place_conditions(incidents_table.c)


def mapped(conditions: Mapping[str, sa.ColumnElement[bool]]) -> sa.ColumnElement[bool]:
    """Drawn on the map: a place, near one, or a province; country-level and unresolved ones are listed."""
    return sa.or_(*(conditions[name] for name in MAPPED_PLACE_CLASSES))


MAPPED = mapped(PLACE_CONDITIONS)


def place_class(conditions: Mapping[str, sa.ColumnElement[bool]] = PLACE_CONDITIONS) -> sa.ColumnElement[str]:
    """Each row's PLACE_CLASSES value, as a column."""
    return sa.case(*((condition, name) for name, condition in conditions.items()), else_="unresolved")


def grid_index(coordinate: sa.ColumnElement[float], offset: float, size: float, dialect: str) -> sa.ColumnElement[int]:
    """The number of the grid cell of `size` degrees a coordinate falls in, counted from `offset`
    (90 for latitudes, 180 for longitudes, so that it is never negative)."""
    scaled = (coordinate + offset) / sa.literal(size, sa.Float)
    # CAST truncates towards zero on SQLite: the floor of a positive number.
    index = sa.func.floor(scaled) if dialect == "postgresql" else sa.cast(scaled, sa.Integer)
    return sa.cast(index, sa.BigInteger)


def _aggregate_statements(dialect: str, rows: sa.TableClause, where: sa.ColumnElement[bool], sign: int) -> list[sa.Insert]:
    """Add (sign +1) or take out (-1) the rows of `rows` (the incidents table, or a staged batch
    of new ones) that `where` selects, to or from the aggregate tables, grouped by SQL over the rows
    themselves: the value counts, and the place classes and cells the queries use."""
    c = rows.c
    conditions = place_conditions(c)
    # Grouped by the labels: PostgreSQL does not see two renderings of an expression with bound
    # parameters as the same expression.
    place = place_class(conditions).label("place")
    status = c.review_status.label("status")
    y = grid_index(c.latitude, 90, ROLLUP_CELL_DEG, dialect).label("y")
    x = grid_index(c.longitude, 180, ROLLUP_CELL_DEG, dialect).label("x")
    daily = sa.select(c.event_date, c.actor_group, place, status, sign * sa.func.count()).where(where)
    cells = sa.select(
        y, x, c.actor_group, place, status,
        sign * sa.func.count(), sign * sa.func.sum(c.latitude), sign * sa.func.sum(c.longitude),
    ).where(where, mapped(conditions))
    # One statement for every counted column (the widgets offer no empty value).
    values = sa.union_all(*(
        sa.select(sa.literal(name, sa.String).label("field"), c[name].label("value"), (sign * sa.func.count()).label("n"))
        .where(where, c[name] != "")
        .group_by(c[name])
        for name in COUNTED_COLUMNS
    )).subquery()
    statements = []
    for table, select, keys in (
        (daily_counts_table, daily, (c.event_date, c.actor_group, place, status)),
        (map_cells_table, cells, (y, x, c.actor_group, place, status)),
        (value_counts_table, sa.select(values.c.field, values.c.value, sa.func.sum(values.c.n)), (values.c.field, values.c.value)),
    ):
        names = [column.name for column in table.columns]
        measures = names[len(keys):]
        # In key order: two writers on PostgreSQL then lock the rows they share in the same order.
        insert = _dialect_insert(dialect)(table).from_select(names, select.group_by(*keys).order_by(*keys))
        statements.append(insert.on_conflict_do_update(
            index_elements=names[: len(keys)], set_={name: table.c[name] + insert.excluded[name] for name in measures}
        ))
    return statements


class _AggregateChanges:
    """What one write transaction changes in the aggregate tables (value counts, daily counts, map
    cells): a stored row's part is taken out before the row first changes (`changing`), and every
    changed or inserted row's new part is added when the transaction's writes are done (`write`)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._changed: set[str] = set()

    def changing(self, conn: sa.Connection, event_ids: Iterable[str]) -> None:
        first_time = sorted(set(event_ids) - self._changed)
        self._apply(conn, first_time, -1)
        self._changed.update(first_time)

    def inserted(self, event_ids: Iterable[str]) -> None:
        self._changed.update(event_ids)

    def write(self, conn: sa.Connection) -> None:
        self._apply(conn, sorted(self._changed), +1)
        self._changed.clear()

    def add_staged(self, conn: sa.Connection, staged: sa.Table) -> None:
        """Add every row of a staged batch, inserted from it as they are."""
        for statement in _aggregate_statements(self.dialect, staged, sa.true(), +1):
            conn.execute(statement)

    def _apply(self, conn: sa.Connection, event_ids: list[str], sign: int) -> None:
        for chunk in _batches(event_ids, _AGGREGATE_IDS):
            for statement in _aggregate_statements(self.dialect, incidents_table, incidents_table.c.event_id.in_(chunk), sign):
                conn.execute(statement)


def rebuild_aggregates(conn: sa.Connection, dialect: str) -> None:
    """The aggregate tables counted afresh from every stored row (after a migration that changes them)."""
    for table in (value_counts_table, daily_counts_table, map_cells_table):
        conn.execute(table.delete())
    for statement in _aggregate_statements(dialect, incidents_table, sa.true(), +1):
        conn.execute(statement)


def filter_clauses(flt: IncidentFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses for a filter; values are bound parameters, never pasted into SQL."""
    c = incidents_table.c
    clauses: list[sa.ColumnElement[bool]] = []
    if flt.date_from:
        clauses.append(c.event_date >= flt.date_from)
    if flt.date_to:
        clauses.append(c.event_date <= flt.date_to)
    if flt.actor_groups:
        clauses.append(c.actor_group.in_(flt.actor_groups))
    if flt.actors:
        clauses.append(
            sa.or_(
                *(
                    column.icontains(actor, autoescape=True)
                    for actor in flt.actors
                    for column in (c.actor1, c.assoc_actor_1, c.actor2)
                )
            )
        )
    if flt.event_types:
        clauses.append(c.event_type.in_(flt.event_types))
    if flt.geo_precisions:
        known = [int(p) for p in flt.geo_precisions if p is not None]
        options = [c.geo_precision.in_(known)] if known else []
        if None in flt.geo_precisions:
            options.append(c.geo_precision.is_(None))
        clauses.append(sa.or_(*options))
    if flt.places:
        clauses.append(sa.or_(*(PLACE_CONDITIONS[name] for name in flt.places)))
    if flt.source_kinds:
        clauses.append(c.source_kind.in_(flt.source_kinds))
    if flt.text.strip():
        clauses.append(
            sa.or_(
                *(
                    column.icontains(flt.text.strip(), autoescape=True)
                    for column in (
                        c.location,
                        c.place_name,
                        c.actor1,
                        c.assoc_actor_1,
                        c.actor2,
                        c.notes,
                        c.source_sentence,
                    )
                )
            )
        )
    if flt.unresolved_only:
        clauses.append(sa.or_(c.latitude.is_(None), c.longitude.is_(None)))
    if flt.statuses:
        clauses.append(c.review_status.in_(flt.statuses))
    if flt.attributions:
        clauses.append(c.attribution.in_(flt.attributions))
    return clauses


def _dialect_insert(dialect: str) -> Callable[[sa.Table], Any]:
    """The dialect's insert(), which has ON CONFLICT."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")
    return insert


class _Prepared:
    """A statement compiled once for the database, executed with plain value sequences.

    Core builds and processes a parameter dict per row on every execution: a third of an
    import's time. Here the SQL is still SQLAlchemy's, with bound parameters, compiled for the
    engine's dialect; values come in `names` order, and only the parameters whose type has a
    bind processor on this dialect (dates on SQLite, JSON, booleans) are converted.
    """

    def __init__(self, statement: sa.Executable, names: Sequence[str], dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(names))
        self.sql = compiled.string
        self.names = tuple(names)
        self._positional = compiled.positional
        order = [self.names.index(name) for name in (compiled.positiontup or self.names)]
        # Reorder only when the compiled statement wants another order than the caller's.
        self._reorder = operator.itemgetter(*order) if order != list(range(len(order))) else None
        self._processors = [
            (i, processor)
            for i, name in enumerate(self.names)
            if (processor := compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        ]

    def _parameters(self, rows: list[list[Any]]) -> list[Any]:
        """The driver's parameters, one set per row; the rows are converted in place."""
        for i, process in self._processors:  # column by column: a tight loop per converted column
            for values in rows:
                values[i] = process(values[i])
        if self._positional:
            return list(map(self._reorder or tuple, rows))
        return [dict(zip(self.names, values)) for values in rows]

    def execute(self, conn: sa.Connection, values: list[Any]) -> sa.CursorResult[Any]:
        return conn.exec_driver_sql(self.sql, self._parameters([values]))

    def execute_many(self, conn: sa.Connection, rows: Iterable[list[Any]]) -> None:
        """One executemany over the rows (lists, converted in place)."""
        rows = list(rows)
        if rows:
            conn.exec_driver_sql(self.sql, self._parameters(rows))


def _configure_sqlite(engine: sa.Engine) -> None:
    """WAL (readers never block the writer), foreign keys, and transactions that really begin.

    Python's sqlite3 module only opens a transaction at the first INSERT/UPDATE, so reads made
    before it (ingest's merge look-up) would not be isolated; SQLAlchemy's documented recipe
    hands BEGIN to us. Writers take the lock at once (BEGIN IMMEDIATE) so that two writers wait
    for each other instead of failing half-way.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints only
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA temp_store=MEMORY")  # an import's staged batch (import_batch_table) is never written to a file
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


# WAL pages between an importing connection's checkpoints (SQLite's default: 1,000). Each batch
# dirties a page of every large index for most of its rows (their keys fall anywhere in them), and
# each checkpoint copies every page the log holds into the database: with a longer log a page that
# several batches changed is copied once. At a million rows this cut the bytes an import writes
# by a fifth (4.1 to 3.2 GB for 100,000 rows).
_IMPORT_CHECKPOINT_PAGES = 100_000


def _configure_import(conn: sa.Connection) -> None:
    """The importing connection's settings (SQLite), inside its batch's transaction."""
    # 256 MB of page cache (the default is 2 MB): the import updates the incidents table's indexes,
    # whose pages it would otherwise keep reading again. Readers keep the default: the page's
    # server holds a pool of them.
    conn.exec_driver_sql("PRAGMA cache_size=-262144")
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={_IMPORT_CHECKPOINT_PAGES}")


def _end_import(conn: sa.Connection) -> None:
    """Back to SQLite's checkpoint interval, the log copied into the database as far as readers allow."""
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=1000")
    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


class IncidentStore:
    """Incidents with their sources, in any database SQLAlchemy reaches (SQLite by default)."""

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = default_db_url() if url is None else to_db_url(url)
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(self.url)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        # Only take the write lock when there is something to migrate: opening a store to read
        # must not wait for a long import that holds the lock.
        with self.engine.connect() as conn:
            up_to_date = current_version(conn) == LATEST_VERSION
        if not up_to_date:
            with self._write(count_change=False) as conn:
                if AGGREGATES_VERSIONS.intersection(migrate(conn)):
                    rebuild_aggregates(conn, self.dialect)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self, *, count_change: bool = True) -> Iterator[sa.Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception.

        It raises the store's version last, so that on PostgreSQL the row lock that serialises
        the raise is held only for the moment before the commit.
        """
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn
                if count_change:
                    conn.execute(state_table.update().values(version=state_table.c.version + 1))

    def data_version(self) -> int:
        """A number that grows with every committed write, by any process: a cache key for readers."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(state_table.c.version)).scalar_one())

    def _insert_on_conflict(self, table: sa.Table, *, update: Sequence[str] = ()) -> sa.Insert:
        """INSERT that skips rows whose key exists, or overwrites the `update` columns of those rows."""
        statement = _dialect_insert(self.dialect)(table)
        if not update:
            return statement.on_conflict_do_nothing()
        return statement.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key.columns],
            set_={name: statement.excluded[name] for name in update},
        )

    # -- writing ---------------------------------------------------------------------------

    def ingest(self, source: Source, incidents: Sequence[Incident], *, editor: str | None = None) -> IngestResult:
        """Store one article's incidents in one transaction (ACLED's merge rule applies).

        What reviewers decided stands: an incident of a sentence this source already gave is not
        added again (an article ingested again, by a changed extractor too), a rejected incident
        only gains the report's link, and a reviewed one only what it left empty, never a field a
        reviewer corrected. A merge that changes an incident writes a history row by `editor`
        (default: the user running this process).
        """
        result = IngestResult()
        source_id = source_key(source)
        now = int(time.time())
        editor = editor or default_editor()
        aggregates = _AggregateChanges(self.dialect)
        with self._write() as conn:
            earlier = _EarlierReports.of(conn, source_id)
            conn.execute(self._insert_on_conflict(sources_table), [_source_row(source)])
            for incident in incidents:
                self._ingest_one(conn, source, source_id, incident, now, result, aggregates, earlier, editor)
            aggregates.write(conn)
        return result

    def _ingest_one(
        self,
        conn: sa.Connection,
        source: Source,
        source_id: str,
        incident: Incident,
        now: int,
        result: IngestResult,
        aggregates: _AggregateChanges,
        earlier: _EarlierReports,
        editor: str,
    ) -> None:
        c = incidents_table.c
        sentence = next(
            (s.sentence for s in incident.sources if source_key(s) == source_id and s.sentence),
            incident.source_sentence,
        )
        already = conn.execute(
            sa.select(c.event_id).where(c.event_id == incident.event_id).union(
                # A link's own incident is found by its key; the condition lets the partial index serve.
                sa.select(links_table.c.event_id).where(
                    links_table.c.reported_event_id == incident.event_id,
                    links_table.c.reported_event_id != links_table.c.event_id,
                )
            )
        ).first()
        if already is not None or earlier.told(sentence, incident.event_type):
            result.unchanged += 1
            return
        report = replace(source, sentence=sentence, source_id=source_id)
        # Same day, same place, same event type, reported by another source: the same event.
        key = place_key(incident)
        candidate = conn.execute(
            sa.select(incidents_table)
            .where(
                c.event_date == incident.event_date,
                c.place_key == key,
                c.event_type == incident.event_type,
                c.time_precision == int(incident.time_precision),
                ~sa.exists().where(links_table.c.event_id == c.event_id, links_table.c.source_id == source_id),
            )
            .order_by(c.event_id)
            .limit(1)
        ).mappings().first()
        if candidate is None:
            stored = incident.with_changes(sources=[report], timestamp=incident.timestamp or now)
            row = _incident_row(stored)
            row.update(primary_source_id=source_id, source_count=1, **dict(zip(REVIEW_COLUMNS, _review_values(stored))))
            conn.execute(incidents_table.insert(), [row])
            aggregates.inserted([stored.event_id])
            result.added += 1
        else:
            existing = _incident_from_row(candidate)
            existing.sources = self._sources_for(conn, [existing.event_id])[existing.event_id]
            status = existing.review_status
            if status == "rejected":
                filled = existing  # thrown away by a reviewer: the report is linked, nothing comes back
            else:
                filled = _fill_blanks(
                    existing, incident, reviewed=status in REVIEWED_STATUSES, protected=corrected_fields(candidate["corrected"])
                )
            doubts = with_doubt(existing.doubts, "reports_disagree") if _disagree(existing, incident) else existing.doubts
            stored = filled.with_changes(sources=[*existing.sources, report], timestamp=now)
            row = _incident_row(stored)
            row.update(source_count=len(stored.sources), doubts=doubts, doubt=doubt_score(doubts))
            aggregates.changing(conn, [stored.event_id])
            conn.execute(incidents_table.update().where(c.event_id == stored.event_id).values(row))
            changes = _changes(existing, stored.with_changes(doubts=doubts))
            if changes:
                _write_history(conn, [_history_row(stored.event_id, now, editor, "merge", changes,
                                                   f"report {source.title or source_id}")])
            result.merged += 1
        conn.execute(
            links_table.insert(),
            [
                {
                    "event_id": stored.event_id,
                    "source_id": source_id,
                    "sentence": sentence,
                    "reported_event_id": incident.event_id,
                }
            ],
        )
        if not stored.resolved:
            result.unresolved += 1

    @cached_property
    def _import_statements(self) -> dict[str, _Prepared]:
        """upsert's statements, compiled once per store."""
        c = incidents_table.c
        dialect = self.engine.dialect
        return {
            # What is stored under _LOOKUP_IDS ids (a shorter list is padded with its first id).
            "lookup": _Prepared(
                sa.select(c.event_id, c.timestamp, c.row_hash).where(
                    c.event_id.in_([sa.bindparam(f"id{i}", type_=c.event_id.type) for i in range(_LOOKUP_IDS)])
                ),
                [f"id{i}" for i in range(_LOOKUP_IDS)],
                dialect,
            ),
            "stage": _Prepared(import_batch_table.insert(), NEW_ROW_COLUMNS, dialect),
            # Every column the content fills, except the key; the source columns are recounted after.
            "update": _Prepared(
                incidents_table.update().where(c.event_id == sa.bindparam("_event_id")),
                (*ROW_COLUMNS[1:], "_event_id"),
                dialect,
            ),
            # A newer record may correct its source (ACLED's `source` column lists the publishers).
            "sources": _Prepared(
                self._insert_on_conflict(sources_table, update=_SOURCE_COLUMNS[1:]), _SOURCE_COLUMNS, dialect
            ),
            # reported_event_id stays: it is how a re-ingested article finds its merged report.
            "links": _Prepared(
                self._insert_on_conflict(links_table, update=("sentence",)),
                ("event_id", "source_id", "sentence", "reported_event_id"),
                dialect,
            ),
        }

    def _stored_versions(self, conn: sa.Connection, event_ids: list[str]) -> dict[str, tuple[int | None, str]]:
        """(timestamp, row_hash) of the stored incidents among `event_ids`."""
        lookup = self._import_statements["lookup"]
        stored: dict[str, tuple[int | None, str]] = {}
        for start in range(0, len(event_ids), _LOOKUP_IDS):
            chunk = event_ids[start : start + _LOOKUP_IDS]
            chunk += chunk[:1] * (_LOOKUP_IDS - len(chunk))
            for event_id, timestamp, row_hash in lookup.execute(conn, chunk):
                stored[event_id] = (timestamp, row_hash)
        return stored

    def upsert(
        self,
        incidents: Iterable[Incident],
        *,
        batch_size: int = 5000,
        on_progress: Callable[[int], None] | None = None,
        editor: str | None = None,
        note: str = "",
    ) -> UpsertResult:
        """Insert or replace incidents by event_id (imports), one transaction per batch.

        A stored incident is replaced unless the incoming one is identical (content hash) or
        older (a smaller `timestamp`). Sources are added to the incident, never removed, so an
        article merged into an imported incident stays linked; a listed source's details
        (publisher, title...) and sentence take the written record's values. `on_progress(n)` gets the number
        of incidents handled after each batch.

        A new incident takes the review status it carries, else initial_review_status of its
        source kind; a replaced one keeps its review, and the fields a reviewer corrected. Each
        replacement writes a history row by `editor` (default: this process's user) with `note`.

        Each batch is written whole or not at all, and the next batch is read (parsed from its
        file) outside any transaction, so another writer (an article's ingest, a placement from
        the page) waits for one batch at most, not for the whole import. An import that is
        killed keeps the batches it committed; running it again writes the rest and finds those
        unchanged, so the store ends as one uninterrupted import would have left it.
        """
        result = UpsertResult()
        editor = editor or default_editor()
        with _long_lived_objects_frozen():
            for batch in _import_batches(incidents, batch_size):
                result.unchanged += batch.repeated
                with self._write() as conn:
                    if self.dialect == "sqlite":
                        _configure_import(conn)
                    self._upsert_batch(conn, batch.rows, result, editor, note)
                if on_progress:
                    on_progress(batch.size)
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                _end_import(conn)
        return result

    def _upsert_batch(
        self, conn: sa.Connection, rows: dict[str, tuple[Incident, list[Any]]], result: UpsertResult, editor: str, note: str
    ) -> None:
        """Write one batch (at most one incident per id, with its NEW_ROW_COLUMNS values) inside the
        caller's transaction."""
        c = incidents_table.c
        statements = self._import_statements
        stored = self._stored_versions(conn, list(rows))
        new_rows: list[list[Any]] = []
        newer: list[tuple[Incident, list[Any]]] = []
        written: list[Incident] = []
        for event_id, (incident, values) in rows.items():
            old = stored.get(event_id)
            if old is None:
                new_rows.append(values)
                written.append(incident)
            elif old[1] == values[_ROW_HASH] or (
                incident.timestamp is not None and old[0] is not None and incident.timestamp < old[0]
            ):
                result.unchanged += 1
            else:
                newer.append((incident, values[: len(ROW_COLUMNS)]))
        aggregates = _AggregateChanges(self.dialect)
        updates = self._updates(conn, newer, written, result, editor, note)
        aggregates.changing(conn, [values[-1] for values in updates])
        statements["update"].execute_many(conn, updates)
        aggregates.write(conn)
        if new_rows:
            # Staged in a temporary table, then inserted and counted by SQL alone: one pass in the
            # database instead of a look-up of every new row by id for the aggregates.
            conn.execute(sa.schema.CreateTable(import_batch_table, if_not_exists=True))
            conn.execute(import_batch_table.delete())
            statements["stage"].execute_many(conn, new_rows)
            conn.execute(incidents_table.insert().from_select(
                NEW_ROW_COLUMNS, sa.select(*import_batch_table.c).order_by(import_batch_table.c.event_id)
            ))
            aggregates.add_staged(conn, import_batch_table)
        self._link_sources(conn, written)
        if updates:
            # Merged articles may hold links the import does not list: count them all.
            conn.execute(
                incidents_table.update()
                .where(c.event_id.in_([values[-1] for values in updates]))
                .values(
                    source_count=sa.select(sa.func.count())
                    .where(links_table.c.event_id == c.event_id)
                    .scalar_subquery(),
                    primary_source_id=sa.func.coalesce(
                        c.primary_source_id,
                        sa.select(sa.func.min(links_table.c.source_id))
                        .where(links_table.c.event_id == c.event_id)
                        .scalar_subquery(),
                    ),
                )
            )
        result.inserted += len(new_rows)
        result.updated += len(updates)

    def _updates(
        self,
        conn: sa.Connection,
        newer: list[tuple[Incident, list[Any]]],
        written: list[Incident],
        result: UpsertResult,
        editor: str,
        note: str,
    ) -> list[list[Any]]:
        """The update statement's rows for the newer records of stored incidents, each with a history
        row of what it changes; a field a reviewer corrected keeps the reviewer's value (a record
        that then changes nothing is unchanged)."""
        if not newer:
            return []
        c = incidents_table.c
        now = int(time.time())
        old_rows: dict[str, sa.RowMapping] = {}
        for chunk in _batches([incident.event_id for incident, _ in newer], _LOOKUP_IDS):
            old_rows.update((row["event_id"], row) for row in conn.execute(
                sa.select(incidents_table).where(c.event_id.in_(chunk))).mappings())
        updates, history = [], []
        for incident, values in newer:
            row = old_rows[incident.event_id]
            before = _incident_from_row(row)
            protected = corrected_fields(row["corrected"])
            if protected:
                incident = incident.with_changes(**{name: getattr(before, name) for name in protected})
                values = _incident_values(incident)
                if values[_ROW_HASH] == row["row_hash"]:
                    result.unchanged += 1
                    continue
            updates.append([*values[1:], values[0]])  # the key moves to the WHERE clause
            written.append(incident)
            if changes := _changes(before, incident, [n for n in SCALAR_FIELDS if n not in ("event_id", "timestamp")]):
                history.append(_history_row(incident.event_id, now, editor, "import", changes, note))
        _write_history(conn, history)
        return updates

    def _link_sources(self, conn: sa.Connection, incidents: Sequence[Incident]) -> None:
        source_rows: dict[str, list[Any]] = {}
        link_rows: list[list[Any]] = []
        for incident in incidents:
            event_id = incident.event_id
            for source in incident.sources:
                row = _source_values(source)
                source_rows.setdefault(row[0], row)
                link_rows.append([event_id, row[0], source.sentence or incident.source_sentence, event_id])
        self._import_statements["sources"].execute_many(conn, source_rows.values())
        self._import_statements["links"].execute_many(conn, link_rows)

    def resolve_place(
        self,
        location: str,
        latitude: float,
        longitude: float,
        *,
        geo_precision: int = 1,
        place_name: str = "",
        country: str = "",
        iso: str = "",
        admin1: str = "",
        editor: str | None = None,
    ) -> int:
        """Give coordinates to every unresolved incident whose place text is `location`.

        The text is compared case- and space-insensitively. Optional place details fill the
        incidents' empty fields. Each incident placed gets a history row by `editor` (default:
        this process's user). Returns the number of incidents updated.
        """
        c = incidents_table.c
        with self._write() as conn:
            rows = conn.execute(
                sa.select(incidents_table).where(
                    c.location_key == normalise_place_text(location),
                    sa.or_(c.latitude.is_(None), c.longitude.is_(None)),
                )
            ).mappings().all()
            now = int(time.time())
            aggregates = _AggregateChanges(self.dialect)
            aggregates.changing(conn, [row["event_id"] for row in rows])
            history = []
            for row in rows:
                incident = _incident_from_row(row)
                resolved = incident.with_changes(
                    latitude=latitude,
                    longitude=longitude,
                    geo_precision=geo_precision,
                    place_name=incident.place_name or place_name or incident.location,
                    country=incident.country or country,
                    iso=incident.iso or iso,
                    admin1=incident.admin1 or admin1,
                    timestamp=now,
                )
                values = _incident_row(resolved)
                values.pop("row_hash")  # the hash covers sources too; the resolution is local
                conn.execute(incidents_table.update().where(c.event_id == incident.event_id).values(values))
                history.append(_history_row(incident.event_id, now, editor or default_editor(), "place",
                                            _changes(incident, resolved, CORRECTABLE_FIELDS), f"placed {location}"))
            _write_history(conn, history)
            aggregates.write(conn)
        return len(rows)

    def review(
        self,
        event_id: str,
        action: str,
        *,
        editor: str | None = None,
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        expected_status: str | None = None,
    ) -> Incident:
        """Confirm, correct or reject an incident (REVIEW_ACTIONS), with its history row, in one transaction.

        `changes` (correct only): CORRECTABLE_FIELDS and their new values, checked as
        `corrections` says. The fields that change are kept as the reviewer's from then on: no
        later report or import overwrites them. The merge key stays the one the reports gave, so
        a later report placed as the first one was still finds this incident. With
        `expected_status`, an incident whose status is no longer that (reviewed by someone else
        meanwhile) raises ReviewConflict. Raises ReviewError, changing nothing, for an unknown
        incident or action, a bad value, or a correction that changes nothing.
        """
        if action not in REVIEW_ACTIONS:
            raise ReviewError(f"unknown review action {action!r}: use one of {', '.join(REVIEW_ACTIONS)}")
        if action != "correct" and changes:
            raise ReviewError(f"{action} takes no field values: use correct")
        c = incidents_table.c
        editor = editor or default_editor()
        with self._write() as conn:
            row = conn.execute(sa.select(incidents_table).where(c.event_id == event_id).with_for_update()).mappings().first()
            if row is None:
                raise ReviewError(f"no incident {event_id!r} in the store")
            old = _incident_from_row(row)
            if expected_status is not None and old.review_status != expected_status:
                by = f" by {old.reviewed_by}" if old.reviewed_by else ""
                raise ReviewConflict(f"{event_id} is {old.review_status}{by} already")
            fixed = corrections(old, changes or {}) if action == "correct" else {}
            if action == "correct" and not fixed:
                raise ReviewError(f"nothing to correct: {event_id} already has these values")
            now = int(time.time())
            new = old.with_changes(**fixed, review_status=REVIEW_ACTIONS[action], reviewed_by=editor, reviewed_at=now)
            content = _incident_row(new)
            content.pop("place_key")  # the reports' key: a later report placed as they were merges here
            corrected = sorted(corrected_fields(row["corrected"]) | set(fixed))
            aggregates = _AggregateChanges(self.dialect)
            aggregates.changing(conn, [event_id])
            conn.execute(incidents_table.update().where(c.event_id == event_id).values(
                **content, **{name: getattr(new, name) for name in REVIEW_FIELDS}, corrected=",".join(corrected),
            ))
            changed = _changes(old, new, [*fixed, "review_status"])
            changed.setdefault("review_status", (old.review_status, new.review_status))  # confirmed again: said so
            _write_history(conn, [_history_row(event_id, now, editor, action, changed, note.strip())])
            aggregates.write(conn)
        return new

    def review_queue(self, *, after: QueueKey | None = None, limit: int = 1) -> list[Incident]:
        """The proposed incidents, most doubtful first (then newest), `limit` of them after the
        queue position `after` (queue_key of an incident), with their sources: read through the
        partial index of the proposed ones (migration 7), so each costs the same at any size."""
        c = incidents_table.c
        # The status as a literal, the index's own condition: a bound parameter would not show the
        # planner that the partial index holds every row asked for.
        stmt = sa.select(incidents_table).where(c.review_status == sa.literal_column("'proposed'"))
        if after is not None:
            stmt = stmt.where(sa.tuple_(c.doubt, c.event_date, c.event_id) < sa.tuple_(*after))
        stmt = stmt.order_by(c.doubt.desc(), c.event_date.desc(), c.event_id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return self._with_sources(conn, conn.execute(stmt).mappings().all())

    def history(self, event_id: str | None = None, *, limit: int | None = None) -> list[HistoryEntry]:
        """An incident's changes, oldest first; with no id, the store's latest `limit` changes, newest first."""
        h = history_table.c
        stmt = sa.select(history_table)
        stmt = stmt.where(h.event_id == event_id).order_by(h.id) if event_id is not None else stmt.order_by(h.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [
                HistoryEntry(
                    row.event_id, int(row.changed_at), row.editor, row.action,
                    {name: (row.old.get(name), row.new.get(name)) for name in row.fields.split(",") if name},
                    row.note,
                )
                for row in conn.execute(stmt)
            ]

    def get(self, event_id: str) -> Incident | None:
        """One incident with its sources, or None."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(incidents_table).where(incidents_table.c.event_id == event_id)).mappings().all()
            found = self._with_sources(conn, rows)
        return found[0] if found else None

    # -- reading ---------------------------------------------------------------------------

    def _select(self, flt: IncidentFilter) -> sa.Select[Any]:
        return sa.select(incidents_table).where(*filter_clauses(flt)).order_by(*NEWEST_FIRST)

    def _sources_for(self, conn: sa.Connection, event_ids: Sequence[str]) -> dict[str, list[Source]]:
        found: dict[str, list[Source]] = {event_id: [] for event_id in event_ids}
        s, link = sources_table.c, links_table.c
        for chunk in _batches(event_ids, 500):
            rows = conn.execute(
                sa.select(link.event_id, link.sentence, s.source_id, s.kind, s.title, s.publisher, s.url, s.published)
                .join(sources_table, s.source_id == link.source_id)
                .where(link.event_id.in_(chunk))
                .order_by(link.event_id, s.published, s.source_id)
            )
            for row in rows:
                found[row.event_id].append(
                    Source(
                        kind=row.kind,
                        title=row.title,
                        publisher=row.publisher,
                        url=row.url,
                        published=row.published,
                        sentence=row.sentence,
                        source_id=row.source_id,
                    )
                )
        return found

    def _with_sources(self, conn: sa.Connection, rows: Sequence[sa.RowMapping]) -> list[Incident]:
        incidents = [_incident_from_row(row) for row in rows]
        by_id = self._sources_for(conn, [i.event_id for i in incidents])
        for incident in incidents:
            incident.sources = by_id[incident.event_id]
        return incidents

    def query(self, flt: IncidentFilter = IncidentFilter(), *, limit: int | None = None) -> list[Incident]:
        """Incidents matching the filter, newest first, with their sources."""
        stmt = self._select(flt)
        if limit is not None:
            # Pick the page's ids first: with the (actor_group, event_date, event_id) index the
            # subquery reads only the index, and just `limit` rows are fetched from the table.
            c = incidents_table.c
            page = sa.select(c.event_id).where(*filter_clauses(flt)).order_by(*NEWEST_FIRST).limit(limit)
            stmt = sa.select(incidents_table).where(c.event_id.in_(page.scalar_subquery())).order_by(*NEWEST_FIRST)
        with self.engine.connect() as conn:
            return self._with_sources(conn, conn.execute(stmt).mappings().all())

    def iter_incidents(self, flt: IncidentFilter = IncidentFilter(), *, batch_size: int = 1000) -> Iterator[Incident]:
        """Every matching incident, newest first, streamed batch by batch (exports of any size)."""
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(self._select(flt))
            for rows in result.mappings().partitions():
                yield from self._with_sources(conn, rows)

    def count(self, flt: IncidentFilter = IncidentFilter()) -> int:
        stmt = sa.select(sa.func.count()).select_from(incidents_table).where(*filter_clauses(flt))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def unresolved(self) -> list[Incident]:
        """Incidents whose place has no coordinates yet, newest first."""
        return self.query(IncidentFilter(unresolved_only=True))

    def frame(self, flt: IncidentFilter = IncidentFilter()) -> pandas.DataFrame:
        """One row per matching incident, newest first: the scalar fields plus the first source.

        The page reads up to hundreds of thousands of rows: this fetches the driver's plain
        tuples in one query (the first source through a key join, no GROUP BY), skipping
        SQLAlchemy's per-row processing, and converts dates and booleans column-wise.
        """
        import pandas as pd

        c, s = incidents_table.c, sources_table.c
        columns = [
            sa.type_coerce(c.event_date, sa.String).label("event_date") if name == "event_date" else c[name]
            for name in SCALAR_FIELDS
        ]
        stmt = (
            sa.select(
                *columns,
                s.title.label("source_title"),
                s.url.label("source_url"),
                s.publisher.label("source_publisher"),
                c.source_count,
            )
            .select_from(incidents_table.outerjoin(sources_table, s.source_id == c.primary_source_id))
            .where(*filter_clauses(flt))
            .order_by(*NEWEST_FIRST)
        )
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            df = pd.DataFrame.from_records(result.cursor.fetchall(), columns=list(result.keys()))
            result.close()
        df["event_date"] = pd.to_datetime(df["event_date"], format="ISO8601")
        df["casualties_reported"] = df["casualties_reported"].astype(bool)  # SQLite returns 0/1
        for name in ("latitude", "longitude"):
            df[name] = df[name].astype("float64")
        for name in ("geo_precision", "fatalities", "injuries", "timestamp"):
            df[name] = df[name].astype("Int64")
        for name in ("source_title", "source_url", "source_publisher"):
            df[name] = df[name].fillna("")
        df["source_count"] = df["source_count"].fillna(0).astype("int64")
        return df

    def summary(self) -> Summary:
        """How many incidents, over which days, in which actor groups: quick at any size.

        Separate statements, so that min and max are one index look-up each and the count reads
        the smallest index; the groups are read from value_counts.
        """
        c = incidents_table.c
        with self.engine.connect() as conn:
            scalar = lambda stmt: conn.execute(stmt).scalar()  # noqa: E731
            return Summary(
                count=int(scalar(sa.select(sa.func.count()).select_from(incidents_table))),
                min_date=scalar(sa.select(sa.func.min(c.event_date))),
                max_date=scalar(sa.select(sa.func.max(c.event_date))),
                actor_groups=tuple(value for value, _ in _value_counts(conn, "actor_group")),
            )

    def facets(self) -> Facets:
        """The values present in the store, for filter widgets, and the extent of the drawable
        incidents to the edges of their map cells (ROLLUP_CELL_DEG), from the aggregate tables."""
        m = map_cells_table.c
        summary = self.summary()
        with self.engine.connect() as conn:
            cells = conn.execute(
                sa.select(sa.func.min(m.y), sa.func.min(m.x), sa.func.max(m.y), sa.func.max(m.x))
                .where(m.n != 0, m.status != "rejected")
            ).one()
            extent = None if cells[0] is None else (
                cells[0] * ROLLUP_CELL_DEG - 90, cells[1] * ROLLUP_CELL_DEG - 180,
                (cells[2] + 1) * ROLLUP_CELL_DEG - 90, (cells[3] + 1) * ROLLUP_CELL_DEG - 180,
            )
            return Facets(
                actor_groups=list(summary.actor_groups),
                event_types=[value for value, _ in _value_counts(conn, "event_type")],
                source_kinds=[value for value, _ in _value_counts(conn, "source_kind")],
                min_date=summary.min_date,
                max_date=summary.max_date,
                count=summary.count,
                extent=extent,
            )


def _value_counts(conn: sa.Connection, field: str) -> list[tuple[str, int]]:
    """(value, incidents holding it) of one of COUNTED_COLUMNS, in the values' order."""
    v = value_counts_table.c
    stmt = sa.select(v.value, v.n).where(v.field == field, v.n > 0).order_by(v.value)
    return [(value, int(n)) for value, n in conn.execute(stmt)]


def value_counts(store: IncidentStore, field: str) -> list[tuple[str, int]]:
    """How many incidents hold each value of one of COUNTED_COLUMNS (empty values left out)."""
    with store.engine.connect() as conn:
        return _value_counts(conn, field)


def _fill_blanks(
    existing: Incident, report: Incident, *, reviewed: bool = False, protected: Collection[str] = ()
) -> Incident:
    """What a second report adds to an incident: fields the first left empty, and who did it. A
    reviewed incident gains only what it left empty, and never in a field a reviewer corrected."""
    changes: dict[str, Any] = {
        name: getattr(report, name)
        for name in SCALAR_FIELDS
        if getattr(existing, name) in (None, "") and getattr(report, name) not in (None, "")
        and name not in ("event_id", "timestamp")
    }
    if not reviewed:
        if existing.attribution == "unknown" and existing.actor_group == UNIDENTIFIED_GROUP and (
            report.attribution != "unknown" or report.actor_group != UNIDENTIFIED_GROUP
        ):
            for name in ("actor1", "assoc_actor_1", "actor_group", "attribution", "attributed_by"):
                changes[name] = getattr(report, name)
        if existing.fatalities is not None and report.fatalities is not None:
            changes["fatalities"] = min(existing.fatalities, report.fatalities)  # ACLED: the lowest figure
    if report.casualties_reported and not existing.casualties_reported:
        changes["casualties_reported"] = True
    return existing.with_changes(**{k: v for k, v in changes.items() if k not in protected})


def _disagree(existing: Incident, report: Incident) -> bool:
    """Whether two reports of one incident disagree: both give a toll and the tolls differ, or both
    name an actor and the actors differ."""
    def named(incident: Incident) -> bool:
        return incident.actor_group != UNIDENTIFIED_GROUP and not incident.actor1.startswith("Unidentified")

    return (
        existing.fatalities is not None and report.fatalities is not None and existing.fatalities != report.fatalities
    ) or (named(existing) and named(report) and existing.actor1 != report.actor1)


# -- reviews and history ---------------------------------------------------------------------

# What a reviewer may correct (the page's form, `incident-map correct`).
CORRECTABLE_FIELDS: tuple[str, ...] = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "actor_group",
    "attribution", "location", "place_name", "latitude", "longitude", "geo_precision", "country", "iso",
    "admin1", "fatalities",
)
# A review action and the status it gives.
REVIEW_ACTIONS: dict[str, str] = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
# What a history row may record: the content, and the review fields.
_HISTORY_FIELDS: tuple[str, ...] = tuple(n for n in (*SCALAR_FIELDS, *REVIEW_FIELDS) if n not in ("event_id", "timestamp"))


QueueKey = tuple[int, date, str]  # (doubt, event_date, event_id): a position in the review queue


def queue_key(incident: Incident) -> QueueKey:
    return (doubt_score(incident.doubts), incident.event_date, incident.event_id)


def corrections(incident: Incident, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a correction sets on `incident`: the values given (checked and converted: dates
    from ISO text, numbers from text) that differ from its own, and what follows from them (an
    actor's group, a sub-event type that fits the event type, a point's precision). Raises
    ReviewError naming the first bad value."""
    from incidents.actors import actor_group_for
    from incidents.model import ATTRIBUTIONS, EVENT_TYPES

    unknown = [name for name in changes if name not in CORRECTABLE_FIELDS]
    if unknown:
        raise ReviewError(f"cannot correct {unknown[0]!r}: correctable fields are {', '.join(CORRECTABLE_FIELDS)}")
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        try:
            if name == "event_date":
                value = value if isinstance(value, date) else date.fromisoformat(str(value))
            elif name in ("latitude", "longitude"):
                value = None if value in (None, "") else float(value)
                limit = 90 if name == "latitude" else 180
                if value is not None and not (math.isfinite(value) and -limit <= value <= limit):
                    raise ReviewError(f"{name} {value} is outside -{limit}..{limit}")
            elif name in ("fatalities", "geo_precision", "time_precision"):
                value = None if value in (None, "") else int(value)
        except (TypeError, ValueError) as error:
            if isinstance(error, ReviewError):
                raise
            raise ReviewError(f"{name}: {value!r} is not a valid value ({error})") from None
        values[name] = value
    if values.get("fatalities") is not None and values["fatalities"] < 0:
        raise ReviewError(f"fatalities {values['fatalities']} is below 0")
    if "event_type" in values and values["event_type"] not in EVENT_TYPES:
        raise ReviewError(f"event type {values['event_type']!r} is not one of ACLED's: {', '.join(EVENT_TYPES)}")
    if "attribution" in values and values["attribution"] not in ATTRIBUTIONS:
        raise ReviewError(f"attribution {values['attribution']!r} is not one of {', '.join(ATTRIBUTIONS)}")
    if values.get("time_precision", 1) not in (1, 2, 3):
        raise ReviewError(f"time_precision {values['time_precision']} is not 1 (day), 2 (week) or 3 (month)")
    if "actor1" in values and not values["actor1"]:
        raise ReviewError("actor1 cannot be empty")
    if "actor1" in values and "actor_group" not in values:
        values["actor_group"] = actor_group_for(values["actor1"])
    event_type = values.get("event_type", incident.event_type)
    sub_type = values.get("sub_event_type", incident.sub_event_type)
    if sub_type and event_type in EVENT_TYPES and sub_type not in EVENT_TYPES[event_type]:
        if "sub_event_type" in values:
            raise ReviewError(f"sub-event type {sub_type!r} is not one of {event_type}'s: {', '.join(EVENT_TYPES[event_type])}")
        values["sub_event_type"] = ""  # the new event type's sub-type is not known
    latitude, longitude = values.get("latitude", incident.latitude), values.get("longitude", incident.longitude)
    if (latitude is None) != (longitude is None):
        raise ReviewError("a point needs both latitude and longitude")
    precision = values.get("geo_precision", incident.geo_precision)
    if latitude is None:
        values["geo_precision"] = None
    elif precision is None:
        values["geo_precision"] = int(GeoPrecision.PLACE)  # a point a person set is the place itself
    elif precision not in (1, 2, 3):
        raise ReviewError(f"geo_precision {precision} is not 1 (place), 2 (near) or 3 (region)")
    return {name: value for name, value in values.items() if getattr(incident, name) != value}


class ReviewError(ValueError):
    """A review that cannot be made (an unknown incident, a bad value, nothing to change); the store is unchanged."""


class ReviewConflict(ReviewError):
    """The incident was reviewed by someone else since it was shown."""


@dataclass(frozen=True)
class HistoryEntry:
    """One change to an incident: when, by whom, what (field: (old, new)), and why."""

    event_id: str
    changed_at: int  # Unix seconds
    editor: str
    action: str  # confirm, correct, reject, merge (a second report), import (a newer record), place
    changes: dict[str, tuple[Any, Any]]
    note: str = ""


EDITOR_ENV = "INCIDENT_MAP_EDITOR"


def default_editor() -> str:
    """Who changes the store from the command line: $INCIDENT_MAP_EDITOR, else the login name of
    this process's user."""
    import getpass

    if os.environ.get(EDITOR_ENV, "").strip():
        return os.environ[EDITOR_ENV].strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment and no passwd entry
        return "unknown"


def corrected_fields(text: str | None) -> frozenset[str]:
    """The fields a reviewer corrected, from the `corrected` column."""
    return frozenset(name for name in (text or "").split(",") if name)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)  # IntEnum members become plain numbers
    return value


def _changes(old: Incident, new: Incident, names: Sequence[str] = _HISTORY_FIELDS) -> dict[str, tuple[Any, Any]]:
    """The fields that differ between two versions of an incident: (old, new) each."""
    found = {}
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            found[name] = (before, after)
    return found


def _history_row(event_id: str, at: int, editor: str, action: str, changes: dict[str, tuple[Any, Any]], note: str = "") -> dict[str, Any]:
    return {
        "event_id": event_id, "changed_at": at, "editor": editor, "action": action, "fields": ",".join(changes),
        "old": {k: _json_value(v[0]) for k, v in changes.items()},
        "new": {k: _json_value(v[1]) for k, v in changes.items()},
        "note": note,
    }


def _write_history(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(history_table.insert(), rows)


@dataclass(frozen=True)
class _EarlierReports:
    """What a source gave before this ingest: (sentence, event type) of each incident, and the
    sentences whose incident a reviewer saw (any event type: the reviewer may have changed it)."""

    typed: frozenset[tuple[str, str]]
    reviewed: frozenset[str]

    @classmethod
    def of(cls, conn: sa.Connection, source_id: str) -> _EarlierReports:
        c, link = incidents_table.c, links_table.c
        rows = conn.execute(
            sa.select(link.sentence, c.event_type, c.review_status)
            .join(incidents_table, c.event_id == link.event_id)
            .where(link.source_id == source_id)
        ).all()
        return cls(
            frozenset((sentence, event_type) for sentence, event_type, _ in rows),
            frozenset(sentence for sentence, _, status in rows if status in REVIEWED_STATUSES),
        )

    def told(self, sentence: str, event_type: str) -> bool:
        """Whether the source already gave this sentence's incident of this type (or had it reviewed)."""
        return bool(sentence) and (sentence in self.reviewed or (sentence, event_type) in self.typed)
