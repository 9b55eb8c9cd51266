"""Imports of ACLED and UCDP GED CSV files, exports to CSV and GeoJSON: `incident-map import|export`.

An import streams the file (csv module, bounded memory) into IncidentStore.upsert in batches:
keyed by event id, so re-importing changes nothing and a newer ACLED export (same event_id_cnty,
newer timestamp) corrects the events it shares with an older one. The header is checked before
anything is written; a bad row is reported with its line and reason and the good rows still import.
The column mappings are described in incidents/formats/acled.py and incidents/formats/ucdp.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Literal, TextIO

from incidents.formats import acled, ucdp
from incidents.formats.acled import ACLED_COLUMNS, EXPORT_COLUMNS, to_acled_row
from incidents.formats.fields import RowError, RowParser, column_names
from incidents.formats.geojson import to_geojson_feature, write_feature_collection
from incidents.model import Incident

if TYPE_CHECKING:
    from incidents.store import IncidentStore

__all__ = [
    "ACLED_COLUMNS",
    "EXPORT_COLUMNS",
    "ExchangeError",
    "ImportSummary",
    "IncidentReader",
    "Rejection",
    "export_incidents",
    "import_file",
    "register",
    "to_acled_row",
    "to_geojson_feature",
]

FORMATS: dict[str, ModuleType] = {"acled": acled, "ucdp": ucdp}
_FORMAT_TITLES = {"acled": "an ACLED", "ucdp": "a UCDP GED"}
ExportFormat = Literal["csv", "geojson"]
# Rejections past this many are counted, not kept: a million bad rows must not fill memory.
MAX_KEPT_REJECTIONS = 1000
_PROGRESS_EVERY = 2048  # rows between progress-bar updates


class ExchangeError(ValueError):
    """A file that cannot be imported at all; the message names the file."""


@dataclass(frozen=True)
class Rejection:
    line: int  # the physical line where the row starts (quoted newlines counted)
    reason: str


@dataclass
class ImportSummary:
    path: str
    format: str
    rows: int = 0  # data rows read: the header, an HXL hashtag row and blank lines are not data
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)  # the first MAX_KEPT_REJECTIONS

    def __str__(self) -> str:
        return (
            f"{self.path} ({self.format}): {self.rows} rows: {self.inserted} imported, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected"
        )


def _is_hxl_row(row: list[str]) -> bool:
    """The Humanitarian Exchange Language row of hashtags (#date+start) that portals add under the header."""
    cells = [cell.strip() for cell in row if cell.strip()]
    return bool(cells) and all(cell.startswith("#") for cell in cells)


def detect_format(names: list[str]) -> str | None:
    """The format whose identifying columns the header has, or None."""
    present = set(names)
    for name, module in FORMATS.items():
        if present.issuperset(module.REQUIRED):
            return name
    return None


class IncidentReader:
    """A data-set CSV opened for import; the header is read and checked on opening.

    Use as a context manager; `incidents()` streams the good rows as Incidents and records the bad
    ones in `summary`.
    """

    def __init__(self, path: str | os.PathLike[str], *, format: str = "auto") -> None:
        self.path = Path(path)
        if format != "auto" and format not in FORMATS:
            raise ExchangeError(f"unknown format {format!r}: use {', '.join(FORMATS)} or auto")
        try:
            self._raw = self.path.open("rb")
        except OSError as error:
            raise ExchangeError(f"{self.path}: cannot open: {error.strerror}") from None
        # Undecodable bytes become surrogates, so that one bad row is rejected, not the whole file.
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        self._reader = csv.reader(self._text)
        try:
            self.format, self._parse = self._read_header(format)
        except BaseException:
            self.close()
            raise
        self.summary = ImportSummary(path=str(self.path), format=self.format)

    def _read_header(self, format: str) -> tuple[str, RowParser]:
        try:
            header = next(self._reader, None)
        except csv.Error as error:
            raise ExchangeError(f"{self.path}: line 1: not a CSV header ({error})") from None
        if not header:
            raise ExchangeError(f"{self.path}: empty file, no CSV header")
        names = column_names(header)
        detected = detect_format(names)
        # A spreadsheet re-saved in some locales separates with semicolons or tabs.
        separator = next((sep for sep in (";", "\t") if len(header) == 1 and sep in header[0]), None)
        hint = f" (the file separates columns with {separator!r}: save it with commas)" if separator else ""
        if format == "auto":
            if detected is None:
                raise ExchangeError(
                    f"{self.path}: line 1: not an ACLED or UCDP GED CSV header{hint} "
                    f"(ACLED needs {', '.join(acled.REQUIRED)}; UCDP needs {', '.join(ucdp.REQUIRED)})"
                )
            format = detected
        missing = [column for column in FORMATS[format].REQUIRED if column not in names]
        if missing:
            if detected:
                hint = f"; it looks like {detected}: use --format {detected} or auto"
            raise ExchangeError(
                f"{self.path}: line 1: not {_FORMAT_TITLES[format]} CSV: the header lacks {', '.join(missing)}{hint}"
            )
        return format, FORMATS[format].row_parser(header)

    def incidents(self, *, progress: bool = False) -> Iterator[Incident]:
        """The incidents of the good rows, in file order; bad rows are counted and kept in `summary`."""
        from tqdm import tqdm  # here, not at the top: `incident-map --help` need not load it

        summary = self.summary
        reader = self._reader
        parse = self._parse
        line_end = reader.line_num
        bar = tqdm(
            total=self.path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc=f"import {self.path.name}",
            file=sys.stderr,
            disable=not progress,
        )
        with bar:
            first_row = True
            while True:
                line = line_end + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    line_end = reader.line_num
                    summary.rows += 1
                    self._reject(line, f"not readable as CSV ({error})")
                    continue
                line_end = reader.line_num
                if not row:
                    continue  # a blank line
                if first_row:
                    first_row = False
                    if _is_hxl_row(row):
                        continue
                summary.rows += 1
                if summary.rows % _PROGRESS_EVERY == 0:
                    bar.update(self._raw.tell() - bar.n)
                try:
                    "".join(row).encode("utf-8")
                except UnicodeEncodeError:
                    self._reject(line, "not valid UTF-8 text")
                    continue
                try:
                    incident = parse(row)
                except RowError as error:
                    self._reject(line, str(error))
                    continue
                yield incident
            bar.update(bar.total - bar.n)

    def _reject(self, line: int, reason: str) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejections) < MAX_KEPT_REJECTIONS:
            self.summary.rejections.append(Rejection(line, reason))

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> IncidentReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def import_file(
    path: str | os.PathLike[str],
    store: IncidentStore,
    *,
    format: str = "auto",
    progress: bool = False,
    batch_size: int = 5000,
) -> ImportSummary:
    """Import an ACLED or UCDP GED CSV into the store; raises ExchangeError, before writing, for a
    file that is not of the format.

    The store commits batch by batch (IncidentStore.upsert), so other writers wait for one batch
    at most; an import that fails or is killed half way keeps the batches it wrote, and running it
    again completes it.
    """
    with IncidentReader(path, format=format) as reader:
        result = store.upsert(reader.incidents(progress=progress), batch_size=batch_size, note=f"import {reader.path.name}")
    summary = reader.summary
    summary.inserted, summary.updated, summary.unchanged = result.inserted, result.updated, result.unchanged
    return summary


