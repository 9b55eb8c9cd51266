#!/usr/bin/env bash
# Install incident-map in .venv and open the dashboard on the store (ingesting seeds/ when it is empty).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
exec .venv/bin/incident-map dashboard "$@"
