"""General extraction rules on one-sentence reports (new text about publicly reported events)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from incidents.articles import Article
from incidents.extract import Extractor
from incidents.model import GeoPrecision, Incident


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from incidents.geocoding import default_geocoder

    return Extractor(default_geocoder())


def _extract(extractor: Extractor, published: date, text: str) -> list[Incident]:
    return extractor.extract(Article(title="Report", published=published, text=text))


def test_main_clause_event_wins_over_its_cause(extractor: Extractor) -> None:
    (riot,) = _extract(
        extractor,
        date(2019, 12, 31),
        "Protesters stormed the US embassy in Baghdad on Tuesday, setting fire to a reception area, "
        "in anger at US air strikes that killed 25 Kataib Hezbollah fighters on Sunday.",
    )
    assert (riot.event_type, riot.sub_event_type) == ("Riots", "Violent demonstration")
    assert riot.event_date == date(2019, 12, 31)
    assert riot.actor_group == "Protesters"
    assert "embassy" in riot.location.lower() and riot.geo_precision == GeoPrecision.PLACE
    assert riot.fatalities is None  # the 25 were killed by the strikes, another event


def test_a_place_inside_a_city_is_the_more_exact_place(extractor: Extractor) -> None:
    (bombing,) = _extract(
        extractor,
        date(2021, 7, 20),
        "The Islamic State claimed responsibility for a suicide bombing at a market in Baghdad's Sadr City "
        "on Monday that killed 35 people.",
    )
    assert bombing.sub_event_type == "Suicide bomb"
    assert bombing.location == "Sadr City"
    assert (bombing.actor1, bombing.attribution, bombing.fatalities) == ("Islamic State", "claimed", 35)


def test_a_government_claiming_through_its_jets(extractor: Extractor) -> None:
    (strike,) = _extract(
        extractor,
        date(2020, 6, 20),
        "Turkey's defence ministry said its jets struck PKK targets in the Qandil mountains on Friday, killing 12 militants.",
    )
    assert (strike.actor1, strike.attribution, strike.actor2) == ("Turkey", "claimed", "PKK")
    assert strike.location == "Qandil mountains"
    assert strike.fatalities == 12
    assert strike.event_date == date(2020, 6, 19)


def test_a_shooting_is_one_death_when_no_number_is_given(extractor: Extractor) -> None:
    (shooting,) = _extract(
        extractor,
        date(2021, 5, 9),
        "Gunmen on motorbikes shot dead prominent activist Ihab al-Wazni outside his home in Karbala early on Sunday, police said.",
    )
    assert (shooting.event_type, shooting.sub_event_type) == ("Violence against civilians", "Attack")
    assert shooting.actor1 == "Unidentified Armed Group (Iraq)"
    assert shooting.fatalities == 1
    assert shooting.location == "Karbala"


@pytest.mark.parametrize(
    "text",
    [
        "Iraq has seen dozens of rocket attacks on US interests since October.",
        "Rocket attacks on bases in Iraq increased in February.",
        "If rockets hit the embassy again on Friday, the US will respond, Pompeo said in Washington on Tuesday.",
        "Kataib Hezbollah has threatened to fire rockets at Camp Taji on Friday.",
        "No rockets hit the base on Friday, the Iraqi military said.",
    ],
)
def test_no_incident(extractor: Extractor, text: str) -> None:
    assert _extract(extractor, date(2020, 3, 14), text) == []


def test_where_someone_spoke_is_not_the_place(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor,
        date(2020, 3, 14),
        "Speaking in Washington on Friday, Pompeo said rockets hit Camp Taji on Wednesday.",
    )
    assert "Taji" in attack.location
    assert attack.event_date == date(2020, 3, 11)


def test_protest_with_lethal_force(extractor: Extractor) -> None:
    (protest,) = _extract(
        extractor,
        date(2019, 10, 26),
        "Thousands of protesters gathered in Tahrir Square in Baghdad on Friday, and security forces fired "
        "tear gas and live ammunition, killing at least five people.",
    )
    assert (protest.event_type, protest.sub_event_type) == ("Protests", "Excessive force against protesters")
    assert protest.event_date == date(2019, 10, 25)
    assert "Tahrir" in protest.location
    assert protest.fatalities == 5


def test_near_a_city_is_precision_two(extractor: Extractor) -> None:
    (bombing,) = _extract(
        extractor,
        date(2021, 2, 1),
        "Two soldiers were killed and three wounded when a roadside bomb struck their vehicle south of Mosul on Sunday.",
    )
    assert bombing.location == "Mosul" and bombing.geo_precision == GeoPrecision.NEAR
    assert (bombing.fatalities, bombing.injuries) == (2, 3)


def test_a_user_alias_resolves_the_next_article(tmp_path: Path) -> None:
    from geo import OfflineGeocoder

    text = "An IED exploded near the village of Kani Spindara Khwaru on Sunday, wounding 2 soldiers."
    geocoder = OfflineGeocoder(user_gazetteer=tmp_path / "user_places.csv")
    (before,) = Extractor(geocoder).extract(Article(title="t", published=date(2020, 6, 15), text=text))
    assert before.geo_precision is None and before.location == "Kani Spindara Khwaru"
    geocoder.add_alias("Kani Spindara Khwaru", 35.70, 43.60, kind="site", country_code="IQ")
    (after,) = Extractor(geocoder).extract(Article(title="t", published=date(2020, 6, 15), text=text))
    assert after.geo_precision is not None
    assert (round(after.latitude, 2), round(after.longitude, 2)) == (35.70, 43.60)


ANALYSIS = """WASHINGTON — The killing of a US contractor in a rocket attack on a base near Kirkuk in December set off a chain of events that brought Washington and Tehran to the brink of war.

