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
    from incidents.geocoding import default_geocoder

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


# -- a later sentence completing the event it refers back to --------------------------------------


def test_the_attack_took_place_in_x_places_the_event_told_before(extractor: Extractor) -> None:
    (bombing,) = _extract(
        extractor,
        "Eleven people were killed on Sunday when bombs hit a funeral procession. "
        "The attack took place in Baquba in Diyala province.",
    )
    assert bombing.event_date == date(2015, 5, 31)
    assert "Baqub" in bombing.place_name and bombing.geo_precision == GeoPrecision.PLACE
    assert bombing.fatalities == 11


def test_the_incident_places_an_event_told_in_the_country_only(extractor: Extractor) -> None:
    (killing,) = _extract(
        extractor,
        "At least nine people were killed in Iraq on Friday when a bomb ripped through a crowded market, police said. "
        "The incident occurred in Tikrit.",
    )
    assert "Tikr" in killing.place_name and killing.geo_precision == GeoPrecision.PLACE
    assert killing.fatalities == 9


def test_the_blast_in_an_area_places_an_event_told_near_a_city_and_adds_its_toll(extractor: Extractor) -> None:
    (bombing,) = _extract(
        extractor,
        "A suicide bomber struck a funeral south of Baghdad on Monday, killing 12 mourners. "
        "The blast, in the Mahmudiyah area, also wounded 20 people.",
    )
    assert bombing.location == "Mahmudiyah"
    assert (bombing.fatalities, bombing.injuries) == (12, 20)


def test_an_undated_lead_takes_the_day_and_place_the_next_sentence_gives(extractor: Extractor) -> None:
    (bombing,) = _extract(
        extractor,
        "A roadside bomb has killed three soldiers in Anbar province, officials said. The blast took place on Sunday near Ramadi.",
    )
    assert bombing.event_date == date(2015, 5, 31)
    assert "Ramadi" in bombing.place_name and bombing.geo_precision == GeoPrecision.NEAR


def test_the_attack_on_another_day_is_another_event(extractor: Extractor) -> None:
    found = _extract(
        extractor,
        "Gunmen killed a farmer in Kirkuk on Monday. The attack in Tikrit on Thursday killed two soldiers.",
    )
    assert sorted((i.event_date, i.place_name[:4]) for i in found) == [(date(2015, 5, 28), "Tikr"), (date(2015, 6, 1), "Kirk")]


def test_an_incident_with_no_event_told_before_is_none(extractor: Extractor) -> None:
    assert _extract(extractor, "An incident occurred in Tikrit on Sunday, police said.") == []


# -- reported speech: the speaker reports the event, is neither its actor nor its place ---------------


def test_a_speaker_is_attribution_not_actor(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, "Iraqi security officials say a gunman in Salahuddin province has killed a village mukhtar.")
    assert killing.actor1 == "Unidentified Armed Group (Iraq)"  # not the officials' forces
    assert (killing.attribution, killing.attributed_by) == ("unknown", "Iraqi security officials")
    assert killing.event_date == PUBLISHED and killing.geo_precision == GeoPrecision.REGION
    (hanging,) = _extract(extractor, "According to a UN monitor, eight people were hanged by IS in Tal Afar on 12 March.")
    assert hanging.actor1 == "Islamic State" and hanging.attributed_by == "a UN monitor"
    assert (hanging.event_date, hanging.fatalities) == (date(2015, 3, 12), 8)


def test_a_place_put_before_the_speaker_is_the_events_and_the_speakers_own_is_not(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, "In the northern city of Kirkuk, police say gunmen shot dead a schoolteacher.")
    assert killing.location == "Kirkuk" and killing.event_date == PUBLISHED
    (bombing,) = _extract(extractor, "A roadside bomb killed two soldiers on Sunday, police in Ramadi said.")
    # not placed at the speaker's town: coded near it (precision 2), a stand-in the queue doubts
    assert bombing.geo_precision == GeoPrecision.NEAR and "place_fallback" in bombing.doubts
    assert bombing.attributed_by == "police in Ramadi"


def test_an_event_with_no_place_of_its_own_is_coded_to_the_area_of_a_place_named_aside(extractor: Extractor) -> None:
    # the town is where the speaker is from, not written as where the shelling was: near it
    # (precision 2, a stand-in the queue doubts) says more than Iraq's capital would
    (shelling,) = _extract(
        extractor, "A doctor from the city of Samarra told reporters that nine farmers were killed on Friday when mortar rounds landed on their fields."
    )
    assert shelling.geo_precision == GeoPrecision.NEAR and "place_fallback" in shelling.doubts
    assert abs(shelling.latitude - 34.2) < 0.1 and abs(shelling.longitude - 43.88) < 0.1
    assert shelling.fatalities == 9
    # and like a lead told in the country alone, it is the incident a later sentence places
    (placed,) = _extract(
        extractor,
        "A doctor from the city of Samarra told reporters that nine farmers were killed on Friday when mortar rounds landed on their fields. "
        "The mortar rounds hit a village in Dujail district on Friday, killing nine.",
    )
    assert "Samarra" not in placed.location


def test_a_victim_suspected_of_something_is_no_suspicion_about_who_did_it(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, "A man suspected of spying was shot dead in Mosul on Friday.")
    assert (killing.actor1, killing.attribution) == ("Unidentified Armed Group (Iraq)", "unknown")


