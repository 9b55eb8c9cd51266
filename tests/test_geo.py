"""The offline geocoder on names as reports, GeoNames, UCDP and ACLED write them.

Expected coordinates are public facts (ICAO/OurAirports records, GeoNames, Wikipedia), with a
tolerance: bases within 3 km, towns within 10 km (sources put a town's centre differently).
"""

from __future__ import annotations

import math

import pytest
from geopy.location import Location

from geo import OfflineGeocoder
from incidents.geocoding import default_geocoder
from geo.normalize import name_key, normalize


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return default_geocoder()


def assert_near(location: Location | None, point: tuple[float, float], within_km: float) -> None:
    assert location is not None, f"expected a place near {point}"
    distance = km((location.latitude, location.longitude), point)
    assert distance <= within_km, f"{location.raw['name']} is {distance:.1f} km from {point}"


# -- the "done when" ---------------------------------------------------------------

BALAD_AB = (33.940, 44.362)
AL_ASAD_AB = (33.786, 42.441)
Q_WEST = (35.767, 43.125)
US_EMBASSY_BAGHDAD = (33.299, 44.396)
K1 = (35.513, 44.284)


@pytest.mark.parametrize(
    ("query", "point"),
    [
        ("Balad Airbase", BALAD_AB),
        ("Joint Base Balad", BALAD_AB),
        ("Camp Anaconda", BALAD_AB),
        ("LSA Anaconda", BALAD_AB),
        ("Balad Air Base", BALAD_AB),
        ("Ain Assad Airbase", AL_ASAD_AB),
        ("Ayn al-Asad", AL_ASAD_AB),
        ("Ain al-Asad air base", AL_ASAD_AB),
        ("Al-Asad air base", AL_ASAD_AB),
        ("Al Asad AB", AL_ASAD_AB),
        ("ʿAyn al-Asad", AL_ASAD_AB),
        ("Qayyarah Airbase", Q_WEST),
        ("Q-West", Q_WEST),
        ("Qayyarah West air base", Q_WEST),
        ("US Embassy in Baghdad", US_EMBASSY_BAGHDAD),
        ("the U.S. embassy in Baghdad", US_EMBASSY_BAGHDAD),
        ("American Embassy in Baghdad", US_EMBASSY_BAGHDAD),
        ("K-1 Air Base", K1),
        ("K1 base", K1),
        ("K-1 military base", K1),
    ],
)
def test_bases_and_sites_resolve_to_the_installation(geocoder: OfflineGeocoder, query: str, point: tuple[float, float]) -> None:
    location = geocoder.geocode(query)
    assert_near(location, point, 3)
    assert location.raw["kind"] in ("base", "airfield", "site")
    assert location.raw["geo_precision"] == 1
    assert location.raw["country_code"] == "IQ"


@pytest.mark.parametrize(
    ("query", "point"),
    [
        ("Camp Taji", (33.524, 44.257)),  # ICAO ORTI
        ("Camp Speicher", (34.673, 43.543)),  # ORSH
        ("Tallil Air Base", (30.936, 46.090)),  # ORTL, Camp Adder
        ("Camp Adder", (30.936, 46.090)),
        ("Al Taqaddum Air Base", (33.338, 43.597)),  # ORAT
        ("Kirkuk Air Base", (35.470, 44.349)),  # ORKK
        ("Harir Air Base", (36.534, 44.340)),  # ORBR (Bashur)
        ("Al Udeid Air Base", (25.117, 51.315)),  # OTBH
        ("Al Udeid", (25.117, 51.315)),
        ("Ali Al Salem Air Base", (29.347, 47.521)),  # OKAS
        ("Prince Sultan Air Base", (24.063, 47.581)),  # OEPS
        ("Al Dhafra Air Base", (24.248, 54.548)),  # OMAM
        ("Incirlik Air Base", (37.002, 35.426)),  # LTAG
        ("Hmeimim air base", (35.401, 35.949)),  # OSLK
        ("Khmeimim", (35.401, 35.949)),
        ("T-4 airbase", (34.523, 37.630)),  # Tiyas, OurAirports OS72
        ("Shayrat airbase", (34.490, 36.909)),  # OS65
        ("Mosul airport", (36.306, 43.147)),  # ORBM
        ("Baghdad International Airport", (33.263, 44.235)),  # ORBI
        ("Green Zone", (33.305, 44.395)),  # Wikipedia
        ("Natanz nuclear facility", (33.724, 51.727)),  # Wikipedia
        ("Fordow", (34.885, 50.996)),  # Wikipedia
    ],
)
def test_other_installations_in_the_region(geocoder: OfflineGeocoder, query: str, point: tuple[float, float]) -> None:
    assert_near(geocoder.geocode(query), point, 3)


