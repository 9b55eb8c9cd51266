"""Sentence cues: triggers told as facts, casualty counts, munitions, attribution and who attributes."""

from __future__ import annotations

import pytest

from incidents.extraction.cues import (
    find_attributer,
    find_attribution,
    find_casualties,
    find_munitions,
    find_trigger,
    incident_clause,
)


@pytest.mark.parametrize(
    ("sentence", "sub_event_type"),
    [
        ("Two Katyusha rockets hit Balad Airbase north of Baghdad December 5.", "Shelling/artillery/missile attack"),
        ("Iran fired more than a dozen ballistic missiles at the Ain al-Asad air base.", "Shelling/artillery/missile attack"),
        ("A U.S. drone strike near Baghdad International Airport killed six people.", "Air/drone strike"),
        ("Turkish warplanes struck PKK positions in Sinjar.", "Air/drone strike"),
        ("An IED exploded targeting a Peshmerga patrol.", "Remote explosive/landmine/IED"),
        ("A roadside bomb hit an army convoy in Tarmiyah.", "Remote explosive/landmine/IED"),
        ("A suicide bomber blew himself up at a checkpoint.", "Suicide bomb"),
        ("Iraqi forces clashed with Islamic State militants in Kirkuk province.", "Armed clash"),
        ("Around 300 protesters gathered in Tahrir Square.", "Peaceful protest"),
        ("Protesters stormed the US embassy compound in Baghdad.", "Violent demonstration"),
        ("One of the US operations, carried out November 26, resulted in casualties among the group.", "Armed clash"),
    ],
)
def test_triggers(sentence: str, sub_event_type: str) -> None:
    trigger = find_trigger(sentence)
    assert trigger is not None
    assert trigger.sub_event_type == sub_event_type


@pytest.mark.parametrize(
    "sentence",
    [
        # threats, possibilities, plans
        "Officials warned that rockets could hit the city again.",
        "Militias might fire rockets at US bases if the sanctions stay.",
        "Washington said it was considering the deployment of additional forces to the Gulf region.",
        "US President Donald Trump vowed to respond strongly to any threat from Iran.",
        # aggregates
        "The attacks, targeting either bases or the US Embassy in Baghdad, have averaged more than one per week.",
        "Hook accused Tehran of mass murder during the latest wave of protests that started November 15.",
        # negation and statements
        "No rockets hit the base, the ministry said.",
        "US Secretary of State Mike Pompeo announced sanctions on Iraqi militia leaders.",
    ],
)
def test_not_incidents(sentence: str) -> None:
    assert find_trigger(sentence) is None


def test_one_of_a_series_is_still_an_incident() -> None:
    sentence = "Two rockets hit Camp Taji on Sunday, the latest in a string of attacks on bases hosting US troops."
    assert find_trigger(sentence) is not None
    assert find_trigger("Camp Taji has been hit by a string of rocket attacks.") is None


def test_definite_references_are_marked() -> None:
    assert find_trigger("The drone strike killed two people.").definite
    assert not find_trigger("A drone strike killed two people.").definite
    assert not find_trigger("The sources said one of the US operations killed two fighters.").definite


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injuries", "reported"),
    [
        ("Two Katyusha rockets hit Balad Airbase without causing damage or casualties.", 0, 0, False),
        ("The blast killed at least 3 people and wounded 12.", 3, 12, True),
        ("At least three people were killed and 12 others were wounded.", 3, 12, True),
        ("A bomb hit a convoy, killing 1 soldier and wounding 3.", 1, 3, True),
        ("Rockets struck the airport, killing a foreign contractor and wounding at least 9 people.", 1, 9, True),
        ("The operation resulted in casualties among the group.", None, None, True),
        ("Gunmen killed several people.", 3, None, True),
        ("Rockets hit the base.", None, None, False),
    ],
)
def test_casualties(sentence: str, fatalities: int | None, injuries: int | None, reported: bool) -> None:
    casualties = find_casualties(sentence)
    assert (casualties.fatalities, casualties.injuries, casualties.reported) == (fatalities, injuries, reported)


def test_the_toll_of_another_event_in_the_sentence_is_not_counted() -> None:
    sentence = "Iran fired missiles at the base on Wednesday, days after a U.S. strike killed a senior Iranian commander."
    clause = incident_clause(sentence, find_trigger(sentence))
    assert clause.endswith("on Wednesday")
    assert find_casualties(clause).fatalities is None


@pytest.mark.parametrize(
    ("sentence", "munitions"),
    [
        ("Two Katyusha rockets hit Balad Airbase.", "Two Katyusha rockets"),
        ("Five rockets hit Ain Assad Airbase.", "Five rockets"),
        ("More than a dozen rockets hit the Qayyarah Airbase.", "More than a dozen rockets"),
        ("A barrage of rockets struck Erbil International Airport.", "A barrage of rockets"),
        ("A U.S. drone strike near the airport killed six.", ""),
    ],
)
def test_munitions(sentence: str, munitions: str) -> None:
    assert find_munitions(sentence) == munitions


@pytest.mark.parametrize(
    ("sentence", "kind", "who"),
    [
        ("US officials said they suspected Iran of being behind the attack.", "suspected", "US officials"),
        ("Security sources said they believed Kataib Hezbollah was responsible.", "suspected", "Security sources"),
        ("There's a good chance that Iran was behind it,” said David Schenker, a US official.", "suspected", "David Schenker"),
        ("Local officials blamed the Islamic State.", "accused", "Local officials"),
        ("Saraya Awliya al-Dam claimed responsibility for the attack.", "claimed", ""),
        ("No group immediately claimed responsibility for the attack.", "unclaimed", ""),
    ],
)
def test_attribution(sentence: str, kind: str, who: str) -> None:
    cue = find_attribution(sentence)
    assert cue is not None and cue.kind == kind
    if who:
        assert find_attributer(sentence) == who


def test_passive_suspicion_has_no_speaker() -> None:
    assert find_attributer("ISIS is suspected.") == ""
