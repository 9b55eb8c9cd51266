"""Imports commit batch by batch, on SQLite and on PostgreSQL: another process's writes go through
while a large import runs, and an import killed half way completes when run again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from incidents.model import IncidentFilter
from incidents.store import IncidentStore, to_db_url

ROWS = 100_000  # several seconds of importing, on either database
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
)
# An article's incident, written by a second process with the store's own ingest.
INGEST = """
import sys
from datetime import date
from incidents.model import Incident, Source
from incidents.store import IncidentStore
source = Source(title="Rockets hit Balad", url="https://example.org/balad", published=date(2021, 3, 2), source_id="ART")
incident = Incident(event_id="ART1", event_date=date(2021, 3, 1), event_type="Explosions/Remote violence",
                    location="Balad Airbase", latitude=33.94, longitude=44.36, geo_precision=1, sources=[source])
print(IncidentStore(sys.argv[1]).ingest(source, [incident]).added)
"""


def big_acled_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            day = 1 + n % 28
            out.write(
                f"IRQ{n},2020-05-{day:02d},2020,1,Political violence,Battles,Armed clash,"
                f"Military Forces of Iraq (2018-),,1,Islamic State (Iraq),,2,12,,368,Middle East,Iraq,Baghdad,,,"
                f"Site {n % 997},{33 + (n % 1000) / 1000:.4f},{44 + (n % 777) / 1000:.4f},1,Shafaq News,National,"
                f"\"Clash {n}.\",{n % 4},,{1589300000 + n}\n"
            )
    return path


def start_import(path: Path, db: str) -> subprocess.Popen[str]:
    # The import then teaches the geocoder the file's places: into this test's own cache folder.
    env = {**os.environ, "INCIDENT_MAP_CACHE_DIR": str(path.parent / "cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "incidents.cli", "import", str(path), "--db", db, "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def wait_for_rows(store: IncidentStore, importer: subprocess.Popen[str], above: int = 0) -> int:
    """Until the import has committed its first batch (readers see it at once)."""
    while (count := store.count()) <= above:
        assert importer.poll() is None, importer.communicate()
        time.sleep(0.05)  # polling for the first commit, not a measurement
    return count


def test_an_article_ingested_during_a_large_import_is_stored_before_the_import_ends(db_url: str, tmp_path: Path) -> None:
    source_file = big_acled_file(tmp_path / "acled.csv", ROWS)
    store = IncidentStore(db_url)
    importer = start_import(source_file, db_url)
    try:
        seen_first = wait_for_rows(store, importer)
        ingest = subprocess.run([sys.executable, "-c", INGEST, db_url], capture_output=True, text=True, timeout=120)
        assert ingest.returncode == 0, ingest.stderr
        assert ingest.stdout.strip() == "1"
        # The article is in while the import is still writing: it waited for one batch, not for the file.
        still_importing = importer.poll() is None
        during = store.count()
        assert still_importing and seen_first <= during - 1 < ROWS
        assert [i.event_id for i in store.query(IncidentFilter(text="Balad Airbase"))] == ["ART1"]
    finally:
        out, err = importer.communicate(timeout=600)
    assert importer.returncode == 0, err
    assert f"{ROWS} rows: {ROWS} imported" in out
    assert store.count() == ROWS + 1
    store.close()


def test_an_import_killed_half_way_completes_when_run_again_and_changes_nothing_else(db_url: str, tmp_path: Path) -> None:
    rows = 40_000
    source_file = big_acled_file(tmp_path / "acled.csv", rows)
    store = IncidentStore(db_url)
    # Something already in the store, which the import must leave as it was.
    before = subprocess.run([sys.executable, "-c", INGEST, db_url], capture_output=True, text=True, timeout=120)
    assert before.stdout.strip() == "1", before.stderr
    (article,) = store.query()

    importer = start_import(source_file, db_url)
    wait_for_rows(store, importer, above=1)
    os.kill(importer.pid, signal.SIGKILL)  # as an out-of-memory killer or a power cut would
    importer.wait()
    partial = store.count() - 1
    assert 0 < partial < rows, "the import was killed between its first and last batch"

    rerun = start_import(source_file, db_url)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert f"{rows} rows: {rows - partial} imported, 0 updated, {partial} unchanged" in out

    reference = IncidentStore(to_db_url(tmp_path / "uninterrupted.sqlite"))
    reference.upsert([article])
    reference_import = start_import(source_file, str(tmp_path / "uninterrupted.sqlite"))
    assert reference_import.wait(timeout=600) == 0
    assert sorted(store.query(), key=lambda i: i.event_id) == sorted(reference.query(), key=lambda i: i.event_id)
    assert [i for i in store.query() if i.event_id == "ART1"] == [article]
    store.close()

