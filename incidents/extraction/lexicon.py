"""The extractor's lexicons, read from data/: event triggers and the word classes roles are read by.

data/triggers.csv maps a trigger's lemmas to a frame and ACLED's event and sub-event type;
data/lexicon.csv puts words in classes:

- weapon: the sub-event type a weapon makes an attack ("drone" -> Air/drone strike)
- civilian, armed, protester, rioter: what kind of party a noun names
- support: verbs whose object is the event ("carried out airstrikes"); value agent or patient
- hedge, modal: what makes a governed event a threat, plan, possibility or denial, not a fact
- aggregate: words that count or trend many events
- other_event: connectives that lead to another event (its cause, a time reference)
- place_kind: words that say what a place is ("village", "district", "countryside")
- locative: prepositions that put an event at (or near) a place
- instrument_verb: verbs whose object is the weapon ("fired rockets")
- intervention: how force met a protest (intervention, or excessive: lethal or live fire)
- number: counts written as words, with ACLED's lowest reading of vague ones ("several" 3)
- casualty_noun, harm: the words casualties are counted by ("3 fatalities"; "killing two")
- speech: verbs of saying; an event's clause does not extend to them
- riot_marker: what demonstrators use that makes a protest a riot ("burning tires", "stones")
- quantity: nouns that count a weapon ("a barrage of rockets")
- platform: weapons that carry munitions rather than being them ("warplanes", "tanks")
- discovery: verbs by which a body is found (the trigger requirement "found")

Entries are lemmas, so "kill / killed / killing / were killed" is one entry. Rows whose first
cell starts with "#" are comments.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

from geo.sources import DATA_DIR

TRIGGERS_CSV = DATA_DIR / "triggers.csv"
LEXICON_CSV = DATA_DIR / "lexicon.csv"

FRAMES = (
    "attack", "remote", "strike", "clash", "protest", "riot", "arrest", "capture", "abduct", "destroy", "disrupt", "territory", "deploy",
    "reference",
)
REQUIREMENTS = (
    "weapon", "casualties", "protest_agent", "person_patient", "place_patient", "intransitive", "armed_agent",
    "armed_patient", "found",
)
CLASSES = (
    "weapon", "civilian", "armed", "protester", "rioter", "support", "hedge", "modal", "aggregate",
    "other_event", "place_kind", "locative", "instrument_verb", "intervention", "number", "casualty_noun", "harm", "speech", "riot_marker", "quantity", "platform",
    "discovery",
)
MAX_TERM_WORDS = 3


@dataclass(frozen=True)
class TriggerEntry:
    lemmas: tuple[str, ...]
    pos: str  # the part of speech of the pattern's head: VERB, NOUN, ADJ, or "" for any
    frame: str
    event_type: str
    sub_event_type: str
    requires: str


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[TriggerEntry, ...]
    terms: dict[str, dict[tuple[str, ...], str]]  # class -> lemmas -> value

    def value(self, word_class: str, lemmas: str | tuple[str, ...]) -> str | None:
        """The class's value for a lemma or a run of lemmas, None when the class lacks it."""
        key = (lemmas,) if isinstance(lemmas, str) else lemmas
        return self.terms[word_class].get(key)

    def has(self, word_class: str, lemmas: str | tuple[str, ...]) -> bool:
        return self.value(word_class, lemmas) is not None

    def longest(self, word_class: str, lemmas: list[str], end: int) -> tuple[int, str] | None:
        """The longest term of the class ending at lemmas[end] (a compound's head), as
        (number of words, value); None when none ends there."""
        table = self.terms[word_class]
        for width in range(min(MAX_TERM_WORDS, end + 1), 0, -1):
            value = table.get(tuple(lemmas[end - width + 1 : end + 1]))
            if value is not None:
                return width, value
        return None


def lemmas_of(token: "Token") -> tuple[str, ...]:
    """A token's lemma, and the stems of its form where the lemmatizer is known to slip
    ("staged" -> "stag"): lexicon look-ups try them all."""
    lemma = token.lemma_.lower()
    form = token.lower_
    stems = [lemma]
    if form.endswith("ed"):
        stems += [form[:-1], form[:-2]]
    elif form.endswith("ing"):
        stems += [form[:-3] + "e", form[:-3]]
    return tuple(dict.fromkeys(stems))


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            first = next(iter(row.values()), "") or ""
            if first.startswith("#"):
                continue
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def load_lexicon(triggers_path: Path = TRIGGERS_CSV, lexicon_path: Path = LEXICON_CSV) -> Lexicon:
    """Read both files; an unknown frame, class or requirement is an error naming file and line."""
    triggers: list[TriggerEntry] = []
    for line, row in _rows(triggers_path):
        entry = TriggerEntry(
            tuple(row["pattern"].lower().split()), row["pos"].upper().replace("ANY", ""), row["frame"],
            row["event_type"], row["sub_event_type"], row["requires"],
        )
        if not entry.lemmas or entry.frame not in FRAMES or any(r not in REQUIREMENTS for r in entry.requires.split("|") if entry.requires):
            raise ValueError(f"{triggers_path}:{line}: bad trigger row {row!r}")
        triggers.append(entry)
    terms: dict[str, dict[tuple[str, ...], str]] = {name: {} for name in CLASSES}
    for line, row in _rows(lexicon_path):
        if row["class"] not in terms or not row["term"]:
            raise ValueError(f"{lexicon_path}:{line}: unknown class {row['class']!r} or empty term")
        words = tuple(row["term"].lower().split())
        if len(words) > MAX_TERM_WORDS:
            raise ValueError(f"{lexicon_path}:{line}: a term has at most {MAX_TERM_WORDS} words")
        terms[row["class"]][words] = row["value"]
    return Lexicon(tuple(triggers), terms)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of data/, read once per process."""
    return load_lexicon()


# Words of trigger patterns too common to flag a sentence by themselves ("set fire": "fire" does).
_WEAK_WORDS = frozenset({
    "go", "off", "on", "up", "down", "out", "of", "over", "take", "set", "-", "in", "step", "gain", "regain", "open", "throw", "hurl",
    "exchange", "sit", "dead", "the", "to", "into", "find",
})


def inflections(lemma: str, irregular: dict[str, list[str]]) -> set[str]:
    """Surface forms of a lemma: regular English endings, and the irregular forms a lemmatizer
    exception table (form -> lemmas) lists for it. Over-generation is harmless: the forms only
    choose which sentences to parse."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing", lemma[:-1] + "ed"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # "stab" -> "stabbed"
    forms.update(form for form, lemmas in irregular.items() if lemma in lemmas)
    return forms


def trigger_forms(entries: Iterable[TriggerEntry], irregular: dict[str, list[str]]) -> frozenset[str]:
    """Lower-case word forms that flag a sentence for parsing."""
    forms: set[str] = set()
    for entry in entries:
        for lemma in entry.lemmas:
            if lemma not in _WEAK_WORDS:
                forms |= inflections(lemma, irregular)
    return frozenset(forms)
