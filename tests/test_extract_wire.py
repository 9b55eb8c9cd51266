"""Wire-news reports: undated leads, places and tolls told in a later sentence, reported speech.

Sentences written here in the style of agency leads (no dev-set text). Each test names the rule
that regresses: the report's date for an undated lead, a later sentence completing the event it
refers back to, the speaker of reported speech as attribution."""

from __future__ import annotations

from datetime import date

import pytest

from incidents.articles import Article
from incidents.extract import Extractor
from incidents.model import GeoPrecision, Incident, TimePrecision

PUBLISHED = date(2015, 6, 2)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from geo import default_geocoder

    return Extractor(default_geocoder())


def _extract(extractor: Extractor, text: str, title: str = "Iraq: news in brief") -> list[Incident]:
    return extractor.extract(Article(title=title, published=PUBLISHED, text=text))


# -- the report's date for an undated lead --------------------------------------------------------


def test_an_undated_lead_takes_the_reports_date(extractor: Extractor) -> None:
    (bombing,) = _extract(extractor, "A car bomb has exploded outside a hospital in Kirkuk, killing four people, police said.")
    assert (bombing.event_date, bombing.time_precision) == (PUBLISHED, TimePrecision.DAY)
    assert bombing.location == "Kirkuk" and bombing.geo_precision == GeoPrecision.PLACE
    assert bombing.sub_event_type == "Remote explosive/landmine/IED" and bombing.fatalities == 4
    # the same lead with its day named takes that day
    (dated,) = _extract(extractor, "A car bomb exploded outside a hospital in Kirkuk on Sunday, killing four people.")
    assert dated.event_date == date(2015, 5, 31)


def test_an_undated_lead_placed_only_in_a_province_takes_the_reports_date(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, "A gunman in Diyala province has shot dead a shopkeeper, police said.")
    assert killing.event_date == PUBLISHED
    assert killing.geo_precision == GeoPrecision.REGION and "Diyala" in killing.location


@pytest.mark.parametrize(
    "text",
    [
        "A bomb exploded in Tikrit last year, killing three soldiers.",  # marked as earlier
        "Since 2014 militants have killed dozens of farmers in Kirkuk.",
        "Militias have attacked bases in Anbar province.",  # a habit told in the perfect
    ],
)
def test_an_undated_event_marked_as_earlier_or_as_a_habit_is_no_incident(extractor: Extractor, text: str) -> None:
    assert _extract(extractor, text) == []