@pytest.mark.parametrize(
    ("query", "point", "country"),
    [
        ("Mosul", (36.335, 43.119), "IQ"),
        ("Baghdad", (33.341, 44.401), "IQ"),
        ("Tehran", (35.694, 51.422), "IR"),
        ("Basra", (30.509, 47.781), "IQ"),
        ("Kirkuk", (35.468, 44.392), "IQ"),
        ("Erbil", (36.191, 44.009), "IQ"),
        ("Najaf", (32.026, 44.346), "IQ"),
        ("Karbala", (32.616, 44.025), "IQ"),
        ("Ramadi", (33.420, 43.308), "IQ"),
        ("Tikrit", (34.616, 43.679), "IQ"),
        ("Kut", (32.513, 45.818), "IQ"),  # Al-Kut, not Kut in Ukraine
        ("Damascus", (33.510, 36.291), "SY"),  # not Damascus, Maryland
        ("Aleppo", (36.201, 37.161), "SY"),
        ("Homs", (34.727, 36.723), "SY"),
        ("Beirut", (33.893, 35.502), "LB"),
        ("Amman", (31.955, 35.945), "JO"),
        ("Kuwait City", (29.367, 47.974), "KW"),
        ("Doha", (25.285, 51.531), "QA"),
        ("Manama", (26.228, 50.586), "BH"),
        ("Riyadh", (24.688, 46.722), "SA"),
        ("Abu Dhabi", (24.451, 54.397), "AE"),
        ("Isfahan", (32.652, 51.675), "IR"),
    ],
)
def test_cities(geocoder: OfflineGeocoder, query: str, point: tuple[float, float], country: str) -> None:
    location = geocoder.geocode(query)
    assert_near(location, point, 10)
    assert location.raw["kind"] == "city"
    assert location.raw["country_code"] == country
    assert location.raw["geo_precision"] == 1


@pytest.mark.parametrize(
    ("query", "point"),
    [
        # GeoNames / UCDP style, with diacritics and ʿayn
        ("Al Fallūjah", (33.349, 43.786)),
        ("Sāmarrā’", (34.196, 43.886)),
        ("Baghdād", (33.341, 44.401)),
        ("Baghdād city", (33.341, 44.401)),
        ("Tall ‘Afar", (36.379, 42.448)),
        ("Ḩadīthah", (34.137, 42.377)),
        ("Al Ḩawījah", (35.326, 43.773)),
        # news style
        ("Fallujah", (33.349, 43.786)),
        ("Falluja", (33.349, 43.786)),
        ("Samarra", (34.196, 43.886)),
        ("Nassiriya", (31.058, 46.257)),
        ("Nasiriyah", (31.058, 46.257)),
        ("Tuz Khurmatu", (34.888, 44.633)),
        ("Tal Afar", (36.379, 42.448)),
        ("Hawija", (35.326, 43.773)),
        ("Baiji", (34.929, 43.489)),
        ("Bayji", (34.929, 43.489)),
        ("Abu Ghraib", (33.306, 44.185)),
        ("Kerbala", (32.616, 44.025)),
        ("Ar Ramadi", (33.420, 43.308)),
        ("Kobani", (36.891, 38.353)),
        ("Abu Kamal", (34.452, 40.919)),
        ("Al Bukamal", (34.452, 40.919)),
        ("Qamishli", (37.052, 41.231)),
        ("Sadr City", (33.389, 44.458)),
        # spelling slips found by the fuzzy step
        ("Tuz Khormato", (34.888, 44.633)),
        ("Fallujha", (33.349, 43.786)),
        ("Baghdat", (33.341, 44.401)),
    ],
)
def test_names_as_other_sources_write_them(geocoder: OfflineGeocoder, query: str, point: tuple[float, float]) -> None:
    assert_near(geocoder.geocode(query), point, 10)


