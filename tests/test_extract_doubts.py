"""What the extractor tells reviewers (incidents/extraction/reviewing.py): its reasons for doubt and
the words it read, as it writes them into the incidents it builds from new one-sentence reports,
and the weight the review queue sorts by."""

from __future__ import annotations

from datetime import date

import pytest

from incidents.articles import Article
from incidents.extract import Extractor
from incidents.extraction.dates import AS_REPORTED, ResolvedDate
from incidents.extraction.reviewing import reasons_for_doubt
from incidents.extraction.places import ResolvedPlace
from incidents.model import DOUBTS, TimePrecision, doubt_codes, doubt_score, with_doubt


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from incidents.geocoding import default_geocoder

    return Extractor(default_geocoder())


def doubts(extractor: Extractor, text: str, published: date = date(2020, 3, 14)) -> list[list[str]]:
    found = extractor.extract(Article(title="Report", published=published, text=text))
    return [doubt_codes(incident.doubts) for incident in found]


def test_a_dated_attack_at_a_known_base_by_its_named_agent_is_not_doubted(extractor: Extractor) -> None:
    assert doubts(extractor, "Kataib Hezbollah fired rockets at Balad Air Base on March 11, wounding two soldiers.") == [[]]


def test_an_unknown_village_is_doubted_as_unresolved(extractor: Extractor) -> None:
    (reasons,) = doubts(extractor, "Gunmen killed three farmers in the village of Qaryat Zubaydiyya Sharqi on March 12.")
    assert "place_unresolved" in reasons and "place_fallback" not in reasons


def test_an_undated_attack_takes_the_reports_date_and_says_so(extractor: Extractor) -> None:
    found = extractor.extract(Article(title="Report", published=date(2020, 3, 14),
                                      text="Unidentified gunmen attacked a checkpoint in Tarmiyah, killing a soldier."))
    (incident,) = found
    assert incident.event_date == date(2020, 3, 14)
    assert "date_as_reported" in doubt_codes(incident.doubts)


def test_an_actor_named_by_blame_and_an_actor_named_by_nobody(extractor: Extractor) -> None:
    (blamed,) = doubts(extractor, "Rockets struck Camp Taji on March 11. US officials blamed Kataib Hezbollah for the attack.")
    assert "actor_attributed" in blamed and "actor_unnamed" not in blamed
    (unnamed,) = doubts(extractor, "A roadside bomb exploded near a patrol in Fallujah on March 11, killing two soldiers.")
    assert "actor_unnamed" in unnamed and "actor_attributed" not in unnamed


def test_reasons_from_what_the_extractor_knew() -> None:
    class Location:
        latitude, longitude, raw = 33.3, 44.4, {"name": "Baghdad", "kind": "city"}

    day = ResolvedDate(date(2020, 3, 11), TimePrecision.DAY, "on March 11")
    reported = ResolvedDate(date(2020, 3, 14), TimePrecision.DAY, AS_REPORTED)
    exact = ResolvedPlace("Baghdad", Location(), 1)
    around = ResolvedPlace("Baghdad", Location(), 1, fallback=True)
    nowhere = ResolvedPlace("Qaryat X", None, None)
    stated = dict(stated_actor="Islamic State", actor1="Islamic State", attribution="unknown")
    assert reasons_for_doubt(exact, day, **stated) == ""
    assert doubt_codes(reasons_for_doubt(around, reported, **stated)) == ["place_fallback", "date_as_reported"]
    assert doubt_codes(reasons_for_doubt(nowhere, day, **stated)) == ["place_unresolved"]
    claimed_by_other = dict(stated_actor="", actor1="Islamic State", attribution="claimed")
    assert doubt_codes(reasons_for_doubt(exact, day, **claimed_by_other)) == ["actor_attributed"]
    own_claim = dict(stated_actor="Turkey", actor1="Turkey", attribution="claimed")  # "its jets struck", the ministry said
    assert reasons_for_doubt(exact, day, **own_claim) == ""
    unnamed = dict(stated_actor="", actor1="Unidentified Armed Group (Iraq)", attribution="unknown")
    assert doubt_codes(reasons_for_doubt(exact, day, **unnamed)) == ["actor_unnamed"]


def test_the_queue_weighs_reasons_and_counts_each_once() -> None:
    assert doubt_score("") == 0
    assert doubt_score("place_unresolved;date_as_reported") == DOUBTS["place_unresolved"][0] + DOUBTS["date_as_reported"][0]
    assert doubt_score("place_unresolved") > doubt_score("date_as_reported") > doubt_score("actor_unnamed")
    assert with_doubt("date_as_reported", "reports_disagree") == "date_as_reported;reports_disagree"
    assert with_doubt("reports_disagree", "reports_disagree") == "reports_disagree"


def test_the_words_each_part_was_read_from(extractor: Extractor) -> None:
    (incident,) = extractor.extract(Article(title="Report", published=date(2020, 3, 14), text=(
        "Kataib Hezbollah fired rockets at Balad Air Base on March 11, wounding two soldiers.")))
    assert incident.cues == {"trigger": "fired", "actor": "Kataib Hezbollah", "place": "Balad Air Base", "date": "March 11"}
    (blamed,) = extractor.extract(Article(title="Report", published=date(2020, 3, 14), text=(
        "Rockets struck Camp Taji on March 11. US officials blamed Kataib Hezbollah for the attack.")))
    assert blamed.actor1 == "Kataib Hezbollah" and "actor" not in blamed.cues  # named in another sentence
    (undated,) = extractor.extract(Article(title="Report", published=date(2020, 3, 14),
                                           text="Unidentified gunmen attacked a checkpoint in Tarmiyah, killing a soldier."))
    assert "date" not in undated.cues and undated.cues["place"] == "Tarmiyah"
    assert all(words in undated.source_sentence for words in undated.cues.values())
