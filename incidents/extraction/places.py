"""Place names in a report, and the points they stand for in the report's context.

The spaCy component `incident_places` finds place names: runs of capitalised words (with the
Arabic article and hyphens: "Deir ez-Zor", "al-Qaim"), with a kind word after them ("Saida
village", "Idleb countryside", "Haradh district") or before them ("the town of X"). A run is a
place when the gazetteer knows its name, when a kind word names it a place, or when a locative
preposition governs it ("in Mutaibija"). Layer written: `doc.spans["places"]`, each span with
`span._.place_name` (the name without its kind word), `span._.place_kind` (the kind word's class
in data/lexicon.csv: settlement, part, district, province, area, near, site) and
`span._.country_hint` ("the Syrian town of X").

`PlaceResolver` turns a chain of names ("As Sumaytah area in Tur Al Bahah district (Lahij)") into
one point: the most specific name the gazetteer resolves in the article's countries and
province, falling back to the containing town (ACLED geo_precision 2) or province (3, at its
capital). A candidate in a country the article does not name is never taken.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geopy.distance import distance
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from geo.normalize import name_key
from geo.sources import DATA_DIR, KINDS
from incidents.extraction.lexicon import Lexicon, lexicon

DEMONYMS_CSV = DATA_DIR / "demonyms.csv"

if not Span.has_extension("place_name"):
    Span.set_extension("place_name", default="")
    Span.set_extension("place_kind", default="")
    Span.set_extension("country_hint", default="")
    Span.set_extension("known", default=False)

# Lower-case words inside Arabic, Kurdish and Persian place names.
_CONNECTORS = frozenset({
    "al", "el", "-", "ad", "as", "ash", "an", "ar", "at", "az", "ez", "es", "ed", "ul", "bin", "bint", "abu", "umm", "ibn",
    "wa", "e", "de", "du",
})
_MONTHS_AND_DAYS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})
# Titles and words that begin names of people, offices and publications, not places.
_NOT_PLACE_STARTS = frozenset({
    "the", "a", "an", "this", "that", "mr", "mrs", "ms", "dr", "president", "prime", "minister", "general", "gen",
    "colonel", "col", "sheikh", "imam", "parliament", "congress", "court", "ministry", "council", "party",
})
# Words between a locative preposition and the name it governs ("in the northern X").
BEFORE_NAME = frozenset({
    "the", "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west", "northeastern",
    "northwestern", "southeastern", "southwestern", "rural", "downtown", "outer", "greater", "old",
})
_MAX_NAME_TOKENS = 8
_MISSIONS = frozenset({"embassy", "consulate"})
_CHAIN_SEPARATORS = frozenset({"(", ",", "-", "–"})
LANDFORMS = frozenset({"mountains", "mountain", "valley", "desert", "badia", "plain", "plains", "hills", "marshes"})


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Nationality and ethnic adjectives ("Iraqi" -> "IQ"; "Kurdish" -> ""), from data/demonyms.csv."""
    with DEMONYMS_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["demonym"]: row["country_code"] for row in csv.DictReader(handle)}


