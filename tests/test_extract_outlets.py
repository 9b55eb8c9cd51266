"""The extractor on articles written in other outlets' styles (wire datelines, captions, several
incidents in one article, claimed against suspected, tolls, unresolved villages).

The articles are new text written for these tests about real, publicly reported events.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from incidents.articles import parse_article_text, read_article
from incidents.extract import Extractor
from incidents.model import GeoPrecision, Incident, TimePrecision

REUTERS_AIN_AL_ASAD = """Iran fires missiles at Iraqi base housing U.S. troops

BAGHDAD, Jan 8 (Reuters) - Iran fired more than a dozen ballistic missiles at the Ain al-Asad air base in western Iraq early on Wednesday, the U.S. military said, days after a U.S. strike killed a senior Iranian commander.

Iran's Revolutionary Guards claimed responsibility for the attack in a statement read on state television.

A second volley of missiles struck near Erbil airport in northern Iraq on Wednesday, Kurdish officials said.

Iraqi officials said the government had been warned of the attack shortly before midnight.

Content retrieved from: https://www.reuters.com/article/2020/01/08/us-iraq-security-missiles-idUSKBN1Z7001
"""

AP_BAGHDAD_AIRPORT = """US strike at Baghdad airport kills Iran's top general
Friday 03/01/2020
Mourners carry a coffin during a funeral procession in Baghdad, Iraq, January 4, 2020. (AP Photo/Khalid Mohammed)

BAGHDAD (AP) — A U.S. drone strike near Baghdad International Airport early Friday killed at least six people, including Iran's top general and the deputy commander of Iran-backed militias in Iraq, Iraqi officials said.

The Pentagon said it carried out the strike on the orders of President Donald Trump.

Iran's supreme leader vowed harsh revenge, and analysts warned that militias could strike U.S. bases across the region.

Content retrieved from: https://apnews.com/article/iraq-baghdad-airport-strike
"""

ALJAZEERA_TAJI = """Two US troops, one British soldier killed in rocket attack on Iraq base
Thursday, 12 March 2020
Smoke rises after rockets hit a base in Mosul, February 23. (Reuters)

At least 15 Katyusha rockets hit Camp Taji north of Baghdad on Wednesday night, killing three coalition service members, two Americans and a Briton, and wounding 14 others, the US-led coalition said.

No group immediately claimed responsibility for the attack, but US officials have previously blamed Kataib Hezbollah for similar attacks.

Early on Thursday, unidentified aircraft struck positions of the Popular Mobilization Forces near the Syrian town of Albu Kamal, killing at least 26 fighters, a war monitor said.

Content retrieved from: https://www.aljazeera.com/news/2020/3/12/two-us-troops-one-british-soldier-killed-in-rocket-attack-on-iraq-base
"""

RUDAW_ERBIL = """Rockets target Erbil airport, foreign contractor killed
16/02/2021
ERBIL, Kurdistan Region — A barrage of rockets struck Erbil International Airport on Monday night, killing a foreign civilian contractor and wounding at least 9 people, including a US service member, the coalition said.

A little-known group calling itself Saraya Awliya al-Dam claimed responsibility for the attack in a statement on Telegram.

The Kurdistan Region's interior ministry said the rockets were launched from an area south of Erbil.

Content retrieved from: https://www.rudaw.net/english/kurdistan/150220212
"""

ACLED_NOTES = """Weekly security notes: Iraq
2020-06-20
On 14 June 2020, an IED exploded targeting a Peshmerga patrol near the village of Kani Spindara Khwaru in Makhmour district, wounding 2 Peshmerga fighters. ISIS is suspected.

On 16 June 2020, Turkish warplanes struck PKK positions in the Sinjar area of Nineveh, killing 3 PKK fighters.

On 17 June 2020, a roadside bomb hit an Iraqi army convoy in Tarmiyah, north of Baghdad, killing 1 soldier and wounding 3. Local officials blamed the Islamic State.

On 18 June 2020, around 300 protesters gathered in front of the provincial council building in Nasiriyah to demand jobs and better services.
"""

KURDISTAN24_KIRKUK = """Iraqi forces clash with ISIS remnants in Kirkuk
Dec 6, 2020
KIRKUK (Kurdistan 24) – Iraqi security forces clashed with Islamic State militants in Kirkuk province last week, killing at least 4 militants, the Security Media Cell said. Two soldiers were wounded.

