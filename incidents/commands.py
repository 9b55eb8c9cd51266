"""Subcommands of `incident-map` (see incidents/cli.py): extract, ingest, list, resolve (review's are
in incidents/review.py).

Standard output carries only the command's result (JSON lines, the table, the summary);
progress, warnings and errors go to standard error, each naming the file it is about.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from geo.sources import USER_DATA_DIR
from incidents.model import (
    ATTRIBUTION_LABELS,
    PLACE_CLASSES,
    REVIEW_STATUSES,
    SHOWN_STATUSES,
    SOURCE_KINDS,
    Incident,
    IncidentFilter,
    TimePrecision,
    incident_to_record,
)

if TYPE_CHECKING:
    from incidents.articles import Article
    from incidents.extract import Extractor
    from incidents.store import IncidentStore, IngestResult

ARTICLE_SUFFIXES = (".txt", ".md", ".json")
DB_HELP = (
    "database: an SQLite file path or a database URL "
    f"(default: $INCIDENT_MAP_DB, else {USER_DATA_DIR / 'incidents.sqlite'})"
)
_TIME_PRECISION_NAMES = {TimePrecision.DAY: "day", TimePrecision.WEEK: "week", TimePrecision.MONTH: "month"}


def _empty_result() -> IngestResult:
    # The store (SQLAlchemy) is imported by the commands that open it: `--help`, `extract` and
    # `geocode` never do. So are the extractor and the geocoder, by the commands that use them.
    from incidents.store import IngestResult

    return IngestResult()


@dataclass
class IngestSummary:
    articles: int = 0
    failed: list[str] = field(default_factory=list)  # one message per bad file, naming it
    result: IngestResult = field(default_factory=_empty_result)


def article_files(paths: Iterable[Path], on_error: Callable[[str], None]) -> Iterator[Path]:
    """The files named, and the article files (.txt .md .json) under the folders named, in order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            yield path
        else:
            on_error(f"{path}: no such file or directory")