def english_words(nlp: Language) -> frozenset[str]:
    """The English nouns, verbs and adjectives the model's lemmatizer knows (WordNet's index as
    spaCy ships it): "market", "bridge", "center". Place names are among them too ("mosul"), so a
    word found here is common only when the gazetteer does not know it by name alone."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index", {})
    return frozenset(word for pos in ("noun", "verb", "adj") for word in table.get(pos, ()))


class PlaceNames:
    def __init__(self, nlp: Language, lexicon_: Lexicon | None = None) -> None:
        self.lexicon = lexicon_ or lexicon()
        self.keys: frozenset[str] = frozenset()  # the gazetteer's name keys, set by the pipeline's builder
        self.own_names: frozenset[str] = frozenset()  # of them, notable places' own names (set likewise)
        self.common_words = english_words(nlp)

    def __call__(self, doc: Doc) -> Doc:
        dates = {i for span in doc.spans.get("dates", []) for i in range(span.start, span.end)}
        found: list[Span] = []
        i = 0
        while i < len(doc):
            end = self._run_end(doc, i, dates)
            if end == i:
                i += 1
                continue
            span = self._place(doc, i, end, found[-1] if found else None, dates)
            if span is not None:
                found.append(span)
                i = span.end
            else:
                i = end
        found.extend(self._embassies(doc, found))
        found.extend(self._listed_with(doc, found, dates))
        doc.spans["places"] = sorted(found, key=lambda s: s.start)
        return doc

    def _listed_with(self, doc: Doc, found: list[Span], dates: set[int]) -> list[Span]:
        """"struck Avashin, Basyan and Zakho": unknown names in one list with a place are places."""
        taken = {i for span in found for i in range(span.start, span.end)}
        listed: list[Span] = []
        for span in sorted(found, key=lambda s: s.start):
            i = span.start - 1  # walk back over ", Name" and "Name and"
            while i >= 1 and doc[i].text in (",", "and") and doc[i - 1].i not in taken:
                start = i - 1
                while start > 0 and self._inside(doc[start - 1], dates) and doc[start - 1].i not in taken:
                    start -= 1
                if not self._starts(doc[start], dates) or start == i:
                    break
                name = Span(doc, start, i, label="PLACE")
                name._.place_name = name.text
                listed.append(name)
                taken.update(range(start, i))
                i = start - 1
        return listed

    def _embassies(self, doc: Doc, found: list[Span]) -> list[Span]:
        """"the US embassy in Baghdad": a site named by its country and its city."""
        spans = []
        for token in doc:
            if token.lemma_.lower() not in _MISSIONS or token.i == 0:
                continue
            owner = doc[token.i - 1]
            if not (owner._.actor is not None or owner.text in demonyms() or owner.text in ("U.S.", "US", "UK")):
                continue
            end = token.i + 1
            city = ""
            if end + 1 < len(doc) and doc[end].lower_ in ("in", "at") and doc[end + 1].text[:1].isupper():
                city, end = doc[end + 1].text, end + 2
            if any(s.start < end and token.i - 1 < s.end for s in found):
                found[:] = [s for s in found if not (s.start < end and token.i - 1 < s.end)]
            span = Span(doc, token.i - 1, end, label="PLACE")
            span._.place_name = f"{owner.text} {token.text}" + (f" in {city}" if city else "")
            span._.place_kind = "site"
            span._.known = True
            spans.append(span)
        return spans

    # -- finding runs -----------------------------------------------------------------------

    def _starts(self, token: Token, dates: set[int]) -> bool:
        if token.i in dates or not token.text[:1].isupper() or token.lower_ in _MONTHS_AND_DAYS:
            return False
        following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
        if token.text in demonyms() and (following not in _CONNECTORS or following == "-") or token.lower_ in _NOT_PLACE_STARTS:
            return False  # "Syrian forces"; but "Arab ar Rashaydah" is a village
        if token._.actor is not None and name_key(token.text).key not in self.keys:
            return False  # an actor name ("Houthi", "PKK"); a country name ("Iran") may also be a place
        if any(span.start <= token.i < span.end - 1 for span in token.doc.spans.get("actors", [])):
            return False  # a word inside a longer actor name ("Houthi rebels", "Kurdistan Workers' Party")
        if token.is_sent_start and (token.is_stop or token.pos_ not in ("PROPN", "")) and name_key(token.text).key not in self.keys:
            return False  # a capitalised first word: "Protesters", "Two", "On"
        if token.is_sent_start and token.is_stop:
            return False  # "More than a dozen rockets" (a town is called More)
        return token.pos_ not in ("ADP", "DET", "PRON", "AUX", "CCONJ", "SCONJ", "PART", "NUM")

    def _inside(self, token: Token, dates: set[int]) -> bool:
        if token.i in dates or token._.actor is not None:
            return False
        if token.text[:1].isupper():
            return token.lower_ not in _MONTHS_AND_DAYS  # "Ain al Arab": a demonym inside a name is part of it
        return token.is_digit and token.i > 0 and token.nbor(-1).text[:1].isupper()  # "Tower 22"

    def _run_end(self, doc: Doc, start: int, dates: set[int]) -> int:
        token = doc[start]
        if token.lower_ in _CONNECTORS and start + 2 < len(doc) and doc[start + 1].text == "-" and self._starts(doc[start + 2], dates):
            end = start + 3  # "al-Qaim", "ad-Dawr"
        elif token.text[:1].isupper() and token.lower_ in _CONNECTORS and start + 1 < len(doc) and self._starts(doc[start + 1], dates):
            end = start + 2  # "As Saqiyah", "Al Bab": the article, whatever the tagger made of it
        elif self._starts(token, dates):
            end = start + 1
        else:
            return start
        while end < len(doc) and end - start < _MAX_NAME_TOKENS:
            if self._inside(doc[end], dates):
                end += 1
                continue
            # connectors inside a name, up to the next capitalised word: "Deir ez-Zor", "Deir-ez-Zor"
            gap = end
            while gap < len(doc) and gap - end < 3 and doc[gap].lower_ in _CONNECTORS:
                gap += 1
            if gap > end and gap < len(doc) and self._inside(doc[gap], dates):
                end = gap + 1
            else:
                break
        while end > start + 1 and doc[end - 1].lower_ in _CONNECTORS:
            end -= 1
        # "Ramallah and Al Bireh": a name with "and" in it, when the gazetteer knows it whole
        if end + 1 < len(doc) and doc[end].lower_ == "and":
            longer = self._run_end(doc, end + 1, dates)
            if longer > end + 1 and name_key(doc[start:longer].text).key in self.keys:
                return longer
        return end

    # -- deciding places --------------------------------------------------------------------

    def _place(self, doc: Doc, start: int, end: int, previous: Span | None, dates: set[int]) -> Span | None:
        kind = ""
        stop = end
        following = [t.lower_ for t in doc[end : end + 2]]
        for width in range(len(following), 0, -1):  # "Saida village", "Idleb countryside", "Erbil air base"
            word = self.lexicon.value("place_kind", tuple(following[:width]))
            if word is None and width == 1:
                word = self.lexicon.value("place_kind", doc[end].lemma_.lower())
            if word is not None:
                kind, stop = word, end + width
                break
        name_tokens = doc[start:end]
        last = name_tokens[-1].lower_
        inner_kind = self.lexicon.value("place_kind", last)
        if not kind and inner_kind in ("province", "district") and end - start > 1:
            kind, end = inner_kind, end - 1  # "Kirkuk Province", "Haradh District"
        elif not kind and inner_kind in ("part", "site") and end - start > 1:
            kind = inner_kind  # "the Old Quarter", "Tahrir Square": a part or a site by its name, which it keeps
        country_hint = ""
        if start >= 2 and doc[start - 1].lower_ == "of":
            before = doc[start - 2]
            word = self.lexicon.value("place_kind", before.lemma_.lower())
            if start >= 3 and doc[start - 3].pos_ == "ADP":
                # a kind word straight after a preposition may make a phrase with it: "in front
                # of X" is a building or landmark, not a front line
                word = self.lexicon.value("place_kind", (doc[start - 3].lower_, before.lower_, "of")) or word
            if word is not None and not kind:
                kind = word  # "the town of X", "the outskirts of X"
            if start >= 3 and doc[start - 3].text in demonyms():
                country_hint = demonyms()[doc[start - 3].text]  # "the Syrian town of X"
        name = doc[start:end].text
        if kind == "area" and stop > end and doc[end].lower_ in LANDFORMS or kind == "site" and stop > end:
            # "the Qandil mountains", "Erbil airport": the kind word is part of what to look up
            name = doc[start:stop].text
        key = name_key(doc[start:end].text).key
        known = bool(key) and key in self.keys
        # "X (Y, Z)", "X town, Y": a name written right after a place is the place containing it
        contained = previous is not None and all(t.text in _CHAIN_SEPARATORS for t in doc[previous.end : start]) and start - previous.end <= 2
        if not (known or kind or contained or self._locative_before(doc, start) or self._placed_in_brackets(doc, end, dates)):
            return None
        if not kind and end - start == 1 and doc[start].lower_ in self.common_words and key not in self.own_names:
            # "in the Market": a common word is a place by name alone only when a notable place
            # has it for its own name ("Mosul"), not as an alternate spelling; else with a kind word
            return None
        if not key or (len(key) < 3 and not any(c.isdigit() for c in key)):
            return None
        span = Span(doc, start, stop, label="PLACE")
        span._.place_name = name
        span._.place_kind = kind
        span._.country_hint = country_hint
        span._.known = known
        return span

    def _placed_in_brackets(self, doc: Doc, end: int, dates: set[int]) -> bool:
        """"targeted Al Atfayn (Kitaf wa Al Boqee, Sadah)": a name followed by brackets that
        name a known place is a place in it."""
        if end >= len(doc) or doc[end].text != "(":
            return False
        i = end + 1
        while i < len(doc) and i - end <= _MAX_BRACKETED and doc[i].text != ")":
            run = self._run_end(doc, i, dates)
            if run > i and name_key(doc[i:run].text).key in self.keys:
                return True
            i = max(run, i + 1)
        return False

    def _locative_before(self, doc: Doc, start: int) -> bool:
        i = start - 1
        while i >= 0 and doc[i].lower_ in BEFORE_NAME:
            i -= 1
        if i < 0:
            return False
        word = doc[i]
        if word.lower_ == "of" and i > 0:
            word = doc[i - 1]  # "north of X", "outskirts of X"
            return self.lexicon.has("locative", word.lower_) or self.lexicon.value("place_kind", word.lower_) == "near"
        return word.pos_ == "ADP" and self.lexicon.has("locative", word.lower_)


@Language.factory("incident_places")
def make_place_names(nlp: Language, name: str) -> PlaceNames:
    return PlaceNames(nlp)


# -- resolving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceName:
    """One name of a chain, as the report writes it."""

    name: str
    kind: str = ""  # place_kind class of its kind word
    near: bool = False  # "near X", "north of X", "X countryside": coded near it (precision 2)
    apart: bool = False  # named elsewhere in the clause, not written as containing the place


@dataclass
class ResolvedPlace:
    text: str  # the most specific name, as written
    location: Any | None  # a geopy Location, None when nothing in the chain resolved
    geo_precision: int | None
    country: str = ""
    iso: str = ""
    admin1: str = ""
    fallback: bool = False  # a containing place, the named one being unknown (or none named: the country)
    named: bool = False  # the report calls the first name a village, town, district or site
    # a street, square or other landmark named with no town around it ("blocked the Jumhuriya Bridge")
    lone_landmark: bool = False

    @property
    def name(self) -> str:
        return self.location.raw.get("name", "") if self.location is not None else ""


# Kind words that make an unknown name a place the report places the event at ("X village").
_NAMED_KINDS = frozenset({"settlement", "site", "part", "district", "area", "near"})
# The kinds of gazetteer place a kind word allows.
_KINDS_FOR = {
    "province": ("admin1", "region"),
    # a town may be known only as the district named after it (Turkey's district municipalities)
    "settlement": ("city", "site", "admin2"),
    "district": ("admin2", "city"),
    "part": ("part", "city", "site"),
    "site": ("site", "base", "airfield", "city"),
}


class PlaceResolver:
    """Names to points through the geocoder, in the article's countries (cached per query)."""

    def __init__(self, geocoder: Any) -> None:
        self.geocoder = geocoder
        self._cache: dict[tuple[Any, ...], Any | None] = {}

    def geocode(
        self, name: str, *, country: str | None = None, bias: tuple[str, ...] = (), kinds: tuple[str, ...] | None = None,
        admin1: str = "", near: tuple[float, float] | None = None, admin2: str = "",
    ) -> Any | None:
        key = (name, country, bias, kinds, admin1, near, admin2)
        if key not in self._cache:
            try:
                self._cache[key] = self.geocoder.geocode(
                    name, exactly_one=True, country=country, country_bias=bias or None, kinds=kinds, admin1=admin1 or None,
                    near=near, admin2=admin2 or None,
                )
            except ValueError:
                self._cache[key] = None
        return self._cache[key]

    def country_name(self, code: str) -> str:
        """The gazetteer's name of a country ("RU" -> "Russia")."""
        name = getattr(self.geocoder, "country_name", None)
        return name(code) if name is not None and code else ""

    def a_town_abroad(self, name: str, country: str) -> bool:
        """Whether a name is also a town of CITY_MIN_POPULATION or more outside `country`."""
        key = (name, country, "a town abroad")
        if key not in self._cache:
            towns = self.geocoder.geocode(name, exactly_one=False, kinds=("city",)) or []
            self._cache[key] = any(
                t.raw.get("country_code") != country and (t.raw.get("population") or 0) >= CITY_MIN_POPULATION for t in towns
            )
        return self._cache[key]

    def in_countries(
        self, name: str, countries: tuple[str, ...], kinds: tuple[str, ...] | None = None, admin1: str = "",
        near: tuple[float, float] | None = None, admin2: str = "",
    ) -> Any | None:
        """The place a name stands for, only in `countries` (most likely first) when there are
        any, and not in another province than `admin1` when the gazetteer knows its province;
        the nearest to `near` among namesakes, those in the district `admin2` first."""
        if not countries:
            return self.geocode(name, kinds=kinds, admin1=admin1, near=near, admin2=admin2)
        found = self.geocode(name, bias=countries, kinds=kinds, admin1=admin1, near=near, admin2=admin2)
        if found is not None and (found.raw.get("country_code") in countries or found.raw.get("kind") == "country"):
            return found  # a country's own name is never another country's place
        for code in countries:
            found = self.geocode(name, country=code, kinds=kinds, admin1=admin1, near=near, admin2=admin2)
            if found is not None:
                return found
        # "In Abu Dhabi, three were killed" in a report about Yemen: a city of millions is itself
        # wherever it is; a smaller namesake abroad is more likely a place the gazetteer lacks
        found = self.geocode(name, kinds=kinds, admin1=admin1, near=near)
        if (
            found is not None and found.raw.get("kind") == "city" and (found.raw.get("population") or 0) >= WORLD_CITY_POPULATION
            and name_key(found.raw.get("name", "")).key == name_key(name).key  # by its own name, not an alias ("JWS": Jos)
        ):
            return found
        return None

    def resolve(self, chain: list[PlaceName], countries: tuple[str, ...], admin1: str = "") -> ResolvedPlace | None:
        """The point for the most specific name of the chain the gazetteer knows.

        The first name itself: its own precision (2 when "near"); a container town or district:
        precision 2, but 1 for a street, square or building of a town; a province: 3. A province
        named in the chain (or given) keeps the names before it to places in that province when
        the gazetteer knows where they are. The text is always the first name as the report
        writes it ("Mekeshifa", placed near Samarra).
        """
        if not chain:
            return None
        province = admin1
        province_apart = False  # named elsewhere in the clause, not as containing the place
        for element in chain[1:]:
            if element.near and element.kind != "near":
                # "north of Baghdad": a neighbour, not the province the place is in; but "Idleb
                # countryside", "the outskirts of X" are the land of X itself
                continue
            if element.kind == "province" or not province:
                found = self.in_countries(element.name, countries, kinds=("admin1",))
                if found is not None:
                    province, province_apart = found.raw.get("name", ""), element.apart
                    countries = (found.raw.get("country_code", ""), *[c for c in countries if c != found.raw.get("country_code")])
                    break
        # "Al Jabaliyah (At Tuhayat, Al Hudaydah)": the district written as containing the place
        district = next(
            (
                found.raw.get("name", "")
                for element in chain[1:]
                if not (element.near or element.apart) and element.kind in ("", "district")
                and (found := self.in_countries(element.name, countries, ("admin2",), province)) is not None
            ),
            "",
        )
        # "the village of Burin, south of Nablus": among the first name's namesakes, the one
        # near the other places the report names with it
        near = None
        town = None  # a town written as containing the first name ("X in Ras Tanura")
        for element in chain[1:]:
            neighbour = self._element(element, countries, province)
            if neighbour is not None and neighbour.raw.get("kind") not in ("country", "admin1"):
                near = (neighbour.latitude, neighbour.longitude)
                if not (element.near or element.apart) and neighbour.raw.get("kind") == "city":
                    town = near
                break
        for position, element in enumerate(chain):
            location = self._element(
                element, countries, province, near if position == 0 else None, town is not None, district if position == 0 else ""
            )
            if position == 0 and province_apart:
                # "a bridge in Jerusalem in protest of demolitions in the West Bank": a province
                # named apart does not move a town known by its own name into it
                own = self._element(element, countries, "", near, town is not None)
                if own is not None and (own.raw.get("population") or 0) >= CITY_MIN_POPULATION:
                    location = own
            if location is None:
                continue
            precision = int(location.raw.get("geo_precision") or 1)
            if element.kind == "settlement" and location.raw.get("kind") == "admin2":
                precision = 1  # "X town": the town the district is named after, at its seat
            # Precision 2: near the place or near what contains it ("near Al Sahel Camp (Mukalla)"), in the
            # district or area named after it, or a village of its own placed at the town around
            # it. A street, square or building of a town is coded at the town itself, as ACLED
            # does, even near one when the town is written as one ("near the roundabout in Raqqa city").
            in_town = position > 0 and location.raw.get("kind") == "city" and _within_town(chain[:position])
            near = element.near or (any(e.near for e in chain[:position]) and not (in_town and element.kind == "settlement"))
            if near or element.kind in ("district", "area") or (position > 0 and not in_town):
                precision = max(precision, 2)
            country, code, admin1 = self._sovereign(location, chain[position + 1 :])
            return ResolvedPlace(
                chain[0].name,
                location,
                precision,
                country,
                code,
                admin1,
                fallback=position > 0,
                named=chain[0].kind in _NAMED_KINDS,
            )
        return ResolvedPlace(
            chain[0].name, None, None, named=chain[0].kind in _NAMED_KINDS,
            lone_landmark=chain[0].kind in ("site", "part") and all(e.apart for e in chain[1:]),
        )

    def _sovereign(self, location: Any, containers: list[PlaceName]) -> tuple[str, str, str]:
        """The country and province of a place as the report frames them: a region written as
        containing it decides where the gazetteer's country differs ("Al Quds - Silwan (Al Quds,
        West Bank)" is in the West Bank, as ACLED codes East Jerusalem), when the place lies near it."""
        own = (location.raw.get("country", ""), location.raw.get("country_code", ""), location.raw.get("admin1", "") or "")
        for element in containers:
            if element.near or element.apart:
                continue
            # any country's: the distance below keeps namesakes out
            region = self.geocode(element.name, kinds=("admin1", "region"), near=(location.latitude, location.longitude))
            if (
                region is not None and region.raw.get("country_code") not in ("", own[1])
                and _km((location.latitude, location.longitude), (region.latitude, region.longitude)) <= _REGION_RADIUS_KM
            ):
                return region.raw.get("country", ""), region.raw.get("country_code", ""), region.raw.get("name", "")
        return own

    def _element(
        self, element: PlaceName, countries: tuple[str, ...], province: str, near: tuple[float, float] | None = None,
        in_town: bool = False, district: str = "",
    ) -> Any | None:
        # a neighbourhood only when the report calls it one or names the town around it
        kinds = _KINDS_FOR.get(element.kind) or (None if in_town else _WHOLE_PLACES)
        found = self.in_countries(element.name, countries, kinds, province if element.kind != "province" else "", near, district)
        if found is None or not province or found.raw.get("admin1") or found.raw.get("kind") == "admin1":
            return found
        # the gazetteer does not say its province: far from the province's capital is another place
        capital = self.in_countries(province, countries, ("admin1",))
        if capital is not None and _km((found.latitude, found.longitude), (capital.latitude, capital.longitude)) > _PROVINCE_RADIUS_KM:
            return None
        return found


# Towns from this population up are found by name alone, and are a reading of a name worth weighing
# against its others; smaller ones are often named like common words ("Security", "Hook").
CITY_MIN_POPULATION = 15_000
# A city this large is found outside the article's countries (Jos, Hamm or Saïda, namesakes of
# villages in the dev set's reports, are not).
WORLD_CITY_POPULATION = 1_000_000
# How far into brackets after a name a known place is looked for ("X (District, Province)").
_MAX_BRACKETED = 12
# Kinds of place a name stands for by itself (a neighbourhood is named with its town).
_WHOLE_PLACES = tuple(k for k in KINDS if k != "part")
# Farther than this from a province's capital, a place the gazetteer gives no province for is not in it.
_PROVINCE_RADIUS_KM = 300.0
# A place this close to a region written as containing it may lie in it (the West Bank is 130 km long).
_REGION_RADIUS_KM = 100.0


def _within_town(names: list[PlaceName]) -> bool:
    """Names inside the town that contains them: neighbourhoods and quarters ("the Dur al Naft
    neighbourhood of Basrah"), or one site ("a checkpoint in Kirkuk")."""
    return all(n.kind == "part" for n in names) or (len(names) == 1 and names[0].kind in ("part", "site"))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return distance(a, b).km


