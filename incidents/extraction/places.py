"""Place mentions in a sentence, and which of them can be the place of an incident.

Names are found by looking up capitalised word runs under the geocoder's own name key
(geo.normalize: "Ain Assad Airbase", "Ayn al-Asad air base" and "Ain al-Asad" give one key),
so the spelling variants the geocoder resolves are also the ones we find; an exact-spelling
PhraseMatcher would miss most transliterations. Unknown villages are found by their cue
("the village of X", "in X district") and kept unresolved.

A mention is a candidate place of the incident only when a locative word governs it ("in", "at",
"near", "hit", "north of"...): "Tehran said", "close to Tehran", "blacklisted by Washington" and
"fired from X" (a launch site) are not places of the incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from geo.normalize import name_key

# Most specific first: a base is a better place for an incident than its city.
KIND_RANK: dict[str, int] = {"base": 0, "airfield": 0, "site": 0, "city": 1, "admin1": 2, "region": 3, "country": 3}
UNRESOLVED_RANK = 0  # a named village the gazetteer lacks is as specific as the report gets
LOOSE_RANK = 2  # an unknown name after "in": less sure than any known town, surer than a province

_MAX_NAME_WORDS = 6
# Lower-case words inside Arabic and Kurdish place names ("Deir ez-Zor", "Jurf al-Sakhar").
_NAME_CONNECTORS = frozenset({
    "al", "el", "-", "ad", "as", "ash", "an", "ar", "at", "az", "ez", "es", "ed", "ul", "of", "bin", "bint",
    "abu", "umm", "ibn", "wa", "'s",
})
# Lower-case words a place name may end with ("Ain al-Asad air base", "Kirkuk province").
_KIND_ENDINGS = frozenset({"base", "airbase", "airfield", "airport", "province", "governorate"})
_KIND_INNER = _KIND_ENDINGS | {"air", "international", "military"}

# The word(s) right before a mention that make it the place where something happened.
_LOCATIVE = re.compile(
    # "In Nasiriyah, ...": a sentence may open with the preposition, so its case is ignored.
    r"\b(?i:in|at|on|near|outside|inside)\s+(?:the\s+)?$|"
    r"\b(?:in|at|on|inside|into|onto|hit|hits|hitting|struck|strikes|striking|targeted|targeting|landed|"
    r"fell|attacked|attacking|stormed|storming|over|across|around|toward|towards|against|"
    r"north|south|east|west|northeast|northwest|southeast|southwest|(?:north|south|east|west)-?(?:east|west)?ern|"
    r"near|outside|outskirts|vicinity|edge|heart|city|town|village|province|district|area|region|governorate)"
    r"(?:\s+of)?\s+(?:(?:the|a|an|northern|southern|eastern|western|central|north-?\w+|south-?\w+|downtown|"
    r"[A-Z][\w-]+['’]s|[A-Z][\w-]+\s+(?:province|governorate|district|city|region)['’]s)\s+)*$"
)
# Cues that put the incident near, not at, the place (ACLED geo_precision 2).
_NEAR = re.compile(
    r"\b(?:near|outside|outskirts of|vicinity of|(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? of|"
    r"\d+\s*(?:km|kilometers|kilometres|miles)\s+\w+\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_LAUNCH_SITE = re.compile(r"\b(?:from|launched from|fired from|originated in|took off from)\s+(?:the\s+)?(?:\w+\s+){0,1}$", re.IGNORECASE)
# A place followed by a speech or policy verb is a government ("Tehran said"), not a location.
_METONYMY_AFTER = re.compile(
    r"^[’']?s?\s*(?:has |have |had |is |was )?(?:said|says|denied|denies|accused|blamed|announced|warned|vowed|"
    r"claimed|condemned|responded|called|insisted|stated|imposed|sanctioned|threatened|wants|demanded|rejected)\b"
    r"|^-(?:backed|aligned|allied|linked|affiliated|based)\b"
)
_METONYMY_BEFORE = re.compile(r"\b(?:by|to|with|pro-?|from|against)\s*$", re.IGNORECASE)
# Where someone spoke is not where the incident was: "Pompeo said in Washington".
_SPEECH_PLACE = re.compile(
    r"\b(?:said|says|told|announced|stated|spoke|speaking|testified|testifying|statement|conference|briefing|interview)"
    r"\s+(?:[\w’'-]+\s+){0,3}?(?:in|at|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "Baghdad's Sadr City": the second place lies inside the first and is the more exact one.
_INSIDE = re.compile(r"(?:[A-Z][\w-]+|province|governorate|district|city|region)['’]s\s+(?:(?:al|el|ad|as|ash|ar|az)-)?$")
# "the US embassy in Baghdad": embassies are gazetteer sites, named by country and city.
_EMBASSY = re.compile(
    r"\b(?P<name>(?:US|U\.S\.|American|British|French|German|Iranian|Turkish|Saudi|Kuwaiti|Russian) "
    r"(?:[Ee]mbassy|[Cc]onsulate(?: [Gg]eneral)?))(?:\s+(?:in|at)\s+(?P<city>[A-Z][\w-]+))?"
)

_VILLAGE_OF = re.compile(
    r"\b(?:village|town|hamlet|district|sub-?district|area|neighbou?rhood|region|outskirts) of\s+"
    r"(?P<name>(?:(?:al|Al|el|El)[- ])?[A-Z][\w'’-]+(?:\s+(?:(?:al|Al|el|El)[- ])?[A-Z][\w'’-]+){0,3})"
)
_NAMED_VILLAGE = re.compile(
    # "near Sinjar's Sikeniye village": the owner town is a place of its own, not part of the name.
    r"\b(?:in|near|at|outside)\s+(?:the\s+)?(?:[A-Z][\w-]+['’]s\s+)?"
    r"(?P<name>(?:(?:al|Al|el|El)[- ])?[A-Z][\w'’-]+(?:\s+(?:(?:al|Al|el|El)[- ])?[A-Z][\w'’-]+){0,3})\s+"
    r"(?:village|district|sub-?district|area|neighbou?rhood|(?P<landform>mountains|desert|valley|orchards|farmlands|countryside))\b"
)
# A capitalised name right after "in", "at", "near", "outside": looked up when not in the key set.
_LOCATIVE_NAME = re.compile(
    r"\b(?:in|at|near|outside)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w'’]+(?:[- ](?:(?:al|el|ad|as|ez|ash)-)?[A-Z][\w'’]+){0,2})"
)
# Capitalised words that start titles, publications and offices, not places ("in The Arab Weekly").
_NOT_NAMES = frozenset({
    "The", "A", "An", "This", "That", "These", "Those", "His", "Her", "Their", "Its", "Our", "My", "Mr", "Mrs",
    "Ms", "Dr", "President", "Prime", "Minister", "General", "Gen", "Colonel", "Col", "Parliament", "Congress",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
})
# "Iraqi territory", "Syrian soil": the country by its adjective.
DEMONYMS: dict[str, str] = {
    "Iraqi": "Iraq", "Syrian": "Syria", "Iranian": "Iran", "Turkish": "Turkey", "Lebanese": "Lebanon",
    "Jordanian": "Jordan", "Kuwaiti": "Kuwait", "Saudi": "Saudi Arabia", "Yemeni": "Yemen", "Israeli": "Israel",
}
# Nationality adjectives are never place names, though fuzzy look-ups find towns for them.
NATIONALITIES = frozenset(DEMONYMS) | {
    "American", "British", "French", "Russian", "Kurdish", "Arab", "Arabic", "Persian", "Shia", "Shiite",
    "Sunni", "Western", "European", "Qatari", "Emirati", "Bahraini", "Omani", "Egyptian", "Palestinian",
}
_DEMONYM_PLACE = re.compile(r"\b(?P<adj>" + "|".join(DEMONYMS) + r")\s+(?:town|village|city|district|border town|province|hamlet)\s+of\s+$")
_DEMONYM_TERRITORY = re.compile(r"\b(?P<adj>" + "|".join(DEMONYMS) + r")\s+(?:territory|soil|land|airspace)\b")


@dataclass
class PlaceMention:
    text: str  # as the report writes it
    start: int  # character offsets in the sentence
    end: int
    location: Any | None  # a geopy Location from the geocoder, None when unresolved
    locative: bool  # governed by "in/at/near/hit..."
    near: bool  # "near X", "north of X": ACLED geo_precision 2
    country_hint: str = ""  # "the Syrian town of X": the country even when X is not in the gazetteer
    inside: bool = False  # "Baghdad's Sadr City": inside the place named just before
    loose: bool = False  # an unknown name found only by its preposition ("in Mutaibija")

    @property
    def kind(self) -> str:
        return self.location.raw.get("kind", "") if self.location is not None else ""

    @property
    def rank(self) -> int:
        if self.location is None:
            return LOOSE_RANK if self.loose else UNRESOLVED_RANK
        return KIND_RANK.get(self.kind, 1)

    @property
    def geo_precision(self) -> int | None:
        if self.location is None:
            return None
        precision = int(self.location.raw.get("geo_precision") or 1)
        return max(precision, 2) if self.near else precision

    @property
    def country(self) -> str:
        return self.location.raw.get("country", "") if self.location is not None else self.country_hint


class PlaceFinder:
    """Finds and resolves place mentions; one per Extractor, with caches shared by its articles."""

    def __init__(self, geocoder: Any, keys: frozenset[str]) -> None:
        self.geocoder = geocoder
        self.keys = keys  # geo.normalize name keys of the names to look for
        self._resolved: dict[tuple[str, str | None], Any | None] = {}

    def resolve(self, text: str, country_bias: str | None = None) -> Any | None:
        """The geocoder's place for a name, cached per (name, bias)."""
        key = (text, country_bias)
        if key not in self._resolved:
            try:
                self._resolved[key] = self.geocoder.geocode(text, exactly_one=True, country_bias=country_bias)
            except ValueError:
                self._resolved[key] = None
        return self._resolved[key]

    def mentions(self, sentence: Any, *, country_bias: str | None = None, skip: Iterable[tuple[int, int]] = ()) -> list[PlaceMention]:
        """Place mentions of a spaCy sentence span, with their roles.

        `skip` holds character ranges (in the sentence) that are not places: dates, actor names.
        The finders run from the surest to the loosest; a later one never takes an earlier span.
        """
        found = _Mentions(sentence.text, list(skip))
        self._embassies(found, country_bias)
        self._named_by_cue(found, country_bias)
        self._gazetteer_names(found, sentence, country_bias)
        self._after_prepositions(found, country_bias)
        for match in _DEMONYM_TERRITORY.finditer(found.text):
            if found.free(*match.span()):
                mention = self._mention(found.text, match.group(0), *match.span(), country_bias, query=DEMONYMS[match.group("adj")])
                found.add(mention)
        return sorted(found.mentions, key=lambda m: m.start)

    def _embassies(self, found: _Mentions, country_bias: str | None) -> None:
        for match in _EMBASSY.finditer(found.text):
            start = match.start("name")
            end = match.end("city") if match.group("city") else match.end("name")
            query = f"{match.group('name')} in {match.group('city')}" if match.group("city") else match.group("name")
            mention = self._mention(found.text, found.text[start:end], start, end, country_bias, query=query)
            if mention.location is not None and mention.kind == "site":
                found.add(mention)

    def _named_by_cue(self, found: _Mentions, country_bias: str | None) -> None:
        """"the village of X", "in X district", "the Hamrin mountains": kept even when unknown."""
        for pattern in (_VILLAGE_OF, _NAMED_VILLAGE):
            for match in pattern.finditer(found.text):
                start, end = match.span("name")
                if "landform" in pattern.groupindex and match.group("landform"):
                    end = match.end("landform")  # "the Hamrin mountains" is the name, not "Hamrin"
                if not found.free(start, end):
                    continue
                if match.groupdict().get("landform") == "countryside":
                    # "the Daraa countryside": the land around the town or province, coded near it (ACLED precision 2).
                    mention = self._mention(found.text, found.text[start:end], start, end, country_bias, query=match.group("name"))
                    mention.near = True
                    found.add(mention)
                else:
                    found.add(self._mention(found.text, found.text[start:end], start, end, country_bias))

    def _gazetteer_names(self, found: _Mentions, sentence: Any, country_bias: str | None) -> None:
        """Capitalised runs whose name key the gazetteer has, longest first."""
        tokens = list(sentence)
        i = 0
        while i < len(tokens):
            if not tokens[i].text[0].isupper():
                i += 1
                continue
            matched = 0
            for width in range(min(_MAX_NAME_WORDS, len(tokens) - i), 0, -1):
                run = tokens[i : i + width]
                if not _could_be_name(run):
                    continue
                span = sentence.doc[_with_article(sentence, run[0].i) : run[0].i + width]
                start, end = span.start_char - sentence.start_char, span.end_char - sentence.start_char
                if span.text not in NATIONALITIES and name_key(span.text).key in self.keys and found.free(start, end):
                    found.add(self._mention(found.text, span.text, start, end, country_bias))
                    matched = width
                    break
            i += matched or 1

    def _after_prepositions(self, found: _Mentions, country_bias: str | None) -> None:
        """"in Tarmiyah", "near Mutaibija": towns below the finder's population floor, or unknown."""
        for match in _LOCATIVE_NAME.finditer(found.text):
            name = match.group("name")
            start, end = match.span("name")
            numbered = re.match(r"\s+\d", found.text[end:])  # "Tower 22" (see _could_be_name)
            if not found.free(start, end) or numbered or name in NATIONALITIES or name.split()[0] in _NOT_NAMES:
                continue
            mention = self._mention(found.text, name, start, end, country_bias)
            # Only an exact name (in the article's own country, when it has one) counts, or
            # persons would become towns ("Pompeo": Pompéu in Brazil).
            if mention.location is not None and not _exact_in(mention.location, country_bias):
                mention.location = None
            mention.loose = mention.location is None  # kept unresolved, but a known town in the sentence wins
            found.add(mention)

    def _mention(
        self, sentence: str, name: str, start: int, end: int, country_bias: str | None, *, query: str | None = None
    ) -> PlaceMention:
        before = sentence[max(0, start - 50) : start]
        after = sentence[end : end + 40]
        launch = bool(_LAUNCH_SITE.search(before))
        metonymy = (
            bool(_METONYMY_AFTER.search(after))
            or (bool(_METONYMY_BEFORE.search(before)) and not _LOCATIVE.search(before))
            or bool(_SPEECH_PLACE.search(before))
        )
        locative = bool(_LOCATIVE.search(before)) and not launch and not metonymy
        demonym = _DEMONYM_PLACE.search(before)
        return PlaceMention(
            text=name,
            start=start,
            end=end,
            location=self.resolve(query or name, country_bias),
            locative=locative,
            near=bool(_NEAR.search(before)),
            country_hint=DEMONYMS[demonym.group("adj")] if demonym else "",
            inside=bool(_INSIDE.search(before)),
        )