def ingest_paths(
    paths: Iterable[Path],
    store: IncidentStore,
    *,
    extractor: Extractor | None = None,
    published: date | None = None,
    progress: bool = True,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Read, extract and store every article under `paths`, one transaction per article.

    A file that cannot be read or stored is reported through `on_error` (a message naming it)
    and skipped; the others go on. `published` overrides every article's date. `on_progress`
    hears (files done, files in all) after each file, for a progress bar other than tqdm's.
    """
    from tqdm import tqdm

    if extractor is None:
        extractor = default_extractor()
    summary = IngestSummary()

    def report(message: str) -> None:
        summary.failed.append(message)
        if on_error:
            on_error(message)

    files = list(article_files(paths, report))
    bar = tqdm(total=len(files), desc="ingest", unit="article", file=sys.stderr, disable=not progress or None)
    done = 0
    for path, article, incidents in extracted_articles(files, extractor, published=published, on_error=report):
        try:
            summary.result += store.ingest(article.source(), incidents)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
            report(str(error) if str(path) in str(error) else f"{path}: {type(error).__name__}: {error}")
        else:
            summary.articles += 1
        done += 1
        bar.update(1)
        if on_progress:
            on_progress(done, len(files))
    bar.close()
    return summary


# Articles extracted together: the parser works on batches of sentences from all of them.
_EXTRACT_CHUNK = 64


def extracted_articles(
    files: list[Path], extractor: Extractor, *, published: date | None = None, on_error: Callable[[str], None]
) -> Iterator[tuple[Path, Article, list[Incident]]]:
    """(file, article, incidents) for each readable file, in order, extracted a chunk at a time; a
    file that cannot be read or extracted is reported through `on_error` and skipped."""
    from incidents.articles import read_article

    for first in range(0, len(files), _EXTRACT_CHUNK):
        chunk: list[tuple[Path, Article]] = []
        for path in files[first : first + _EXTRACT_CHUNK]:
            try:
                chunk.append((path, read_article(path, published=published)))
            except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
                on_error(str(error) if str(path) in str(error) else f"{path}: {type(error).__name__}: {error}")
        try:
            results = extractor.extract_many([article for _, article in chunk])
        except Exception:  # noqa: BLE001 - then one at a time, to name the file that fails
            results = []
            for path, article in chunk:
                try:
                    results.append(extractor.extract(article))
                except Exception as error:  # noqa: BLE001
                    on_error(f"{path}: {type(error).__name__}: {error}")
                    results.append(None)
        for (path, article), incidents in zip(chunk, results, strict=True):
            if incidents is not None:
                yield path, article, incidents


def default_extractor(store: str | None = None) -> Extractor:
    """The extractor over the process's geocoder, or over one that searches `store`'s places."""
    from incidents.geocoding import default_geocoder, geocoder_for
    from incidents.extract import Extractor

    return Extractor(default_geocoder() if store is None else geocoder_for(store))


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def _coordinate(limit: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if not -limit <= number <= limit:
            raise argparse.ArgumentTypeError(f"{number} is outside -{limit:g}..{limit:g}")
        return number

    return parse


def _error(command: str, message: str) -> None:
    print(f"incident-map {command}: {message}", file=sys.stderr)


def run_extract(args: argparse.Namespace) -> int:
    failures: list[str] = []

    def report(message: str) -> None:
        failures.append(message)
        _error("extract", message)

    files = list(article_files(args.paths, report))
    several = len(files) > 1 or any(path.is_dir() for path in args.paths)
    for path, _, incidents in extracted_articles(files, default_extractor(), published=args.published, on_error=report):
        for incident in incidents:
            record = {"file": str(path), **incident_to_record(incident)} if several else incident_to_record(incident)
            print(json.dumps(record, ensure_ascii=False))
    return 1 if failures else 0


def run_ingest(args: argparse.Namespace) -> int:
    from incidents.store import IncidentStore

    store = IncidentStore(args.db)
    try:
        summary = ingest_paths(
            args.paths,
            store,
            extractor=default_extractor(args.db),
            published=args.published,
            progress=not args.quiet,
            on_error=lambda message: _error("ingest", message),
        )
    finally:
        store.close()
    result = summary.result
    print(
        f"ingested {summary.articles} article(s): {result.added} incidents added, {result.merged} merged, "
        f"{result.unchanged} unchanged, {result.unresolved} with unresolved places"
        + (f"; {len(summary.failed)} files failed" if summary.failed else "")
    )
    return 1 if summary.failed else 0


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of an IncidentFilter, for every command that selects incidents (list, export):
    the same filter the page builds from its widgets."""
    parser.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD", help="first day (inclusive)")
    parser.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD", help="last day (inclusive)")
    parser.add_argument("--actor-group", action="append", default=[], metavar="GROUP",
                        help="actor group, e.g. 'Iran-aligned militias' (repeatable)")
    parser.add_argument("--actor", action="append", default=[], metavar="NAME",
                        help="actor 1, associated actor or actor 2: a name or part of it, any case (repeatable)")
    parser.add_argument("--event-type", action="append", default=[], metavar="TYPE", help="ACLED event type, e.g. Battles (repeatable)")
    parser.add_argument("--place", action="append", default=[], choices=PLACE_CLASSES,
                        help="how exactly the incident is placed; 'country': a region-level place naming no province (repeatable)")
    parser.add_argument("--source-kind", action="append", default=[], choices=SOURCE_KINDS, help="repeatable")
    parser.add_argument("--text", default="", help="free text over places, actors, notes and sentences")
    parser.add_argument("--unresolved", action="store_true", help="only incidents whose place has no coordinates")
    parser.add_argument("--status", action="append", default=[], choices=(*REVIEW_STATUSES, "all"),
                        help=f"review status (repeatable; default: all but rejected, {', '.join(SHOWN_STATUSES)})")
    parser.add_argument("--attribution", action="append", default=[], choices=tuple(ATTRIBUTION_LABELS.values()),
                        help="how the actor is known: claimed, accused or suspected by someone, or stated (repeatable)")


def filter_from_args(args: argparse.Namespace) -> IncidentFilter:
    return IncidentFilter(
        date_from=args.date_from,
        date_to=args.date_to,
        actor_groups=tuple(args.actor_group),
        actors=tuple(args.actor),
        event_types=tuple(args.event_type),
        places=tuple(args.place),
        source_kinds=tuple(args.source_kind),
        text=args.text,
        unresolved_only=args.unresolved,
        statuses=() if "all" in args.status else tuple(args.status) or SHOWN_STATUSES,
        attributions=tuple(a for a, label in ATTRIBUTION_LABELS.items() if label in args.attribution),
    )


_TABLE_COLUMNS = (
    ("date", 10), ("when", 5), ("place", 30), ("geo", 10), ("actor", 32), ("type", 34), ("fatalities", 10), ("status", 9),
)


def _table_cells(incident: Incident) -> tuple[str, ...]:
    return (
        incident.event_date.isoformat(),
        _TIME_PRECISION_NAMES.get(TimePrecision(incident.time_precision), str(incident.time_precision)),
        incident.place_name or incident.location,
        "unresolved" if incident.geo_precision is None else str(int(incident.geo_precision)),
        incident.actor1 or incident.actor_group,
        incident.sub_event_type or incident.event_type,
        "" if incident.fatalities is None else str(incident.fatalities),
        incident.review_status,
    )


def print_row(cells: Iterable[str], out: TextIO, columns: Sequence[tuple[str, int]] = _TABLE_COLUMNS) -> None:
    """One line of a table: each cell on one line, cut to its column's width."""
    fitted = []
    for text, (_, width) in zip(cells, columns):
        text = " ".join(text.split())  # article text may hold newlines or tabs
        fitted.append(text if len(text) <= width else text[: width - 1] + "…")
    print("  ".join(f"{text:<{width}}" for text, (_, width) in zip(fitted, columns)).rstrip(), file=out)


def run_list(args: argparse.Namespace) -> int:
    from incidents.store import IncidentStore

    store = IncidentStore(args.db)
    flt = filter_from_args(args)
    incidents = store.iter_incidents(flt) if args.limit is None else store.query(flt, limit=args.limit)
    if args.format == "jsonl":
        for incident in incidents:
            print(json.dumps(incident_to_record(incident), ensure_ascii=False))
        return 0
    print_row((name for name, _ in _TABLE_COLUMNS), sys.stdout)
    shown = 0
    for incident in incidents:
        print_row(_table_cells(incident), sys.stdout)
        shown += 1
    total = store.count(flt)
    print(f"{shown} of {total} incidents" if shown < total else f"{total} incident(s)", file=sys.stderr)
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from incidents.geocoding import default_geocoder

    country = iso = ""
    if args.country:
        import pycountry

        found = pycountry.countries.get(alpha_2=args.country.upper())
        if found is None:
            _error("resolve", f"unknown country code {args.country!r}")
            return 2
        country, iso = found.name, found.alpha_2
    place = " ".join(args.place.split())
    # The alias first: it validates the place name, and a store failure after it is harmless
    # (the next ingest of the article resolves the place anyway).
    try:
        default_geocoder().add_alias(
            place, args.latitude, args.longitude, kind=args.kind, country_code=iso or None, admin1=args.admin1
        )
    except (TypeError, ValueError) as error:
        _error("resolve", str(error))
        return 2
    from incidents.store import IncidentStore

    store = IncidentStore(args.db)
    updated = store.resolve_place(
        place, args.latitude, args.longitude, geo_precision=args.precision, country=country, iso=iso, admin1=args.admin1
    )
    store.close()
    print(
        f"{updated} incident(s) at {place!r} resolved to {args.latitude}, {args.longitude}; "
        "the place is now in the user gazetteer"
    )
    return 0


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
    from geo.sources import KINDS

    extract = subcommands.add_parser(
        "extract",
        help="print the incidents articles describe, one JSON object a line",
        description=(
            "Read articles (.txt, .md or .json files, or folders of them) and print their incidents as JSON "
            "lines; with several files each object carries its \"file\"."
        ),
    )
    extract.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files or folders")
    extract.add_argument(
        "--published", type=_iso_date, metavar="YYYY-MM-DD", help="publication date (overrides the article's date line)"
    )
    extract.set_defaults(handler=run_extract)

    ingest = subcommands.add_parser(
        "ingest",
        help="extract incidents from articles and store them",
        description="Ingest article files, or folders of them (.txt .md .json, recursively), one transaction per article.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files or folders")
    ingest.add_argument(
        "--published", type=_iso_date, metavar="YYYY-MM-DD", help="publication date of every file (overrides date lines)"
    )
    ingest.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(handler=run_ingest)

    listing = subcommands.add_parser(
        "list", help="list stored incidents", description="List stored incidents, newest first."
    )
    add_filter_arguments(listing)
    listing.add_argument("--format", choices=("table", "jsonl"), default="table")
    listing.add_argument("--limit", type=_positive, default=None, help="at most this many incidents (the newest)")
    listing.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    listing.set_defaults(handler=run_list)

    resolve = subcommands.add_parser(
        "resolve",
        help="give coordinates to an unresolved place",
        description=(
            "Set the coordinates of every unresolved incident whose place text is PLACE (any case and spacing), "
            "and add PLACE to the user gazetteer so that later articles resolve it."
        ),
    )
    resolve.add_argument("place", help="the place text, as `list --unresolved` shows it")
    resolve.add_argument("latitude", type=_coordinate(90), help="decimal degrees")
    resolve.add_argument("longitude", type=_coordinate(180), help="decimal degrees")
    resolve.add_argument(
        "--precision", type=int, choices=(1, 2, 3), default=1, help="ACLED geo_precision of these coordinates (default 1)"
    )
    resolve.add_argument("--kind", choices=KINDS, default="site", help="gazetteer kind of the place (default: site)")
    resolve.add_argument("--country", metavar="CC", help="ISO 3166 alpha-2 country code of the place")
    resolve.add_argument("--admin1", default="", metavar="NAME", help="the province of the place")
    resolve.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    resolve.set_defaults(handler=run_resolve)
