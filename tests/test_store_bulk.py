"""upsert across its batch and look-up boundaries, on SQLite and PostgreSQL: the prepared statements write what Core would."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from incidents.model import Incident, incident_to_record
from incidents.store import IncidentStore, source_key, value_counts
from incidents.synthetic import generate_incidents

N = 1234  # more than two look-ups of stored versions (500 ids each) per batch, and a short last one


def test_upsert_over_many_batches_inserts_once_then_finds_every_row_unchanged(db_url: str) -> None:
    store = IncidentStore(db_url)
    incidents = list(generate_incidents(N, seed=11))

    first = store.upsert(incidents, batch_size=1100)
    again = store.upsert(incidents, batch_size=1100)

    assert (first.inserted, first.updated, first.unchanged) == (N, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, N)
    stored = {i.event_id: i for i in store.iter_incidents()}
    for incident in incidents:
        record, expected = incident_to_record(stored[incident.event_id]), incident_to_record(incident)
        # The store gives each source its id and the incident's sentence when the source had none.
        for source, original in zip(expected["sources"], incident.sources):  # type: ignore[arg-type]
            source["source_id"] = source_key(original)
            source["sentence"] = original.sentence or incident.source_sentence
        assert record == expected


def test_newer_records_replace_older_ones_and_older_ones_change_nothing(db_url: str) -> None:
    store = IncidentStore(db_url)
    incidents = [dataclasses.replace(i, timestamp=1_600_000_000) for i in generate_incidents(N, seed=11)]
    store.upsert(incidents, batch_size=1100)

    newer = [dataclasses.replace(i, notes=f"corrected {n}", timestamp=1_700_000_000) for n, i in enumerate(incidents[::7])]
    older = [dataclasses.replace(i, notes="stale", timestamp=1_500_000_000) for i in incidents[1::7]]
    result = store.upsert([*newer, *older], batch_size=100)

    assert (result.inserted, result.updated, result.unchanged) == (0, len(newer), len(older))
    notes = {i.event_id: i.notes for i in store.iter_incidents()}
    assert all(notes[i.event_id] == i.notes for i in newer)
    assert not any(notes[i.event_id] == "stale" for i in older)


def test_an_error_while_reading_keeps_the_batches_before_it_and_is_raised(db_url: str) -> None:
    store = IncidentStore(db_url)
    incidents = list(generate_incidents(250, seed=5))

    def records() -> Iterator[Incident]:
        yield from incidents[:200]
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk went away"):
        store.upsert(records(), batch_size=100)

    assert sorted(i.event_id for i in store.iter_incidents()) == sorted(i.event_id for i in incidents[:200])
    assert store.upsert(incidents, batch_size=100).inserted == 50


def test_a_failed_batch_keeps_the_batches_before_it(db_url: str) -> None:
    store = IncidentStore(db_url)
    incidents = list(generate_incidents(300, seed=5))
    # The second batch fails inside its transaction (a row breaks the table's NOT NULL on event_type).
    incidents[150] = dataclasses.replace(incidents[150], event_type=None)  # type: ignore[arg-type]

    with pytest.raises(sa.exc.IntegrityError):
        store.upsert(iter(incidents), batch_size=100)

    assert store.count() == 100  # the first batch, committed; nothing of the second
    assert sum(n for _, n in value_counts(store, "event_type")) == 100