@dataclass
class _Mentions:
    """The mentions found so far in one sentence, and the spans that are not places."""

    text: str
    skipped: list[tuple[int, int]]
    mentions: list[PlaceMention] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        taken = [*self.skipped, *((m.start, m.end) for m in self.mentions)]
        return not any(start < t_end and t_start < end for t_start, t_end in taken)

    def add(self, mention: PlaceMention) -> None:
        self.mentions.append(mention)


def _with_article(sentence: Any, first: int) -> int:
    """Where a name starts when the Arabic article is written before it: "al-Qaim", "ad-Dawr"."""
    doc = sentence.doc
    if first - 2 >= sentence.start and doc[first - 1].text == "-" and doc[first - 2].lower_ in _ARTICLES:
        return first - 2
    return first


_ARTICLES = frozenset({"al", "el", "ad", "as", "ash", "ar", "az", "an", "at"})


# A sentence's capitalised first word may be a preposition, never the start of a name ("In Nasiriyah").
_OPENING_PREPOSITIONS = frozenset({"in", "at", "on", "near", "outside", "inside", "from", "into", "around", "across", "by", "to"})


def _could_be_name(run: list[Any]) -> bool:
    """Capitalised words, digits ("K-1"), Arabic connectors and kind words ("air base")."""
    if run[0].lower_ in _OPENING_PREPOSITIONS:
        return False
    following = run[-1].nbor(1) if run[-1].i + 1 < len(run[-1].doc) else None
    if following is not None and following.is_digit and not run[-1].is_digit:
        return False  # "Tower 22", "Camp 7": a numbered name is not the town named by its first words
    last = run[-1]
    if not (last.text[-1].isalnum() and (last.text[0].isupper() or last.is_digit or last.lower_ in _KIND_ENDINGS)):
        return False
    return all(t.text[0].isupper() or t.is_digit or t.lower_ in _NAME_CONNECTORS or t.lower_ in _KIND_INNER for t in run)


def _exact_in(location: Any, country_code: str | None) -> bool:
    """An exact name match, in the article's country when the article has one."""
    raw = location.raw
    in_country = country_code is None or raw.get("country_code") == country_code
    return in_country and float(raw.get("score") or 0) >= 100


def best_place(mentions: Iterable[PlaceMention]) -> PlaceMention | None:
    """The most specific place the sentence puts the incident at (base > city > province > country)."""
    candidates = [m for m in mentions if m.locative]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (m.rank, not m.inside, m.start))
