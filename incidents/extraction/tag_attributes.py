"""spaCy component `incident_tag_attributes`: the model's attribute ruler, looked up instead of matched.

en_core_web_sm's `attribute_ruler` maps each fine tag to its coarse part of speech and morphology
("NN" -> NOUN), and a few words to their lemma or features ("has"/VBZ -> AUX, lemma "have"):
179 rules run through spaCy's `Matcher`, which tries every rule at every token; that was a sixth
of the parse's cost. Here a token's first-token attributes (tag, form, dependency, "is space"),
each reduced to "a value some rule names" or "any other", key a dict of the rules whose first
token they satisfy, filled as new keys are met; only the few rules longer than one token test
the tokens after. The rules, their attributes and their order are the model's own, read from
its ruler when the pipeline is built, the attributes set by spaCy's own setter, and matches
applied in the ruler's order (a later rule overrides an earlier one): the layer is the ruler's.
Layer written: tokens' POS, MORPH, LEMMA (and TAG/DEP for spaces), as the ruler writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# The token attributes the ruler's patterns test, read for a whole Doc at once by Doc.to_array:
# string ids, and 0/1 for the flag.
_ATTRIBUTES = frozenset({"TAG", "LOWER", "ORTH", "NORM", "DEP", "POS", "LEMMA", "IS_SPACE"})
_FLAGS = frozenset({"IS_SPACE"})
# A value no rule names (string ids are hashes; "" is 0).
_OTHER = -1
Test = Callable[[int], bool]


class _Condition:
    """One condition of a Matcher token pattern on one attribute: ==, IN, NOT_IN or REGEX."""

    def __init__(self, attribute: str, wanted: Any, strings: StringStore) -> None:
        if attribute not in _ATTRIBUTES:
            raise ValueError(f"attribute ruler pattern tests {attribute!r}, which incident_tag_attributes does not read")
        self.attribute = attribute
        self.named: frozenset[int] = frozenset()  # the values the condition names
        self.regex: re.Pattern[str] | None = None
        operator, allowed = ("==", wanted) if not isinstance(wanted, dict) else next(iter(wanted.items()))
        if operator not in ("==", "IN", "NOT_IN", "REGEX"):
            raise ValueError(f"attribute ruler pattern operator {operator!r} is not read by incident_tag_attributes")
        if operator == "REGEX":
            self.regex = re.compile(allowed)
            self.test: Test = lambda value: value != _OTHER and bool(self.regex.search(strings[value]))  # type: ignore[union-attr]
            return
        values = [allowed] if operator == "==" else list(allowed)
        self.named = frozenset(int(v) if attribute in _FLAGS else strings[v] for v in values)
        named = self.named
        self.test = (lambda value: value not in named) if operator == "NOT_IN" else (lambda value: value in named)


class _Rule:
    """One alternative pattern of one ruler entry: its conditions, token by token."""

    def __init__(self, number: int, pattern: list[dict[str, Any]], strings: StringStore) -> None:
        self.number = number
        self.width = len(pattern)
        self.conditions = [[_Condition(attribute, wanted, strings) for attribute, wanted in token.items()] for token in pattern]

    def first_holds(self, values: dict[str, int]) -> bool:
        return all(condition.test(values[condition.attribute]) for condition in self.conditions[0])

    def rest_holds(self, features: dict[str, list[int]], start: int) -> bool:
        """Whether the tokens after the first meet theirs (raw ids)."""
        if start + self.width > len(features["TAG"]):
            return False
        return all(
            condition.test(features[condition.attribute][start + k])
            for k in range(1, self.width)
            for condition in self.conditions[k]
        )


class TagAttributes:
    def __init__(self, ruler: AttributeRuler) -> None:
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        self.strings = ruler.vocab.strings
        self.rules = [
            _Rule(number, pattern, self.strings) for number, entry in enumerate(ruler.patterns) for pattern in entry["patterns"]
        ]
        conditions = [c for rule in self.rules for token in rule.conditions for c in token]
        self.read = sorted({c.attribute for c in conditions} | {"TAG"})
        firsts = [c for rule in self.rules for c in rule.conditions[0]]
        self.key_attributes = tuple(sorted({c.attribute for c in firsts}))
        # per key attribute: the values some first-token condition names, and the patterns it matches
        self.named = {a: frozenset().union(*(c.named for c in firsts if c.attribute == a)) for a in self.key_attributes}
        self.regexes = {a: [c.regex for c in firsts if c.attribute == a and c.regex is not None] for a in self.key_attributes}
        self._regex_hits: dict[int, bool] = {}
        self._rules_for: dict[tuple[int, ...], tuple[_Rule, ...]] = {}

    def _reduced(self, attribute: str, value: int) -> int:
        """The value, or _OTHER when no first-token condition can tell it from any unnamed one."""
        if value in self.named[attribute]:
            return value
        patterns = self.regexes[attribute]
        if patterns:
            hit = self._regex_hits.get(value)
            if hit is None:
                if len(self._regex_hits) > 100_000:
                    self._regex_hits.clear()
                hit = self._regex_hits[value] = any(p.search(self.strings[value]) for p in patterns)
            if hit:
                return value
        return _OTHER

    def rules_for(self, key: tuple[int, ...]) -> tuple[_Rule, ...]:
        """The rules whose first token a token of these (reduced) attribute values meets, in order."""
        found = self._rules_for.get(key)
        if found is None:
            values = dict(zip(self.key_attributes, key, strict=True))
            found = self._rules_for[key] = tuple(rule for rule in self.rules if rule.first_holds(values))
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array(self.read).reshape(len(doc), len(self.read)).T.tolist()
        features = dict(zip(self.read, columns, strict=True))
        keys = zip(*([self._reduced(a, v) for v in features[a]] for a in self.key_attributes), strict=True)
        matches: list[tuple[int, int, int]] = []
        for i, key in enumerate(keys):
            for rule in self.rules_for(key):
                if rule.width == 1 or rule.rest_holds(features, i):
                    matches.append((rule.number, i, i + rule.width))
        # the ruler's order: by rule, so that a later rule overrides an earlier one
        for number, start, end in sorted(set(matches)):
            index = self.indices[number]
            set_token_attrs(doc[(start if index >= 0 else end) + index], self.attrs[number])
        return doc


@Language.factory("incident_tag_attributes")
def make_tag_attributes(nlp: Language, name: str) -> TagAttributes:
    """Built from the pipeline's `attribute_ruler`, which it then replaces."""
    return TagAttributes(nlp.get_pipe("attribute_ruler"))
