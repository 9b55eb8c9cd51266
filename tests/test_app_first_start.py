"""`streamlit run app.py` on an empty store: the page reads seeds/ itself, or says how to add data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import commands
from incidents.model import IncidentFilter
from incidents.store import IncidentStore, to_db_url

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture()
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = to_db_url(tmp_path / "first-start.sqlite")
    monkeypatch.setenv("INCIDENT_MAP_DB", url)
    return url


def open_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_an_empty_store_gets_the_seed_articles_with_progress(empty_store: str) -> None:
    assert commands.seed_articles(), "the repository ships articles in seeds/"
    at = open_page()

    (status,) = at.status
    assert status.state == "complete"
    assert status.label.endswith("incidents from seeds/")
    (bar,) = at.progress
    assert bar.value == 100

    store = IncidentStore(empty_store)
    stored = {incident.event_id for incident in store.query(IncidentFilter())}
    assert stored, "the seed articles gave incidents"
    assert at.markdown[0].value.startswith(f"**showing {len(stored)} of {len(stored)} incidents**")
    at.session_state["map_drawn"] = True  # as the browser's first report of the map does
    at.run()
    assert set(at.dataframe(key="table").value["event_id"]) == stored

    # Opening the page again reads nothing more: the store is no longer empty.
    again = open_page()
    assert not again.status
    assert IncidentStore(empty_store).count() == len(stored)


def test_without_seed_articles_the_page_says_how_to_add_some(
    empty_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_seeds = tmp_path / "seeds"
    no_seeds.mkdir()
    monkeypatch.setattr(commands, "SEEDS", no_seeds)
    at = open_page()

    assert not at.status
    (guidance,) = at.info
    assert "Add an article" in guidance.value
    assert "incident-map ingest" in guidance.value and "incident-map import" in guidance.value
    assert "showing 0 of 0 incidents" in at.markdown[0].value
    assert IncidentStore(empty_store).count() == 0