def export_incidents(incidents: Iterable[Incident], out: TextIO, *, format: ExportFormat = "csv") -> int:
    """Write incidents as CSV (ACLED's columns, then ours) or a GeoJSON FeatureCollection; returns the count."""
    if format == "geojson":
        return write_feature_collection(incidents, out)
    if format != "csv":
        raise ValueError(f"unknown export format {format!r}: use csv or geojson")
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for incident in incidents:
        writer.writerow(to_acled_row(incident))
        count += 1
    return count


# ---- command line -------------------------------------------------------------------------------

_REPORTED_REJECTIONS = 50  # per import on the terminal; the summary line gives the total


def _run_import(args: argparse.Namespace) -> int:
    from incidents.store import IncidentStore

    store = IncidentStore(args.db)
    status = 0
    learned = False
    for path in args.files:
        try:
            summary = import_file(path, store, format=args.format, progress=not args.quiet)
        except ExchangeError as error:
            print(f"incident-map import: {error}", file=sys.stderr)
            status = 2
            continue
        for rejection in summary.rejections[:_REPORTED_REJECTIONS]:
            print(f"{summary.path}:{rejection.line}: rejected: {rejection.reason}", file=sys.stderr)
        if summary.rejected > _REPORTED_REJECTIONS:
            print(f"{summary.path}: ... and {summary.rejected - _REPORTED_REJECTIONS} more rejected rows", file=sys.stderr)
        print(summary)
        if summary.rejected:
            status = max(status, 1)
        learned = learned or summary.inserted + summary.updated > 0
    if learned:
        # The geocoder learns the imported places: built once for all the files, in bulk
        from incidents.gazetteer import refresh_store_layer

        layer = refresh_store_layer(store)
        print(f"gazetteer: {len(layer):,} places named by imported events (layer 'store')")
    return status


def _run_export(args: argparse.Namespace) -> int:
    from incidents.commands import filter_from_args
    from incidents.store import IncidentStore

    export_format: ExportFormat = args.format or (
        "geojson" if args.output and Path(args.output).suffix.lower() in (".geojson", ".json") else "csv"
    )
    incidents = IncidentStore(args.db).iter_incidents(filter_from_args(args))
    if args.output in (None, "-"):
        count = export_incidents(incidents, sys.stdout, format=export_format)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = export_incidents(incidents, out, format=export_format)
        print(f"{args.output}: {count} incidents ({export_format})", file=sys.stderr)
    return 0


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
    from incidents.commands import DB_HELP, add_filter_arguments

    importer = subcommands.add_parser(
        "import",
        help="import ACLED or UCDP GED CSV files into the incident store",
        description=(
            "Import ACLED (current or 2020 columns) or UCDP GED CSV files. Re-importing changes nothing; "
            "a newer ACLED export updates the events it shares with an older one. Bad rows are reported "
            "as FILE:LINE and skipped. Exit status: 0 all rows imported, 1 some rows rejected, "
            "2 a file could not be imported."
        ),
    )
    importer.add_argument("files", nargs="+", metavar="FILE")
    importer.add_argument("--format", choices=("auto", *FORMATS), default="auto", help="default: from the header")
    importer.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    importer.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=_run_import)

    exporter = subcommands.add_parser(
        "export",
        help="export incidents as CSV (ACLED's columns plus ours) or GeoJSON",
        description="Export the incidents that match the filters. CSV has ACLED's columns, then ours; "
        "GeoJSON (RFC 7946) has one Feature per incident, geometry null when the place is unresolved.",
    )
    exporter.add_argument("--format", choices=("csv", "geojson"), default=None, help="default: from -o's suffix, else csv")
    exporter.add_argument("-o", "--output", default=None, metavar="FILE", help="default: standard output")
    exporter.add_argument("--db", default=None, metavar="PATH_OR_URL", help=DB_HELP)
    add_filter_arguments(exporter)
    exporter.set_defaults(handler=_run_export)
