"""Each pipeline component on sentences written for it, so that a regression names its layer:
actor names, triggers (and whether they tell a fact), roles (agent, target, weapon, event type),
places (names, kinds, chains), casualties, and attribution."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from incidents.geocoding import default_geocoder
from incidents.extract import place_keys_for
from incidents.extraction.attribution import find_attributer, find_attribution
from incidents.extraction.casualties import count_casualties
from incidents.extraction.lexicon import lexicon, load_lexicon
from incidents.extraction.pipeline import pipeline, trigger_forms


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return pipeline(place_keys_for(default_geocoder()))


def _events(nlp, text: str):  # type: ignore[no-untyped-def]
    return nlp(text)._.events


# -- actor names --------------------------------------------------------------------------------


def test_an_acronym_actor_reaches_the_parser_as_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    doc: Doc = nlp("Iraqi forces killed 15 IS militants in Anbar province on Thursday.")
    (name,) = [s for s in doc.spans["actors"] if s.label_ == "Islamic State"]
    assert name.text == "IS" and name[0].pos_ == "PROPN"
    killed = next(t for t in doc if t.lower_ == "killed")
    assert killed.dep_ == "ROOT"  # not "IS" read as the verb "is"
    (event,) = doc._.events
    assert event.agent is not None and event.agent.lower_ == "forces"


def test_a_common_noun_alias_is_marked_not_merged(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Unknown gunmen shot and killed a shepherd near Tuz Khurmatu.")
    (name,) = doc.spans["actors"]
    assert name.text == "Unknown gunmen" and len(name) == 2 and name[-1]._.actor.name == "Unidentified Armed Group"


# -- tag attributes (the model's attribute ruler as a look-up) ------------------------------------


def test_tag_attributes_write_what_the_models_attribute_ruler_writes(nlp) -> None:  # type: ignore[no-untyped-def]
    import spacy

    from incidents.extraction.pipeline import MODEL

    assert "attribute_ruler" not in nlp.pipe_names and "incident_tag_attributes" in nlp.pipe_names
    reference = spacy.load(MODEL, exclude=["ner", "senter"])
    text = (
        "There were no casualties, but gunmen who'd been hiding in an orchard near Baqubah have killed "
        "two farmers and we don't know why, said a police officer; it wasn't the first time they had done it. "
        "Y'all gonna see nothin' here, he said.  Protesters had gathered at 5:00 pm (1400 GMT)."
    )
    ours = nlp(text)
    theirs = reference(text)
    assert [t.text for t in ours] == [t.text for t in theirs]

    def layer(doc: Doc) -> list[tuple[str, str, str, str, str]]:
        return [(t.text, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]

    assert layer(ours) == layer(theirs)
    assert next(t for t in ours if t.lower_ == "had").pos_ == "AUX"  # a rule keyed on the form and the tag
    assert next(t for t in ours if t.text == "nothin'").lemma_ == "nothing"  # one keyed on a pattern of the form


# -- triggers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "event_type", "sub_event_type"),
    [
        ("Two Katyusha rockets hit Balad Airbase north of Baghdad December 5.", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ("Iran fired more than a dozen ballistic missiles at the Ain al-Asad air base.", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ("A U.S. drone strike near Baghdad International Airport killed six people.", "Explosions/Remote violence", "Air/drone strike"),
        ("Turkish warplanes struck PKK positions in Sinjar.", "Explosions/Remote violence", "Air/drone strike"),
        ("An IED exploded targeting a Peshmerga patrol.", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("A roadside bomb hit an army convoy in Tarmiyah.", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("A suicide bomber blew himself up at a checkpoint.", "Explosions/Remote violence", "Suicide bomb"),
        ("Iraqi forces clashed with Islamic State militants in Kirkuk province.", "Battles", "Armed clash"),
        ("Around 300 protesters gathered in Tahrir Square.", "Protests", "Peaceful protest"),
        ("Protesters stormed the US embassy compound in Baghdad.", "Riots", "Violent demonstration"),
        ("One of the US operations, carried out November 26, resulted in casualties among the group.", "Battles", "Armed clash"),
        # the same frames in other wordings
        ("A soldier was shot and killed by snipers near Samarra.", "Battles", "Armed clash"),
        ("Gunmen shot dead a shepherd in the village.", "Violence against civilians", "Attack"),
        ("The air force targeted a hideout of the group in the Hamrin mountains.", "Explosions/Remote violence", "Air/drone strike"),
        ("Two fighters were wounded in an IED explosion in Diyala.", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("Hundreds of protesters gathered in front of the governorate building.", "Protests", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters in Basra.", "Protests", "Protest with intervention"),
        ("Security forces arrested five suspects in Mosul.", "Strategic developments", "Arrests"),
        ("Militants abducted two shepherds near Rutba.", "Violence against civilians", "Abduction/forced disappearance"),
        ("Retirees stood on the main road in the town to block it, in protest against power cuts.", "Protests", "Peaceful protest"),
        ("Dozens of rioters blocked the highway with burning tires.", "Riots", "Violent demonstration"),
        ("Settlers hurled stones at cars in the village.", "Riots", "Mob violence"),
        ("The army defused a roadside bomb on the highway.", "Strategic developments", "Disrupted weapons use"),
        ("Government forces recaptured the town after heavy fighting.", "Battles", "Government regains territory"),
        ("Rioters clashed with police near the stadium.", "Riots", "Mob violence"),
        ("Residents clashed with soldiers who raided the village.", "Riots", "Mob violence"),
        ("Tribal gunmen detained two engineers at a checkpoint.", "Violence against civilians", "Abduction/forced disappearance"),
        ("Militants attacked an army checkpoint with grenades.", "Explosions/Remote violence", "Grenade"),
    ],
)
def test_triggers_and_their_event_type(nlp, sentence: str, event_type: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    events = _events(nlp, sentence)
    assert events, sentence
    assert (events[0].event_type, events[0].sub_event_type) == (event_type, sub_event_type)


@pytest.mark.parametrize(
    "sentence",
    [
        # threats, possibilities, plans
        "Officials warned that rockets could hit the city again.",
        "Militias might fire rockets at US bases if the sanctions stay.",
        "Washington said it was considering the deployment of additional forces to the Gulf region.",
        "US President Donald Trump vowed to respond strongly to any threat from Iran.",
        "The group threatened to attack the base.",
        "The militia plans to strike US forces in Syria.",
        "Forces were sent to defend the town against attacks by the group.",
        # aggregates
        "The attacks, targeting either bases or the US Embassy in Baghdad, have averaged more than one per week.",
        "Hook accused Tehran of mass murder during the latest wave of protests that started November 15.",
        # negation and denial
        "No rockets hit the base, the ministry said.",
        "No one was killed in the village.",
        "The ministry denied that its forces shelled the village.",
        # no trigger at all
        "US Secretary of State Mike Pompeo announced sanctions on Iraqi militia leaders.",
        "The general demonstrates resolve in his speech.",
    ],
)
def test_not_events(nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert _events(nlp, sentence) == [], sentence


def test_a_series_of_attacks_is_one_event_told_as_many(nlp) -> None:  # type: ignore[no-untyped-def]
    # the extractor makes an incident of it only on one day (test_extract_wire.py)
    (hit,) = _events(nlp, "Camp Taji has been hit by a string of rocket attacks.")
    assert hit.series
    (bombings,) = _events(nlp, "A series of bombings killed 30 people in Baghdad on Sunday.")
    assert bombings.series and bombings.event_type == "Explosions/Remote violence"


def test_one_of_a_series_is_still_an_event(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _events(nlp, "Two rockets hit Camp Taji on Sunday, the latest in a string of attacks on bases hosting US troops.")
    assert len(events) == 1 and events[0].trigger.text == "hit"


def test_definite_references_are_marked(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _events(nlp, "The drone strike killed two people.")[0].definite
    assert not _events(nlp, "A drone strike killed two people.")[0].definite
    assert not _events(nlp, "The sources said one of the US operations killed two fighters.")[0].definite


def test_every_trigger_pattern_is_lemmas_the_flags_find() -> None:
    forms = trigger_forms()
    for entry in lexicon().triggers:
        assert any(lemma in forms for lemma in entry.lemmas) or entry.lemmas[0] in (
            "go", "set", "take", "step", "sit", "exchange", "gain", "regain", "open", "throw", "hurl", "shoot", "down", "find",
        )


def test_function_words_of_phrases_flag_no_sentence() -> None:
    # "take to the street" is a trigger; "to" and "the" alone flagged nearly every sentence for the parser
    assert not {"the", "to", "into", "of", "found"} & trigger_forms()


def test_irregular_forms_flag_sentences() -> None:
    forms = trigger_forms()
    assert {"struck", "shot", "fought", "killed", "killing", "shelled"} <= forms


def test_a_bad_lexicon_row_names_its_file_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    triggers = tmp_path / "triggers.csv"
    triggers.write_text("pattern,pos,frame,event_type,sub_event_type,requires,note\nkill,VERB,nonsense,,,,\n", encoding="utf-8")
    words = tmp_path / "lexicon.csv"
    words.write_text("term,class,value,note\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"triggers\.csv:2"):
        load_lexicon(triggers, words)


# -- roles --------------------------------------------------------------------------------------


def test_one_event_per_trigger_and_coordinated_places(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Turkish jets struck PKK positions in Avashin, Basyan and Zakho on Monday.")
    assert [ref.span._.place_name for ref in event.places[0]] == ["Avashin", "Basyan", "Zakho"]
    assert event.agent is not None and event.agent.lower_ == "jets"
    assert [c._.actor.name for c in event.agent.children if c._.actor is not None] == ["Turkey"]
    assert event.patient is not None and event.patient.lower_ == "positions"


def test_two_clauses_with_their_own_subjects_are_two_events(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _events(nlp, "Houthi forces shelled Hays on Monday, and government forces clashed with them in Khawkhah.")
    assert len(events) == 2


def test_the_passive_agent_is_actor_one_and_the_subject_the_target(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "A police officer was shot and killed by IS gunmen in Hawija near the Zab river on Monday.")
    assert event.agent is not None and event.agent.lower_ == "gunmen"
    assert event.patient is not None and event.patient.lower_ == "officer"


def test_a_support_verb_lends_its_subject_to_the_event_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Russian warplanes carried out airstrikes on opposition positions in Idlib on Friday.")
    assert event.agent is not None and event.agent._.actor.name == "Russia"
    (event,) = _events(nlp, "A patrol came under attack near Kirkuk on Friday.")
    assert event.agent is None and event.patient is not None and event.patient.lower_ == "patrol"


def test_the_clause_of_another_event_is_outside(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Iran fired missiles at the base on Wednesday, days after a U.S. strike killed a senior Iranian commander.")
    assert event.casualties.fatalities is None
    assert [d.text for d in event.dates] == ["on Wednesday"]


def test_munitions_as_stated(nlp) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "Two Katyusha rockets hit Balad Airbase.": "Two Katyusha rockets",
        "Five rockets hit Ain Assad Airbase.": "Five rockets",
        "More than a dozen rockets hit the Qayyarah Airbase.": "More than a dozen rockets",
        "A U.S. drone strike near the airport killed six.": "",
    }
    for sentence, munitions in cases.items():
        (event,) = _events(nlp, sentence)
        assert event.munitions in (munitions, munitions.split(" ", 1)[-1]), sentence
        if munitions:
            assert event.munitions.endswith("rockets")


def test_an_event_inside_who_did_another_is_part_of_it(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _events(nlp, "Pro-government forces supported by coalition air raids clashed with Houthi fighters in Hays on Monday.")
    assert len(events) == 1 and events[0].event_type == "Battles"


# -- places -------------------------------------------------------------------------------------


def test_a_place_reached_through_the_parts_that_hold_it(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Regime forces shelled the surroundings of the hospital of Azaz city on Monday.")
    assert [ref.span._.place_name for group in event.places for ref in group] == ["Azaz"]


def test_the_kind_word_of_a_list_names_each_place(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Coalition air raids targeted Haradh and Abs districts on Monday.")
    (group,) = event.places
    assert [(ref.span._.place_name, ref.span._.place_kind) for ref in group] == [("Haradh", "district"), ("Abs", "district")]


def test_place_names_with_their_kind_words(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Regime forces shelled Saida village in the Idleb countryside and the town of Kafr Nabl.")
    found = {s._.place_name: s._.place_kind for s in doc.spans["places"]}
    assert found == {"Saida": "settlement", "Idleb": "near", "Kafr Nabl": "settlement"}


def test_a_chain_of_containing_places(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Gunmen killed a farmer in Sumaytah area in Tur Al Bahah district (Lahij) on Monday.")
    (group,) = event.places
    (ref,) = group
    assert ref.span._.place_name == "Sumaytah" and ref.span._.place_kind == "area"
    assert [c.span._.place_name for c in ref.containers] == ["Tur Al Bahah", "Lahij"]


def test_where_someone_spoke_and_launch_sites_are_not_the_place(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "Rockets fired from Syria hit a base in Anbar, Pompeo said in Washington.")
    names = [ref.span._.place_name for group in event.places for ref in group]
    assert names == ["Anbar"]


def test_resolving_a_chain_falls_back_through_its_containers() -> None:
    from incidents.extraction.places import PlaceName, PlaceResolver

    resolver = PlaceResolver(default_geocoder())
    village = resolver.resolve([PlaceName("Kani Zarqa Kharab", "settlement"), PlaceName("Makhmour", "district")], ("IQ",))
    assert village is not None and village.text == "Kani Zarqa Kharab" and village.fallback
    assert village.geo_precision == 2 and village.iso == "IQ"  # near the district's town
    quarter = resolver.resolve([PlaceName("Zaytoun", "part"), PlaceName("Nasiriyah", "settlement")], ("IQ",))
    assert quarter is not None and quarter.geo_precision == 1  # a neighbourhood: the city itself, as ACLED codes it
    province = resolver.resolve([PlaceName("Wadi Zarqa", "area"), PlaceName("Anbar", "province")], ("IQ",))
    assert province is not None and province.geo_precision == 3  # only the province: at its capital
    # only in the report's countries, unless it is a city of millions by its own name
    outside = resolver.resolve([PlaceName("Tikrit")], ("SY",))
    assert outside is not None and outside.location is None
    capital = resolver.resolve([PlaceName("Baghdad")], ("SY",))
    assert capital is not None and capital.iso == "IQ"


def test_near_and_countryside_are_precision_two_cues(nlp) -> None:  # type: ignore[no-untyped-def]
    (event,) = _events(nlp, "A roadside bomb exploded near Baiji on Monday.")
    assert event.places[0][0].near
    (event,) = _events(nlp, "Regime forces shelled the Daraa countryside on Monday.")
    assert event.places[0][0].near


# -- casualties ---------------------------------------------------------------------------------


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
        ("Warplanes struck the camp, killing a woman and three children and injuring 10 other civilians.", 4, 10, True),
        ("3 fatalities.", 3, None, True),
        ("There were no fatalities.", 0, None, False),
        ("Gunmen killed a commander along with his driver.", 1, None, True),
    ],
)
def test_casualties(nlp, sentence: str, fatalities: int | None, injuries: int | None, reported: bool) -> None:  # type: ignore[no-untyped-def]
    toll = count_casualties(nlp(sentence), lexicon())
    assert (toll.fatalities, toll.injuries, toll.reported) == (fatalities, injuries, reported)


# -- attribution --------------------------------------------------------------------------------


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


def test_a_name_before_brackets_that_name_a_known_place_is_a_place() -> None:
    from incidents.geocoding import default_geocoder
    from incidents.extract import place_keys_for
    from incidents.extraction.pipeline import pipeline

    nlp = pipeline(place_keys_for(default_geocoder()))
    doc = nlp("On 6 January 2022, two air raids targeted Al Atfayn (Kitaf wa Al Boqee, Sadah).")
    assert "Al Atfayn" in [span._.place_name for span in doc.spans["places"]]
    doc = nlp("On 6 January 2022, two air raids targeted Hamza Brigade positions (unconfirmed).")
    assert "Hamza Brigade" not in [span._.place_name for span in doc.spans["places"]]


def test_adjectives_before_a_noun_name_the_party(nlp) -> None:  # type: ignore[no-untyped-def]
    from incidents.extraction.roles import phrase_value

    doc = nlp("Armed men and two unknown tribal militias clashed near Shatra.")
    men = next(t for t in doc if t.lower_ == "men")
    militias = next(t for t in doc if t.lower_ == "militias")
    assert phrase_value(men, "armed", lexicon()) == "nonstate"  # not the civilian "men"
    assert phrase_value(militias, "armed", lexicon()) == "tribal"
