"""Place names to index keys: one spelling for the many ways sources write the same name.

"Ayn al-Asad", "Ain Assad" and "ʿAyn al Asad" all become the key "ain asad"; "Al Fallūjah" and
"Falluja" become "faluja". Words that say what kind of place it is ("air base", "camp",
"embassy", "province") are taken out of the key and kept as a hint, so that "Balad Airbase"
looks up "balad" and then prefers a base among the places called Balad.

Names in Arabic script keep their script (a transliteration by table would not meet the
spellings people write): the letters that writers interchange are unified (hamza forms, alef
variants, taa marbuta, alef maqsura, Persian and Kurdish letters), tatweel and diacritics are
dropped, and so are the article "ال" and the kind words ("قاعدة ... الجوية" is an air base):
"قاعدة البكر الجوية" looks up "بكر" with the hint "base", "الموصل" and "موصل" share a key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode

# Hint families: what a kind word in a name says about the place.
HINT_BASE = "base"
HINT_AIRFIELD = "airfield"
HINT_EMBASSY = "embassy"
HINT_ADMIN1 = "admin1"
HINT_CITY = "city"
HINT_REGION = "region"
HINT_DISTRICT = "district"
HINTS: tuple[str, ...] = (HINT_BASE, HINT_AIRFIELD, HINT_EMBASSY, HINT_ADMIN1, HINT_CITY, HINT_REGION, HINT_DISTRICT)

# Place kinds (location.raw["kind"]) each hint family is compatible with.
HINT_KINDS: dict[str, frozenset[str]] = {
    HINT_BASE: frozenset({"base", "airfield"}),
    HINT_AIRFIELD: frozenset({"airfield", "base"}),
    HINT_EMBASSY: frozenset({"site"}),
    HINT_ADMIN1: frozenset({"admin1"}),
    HINT_CITY: frozenset({"city"}),
    HINT_REGION: frozenset({"region", "admin1"}),
    HINT_DISTRICT: frozenset({"admin2"}),
}

# Kind words, as normalised token sequences, longest first so "air base" wins over "base".
_KIND_WORDS: dict[tuple[str, ...], str] = {
    ("forward", "operating", "base"): HINT_BASE,
    ("contingency", "operating", "base"): HINT_BASE,
    ("logistics", "support", "area"): HINT_BASE,
    ("air", "force", "base"): HINT_BASE,
    ("army", "air", "field"): HINT_AIRFIELD,
    ("international", "airport"): HINT_AIRFIELD,
    ("air", "base"): HINT_BASE,
    ("airbase",): HINT_BASE,
    ("military", "base"): HINT_BASE,
    ("naval", "base"): HINT_BASE,
    ("joint", "base"): HINT_BASE,
    ("air", "station"): HINT_BASE,
    ("air", "field"): HINT_AIRFIELD,
    ("airfield",): HINT_AIRFIELD,
    ("airstrip",): HINT_AIRFIELD,
    ("airport",): HINT_AIRFIELD,
    ("aerodrome",): HINT_AIRFIELD,
    ("afb",): HINT_BASE,
    ("aaf",): HINT_AIRFIELD,
    ("fob",): HINT_BASE,
    ("cob",): HINT_BASE,
    ("lsa",): HINT_BASE,
    ("base",): HINT_BASE,
    ("camp",): HINT_BASE,
    ("embassy",): HINT_EMBASSY,
    ("consulate",): HINT_EMBASSY,
    ("consulate", "general"): HINT_EMBASSY,
    ("governorate",): HINT_ADMIN1,
    ("province",): HINT_ADMIN1,
    ("muhafazat",): HINT_ADMIN1,
    ("ostan",): HINT_ADMIN1,
    ("emirate",): HINT_ADMIN1,
    ("city",): HINT_CITY,
    ("town",): HINT_CITY,
    ("village",): HINT_CITY,  # UCDP's "Al Bu Hayat village"
    ("hamlet",): HINT_CITY,
    ("region",): HINT_REGION,
    ("district",): HINT_DISTRICT,
    ("subdistrict",): HINT_DISTRICT,
    ("sub", "district"): HINT_DISTRICT,
    ("qada",): HINT_DISTRICT,
    ("qadaa",): HINT_DISTRICT,
    ("qadha",): HINT_DISTRICT,
    ("nahiya",): HINT_DISTRICT,
    ("nahiyah",): HINT_DISTRICT,
    ("ilcesi",): HINT_DISTRICT,  # Turkish "X ilçesi"
}
_MAX_KIND_WORDS = max(len(words) for words in _KIND_WORDS)
# "AB" (air base) only counts as a kind word at the end of a longer name: "Al Asad AB".
_TRAILING_ONLY = {("ab",): HINT_BASE}
# Words that can begin a kind word: any other word is kept without trying the phrases.
_KIND_FIRST_WORDS = frozenset(words[0] for words in (*_KIND_WORDS, *_TRAILING_ONLY))

# The Arabic article as transliterations write it, the Persian ezafe ("Bandar-e Mahshahr") and
# English filler words.
FILLER_WORDS = frozenset(
    {"al", "el", "ul", "ad", "adh", "as", "ash", "at", "ath", "az", "ar", "an", "aj", "e", "ye", "the", "of", "in"}
)
# The Arabic "ayn" (spring) in its spellings; "ain" after the rewrites below.
_AYN = frozenset({"ain", "ayn", "ein", "aen", "ayin"})

_APOSTROPHES = re.compile(r"['`´ʹʻʼʽʾʿ‘’‛′]")
_POSSESSIVE = re.compile(r"(?<=[a-z])['`’]s\b")
_LETTER_DIGIT_HYPHEN = re.compile(r"\b([a-z])[-\s](\d)")
# Arabic article written joined to the name: "Al-Asad" is split by the hyphen rule, "Alasad" is not
# touched (too many real names start with "al": Aleppo, Alexandria).
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"([a-z])\1+")


class NameKey(NamedTuple):
    """A name's index key and the kind hint its kind words gave (None when there were none).
    A named tuple: cheaper to make than a dataclass, and the memoised ones are not walked by the
    garbage collector."""

    key: str
    hint: str | None


def _fold_token(token: str) -> str:
    # y/i and ou/u vary freely in transliteration (Bayji/Baiji, Mossoul/Mosul), as does a final
    # h after a vowel (Nasiriyah/Nasiriya, Basrah/Basra); doubled letters likewise (Assad/Asad).
    token = token.replace("y", "i").replace("ou", "u").replace("ee", "i")
    # search first: sub with a group template costs a Python-level call even when nothing matches
    if _DOUBLED.search(token):
        token = _DOUBLED.sub(r"\1", token)
    if len(token) > 3 and token.endswith("h") and token[-2] in "aeiou":
        token = token[:-1]
    if token in _AYN:
        token = "ain"
    return token


def _tokens(text: str) -> list[str]:
    text = unidecode(text).lower()
    if "'" in text or "`" in text:  # the only apostrophes left in unidecode's ASCII
        text = _POSSESSIVE.sub("", text)  # "Baghdad's Green Zone" -> "baghdad green zone"
        text = _APOSTROPHES.sub("", text)
    text = text.replace(".", "")
    if _LETTER_DIGIT_HYPHEN.search(text):
        text = _LETTER_DIGIT_HYPHEN.sub(r"\1\2", text)  # "K-1", "H 3" -> "k1", "h3"
    return [t for t in _NON_ALNUM.split(text) if t]


# -- Arabic script --------------------------------------------------------------------------

_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff]")
# Dropped: tatweel, harakat and Quranic marks, superscript alef, the zero-width (non-)joiners
# that Persian and Kurdish spelling puts inside words, and the hamza standing alone.
_ARABIC_DROPPED = dict.fromkeys(
    [0x0640, 0x0670, 0x0621, 0x200C, 0x200D, *range(0x064B, 0x0660), *range(0x06D6, 0x06EE)]
)
_ARABIC_UNIFIED = str.maketrans(
    {
        **dict.fromkeys("أإآٱ", "ا"),  # alef with hamza or madda, alef wasla
        **dict.fromkeys("ىیۍېئ", "ي"),  # alef maqsura, Persian/Kurdish yeh, yeh with hamza
        **dict.fromkeys("ةۀەہ", "ه"),  # taa marbuta, heh variants
        **dict.fromkeys("ؤۆۇ", "و"),  # waw with hamza, Kurdish waw forms
        "ک": "ك",  # Persian keheh
        "ڵ": "ل",  # Kurdish lam
        "ڕ": "ر",  # Kurdish reh
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **{code: None for code in _ARABIC_DROPPED},
    }
)
_ARABIC_TOKEN = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ffa-z0-9]+")
# Kind words as they read once unified (taa marbuta is heh) and without the article.
_ARABIC_KIND_WORDS: dict[str, str] = {
    "قاعده": HINT_BASE,  # base
    "معسكر": HINT_BASE,  # camp
    "مطار": HINT_AIRFIELD,  # airport
    "سفاره": HINT_EMBASSY,  # embassy
    "قنصليه": HINT_EMBASSY,  # consulate
    "محافظه": HINT_ADMIN1,  # governorate
    "مدينه": HINT_CITY,  # city
    "بلده": HINT_CITY,  # town
    "منطقه": HINT_REGION,  # region, area
    "اقليم": HINT_REGION,  # region
}
# Words that only qualify a kind word ("قاعدة ... الجوية": air base; "مطار ... الدولي":
# international airport): dropped with it, kept in a name that has no kind word.
_ARABIC_QUALIFIERS = frozenset({"جويه", "عسكريه", "دولي"})


def is_arabic(text: str) -> bool:
    """True when the text has a letter of the Arabic script (Arabic, Persian, Kurdish...)."""
    return not text.isascii() and _ARABIC_LETTER.search(text) is not None


def _arabic_name_key(text: str) -> NameKey:
    tokens = _ARABIC_TOKEN.findall(text.lower().translate(_ARABIC_UNIFIED))
    # the article "ال" written joined to the word ("الموصل"); a word of three letters or fewer
    # after it is kept whole ("الله" is no place, but "الحي" must not become "حي")
    tokens = [t[2:] if t.startswith("ال") and len(t) > 4 else t for t in tokens]
    hint = next((_ARABIC_KIND_WORDS[t] for t in tokens if t in _ARABIC_KIND_WORDS), None)
    kept = tokens
    if hint is not None:
        kept = [t for t in tokens if t not in _ARABIC_KIND_WORDS and t not in _ARABIC_QUALIFIERS]
        if not kept:  # a name made only of kind words keeps them as its name
            kept, hint = tokens, None
    return NameKey(" ".join(_fold_token(t) if t.isascii() else t for t in kept), hint)


@lru_cache(maxsize=65536)
def name_key(text: str) -> NameKey:
    """The index key of a name, with its kind words taken out as a hint."""
    if is_arabic(text):
        return _arabic_name_key(text)
    tokens = _tokens(text)
    hint: str | None = None
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _KIND_FIRST_WORDS:
            kept.append(tokens[i])
            i += 1
            continue
        for width in range(min(_MAX_KIND_WORDS, len(tokens) - i), 0, -1):
            words = tuple(tokens[i : i + width])
            found = _KIND_WORDS.get(words)
            if found is None and i + width == len(tokens) and i > 0:
                found = _TRAILING_ONLY.get(words)
            # A name made only of a kind word ("Camp", "Base") keeps it as its name.
            if found is not None and width < len(tokens):
                hint = hint or found
                i += width
                break
        else:
            kept.append(tokens[i])
            i += 1
    folded = [_fold_token(t) for t in kept if t not in FILLER_WORDS]
    if not folded:  # a name that is only an article or filler ("As", "Al"): keep it as written
        folded = [_fold_token(t) for t in kept]
    return NameKey(" ".join(folded), hint)


def normalize(text: str) -> str:
    """The index key of a name (see name_key), without the hint."""
    return name_key(text).key


_PARENTHESES = re.compile(r"\([^)]*\)")
# Words that say a name is an administrative unit ("Khanaqin district", "Diyala governorate");
# name_key already takes out the province words.
_ADMIN_WORDS = frozenset(
    _fold_token(word)
    for word in (
        "district", "subdistrict", "sub", "nahiya", "nahiyah", "nahia", "qada", "qadaa", "qadha", "kaza",
        "county", "municipality", "muhafazah", "mohafazat", "wilayah", "wilayat", "mintaqat",
    )
)  # fmt: skip


def admin_key(text: str) -> str:
    """A province's or district's name as one word without its administrative words, so that
    "Salah al-Din", "Saladin" and "Salah ad-Din governorate" compare equal."""
    # "Capital Governorate (Bahrain)": the parentheses tell provinces of one name apart
    tokens = name_key(_PARENTHESES.sub(" ", text)).key.split()
    kept = [t for t in tokens if t not in _ADMIN_WORDS] or tokens
    return "".join(kept)


# Letters that transliterations of one Arabic, Persian or Turkish letter write differently:
# q/k/g (Qayyarah, Gayara), d/t/th/dh/z (Dhi Qar, Zi Qar; Bağdat), s/sh/ch, b/p, and vowels
# (with w and y) that each writer places his own way.
_DIGRAPHS = (("sch", "s"), ("kh", "k"), ("gh", "k"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "t"), ("ph", "f"))
_LETTER_CLASSES = str.maketrans({"q": "k", "c": "k", "g": "k", "d": "t", "z": "t", "p": "b", "v": "w"})
_FOLDED_VOWELS = re.compile(r"[aeiouwy]+")
_REPEATS = re.compile(r"(.)\1+")
_H_AFTER_CONSONANT = re.compile(r"(?<=[b-df-gj-np-tvxz])h")


@lru_cache(maxsize=65536)
def sound_key(key: str) -> str:
    """A name key as it sounds, whatever the transliteration: letters writers interchange made
    one, vowels (with w and y) and doubled letters dropped ("tall tamr", "tal tamer": "tl tmr")."""
    for digraph, letter in _DIGRAPHS:
        key = key.replace(digraph, letter)
    key = _H_AFTER_CONSONANT.sub("", key)  # "Fallujha": an h no letter pair explains is a writer's
    return _REPEATS.sub(r"\1", _FOLDED_VOWELS.sub("", key.translate(_LETTER_CLASSES)))
