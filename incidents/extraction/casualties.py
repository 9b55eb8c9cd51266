"""Casualties from the parse: the number on the victim of a harm verb, or on a casualty noun.

"killing a woman and three children" is 4 dead (the objects of "killing", summed over the
conjunction); "two soldiers were wounded" 2 hurt (the passive subject); "3 fatalities", "left
five dead", "the death toll rose to 12" count the dead by a noun. Negation gives zero: "no one
was killed", "without causing casualties", "not injuring any". ACLED's rule: the lowest number
a vague word can mean ("several" 3, "dozens" 12: data/lexicon.csv, class number). The words
come from data/lexicon.csv (classes harm, casualty_noun, number).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Token

from incidents.extraction.lexicon import Lexicon

_MAX_COUNT = 100_000
_SINGULAR_PRONOUNS = frozenset({"him", "her", "he", "she"})
_ZERO_WORDS = frozenset({"no", "none", "nobody", "nothing"})
_COUNTING_NOUNS = frozenset({"dozen", "dozens", "hundreds", "scores", "number", "couple"})


@dataclass(frozen=True)
class Casualties:
    fatalities: int | None = None
    injuries: int | None = None
    reported: bool = False  # casualties are mentioned, with or without a number

    def completed_by(self, other: Casualties) -> Casualties:
        """This toll, with what it lacks taken from another telling of the event."""
        return Casualties(
            self.fatalities if self.fatalities is not None else other.fatalities,
            self.injuries if self.injuries is not None else other.injuries,
            self.reported or other.reported,
        )


def number_of(token: Token, lexicon: Lexicon) -> int | None:
    """The number a word states: digits ("1,200") or a number word ("three", "dozens")."""
    text = token.lower_.replace(",", "")
    if text.isdigit():
        value = int(text)
        return value if value < _MAX_COUNT else None
    word = lexicon.value("number", token.lower_)
    return int(word) if word is not None else None


def count(noun: Token, lexicon: Lexicon) -> int | None:
    """How many a noun phrase counts: "three children" 3, "a woman" 1, "dozens of people" 12,
    "him" 1; None when it does not say ("civilians")."""
    if noun.lower_ in _SINGULAR_PRONOUNS:
        return 1
    own = number_of(noun, lexicon)
    if own is not None and noun.pos_ in ("NUM", "NOUN", "PRON") and not noun.like_num is False:
        return own  # "killing 15", "dozens of civilians", "a number of fighters"
    if own is not None and noun.pos_ == "NUM":
        return own
    if noun.lower_ in ("dozens", "hundreds", "scores", "number") and own is not None:
        return own
    for child in noun.children:
        if child.dep_ in ("nummod", "quantmod") or (child.dep_ == "amod" and lexicon.has("number", child.lower_)):
            value = number_of(child, lexicon)
            if value is not None:
                return value
        if child.dep_ == "det" and child.lower_ in ("a", "an", "one"):
            return 1
    if noun.tag_ == "NNP" or (noun.tag_ == "NN" and lexicon.value("civilian", noun.lemma_.lower()) is not None):
        return 1  # a named person ("shot dead activist Ihab al-Wazni"); "killing civilian" without an article
    if noun.tag_ == "NN" and any(c.dep_ == "poss" or c.lower_ in ("the", "this", "that") for c in noun.children):
        return 1  # "a commander and his driver", "the soldier"
    return None


def _conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


def _victims(verb: Token) -> list[Token]:
    """Who a harm verb harmed: its object, or its passive (or adjectival) subject."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    if not objects and verb.tag_ == "VBN":
        objects = [c for c in verb.children if c.dep_ == "nsubj"]  # "two were killed and three wounded"
    if not objects and verb.dep_ == "conj" and verb.tag_ == "VBN":
        objects = [c for c in verb.head.children if c.dep_ == "nsubjpass"]  # "a civilian was shot and killed"
    if not objects and verb.dep_ in ("acl", "amod") and verb.head.pos_ in ("NOUN", "PROPN", "NUM"):
        objects = [verb.head]  # "three civilians killed by ..."; "two injured soldiers"
    if not objects and verb.pos_ == "ADJ":
        objects = [c for c in verb.children if c.dep_ == "nsubj"]  # "two soldiers were injured"
    if not objects:
        of = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "of"]  # "the killing of three"
        objects = [g for p in of for g in p.children if g.dep_ == "pobj"]
    # "killing a commander ... and his driver": a noun the parser joined to the verb is a victim too
    objects += [c for c in verb.children if c.dep_ == "conj" and c.pos_ == "NOUN" and objects]
    return [t for o in objects for t in _conjuncts(o)]


