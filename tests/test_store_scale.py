"""The store against a plain Python filter over the same synthetic incidents (the oracle)."""

from __future__ import annotations

from datetime import date

import pytest

from incidents.model import Incident, IncidentFilter
from incidents.store import IncidentStore
from incidents.synthetic import generate_incidents

N = 5000


def matches(i: Incident, flt: IncidentFilter) -> bool:
    actors = (i.actor1, i.assoc_actor_1, i.actor2)
    return (
        (flt.date_from is None or i.event_date >= flt.date_from)
        and (flt.date_to is None or i.event_date <= flt.date_to)
        and (not flt.actor_groups or i.actor_group in flt.actor_groups)
        and (not flt.actors or any(a.lower() in name.lower() for a in flt.actors for name in actors))
        and (not flt.event_types or i.event_type in flt.event_types)
        and (not flt.geo_precisions or i.geo_precision in flt.geo_precisions)
        and (not flt.unresolved_only or not i.resolved)
    )


@pytest.fixture(scope="module")
def loaded(module_db_url: str) -> tuple[IncidentStore, list[Incident]]:
    incidents = list(generate_incidents(N, seed=3))
    store = IncidentStore(module_db_url)
    result = store.upsert(iter(incidents), batch_size=700)
    assert (result.inserted, result.updated, result.unchanged) == (N, 0, 0)
    return store, incidents


FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=date(2020, 3, 1), date_to=date(2020, 5, 31), actor_groups=("Iran-aligned militias",)),
    IncidentFilter(date_from=date(2021, 1, 1), actor_groups=("Islamic State", "Kurdish forces"), event_types=("Battles",)),
    IncidentFilter(actors=("hezbollah",), geo_precisions=(1, None)),
    IncidentFilter(unresolved_only=True, date_to=date(2019, 12, 31)),
    IncidentFilter(geo_precisions=(3,), event_types=("Explosions/Remote violence", "Protests")),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_counts_and_pages_agree_with_a_python_filter(loaded: tuple[IncidentStore, list[Incident]], flt: IncidentFilter) -> None:
    store, incidents = loaded
    expected = [i for i in incidents if matches(i, flt)]
    assert expected, "the filter should select something"
    assert store.count(flt) == len(expected)
    newest = sorted(expected, key=lambda i: (i.event_date, i.event_id), reverse=True)[:25]
    assert [i.event_id for i in store.query(flt, limit=25)] == [i.event_id for i in newest]
    assert len(store.frame(flt)) == len(expected)


def test_a_reimport_changes_nothing_and_a_query_returns_what_went_in(loaded: tuple[IncidentStore, list[Incident]]) -> None:
    store, incidents = loaded
    assert store.upsert(incidents).unchanged == N
    by_id = {i.event_id: i for i in incidents}
    for stored in store.query(IncidentFilter(actor_groups=("Iran",)), limit=50):
        assert stored == by_id[stored.event_id]
