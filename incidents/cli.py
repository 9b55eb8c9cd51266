"""The `incident-map` command: each group of subcommands registers itself from its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    # Imported here so that `incident-map --help` stays quick and each module owns its commands.
    from dashboard import commands as dashboard_commands
    from incidents import commands as incident_commands
    from incidents import exchange
    from incidents import geo_commands
    from incidents import review as review_commands

    parser = argparse.ArgumentParser(
        prog="incident-map",
        description="News reports to incidents on a map, offline.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (geo_commands, incident_commands, review_commands, exchange, dashboard_commands):
        module.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `incident-map list | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