Officials warned that rockets could hit the city again if security is not tightened.

Attacks by the group in the province have averaged two a week since the summer.

Content retrieved from: https://www.kurdistan24.net/en/story/23456
"""

REUTERS_TAJI_SECOND = """Rockets kill coalition troops at Iraqi base

BAGHDAD, March 12 (Reuters) - Fifteen rockets struck Camp Taji on Wednesday, killing two U.S. troops and a British soldier, the coalition said.

Content retrieved from: https://www.reuters.com/article/2020/03/12/us-iraq-security-idUSKBN20Z0AB
"""


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from incidents.geocoding import default_geocoder

    return Extractor(default_geocoder())


def _extract(extractor: Extractor, text: str) -> list[Incident]:
    return extractor.extract(parse_article_text(text, name="test-article"))


def _one(incidents: list[Incident], **expected: object) -> Incident:
    found = [i for i in incidents if all(getattr(i, k) == v for k, v in expected.items())]
    assert len(found) == 1, [(i.event_date, i.location, i.sub_event_type) for i in incidents]
    return found[0]


def test_reuters_dateline_claim_in_next_paragraph(extractor: Extractor) -> None:
    incidents = _extract(extractor, REUTERS_AIN_AL_ASAD)
    assert len(incidents) == 2  # Ain al-Asad and Erbil; not the killing told in passing
    base = _one(incidents, event_date=date(2020, 1, 8), place_name=incidents[0].place_name)
    assert "Ain al-Asad" in base.location
    assert base.geo_precision == GeoPrecision.PLACE
    assert base.actor1 == "Islamic Revolutionary Guard Corps" and base.actor_group == "Iran"
    assert base.attribution == "claimed"
    assert base.munitions == "more than a dozen ballistic missiles"
    assert base.fatalities is None  # "a U.S. strike killed" is another event
    erbil = incidents[1]
    assert "Erbil" in erbil.location
    assert erbil.geo_precision == GeoPrecision.NEAR  # "near Erbil airport"
    assert erbil.attribution == "unknown"


def test_ap_caption_and_weekday_date_line(extractor: Extractor) -> None:
    article = parse_article_text(AP_BAGHDAD_AIRPORT, name="ap")
    assert article.published == date(2020, 1, 3)  # "Friday 03/01/2020": the weekday says day-first
    (strike,) = extractor.extract(article)  # nothing from the caption, the vow or the warning
    assert strike.event_date == date(2020, 1, 3)
    assert strike.sub_event_type == "Air/drone strike"
    assert "Baghdad" in strike.location
    assert strike.geo_precision == GeoPrecision.NEAR
    assert (strike.actor1, strike.attribution) == ("US forces", "claimed")
    assert strike.fatalities == 6


def test_unclaimed_attack_and_a_second_incident(extractor: Extractor) -> None:
    incidents = _extract(extractor, ALJAZEERA_TAJI)
    taji = _one(incidents, event_date=date(2020, 3, 11))  # "Wednesday night" before Thursday 12 March
    assert "Taji" in taji.location and taji.geo_precision == GeoPrecision.PLACE
    assert taji.attribution == "unknown"  # nobody claimed; earlier blame is not attribution
    assert taji.actor_group == "Unidentified"
    assert (taji.fatalities, taji.injuries) == (3, 14)
    assert taji.munitions == "At least 15 Katyusha rockets"
    strike = _one(incidents, event_date=date(2020, 3, 12))
    assert strike.sub_event_type == "Air/drone strike"
    assert strike.actor2 == "Popular Mobilization Forces"
    assert strike.fatalities == 26
    assert strike.country == "Syria"
    assert all("Mosul" not in i.location for i in incidents)  # the caption


def test_claimed_with_killed_and_wounded(extractor: Extractor) -> None:
    (erbil,) = _extract(extractor, RUDAW_ERBIL)  # the launch site south of Erbil is no incident
    assert erbil.event_date == date(2021, 2, 15)  # "Monday night", published Tuesday 16 February
    assert "Erbil" in erbil.place_name or "Erbil" in erbil.location
    assert erbil.geo_precision == GeoPrecision.PLACE
    assert (erbil.actor1, erbil.attribution, erbil.actor_group) == ("Saraya Awliya al-Dam", "claimed", "Iran-aligned militias")
    assert (erbil.fatalities, erbil.injuries) == (1, 9)


def test_short_notes_with_several_incidents(extractor: Extractor) -> None:
    incidents = _extract(extractor, ACLED_NOTES)
    assert [i.event_date for i in incidents] == [date(2020, 6, d) for d in (14, 16, 17, 18)]
    ied, airstrike, roadside, protest = incidents

    assert ied.sub_event_type == "Remote explosive/landmine/IED"
    # A village the gazetteer lacks keeps its name and is placed at the district the sentence names
    # (ACLED's fallback: near a place, precision 2).
    assert ied.location == "Kani Spindara Khwaru"
    # the unknown village is placed in the district named with it (or at its namesake town), near it
    assert ied.geo_precision == GeoPrecision.NEAR and ied.place_name in ("Makhmur", "Mexmur")
    assert ied.country == "Iraq"
    assert (ied.actor1, ied.attribution, ied.actor2) == ("Islamic State", "suspected", "Peshmerga")
    assert ied.injuries == 2

    assert airstrike.sub_event_type == "Air/drone strike"
    assert (airstrike.actor1, airstrike.actor2, airstrike.fatalities) == ("Turkey", "PKK", 3)

    assert (roadside.actor1, roadside.attribution, roadside.attributed_by) == ("Islamic State", "accused", "Local officials")
    assert (roadside.fatalities, roadside.injuries) == (1, 3)
    assert roadside.actor2 == "Iraqi security forces"

    assert (protest.event_type, protest.actor_group) == ("Protests", "Protesters")
    assert "Nasiriyah" in protest.location


def test_clash_last_week_and_no_threats_or_aggregates(extractor: Extractor) -> None:
    (clash,) = _extract(extractor, KURDISTAN24_KIRKUK)
    assert (clash.event_type, clash.sub_event_type) == ("Battles", "Armed clash")
    assert clash.time_precision == TimePrecision.WEEK
    assert clash.event_date == date(2020, 11, 26)  # the middle of Monday 23 - Sunday 29 November
    assert "Kirkuk" in clash.location
    assert (clash.actor1, clash.actor2) == ("Iraqi security forces", "Islamic State")
    assert (clash.fatalities, clash.injuries) == (4, 2)  # "Two soldiers were wounded." follows


def test_one_incident_reported_by_two_articles_is_merged_by_the_store(extractor: Extractor, tmp_path: Path) -> None:
    from incidents.store import IncidentStore

    first = parse_article_text(ALJAZEERA_TAJI, name="aljazeera")
    second = parse_article_text(REUTERS_TAJI_SECOND, name="reuters")
    (taji_again,) = extractor.extract(second)
    taji = _one(extractor.extract(first), event_date=date(2020, 3, 11))
    assert (taji.event_date, taji.place_name, taji.event_type) == (taji_again.event_date, taji_again.place_name, taji_again.event_type)
    assert taji.event_id != taji_again.event_id

    store = IncidentStore(tmp_path / "incidents.sqlite")
    store.ingest(first.source(), extractor.extract(first))
    result = store.ingest(second.source(), extractor.extract(second))
    assert (result.added, result.merged) == (0, 1)
    (merged,) = [i for i in store.query() if i.event_date == date(2020, 3, 11)]
    assert {s.publisher for s in merged.sources} == {"Al Jazeera", "Reuters"}


def test_markdown_and_json_articles_extract_alike(extractor: Extractor, tmp_path: Path) -> None:
    markdown = tmp_path / "erbil.md"
    markdown.write_text("# " + RUDAW_ERBIL.replace("A barrage of rockets", "**A barrage of rockets**"), encoding="utf-8")
    (from_markdown,) = extractor.extract(read_article(markdown))
    (from_text,) = _extract(extractor, RUDAW_ERBIL)
    assert (from_markdown.event_date, from_markdown.location, from_markdown.fatalities) == (
        from_text.event_date, from_text.location, from_text.fatalities
    )
