"""The wheel works anywhere: built as pip builds it, installed into a new virtual environment outside
the checkout, and used from an empty folder the way a new user would (geocode, ingest, list,
export, extract, the page and `incident-map dashboard`).

One long test on purpose: building the wheel, installing its dependencies into a new environment
and building the gazetteer index there take a minute or two, paid once.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.harness import free_port

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_d33791d1605386a1.txt"
DATA_SUFFIXES = (".csv", ".json", ".jsonl", ".txt", ".md", ".xz")
# What a checkout builds or keeps for itself; never copied into the build, never shipped.
LOCAL_ONLY = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "static", "__pycache__", "*.egg-info", ".pytest_cache", "results",
    "cache", "user_gazetteers", "user_places.csv", "*.sqlite", "*.sqlite-*",
)
PAGE_PROBE = """
import json, sys, importlib.resources
from streamlit.testing.v1 import AppTest
app = importlib.resources.files("incident_map") / "app.py"
at = AppTest.from_file(str(app), default_timeout=300)
at.run()
print(json.dumps({
    "app": str(app),
    "exceptions": [e.message for e in at.exception],
    "status": [s.label for s in at.status],
    "showing": at.markdown[0].value if at.markdown else "",
}))
"""


def run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(tmp: Path) -> tuple[Path, str]:
    """The wheel pip builds from a copy of the checkout (with a user's local files beside the
    curated ones, and two new lexicon files nobody named in pyproject.toml)."""
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=LOCAL_ONLY)
    (source / "data" / "cache").mkdir()
    (source / "data" / "cache" / "base-0.pickle").write_bytes(b"index")
    (source / "data" / "user_gazetteers").mkdir()
    (source / "data" / "user_gazetteers" / "XX.txt").write_text("a user's GeoNames file\n")
    (source / "data" / "user_places.csv").write_text("name,latitude,longitude\n")
    (source / "data" / "incidents.sqlite").write_bytes(b"a user's store")
    (source / "data" / "wheel_test_lexicon.json").write_text('{"new": "lexicon"}\n')
    (source / "data" / "wheel_test_triggers.csv").write_text("trigger,event_type\n")
    dist = tmp / "dist"
    build = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(dist), str(source)],
        cwd=tmp, env=dict(os.environ), timeout=900,
    )
    (wheel,) = dist.glob("incident_map-*.whl")
    return wheel, build.stdout + build.stderr


def expected_files() -> set[str]:
    """What the wheel must hold: every module of the packages, app.py, every curated data file
    and seed article, the page's Streamlit settings."""
    expected = {"incident_map/app.py", "incident_map/.streamlit/config.toml",
                "incident_map/data/wheel_test_lexicon.json", "incident_map/data/wheel_test_triggers.csv"}
    for package in ("geo", "incidents", "dashboard"):
        expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts}
    for folder in ("data", "seeds"):
        for path in (ROOT / folder).rglob("*"):
            relative = path.relative_to(ROOT / folder)
            if path.suffix in DATA_SUFFIXES and relative.parts[0] not in ("cache", "user_gazetteers", "user_places.csv"):
                expected.add(f"incident_map/{folder}/{relative.as_posix()}")
    return expected


