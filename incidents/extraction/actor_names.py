"""spaCy component `incident_actor_names`: known actor names become single proper-noun tokens.

It runs first, before the tagger and parser: each name of the actor lexicon (data/actors.csv)
found in the text is merged into one token whose NORM is the actor's canonical name, so the
parser sees "IS militants" as a name and a noun, not the verb "is". Layer written:
`doc.spans["actors"]` (label: the canonical name) and `token._.actor` (the lexicon entry).
Acronyms ("IS", "KH", "US") match only in capitals, or "is" and "us" would match.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from incidents.actors import Actor, actors

_SHORT_ALIAS = 4

if not Token.has_extension("actor"):
    Token.set_extension("actor", default=None)


class ActorNames:
    def __init__(self, nlp: Language) -> None:
        self.actors: tuple[Actor, ...] = actors()
        self.names = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        # match ids are string hashes, the same in every vocabulary (the sentence splitter has its own)
        self.by_label = {nlp.vocab.strings.add(str(position)): actor for position, actor in enumerate(self.actors)}
        for position, actor in enumerate(self.actors):
            long_names: set[str] = set()
            short_names: set[str] = set()
            for name in actor.names:
                target = short_names if len(name) <= _SHORT_ALIAS and name.upper() == name else long_names
                # Reports write the apostrophe straight, curly or not at all: "Asa’ib", "Asa'ib", "Asaib".
                target.update({name, name.replace("’", "'"), name.replace("'", "’"), name.replace("'", "")})
            if long_names:
                self.names.add(str(position), list(nlp.tokenizer.pipe(sorted(long_names))))
            if short_names:
                self.acronyms.add(str(position), list(nlp.tokenizer.pipe(sorted(short_names))))

    def __call__(self, doc: Doc) -> Doc:
        matches = [*self.names(doc), *self.acronyms(doc)]
        labels = {(start, end): self.by_label[label] for label, start, end in matches}
        # "anti-Houthi forces" are the Houthis' enemies: a name written against is not the actor
        spans = filter_spans([doc[start:end] for _, start, end in matches if not _against(doc, start)])
        # Names ("Kataib Hezbollah", "Asa'ib Ahl al-Haq") and acronyms ("IS", "KH") become one
        # proper-noun token; a common-noun phrase ("unknown gunmen", "regime forces", a capitalised
        # "Gunmen") is left to the parser, its head noun marked.
        merged = [span for span in spans if _is_name(span)]
        with doc.retokenize() as retokenizer:
            for span in merged:
                actor = labels[(span.start, span.end)]
                retokenizer.merge(span, attrs={"NORM": actor.name.lower(), "TAG": "NNP", "POS": "PROPN"})
        names = []
        shift = 0  # after merging, token indices shift left by the merged widths
        merged_starts = {span.start for span in merged}
        for span in spans:
            actor = labels[(span.start, span.end)]
            start = span.start - shift
            if span.start in merged_starts:
                end = start + 1
                shift += len(span) - 1
            else:
                end = start + len(span)
            doc[end - 1]._.actor = actor
            names.append(Span(doc, start, end, label=actor.name))
        doc.spans["actors"] = names
        return doc


def _against(doc: Doc, start: int) -> bool:
    before = doc[max(0, start - 2) : start]
    return bool(before) and before[-1].text == "-" and any(t.lower_ == "anti" for t in before)


def _is_name(span: Span) -> bool:
    if len(span) == 1:
        return span[0].is_upper and len(span[0].text) > 1
    return span[0].text[:1].isupper() and span[-1].text[:1].isupper()


@Language.factory("incident_actor_names")
def make_actor_names(nlp: Language, name: str) -> ActorNames:
    return ActorNames(nlp)