def test_acled_neighbourhood_names(geocoder: OfflineGeocoder) -> None:
    baghdad = (33.341, 44.401)
    adhamiya = geocoder.geocode("Baghdad - Adhamiya")
    assert adhamiya.raw["name"] == "Adhamiyah"
    assert adhamiya.raw["geo_precision"] == 1
    assert_near(adhamiya, baghdad, 8)
    # a part the gazetteer does not know: the town itself, as ACLED codes a town's neighbourhood (precision 1)
    unknown_part = geocoder.geocode("Baghdad - Hayy Xanadu")
    assert unknown_part.raw["name"] == "Baghdad"
    assert unknown_part.raw["geo_precision"] == 1
    assert_near(unknown_part, baghdad, 1)
    # a part that is a real place far away is not taken
    far = geocoder.geocode("Baghdad - Basra")
    assert far.raw["name"] == "Baghdad"


def test_iraq_is_the_country_not_arak(geocoder: OfflineGeocoder) -> None:
    iraq = geocoder.geocode("Iraq")
    assert iraq.raw["kind"] == "country"
    assert iraq.raw["country_code"] == "IQ"
    assert iraq.raw["geo_precision"] == 3
    assert_near(iraq, (33.341, 44.401), 10)  # placed at its capital, said so in the source
    assert "capital" in iraq.raw["source"]


def test_ayn_al_asad_is_not_the_hamlet_in_israel(geocoder: OfflineGeocoder) -> None:
    for query in ("Ayn al-Asad", "Ain al-Asad", "Ein al-Asad"):
        location = geocoder.geocode(query)
        assert location.raw["country_code"] == "IQ", query
    # the hamlet is still there for who asks for Israel
    assert geocoder.geocode("Ein al-Asad", country="IL").raw["country_code"] == "IL"


@pytest.mark.parametrize(
    ("query", "kwargs", "country", "kind"),
    [
        ("Paris", {}, "FR", "city"),
        ("Paris, Texas", {}, "US", "city"),
        ("Paris, France", {}, "FR", "city"),
        ("Paris", {"country": "US"}, "US", "city"),
        ("Jordan", {}, "JO", "country"),
        ("Georgia", {}, "GE", "country"),
        ("Lebanon", {}, "LB", "country"),
        ("Kuwait", {}, "KW", "country"),
        ("Kuwait City", {}, "KW", "city"),
        ("Tripoli", {}, "LY", "city"),
        ("Tripoli", {"country_bias": "LB"}, "LB", "city"),
        ("Hit", {"country_bias": "IQ"}, "IQ", "city"),
        ("Balad", {"country_bias": "IQ"}, "IQ", "city"),
        ("Syria", {}, "SY", "country"),
        ("Iran", {}, "IR", "country"),
        ("United States", {}, "US", "country"),
        ("USA", {}, "US", "country"),
        ("UAE", {}, "AE", "country"),
    ],
)
def test_homonyms(geocoder: OfflineGeocoder, query: str, kwargs: dict, country: str, kind: str) -> None:
    location = geocoder.geocode(query, **kwargs)
    assert location is not None
    assert (location.raw["country_code"], location.raw["kind"]) == (country, kind)


