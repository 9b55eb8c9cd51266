"""Each subcommand imports only what it uses: `--help` and `geocode` never load spaCy or the store.

What a command imports is behaviour we can check exactly (the modules in sys.modules when it
ends); how long that takes is for bench/bench_startup.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("spacy", "sqlalchemy", "dateparser", "streamlit", "pandas", "geopy", "tqdm", "folium")
PROBE = """
import contextlib, io, json, sys
from incidents.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def modules_loaded_by(*argv: str, env_db: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True, text=True, check=True, timeout=300,
        env={"INCIDENT_MAP_DB": str(env_db), "PATH": "/usr/bin:/bin", "HOME": str(env_db.parent)},
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (("--help",), ()),
        (("ingest", "--help"), ()),
        (("geocode", "Baghdad"), ("geopy",)),
        (("list",), ("sqlalchemy",)),
    ],
)
def test_a_subcommand_imports_only_what_it_uses(tmp_path, argv, allowed) -> None:
    loaded = modules_loaded_by(*argv, env_db=tmp_path / "store.sqlite")
    assert "incidents" in loaded  # the probe ran the command
    assert sorted(loaded & set(HEAVY)) == sorted(allowed)
