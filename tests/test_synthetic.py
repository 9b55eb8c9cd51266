from __future__ import annotations

from collections import Counter
from datetime import date

from incidents.actors import ACTOR_GROUPS, actor_group_for
from incidents.model import EVENT_TYPES
from incidents.synthetic import PLACES, generate_incidents


def test_same_seed_same_incidents_and_another_seed_differs() -> None:
    assert list(generate_incidents(50, seed=7)) == list(generate_incidents(50, seed=7))
    assert [i.event_id for i in generate_incidents(50, seed=7)] != [i.event_id for i in generate_incidents(50, seed=8)]


def test_incidents_are_varied_like_real_data() -> None:
    incidents = list(generate_incidents(3000, seed=1))
    assert len({i.event_id for i in incidents}) == 3000
    assert set(Counter(i.actor_group for i in incidents)) == set(ACTOR_GROUPS)
    assert {i.geo_precision for i in incidents} == {1, 2, 3, None}
    assert {i.time_precision for i in incidents} == {1, 2, 3}
    assert set(EVENT_TYPES) >= {i.event_type for i in incidents}
    assert len({i.event_type for i in incidents}) == len(EVENT_TYPES)
    assert len({i.sources[0].source_id for i in incidents}) < len(incidents)  # articles report several incidents
    for i in incidents:
        assert date(2019, 1, 1) <= i.event_date <= date(2021, 12, 31)
        assert i.sub_event_type in EVENT_TYPES[i.event_type]
        assert i.resolved == (i.geo_precision is not None)
        assert actor_group_for(i.actor1) == i.actor_group  # real lexicon names, in their own group
        assert i.sources[0].sentence == i.source_sentence


def test_places_have_real_coordinates_in_the_region() -> None:
    for place in PLACES:
        assert 20 < place.latitude < 38 and 35 < place.longitude < 56, place
        assert place.source.startswith(("airportsdata", "GeoNames"))