def test_paris_texas_is_in_texas(geocoder: OfflineGeocoder) -> None:
    assert_near(geocoder.geocode("Paris, Texas"), (33.661, -95.556), 10)
    assert geocoder.geocode("Paris, Texas").raw["admin1"] == "Texas"


def test_a_town_is_not_its_airport_nor_its_base(geocoder: OfflineGeocoder) -> None:
    mosul = geocoder.geocode("Mosul")
    assert mosul.raw["kind"] == "city"
    assert km((mosul.latitude, mosul.longitude), (36.306, 43.147)) > 3  # not the airport
    balad_town = geocoder.geocode("Balad")
    assert balad_town.raw["kind"] == "city"
    assert km((balad_town.latitude, balad_town.longitude), BALAD_AB) > 15  # the base is 21 km off
    assert geocoder.geocode("Qayyarah").raw["kind"] == "city"
    # asked for airfields, "Mosul" is its airport
    assert geocoder.geocode("Mosul", kinds=["airfield", "base"]).raw["kind"] == "airfield"


def test_a_towns_airport_is_the_airfield_next_to_it(geocoder: OfflineGeocoder) -> None:
    # no airfield is called "Sulaimani": the town's own airport, by distance
    airport = geocoder.geocode("Sulaimani airport")
    assert airport is not None and airport.raw["kind"] == "airfield" and airport.raw["country_code"] == "IQ"
    town = geocoder.geocode("Sulaimani")
    assert town.raw["kind"] == "city" and km((town.latitude, town.longitude), (airport.latitude, airport.longitude)) < 20
    # "Samarra" folds to Samara (Russia) too: when the town is unclear, no airfield is guessed
    assert geocoder.geocode("Samarra airport") is None


def test_a_kind_word_that_fits_nothing_gives_none(geocoder: OfflineGeocoder) -> None:
    # there is a town called Hit, but no base: the town is 'a wrong point'
    assert geocoder.geocode("Camp Hit") is None
    assert geocoder.geocode("Balad Airbase", kinds=["city"]) is None


@pytest.mark.parametrize(
    ("query", "name", "capital"),
    [
        ("Nineveh province", "Ninewa", (36.335, 43.119)),
        ("Nīnawá province", "Ninewa", (36.335, 43.119)),
        ("Anbar", "Anbar", (33.420, 43.308)),
        ("Al Anbar Governorate", "Anbar", (33.420, 43.308)),
        ("Salahuddin", "Salah al-Din", (34.616, 43.679)),
        ("Sala al-Din", "Salah al-Din", (34.616, 43.679)),
        ("Salah Al Din", "Salah al-Din", (34.616, 43.679)),
        ("Diyala", "Diyala", (33.754, 44.605)),
        ("Dhi Qar", "Dhi Qar", (31.058, 46.257)),
        ("Deir ez-Zor province", "Deir ez-Zor", (35.336, 40.141)),
        ("Khuzestan", "Khuzestan", (31.319, 48.684)),
    ],
)
def test_provinces_are_placed_at_their_capital(geocoder: OfflineGeocoder, query: str, name: str, capital: tuple[float, float]) -> None:
    location = geocoder.geocode(query)
    assert location.raw["kind"] == "admin1"
    assert location.raw["name"] == name
    assert location.raw["geo_precision"] == 3
    assert_near(location, capital, 1)


