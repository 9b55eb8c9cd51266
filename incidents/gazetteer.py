"""The store's places as a gazetteer layer: what the user's own data sets teach the geocoder.

In ACLED's codebook an event's location and coordinates always name a real place: at precision 1
the event happened there, at 2 near or around it (the coordinates are still the named town's),
at 3 in a region represented by a named provincial capital or natural feature (whose coordinates
they are). So every imported ACLED row is a true name-to-point pair. UCDP's where_prec 1 and 2
(read by the import as geo_precision 1 and 2) name the place likewise; its where_prec 3 and 4 name
a district or a province ("Hawija district (Kirkuk)", "Kirkuk province"), learned as one. One bulk
query groups those events by place (the name as the data set writes it, country, province,
district and point); each group becomes a place of the layer "store", with the number of its
events and one of them as its source ("ACLED IRQ24248"). The same name at several points stays
several places: homonyms the geocoder ranks (by events, and by the caller's province and point),
never averaged into a point between them.

The layer is rebuilt after an import (`incident-map import`, or refresh_store_layer) and kept in
the geocoder's index cache, so look-ups never query the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from geo.index import Layer, build_layer, write_layer
from geo.normalize import HINT_ADMIN1, HINT_AIRFIELD, HINT_BASE, HINT_DISTRICT, HINT_EMBASSY, name_key
from geo.sources import Place
from incidents.store import IncidentStore, incidents_table

# The kinds of place a name's own kind word says ("Al Asad Airbase", UCDP's "Kirkuk province");
# any other is a town, village or neighbourhood.
_KIND_OF_HINT = {HINT_BASE: "base", HINT_AIRFIELD: "airfield", HINT_EMBASSY: "site", HINT_DISTRICT: "admin2", HINT_ADMIN1: "admin1"}
# the precision a place of each kind is coded at when a report names it (ACLED's)
_PRECISION_OF_KIND = {"admin2": 2, "admin1": 3}
# UCDP writes what a place is after its name ("Al Bu Hayat village", "Tikrit town (Salah ad Din)"):
# the name is what a report writes.
_UCDP_SUFFIX = re.compile(r"\s*(?:\([^)]*\)|\b(?:village|town|city|hamlet|area|neighbourhood|neighborhood))\s*$", re.IGNORECASE)


def _named_places() -> sa.ColumnElement[bool]:
    """Imported events whose location and point name a place: every ACLED row, and UCDP's rows
    at a place, near one, or in a named district or province (its geo_precision 3 rows name the
    unit in their location text; a row at a country's point names no place and is left out)."""
    c = incidents_table.c
    return sa.and_(
        c.source_kind.in_(("acled", "ucdp")),
        c.latitude.is_not(None),
        c.longitude.is_not(None),
        c.location != "",
    )


def _ucdp_name(text: str) -> str:
    while True:
        shorter = _UCDP_SUFFIX.sub("", text)
        if shorter == text or not shorter:
            return text
        text = shorter


def store_places(store: IncidentStore) -> Iterator[Place]:
    """The places of the store's imported events, one per (name, country, province, district,
    point), read with one grouped query."""
    c = incidents_table.c
    columns = (c.source_kind, c.location, c.iso, c.admin1, c.admin2, c.latitude, c.longitude)
    statement = (
        sa.select(
            *columns,
            sa.func.count().label("events"),
            sa.func.max(c.event_id).label("event_id"),
            sa.func.max(c.geo_precision).label("geo_precision"),
        )
        .where(_named_places())
        .group_by(*columns)
    )
    with store.engine.connect() as conn:
        for row in conn.execute(statement):
            location = " ".join(row.location.split())
            name = _ucdp_name(location) if row.source_kind == "ucdp" else location
            key, hint = name_key(name)
            if not key:
                continue  # no letters or digits to index
            kind = _KIND_OF_HINT.get(hint or "", "city")
            if row.source_kind == "ucdp" and (row.geo_precision or 1) >= 3 and kind not in _PRECISION_OF_KIND:
                continue  # UCDP's point of a road, a region or the country: no place of that name
            if row.source_kind == "ucdp":
                source = f"UCDP GED {row.event_id.removeprefix('UCDP-')}"
            else:
                source = f"ACLED {row.event_id}"
            yield Place(
                name=name,
                latitude=float(row.latitude),
                longitude=float(row.longitude),
                kind=kind,
                country_code=row.iso or "",
                admin1=row.admin1 or "",
                admin2=row.admin2 or "",
                source=source,
                source_id=row.event_id,
                # the named place itself, whatever the event's own precision
                precision=_PRECISION_OF_KIND.get(kind, 1),
                aliases=(location,) if name != location else (),
                events=int(row.events),
            )


def build_store_layer(store: IncidentStore) -> Layer:
    return build_layer(store_places(store))


def refresh_store_layer(store: IncidentStore | str, *, cache_dir: Path | None = None) -> Layer:
    """Build the store's places layer and put it in the index cache (replacing older ones);
    a geocoder of this process that searches the store sees it at once."""
    from geo.geocoder import configured_cache_dir
    from incidents.geocoding import reload_store_layer, store_layer_path

    own = isinstance(store, str)
    opened = IncidentStore(store) if isinstance(store, str) else store
    try:
        layer = build_store_layer(opened)
        url = opened.url
    finally:
        if own:
            opened.close()
    cache_dir = Path(cache_dir) if cache_dir is not None else configured_cache_dir()
    path = store_layer_path(cache_dir, url)
    write_layer(path, layer)
    prefix = path.name.rsplit("-", 1)[0]
    for old in cache_dir.glob(f"{prefix}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    # which store the layer is of, so that layers of SQLite files since deleted are dropped
    (cache_dir / f"{prefix}.store").write_text(display_url(url), encoding="utf-8")
    _drop_layers_of_deleted_stores(cache_dir)
    reload_store_layer(url, cache_dir, layer)
    return layer


def display_url(url: str) -> str:
    """A database URL fit to print or keep in a file: the password masked."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _drop_layers_of_deleted_stores(cache_dir: Path) -> None:
    for record in cache_dir.glob("store-*.store"):
        url = record.read_text(encoding="utf-8").strip()
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            for layer in cache_dir.glob(f"{record.stem}-*.pickle"):
                layer.unlink(missing_ok=True)
            record.unlink(missing_ok=True)
