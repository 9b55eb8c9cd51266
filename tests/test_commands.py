"""The `list` command and the ingest loop, against stores written in tmp_path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from incidents.articles import Article
from incidents.cli import main
from incidents.commands import article_files, ingest_paths
from incidents.model import Incident, Source, stable_id
from incidents.store import IncidentStore


def stored(tmp_path: Path) -> Path:
    db = tmp_path / "incidents.sqlite"
    store = IncidentStore(db)
    source = Source(title="Report", url="https://example.org/r", published=date(2019, 12, 8), source_id="S1")
    store.ingest(
        source,
        [
            Incident(
                event_id="I1", event_date=date(2019, 12, 5), event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack", actor1="Iran", actor_group="Iran",
                location="Balad Airbase", place_name="Balad Air Base", latitude=33.94, longitude=44.36, geo_precision=1,
                fatalities=0, sources=[source],
            ),
            Incident(
                event_id="I2", event_date=date(2019, 11, 15), time_precision=3, event_type="Explosions/Remote violence",
                location="Qayyarah\tAirbase", latitude=35.77, longitude=43.13, geo_precision=1, sources=[source],
            ),
            Incident(
                event_id="I3", event_date=date(2019, 11, 26), event_type="Battles", actor1="US forces",
                actor2="Asa'ib Ahl al-Haq", actor_group="US and coalition forces", location="Jurf al-Sakhar",
                casualties_reported=True, sources=[source],
            ),
        ],
    )
    store.close()
    return db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_a_readable_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--db", str(stored(tmp_path)))
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["date", "when", "place", "geo", "actor", "type", "fatalities", "status"]
    assert [row.split()[0] for row in rows] == ["2019-12-05", "2019-11-26", "2019-11-15"]
    assert "Balad Air Base" in rows[0] and "Iran" in rows[0] and "Shelling/artillery/missile attack" in rows[0]
    assert rows[0].rstrip().endswith("0           proposed")
    assert "month" in rows[2] and "Qayyarah Airbase" in rows[2]  # a tab in the place text is not printed
    assert "unresolved" in rows[1]
    assert "3 incident(s)" in err


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--from", "2019-11-26", "--to", "2019-12-05"], ["I1", "I3"]),
        (["--actor", "asa'ib"], ["I3"]),
        (["--actor-group", "Iran", "--actor-group", "Unidentified"], ["I1", "I2"]),
        (["--event-type", "Battles"], ["I3"]),
        (["--unresolved"], ["I3"]),
        (["--place", "unresolved"], ["I3"]),
        (["--place", "place", "--text", "BALAD"], ["I1"]),
        (["--limit", "1"], ["I1"]),
    ],
)
def test_list_filters_as_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: list[str]) -> None:
    code, out, _ = run(capsys, "list", "--db", str(stored(tmp_path)), "--format", "jsonl", *options)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["event_id"] for r in records] == expected
    assert all(r["sources"][0]["url"] == "https://example.org/r" for r in records)


def test_list_reads_the_database_named_by_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_MAP_DB", str(stored(tmp_path)))
    code, out, _ = run(capsys, "list", "--format", "jsonl", "--event-type", "Battles")
    assert code == 0 and json.loads(out)["actor2"] == "Asa'ib Ahl al-Haq"


def test_list_rejects_a_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["list", "--db", str(tmp_path / "x.sqlite"), "--from", "05/12/2019"])
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_resolve_rejects_impossible_coordinates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["resolve", "--db", str(tmp_path / "x.sqlite"), "Somewhere", "95", "44"])
    assert "outside -90..90" in capsys.readouterr().err


class TitleExtractor:
    """A test double for the Extractor: one incident per article, named after its title."""

    def extract(self, article: Article) -> list[Incident]:
        return [
            Incident(
                event_id=stable_id(article.source_id),
                event_date=article.published,
                event_type="Battles",
                location=article.title,
                sources=[article.source(sentence=article.text[:40])],
            )
        ]


def write_article(path: Path, title: str, body: str = "Fighting was reported.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n2019-12-08\n\n{body}\n", encoding="utf-8")
    return path


def test_article_files_walks_folders_and_reports_missing_paths(tmp_path: Path) -> None:
    a = write_article(tmp_path / "in" / "a.txt", "A")
    b = write_article(tmp_path / "in" / "deep" / "b.md", "B")
    write_article(tmp_path / "in" / ".hidden" / "c.txt", "C")
    (tmp_path / "in" / "notes.csv").write_text("x", encoding="utf-8")
    errors: list[str] = []
    found = list(article_files([tmp_path / "in", tmp_path / "missing.txt"], errors.append))
    assert found == [a, b]
    assert errors == [f"{tmp_path / 'missing.txt'}: no such file or directory"]


def test_ingest_goes_on_after_a_bad_file_and_names_it(tmp_path: Path) -> None:
    write_article(tmp_path / "in" / "a.txt", "Kirkuk clash")
    (tmp_path / "in" / "b.txt").write_bytes(b"\x00\x01\x02binary")
    write_article(tmp_path / "in" / "c.txt", "Mosul clash")
    store = IncidentStore(tmp_path / "db.sqlite")
    summary = ingest_paths([tmp_path / "in"], store, extractor=TitleExtractor(), progress=False)  # type: ignore[arg-type]
    assert summary.articles == 2 and summary.result.added == 2
    assert len(summary.failed) == 1 and str(tmp_path / "in" / "b.txt") in summary.failed[0]
    assert {i.location for i in store.query()} == {"Kirkuk clash", "Mosul clash"}
    again = ingest_paths([tmp_path / "in"], store, extractor=TitleExtractor(), progress=False)  # type: ignore[arg-type]
    assert (again.result.added, again.result.unchanged) == (0, 2)


def test_ingest_names_a_file_whose_store_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(tmp_path / "a.txt", "Kirkuk clash")
    store = IncidentStore(tmp_path / "db.sqlite")

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "ingest", broken)
    summary = ingest_paths([tmp_path / "a.txt"], store, extractor=TitleExtractor(), progress=False)  # type: ignore[arg-type]
    assert summary.failed == [f"{tmp_path / 'a.txt'}: OSError: disk full"]
