"""The extractor on the seed article: the four incidents it reports, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from geopy.distance import distance

from incidents.articles import Article, read_article
from incidents.extract import Extractor
from incidents.model import GeoPrecision, Incident, TimePrecision

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_d33791d1605386a1.txt"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from incidents.geocoding import default_geocoder

    return Extractor(default_geocoder())


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED)


@pytest.fixture(scope="module")
def incidents(extractor: Extractor, seed: Article) -> list[Incident]:
    return extractor.extract(seed)


def _on(incidents: list[Incident], day: date) -> Incident:
    found = [i for i in incidents if i.event_date == day]
    assert len(found) == 1, [(i.event_date, i.location) for i in incidents]
    return found[0]


def _within_5_km(incident: Incident, latitude: float, longitude: float) -> bool:
    assert incident.latitude is not None and incident.longitude is not None
    return distance((incident.latitude, incident.longitude), (latitude, longitude)).km <= 5


def test_balad(incidents: list[Incident]) -> None:
    balad = _on(incidents, date(2019, 12, 5))
    assert balad.time_precision == TimePrecision.DAY
    assert _within_5_km(balad, 33.940, 44.362)
    assert balad.geo_precision == GeoPrecision.PLACE
    assert "Balad" in balad.location
    assert (balad.actor1, balad.actor_group) == ("Iran", "Iran")
    assert balad.attribution == "suspected"
    assert balad.attributed_by.lower() == "us officials"
    assert (balad.event_type, balad.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert balad.munitions.lower() == "two katyusha rockets"
    assert balad.fatalities == 0
    assert not balad.casualties_reported


def test_ain_al_asad(incidents: list[Incident]) -> None:
    ain_asad = _on(incidents, date(2019, 12, 3))
    assert ain_asad.time_precision == TimePrecision.DAY
    assert _within_5_km(ain_asad, 33.786, 42.441)
    assert ain_asad.location == "Ain Assad Airbase"
    assert (ain_asad.actor1, ain_asad.actor_group) == ("Kataib Hezbollah", "Iran-aligned militias")
    assert ain_asad.attribution == "suspected"
    assert ain_asad.attributed_by.lower() == "security sources"
    assert ain_asad.munitions.lower() == "five rockets"
    assert ain_asad.sub_event_type == "Shelling/artillery/missile attack"


def test_qayyarah(incidents: list[Incident]) -> None:
    qayyarah = _on(incidents, date(2019, 11, 15))
    assert qayyarah.time_precision == TimePrecision.MONTH
    assert _within_5_km(qayyarah, 35.767, 43.125)
    assert qayyarah.actor_group == "Unidentified"
    assert qayyarah.attribution == "unknown"
    assert qayyarah.munitions.lower() == "more than a dozen rockets"


def test_us_operation_against_asaib_ahl_al_haq(incidents: list[Incident]) -> None:
    operation = _on(incidents, date(2019, 11, 26))
    assert operation.time_precision == TimePrecision.DAY
    assert operation.country == "Iraq"
    assert operation.geo_precision == GeoPrecision.REGION
    assert operation.actor1 == "US forces"
    assert operation.actor_group == "US and coalition forces"
    assert operation.actor2 == "Asa'ib Ahl al-Haq"
    assert operation.casualties_reported
    assert operation.fatalities is None


def test_nothing_else(incidents: list[Incident]) -> None:
    # Not the caption (Mosul, February 23), the dateline (Istanbul), the aggregate, the deployment
    # being considered, the threats, or the wave of protests in Iran.
    assert sorted(i.event_date for i in incidents) == [
        date(2019, 11, 15), date(2019, 11, 26), date(2019, 12, 3), date(2019, 12, 5)
    ]
    places = " ".join(f"{i.location} {i.place_name}" for i in incidents)
    assert "Mosul" not in places and "Istanbul" not in places and "Tehran" not in places
    assert all(i.event_type != "Protests" for i in incidents)


def test_sources_and_sentences(incidents: list[Incident], seed: Article) -> None:
    for incident in incidents:
        assert incident.source_kind == "article"
        assert incident.source_sentence in seed.text
        (source,) = incident.sources
        assert source.sentence == incident.source_sentence
        assert (source.title, source.publisher, source.published) == (seed.title, "The Arab Weekly", date(2019, 12, 8))
        assert source.source_id == seed.source_id
        assert incident.notes


def test_event_ids_are_stable_and_distinct(extractor: Extractor, seed: Article, incidents: list[Incident]) -> None:
    again = extractor.extract(read_article(SEED))
    assert [i.event_id for i in again] == [i.event_id for i in incidents]
    assert len({i.event_id for i in incidents}) == len(incidents)
    # Another article with the same sentences is another source: other ids.
    other = Article(title="Another title", published=seed.published, text=seed.text)
    assert not {i.event_id for i in extractor.extract(other)} & {i.event_id for i in incidents}


def test_published_date_moves_relative_dates(extractor: Extractor, seed: Article) -> None:
    # The same text dated a year later: "December 5" is then 2020-12-05, never after publication.
    later = Article(title=seed.title, published=date(2020, 12, 4), text=seed.text)
    days = {i.event_date for i in extractor.extract(later)}
    assert date(2019, 12, 5) in days  # 5 December 2020 is after 4 December 2020: the year before
    assert all(day <= date(2020, 12, 4) for day in days)


def test_a_runaway_paragraph_longer_than_spacy_accepts(extractor: Extractor, seed: Article) -> None:
    # One 1.2 MB line (spaCy refuses texts over 1,000,000 characters): cut between sentences.
    one_line = " ".join(seed.text.split("\n\n"))
    huge = Article(title="huge", published=seed.published, text=" ".join([one_line] * (1_200_000 // len(one_line))))
    assert len(huge.text) > 1_000_000
    days = sorted(i.event_date for i in extractor.extract(huge))
    assert days == [date(2019, 11, 15), date(2019, 11, 26), date(2019, 12, 3), date(2019, 12, 5)]  # merged repeats
