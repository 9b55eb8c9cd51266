"""Context in the query (admin1=, near=, "X, Province"), the fuzzy guards and Arabic script.

Expected places are public facts (GeoNames, OurAirports). The homonym traps are written here in
the styles seen in conflict data: a town named by the adjective of a bigger town's name ("X-i"),
a name with an ending added ("X-ah"), a village one letter from a well-known town.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from geo import OfflineGeocoder
from incidents.geocoding import default_geocoder
from geo.geocoder import link_shipped_layers
from geo.normalize import admin_key, name_key
from incidents.cli import main

SINJAR_IQ = (36.32, 41.88)  # Sinjār, Ninewa (GeoNames 93938)
SINJAR_SY = (35.59, 37.00)  # Sinjār, Idlib governorate (GeoNames cities500)
BALAD_AB = (33.940, 44.362)
MOSUL = (36.335, 43.119)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return default_geocoder()


def point(location: object) -> tuple[float, float]:
    assert location is not None
    return (location.latitude, location.longitude)


# -- admin1= ---------------------------------------------------------------------------------


@pytest.mark.parametrize("province", ["Idleb", "Idlib", "Idlib governorate", "Idlib Governorate", "IDLEB"])
def test_a_province_in_any_spelling_picks_the_homonym_in_it(geocoder: OfflineGeocoder, province: str) -> None:
    assert km(point(geocoder.geocode("Sinjar")), SINJAR_IQ) < 10  # the bigger one, without context
    found = geocoder.geocode("Sinjar", admin1=province)
    assert km(point(found), SINJAR_SY) < 10
    assert found.raw["admin1"] == "Idleb"


@pytest.mark.parametrize("province", ["Salah al-Din", "Saladin", "Salah ad-Din governorate", "Sala al-Din", "Salahuddin"])
def test_a_place_in_the_named_province_resolves_whatever_its_spelling(geocoder: OfflineGeocoder, province: str) -> None:
    found = geocoder.geocode("Tikrit", admin1=province)
    assert found is not None and found.raw["name"] == "Tikrīt"


def test_a_place_known_in_another_province_is_left_out(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Tikrit", admin1="Anbar") is None
    assert geocoder.geocode("Tikrit", admin1="Anbar", exactly_one=False) is None
    # a province of another country rules out a place whose province is not known
    assert geocoder.geocode("Tripoli", admin1="Ninewa") is None


def test_an_unknown_context_restricts_nothing(geocoder: OfflineGeocoder) -> None:
    plain = geocoder.geocode("Tikrit")
    assert point(geocoder.geocode("Tikrit", admin1="Qwzx Province")) == point(plain)
    assert point(geocoder.geocode("Tikrit", admin1="")) == point(plain)


def test_a_province_after_a_comma_restricts_like_admin1(geocoder: OfflineGeocoder) -> None:
    assert km(point(geocoder.geocode("Sinjar, Idleb")), SINJAR_SY) < 10
    assert km(point(geocoder.geocode("Sinjar, Idlib governorate")), SINJAR_SY) < 10
    assert km(point(geocoder.geocode("Sinjar, Nineveh Governorate")), SINJAR_IQ) < 10
    assert geocoder.geocode("Tikrit, Anbar") is None
    assert geocoder.geocode("Paris, Texas").raw["country_code"] == "US"  # a state is a province too


def test_admin_keys_compare_spellings() -> None:
    assert admin_key("Salah al-Din") == admin_key("Saladin") == admin_key("Salah ad-Din Governorate")
    assert admin_key("Khanaqin district") == admin_key("Khanaqin")
    assert admin_key("Capital Governorate (Bahrain)") == admin_key("Capital")


def test_context_arguments_are_checked(geocoder: OfflineGeocoder) -> None:
    with pytest.raises(TypeError):
        geocoder.geocode("Sinjar", admin1=7)
    with pytest.raises(TypeError):
        geocoder.geocode("Sinjar", near="somewhere")
    with pytest.raises(ValueError):
        geocoder.geocode("Sinjar", near=(95.0, 10.0))
    assert geocoder.geocode("Sinjar", near=[35.9, 36.6]).raw["admin1"] == "Idleb"


# -- near= -----------------------------------------------------------------------------------


def test_near_prefers_the_closest_homonym(geocoder: OfflineGeocoder) -> None:
    assert km(point(geocoder.geocode("Sinjar", near=(35.9, 36.6))), SINJAR_SY) < 10  # an Idlib town nearby
    assert km(point(geocoder.geocode("Sinjar", near=(36.3, 42.5))), SINJAR_IQ) < 10
    listed = geocoder.geocode("Sinjar", near=(35.9, 36.6), exactly_one=False)
    assert [km(point(p), SINJAR_SY) < 10 for p in listed[:2]] == [True, False]


def test_a_near_spelling_far_from_the_point_is_not_taken(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Baghdat").raw["name"] == "Baghdad"
    assert geocoder.geocode("Baghdat", near=(33.4, 44.3)).raw["name"] == "Baghdad"
    assert geocoder.geocode("Baghdat", near=(36.3, 41.9)) is None  # Sinjar is 470 km away


# -- fuzzy guards ----------------------------------------------------------------------------


def test_no_guess_when_the_name_itself_is_known(geocoder: OfflineGeocoder) -> None:
    # "Mandaliyah" is a name of its own (a village in Yemen): in Iraq it is not a slip for Mandali
    assert geocoder._known_exactly("Mandaliyah")
    assert geocoder.geocode("Mandaliyah", country="IQ") is None
    assert geocoder.geocode("Mandaliyah", country_bias="IQ") is None


def test_a_near_spelling_in_another_province_is_not_taken(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Baghdat", admin1="Baghdad").raw["name"] == "Baghdad"
    assert geocoder.geocode("Baghdat", admin1="Basra") is None


def _towns(geocoder: OfflineGeocoder, countries: set[str], min_population: int) -> list[tuple[str, tuple[float, float], str]]:
    layer = geocoder.layer("base")
    towns = {}
    for row in range(len(layer)):
        if layer.kind(row) == "city" and layer.country_codes[row] in countries and layer.populations[row] >= min_population:
            towns.setdefault(layer.names[row], ((layer.latitudes[row], layer.longitudes[row]), layer.country_codes[row]))
    return [(name, where, country) for name, (where, country) in sorted(towns.items())]


def _false_matches(geocoder: OfflineGeocoder, traps: list[tuple[str, tuple[float, float], str]], **context: object) -> list[str]:
    """Traps answered with the town they were made from, though the gazetteer has no place of
    the trap's own name (an exact key would be another place, rightly found)."""
    wrong = []
    for trap, town, country in traps:
        found = geocoder.geocode(trap, country_bias=country, **context)
        if found is not None and km(point(found), town) < 5 and not geocoder._known_exactly(trap):
            wrong.append(f"{trap} -> {found.raw['name']}")
    return wrong


