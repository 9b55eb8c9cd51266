"""A throw-away PostgreSQL server with PostGIS, for the tests and the benches.

Debian's `postgresql` and `postgis` packages provide the programs; `initdb` makes a cluster in a
temporary folder, the server listens on 127.0.0.1 at a free port (and on a socket in that folder
only), and everything is deleted when the block ends. PostgreSQL refuses to run as root, so as
root (CI) the server runs as the `postgres` user the Debian package creates.

    with throwaway_server() as server:
        url = server.create_database("demo")   # postgresql://postgres@127.0.0.1:PORT/demo
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

# Settings for a server whose data may be lost: no waiting for the disk.
_FAST_UNSAFE = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
TEMPLATE = "incident_map_template"  # a database with PostGIS installed, copied for each new one


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's or PostGIS's programs are not installed (apt-get install postgresql postgis)."""


def server_programs() -> Path:
    """The folder holding initdb and postgres: the newest /usr/lib/postgresql/N/bin, else PATH's."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable("PostgreSQL's initdb was not found: apt-get install postgresql postgis")


def postgis_installed(programs: Path) -> bool:
    version = programs.parent.name
    return any(Path(f"/usr/share/postgresql/{version}/extension").glob("postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    folder: Path
    _names: Iterator[int]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]  # our own fixed statements

    def create_database(self, prefix: str = "store") -> str:
        """A new empty database with PostGIS; returns its URL."""
        name = f"{prefix}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_postgres_user() -> list[str]:
    """The command prefix that runs a program as the `postgres` user when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no `postgres` user to run the server as") from None
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def throwaway_server(*, timeout_s: float = 60.0) -> Iterator[Server]:
    """Start a new cluster on a free port; stop it and delete its folder afterwards."""
    programs = server_programs()
    if not postgis_installed(programs):
        raise PostgresUnavailable(f"PostGIS is not installed for {programs}: apt-get install postgis")
    prefix = _as_postgres_user()
    folder = Path(tempfile.mkdtemp(prefix="incident-map-pg-"))
    if prefix:
        shutil.chown(folder, user="postgres", group="postgres")
    data = folder / "data"
    port = _free_port()
    subprocess.run(
        [*prefix, str(programs / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True, text=True,
    )
    log = folder / "server.log"
    server_process = subprocess.Popen(
        [*prefix, str(programs / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
         "-k", str(folder), *_FAST_UNSAFE],
        stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )
    try:
        server = Server(port, folder, count(1))
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                server._admin(f"CREATE DATABASE {TEMPLATE}")
                break
            except Exception:  # noqa: BLE001 - not accepting connections yet
                if server_process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start on port {port}:\n{log.read_text()}") from None
                time.sleep(0.1)  # polling while the server starts, not a measurement
        import psycopg

        with psycopg.connect(server.url(TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        yield server
    finally:
        server_process.terminate()
        try:
            server_process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server_process.kill()
            server_process.wait()
        shutil.rmtree(folder, ignore_errors=True)