def test_a_toll_told_before_its_cause_is_placed_where_the_cause_was(extractor: Extractor) -> None:
    (killing,) = _extract(
        extractor, "Nine civilians were killed on Sunday after militants shelled a market in the town of Tuz Khurmatu, officials said."
    )
    assert "Tuz" in killing.location and killing.geo_precision == GeoPrecision.PLACE
    assert killing.fatalities == 9


def test_the_target_of_a_bombardment_and_a_raid_by_a_plane_is_the_place(extractor: Extractor) -> None:
    (shelling,) = _extract(extractor, "Six people were killed on Sunday in the army's aerial bombardment of Tikrit city, north of Baghdad.")
    assert "Tikr" in shelling.place_name
    (raid,) = _extract(extractor, "Twenty people were killed on Sunday in a raid by an unknown plane on Hit district in Anbar province, west of Baghdad.")
    assert raid.location.startswith("Hit")


# -- many events told as one toll --------------------------------------------------------------------


def test_a_series_of_bombings_in_a_city_on_one_day_is_one_incident_there(extractor: Extractor) -> None:
    (bombings,) = _extract(extractor, "A series of bombings targeting markets in Basra killed 17 people on Sunday, police said.")
    assert bombings.event_date == date(2015, 5, 31) and "Basra" in bombings.place_name
    assert bombings.event_type == "Explosions/Remote violence" and bombings.fatalities == 17


def test_a_series_over_a_country_is_listed_off_the_map_and_one_with_no_day_is_none(extractor: Extractor) -> None:
    (across,) = _extract(extractor, "A wave of bombings across Iraq killed 40 people on Sunday.")
    assert across.geo_precision == GeoPrecision.REGION and across.location == "Iraq" and not across.admin1
    assert _extract(extractor, "Camp Speicher has been hit by a string of rocket attacks.") == []


# -- one event told twice: in its country, then in its town ----------------------------------------


def test_a_lead_told_in_the_country_and_a_later_sentence_in_a_town_are_one_incident(extractor: Extractor) -> None:
    (killing,) = _extract(
        extractor,
        "Gunmen killed a judge in Iraq on Sunday, officials said. He was shot dead as he left his home in Mosul.",
    )
    assert killing.event_date == date(2015, 5, 31) and killing.location == "Mosul"
    # another kind of event in the same country is another incident
    found = _extract(extractor, "Jets struck militant positions in Iraq on Sunday. Protesters gathered in Basra on Sunday.")
    assert len(found) == 2


def test_men_found_dead_and_bodies_found_undated_are_killings_on_the_reports_day(extractor: Extractor) -> None:
    (found,) = _extract(extractor, "In Kirkuk province, seven farmers were found dead, their hands tied.")
    assert (found.event_type, found.fatalities, found.event_date) == ("Violence against civilians", 7, PUBLISHED)
    (bodies,) = _extract(extractor, "Police found the bodies of 12 men dumped near the town of Tarmiyah.")
    assert bodies.event_date == PUBLISHED and bodies.geo_precision == GeoPrecision.NEAR  # bodies count the dead of one finding


def test_the_day_a_speaker_spoke_dates_the_event_as_reported_until_a_later_sentence_dates_it(extractor: Extractor) -> None:
    (clash,) = _extract(
        extractor,
        "Fighting between rebels and tribesmen has killed 13 people in Yemen, tribal sources said on Tuesday. "
        "The clashes erupted on Monday in the town of Amran.",
        title="Yemen: news in brief",
    )
    assert clash.event_date == date(2015, 6, 1) and "Amr" in clash.place_name and clash.fatalities == 13


def test_rural_before_a_town_is_near_it(extractor: Extractor) -> None:
    (shelling,) = _extract(extractor, "Artillery shelled farms in rural Tal Afar on Sunday, killing a shepherd.")
    assert shelling.geo_precision == GeoPrecision.NEAR and "Tall" in shelling.place_name


def test_a_toll_told_before_its_dated_cause_takes_the_causes_day_and_place(extractor: Extractor) -> None:
    (strike,) = _extract(
        extractor,
        "Coalition airstrikes killed at least 30 civilians after shelling a market in the town of Zabid on Friday evening.",
        title="Yemen: news in brief",
    )
    assert strike.event_date == date(2015, 5, 29) and "Zab" in strike.place_name and strike.fatalities == 30


def test_an_undated_lead_with_the_toll_of_a_series_takes_the_reports_day(extractor: Extractor) -> None:
    (attacks,) = _extract(extractor, "Officials say a series of attacks around Kirkuk has killed nine people and wounded 20.")
    assert attacks.event_date == PUBLISHED and attacks.fatalities == 9 and "Kirkuk" in attacks.place_name


def test_a_full_date_opening_the_sentence_dates_it_wherever_the_parser_hangs_it(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, "Around 14 May 2015 (as reported), unidentified forces killed at least 5 farmers in Kirkuk (Kirkuk).")
    assert (killing.event_date, killing.time_precision) == (date(2015, 5, 14), TimePrecision.WEEK)
    # a date inside a noun phrase is not the event's
    (other,) = _extract(extractor, "A candidate for the May 30 vote was shot dead in Mosul on Sunday.")
    assert other.event_date == date(2015, 5, 31)