def test_false_match_rate_on_written_homonym_traps(geocoder: OfflineGeocoder) -> None:
    towns = _towns(geocoder, {"IQ", "SY"}, 20_000)
    assert len(towns) > 100
    adjectives = [(name + "i", where, cc) for name, where, cc in towns if name_key(name).key[-1] not in "aeiou"]
    endings = [(name + "ah", where, cc) for name, where, cc in towns if name_key(name).key[-1] not in "aeiouh"]
    consonants = []  # one consonant changed inside a short name: another village's name
    for name, where, cc in towns:
        key = name_key(name).key
        if 5 <= len(key) < 8 and " " not in key:
            i = next((i for i in range(2, len(key) - 1) if key[i] in "bfklmnrs"), None)
            if i is not None:
                consonants.append((key[:i] + ("m" if key[i] != "m" else "n") + key[i + 1 :], where, cc))
    assert len(adjectives) > 50 and len(endings) > 50 and len(consonants) > 30
    for traps in (adjectives, endings, consonants):
        assert _false_matches(geocoder, traps) == []


def test_a_guess_that_does_not_lead_the_runner_up_answers_none_and_lists_them(
    private_geocoder: OfflineGeocoder, capsys: pytest.CaptureFixture
) -> None:
    private_geocoder.add_alias("Tell Marzaban", 33.0, 44.0, kind="site", country_code="IQ")
    private_geocoder.add_alias("Tell Marzuban", 36.0, 43.0, kind="site", country_code="IQ")
    assert private_geocoder.geocode("Tell Marzoban") is None
    listed = private_geocoder.geocode("Tell Marzoban", exactly_one=False)
    assert {p.raw["name"] for p in listed} == {"Tell Marzaban", "Tell Marzuban"}
    assert all(p.raw["ambiguous"] for p in listed)
    # context settles it
    assert private_geocoder.geocode("Tell Marzoban", near=(33.1, 44.1)).raw["name"] == "Tell Marzaban"
    # the command line lists them for a person to pick
    assert main(["geocode", "Tell Marzoban"]) == 0
    line = capsys.readouterr().out
    assert '"name": null' in line and "Tell Marzaban" in line and "Tell Marzuban" in line and '"candidates"' in line


@pytest.fixture()
def private_geocoder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OfflineGeocoder:
    default_geocoder()  # the shared base layer, built once
    cache = tmp_path / "cache"
    cache.mkdir()
    link_shipped_layers(cache)
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(tmp_path / "user_places.csv"))
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(cache))
    monkeypatch.setenv("INCIDENT_MAP_DB", str(tmp_path / "incidents.sqlite"))
    default_geocoder.cache_clear()
    yield default_geocoder()
    default_geocoder.cache_clear()


# -- Arabic script ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["الموصل", "موصل", "مُوصِل", "الموصـــل"])
def test_arabic_names_resolve_with_diacritics_tatweel_and_article(geocoder: OfflineGeocoder, query: str) -> None:
    assert km(point(geocoder.geocode(query)), MOSUL) < 10


def test_arabic_air_base_resolves_to_the_base(geocoder: OfflineGeocoder) -> None:
    found = geocoder.geocode("قاعدة البكر الجوية")  # an OurAirports keyword of ORBD
    assert found.raw["kind"] == "base" and km(point(found), BALAD_AB) < 3


@pytest.mark.parametrize(
    ("spellings", "english"),
    [(("أربيل", "إربيل", "اربيل"), "Erbil"), (("البصرة", "البصره"), "Basrah")],
)
def test_arabic_letter_variants_share_a_key(geocoder: OfflineGeocoder, spellings: tuple[str, ...], english: str) -> None:
    assert len({name_key(s).key for s in spellings}) == 1
    assert {geocoder.geocode(s).raw["name"] for s in spellings} == {english}


def test_arabic_kind_words_become_hints() -> None:
    assert name_key("قاعدة البكر الجوية") == ("بكر", "base")
    assert name_key("مطار بغداد الدولي") == ("بغداد", "airfield")
    assert name_key("محافظة نينوى").hint == "admin1"
    assert name_key("قاعدة").key == "قاعده"  # a name made only of a kind word keeps it
