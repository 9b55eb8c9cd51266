"""Articles to incidents: every incident a report describes, dated and placed as exactly as it
allows and no more, attributed the way it attributes it, and nothing it does not describe.

A sentence becomes an incident when it has an event trigger told as a fact (not a threat, plan,
possibility, negation or aggregate), a date phrase (or continues a dated incident sentence of
its paragraph), and a place: its own most specific locative place, else the country its
paragraph or article places events in. Photo captions and datelines are never read for incidents.

The spaCy pipeline (blank English, a sentencizer, and a PhraseMatcher fed from the actor lexicon)
is built once per process; the place name keys once per geocoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from geopy.distance import distance
from spacy.util import filter_spans

from geo import normalize as geo_normalize
from geo.normalize import name_key
from incidents.actors import Actor, actor_group_for, actors
from incidents.articles import Article, split_dateline
from incidents.extraction.cues import (
    Casualties,
    Trigger,
    find_attributer,
    find_attribution,
    find_casualties,
    find_munitions,
    find_trigger,
    incident_clause,
    PLURAL_EVENT_NOUN,
    protest_sub_event_type,
)
from incidents.extraction.dates import ResolvedDate, find_date_phrases, resolve_date
from incidents.extraction.places import PlaceFinder, PlaceMention, best_place
from incidents.model import GeoPrecision, Incident, TimePrecision, stable_id

# The gazetteer kinds fed to the place finder; cities only from this population up, because
# small towns named like common words ("Security", "Hook") would otherwise turn up everywhere.
# Smaller places are still found through their cue ("the village of X") and the geocoder.
PLACE_KINDS: tuple[str, ...] = ("base", "airfield", "site", "admin1", "country", "region")
CITY_MIN_POPULATION = 15_000
_PLACE_KEYS_FORMAT = 2  # bump when the keys are chosen differently, to rebuild cached key sets

# A caption's photo credit: "(AP)", "(Reuters)", "AFP/Getty Images", "Photo: ...".
_CAPTION_CREDIT = re.compile(
    r"(?:\((?:AP|AFP|Reuters|EPA|Getty(?: Images)?|Anadolu|AA|Xinhua|File|File photo|Photo)[^)]{0,40}\)|"
    r"(?:AFP|Reuters|AP|EPA)\s*/\s*[\w .]+|Getty Images|\bPhoto(?:graph)?(?: credit)?:.*)\s*$",
    re.IGNORECASE,
)
# Attribution is looked for this many sentences after the incident sentence.
_ATTRIBUTION_WINDOW = 3
_SHORT_ALIAS = 4


@dataclass
class Sentence:
    index: int  # position in the article, counting every sentence read
    paragraph: int
    span: Any  # spaCy Span
    text: str
    trigger: Trigger | None = None
    actors: list[tuple[int, int, Actor]] = field(default_factory=list)  # (start, end, actor) in the sentence


@dataclass(frozen=True)
class _Pipeline:
    nlp: Language
    names: PhraseMatcher  # actor names, case-insensitive
    acronyms: PhraseMatcher  # "IS", "KH", "US": only in capitals, or "us" and "is" would match


@lru_cache(maxsize=1)
def _pipeline() -> _Pipeline:
    """A blank English pipeline with a sentencizer, and the actor matchers (built once a process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    names = PhraseMatcher(nlp.vocab, attr="LOWER")
    acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
    for position, actor in enumerate(actors()):
        long_names: set[str] = set()
        short_names: set[str] = set()
        for name in actor.names:
            target = short_names if len(name) <= _SHORT_ALIAS and name.upper() == name else long_names
            # Reports write the apostrophe straight, curly or not at all: "Asa’ib", "Asa'ib", "Asaib".
            target.update({name, name.replace("’", "'"), name.replace("'", "’"), name.replace("'", "")})
        if long_names:
            names.add(str(position), list(nlp.tokenizer.pipe(sorted(long_names))))
        if short_names:
            acronyms.add(str(position), list(nlp.tokenizer.pipe(sorted(short_names))))
    return _Pipeline(nlp, names, acronyms)


def place_names_for(geocoder: Any) -> tuple[str, ...]:
    """The gazetteer names the place finder looks for (see PLACE_KINDS)."""
    names = set(geocoder.place_names(kinds=PLACE_KINDS))
    names.update(geocoder.place_names(kinds=("city",), min_population=CITY_MIN_POPULATION))
    return tuple(sorted(names))


def place_keys_for(geocoder: Any) -> frozenset[str]:
    """The name keys of place_names_for(geocoder), cached on disk next to the geocoder's index.

    Listing and normalising some 225,000 names takes seconds; loading their keys takes
    milliseconds. The cache is keyed by what the keys depend on: the sizes of the gazetteer
    layers, the normaliser's code and our choice of kinds. The user's own aliases are left out
    of the signature, so that `resolve` does not cost a rebuild: they are found by their cue
    ("the village of X") or preposition ("in X") and the geocoder's exact look-up.
    """
    cache_dir = getattr(geocoder, "cache_dir", None)
    path = Path(cache_dir) / f"extract-place-keys-{_place_keys_signature(geocoder)}.pickle" if cache_dir else None
    if path is not None:
        try:
            with path.open("rb") as handle:
                return frozenset(pickle.load(handle))
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            pass  # absent or damaged: rebuilt below
    # Two-letter keys only with a digit ("K-1"): "us", "am" and the like are words, not places.
    keys = frozenset(
        key
        for key in (name_key(name).key for name in place_names_for(geocoder))
        if len(key) >= 3 or (len(key) == 2 and any(c.isdigit() for c in key))
    )
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Keep a few recent key sets (several gazetteers may be in use), drop older ones.
        cached = sorted(path.parent.glob("extract-place-keys-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in cached[:-3]:
            stale.unlink(missing_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".extract-place-keys-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(sorted(keys), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # a concurrent reader never sees half a file
    return keys


def _place_keys_signature(geocoder: Any) -> str:
    digest = hashlib.sha256(repr((_PLACE_KEYS_FORMAT, PLACE_KINDS, CITY_MIN_POPULATION)).encode())
    layers = [getattr(geocoder, "base_layer", None), *getattr(geocoder, "file_layers", [])]
    if all(layer is not None and hasattr(layer, "key_count") for layer in layers):
        digest.update(repr([(len(layer), layer.key_count) for layer in layers]).encode())
    else:  # another geocoder: its whole index size
        digest.update(json.dumps(getattr(geocoder, "index_size", {}), sort_keys=True).encode())
    digest.update(Path(geo_normalize.__file__).read_bytes())
    return digest.hexdigest()[:16]


class Extractor:
    """Extracts incidents from articles with the offline gazetteer and the actor lexicon."""

    def __init__(self, geocoder: Any | None = None) -> None:
        if geocoder is None:
            from geo import default_geocoder

            geocoder = default_geocoder()
        self.geocoder = geocoder
        self._pipeline = _pipeline()
        self._actor_list = actors()
        self.places = PlaceFinder(geocoder, place_keys_for(geocoder))

    # -- reading -----------------------------------------------------------------------------
    def sentences(self, article: Article) -> list[Sentence]:
        """The article's body sentences, without photo captions and datelines."""
        paragraphs = article.text.split("\n\n")
        has_dateline = [bool(split_dateline(p)[0]) for p in paragraphs]
        first_dateline = has_dateline.index(True) if any(has_dateline) else None
        texts: list[tuple[int, str]] = []
        for number, paragraph in enumerate(paragraphs):
            if first_dateline is not None and number < first_dateline:
                continue  # before the dateline: captions and bylines
            if _CAPTION_CREDIT.search(paragraph):
                continue
            texts.extend((number, piece) for piece in _pieces(split_dateline(paragraph)[1]))
        sentences: list[Sentence] = []
        pipeline = self._pipeline
        for (number, _), doc in zip(texts, pipeline.nlp.pipe(text for _, text in texts), strict=True):
            matches = [*pipeline.names(doc), *pipeline.acronyms(doc)]
            spans = filter_spans([doc[start:end] for _, start, end in matches])
            labels = {(start, end): int(pipeline.nlp.vocab.strings[label]) for label, start, end in matches}
            for sent in doc.sents:
                # The sentencizer leaves a following quotation's opening mark on the sentence before.
                sentence = Sentence(len(sentences), number, sent, sent.text.rstrip(" “‘\"'"))
                sentence.trigger = find_trigger(sentence.text)
                for span in spans:
                    if sent.start <= span.start and span.end <= sent.end:
                        actor = self._actor_list[labels[(span.start, span.end)]]
                        sentence.actors.append((span.start_char - sent.start_char, span.end_char - sent.start_char, actor))
                sentences.append(sentence)
        return sentences

    # -- extraction --------------------------------------------------------------------------
    def extract(self, article: Article) -> list[Incident]:
        sentences = self.sentences(article)
        bias = self._country_bias(sentences)
        mentions: dict[int, list[PlaceMention]] = {}

        def places_of(sentence: Sentence) -> list[PlaceMention]:
            if sentence.index not in mentions:
                skip = [(p.start, p.end) for p in find_date_phrases(sentence.text)]
                # Multi-word and acronym actor names are not places; "Iran" may be either.
                skip += [
                    (start, end)
                    for start, end, _ in sentence.actors
                    if " " in sentence.text[start:end] or sentence.text[start:end].isupper()
                ]
                mentions[sentence.index] = self.places.mentions(sentence.span, country_bias=bias, skip=skip)
            return mentions[sentence.index]

        article_country = self._article_country(sentences, places_of)
        incidents: list[Incident] = []
        previous_dated: dict[int, tuple[int, ResolvedDate]] = {}  # paragraph -> (sentence index, date)
        for sentence in sentences:
            trigger = sentence.trigger
            if trigger is None:
                continue
            when = self._date_of(sentence, trigger, article.published)
            if when is None:
                earlier = previous_dated.get(sentence.paragraph)
                # An undated sentence right after a dated incident sentence continues its story.
                if earlier is None or earlier[0] != sentence.index - 1:
                    continue
                when = earlier[1]
            previous_dated[sentence.paragraph] = (sentence.index, when)
            own_place = best_place(places_of(sentence))
            specific = own_place is not None and own_place.rank <= 1
            if trigger.definite and not specific:
                continue  # "the attack" without a place of its own refers back to a told incident
            if PLURAL_EVENT_NOUN.search(sentence.text[trigger.start : trigger.end]) and not specific:
                continue  # "rocket attacks on bases in Iraq": many incidents, none told
            incident = self._incident(article, sentence, trigger, when, own_place, sentences, places_of, article_country)
            if incident is not None:
                incidents.append(incident)
        return _merge_duplicates(incidents)

    def _date_of(self, sentence: Sentence, trigger: Trigger, published: date) -> ResolvedDate | None:
        """The most precise date phrase of the sentence; among equals, the nearest to the trigger
        ("Speaking on Friday, he said rockets hit the base on Wednesday")."""
        resolved = [
            (int(r.precision), max(p.start - trigger.end, trigger.start - p.end, 0), r)
            for p in find_date_phrases(sentence.text)
            if (r := resolve_date(p.text, published))
        ]
        return min(resolved, key=lambda item: item[:2])[2] if resolved else None

    def _country_bias(self, sentences: list[Sentence]) -> str | None:
        """The ISO code of the country the incident sentences place things in most, to settle
        ambiguous names ("Baghdad" is also a village in Iran)."""
        counts: Counter[str] = Counter()
        for sentence in sentences:
            if sentence.trigger is None:
                continue
            for mention in self.places.mentions(sentence.span):
                if mention.location is not None and mention.locative:
                    # Provinces and countries are rarely ambiguous; village names often are
                    # ("al-Rashad" is also in Sudan): the wider place weighs more.
                    weight = 2 if mention.rank >= 2 else 1
                    counts[mention.location.raw.get("country_code", "")] += weight
        counts.pop("", None)
        return counts.most_common(1)[0][0] if counts else None

    def _article_country(self, sentences: list[Sentence], places_of: Any) -> PlaceMention | None:
        """The country the article's incident sentences place things in most often."""
        counts: Counter[str] = Counter()
        example: dict[str, PlaceMention] = {}
        for sentence in sentences:
            if sentence.trigger is None:
                continue
            for mention in places_of(sentence):
                if mention.locative and mention.country:
                    counts[mention.country] += 1
                    if mention.kind == "country" or mention.country not in example:
                        example[mention.country] = mention
        if not counts:
            return None
        return self._country_of(example[counts.most_common(1)[0][0]])

    def _incident(
        self,
        article: Article,
        sentence: Sentence,
        trigger: Trigger,
        when: ResolvedDate,
        own_place: PlaceMention | None,
        sentences: list[Sentence],
        places_of: Any,
        article_country: PlaceMention | None,
    ) -> Incident | None:
        place, precision_floor = own_place, None
        if place is None:
            # No place of its own: the country its paragraph (the sentence before) or the article is about.
            before = sentences[sentence.index - 1] if sentence.index > 0 else None
            context_place = best_place(places_of(before)) if before and before.paragraph == sentence.paragraph else None
            place = self._country_of(context_place) or article_country
            precision_floor = int(GeoPrecision.REGION)
            if place is None:
                return None  # nowhere at all: nothing to map or resolve

        actor1, attribution, attributed_by = self._perpetrator(sentence, trigger, sentences)
        # An unresolved village keeps the country the article's incidents are in.
        country = place.country or (article_country.country if article_country else "")
        if not actor1 or actor1 == "Unidentified Armed Group":
            actor1 = _unidentified_actor(trigger, country)  # ACLED's "Unidentified Armed Group (Iraq)"
        clause = incident_clause(sentence.text, trigger)
        actor2 = self._target(sentence, clause, actor1)
        if trigger.sub_event_type == "Excessive force against protesters":
            # ACLED codes force used on a protest with the protesters as actor 1 and the force as actor 2.
            force = "" if actor1.startswith(("Unidentified", "Protesters")) else actor1
            actor1, actor2 = _unidentified_actor(trigger, country), force or actor2
        casualties = _toll(sentence, clause, sentences)
        munitions = find_munitions(clause) if trigger.event_type == "Explosions/Remote violence" else ""
        location = place.location
        geo_precision = place.geo_precision
        if precision_floor is not None and geo_precision is not None:
            geo_precision = max(geo_precision, precision_floor)
        location_text = place.text if precision_floor is None else (location.raw.get("name", place.text) if location else place.text)
        place_name = location.raw.get("name", "") if location is not None else ""
        location_key = place_name or location_text.lower()
        incident = Incident(
            event_id=stable_id(article.source_id, when.day.isoformat(), location_key, trigger.event_type, sentence.index),
            event_date=when.day,
            time_precision=int(when.precision),
            event_type=trigger.event_type,
            sub_event_type=protest_sub_event_type(clause) if trigger.event_type == "Protests" else trigger.sub_event_type,
            actor1=actor1,
            actor2=actor2,
            actor_group=actor_group_for(actor1),
            attribution=attribution,
            attributed_by=attributed_by,
            location=location_text,
            place_name=place_name,
            latitude=location.latitude if location is not None else None,
            longitude=location.longitude if location is not None else None,
            geo_precision=geo_precision,
            country=country,
            iso=location.raw.get("country_code", "") if location is not None else "",
            admin1=location.raw.get("admin1", "") or "" if location is not None else "",
            fatalities=casualties.fatalities,
            injuries=casualties.injuries,
            casualties_reported=casualties.reported,
            munitions=munitions,
            source_sentence=sentence.text,
            source_kind="article",
            sources=[article.source(sentence.text)],
        )
        incident.notes = _summary(incident, when)
        return incident

    def _country_of(self, mention: PlaceMention | None) -> PlaceMention | None:
        if mention is None or not mention.country:
            return None
        if mention.kind == "country":
            return mention
        location = self.places.resolve(mention.country)
        if location is None:
            return None
        return PlaceMention(mention.country, mention.start, mention.end, location, True, False)

    def _perpetrator(self, sentence: Sentence, trigger: Trigger, sentences: list[Sentence]) -> tuple[str, str, str]:
        """(actor1, attribution, attributed_by) from the sentence and the ones that follow it."""
        stated = _agent(sentence, trigger)
        window = [sentence]
        neighbours = sentences[max(0, sentence.index - 1) : sentence.index + 2]
        paragraph_size = sum(1 for s in neighbours if s.paragraph == sentence.paragraph)
        for later in sentences[sentence.index + 1 : sentence.index + 1 + _ATTRIBUTION_WINDOW]:
            same_paragraph = later.paragraph == sentence.paragraph
            # Wire copy puts one sentence in each paragraph: then the next paragraphs may attribute.
            next_wire_paragraph = paragraph_size == 1 and later.paragraph == window[-1].paragraph + 1
            if later.trigger is not None or not (same_paragraph or next_wire_paragraph):
                break
            window.append(later)
        # A claim outranks blame and suspicion told before it ("Biden blamed ...; X claimed responsibility").
        window.sort(key=lambda candidate: (cue := find_attribution(candidate.text)) is None or cue.kind != "claimed")
        for candidate in window:
            cue = find_attribution(candidate.text)
            if cue is None:
                continue
            if cue.kind == "unclaimed":
                return stated, "unknown", ""
            who = find_attributer(candidate.text)
            named = _attributed_actor(candidate, cue.kind, cue.start, cue.end, who)
            if named is None and cue.kind == "claimed":
                named = _claimant_outside_lexicon(candidate.text, cue.start)
            if named is None and stated and candidate is sentence:
                named = stated
            if named is None:
                continue
            if cue.kind == "claimed":
                who = named
            return named, cue.kind, who
        if stated and _own_report(sentence, stated):
            return stated, "claimed", stated  # "Turkish jets struck ..., the Turkish Defence Ministry said"
        return stated, "unknown", ""

    def _target(self, sentence: Sentence, clause: str, actor1: str) -> str:
        """The actor the incident was aimed at: "against X", "among X", "hosting X"..."""
        for start, end, actor in sentence.actors:
            if end > len(clause) or actor.name == actor1 or _is_modifier(sentence.text, start, end):
                continue
            before = sentence.text[max(0, start - 45) : start]
            if _TARGET_CUE.search(before):
                return actor.name
        return ""


# spaCy's limit is a million characters a text; paragraphs are cut well below it, between sentences.
_MAX_PIECE = 20_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(paragraph: str) -> list[str]:
    """The paragraph, or for a runaway one (a whole book on one line) pieces of whole sentences."""
    if len(paragraph) <= _MAX_PIECE:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > _MAX_PIECE:  # no sentence end at all: cut hard
            pieces.append(sentence[:_MAX_PIECE])
            sentence = sentence[_MAX_PIECE:]
        if current and len(current) + len(sentence) + 1 > _MAX_PIECE:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


_TARGET_CUE = re.compile(
    r"\b(?:against|targeting|targeted|among|with|killing|killed|wounding|hit|struck|hosting|housing|where|ambushed|attacked|raided|stormed|neutrali[sz]ed|"
    r"convoy of|positions of|members of|headquarters of|base of|on)\s+(?:[\w’'-]+\s+){0,4}$",
    re.IGNORECASE,
)
_MODIFIER_BEFORE = re.compile(r"(?:\bpro-?\s*|\b(?:close|loyal|linked|allied|aligned|affiliated) (?:to|with)\s+|\bbacked by\s+|\bblacklisted by\s+)$", re.IGNORECASE)
_MODIFIER_AFTER = re.compile(r"^-?(?:backed|aligned|allied|linked|affiliated|based|supported)\b", re.IGNORECASE)


def _is_modifier(text: str, start: int, end: int) -> bool:
    """"pro-Iran", "Iran-backed", "close to Tehran": the actor qualifies someone else."""
    return bool(_MODIFIER_BEFORE.search(text[max(0, start - 25) : start]) or _MODIFIER_AFTER.search(text[end : end + 12]))


def _agent(sentence: Sentence, trigger: Trigger) -> str:
    """The actor the sentence itself names as doing it: "US operations", "Kataib Hezbollah fired"."""
    for start, end, actor in sentence.actors:
        if _is_modifier(sentence.text, start, end):
            continue
        overlaps_trigger = start < trigger.end and trigger.start < end
        gap = sentence.text[end : trigger.start]
        # "US drone strike", "Iranian ballistic missiles", "Kataib Hezbollah fired": next to the
        # trigger; "a US contractor in a rocket attack" is a victim, not the agent.
        if overlaps_trigger or (end <= trigger.start and len(gap.split()) <= 2 and not _NOT_AGENT_GAP.search(gap)):
            return actor.name
    # "Islamic State militants attacked the village ..., killing four": the sentence's subject
    # did it, however far the trigger ("killing") comes after.
    for start, end, actor in sentence.actors[:1]:
        if _SUBJECT_OPENING.fullmatch(sentence.text[:start]) and _SUBJECT_ACTION.match(sentence.text[end:]):
            return actor.name
    # "a drone launched by Yemen's Houthis": the passive agent of the weapon.
    for start, end, actor in sentence.actors:
        if start >= trigger.start and _BY_AGENT.search(sentence.text[max(0, start - 40) : start]) and not _is_modifier(sentence.text, start, end):
            return actor.name
    return ""


_BY_AGENT = re.compile(r"\b(?:launched|fired|carried out|conducted|sent|flown|operated) by\s+(?:[\w’'-]+\s+){0,2}$")


# "..., the Turkish Defence Ministry said.": the speaker closing the sentence.
_CLOSING_SPEAKER = re.compile(r",\s*(?:the\s+)?(?P<who>[^,]{2,80}?)\s+(?:said|says|announced|stated|confirmed|reported)\s*[.”\"]*$")


def _own_report(sentence: Sentence, actor_name: str) -> bool:
    """Whether the actor that did it is also who reports it (its own ministry or command): a claim."""
    speaker = _CLOSING_SPEAKER.search(sentence.text)
    return bool(speaker) and any(
        actor.name == actor_name and speaker.start("who") <= start and end <= speaker.end("who")
        for start, end, actor in sentence.actors
    )


_SUBJECT_OPENING = re.compile(
    r"[\s“\"‘']*(?:(?:The|A|An|Suspected)\s+)?(?:(?:Jihadists|Militants|Fighters|Gunmen|Members|Insurgents) (?:from|of) (?:the\s+)?)?"
)
_SUBJECT_ACTION = re.compile(
    r"\s+(?:(?:militants|fighters|forces|troops|gunmen|members|jets|warplanes|drones|units)\s+)?"
    r"(?:attacked|ambushed|raided|stormed|fired|launched|shelled|struck|targeted|bombed|killed|shot|overran|neutrali[sz]ed)\b"
)


_NOT_AGENT_GAP = re.compile(r"[,;:]|\b(?:in|on|at|of|by|for|with|against|near|after|before|from|to|and|contractor|"
                            r"contractors|civilians?|soldiers?|troops|personnel|convoy|base|embassy)\b", re.IGNORECASE)


_APPOSITIVE_BEFORE_VERB = re.compile(r",\s+(?:an?|the|one)\s+[^,]*,\s*(?:has |have |had )?$", re.IGNORECASE)


def _attributed_actor(sentence: Sentence, kind: str, cue_start: int, cue_end: int, attributer: str) -> str | None:
    """The actor an attribution cue points at: after "suspected/blamed/claimed by", before "claimed"."""
    speaker = sentence.text.find(attributer) if attributer else -1
    if kind == "claimed":
        # "X, an umbrella group of Iran-aligned militias, claimed": the claimant is the subject, not its description.
        appositive = _APPOSITIVE_BEFORE_VERB.search(sentence.text[:cue_start])
        if appositive:
            cue_start = appositive.start()
    usable = [
        (start, end, actor)
        for start, end, actor in sentence.actors
        if not _is_modifier(sentence.text, start, end)
        # Who suspects or blames is not the suspect; a claimant is both.
        and not (kind != "claimed" and speaker >= 0 and speaker <= start and end <= speaker + len(attributer))
    ]
    after = [actor for start, _, actor in usable if start >= cue_end]
    before = [actor for _, end, actor in usable if end <= cue_start]
    claimed_by = kind == "claimed" and sentence.text[cue_start:cue_end].lower().endswith("claimed by")
    if kind == "claimed" and not claimed_by:
        return before[-1].name if before else (after[0].name if after else None)
    if after:
        return after[0].name
    return before[-1].name if before else None


# "a group calling itself Saraya Awliya al-Dam claimed": facade groups appear faster than any lexicon.
_CALLING_ITSELF = re.compile(
    r"\b(?:calling itself|known as|named|called)\s+(?P<name>[A-Z][\w'’-]*(?:\s+(?:(?:al|el|of|the)[- ])?[A-Z][\w'’-]*){0,5})"
)
_NAME_BEFORE_CLAIM = re.compile(r"(?P<name>[A-Z][\w'’-]*(?:\s+(?:(?:al|el|of|the)[- ])?[A-Z][\w'’-]*){1,5})\s+(?:has |have |had )?$")


def _claimant_outside_lexicon(text: str, cue_start: int) -> str | None:
    """The name of a claimant the lexicon does not know, when the sentence spells it out."""
    before = text[:cue_start]
    match = _CALLING_ITSELF.search(before) or _NAME_BEFORE_CLAIM.search(before)
    if not match or match.group("name").split()[0] in ("The", "A", "An", "No", "It", "They"):
        return None
    return match.group("name")


def _toll(sentence: Sentence, clause: str, sentences: list[Sentence]) -> Casualties:
    """The incident clause's casualties, completed by the next sentence of its paragraph when that
    one tells a toll and no incident of its own ("Two soldiers were wounded.")."""
    casualties = find_casualties(clause)
    following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
    if following is None or following.paragraph != sentence.paragraph or following.trigger is not None:
        return casualties
    told = find_casualties(following.text)
    return Casualties(
        casualties.fatalities if casualties.fatalities is not None else told.fatalities,
        casualties.injuries if casualties.injuries is not None else told.injuries,
        casualties.reported or told.reported,
    )


def _unidentified_actor(trigger: Trigger, country: str) -> str:
    suffix = f" ({country})" if country else ""
    if trigger.event_type in ("Protests",):
        return f"Protesters{suffix}"
    if trigger.event_type == "Riots":
        return f"Rioters{suffix}"
    return f"Unidentified Armed Group{suffix}"


def _summary(incident: Incident, when: ResolvedDate) -> str:
    """One line: what, where, when, who (as attributed), and the toll."""
    what = incident.munitions or incident.sub_event_type or incident.event_type
    preposition = "in" if incident.geo_precision == GeoPrecision.REGION else "at"
    parts = [f"{what[:1].upper()}{what[1:]} {preposition} {incident.location or 'an unknown place'} ({when.phrase})"]
    if incident.attribution != "unknown":
        by = f" by {incident.attributed_by}" if incident.attributed_by and incident.attribution != "claimed" else ""
        parts.append(f"{incident.actor1} {incident.attribution}{by}")
    elif not incident.actor1.startswith(("Unidentified", "Protesters", "Rioters")):
        parts.append(incident.actor1)
    if incident.actor2:
        parts.append(f"against {incident.actor2}")
    if incident.fatalities == 0 and incident.injuries == 0:
        parts.append("no casualties")
    elif incident.fatalities or incident.injuries:
        parts.append(f"{incident.fatalities or 0} killed, {incident.injuries or 0} wounded")
    elif incident.casualties_reported:
        parts.append("casualties, number not given")
    return "; ".join(parts)


# A coarser report of a day-precise incident in the same article: within this distance.
_SAME_EVENT_KM = 50.0


def _covers(coarse: Incident, fine: Incident) -> bool:
    """Whether `coarse` (a week or month report) is `fine` (a dated one) told less exactly."""
    if coarse.event_type != fine.event_type or coarse.time_precision <= fine.time_precision:
        return False
    # A drone strike is not a rocket attack told less exactly, nor are eight dead the same as none.
    if coarse.sub_event_type != fine.sub_event_type or _tolls_differ(coarse, fine):
        return False
    if coarse.time_precision == TimePrecision.MONTH:
        same_period = (coarse.event_date.year, coarse.event_date.month) == (fine.event_date.year, fine.event_date.month)
    else:
        same_period = coarse.event_date.isocalendar()[:2] == fine.event_date.isocalendar()[:2]
    if not same_period:
        return False
    if coarse.place_name and coarse.place_name == fine.place_name:
        return True
    if None in (coarse.latitude, coarse.longitude, fine.latitude, fine.longitude):
        return False
    return distance((coarse.latitude, coarse.longitude), (fine.latitude, fine.longitude)).km <= _SAME_EVENT_KM


def _tolls_differ(first: Incident, second: Incident) -> bool:
    return first.fatalities is not None and second.fatalities is not None and first.fatalities != second.fatalities


def _merge_duplicates(incidents: list[Incident]) -> list[Incident]:
    """One incident per (day, place, event type) in an article: later mentions fill gaps; a
    month or week report of an incident the article also dates exactly is dropped."""
    incidents = [i for i in incidents if not any(_covers(i, other) for other in incidents if other is not i)]
    merged: dict[tuple[date, str, str], Incident] = {}
    for incident in incidents:
        key = (incident.event_date, incident.place_name or incident.location.lower(), incident.event_type)
        first = merged.get(key)
        if first is None:
            merged[key] = incident
            continue
        if first.attribution == "unknown" and incident.attribution != "unknown":
            first.actor1, first.actor_group = incident.actor1, incident.actor_group
            first.attribution, first.attributed_by = incident.attribution, incident.attributed_by
        for name in ("actor2", "munitions"):
            if not getattr(first, name):
                setattr(first, name, getattr(incident, name))
        for name in ("fatalities", "injuries"):
            if getattr(first, name) is None:
                setattr(first, name, getattr(incident, name))
        first.casualties_reported = first.casualties_reported or incident.casualties_reported
    return list(merged.values())
