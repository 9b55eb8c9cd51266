"""Subcommands of `incident-map` (see incidents/cli.py)."""

from __future__ import annotations

import argparse


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `incident-map` parser."""