@pytest.fixture()
def workspace(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    # The new environment holds every dependency (about 1 GB): not kept among pytest's last runs.
    shutil.rmtree(tmp_path / "venv", ignore_errors=True)


def test_the_wheel_installs_and_runs_from_an_empty_folder(workspace: Path) -> None:
    tmp_path = workspace
    wheel, build_log = build_wheel(tmp_path)
    assert "deprecat" not in build_log.lower(), [line for line in build_log.splitlines() if "eprecat" in line]

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert expected_files() <= names, sorted(expected_files() - names)
    shipped_local = [n for n in names if any(part in n for part in ("cache/", "user_gazetteers", "user_places", ".sqlite"))]
    assert not shipped_local
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    # A new environment outside the checkout, dependencies resolved from the wheel's metadata.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=dict(os.environ))
    run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], cwd=tmp_path, env=dict(os.environ), timeout=1200)

    home = tmp_path / "home"
    work = tmp_path / "empty"
    home.mkdir()
    work.mkdir()
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("INCIDENT_MAP_", "XDG_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}:/usr/bin:/bin")
    cli = str(venv / "bin" / "incident-map")

    geocoded = json.loads(run([cli, "geocode", "Ain Assad Airbase"], cwd=work, env=env).stdout)
    assert geocoded["name"] == "Al Asad Air Base" and geocoded["latitude"] is not None
    cache_dir = home / ".cache" / "incident-map"
    assert list(cache_dir.glob("base-*.pickle")), "the index cache goes to the per-user cache folder"

    article = work / "article.txt"
    shutil.copyfile(SEED, article)
    extracted = [json.loads(line) for line in run([cli, "extract", str(article)], cwd=work, env=env).stdout.splitlines()]
    assert extracted

    ingested = run([cli, "ingest", "-q", "article.txt"], cwd=work, env=env).stdout
    assert ingested.startswith("ingested 1 article(s): ")
    store = home / ".local" / "share" / "incident-map" / "incidents.sqlite"
    assert store.is_file(), "the store goes to the per-user data folder"

    listing = run([cli, "list"], cwd=work, env=env)
    rows = listing.stdout.splitlines()[1:]
    assert len(rows) == len({i["event_id"] for i in extracted})
    assert listing.stderr.strip().endswith(f"{len(rows)} incident(s)")

    run([cli, "export", "--format", "geojson", "-o", "incidents.geojson"], cwd=work, env=env)
    exported = json.loads((work / "incidents.geojson").read_text())
    assert exported["type"] == "FeatureCollection" and len(exported["features"]) == len(rows)

    # The README's settings still win over the per-user folders.
    other = work / "elsewhere.sqlite"
    run([cli, "ingest", "-q", "article.txt"], cwd=work, env={**env, "INCIDENT_MAP_DB": str(other)})
    assert other.is_file()

    site = next((venv / "lib").glob("python*/site-packages"))

    # `incident-map dashboard` from the empty folder: seeds into an empty store, then the server.
    port = free_port()
    dashboard_env = {**env, "INCIDENT_MAP_DB": str(work / "dashboard.sqlite")}
    server = subprocess.Popen(
        [cli, "dashboard", "--headless", "--port", str(port)], cwd=work, env=dashboard_env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "incident-map dashboard did not answer"
            time.sleep(0.5)  # polling while the server starts
        with urllib.request.urlopen(f"http://localhost:{port}/app/static/leaflet/leaflet.js", timeout=10) as reply:
            assert reply.status == 200 and b"Leaflet" in reply.read(2000)
        server.terminate()  # the command passes it on to Streamlit: both end, the port closes
        output = server.communicate(timeout=60)[0]
        assert "store was empty: ingested" in output, output
        assert "no static folder" not in output, output  # the command wrote static/ before starting
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2)
    finally:
        if server.poll() is None:
            server.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # whatever the command left behind in its session

    # The installed page on an empty store reads the installed seed articles.
    page_env = {**env, "INCIDENT_MAP_DB": str(work / "page.sqlite")}
    page = json.loads(run([str(venv / "bin" / "python"), "-c", PAGE_PROBE], cwd=work, env=page_env).stdout.splitlines()[-1])
    assert not page["exceptions"], page["exceptions"]
    assert page["app"].startswith(str(site))
    assert page["status"] and page["status"][0].endswith("incidents from seeds/")
    assert "showing 0 of 0" not in page["showing"] and page["showing"].startswith("**showing ")

    # Nothing but the page's static files was written inside the installed package.
    assert not [p for p in site.rglob("*") if p.suffix in (".sqlite", ".pickle")]