def _to_death(verb: Token) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == "to" and any(g.lemma_.lower() == "death" for g in c.children) for c in verb.children)


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.dep_ in ("nsubjpass", "nsubj", "dobj") and (c.lower_ in _ZERO_WORDS or any(d.lower_ == "no" for d in c.children))
        for c in token.children
    )


def _denied(noun: Token) -> bool:
    """"no fatalities", "no immediate reports of casualties"."""
    for word in (noun, noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None):
        if word is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in word.children):
            return True
    return False


def _without(token: Token) -> bool:
    """"without causing casualties": governed by "without"."""
    current = token
    for _ in range(5):
        if current.lower_ == "without":
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def count_casualties(tokens: Iterable[Token], lexicon: Lexicon) -> Casualties:
    """The toll the tokens of an event's clause state."""
    dead: list[int] = []
    hurt: list[int] = []
    reported = False
    zero_dead = zero_hurt = False
    for token in tokens:
        lemma = token.lemma_.lower()
        following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
        # "shot dead", "gunned down": the verb and the word after it
        harm = lexicon.value("harm", (lemma, following)) or lexicon.value("harm", lemma) or lexicon.value("harm", token.lower_)
        if token.pos_ == "VERB" and _to_death(token):
            harm = "killed"  # "stabbed to death", "beaten to death"
        if harm is not None:
            reported = True
            if _negated(token) or _without(token):
                zero_dead, zero_hurt = zero_dead or harm == "killed", zero_hurt or harm == "injured"
                continue
            counts = [count(v, lexicon) for v in _victims(token)]
            known = [c for c in counts if c is not None]
            if known:
                # "three service members, two Americans and a Briton": the list after the first
                # count spells it out
                total = known[0] if len(known) > 2 and known[0] == sum(known[1:]) else sum(known)
                (dead if harm == "killed" else hurt).append(total)
            continue
        noun = lexicon.value("casualty_noun", lemma) or lexicon.value("casualty_noun", token.lower_)
        if noun is None:
            continue
        if token.pos_ not in ("NOUN", "ADJ", "PROPN"):
            continue
        reported = True
        if _denied(token) or _without(token) or _negated(token.head):
            zero_dead = zero_dead or noun in ("killed", "either")
            zero_hurt = zero_hurt or noun in ("injured", "either")
            continue
        value = count(token, lexicon)
        if value is None and token.dep_ == "oprd":  # "leaving one soldier dead": the object counts
            value = next((count(o, lexicon) for o in token.head.children if o.dep_ == "dobj"), None)
        if value is None and lemma == "toll":
            value = next((number_of(t, lexicon) for t in token.head.subtree if t.like_num), None)
        if value is None:
            continue
        if noun == "killed":
            dead.append(value)
        elif noun == "injured":
            hurt.append(value)
    fatalities = min(dead) if dead else (0 if zero_dead else None)
    injuries = min(hurt) if hurt else (0 if zero_hurt else None)
    # "without causing casualties" says none; "casualties unknown" says some, uncounted
    return Casualties(fatalities, injuries, bool(dead or hurt) or (reported and not (zero_dead or zero_hurt)))
