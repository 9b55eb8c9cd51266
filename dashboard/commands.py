"""`incident-map dashboard`: open the page on the store, ingesting seeds/ first when it is empty."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from geo.sources import bundled_path

APP = bundled_path("app.py")
SEEDS = bundled_path("seeds")


# What the page says on an empty store when there are no seed articles to read.
EMPTY_STORE_GUIDANCE = (
    "The store is empty. Paste or upload an article under **Add an article** below, or from a "
    "terminal ingest article files (`incident-map ingest FOLDER`: .txt, .md or .json) or import "
    "an ACLED or UCDP export (`incident-map import FILE.csv`), then reload this page."
)


def seed_articles(seeds: Path | None = None) -> list[Path]:
    """The article files in seeds/ (SEEDS unless told), none when the folder is missing."""
    from incidents.commands import article_files

    folder = SEEDS if seeds is None else seeds
    return list(article_files([folder], on_error=lambda message: None)) if folder.is_dir() else []


def ingest_seeds(
    db_url: str, seeds: Path | None = None, *, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Extract and ingest every article in seeds/ when the store is empty; returns incidents added.
    `on_progress` hears (articles done, articles in all)."""
    from incidents.commands import ingest_paths
    from incidents.store import IncidentStore

    store = IncidentStore(db_url)
    if store.count() > 0:
        return 0

    def report(message: str) -> None:
        print(f"incident-map dashboard: {message}", file=sys.stderr)

    files = seed_articles(seeds)
    return ingest_paths(files, store, progress=False, on_error=report, on_progress=on_progress).result.added


def streamlit_command(port: int, *, headless: bool, app: Path = APP, address: str = "localhost") -> list[str]:
    """The server's command line: `streamlit run` with the page's libraries imported at start
    (dashboard/server.py); another page (the benches' baselines) gets Streamlit's own command, as
    our preloaded modules would stand in for its own. A named address also stops Streamlit's
    headless start-up from asking an outside service for the machine's public IP: nothing leaves
    the machine."""
    return [
        sys.executable, "-m", "dashboard.server" if app == APP else "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", address,
        "--server.enableStaticServing", "true",
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
    ]


def run_dashboard(args: argparse.Namespace) -> int:
    from dashboard.basemap import install_offline_files
    from incidents.store import default_db_url, to_db_url

    install_offline_files()  # before the server starts, so that it finds static/ to serve
    db_url = to_db_url(args.db) if args.db else default_db_url()
    added = ingest_seeds(db_url)
    if added:
        print(f"store was empty: ingested {added} incidents from {SEEDS}", file=sys.stderr)
    env = {**os.environ, "INCIDENT_MAP_DB": db_url}
    print(f"incident-map on http://{args.address}:{args.port} (store: {db_url})", file=sys.stderr)
    command = streamlit_command(args.port, headless=args.headless, address=args.address)
    server = subprocess.Popen(command, cwd=APP.parent, env=env)
    # Stopping the command stops the server: a SIGTERM (a service manager, `kill PID`) is passed on
    # rather than leaving Streamlit running on the port. Ctrl-C reaches both processes already.
    signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:
        return server.wait()


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
    from incidents.commands import DB_HELP

    parser = subcommands.add_parser(
        "dashboard", help="open the map page (ingests seeds/ when the store is empty)",
        description="Run the Streamlit page on the incident store; an empty store gets the seed articles first.",
    )
    parser.add_argument("--db", metavar="PATH_OR_URL", help=DB_HELP)
    parser.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    parser.add_argument("--address", default="localhost",
                        help="interface to listen on (default localhost; 0.0.0.0 to share on the network)")
    parser.add_argument("--headless", action="store_true", help="do not open a browser window")
    parser.set_defaults(handler=run_dashboard)