def test_cities_know_their_province(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Tikrit").raw["admin1"] == "Salah al-Din"
    assert geocoder.geocode("Al Fallūjah").raw["admin1"] == "Anbar"


@pytest.mark.parametrize(
    "query",
    ["Middle East", "the Middle East", "northern Iraq", "Northern Iraq", "southern Iraq", "the region", "Levant", "western Syria"],
)
def test_wide_regions_are_not_placed(geocoder: OfflineGeocoder, query: str) -> None:
    assert geocoder.geocode(query) is None


def test_the_gulf_is_a_region(geocoder: OfflineGeocoder) -> None:
    for query in ("the Gulf region", "Persian Gulf", "the Gulf", "Arabian Gulf"):
        location = geocoder.geocode(query)
        assert location.raw["kind"] == "region", query
        assert location.raw["geo_precision"] == 3


def test_near_and_part_of(geocoder: OfflineGeocoder) -> None:
    north_of_baghdad = geocoder.geocode("north of Baghdad")
    assert (north_of_baghdad.raw["name"], north_of_baghdad.raw["geo_precision"]) == ("Baghdad", 2)
    near_kirkuk = geocoder.geocode("near Kirkuk")
    assert (near_kirkuk.raw["kind"], near_kirkuk.raw["geo_precision"]) == ("city", 2)
    western_anbar = geocoder.geocode("western Anbar")
    assert (western_anbar.raw["kind"], western_anbar.raw["geo_precision"]) == ("admin1", 3)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "xqzvbn", "asdfghjkl", "!!!", "12345", "the", "qwertyuiop asdf", "x" * 500],
)
def test_empty_and_nonsense_give_none(geocoder: OfflineGeocoder, query: str) -> None:
    assert geocoder.geocode(query) is None
    assert geocoder.geocode(query, exactly_one=False) is None


def test_near_spellings_abroad_are_refused_under_a_country_bias(geocoder: OfflineGeocoder) -> None:
    # no place in Iraq is spelled like "Ruweishid"; Ar Ruwayshid in Jordan is one vowel off
    assert {p.raw["country_code"] for p in geocoder.geocode("Ruweishid", exactly_one=False)} <= {"JO", "SY"}
    assert geocoder.geocode("Ruweishid", country_bias="IQ") is None
    # a consonant changed twice is another name (Sinjar is not Sinai)
    assert geocoder.geocode("Mount Sinjar") is None or geocoder.geocode("Mount Sinjar").raw["country_code"] == "IQ"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda g: g.geocode(None), TypeError),
        (lambda g: g.geocode(42), TypeError),
        (lambda g: g.geocode(b"Mosul"), TypeError),
        (lambda g: g.geocode(["Mosul"]), TypeError),
        (lambda g: g.geocode("Mosul", country=5), TypeError),
        (lambda g: g.geocode("Mosul", country="Iraq"), ValueError),
        (lambda g: g.geocode("Mosul", country_bias=3.5), TypeError),
        (lambda g: g.geocode("Mosul", kinds=7), TypeError),
        (lambda g: g.geocode("Mosul", kinds=["planet"]), ValueError),
        (lambda g: g.reverse("not a point"), TypeError),
        (lambda g: list(g.place_names(min_population="big")), TypeError),
    ],
)
def test_wrong_arguments_get_a_clear_error(geocoder: OfflineGeocoder, call, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        call(geocoder)
    assert str(raised.value)


def test_raw_carries_the_contract_keys(geocoder: OfflineGeocoder) -> None:
    location = geocoder.geocode("Ain Assad Airbase")
    assert {
        "name", "kind", "geo_precision", "source", "source_id", "matched_alias", "score",
        "country_code", "country", "admin1",
    } <= set(location.raw)
    # the alias as the gazetteer spells it, not the place's name
    assert location.raw["matched_alias"] != location.raw["name"]
    assert normalize(location.raw["matched_alias"]) == "ain asad"
    assert location.raw["score"] == 100
    assert location.raw["country"] == "Iraq"
    assert "ORAA" in location.raw["source"]


def test_ranked_list(geocoder: OfflineGeocoder) -> None:
    places = geocoder.geocode("Paris", exactly_one=False)
    assert isinstance(places, list) and len(places) > 3
    assert places[0].raw["country_code"] == "FR"
    assert "US" in {p.raw["country_code"] for p in places}
    # the same place from two gazetteers is listed once
    bases = geocoder.geocode("Balad Airbase", exactly_one=False)
    near_base = [b for b in bases if km((b.latitude, b.longitude), BALAD_AB) < 1]
    assert len({b.raw["name"] for b in near_base}) == len(near_base)


def test_fuzzy_score_is_below_100(geocoder: OfflineGeocoder) -> None:
    (location, *_) = geocoder.geocode("Ruweishid", exactly_one=False)
    assert 80 <= location.raw["score"] < 100


def test_country_filter(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Mosul", country="SY") is None
    assert geocoder.geocode("Mosul", country="iq").raw["country_code"] == "IQ"


def test_reverse_finds_the_nearest_place(geocoder: OfflineGeocoder) -> None:
    location = geocoder.reverse((33.941, 44.360))
    assert km((location.latitude, location.longitude), BALAD_AB) < 1
    assert location.raw["distance_km"] < 1
    assert geocoder.reverse("36.34, 43.12").raw["country_code"] == "IQ"


def test_place_names_for_the_phrase_matcher(geocoder: OfflineGeocoder) -> None:
    bases = set(geocoder.place_names(kinds=["base"]))
    assert {"Camp Anaconda", "Ain al-Asad", "Q-West", "K-1 Air Base"} <= bases
    assert "Baghdad" not in bases
    towns = set(geocoder.place_names(kinds=["city"], min_population=100_000))
    assert {"Mosul", "Baghdad", "Sāmarrā’"} <= towns
    assert "Dāqūq" not in towns  # a town of 30,000 is left out
    assert "Dāqūq" in set(geocoder.place_names(kinds=["city"]))
    everything = geocoder.place_names()
    first = [next(everything) for _ in range(1000)]
    assert len(first) == len(set(first))  # each name once
    assert "Middle East" not in set(geocoder.place_names(kinds=["region"]))  # not placeable


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (("Ayn al-Asad", "Ain Assad", "ʿAyn al Asad", "Ein al-Asad"), "ain asad"),
        (("Al Fallūjah", "Falluja", "Fallujah", "al-Fallujah"), "faluja"),
        (("Nassiriya", "Nasiriyah", "An Nāşirīyah"), "nasiria"),
        (("K-1", "K1", "K 1"), "k1"),
        (("Bandar-e Māhshahr", "Bandar Mahshahr"), "bandar mahshahr"),  # Persian ezafe
        (("Baghdad's", "Baghdad"), "baghdad"),
    ],
)
def test_normalisation_joins_spellings(variants: tuple[str, ...], key: str) -> None:
    assert {normalize(v) for v in variants} == {key}


