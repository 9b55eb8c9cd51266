"""extract, ingest and resolve run as the user runs them: a separate `incident-map` process,
with the store and the user gazetteer in tmp_path (never the project's data/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_d33791d1605386a1.txt"
REQUIRED = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor_group", "attribution",
    "attributed_by", "actor2", "location", "latitude", "longitude", "geo_precision", "country", "fatalities",
    "munitions", "source_sentence",
)

# Two outlets reporting the same attack (same day, same base, same kind of attack).
LOCAL_REPORT = """Rockets hit Balad air base north of Baghdad
Friday 06/12/2019

Two Katyusha rockets hit Balad Airbase north of Baghdad on Thursday without causing casualties, security sources said.

Content retrieved from: https://example.org/balad-rockets
"""
WIRE_REPORT = """US suspects Iran behind Balad rocket attack
Dec 7, 2019

BAGHDAD, Dec 7 (Reuters) - Two rockets struck Balad Airbase on Thursday, US officials said on Saturday, adding that they suspected Iran of being behind the attack.
"""
# A village no gazetteer knows (and no containing place named: with one, it is placed near that,
# precision 2), then a later report naming it again.
VILLAGE_REPORT = """Roadside bomb wounds soldiers near village
2020-06-20

On 14 June 2020, an IED exploded targeting an Iraqi army patrol near the village of Tall Zarqa Kharab, wounding 2 soldiers.
"""
LATER_VILLAGE_REPORT = """Second blast near village
2020-07-02

On June 30, a roadside bomb exploded near the village of Tall Zarqa Kharab, wounding a shepherd.
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "INCIDENT_MAP_DB": str(tmp_path / "incidents.sqlite"),
        "INCIDENT_MAP_GAZETTEER": str(tmp_path / "user_places.csv"),
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidents.cli", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def listed(env: dict[str, str], *options: str) -> list[dict[str, object]]:
    result = cli(env, "list", "--format", "jsonl", *options)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_extract_prints_json_lines_and_nothing_else(env: dict[str, str]) -> None:
    result = cli(env, "extract", str(SEED))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]  # every line is one JSON object
    assert records
    for record in records:
        assert set(REQUIRED) <= set(record)
        assert record["sources"][0]["published"] == "2019-12-08"
        assert record["source_sentence"] in SEED.read_text(encoding="utf-8").replace("\n", " ")


def test_extract_without_a_date_line_needs_published(env: dict[str, str], tmp_path: Path) -> None:
    article = write(tmp_path / "undated.txt", "Rockets hit Balad\n\nTwo rockets hit Balad Airbase on Thursday.\n")
    failed = cli(env, "extract", str(article))
    assert failed.returncode == 1 and failed.stdout == ""
    assert str(article) in failed.stderr and "--published" in failed.stderr
    dated = cli(env, "extract", str(article), "--published", "2019-12-07")
    assert dated.returncode == 0, dated.stderr
    assert [json.loads(line)["event_date"] for line in dated.stdout.splitlines()] == ["2019-12-05"]


def test_extract_many_files_in_one_process_names_each_file(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    local, wire = write(folder / "local.txt", LOCAL_REPORT), write(folder / "wire.txt", WIRE_REPORT)
    bad = write(folder / "undated.txt", "No date\n\nTwo rockets hit Balad Airbase.\n")
    result = cli(env, "extract", str(folder))
    assert result.returncode == 1  # one file could not be read: named, the others extracted
    assert str(bad) in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {record["file"] for record in records} == {str(local), str(wire)}
    assert all(record["event_date"] == "2019-12-05" for record in records)
    one = cli(env, "extract", str(local))
    assert "file" not in json.loads(one.stdout.splitlines()[0])  # one file: the incident records alone


def test_ingest_names_each_bad_file_and_keeps_the_good_ones(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write(folder / "good.txt", LOCAL_REPORT)
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\xff\xfe\x00",
        "latin1.txt": "Rockets hit Balad café\n2019-12-08\n\nTwo rockets hit Balad Airbase on Thursday.\n".encode("latin-1"),
        "undated.md": b"# Rockets hit Balad\n\nTwo rockets hit Balad Airbase on Thursday.\n",
        "huge.txt": b"Huge\n2019-12-08\n\n" + b"Two rockets hit Balad Airbase on Thursday. " * 120_000,
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)

    result = cli(env, "ingest", "--quiet", str(folder))
    assert result.returncode == 1
    error_lines = result.stderr.splitlines()
    for name in bad:
        assert any(str(folder / name) in line for line in error_lines), (name, result.stderr)
    assert "5 files failed" in result.stdout and "1 incidents added" in result.stdout
    [incident] = listed(env)
    assert incident["location"] == "Balad Airbase"

    again = cli(env, "ingest", "--quiet", str(folder / "good.txt"))
    assert again.returncode == 0, again.stderr
    assert "0 incidents added" in again.stdout and "1 unchanged" in again.stdout
    assert len(listed(env)) == 1


def test_two_articles_reporting_one_attack_make_one_incident(env: dict[str, str], tmp_path: Path) -> None:
    local, wire = write(tmp_path / "local.txt", LOCAL_REPORT), write(tmp_path / "wire.txt", WIRE_REPORT)
    result = cli(env, "ingest", "--quiet", str(local), str(wire))
    assert result.returncode == 0, result.stderr
    assert "1 incidents added, 1 merged" in result.stdout
    [incident] = listed(env)
    assert incident["event_date"] == "2019-12-05"
    assert sorted(s["title"] for s in incident["sources"]) == [  # type: ignore[union-attr]
        "Rockets hit Balad air base north of Baghdad",
        "US suspects Iran behind Balad rocket attack",
    ]
    assert (incident["actor1"], incident["attribution"]) == ("Iran", "suspected")  # the wire named the suspect


def test_resolve_places_the_incidents_and_teaches_the_gazetteer(env: dict[str, str], tmp_path: Path) -> None:
    first = cli(env, "ingest", "--quiet", str(write(tmp_path / "village.txt", VILLAGE_REPORT)))
    assert first.returncode == 0, first.stderr
    assert "1 with unresolved places" in first.stdout
    [unresolved] = listed(env, "--unresolved")
    assert unresolved["location"] == "Tall Zarqa Kharab" and unresolved["latitude"] is None

    result = cli(env, "resolve", "tall  zarqa KHARAB", "35.78", "43.58", "--country", "IQ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 incident(s)")
    assert listed(env, "--unresolved") == []
    [resolved] = listed(env)
    assert (resolved["latitude"], resolved["longitude"], resolved["geo_precision"]) == (35.78, 43.58, 1)
    assert "tall zarqa kharab" in (tmp_path / "user_places.csv").read_text(encoding="utf-8").lower()

    later = cli(env, "ingest", "--quiet", str(write(tmp_path / "later.txt", LATER_VILLAGE_REPORT)))
    assert later.returncode == 0, later.stderr
    assert "0 with unresolved places" in later.stdout
    newest = listed(env)[0]
    assert newest["event_date"] == "2020-06-30"
    assert (newest["latitude"], newest["longitude"]) == (35.78, 43.58)


def test_resolve_refuses_an_unknown_country(env: dict[str, str], tmp_path: Path) -> None:
    result = cli(env, "resolve", "Somewhere", "35", "43", "--country", "XX")
    assert result.returncode == 2 and "XX" in result.stderr
    assert not (tmp_path / "user_places.csv").exists()
