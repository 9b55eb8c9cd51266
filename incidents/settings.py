"""Where the incident store lives: INCIDENT_MAP_DB (a path or a database URL), else
incidents.sqlite in the user's data folder (data/ in a checkout, per-user when installed).

Apart from incidents/store.py so that light modules (the geocoder, finding the store's gazetteer
layer at start-up) learn the store's URL without importing SQLAlchemy.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo.sources import USER_DATA_DIR

DEFAULT_DB_PATH = USER_DATA_DIR / "incidents.sqlite"  # data/ in a checkout, per-user when installed
DB_ENV = "INCIDENT_MAP_DB"


def default_db_url() -> str:
    """The database named by INCIDENT_MAP_DB (a path or a URL), else DEFAULT_DB_PATH."""
    return to_db_url(os.environ.get(DB_ENV) or DEFAULT_DB_PATH)


def to_db_url(value: str | os.PathLike[str]) -> str:
    """A database URL from a URL or a file path (a path means an SQLite file).

    `postgresql://` (and libpq's `postgres://`) URLs use psycopg 3, the `postgres` extra's driver.
    """
    text = os.fspath(value)
    for scheme in ("postgresql://", "postgres://"):
        if text.startswith(scheme):
            return "postgresql+psycopg://" + text.removeprefix(scheme)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"