def test_kind_words_become_hints() -> None:
    assert name_key("Balad Airbase") == name_key("Balad Air Base") == name_key("Joint Base Balad")
    assert name_key("Balad Airbase").hint == "base"
    assert name_key("Mosul International Airport").hint == "airfield"
    assert name_key("US Embassy in Baghdad").hint == "embassy"
    assert name_key("Nineveh province").hint == "admin1"
    assert name_key("Camp").key == "camp"  # a kind word alone stays a name
    assert name_key("Baghdad").hint is None


@pytest.mark.parametrize(
    ("query", "name", "precision"),
    [
        ("Baghdad's Green Zone", "Green Zone", 1),
        ("Ain al-Asad air base in Anbar province", "Al Asad Air Base", 1),
        ("Hit in Anbar", "Hīt", 1),
        ("Hit, Anbar", "Hīt", 1),
        ("the city of Mosul", "Mosul", 1),
        ("the town of Hit", "Hīt", 1),
        ("west Mosul", "Mosul", 2),
        ("East Mosul", "Mosul", 2),
        ("Baghdad, Iraq", "Baghdad", 1),
        ("US consulate in Erbil", "US Consulate General in Erbil", 2),
    ],
)
def test_phrasings_found_in_reports(geocoder: OfflineGeocoder, query: str, name: str, precision: int) -> None:
    location = geocoder.geocode(query)
    assert (location.raw["name"], location.raw["geo_precision"]) == (name, precision)


