"""`incident-map review|confirm|correct|reject|history`, and the status in `list` and `export`, run
as the user runs them (a separate process) on an SQLite file and on a PostgreSQL database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.store import IncidentStore
from tests.test_review import article_incidents, report


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    source = report("a")
    store = IncidentStore(db_url)
    store.ingest(source, article_incidents(source))
    store.close()
    return {
        **os.environ,
        "INCIDENT_MAP_DB": db_url,
        "INCIDENT_MAP_GAZETTEER": str(tmp_path / "user_places.csv"),
        "INCIDENT_MAP_EDITOR": "amal",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidents.cli", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def ok(env: dict[str, str], *args: str) -> str:
    result = cli(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def everything(env: dict[str, str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in ok(env, "list", "--status", "all", "--format", "jsonl").splitlines()]


def test_the_queue_then_a_decision_of_each_kind_with_its_history(env: dict[str, str]) -> None:
    table = ok(env, "review").splitlines()
    assert table[0].split()[:3] == ["id", "doubt", "date"]
    assert [line.split()[0] for line in table[1:]] == ["A3", "A2", "A1"]  # most doubtful first
    assert "place unknown: coded at a town, province or country" in table[1]
    queued = [json.loads(line) for line in ok(env, "review", "--format", "jsonl", "--limit", "2").splitlines()]
    assert [(r["event_id"], r["doubt"], r["review_status"]) for r in queued] == [("A3", 6, "proposed"), ("A2", 5, "proposed")]

    assert ok(env, "confirm", "A1", "--note", "checked against the wire").strip() == "A1: confirmed by amal"
    assert ok(env, "reject", "A3", "--note", "background").strip() == "A3: rejected by amal"
    out = ok(env, "correct", "A2", "--place", "Camp Taji", "--note", "the base named later")
    assert out.startswith("A2: corrected by amal (place_name Camp Taji, latitude 33.5") and "country" not in out  # what changed
    ok(env, "correct", "A2", "--actor1", "Islamic State", "--event-type", "Battles", "--date", "2019-12-03", "--fatalities", "4")

    by_id = {r["event_id"]: r for r in everything(env)}
    assert {i: r["review_status"] for i, r in by_id.items()} == {"A1": "confirmed", "A2": "corrected", "A3": "rejected"}
    a2 = by_id["A2"]
    assert (a2["place_name"], round(a2["latitude"], 2), round(a2["longitude"], 2), a2["admin1"]) == ("Camp Taji", 33.52, 44.26, "Baghdad")
    assert (a2["actor1"], a2["actor_group"], a2["event_type"], a2["event_date"], a2["fatalities"]) == (
        "Islamic State", "Islamic State", "Battles", "2019-12-03", 4)
    assert by_id["A1"]["reviewed_by"] == "amal" and by_id["A1"]["reviewed_at"]

    history = ok(env, "history", "A2").splitlines()
    assert history[0].endswith("amal  correct — the base named later")
    assert "    place_name: Al Asad Air Base -> Camp Taji" in history
    assert "    fatalities: (none) -> 4" in history and "    review_status: corrected -> corrected" in history
    records = [json.loads(line) for line in ok(env, "history", "A2", "--format", "jsonl").splitlines()]
    assert [r["action"] for r in records] == ["correct", "correct"]
    assert records[0]["changes"]["review_status"] == {"old": "proposed", "new": "corrected"}
    assert records[0]["note"] == "the base named later"
    assert ok(env, "review").splitlines()[1:] == []  # nothing left to review


def test_list_shows_the_status_and_leaves_the_rejected_out_unless_asked(env: dict[str, str]) -> None:
    ok(env, "reject", "A3")
    table = ok(env, "list").splitlines()
    assert table[0].split()[-1] == "status" and len(table) == 3
    assert all(line.split()[-1] == "proposed" for line in table[1:])
    assert [r["review_status"] for r in everything(env)].count("rejected") == 1
    rejected = json.loads(ok(env, "list", "--status", "rejected", "--format", "jsonl"))
    assert rejected["event_id"] == "A3"
    ok(env, "confirm", "A1")
    assert [json.loads(line)["event_id"] for line in ok(env, "list", "--status", "confirmed", "--status", "rejected",
                                                        "--format", "jsonl").splitlines()] == ["A3", "A1"]


def test_exports_carry_the_status_and_read_back_with_it(env: dict[str, str], tmp_path: Path) -> None:
    ok(env, "correct", "A2", "--lat", "33.6", "--lon", "44.1", "--precision", "2")
    exported = ok(env, "export", "--status", "all", "--format", "csv")
    rows = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert (rows["A2"]["review_status"], rows["A2"]["reviewed_by"]) == ("corrected", "amal")
    assert rows["A1"]["review_status"] == "proposed" and rows["A3"]["doubts"] == "place_fallback;date_as_reported;actor_unnamed"
    features = json.loads(ok(env, "export", "--format", "geojson"))["features"]
    assert {f["id"]: f["properties"]["review_status"] for f in features}["A2"] == "corrected"

    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    other = {**env, "INCIDENT_MAP_DB": str(tmp_path / "other.sqlite")}
    ok(other, "import", "-q", str(path))
    assert {r["event_id"]: r["review_status"] for r in everything(other)} == {"A1": "proposed", "A2": "corrected", "A3": "proposed"}


@pytest.mark.parametrize("args", [
    ("confirm", "NOPE"),
    ("reject", "NOPE", "--note", "x"),
    ("correct", "NOPE", "--fatalities", "2"),
    ("correct", "A1", "--place", "Qaryat Nowhere Zzz"),
    ("correct", "A1", "--lat", "91", "--lon", "44"),
    ("correct", "A1", "--event-type", "Skirmish"),
    ("correct", "A1", "--fatalities", "-2"),
    ("correct", "A1", "--date", "5 December"),
    ("correct", "A1", "--sub-event-type", "Armed clash"),
    ("correct", "A1"),
    ("history", "NOPE"),
])
def test_a_bad_id_or_value_is_a_clear_error_and_changes_nothing(env: dict[str, str], args: tuple[str, ...]) -> None:
    before = everything(env)
    result = cli(env, *args)
    assert result.returncode != 0 and result.stdout == ""
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"incident-map {args[0]}: ")
    expected = {
        "NOPE": "no incident 'NOPE' in the store", "Qaryat": "no place 'Qaryat Nowhere Zzz' in the gazetteer",
        "91": "91.0 is outside -90..90", "Skirmish": "not one of ACLED's event types", "-2": "not a whole number",
        "5 December": "not a date in the form YYYY-MM-DD", "Armed clash": "not one of Explosions/Remote violence's",
    }
    wanted = next((text for key, text in expected.items() if any(a.startswith(key) for a in args[1:])), "nothing to correct")
    assert wanted in message, message
    assert everything(env) == before
