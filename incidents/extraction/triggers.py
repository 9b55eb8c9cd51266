"""spaCy component `incident_triggers`: the words that report an event, and whether they report it
as a fact.

Patterns come from data/triggers.csv and match lemmas (looked up by their first lemma), so
"kill", "killed", "killing" and "were killed" are one entry. Each match is kept with `span._.trigger`
(its lexicon entry) and `span._.asserted`: False when the parse makes it something other than a
told event: negated ("no rockets hit"), modal ("could hit"), governed by a threat, plan or denial
("vowed to attack", "denied that its forces shelled"), an infinitive of purpose ("to defend
against attacks"), an aggregate ("a wave of protests", "attacks have averaged"), or inside a
conditional. Layer written: `doc.spans["triggers"]` (label: the event type).
"""

from __future__ import annotations

from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from incidents.extraction.lexicon import Lexicon, TriggerEntry, lexicon

if not Span.has_extension("trigger"):
    Span.set_extension("trigger", default=None)
    Span.set_extension("asserted", default=True)
    Span.set_extension("definite", default=False)

_VERBAL = {"VERB", "AUX"}
_NOUN_POS = {"NOUN", "PROPN"}
# Dependencies by which a clause hangs below the word that governs it.
_GOVERNED = {"xcomp", "ccomp", "dobj", "pobj", "prep", "acl", "advcl", "relcl", "attr", "oprd", "nsubj", "nsubjpass", "pcomp", "amod", "compound", "conj", "appos"}
_DEFINITE = {"the", "this", "that", "these", "those", "such"}
_POSSESSIVE_PRONOUNS = {"its", "their", "his", "her"}
_HEDGE_DEPTH = 4


class EventTriggers:
    def __init__(self, nlp: Language, lexicon_: Lexicon | None = None) -> None:
        self.lexicon = lexicon_ or lexicon()
        self.entries: list[TriggerEntry] = list(self.lexicon.triggers)
        # entries by their first lemma's string id: a token looks up the few that may start on it
        self.by_first: dict[int, list[tuple[TriggerEntry, tuple[int, ...]]]] = {}
        for entry in self.entries:
            ids = tuple(nlp.vocab.strings.add(lemma) for lemma in entry.lemmas)
            self.by_first.setdefault(ids[0], []).append((entry, ids))

    def matches(self, doc: Doc) -> list[tuple[TriggerEntry, int, int]]:
        """(entry, start, end) of every lexicon entry whose lemmas the tokens spell, in lexicon order at each token."""
        lemmas = doc.to_array([LEMMA]).tolist() if len(doc) else []
        found = []
        for start, lemma in enumerate(lemmas):
            for entry, ids in self.by_first.get(lemma, ()):
                end = start + len(ids)
                if tuple(lemmas[start:end]) == ids:
                    found.append((entry, start, end))
        return found

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        taken: set[int] = set()
        # Longer patterns first: "air strike" before "strike", "shoot down" before "shoot".
        matches = sorted(self.matches(doc), key=lambda m: (-(m[2] - m[1]), m[1]))
        for entry, start, end in matches:
            span = doc[start:end]
            head = span.root
            if entry.pos and head.pos_ != entry.pos and not (entry.pos == "VERB" and head.pos_ == "AUX"):
                continue
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            trigger = Span(doc, start, end, label=entry.event_type or entry.frame)
            trigger._.trigger = entry
            trigger._.asserted = is_asserted(head, self.lexicon, protest=entry.frame == "protest")
            trigger._.definite = is_definite(head)
            found.append(trigger)
        doc.spans["triggers"] = sorted(found, key=lambda s: s.start)
        return doc