def test_names_that_start_like_a_direction_stay_themselves(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("West Bank").raw["name"] == "West Bank"
    assert geocoder.geocode("North Korea").raw["country_code"] == "KP"
    assert geocoder.geocode("South Sudan").raw["country_code"] == "SS"


def test_a_province_is_its_capital_town_when_the_town_is_meant(geocoder: OfflineGeocoder) -> None:
    for query in ("Dahuk", "Duhok", "Dohuk"):
        location = geocoder.geocode(query)
        assert (location.raw["kind"], location.raw["country_code"]) == ("city", "IQ"), query
    # a province beats a small namesake town abroad
    south = geocoder.geocode("South Lebanon")
    assert (south.raw["kind"], south.raw["country_code"]) == ("admin1", "LB")


@pytest.mark.parametrize(
    ("query", "bias", "point"),
    [
        ("Palmyra", "SY", (34.562, 38.284)),  # Tadmur, not Palmyra, Pennsylvania
        ("Karma", "IQ", (33.40, 43.92)),  # Karmah in Anbar, not Karma in India
        ("Rabia", "IQ", (36.80, 42.10)),  # the border town, not Ar Rabiyah in Kuwait
        ("Akre", "IQ", (36.76, 43.89)),  # 'Aqrah, not Acre in Israel
        ("Ras al-Ain", "SY", (36.85, 40.07)),  # not Ras El Ain in Morocco
        ("Amerli", "IQ", (34.72, 44.58)),
        ("Tel Keppe", "IQ", (36.491, 43.121)),
        ("Salman Pak", "IQ", (33.10, 44.58)),
        ("Baghuz", "SY", (34.45, 40.95)),
    ],
)
def test_country_bias_settles_homonyms(geocoder: OfflineGeocoder, query: str, bias: str, point: tuple[float, float]) -> None:
    location = geocoder.geocode(query, country_bias=bias)
    assert_near(location, point, 5)
    assert location.raw["country_code"] == bias


def test_country_bias_keeps_big_cities_abroad(geocoder: OfflineGeocoder) -> None:
    for query, country in (("Paris", "FR"), ("Tehran", "IR"), ("Beirut", "LB"), ("Washington", "US")):
        assert geocoder.geocode(query, country_bias="IQ").raw["country_code"] == country
    # but not a small town abroad for a name the gazetteer does not know in Iraq
    assert geocoder.geocode("Mandaliyah").raw["country_code"] == "YE"
    assert geocoder.geocode("Mandaliyah", country_bias="IQ") is None


def test_a_translated_alternate_name_does_not_beat_the_real_place(geocoder: OfflineGeocoder) -> None:
    # GeoNames lists "White House" among Casablanca's alternate names
    white_house = geocoder.geocode("White House")
    assert white_house.raw["country_code"] == "US"
    assert_near(white_house, (38.898, -77.037), 1)


@pytest.mark.parametrize(
    ("acled_admin1", "name", "country"),
    [
        ("Al-Anbar", "Anbar", "IQ"),
        ("Ninewa", "Ninewa", "IQ"),
        ("Dahuk", "Duhok", "IQ"),
        ("Thi-Qar", "Dhi Qar", "IQ"),
        ("Al-Qadissiya", "Al-Qadissiya", "IQ"),
        ("Missan", "Missan", "IQ"),
        ("Wassit", "Wassit", "IQ"),
        ("Babylon", "Babil", "IQ"),
        ("Deir-ez-Zor", "Deir ez-Zor", "SY"),
        ("Rural Damascus", "Rural Damascus", "SY"),
        ("Idleb", "Idleb", "SY"),
    ],
)
def test_acled_province_names(geocoder: OfflineGeocoder, acled_admin1: str, name: str, country: str) -> None:
    location = geocoder.geocode(acled_admin1, kinds=["admin1"])
    assert (location.raw["name"], location.raw["country_code"], location.raw["geo_precision"]) == (name, country, 3)
