"""Stores for the tests: an SQLite file, and a database on a throw-away PostgreSQL/PostGIS server.

The `db_url` fixture runs a test once per database. The server (incidents.pgserver) starts once
per test session on a free port in a temporary folder and is stopped at the end; each test gets a
new database on it. Where PostgreSQL or PostGIS is not installed the PostgreSQL runs are skipped,
except in CI (CI=true), where scripts/test.sh installs both and a skip would hide a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidents.pgserver import PostgresUnavailable, Server, throwaway_server
from incidents.store import to_db_url

DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    try:
        with throwaway_server() as server:
            yield server
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {error}")
        pytest.skip(str(error))


def _new_database(request: pytest.FixtureRequest, kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield to_db_url(folder / "incidents.sqlite")
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)  # WITH (FORCE): engines a test left open do not keep it alive


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty store's URL: an SQLite file, then a PostgreSQL database."""
    yield from _new_database(request, request.param, tmp_path)


@pytest.fixture(scope="module", params=DATABASES)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As db_url, shared by a module's tests (for stores that take a while to fill)."""
    yield from _new_database(request, request.param, tmp_path_factory.mktemp("store"))