def is_asserted(token: Token, lexicon_: Lexicon, protest: bool = False) -> bool:
    """Whether the parse tells the event at `token` as having happened."""
    if _negated(token) or _aggregate(token, lexicon_):
        return False
    current = token
    # "attempted to storm the base, killing three guards": what the attempt did happened
    outcome = False
    for _ in range(_HEDGE_DEPTH):
        if _modal(current, lexicon_):
            return False
        # a governor that threatens, plans or denies comes before what it governs ("vowed to
        # attack"); one after the trigger is a misparse ("staged a demonstration ... to demand")
        if current.i != token.i and current.i < token.i and lexicon_.has("hedge", current.lemma_.lower()) and not outcome:
            return False
        outcome = outcome or (current.dep_ == "advcl" and current.tag_ == "VBG")
        if (
            not outcome
            and current.dep_ in ("xcomp", "advcl", "acl", "relcl", "ccomp") and any(c.tag_ == "TO" for c in current.children)
            and current.lemma_ != "be"  # "a group likely to be IS militants shot at ...": who, not an intention
        ):
            # "to defend against attacks", "plans to strike": a purpose or an intention; "began to
            # shell" is not, nor is a protest purpose of people who gathered ("stood on the road to block it")
            if not lexicon_.has("support", current.head.lemma_.lower()) and not (protest and current.head.tag_ == "VBD"):
                return False
        if current.dep_ not in _GOVERNED or current.head.i == current.i:
            break
        if current.dep_ == "conj" and current.i == token.i:
            # a coordinated verb shares its head's modality ("could hit and kill"), no more
            current = current.head
            continue
        current = current.head
    return True


def _negated(token: Token) -> bool:
    for child in token.children:
        if child.dep_ == "neg":
            return True
        # "no rockets hit", "no one was killed", "nobody was hurt"
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and (
            child.lower_ in ("nobody", "none", "nothing") or any(d.dep_ == "det" and d.lower_ == "no" for d in child.children)
        ):
            return True
        if child.dep_ == "det" and child.lower_ in ("no", "any") and token.pos_ in _NOUN_POS:
            return True
    if token.pos_ in _NOUN_POS and token.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj"):
        # "did not carry out the attack", "there was no attack"
        verb = token.head if token.dep_ != "pobj" else token.head.head
        return any(child.dep_ == "neg" for child in verb.children)
    return False


def _modal(token: Token, lexicon_: Lexicon) -> bool:
    """"could hit", "will strike", "if they attack"."""
    return any(child.dep_ in ("aux", "auxpass", "mark") and lexicon_.has("modal", child.lower_) for child in token.children)


def _aggregate(token: Token, lexicon_: Lexicon) -> bool:
    """"a wave of protests", "attacks have averaged one a week", "regularly shelled"."""
    def aggregate(word: Token) -> bool:
        return lexicon_.has("aggregate", word.lemma_.lower()) or lexicon_.has("aggregate", word.lower_)

    if any(child.dep_ in ("advmod", "amod", "compound") and aggregate(child) for child in token.children):
        return True
    if token.pos_ in _NOUN_POS and token.tag_ in ("NNS", "NNPS"):
        if any(child.tag_ == "JJS" for child in token.children):
            return True  # "one of the largest attacks in months": a comparison with many
        if token.dep_ == "pobj" and token.head.lower_ == "of" and aggregate(token.head.head):
            return True
        if token.dep_ in ("nsubj", "nsubjpass") and aggregate(token.head):
            return True
    return False


def is_definite(token: Token) -> bool:
    """"the attack", "this strike": a noun referring back to an event told before. "one of the
    attacks" is a new instance."""
    if token.pos_ not in _NOUN_POS:
        return False
    definite = any(
        (c.dep_ == "det" and c.lower_ in _DEFINITE) or (c.dep_ == "poss" and c.lower_ in _POSSESSIVE_PRONOUNS)
        for c in token.children
    )
    if definite and token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in ("one", "another", "some", "two", "three"):
        return False
    if definite and any(_indefinite(g) for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"):
        return False  # "the bodies of two women", "the killing of a shepherd": someone new, no event told before
    return definite


def _indefinite(noun: Token) -> bool:
    return any((c.dep_ == "det" and c.lower_ in ("a", "an")) or c.dep_ == "nummod" for c in noun.children)


@Language.factory("incident_triggers")
def make_event_triggers(nlp: Language, name: str) -> EventTriggers:
    return EventTriggers(nlp)
