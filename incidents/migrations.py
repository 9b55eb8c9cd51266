"""Versioned schema migrations for the incident store.

Each step is frozen history: it describes the schema as it was changed at that version, so a
database created by any older release can be brought forward step by step. New changes are new
steps appended to MIGRATIONS; existing steps are never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

SCHEMA_VERSION_TABLE = "schema_version"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _v1_tables(conn: sa.Connection) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "incidents",
        metadata,
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("time_precision", sa.Integer, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("actor1", sa.Text, nullable=False),
        sa.Column("assoc_actor_1", sa.Text, nullable=False),
        sa.Column("actor2", sa.Text, nullable=False),
        sa.Column("assoc_actor_2", sa.Text, nullable=False),
        sa.Column("actor_group", sa.Text, nullable=False),
        sa.Column("attribution", sa.Text, nullable=False),
        sa.Column("attributed_by", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("place_name", sa.Text, nullable=False),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("geo_precision", sa.Integer),
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("iso", sa.Text, nullable=False),
        sa.Column("admin1", sa.Text, nullable=False),
        sa.Column("admin2", sa.Text, nullable=False),
        sa.Column("admin3", sa.Text, nullable=False),
        sa.Column("fatalities", sa.Integer),
        sa.Column("injuries", sa.Integer),
        sa.Column("casualties_reported", sa.Boolean, nullable=False),
        sa.Column("munitions", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("source_sentence", sa.Text, nullable=False),
        sa.Column("source_kind", sa.Text, nullable=False),
        sa.Column("timestamp", sa.BigInteger),
        sa.Column("extra", sa.JSON, nullable=False),
        # Bookkeeping, not part of the model: the merge key, the normalised place text that
        # `resolve` matches, a hash of the content (upsert's unchanged test) and the first
        # source with the source count (so the page's table needs no GROUP BY).
        sa.Column("place_key", sa.Text, nullable=False),
        sa.Column("location_key", sa.Text, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("primary_source_id", sa.String(128)),
        sa.Column("source_count", sa.Integer, nullable=False),
        sa.Index("ix_incidents_event_date", "event_date"),
        sa.Index("ix_incidents_actor_group", "actor_group"),
        sa.Index("ix_incidents_event_type", "event_type"),
        sa.Index("ix_incidents_merge", "event_date", "place_key"),
        sa.Index("ix_incidents_location_key", "location_key"),
    )
    sa.Table(
        "sources",
        metadata,
        sa.Column("source_id", sa.String(128), primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("publisher", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("published", sa.Date),
    )
    sa.Table(
        "incident_sources",
        metadata,
        sa.Column(
            "event_id",
            sa.String(64),
            sa.ForeignKey("incidents.event_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("source_id", sa.String(128), sa.ForeignKey("sources.source_id"), primary_key=True),
        sa.Column("sentence", sa.Text, nullable=False),
        # The id the source itself gave the incident: when a report was merged into an incident
        # another source reported first, re-ingesting it finds it here and changes nothing.
        sa.Column("reported_event_id", sa.String(64), nullable=False),
        sa.Index("ix_incident_sources_source", "source_id"),
        sa.Index("ix_incident_sources_reported", "reported_event_id"),
    )
    metadata.create_all(conn)


def _v2_group_date_index(conn: sa.Connection) -> None:
    # The page and `list` ask for "these groups between these dates, newest first". An index on
    # (actor_group, event_date, event_id) answers the count and the first page from the index
    # alone; it also serves lookups by actor_group, so the single-column index goes.
    conn.execute(sa.text("DROP INDEX IF EXISTS ix_incidents_actor_group"))
    conn.execute(
        sa.text("CREATE INDEX ix_incidents_group_date ON incidents (actor_group, event_date, event_id)")
    )


def _v3_map_index_and_version(conn: sa.Connection) -> None:
    # A version number that every write transaction raises: readers' caches key on it.
    conn.execute(sa.text("CREATE TABLE store_state (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)"))
    conn.execute(sa.text("INSERT INTO store_state (id, version) VALUES (1, 0)"))
    if conn.dialect.name == "postgresql":
        _postgis(conn)
        # The point as PostGIS geometry, kept by the server itself (a generated column): the writers
        # stay the same on both databases, and the GiST index answers the map's viewport query.
        conn.execute(sa.text(
            "ALTER TABLE incidents ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS ("
            "CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL "
            "THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED"
        ))
        conn.execute(sa.text("CREATE INDEX ix_incidents_geom ON incidents USING GIST (geom)"))
    else:
        # SQLite has no spatial index and groups only by sorting: the map's queries run one per actor
        # group over this index, which holds every column they read (a range per group and box, and
        # no look-up in the wide table rows), so a million incidents are counted in cells in ~0.3 s.
        conn.execute(sa.text(
            "CREATE INDEX ix_incidents_map ON incidents "
            "(actor_group, latitude, longitude, geo_precision, admin1, event_date, event_type, source_kind)"
        ))


def _v4_covering_date_index(conn: sa.Connection) -> None:
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics: it scans the table when a range holds most of it
    # SQLite keeps no statistics of its own, so it takes any date range for a narrow one and reads it
    # through the date index, looking each row up in the table: the page's default range (the whole
    # store) cost 2.8 s for the count and as much for the weekly chart at a million incidents. Holding
    # the columns the page's counts read, the index answers them alone, in time proportional to the range.
    conn.execute(sa.text("DROP INDEX IF EXISTS ix_incidents_event_date"))
    conn.execute(sa.text(
        "CREATE INDEX ix_incidents_date_cover ON incidents "
        "(event_date, actor_group, latitude, longitude, geo_precision, admin1, event_type, source_kind)"
    ))


def _v5_value_counts(conn: sa.Connection) -> None:
    # How many incidents hold each value of the columns the filter widgets offer (actor groups, event
    # types, sources, actor names): reading them was four scans of the table, 2 s at a million
    # incidents, on every first visit. The store's writers keep the counts in the same transaction
    # as the rows (incidents/store.py, _AggregateChanges); the rows already stored are counted here.
    columns = ("actor_group", "event_type", "source_kind", "actor1", "assoc_actor_1", "actor2")
    counts = sa.Table(
        "value_counts",
        sa.MetaData(),
        sa.Column("field", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    counts.create(conn)
    incidents = sa.table("incidents", *(sa.column(name) for name in columns))
    for name in columns:
        column = incidents.c[name]
        conn.execute(counts.insert().from_select(
            ["field", "value", "n"],
            sa.select(sa.literal(name, sa.String), column, sa.func.count()).where(column != "").group_by(column),
        ))


def _v6_page_aggregates(conn: sa.Connection) -> None:
    # The page's first view at a million incidents read the whole map index for its cells (1 s on
    # SQLite) and the date index for its counts and weekly chart (0.5 s), again after every write.
    # These tables hold those answers; the store's writers keep them in the same transaction as
    # the rows, and the store fills them from the rows already stored once this step has run
    # (incidents/store.py, _AggregateChanges and rebuild_aggregates).
    metadata = sa.MetaData()
    sa.Table(
        "daily_counts",
        metadata,
        sa.Column("event_date", sa.Date, primary_key=True),
        sa.Column("actor_group", sa.Text, primary_key=True),
        sa.Column("place", sa.String(16), primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    sa.Table(
        "map_cells",
        metadata,
        sa.Column("y", sa.BigInteger, primary_key=True),
        sa.Column("x", sa.BigInteger, primary_key=True),
        sa.Column("actor_group", sa.Text, primary_key=True),
        sa.Column("place", sa.String(16), primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("latitude_sum", sa.Float, nullable=False),
        sa.Column("longitude_sum", sa.Float, nullable=False),
    )
    metadata.create_all(conn)


def _v7_review(conn: sa.Connection) -> None:
    # Every incident's review status and the history of every change a person or a writer made
    # (incidents/store.py, IncidentStore.review). Extracted incidents await review, imported ones
    # were coded by people elsewhere.
    for column in (
        "review_status VARCHAR(16) NOT NULL DEFAULT 'proposed'",
        "reviewed_by TEXT NOT NULL DEFAULT ''",
        "reviewed_at BIGINT",
        # The extractor's reasons for doubt, and their weight (the queue's order); the fields a
        # reviewer corrected, which no later report or import overwrites.
        "doubts TEXT NOT NULL DEFAULT ''",
        "doubt INTEGER NOT NULL DEFAULT 0",
        "cues JSON NOT NULL DEFAULT '{}'",  # the words the extractor read each part from
        "corrected TEXT NOT NULL DEFAULT ''",
    ):
        conn.execute(sa.text(f"ALTER TABLE incidents ADD COLUMN {column}"))
    conn.execute(sa.text(
        "UPDATE incidents SET review_status = CASE WHEN source_kind = 'article' THEN 'proposed' ELSE 'imported' END"
    ))
    # The review queue: the proposed incidents, most doubtful first, in an index of those alone (a
    # partial index: imported rows cost it nothing, and a filter on statuses, which holds most of
    # the store, is not read through it).
    conn.execute(sa.text(
        "CREATE INDEX ix_incidents_review ON incidents (doubt, event_date, event_id) WHERE review_status = 'proposed'"
    ))
    sa.Table(
        "review_history",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("changed_at", sa.BigInteger, nullable=False),  # Unix seconds
        sa.Column("editor", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),  # the fields changed, comma-separated
        sa.Column("old", sa.JSON, nullable=False),
        sa.Column("new", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Index("ix_review_history_event", "event_id", "id"),
    ).create(conn)
    if conn.dialect.name == "sqlite":
        # The map's and the counts' covering indexes hold the status too: the page's default view
        # (everything but rejected) is then still read from the indexes alone.
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_incidents_map"))
        conn.execute(sa.text(
            "CREATE INDEX ix_incidents_map ON incidents (actor_group, latitude, longitude, geo_precision, admin1, "
            "event_date, event_type, source_kind, review_status)"
        ))
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_incidents_date_cover"))
        conn.execute(sa.text(
            "CREATE INDEX ix_incidents_date_cover ON incidents (event_date, actor_group, latitude, longitude, "
            "geo_precision, admin1, event_type, source_kind, review_status)"
        ))
    # The page's aggregates count by status too (the store fills them again after this step).
    conn.execute(sa.text("DROP TABLE daily_counts"))
    conn.execute(sa.text("DROP TABLE map_cells"))
    metadata = sa.MetaData()
    sa.Table(
        "daily_counts",
        metadata,
        sa.Column("event_date", sa.Date, primary_key=True),
        sa.Column("actor_group", sa.Text, primary_key=True),
        sa.Column("place", sa.String(16), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    sa.Table(
        "map_cells",
        metadata,
        sa.Column("y", sa.BigInteger, primary_key=True),
        sa.Column("x", sa.BigInteger, primary_key=True),
        sa.Column("actor_group", sa.Text, primary_key=True),
        sa.Column("place", sa.String(16), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("latitude_sum", sa.Float, nullable=False),
        sa.Column("longitude_sum", sa.Float, nullable=False),
    )
    metadata.create_all(conn)


def _v8_partial_indexes(conn: sa.Connection) -> None:
    # Two indexes that every imported row paid for and only a few rows are looked up by: the place
    # text of incidents with no point (a placement from the page finds them), and the report ids a
    # merged article gave (an article ingested again finds them; a row's own id is its key). As
    # partial indexes an import writes neither: two of the thirteen index entries of each row.
    conn.execute(sa.text("DROP INDEX ix_incidents_location_key"))
    conn.execute(sa.text(
        "CREATE INDEX ix_incidents_location_key ON incidents (location_key) "
        "WHERE latitude IS NULL OR longitude IS NULL"
    ))
    conn.execute(sa.text("DROP INDEX ix_incident_sources_reported"))
    conn.execute(sa.text(
        "CREATE INDEX ix_incident_sources_reported ON incident_sources (reported_event_id) "
        "WHERE reported_event_id <> event_id"
    ))


def _postgis(conn: sa.Connection) -> None:
    installed = conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if installed:
        return
    try:
        conn.execute(sa.text("CREATE EXTENSION postgis"))
    except sa.exc.DBAPIError as error:
        raise RuntimeError(
            "this PostgreSQL database lacks the PostGIS extension and this user may not add it: install "
            "Debian's postgis package on the server and run `CREATE EXTENSION postgis;` in the database "
            f"as a superuser ({error.orig})"
        ) from None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "incidents, sources and incident_sources tables", _v1_tables),
    Migration(2, "composite index on actor_group, event_date, event_id", _v2_group_date_index),
    Migration(3, "store version; map index (PostGIS geometry and GiST index on PostgreSQL)", _v3_map_index_and_version),
    Migration(4, "SQLite: the date index covers the page's counts", _v4_covering_date_index),
    Migration(5, "incidents per value of the filter widgets' columns", _v5_value_counts),
    Migration(6, "incidents per day and per map cell, by actor group and place class", _v6_page_aggregates),
    Migration(7, "review status and history; the aggregates by status", _v7_review),
    Migration(8, "partial indexes of unplaced incidents' place text and of merged reports' ids", _v8_partial_indexes),
)
# The steps that (re)create the page's aggregate tables: the store fills them after any of these.
AGGREGATES_VERSIONS = frozenset({6, 7})
LATEST_VERSION = MIGRATIONS[-1].version


def _version_table() -> sa.Table:
    return sa.Table(
        SCHEMA_VERSION_TABLE,
        sa.MetaData(),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", sa.Text, nullable=False),
    )


def current_version(conn: sa.Connection) -> int:
    """The highest migration applied to this database (0 for an empty database)."""
    if not sa.inspect(conn).has_table(SCHEMA_VERSION_TABLE):
        return 0
    return int(conn.execute(sa.select(sa.func.max(_version_table().c.version))).scalar() or 0)


def migrate(conn: sa.Connection, *, target: int = LATEST_VERSION) -> list[int]:
    """Apply every pending step up to `target` inside the caller's transaction; returns the versions applied."""
    version_table = _version_table()
    version_table.create(conn, checkfirst=True)
    start = current_version(conn)
    if start > LATEST_VERSION:
        raise RuntimeError(
            f"the database has schema version {start}, newer than this program's {LATEST_VERSION}; upgrade incident-map"
        )
    applied = []
    for step in MIGRATIONS:
        if start < step.version <= target:
            step.apply(conn)
            conn.execute(
                version_table.insert().values(
                    version=step.version,
                    description=step.description,
                    applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                )
            )
            applied.append(step.version)
    return applied