On Dec. 27, more than 30 rockets struck the K-1 base, killing the contractor and wounding four US service members and two Iraqi personnel. Washington blamed Kataib Hezbollah.

Two days later, US F-15E jets struck five Kataib Hezbollah facilities in Iraq and Syria, killing at least 25 fighters, according to the group.

Analysts say the militias have launched more than 20 attacks on US facilities since October, and many expect more to come.

"We will respond to any attack," a senior official said on Thursday, adding that the US would hold Iran responsible.

Drone strikes attributed to Israel hit PMF weapons depots in Iraq several times in the summer of 2019.

Protests that began in Baghdad on Oct. 1 have left more than 400 people dead."""


def test_an_analysis_piece_gives_only_its_dated_incident(extractor: Extractor) -> None:
    (k1,) = _extract(extractor, date(2020, 1, 10), ANALYSIS)
    # The month-precise mention ("near Kirkuk in December") is the same attack, told less exactly;
    # "two days later" has no date of its own; the rest are counts, threats and a movement.
    assert k1.event_date == date(2019, 12, 27)
    assert "K-1" in k1.location and k1.geo_precision == GeoPrecision.PLACE
    assert (k1.actor1, k1.attribution, k1.attributed_by) == ("Kataib Hezbollah", "accused", "Washington")
    assert k1.injuries == 6  # "four US service members and two Iraqi personnel"
    assert k1.munitions == "more than 30 rockets"


def test_a_claimant_the_lexicon_does_not_know(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor,
        date(2021, 3, 2),
        "A little-known group calling itself Saraya Qasim al-Jabarin claimed responsibility for a rocket attack "
        "on Erbil airport on Monday.",
    )
    assert (attack.actor1, attack.attribution, attack.actor_group) == ("Saraya Qasim al-Jabarin", "claimed", "Other")


def test_an_attack_on_a_checkpoint_is_a_clash_at_a_small_town(extractor: Extractor) -> None:
    (clash,) = _extract(
        extractor,
        date(2021, 3, 1),
        "Islamic State militants attacked an army checkpoint near Tarmiyah on Sunday, killing three soldiers.",
    )
    assert (clash.event_type, clash.actor1, clash.fatalities) == ("Battles", "Islamic State", 3)
    # Tarmiyah is below the finder's population floor: found by its preposition, exactly.
    assert clash.geo_precision == GeoPrecision.NEAR and clash.latitude is not None


def test_shelling_by_an_adjective_actor(extractor: Extractor) -> None:
    (shelling,) = _extract(extractor, date(2021, 3, 1), "Turkish artillery shelled villages near Zakho on Friday.")
    assert (shelling.sub_event_type, shelling.actor1) == ("Shelling/artillery/missile attack", "Turkey")
    assert shelling.event_date == date(2021, 2, 26)


def test_a_town_in_a_province_with_the_arabic_article(extractor: Extractor) -> None:
    (strike,) = _extract(
        extractor,
        date(2019, 9, 1),
        "Unidentified drones struck PMF positions in Anbar province's al-Qaim on Saturday, killing one fighter.",
    )
    assert strike.location == "al-Qaim" and strike.geo_precision == GeoPrecision.PLACE
    assert (strike.actor2, strike.fatalities) == ("Popular Mobilization Forces", 1)


def test_no_immediate_reports_of_casualties_in_the_next_sentence(extractor: Extractor) -> None:
    (rockets,) = _extract(
        extractor,
        date(2020, 1, 21),
        "BAGHDAD (Reuters) - Three Katyusha rockets landed near the U.S. embassy in Baghdad's heavily fortified "
        "Green Zone late on Monday, security sources said. There were no immediate reports of casualties.",
    )
    assert rockets.event_date == date(2020, 1, 20)
    assert rockets.location == "U.S. embassy in Baghdad" and rockets.geo_precision == GeoPrecision.NEAR
    assert (rockets.fatalities, rockets.casualties_reported) == (0, False)


def test_an_unknown_village_north_of_a_town_is_coded_near_the_town(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor,
        date(2020, 5, 3),
        "Ten members of the PMF were killed when Islamic State militants attacked their positions near "
        "Mekeshifa, north of Samarra, late on Friday, security sources said.",
    )
    assert (attack.event_type, attack.actor1, attack.actor2) == ("Battles", "Islamic State", "Popular Mobilization Forces")
    assert attack.geo_precision == GeoPrecision.NEAR and "Samarra" in attack.location
    assert attack.fatalities == 10


def test_security_forces_killed_in_an_attack_is_a_battle(extractor: Extractor) -> None:
    (battle,) = _extract(
        extractor,
        date(2021, 4, 14),
        "Islamic State militants killed four soldiers in an attack on an army checkpoint in Tarmiyah, "
        "north of Baghdad, on Monday, security sources said.",
    )
    assert (battle.event_type, battle.sub_event_type) == ("Battles", "Armed clash")
    assert battle.actor_group == "Islamic State"
    assert battle.event_date == date(2021, 4, 12)
    assert battle.fatalities == 4
    assert battle.latitude is not None and abs(battle.latitude - 33.67) < 0.1


def test_militants_killing_villagers_is_violence_against_civilians(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor,
        date(2020, 5, 4),
        "Islamic State militants killed three villagers in Mutaibija on Saturday, police said.",
    )
    assert (attack.event_type, attack.sub_event_type) == ("Violence against civilians", "Attack")
    assert attack.fatalities == 3
    assert attack.event_date == date(2020, 5, 2)


def test_a_feared_attack_on_a_checkpoint_is_no_incident(extractor: Extractor) -> None:
    assert _extract(
        extractor,
        date(2021, 4, 14),
        "Officials warned that militants could attack checkpoints in Tarmiyah and kill soldiers.",
    ) == []


def test_a_numeric_date_opening_the_report_and_a_province_as_the_place(extractor: Extractor) -> None:
    (battle,) = _extract(extractor, date(2012, 4, 20), "04/19/2012: Iraqi forces killed 15 IS militants in Anbar province.")
    assert battle.event_date == date(2012, 4, 19)
    assert (battle.event_type, battle.actor1, battle.actor2) == ("Battles", "Iraqi security forces", "Islamic State")
    assert battle.geo_precision == GeoPrecision.REGION and battle.place_name == "Anbar"
    assert battle.fatalities == 15


def test_an_undated_report_is_dated_as_reported_when_it_names_its_place(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2021, 3, 2), "Hundreds of protesters gathered in front of the governorate building in Basra.")
    assert protest.event_date == date(2021, 3, 2) and protest.event_type == "Protests"
    assert protest.place_name == "Basrah" and protest.geo_precision == GeoPrecision.PLACE


def test_a_village_its_province_and_country_written_after_it(extractor: Extractor) -> None:
    (attack,) = _extract(extractor, date(2021, 3, 2), "Gunmen killed two farmers in Abu Zarqa area, Diyala governorate, Iraq, on Monday.")
    # the village is unknown: placed at its province (precision 3), never at a namesake abroad
    assert attack.location == "Abu Zarqa" and attack.country == "Iraq"
    assert attack.place_name == "Diyala" and attack.geo_precision == GeoPrecision.REGION
    assert (attack.event_type, attack.actor2, attack.fatalities) == ("Violence against civilians", "Civilians (Iraq)", 2)


def test_unknown_villages_listed_with_a_known_town_are_incidents_in_its_country(extractor: Extractor) -> None:
    incidents = _extract(extractor, date(2021, 3, 5), "Turkish jets struck Avashin, Basyan and Zakho on Wednesday.")
    assert [i.location for i in incidents] == ["Avashin", "Basyan", "Zakho"]
    assert all(i.country == "Iraq" and i.actor1 == "Turkey" and i.event_date == date(2021, 3, 3) for i in incidents)
    assert incidents[2].geo_precision == GeoPrecision.PLACE and incidents[0].geo_precision is None


def test_a_thrown_grenade_is_a_grenade_attack(extractor: Extractor) -> None:
    (attack,) = _extract(extractor, date(2021, 6, 5), "Unknown assailants threw a grenade at a liquor store in Baghdad on Friday.")
    assert (attack.event_type, attack.sub_event_type) == ("Explosions/Remote violence", "Grenade")
    assert attack.event_date == date(2021, 6, 4) and attack.place_name == "Baghdad"
    # a thrown stone stays a riot's weapon, never a grenade or a bombing
    (riot,) = _extract(extractor, date(2021, 6, 5), "Youths threw stones at police in Basra on Friday.")
    assert riot.event_type == "Riots"


def test_an_instrument_hung_on_the_support_verb_and_a_country_before_a_base(extractor: Extractor) -> None:
    (strike,) = _extract(extractor, date(2021, 6, 8), "The Syrian army base near Palmyra came under attack by drones on Monday.")
    assert strike.sub_event_type == "Air/drone strike"
    # "Syrian army base" puts the report in Syria: Palmyra is Tadmur, not a namesake town abroad
    assert strike.country == "Syria" and strike.geo_precision == GeoPrecision.NEAR


def test_members_of_a_family_are_civilians_and_members_of_an_army_are_not(extractor: Extractor) -> None:
    (strike,) = _extract(extractor, date(2021, 5, 17), "An Israeli airstrike in Gaza killed eight members of one family on Sunday.")
    assert strike.actor2.startswith("Civilians") and strike.fatalities == 8
    (clash,) = _extract(extractor, date(2021, 5, 17), "Gunmen killed three members of the Iraqi army in Tarmiyah on Sunday.")
    assert clash.event_type == "Battles" and clash.actor2 == "Iraqi security forces"


def test_a_suspicion_about_the_target_leaves_the_stated_agent(extractor: Extractor) -> None:
    (strike,) = _extract(extractor, date(2021, 6, 8), "Turkish warplanes bombed suspected PKK hideouts in Dohuk province on Monday.")
    assert (strike.actor1, strike.actor2) == ("Turkey", "PKK")
    assert strike.sub_event_type == "Air/drone strike"


def test_a_relative_day_counts_from_the_day_the_speaker_spoke(extractor: Extractor) -> None:
    # published on a Tuesday; the speaker spoke on Sunday, so "yesterday" is Saturday
    (attack,) = _extract(extractor, date(2022, 5, 10), "Gunmen killed two policemen in Kirkuk yesterday, officials said on Sunday.")
    assert attack.event_date == date(2022, 5, 7)
    (alone,) = _extract(extractor, date(2022, 5, 10), "Gunmen killed two policemen in Kirkuk yesterday.")
    assert alone.event_date == date(2022, 5, 9)


def test_clashes_between_two_sides_name_both(extractor: Extractor) -> None:
    (clash,) = _extract(extractor, date(2022, 5, 10), "Fighting broke out between Houthi rebels and government forces in Marib on Monday.")
    assert (clash.event_type, clash.actor1, clash.actor2) == ("Battles", "Houthis", "Military Forces of Yemen")
    (deadly,) = _extract(
        extractor, date(2022, 5, 10),
        "Clashes between the Syrian Democratic Forces and Islamic State militants in Deir ez-Zor killed four SDF fighters on Sunday.",
    )
    # the clash told as the subject of "killed" is the event and names both sides, not whoever was hit
    assert (deadly.actor1, deadly.actor2, deadly.fatalities) == ("SDF", "Islamic State", 4)


def test_an_explosion_that_killed_is_an_explosion(extractor: Extractor) -> None:
    (blast,) = _extract(extractor, date(2022, 5, 10), "An explosion killed three people in Kirkuk on Monday.")
    assert (blast.event_type, blast.sub_event_type) == ("Explosions/Remote violence", "Remote explosive/landmine/IED")
    assert blast.fatalities == 3 and blast.actor2 == "Civilians (Iraq)"


def test_a_village_is_the_namesake_near_the_town_named_with_it(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor, date(2022, 10, 14),
        "Settlers attacked farmers harvesting olives near the village of Burin, south of Nablus, on Thursday, injuring three.",
    )
    # Burin is also a town in Ukraine and in Canada: the one near Nablus is meant
    assert attack.country == "Palestinian Territory" and attack.injuries == 3
    assert attack.event_date == date(2022, 10, 13)


def test_a_city_of_millions_is_found_outside_the_reports_countries(extractor: Extractor) -> None:
    text = (
        "Air strikes killed at least 14 people in Yemen's capital Sanaa on Monday.\n\n"
        "In Abu Dhabi, three people were killed on Monday when fuel trucks exploded near an oil depot, police said."
    )
    incidents = extractor.extract(Article(title="Yemen strikes", published=date(2022, 1, 18), text=text))
    assert [(i.place_name, i.country) for i in incidents] == [("Sanaa", "Yemen"), ("Abu Dhabi", "United Arab Emirates")]


def test_generic_police_take_the_reports_country_and_to_death_is_a_death(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2022, 9, 22), "In the Iranian city of Tabriz, riot police fired tear gas at protesters on Wednesday.")
    assert protest.event_type == "Protests" and protest.actor2 == "Police Forces of Iran"
    (killing,) = _extract(extractor, date(2022, 9, 22), "A member of the Basij militia was stabbed to death in Mashhad on Wednesday.")
    assert killing.fatalities == 1 and killing.actor2 == "Basij"


def test_a_container_after_a_comma_wherever_the_parser_hangs_it(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2022, 3, 2), "Students staged a protest in Kuzgunpinari town, Istanbul to oppose the war on Tuesday.")
    # the town is unknown to the gazetteer: placed at Istanbul, never at a namesake or nowhere
    assert protest.location == "Kuzgunpinari" and protest.place_name == "Istanbul" and protest.geo_precision == GeoPrecision.NEAR


def test_rockets_fired_and_where_they_were_launched_from(extractor: Extractor) -> None:
    text = (
        "Several rockets were fired at Ain al-Asad air base in western Iraq on Thursday, a U.S. official said.\n\n"
        "The rockets were launched from an area south of Hit, police said."
    )
    (attack,) = extractor.extract(Article(title="Rockets", published=date(2023, 3, 24), text=text))
    assert attack.sub_event_type == "Shelling/artillery/missile attack" and attack.event_date == date(2023, 3, 23)
    assert attack.place_name == "Al Asad Air Base"  # the launch site is no second incident


def test_the_passive_carries_over_the_and_and_the_attack_names_who(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor, date(2022, 5, 10),
        "A Turkish soldier was killed and three others wounded in a PKK attack in northern Iraq, the defence ministry said on Monday.",
    )
    # "three others" were wounded: victims, not the agent; the attack was the PKK's
    assert (attack.actor1, attack.actor2, attack.fatalities) == ("PKK", "Turkey", 1)


def test_a_rocket_that_hit_near_a_site_and_a_planted_bomb_that_was_defused(extractor: Extractor) -> None:
    (strike,) = _extract(extractor, date(2022, 5, 10), "A rocket hit near the US embassy in Baghdad early Sunday, security sources said.")
    assert strike.sub_event_type == "Shelling/artillery/missile attack" and strike.event_date == date(2022, 5, 8)
    found = _extract(extractor, date(2022, 5, 10), "Police found a bomb planted by militants in Kirkuk on Sunday and defused it.")
    assert all(i.event_type != "Explosions/Remote violence" for i in found)


def test_a_vehicle_that_hits_a_roadside_bomb_is_its_victim(extractor: Extractor) -> None:
    (blast,) = _extract(
        extractor, date(2022, 3, 10),
        "Two Iraqi soldiers were killed when their vehicle hit a roadside bomb in the Tarmiyah district north of Baghdad on Wednesday.",
    )
    # the bomb is the weapon, not the target; whoever planted it is unnamed
    assert (blast.event_type, blast.sub_event_type) == ("Explosions/Remote violence", "Remote explosive/landmine/IED")
    assert blast.actor1 == "Unidentified Armed Group (Iraq)" and blast.fatalities == 2
    (detonation,) = _extract(extractor, date(2022, 3, 10), "IS militants detonated an IED targeting a shepherd in Kirkuk.")
    assert detonation.actor1 == "Islamic State"  # who detonates a bomb is its agent


def test_a_place_then_a_comma_and_its_city_is_one_place_a_list_needs_and(extractor: Extractor) -> None:
    (protest,) = _extract(
        extractor, date(2022, 1, 7),
        "On 7 January 2022, health workers staged a demonstration in Zeytintepesi town, Mersin, demanding better pay.",
    )
    # the town is unknown to the gazetteer: placed near the city that contains it, not as a second incident
    assert protest.geo_precision == 2 and protest.place_name == "Mersin"
    strikes = _extract(extractor, date(2022, 3, 8), "Turkish jets struck Avashin, Basyan and Zakho on Monday.")
    assert len(strikes) == 3


def test_who_a_group_is_likely_to_be_is_no_intention_and_a_verb_tells_a_new_event(extractor: Extractor) -> None:
    (attack,) = _extract(
        extractor, date(2022, 3, 12),
        "On 12 March 2022, an armed group likely to be IS militants shot at a QSD military position in Deir ez Zor, "
        "killing two QSD members.",
    )
    assert attack.actor1 == "Islamic State" and attack.fatalities == 2
    # "their raid" is definite, but "clashed" tells the event: not a reference to one told before
    (clash,) = _extract(
        extractor, date(2022, 3, 25),
        "On 25 March 2022, Palestinian rioters clashed with Israeli military forces during their raid in Jenin.",
    )
    assert clash.event_type == "Riots" and clash.location == "Jenin"


def test_what_an_attempt_did_happened(extractor: Extractor) -> None:
    (attack,) = _extract(extractor, date(2022, 3, 10), "Gunmen tried to storm the checkpoint in Kirkuk, killing two policemen.")
    assert attack.fatalities == 2 and attack.actor2 == "Police Forces of Iraq"
    assert _extract(extractor, date(2022, 3, 10), "Militants vowed to storm the checkpoint in Kirkuk.") == []


def test_a_states_forces_arrest_and_an_armed_group_abducts(extractor: Extractor) -> None:
    (arrest,) = _extract(extractor, date(2022, 1, 11), "On 11 January 2022, regime forces arrested a number of young men in Deir ez-Zor city.")
    assert (arrest.event_type, arrest.sub_event_type) == ("Strategic developments", "Arrests")
    (abduction,) = _extract(extractor, date(2022, 1, 11), "On 11 January 2022, PKK militants detained two shepherds in Duhok.")
    assert abduction.sub_event_type == "Abduction/forced disappearance"


def test_fire_at_a_forces_target_is_a_clash(extractor: Extractor) -> None:
    for text in (
        "On 11 April 2022, Houthi forces opened fire at military targets in Hays (Al Hudaydah).",
        "On 21 April 2022, Israeli forces opened fire towards Palestinian military posts east of Khan Yunis.",
        "On 23 June 2022, unknown gunmen attacked a QSD military point near Raqqa, injuring a QSD member.",
    ):
        (event,) = _extract(extractor, date(2022, 6, 23), text)
        assert (event.event_type, event.sub_event_type) == ("Battles", "Armed clash"), text
    (attack,) = _extract(extractor, date(2022, 6, 23), "On 23 June 2022, unknown gunmen opened fire at a car near Raqqa, injuring the driver.")
    assert attack.sub_event_type == "Attack"


def test_an_arrest_a_protest_is_about_is_no_intervention(extractor: Extractor) -> None:
    (protest,) = _extract(
        extractor, date(2022, 6, 16),
        "On 16 June 2022, journalists staged a demonstration in Diyarbakir, protesting the arrest of 20 journalists.",
    )
    assert protest.sub_event_type == "Peaceful protest"
    (dispersed,) = _extract(
        extractor, date(2022, 6, 16), "On 16 June 2022, journalists staged a demonstration in Diyarbakir and police arrested 20 of them.",
    )
    assert dispersed.sub_event_type == "Protest with intervention"


def test_a_clash_with_rioters_or_civilians_on_either_side_is_mob_violence(extractor: Extractor) -> None:
    for text in (
        "On 27 January 2022, Israeli settlers clashed with Palestinian rioters near Hebron.",
        "On 24 April 2022, clashes erupted between military forces and relatives of the victims at the port of Tripoli.",
    ):
        (clash,) = _extract(extractor, date(2022, 4, 24), text)
        assert (clash.event_type, clash.sub_event_type) == ("Riots", "Mob violence"), text
    (battle,) = _extract(extractor, date(2022, 4, 24), "On 24 April 2022, Houthi forces clashed with Giants Brigades forces in Harib.")
    assert battle.sub_event_type == "Armed clash"


def test_a_kicker_is_a_heading_not_the_subject(extractor: Extractor) -> None:
    (moved,) = _extract(
        extractor, date(2022, 5, 23),
        "Movement of forces: On 23 May 2022, a Global Coalition convoy of thirty vehicles entered Syria and headed to Hasakah.",
    )
    # the convoy is the coalition's (its modifier names it), whatever "of thirty vehicles" says
    assert moved.actor1 == "Coalition forces" and moved.sub_event_type == "Change to group/activity"


def test_police_forces_are_police_whatever_force_alone_would_be(extractor: Extractor) -> None:
    (arrest,) = _extract(
        extractor, date(2022, 2, 12),
        "On 12 February 2022, police forces detained 30 migrants in the Altindag district of Ankara.",
    )
    assert arrest.actor1 == "Police Forces of Turkey" and arrest.sub_event_type == "Arrests"


def test_settlers_destroying_property_and_forces_named_against_a_group(extractor: Extractor) -> None:
    (destruction,) = _extract(
        extractor, date(2022, 1, 31), "On 31 January 2022, Israeli settlers vandalized a greenhouse in Kafr ad Dik (Salfit, West Bank).",
    )
    assert (destruction.sub_event_type, destruction.actor1) == ("Looting/property destruction", "Israeli settlers")
    (riot,) = _extract(
        extractor, date(2022, 3, 22), "On 22 March 2022, Israeli settlers hurled stones at Palestinian houses near Baytin (Ramallah, West Bank).",
    )
    assert riot.event_type == "Riots"
    (strike,) = _extract(extractor, date(2022, 6, 30), "On 30 June 2022, anti-Houthi forces conducted 3 air raids in Hays (Al Hudaydah).")
    assert strike.actor1 != "Houthis"  # the Houthis' enemies, whoever they are


def test_a_neighbourhood_is_coded_at_its_town_and_a_site_near_a_town_near_it(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2022, 1, 14), "On 14 January 2022, locals protested in the Old Quarter of Basrah city.")
    assert (protest.location, protest.place_name, protest.geo_precision) == ("Old Quarter", "Basrah", 1)
    (shelling,) = _extract(
        extractor, date(2022, 1, 23), "On 23 January 2022, Turkish forces shelled the M4 Highway near Ein Issa in Ar Raqqa governorate.",
    )
    assert shelling.geo_precision == 2  # a road near the town, not the town


def test_a_region_written_around_a_place_decides_its_country(extractor: Extractor) -> None:
    (riot,) = _extract(
        extractor, date(2022, 5, 11), "On 11 May 2022, Palestinian rioters clashed with Israeli police in Al Quds - Silwan (Al Quds, West Bank).",
    )
    # GeoNames puts Jerusalem in Israel; the report (and ACLED) put East Jerusalem in the West Bank
    assert (riot.iso, riot.admin1) == ("PS", "West Bank")
    (protest,) = _extract(
        extractor, date(2022, 3, 21),
        "On 21 March 2022, Israeli activists blocked traffic on a bridge in Jerusalem in protest of demolitions in the West Bank.",
    )
    assert protest.iso == "IL"  # the West Bank is what they protest about, not where


def test_it_is_the_noun_before(extractor: Extractor) -> None:
    (blockade,) = _extract(extractor, date(2022, 1, 13), "On 13 January 2022, taxi drivers stood on the main road in Halba to block it.")
    assert (blockade.event_type, blockade.sub_event_type) == ("Protests", "Peaceful protest")


def test_a_body_found_is_a_killing_by_someone_unnamed(extractor: Extractor) -> None:
    (killing,) = _extract(extractor, date(2022, 6, 18), "On 18 June 2022, the body of a young man was found in the fields near Kirkuk.")
    assert (killing.event_type, killing.actor1) == ("Violence against civilians", "Unidentified Armed Group (Iraq)")
    (shot,) = _extract(extractor, date(2022, 3, 21), "On 21 March 2022, a man's body was found near the bakery in Tassil, killed by unknown gunmen.")
    assert shot.actor1 == "Unidentified Armed Group (Syria)"  # the man is the victim, not the agent
    assert _extract(extractor, date(2022, 6, 18), "On 18 June 2022, the ruling body of the party met in Kirkuk.") == []


def test_a_victim_of_two_passive_verbs_is_counted_and_a_number_of_is_ten(extractor: Extractor) -> None:
    (shooting,) = _extract(extractor, date(2022, 1, 1), "On 1 January 2022, a civilian was shot in the head and killed by police officers in Konya.")
    assert shooting.fatalities == 1
    (strike,) = _extract(
        extractor, date(2022, 2, 4), "On 4 February 2022, coalition airstrikes on Houthi forces in Marib governorate killed a number of Houthi fighters.",
    )
    assert strike.fatalities == 10  # ACLED's default for an unstated plural toll


def test_wire_wordings_rocket_fire_left_dead_and_near_the_town_of(extractor: Extractor) -> None:
    (fire,) = _extract(extractor, date(2023, 1, 20), "U.S. forces in eastern Syria came under rocket fire on Thursday near Deir ez-Zor, the coalition said.")
    assert (fire.sub_event_type, fire.actor2) == ("Shelling/artillery/missile attack", "US forces")
    (clash,) = _extract(
        extractor, date(2023, 1, 21), "Clashes broke out on Friday between the Iraqi army and Yazidi fighters in Sinjar, leaving one soldier dead.",
    )
    assert clash.fatalities == 1
    (attack,) = _extract(
        extractor, date(2023, 1, 14), "Islamic State militants attacked an army post near the town of Tarmiyah on Saturday, killing two soldiers.",
    )
    assert attack.geo_precision == 2  # near the town, not in it


def test_a_place_written_in_another_is_the_events_and_near_a_force_is_its_target(extractor: Extractor) -> None:
    (downed,) = _extract(
        extractor, date(2023, 2, 10), "Two drones were shot down as they approached Ain al-Asad air base in Anbar on Thursday, an official said.",
    )
    assert (downed.place_name, downed.geo_precision) == ("Al Asad Air Base", 1)
    (blast,) = _extract(
        extractor, date(2023, 2, 6), "A roadside bomb exploded near a patrol of the Popular Mobilization Forces west of Mosul on Sunday, wounding four fighters.",
    )
    assert blast.actor2 == "Popular Mobilization Forces" and blast.injuries == 4
    (shelling,) = _extract(extractor, date(2023, 2, 8), "Syrian government artillery pounded the town of Sarmin in Idlib province overnight, killing a woman.")
    assert shelling.actor1 == "Syrian government forces"


def test_two_attacks_in_one_report_the_second_told_hours_earlier(extractor: Extractor) -> None:
    text = (
        "A drone packed with explosives crashed into a house near Erbil airport late on Sunday, causing no casualties, officials said.\n\n"
        "Hours earlier, three Katyusha rockets landed near the Balad air base north of Baghdad, security sources said."
    )
    drone, rockets = extractor.extract(Article(title="Attacks in Iraq", published=date(2023, 3, 6), text=text))
    assert (drone.sub_event_type, drone.event_date) == ("Air/drone strike", date(2023, 3, 5))
    assert (rockets.place_name, rockets.event_date) == ("Balad Air Base", date(2023, 3, 5))  # the day of the drone, not the report's


def test_a_word_inside_an_actor_name_is_no_place(extractor: Extractor) -> None:
    (clash,) = _extract(
        extractor, date(2023, 3, 8), "Fighting between Houthi rebels and government forces killed 14 fighters in Marib province on Tuesday.",
    )
    assert clash.location == "Marib"


def test_force_told_after_a_protest_meets_it_and_a_crowd_that_dispersed_was_not_dispersed(extractor: Extractor) -> None:
    text = "On 26 April 2022, dismissed workers held a protest in Kizilay, Ankara. Police intervened and moved the protesters out by force."
    (met,) = extractor.extract(Article(title="Report", published=date(2022, 4, 26), text=text))
    assert met.sub_event_type == "Protest with intervention"
    text = "On 18 April 2022, residents staged a demonstration in Akcakale, Sanliurfa. The group later dispersed peacefully."
    (peaceful,) = extractor.extract(Article(title="Report", published=date(2022, 4, 18), text=text))
    assert peaceful.sub_event_type == "Peaceful protest"


def test_a_list_of_places_shares_its_first_members_near(extractor: Extractor) -> None:
    attacks = _extract(extractor, date(2022, 3, 7), "On 7 March 2022, militants attacked army posts near Samarra and Tikrit on Monday.")
    assert sorted(i.location for i in attacks) == ["Samarra", "Tikrit"] and {i.geo_precision for i in attacks} == {2}


# Landmarks inside towns (new wordings written here; ACLED codes a street, square or building of a
# town at the town with precision 1, and a place near or in the area of one at precision 2).


def test_a_square_named_with_its_kind_word_is_a_site_of_the_town_around_it(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2023, 3, 3),
                          "On 3 March 2023, teachers protested at Ahrar Square in Mosul city, demanding their unpaid salaries.")
    assert (protest.location, protest.place_name, protest.geo_precision) == ("Ahrar Square", "Mosul", GeoPrecision.PLACE)


def test_near_a_landmark_of_a_town_written_as_one_is_in_the_town(extractor: Extractor) -> None:
    (abduction,) = _extract(extractor, date(2023, 3, 3),
                            "On 3 March 2023, gunmen abducted a shopkeeper near the Naim roundabout in Raqqa city.")
    assert abduction.geo_precision == GeoPrecision.PLACE and abduction.location == "Naim roundabout"


def test_near_a_site_placed_in_brackets_is_near_what_contains_it(extractor: Extractor) -> None:
    (strike,) = _extract(extractor, date(2023, 3, 3), "On 3 March 2023, a drone struck a truck near Al Sahel Camp (Mukalla, Hadramawt).")
    assert strike.place_name == "Mukalla" and strike.geo_precision == GeoPrecision.NEAR


def test_a_road_in_the_area_of_a_town_is_near_the_town(extractor: Extractor) -> None:
    (bombing,) = _extract(extractor, date(2023, 3, 3),
                          "On 3 March 2023, a roadside bomb hit an army vehicle on the Qadisiya Highway in the area of Tuz Khurmatu.")
    assert bombing.geo_precision == GeoPrecision.NEAR and bombing.location == "Qadisiya Highway"


def test_an_unknown_landmark_named_without_a_town_is_in_the_place_just_told(extractor: Extractor) -> None:
    (riot,) = _extract(extractor, date(2023, 3, 3),
                       "On 3 March 2023, hundreds of graduates demonstrated in Kut city. "
                       "The demonstrators blocked the Kut Barrage Bridge with burning tires.")
    assert (riot.event_type, riot.location, riot.geo_precision) == ("Riots", "Kut", GeoPrecision.PLACE)


@pytest.mark.parametrize(
    ("text", "place", "precision"),
    [
        # "at" and "as" inside Arabic names are part of them, whatever the tagger makes of them
        ("On 3 March 2023, a drone hit an oil terminal in Ras at Tannurah.", "Ras Tanura", GeoPrecision.PLACE),
        # a kind word after "near" still names the kind of what follows "of"
        ("On 3 March 2023, a roadside bomb killed two soldiers near town of Tarmiyah.", "Aţ Ţārmīyah", GeoPrecision.NEAR),
    ],
)
def test_names_and_kind_phrases_around_prepositions(extractor: Extractor, text: str, place: str, precision: int) -> None:
    (incident,) = _extract(extractor, date(2023, 3, 3), text)
    assert (incident.place_name, incident.geo_precision) == (place, precision)


def test_in_front_of_a_building_is_at_it_not_a_front_line(extractor: Extractor) -> None:
    (protest,) = _extract(extractor, date(2023, 3, 3),
                          "On 3 March 2023, nurses protested in front of Al Jumhuri hospital in Kirkuk city, demanding permanent contracts.")
    assert (protest.place_name, protest.geo_precision) == ("Kirkuk", GeoPrecision.PLACE)


def test_forces_of_yemen_s_recognised_government_by_their_acronym(extractor: Extractor) -> None:
    (shelling,) = _extract(extractor, date(2023, 3, 3), "On 3 March 2023, IRG forces shelled Houthi positions east of Taiz city.")
    assert (shelling.actor1, shelling.actor2) == ("Yemeni government forces", "Houthis")


def test_an_unplaced_village_and_the_placed_event_of_its_sentence_are_one_incident() -> None:
    # the rule's behaviour on one sentence's events ("killed 40 near Sinjar ... during an assault on
    # a village no gazetteer knows": the parse sometimes tells them as two events)
    from incidents.extract import _unplaced_twins

    day = date(2014, 5, 8)
    killing = Incident("a", day, event_type="Violence against civilians", location="Sinjar", latitude=36.3, longitude=41.9, geo_precision=2)
    assault = Incident("b", day, event_type="Violence against civilians", location="Qizzara", fatalities=40, actor2="Civilians (Iraq)")
    assert _unplaced_twins([[killing], [assault]]) == [assault]
    assert killing.fatalities == 40 and killing.actor2 == "Civilians (Iraq)"
    # the places of one list are one event, an incident each
    village = Incident("c", day, event_type="Violence against civilians", location="Qizzara")
    town = Incident("d", day, event_type="Violence against civilians", location="Sinjar", latitude=36.3, longitude=41.9, geo_precision=1)
    assert _unplaced_twins([[village, town]]) == []
    # nor is another day's event, or another kind, or another toll the same one
    for other in (
        Incident("e", date(2014, 5, 7), event_type="Violence against civilians", location="Qizzara"),
        Incident("f", day, event_type="Protests", location="Qizzara"),
        Incident("g", day, event_type="Violence against civilians", location="Qizzara", fatalities=3),
    ):
        placed = Incident("h", day, event_type="Violence against civilians", location="Sinjar", latitude=36.3, longitude=41.9, fatalities=5)
        assert _unplaced_twins([[placed], [other]]) == []
