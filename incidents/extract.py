"""Articles to incidents: every incident a report describes, dated and placed as exactly as it
allows and no more, attributed the way it attributes it, and nothing it does not describe.

The article is split into sentences (photo captions and datelines are never read for incidents);
the sentences that hold a trigger word are parsed with the spaCy pipeline of
incidents/extraction/pipeline.py, whose components write the layers read here: actors, dates,
triggers, places and events with their roles. Each event becomes an incident per place:

- date: a date phrase of its clause (else of its sentence), else the date of the dated incident
  sentence it continues, else the report's own date ("as reported") when the event is placed at a
  town or site of its own and told in the simple past of a single event;
- place: its place chain resolved in the article's countries (places.py), else the
  place of its paragraph's previous incident or the article's country at precision 3;
- actors: the agent and target of the parse, attribution (claims, blame, suspicion) from the
  sentence and the ones after it (attribution.py);
- a sentence that adds to an incident told just before it, without a date or place of its own
  ("The protesters were dispersed by police", "3 fatalities."), completes that incident.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geopy.distance import distance
from spacy.attrs import IDX, IS_PUNCT, LOWER, ORTH
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span, Token

from geo import normalize as geo_normalize
from geo.geocoder import ROLE_GAZETTEER
from geo.normalize import name_key
from incidents.actors import Actor, actor_group_for, actors
from incidents.articles import Article, match_dateline, split_dateline, split_kicker
from incidents.extraction.attribution import attribute
from incidents.extraction.casualties import Casualties, count_casualties
from incidents.extraction.dates import AS_REPORTED, ResolvedDate, find_date_phrases, resolve_date
from incidents.extraction.reviewing import cue_words, reasons_for_doubt
from incidents.extraction.lexicon import inflections, lexicon
from incidents.extraction.pipeline import pipeline, sentence_splitter, trigger_forms
from incidents.extraction.places import BEFORE_NAME, CITY_MIN_POPULATION, LANDFORMS, PlaceName, PlaceResolver, ResolvedPlace, demonyms
from incidents.extraction.roles import CIVILIANS, PROTESTS, REMOTE, RIOTS, EventMention, PlaceRef, named_actor, of_object, phrase_value
from incidents.model import GeoPrecision, Incident, TimePrecision, stable_id, with_doubt, without_doubt

# The gazetteer kinds whose names the place finder knows by name; cities only from
# CITY_MIN_POPULATION up. Smaller places are still found by their kind word ("X village") or a
# locative preposition ("in X"), and resolved by the geocoder.
PLACE_KINDS: tuple[str, ...] = ("base", "airfield", "site", "admin1", "country", "region")
_PLACE_KEYS_FORMAT = 3  # bump when the keys are chosen differently, to rebuild cached key sets

# A caption's photo credit: "(AP)", "(Reuters)", "AFP/Getty Images", "Photo: ...".
_CAPTION_CREDIT = re.compile(
    r"(?:\((?:AP|AFP|Reuters|EPA|Getty(?: Images)?|Anadolu|AA|Xinhua|File|File photo|Photo)[^)]{0,40}\)|"
    r"(?:AFP|Reuters|AP|EPA)\s*/\s*[\w .]+|Getty Images|\bPhoto(?:graph)?(?: credit)?:.*)\s*$",
    re.IGNORECASE,
)
# spaCy's limit is a million characters a text; paragraphs are cut well below it, between sentences.
_MAX_PIECE = 20_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BATCH = 256
# Place kinds specific enough to date an undated event by the report ("as reported").
_SPECIFIC_KINDS = frozenset({"city", "base", "airfield", "site"})
_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A country needs this much weight (a locative or title mention, a province, a base) to be one the
# article places events in. Towns do not count: a town's name is often a bigger one's abroad
# (Tripoli in Lebanon and in Libya).
_COUNTRY_WEIGHT = 1.0
_SITE_KINDS = frozenset({"base", "airfield", "site"})
_CONTEXT_KINDS = ("country", "admin1", *_SITE_KINDS)


@dataclass
class Sentence:
    """One sentence of an article, with what the pipeline read in it."""

    index: int  # position in the article, counting every sentence read
    paragraph: int
    text: str
    words: Words  # the sentence's words without a parse (actor names merged)
    actors: list[tuple[int, int, Actor]] = field(default_factory=list)  # (start, end, actor) in the text
    trigger_word: bool = False  # holds a trigger or casualty word
    placed: bool = False  # and a date or a place: it may tell an incident of its own
    doc: Doc | None = None  # the parsed sentence

    @property
    def events(self) -> list[EventMention]:
        return self.doc._.events if self.doc is not None else []

    @property
    def has_event(self) -> bool:
        """Whether the sentence tells an event of its own (not only refers back to one)."""
        return any(not event.refers_back for event in self.events)


def place_names_for(geocoder: Any, *, trusted_only: bool = False) -> tuple[str, ...]:
    """The gazetteer names the place finder knows (see PLACE_KINDS); trusted_only: the places'
    own names and curated aliases, not GeoNames' alternate names."""
    names = set(geocoder.place_names(kinds=PLACE_KINDS, trusted_only=trusted_only))
    names.update(geocoder.place_names(kinds=("city",), min_population=CITY_MIN_POPULATION, trusted_only=trusted_only))
    return tuple(sorted(names))


class PlaceKeys(frozenset):
    """The name keys the place finder knows a place by (a frozenset of keys), and `names`: those
    that are a notable place's own name ("mosul"), not only an alternate spelling of one (GeoNames
    lists "Market" for Marquette): a common word is a place by name alone only when it is one."""

    names: frozenset[str]

    def __new__(cls, keys: frozenset[str] | set[str], names: frozenset[str] | set[str] = frozenset()) -> PlaceKeys:
        made = super().__new__(cls, keys)
        made.names = frozenset(names)
        return made


def _keys_of(names: tuple[str, ...]) -> frozenset[str]:
    # Two-letter keys only with a digit ("K-1"): "us", "am" and the like are words, not places.
    return frozenset(
        key
        for key in (name_key(name).key for name in names)
        if len(key) >= 3 or (len(key) == 2 and any(c.isdigit() for c in key))
    )


def place_keys_for(geocoder: Any) -> PlaceKeys:
    """The name keys of place_names_for(geocoder), cached on disk next to the geocoder's index.

    Listing and normalising some 225,000 names takes seconds; loading their keys takes
    milliseconds. The cache is keyed by what the keys depend on: the sizes of the gazetteer
    layers, the normaliser's code and our choice of kinds. The user's own aliases are left out
    of the signature, so that `resolve` does not cost a rebuild: they are found by their kind
    word or preposition and the geocoder's exact look-up.
    """
    cache_dir = getattr(geocoder, "cache_dir", None)
    path = Path(cache_dir) / f"extract-place-keys-{_place_keys_signature(geocoder)}.pickle" if cache_dir else None
    if path is not None:
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            return PlaceKeys(cached["keys"], cached["names"])
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError):
            pass  # absent, damaged or of another layout: rebuilt below
    keys = PlaceKeys(_keys_of(place_names_for(geocoder)), _keys_of(place_names_for(geocoder, trusted_only=True)))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Keep a few recent key sets (several gazetteers may be in use), drop older ones.
        cached = sorted(path.parent.glob("extract-place-keys-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in cached[:-3]:
            stale.unlink(missing_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".extract-place-keys-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"keys": sorted(keys), "names": sorted(keys.names)}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # a concurrent reader never sees half a file
    return keys


def _place_keys_signature(geocoder: Any) -> str:
    digest = hashlib.sha256(repr((_PLACE_KEYS_FORMAT, PLACE_KINDS, CITY_MIN_POPULATION)).encode())
    # the gazetteers' layers, not the user's own places or the store's (an import costs no rebuild)
    layers = [g.layer for g in getattr(geocoder, "gazetteer_layers", ()) if g.role == ROLE_GAZETTEER]
    if layers:
        digest.update(repr([(len(layer), layer.key_count) for layer in layers]).encode())
    else:  # another geocoder: its whole index size
        digest.update(json.dumps(getattr(geocoder, "index_size", {}), sort_keys=True).encode())
    digest.update(Path(geo_normalize.__file__).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class ArticleContext:
    """Where the article is: the countries it names (most named first)."""

    countries: tuple[str, ...]  # ISO codes
    country_name: dict[str, str]


class Extractor:
    """Extracts incidents from articles with the offline gazetteer and the lexicons of data/."""

    def __init__(self, geocoder: Any | None = None) -> None:
        if geocoder is None:
            from incidents.geocoding import default_geocoder

            geocoder = default_geocoder()
        self.geocoder = geocoder
        self.place_keys = place_keys_for(geocoder)
        self.places = PlaceResolver(geocoder)
        self.lexicon = lexicon()
        self._splitter = sentence_splitter()
        self._forms = trigger_forms() | _casualty_forms() | _intervention_forms()
        self._actors = actors()

    # -- reading -----------------------------------------------------------------------------

    def sentences(self, article: Article) -> list[Sentence]:
        """The article's body sentences, without photo captions and datelines, flagged for parsing."""
        paragraphs = article.text.split("\n\n")
        has_dateline = [bool(split_dateline(p)[0]) for p in paragraphs]
        first_dateline = has_dateline.index(True) if any(has_dateline) else None
        texts: list[tuple[int, str]] = []
        for number, paragraph in enumerate(paragraphs):
            if first_dateline is not None and number < first_dateline:
                continue  # before the dateline: captions and bylines
            if _CAPTION_CREDIT.search(paragraph):
                continue
            kicker, body = split_kicker(split_dateline(paragraph)[1])
            if kicker:
                texts.append((number, kicker.strip()))  # a sentence of its own: a heading, not a subject
            texts.extend((number, piece) for piece in _pieces(body))
        sentences: list[Sentence] = []
        names = pipeline(self.place_keys).get_pipe("incident_actor_names")
        for (number, text), doc in zip(texts, self._splitter.pipe(text for _, text in texts), strict=True):
            names(doc)
            words = Words.of(doc, text)
            for sent in _sentences(doc, words):
                # The sentencizer leaves a following quotation's opening mark on the sentence before.
                text = words.text(sent.start, sent.end).rstrip(" “‘\"'")
                if not text.strip():
                    continue
                actors = [
                    (span.start_char - sent.start_char, span.end_char - sent.start_char, span[-1]._.actor)
                    for span in doc.spans["actors"]
                    if sent.start <= span.start and span.end <= sent.end
                ]
                own = words.part(sent.start, sent.end)
                trigger_word = any(lower in self._forms for lower in own.lowers)
                placed = trigger_word and (any(self._may_be_place(own, i) for i in range(1, len(own))) or bool(find_date_phrases(text)))
                sentences.append(Sentence(len(sentences), number, text, own, actors, trigger_word, placed))
        return sentences

    def _may_be_place(self, words: Words, i: int) -> bool:
        """A capitalised word after a locative word ("in Hawija"), before a place word ("Saida
        village"), or one the gazetteer knows."""
        if not words.texts[i][:1].isupper():
            return False
        before = words.lowers[i - 1]
        after = words.lowers[i + 1] if i + 1 < len(words) else ""
        return (
            self.lexicon.has("locative", before) or before in ("of", "the", "al", "-")
            or self.lexicon.has("place_kind", after)
            or name_key(words.texts[i]).key in self.place_keys
        )

    # -- extraction --------------------------------------------------------------------------

    def extract(self, article: Article) -> list[Incident]:
        return self.extract_many([article])[0]

    def extract_many(self, articles: Iterable[Article]) -> list[list[Incident]]:
        """Incidents of each article. The parse is the costly part, so only sentences that may
        tell an incident are parsed (a trigger word and a date or place: all articles' at once, in
        batches), then the follow-ups of sentences that told one ("Two were killed.", "Police
        dispersed them."), until none is left."""
        articles = list(articles)
        read = [self.sentences(article) for article in articles]
        nlp = pipeline(self.place_keys)
        todo = [s for sentences in read for s in sentences if s.placed]
        # The follow-ups a round of parses may call for are parsed with it, in one batch (a
        # call of the pipeline costs more than a few more sentences), and kept only when called for.
        ahead = [
            s for sentences in read for n, s in enumerate(sentences)
            if not s.placed and s.trigger_word
            and any(p.placed and p.paragraph == s.paragraph for p in sentences[max(0, n - REFERENCE_WINDOW) : n])
        ]
        parsed: dict[int, Doc] = {}
        while todo:
            missing = [s for s in todo if id(s) not in parsed]
            if missing:
                batch = [*missing, *(s for s in ahead if id(s) not in parsed)]
                for sentence, doc in zip(batch, nlp.pipe((s.text for s in batch), batch_size=_BATCH), strict=True):
                    parsed[id(sentence)] = doc
            for sentence in todo:
                sentence.doc = parsed[id(sentence)]
            todo = [
                s for sentences in read for n, s in enumerate(sentences)
                if s.doc is None and s.trigger_word and n and self._follows_up(sentences[max(0, n - REFERENCE_WINDOW) : n], s)
            ]
        return [self._extract(article, sentences) for article, sentences in zip(articles, read, strict=True)]

    @staticmethod
    def _follows_up(before: list[Sentence], sentence: Sentence) -> bool:
        """Whether a sentence may add to an incident told before it, and so be parsed: the one
        before it was parsed and told an event or had no date or place to tell one; or one of its
        paragraph's sentences just before told an event it may refer back to ("Police dispersed
        the protest")."""
        previous = before[-1]
        if previous.doc is not None and previous.paragraph == sentence.paragraph and (previous.events or not previous.placed):
            return True
        return any(s.doc is not None and s.events and s.paragraph == sentence.paragraph for s in before)

    def _extract(self, article: Article, sentences: list[Sentence]) -> list[Incident]:
        context = self._context(article, sentences)
        incidents: list[Incident] = []
        last: dict[int, tuple[int, Incident]] = {}  # paragraph -> (sentence index, its last incident)
        latest_at = -1  # the sentence that told the article's latest incident
        stand_ins: set[int] = set()  # ids of incidents placed only by a place named aside (_named_aside)
        for sentence in sentences:
            if sentence.doc is None:
                continue
            previous = last.get(sentence.paragraph)
            follows = previous is not None and previous[0] == sentence.index - 1
            if not sentence.events:
                if follows:  # "3 fatalities.": the toll of the incident told just before
                    _complete(previous[1], count_casualties(sentence.doc, self.lexicon))
                    self._met(previous[1], sentence)
                continue
            told = previous[1] if follows else None
            # what "the attack" may refer back to: the latest incident, told a few sentences before
            antecedent = incidents[-1] if incidents and sentence.index - latest_at <= REFERENCE_WINDOW else None
            here: dict[tuple[date, str], Incident] = {}
            by_event: list[list[Incident]] = []
            for event in sentence.events:
                # the incident told just before: in the sentence before, or earlier in this one
                if antecedent is not None and event.definite and self._refer_back(article, sentence, event, sentences, context, antecedent):
                    continue
                made = self._incidents(article, sentence, event, sentences, context, told, incidents[-1] if incidents else None, stand_ins)
                by_event.append([])
                for incident in made:
                    # one sentence, one day, one place: one incident, told by its first clause
                    same = here.setdefault((incident.event_date, _place_key(incident)), incident)
                    if same is not incident:
                        _fill(same, incident)
                        continue
                    incidents.append(incident)
                    by_event[-1].append(incident)
                    latest_at = sentence.index
                    told = incident
            for unplaced in _unplaced_twins(by_event):
                incidents.remove(unplaced)
                if told is unplaced:
                    told = incidents[-1] if incidents else None
            if told is not None:
                last[sentence.paragraph] = (sentence.index, told)
        incidents = _merge_duplicates(incidents, stand_ins)
        for incident in incidents:
            incident.notes = _summary(incident, incident.notes)  # the date phrase, until now
        return incidents

    def _refer_back(
        self, article: Article, sentence: Sentence, event: EventMention, sentences: list[Sentence], context: ArticleContext,
        told: Incident,
    ) -> bool:
        """"The attack took place in Baquba", "the blast, on Sunday, also wounded 20": a definite
        event noun told after an incident completes it, when nothing says it is another (another
        day, another kind): its place when more exact than the one told, its day when that one
        had none of its own, its toll. Whether it did."""
        when = self._date_of(sentence, event, article.published)
        as_reported = _reported(told.notes)
        if when is not None and when.day != told.event_date and not as_reported:
            return False  # "the attack on Sunday" after a Friday's: another event
        if not event.names_no_kind and not _same_kind(event, told):
            return False
        places = [p for p in self._event_places(event, context) if p.location is not None]
        place = places[0] if len(places) == 1 else None
        near = place is not None and any(ref.near for group in event.places for ref in group if ref.span._.place_name == place.text)
        if place is not None and _more_exact(place, near, told):
            _place(told, place)
        if when is not None and as_reported:
            _date(told, when.day, int(when.precision), when.phrase)
        if not event.names_no_kind:
            agent = _actor_name(event.agent, told.country, self.lexicon, self.places.country_name) if event.agent is not None else ""
            _elaborate(told, event, self._toll(sentence, event, sentences), agent)
        return True

    def _met(self, incident: Incident, sentence: Sentence) -> None:
        """"Police intervened and moved the protesters out": how force met the protest told just before."""
        if incident.event_type != PROTESTS or incident.sub_event_type != "Peaceful protest":
            return
        roles = pipeline(self.place_keys).get_pipe("incident_roles")
        incident.sub_event_type = roles.protest_sub_type(sentence.doc, frozenset(range(len(sentence.doc))))

    # -- the article's whereabouts -----------------------------------------------------------

    def _context(self, article: Article, sentences: list[Sentence]) -> ArticleContext:
        """The countries the article names, most named first.

        A country says where when the title, a dateline or a locative word names it ("in Iraq"),
        or a province or a base of it is named; one named in passing ("Iran said", "suspected
        Iran") hardly counts, and alone never makes a country the article's.
        """
        weights: Counter[str] = Counter()
        names: dict[str, str] = {}
        datelines = [match.group("place").title() for p in article.text.split("\n\n") if (match := match_dateline(p))]
        headings = [Words.of(doc, text) for text, doc in zip([article.title, *datelines], self._splitter.pipe([article.title, *datelines]), strict=True)]
        for number, words in enumerate([*headings, *(s.words for s in sentences)]):
            for name, locative in _capitalised_names(words, self.place_keys):
                location = self.places.geocode(name, kinds=_CONTEXT_KINDS)
                if location is None or float(location.raw.get("score") or 0) < 100:
                    continue
                kind = location.raw.get("kind", "")
                code = location.raw.get("country_code", "")
                says_where = locative or number <= len(datelines)
                if kind == "admin1":
                    if not says_where or self.places.a_town_abroad(name, code):
                        # "North", "Capital": a province named in passing is likely a word; "Tripoli"
                        # (a district of Libya) is more likely the town of Lebanon
                        continue
                    weight = 3.0
                elif kind == "country":
                    weight = 2.0 if says_where else 0.25
                elif kind in _SITE_KINDS and name_key(name).hint is not None:
                    # "Balad Airbase", "US Embassy in Baghdad": named as a site, not a town ("Tripoli"
                    # is an airport in Libya and a city in Lebanon)
                    weight = 2.0 if says_where else 1.0
                else:
                    continue
                names[code] = location.raw.get("country", "")
                weights[code] += weight
            for hint in _country_hints(words):
                weights[hint] += 2
        weights.pop("", None)
        return ArticleContext(
            tuple(code for code, weight in weights.most_common() if weight >= _COUNTRY_WEIGHT),
            names,
        )

    # -- one event ---------------------------------------------------------------------------

    def _incidents(
        self,
        article: Article,
        sentence: Sentence,
        event: EventMention,
        sentences: list[Sentence],
        context: ArticleContext,
        previous: Incident | None,
        latest: Incident | None = None,
        stand_ins: set[int] | None = None,
    ) -> list[Incident]:
        """The incidents of one event; `previous`: the incident told just before in its paragraph,
        `latest`: the article's last one so far; `stand_ins` gains the ids of those placed only by a
        place their sentence names aside."""
        if event.names_no_kind or event.background and not event.own_date:
            # "an incident occurred in X" tells no kind of event; "the students who were arrested
            # during earlier demonstrations" no event of its own
            return []
        when = self._date_of(sentence, event, article.published)
        if event.series and (when.precision != TimePrecision.DAY if when is not None else event.casualties.fatalities is None and event.casualties.injuries is None):
            # "hit by a string of rocket attacks": many events, none told; a series on one day, or
            # a lead's undated toll of one ("a series of attacks has killed eight"), is the day's
            return []
        resolved = self._event_places(event, context)
        if previous is not None:
            # a landmark the gazetteer does not know, named with no town ("the demonstrators
            # blocked the Jumhuriya Bridge"), lies in the place of the incident just told
            resolved = [r for r in resolved if not r.lone_landmark]
        same_time = next((d for d in event.dates if d.label_ == "same_time"), None)
        if when is None and resolved and same_time is not None and latest is not None and latest.event_date is not None:
            # "Hours earlier, rockets landed near Balad": the day of the incident told before; an
            # event with no place of its own stays part of that incident (below)
            when = ResolvedDate(latest.event_date, TimePrecision(latest.time_precision), same_time.text)
        specific = [r for r in resolved if r.named or r.location is not None and (r.location.raw.get("kind") in _SPECIFIC_KINDS or r.geo_precision in (1, 2))]
        if previous is not None and (when is None and not resolved or event.definite and not specific):
            # "The police dispersed them", "the attack killed two": more about the incident just told
            force = _actor_name(event.agent, previous.country, self.lexicon, self.places.country_name) if event.agent is not None else ""
            _elaborate(previous, event, self._toll(sentence, event, sentences), force)
            return []
        if event.definite and not specific:
            return []  # "the attack" refers back to an incident told before
        if event.plural and not specific and when is None:
            return []  # "rocket attacks on bases in Iraq": many incidents, none told
        if when is None:
            # placed below its country: a town, site or named village, or a province or district
            below_country = [r for r in resolved if r.named or r.location is not None and r.location.raw.get("kind") != "country"]
            if previous is not None and previous.event_date and not resolved:
                when = ResolvedDate(previous.event_date, TimePrecision(previous.time_precision), "")
            elif below_country and self._as_reported(event) and not any(d.label_ == "earlier" for d in sentence.doc.spans["dates"]):
                # not when its sentence marks it as earlier ("last year", "since 2014")
                when = ResolvedDate(article.published, TimePrecision.DAY, AS_REPORTED, reported=True)
            else:
                return []
        aside = None
        if not resolved:
            aside = self._named_aside(sentence, context)
            fallback = aside or self._fallback_place(previous, context)
            if fallback is None:
                return []
            resolved = [fallback]
        made = [
            self._incident(article, sentence, event, sentences, context, when, place)
            for place in resolved
            if place is not None
        ]
        if aside is not None and stand_ins is not None:
            stand_ins.update(id(incident) for incident in made)
        return made

    def _date_of(self, sentence: Sentence, event: EventMention, published: date) -> ResolvedDate | None:
        """The most precise date phrase of the event (roles.py: its clause's, else its sentence's
        outside other events' clauses); among equals, one stating its year, then the nearest to
        the trigger. A day its speaker spoke on ("clashes have killed 13, officials said on
        Tuesday") dates it as reported that day: by then, not on it."""
        trigger_start = event.trigger.start_char
        places = [(p.start, p.end) for p in sentence.doc.spans["places"]]
        resolved = [
            (int(r.precision), not _HAS_YEAR.search(d.text), max(d.start_char - trigger_start, trigger_start - d.end_char, 0), r, d)
            for d in event.dates
            # not a date inside a name or a noun phrase: "the February 14 Youth Coalition", "Al
            # Hudaydah - 7 July", "the April 30 vote"; but a full date opening the sentence is its date,
            # wherever the parser hangs it ("Around 12 May 2022 (as reported), unidentified forces")
            if (d.start == 0 and _HAS_YEAR.search(d.text) or d.root.dep_ not in ("compound", "nmod", "amod", "poss"))
            and not any(start < d.end and d.start < end for start, end in places)
            and (r := resolve_date(d.text, self._anchor(sentence, d, published)))
        ]
        if not resolved:
            return None
        *_, when, phrase = min(resolved, key=lambda item: item[:3])
        if _spoken(phrase):
            return ResolvedDate(when.day, when.precision, when.phrase, reported=True)
        return when

    def _anchor(self, sentence: Sentence, phrase: Span, published: date) -> date:
        """The day a relative phrase counts from: the day the sentence's speaker spoke ("struck
        overnight, the ministry said on Saturday"), else the report's."""
        if phrase.label_ != "relative_day":
            return published
        for spoken in sentence.doc.spans["dates"]:
            if spoken.label_ != "relative_day" and _spoken(spoken):
                said = resolve_date(spoken.text, published)
                if said is not None and said.precision == TimePrecision.DAY:
                    return said.day
        return published

    def _as_reported(self, event: EventMention) -> bool:
        """An undated event takes the report's date, as news reports tell the day's events ("a car
        bomb has exploded in X, killing five"), unless told as background: as several events, by a
        definite noun ("the attack on Balad", which names an event told elsewhere), or in the
        perfect of a habit, with no one and nothing singular or counted in it ("militias have
        attacked bases")."""
        if event.definite or event.plural:
            return False
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for trigger in event.triggers for c in trigger.root.children)
        return not perfect or any(_singular_or_counted(party) for party in (event.agent, event.patient) if party is not None)

    def _event_places(self, event: EventMention, context: ArticleContext) -> list[ResolvedPlace]:
        """The event's places: the most specific group of coordinated places (one incident each),
        the other places of its clause then serving as containers ("Balad Airbase north of
        Baghdad", "the Qayyarah Airbase in northern Iraq")."""
        if not event.places:
            return []
        ranked = []
        for position, group in enumerate(event.places):
            first = group[0]
            resolved = self._resolve([first, *first.containers], context)
            # among places as exact, one the report calls a village, town or district (not the land
            # around one: "Izra town in Dara countryside")
            ranked.append((_specificity(resolved, first), first.span._.place_kind in ("", "near"), position, group))
        ranked.sort(key=lambda item: item[:3])
        chosen = ranked[0][3]
        extra = [ref for *_, group in ranked[1:] for ref in (group[0], *group[0].containers)]
        places = [p for p in (self._resolve([ref, *ref.containers], context, extra) for ref in chosen) if p is not None]
        # "Avashin, Basyan and Zakho": villages listed with a known town lie in its country
        known = next((p for p in places if p.location is not None), None)
        for place in places:
            if place.location is None and known is not None and not place.iso:
                place.iso, place.country = known.iso, known.country
        return places

    def _resolve(self, chain: list[PlaceRef], context: ArticleContext, elsewhere: Sequence[PlaceRef] = ()) -> ResolvedPlace | None:
        """The chain's place; `elsewhere`: the clause's other places, a fallback but no container."""
        names: list[PlaceName] = []
        for ref, apart in (*((r, False) for r in chain), *((r, True) for r in elsewhere)):
            name = ref.span._.place_name
            if not name:
                continue
            names.append(PlaceName(name, ref.span._.place_kind, ref.near, apart))
            bare = name.rsplit(" ", 1)[0]
            if bare != name and name.rsplit(" ", 1)[-1].lower() in LANDFORMS:
                names.append(PlaceName(bare, "near", True))  # "the Rutba desert": near Rutba when it has no name of its own
        hints = tuple(ref.span._.country_hint for ref in (*chain, *elsewhere) if ref.span._.country_hint)
        countries = (*hints, *[c for c in context.countries if c not in hints])
        resolved = self.places.resolve(names, countries)
        if resolved is None:
            return None
        if resolved.location is None:
            # an unresolved village keeps the country the article is about
            code = hints[0] if hints else (context.countries[0] if context.countries else "")
            resolved.iso = code
            resolved.country = self.places.country_name(code)
        return resolved

    def _named_aside(self, sentence: Sentence, context: ArticleContext) -> ResolvedPlace | None:
        """No place of its own, but its sentence names one below the country aside from the event
        ("a police official from the city of X said ...", "the prosecutor of X was killed"): the
        event is coded near that place (precision 2, a stand-in the review queue doubts), which
        says more than the country alone; like an incident told in its country only, it is the one
        a later sentence places in a town nearby on the same day (_placed_once)."""
        for span in sentence.doc.spans.get("places", []):
            resolved = self._resolve([PlaceRef(span)], context)
            if resolved is None or resolved.location is None or resolved.location.raw.get("kind") == "country":
                continue
            if context.countries and resolved.iso not in context.countries:
                continue
            resolved.geo_precision = max(resolved.geo_precision or 0, int(GeoPrecision.NEAR))
            resolved.fallback = True
            return resolved
        return None

    def _fallback_place(self, previous: Incident | None, context: ArticleContext) -> ResolvedPlace | None:
        """No place of its own: the country of the paragraph's previous incident or of the article."""
        code = previous.iso if previous is not None and previous.iso else (context.countries[0] if context.countries else "")
        if not code:
            return None
        location = self.places.geocode(code, kinds=("country",)) or self.places.geocode(
            context.country_name.get(code, code), kinds=("country",)
        )
        if location is None:
            return None
        return ResolvedPlace(
            location.raw.get("name", ""), location, int(GeoPrecision.REGION), location.raw.get("country", ""), code, "",
            fallback=True,
        )

    def _toll(self, sentence: Sentence, event: EventMention, sentences: list[Sentence]) -> Casualties:
        """The event's casualties, completed by the next sentence of its paragraph when that one
        tells a toll and no event of its own ("Two soldiers were wounded.")."""
        toll = event.casualties
        following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
        if following is None or following.paragraph != sentence.paragraph or following.doc is None or following.has_event:
            return toll
        return toll.completed_by(count_casualties(following.doc, self.lexicon))

    def _incident(
        self,
        article: Article,
        sentence: Sentence,
        event: EventMention,
        sentences: list[Sentence],
        context: ArticleContext,
        when: ResolvedDate,
        place: ResolvedPlace,
    ) -> Incident:
        country = place.country
        name = self.places.country_name
        stated = _actor_name(event.agent, country, self.lexicon, name) if event.agent is not None else ""
        actor1, attribution, attributed_by = attribute(sentence, stated, sentences)
        actor2 = _actor_name(event.patient, country, self.lexicon, name) if event.patient is not None else ""
        assoc_actor_1 = ""
        if event.event_type in (PROTESTS, RIOTS):
            # ACLED: protesters (rioters) of the country are actor 1, a named group among them an
            # associated actor; a force that met a protest is actor 2.
            crowd = _default_actor(event.event_type, country)
            if actor1 and not actor1.startswith(("Protesters", "Rioters", "Civilians", "Unidentified")):
                if event.event_type == PROTESTS and (event.sub_event_type != "Peaceful protest" or event.patient is not None and actor2.startswith("Protesters")):
                    actor2 = actor1  # "police fired tear gas at protesters"
                else:
                    assoc_actor_1 = actor1
            actor1, attribution, attributed_by = crowd, "unknown", ""
            if actor2.startswith(("Protesters", "Rioters")):
                actor2 = ""
        if not actor1:
            actor1 = _default_actor(event.event_type, country)
        if actor2 == actor1:
            actor2 = ""
        toll = self._toll(sentence, event, sentences)
        location = place.location
        location_key = place.name or place.text.lower()
        incident = Incident(
            event_id=stable_id(article.source_id, when.day.isoformat(), location_key, event.event_type, sentence.index, event.trigger.start),
            event_date=when.day,
            time_precision=int(when.precision),
            event_type=event.event_type,
            sub_event_type=event.sub_event_type,
            actor1=actor1,
            assoc_actor_1=assoc_actor_1,
            actor2=actor2,
            actor_group=actor_group_for(actor1),
            attribution=attribution,
            attributed_by=attributed_by,
            location=place.text,
            place_name=place.name,
            latitude=location.latitude if location is not None else None,
            longitude=location.longitude if location is not None else None,
            geo_precision=place.geo_precision,
            country=country,
            iso=place.iso,
            admin1=place.admin1,
            fatalities=toll.fatalities,
            injuries=toll.injuries,
            casualties_reported=toll.reported,
            munitions=event.munitions,
            source_sentence=sentence.text,
            source_kind="article",
            sources=[article.source(sentence.text)],
            doubts=reasons_for_doubt(place, when, stated_actor=stated, actor1=actor1, attribution=attribution),
            cues=cue_words(sentence.text, event.trigger.text, place, when, actor1=actor1, stated_actor=stated,
                           agent=event.agent.text if event.agent is not None else "", actors=sentence.actors),
            # the summary's date phrase, until the article is read (_extract); "as reported ..." when
            # dated by the report or by the day its speaker spoke
            notes=f"{AS_REPORTED} {when.phrase}" if when.reported and when.phrase != AS_REPORTED else when.phrase,
        )
        return incident


# Specificity of a place (lower is more exact): a named village the gazetteer lacks is as exact as
# the report gets; an unknown name without a kind word may be a person, less sure than a town.
_KIND_SPECIFICITY = {"base": 0, "airfield": 0, "site": 0, "part": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 4}
def _specificity(resolved: ResolvedPlace | None, ref: PlaceRef) -> float:
    if resolved is None:
        return 9
    if resolved.location is None:
        return 0 if resolved.named else 2
    rank = _KIND_SPECIFICITY.get(resolved.location.raw.get("kind", ""), 1)
    return rank + (0.5 if resolved.fallback else 0)


def _singular_or_counted(noun: Token) -> bool:
    """"a car bomb", "one of its anchors", "five people", "the lawmaker": a party told as one or
    counted, not a bare plural ("militias", "bases") that tells a habit."""
    if noun.tag_ not in ("NNS", "NNPS"):
        return noun.pos_ in ("NOUN", "PROPN", "NUM") or noun.lower_ in ("he", "she", "him", "her")
    return any(c.dep_ in ("det", "nummod", "quantmod", "poss") for c in noun.children) or of_object(noun) is not None and noun.lower_ in ("dozens", "hundreds", "scores")


# -- actors ---------------------------------------------------------------------------------


def _actor_name(token: Token, country: str, lexicon_: Any, country_name: Any) -> str:
    """The actor a noun phrase names: a lexicon actor in it ("Houthi forces", "members of the
    PKK"), else what its head noun says ("gunmen", "protesters", "police officers") in the country
    (of its nationality adjective: "Syrian soldiers")."""
    named = named_actor(token)
    if named is not None:
        # ACLED's generic actors are named with their country: "Unidentified Armed Group (Iraq)"
        return f"{named.name}{_suffix(country)}" if named.name in _GENERIC_ACTORS else named.name
    def word_class(name: str) -> str | None:
        return phrase_value(token, name, lexicon_)

    nationality = next((demonyms().get(c.text, "") for c in token.children if c.dep_ in ("amod", "compound") and c.text in demonyms()), "")
    if word_class("protester") is not None:
        return f"Protesters{_suffix(country)}"
    if word_class("rioter") is not None:
        return f"Rioters{_suffix(country)}"
    armed = word_class("armed")
    owner = of_object(token)
    if armed == "either" and owner is not None and (owned := _actor_name(owner, country, lexicon_, country_name)):
        return owned  # "members of one family", "a unit of the Iraqi army"
    if armed == "tribal":
        return f"Unidentified Tribal Militia{_suffix(country)}"
    if armed in ("state", "police"):
        where = country_name(nationality) if nationality else country
        kind = "Police Forces" if armed == "police" else "Military Forces"
        return f"{kind} of {where}" if where else ""
    if armed is not None:
        return f"Unidentified Armed Group{_suffix(country)}"
    if word_class("civilian") is not None:
        return f"Civilians{_suffix(country)}"
    if owner is not None:  # "dozens of protesters", "a group of gunmen"
        return _actor_name(owner, country, lexicon_, country_name)
    return ""


_GENERIC_ACTORS = frozenset({"Unidentified Armed Group", "Protesters", "Rioters", "Civilians"})


def _suffix(country: str) -> str:
    return f" ({country})" if country else ""


def _default_actor(event_type: str, country: str) -> str:
    """ACLED's names for unnamed agents: "Protesters (Iraq)", "Unidentified Armed Group (Iraq)"."""
    if event_type == PROTESTS:
        return f"Protesters{_suffix(country)}"
    if event_type == RIOTS:
        return f"Rioters{_suffix(country)}"
    return f"Unidentified Armed Group{_suffix(country)}"


# -- the article's countries ----------------------------------------------------------------

_MAX_NAME_WORDS = 4


_SENTENCE_ENDS = frozenset(Sentencizer.default_punct_chars)


def _sentences(doc: Doc, words: Words) -> Iterator[Span]:
    """The sentences spaCy's sentencizer finds (a sentence ends at its punctuation, with the
    punctuation that follows it), read off the words: the sentencizer makes a Token of every word."""
    punct = doc.to_array(IS_PUNCT).tolist() if len(doc) else []
    start, seen_end = 0, False
    for i, text in enumerate(words.texts):
        ends = text in _SENTENCE_ENDS
        if seen_end and not punct[i] and not ends:
            yield doc[start:i]
            start, seen_end = i, False
        elif ends:
            seen_end = True
    if start < len(doc):
        yield doc[start:]


@dataclass(frozen=True)
class Words:
    """A sentence's (or heading's) words as plain strings, read off its Doc once: spaCy makes a
    Token object at every access, which costs more than these look-ups when every sentence of
    every article is scanned."""

    texts: list[str]
    lowers: list[str]
    starts: list[int]  # character offsets in `source`
    source: str

    @classmethod
    def of(cls, doc: Doc, text: str) -> Words:
        """The words of a Doc made from `text` (given: Doc.text joins every token anew)."""
        if not len(doc):
            return cls([], [], [], text)
        strings = doc.vocab.strings
        orths, lowers, starts = doc.to_array([ORTH, LOWER, IDX]).T.tolist()
        return cls([strings[o] for o in orths], [strings[w] for w in lowers], starts, text)

    def part(self, start: int, end: int) -> Words:
        return Words(self.texts[start:end], self.lowers[start:end], self.starts[start:end], self.source)

    def __len__(self) -> int:
        return len(self.texts)

    def text(self, start: int, end: int) -> str:
        """The words from `start` to `end` as written (with the spaces between them)."""
        return self.source[self.starts[start] : self.starts[end - 1] + len(self.texts[end - 1])]


def _capitalised_names(words: Words, keys: frozenset[str]) -> Iterator[tuple[str, bool]]:
    """Names the gazetteer knows in a sentence or title without a parse (longest first, within
    runs of capitalised words, with a site word after them: "Ain al-Asad air base"), and whether
    a locative word governs them ("in western Iraq")."""
    texts = words.texts
    i = 0
    while i < len(texts):
        end = i
        while end < len(texts) and end - i < _MAX_NAME_WORDS and (texts[end][:1].isupper() or (end > i and texts[end] == "-")):
            end += 1
        if end == i:
            i += 1
            continue
        site = _site_words(words.lowers, end)
        for width in range(end - i, 0, -1):
            text = words.text(i, i + width)
            if text in demonyms() or name_key(text).key not in keys:
                continue
            if width == end - i and site:
                text = words.text(i, end + site)
            yield text, _locative_before(words.lowers, i)
            i += width
            break
        else:
            i += 1


def _site_words(lowers: list[str], end: int) -> int:
    """How many words after a name say it is a site ("air base", "airport"): 0, 1 or 2."""
    following = lowers[end : end + 2]
    for width in range(len(following), 0, -1):
        if lexicon().value("place_kind", tuple(following[:width])) == "site":
            return width
    return 0


def _locative_before(lowers: list[str], start: int) -> bool:
    i = start - 1
    while i >= 0 and lowers[i] in BEFORE_NAME:
        i -= 1
    return i >= 0 and lexicon().has("locative", lowers[i]) and lowers[i] not in ("on", "over", "towards", "toward")


def _country_hints(words: Words) -> Iterator[str]:
    """"the Syrian town of X", "an Iraqi army base": the country by its adjective before a place
    word, with at most two common nouns between."""
    for i, text in enumerate(words.texts[:-1]):
        code = demonyms().get(text, "")
        if not code:
            continue
        for following, lower in zip(words.texts[i + 1 : i + 4], words.lowers[i + 1 : i + 4], strict=True):
            if lexicon().has("place_kind", lower):
                yield code
                break
            if not (following.isalpha() and following.islower()):
                break


def _spoken(phrase: Span) -> bool:
    """Whether a date phrase tells when someone spoke ("officials said on Tuesday")."""
    verb = phrase.root.head.head if phrase.root.head.dep_ == "prep" else phrase.root.head
    return lexicon().has("speech", verb.lemma_.lower())


# -- completing an incident -----------------------------------------------------------------

# Sentences after an incident's within which "the attack" may refer back to it.
REFERENCE_WINDOW = 3
def _reported(phrase: str) -> bool:
    """Whether an incident is dated by its report (or the day its speaker spoke), not a day of its own."""
    return phrase.startswith(AS_REPORTED)


def _same_kind(event: EventMention, incident: Incident) -> bool:
    """Whether an event noun may name the incident: "the blast" a bombing, "the attack" any
    violence; not "the protest" a shelling."""
    if event.event_type == incident.event_type or not event.event_type:
        return True
    violent = ("Battles", "Explosions/Remote violence", "Violence against civilians")
    return event.event_type in violent and incident.event_type in violent


def _more_exact(place: ResolvedPlace, near: bool, incident: Incident) -> bool:
    """Whether a place told later says more exactly where an incident was than its own, in the
    same country: a finer precision, a province after the country alone, or the place itself (or
    its area) after a place it was near ("south of Baghdad ... in the Musayyib area")."""
    if place.geo_precision is None or (incident.iso and place.iso and place.iso != incident.iso):
        return False
    if incident.geo_precision is None or place.geo_precision < incident.geo_precision:
        return True
    if place.geo_precision == incident.geo_precision == GeoPrecision.REGION:
        return bool(place.admin1) and not incident.admin1
    return place.geo_precision == incident.geo_precision == GeoPrecision.NEAR and not near


def _place(incident: Incident, place: ResolvedPlace) -> None:
    """The incident placed at a place told later ("The attack took place in Baquba"); its doubts
    about the place are the new place's, and the place's words are no longer in its sentence."""
    location = place.location
    incident.location, incident.place_name = place.text, place.name
    incident.latitude = location.latitude if location is not None else None
    incident.longitude = location.longitude if location is not None else None
    incident.geo_precision, incident.country, incident.iso, incident.admin1 = place.geo_precision, place.country, place.iso, place.admin1
    doubts = without_doubt(without_doubt(incident.doubts, "place_unresolved"), "place_fallback")
    if location is None:
        doubts = with_doubt(doubts, "place_unresolved")
    elif place.fallback:
        doubts = with_doubt(doubts, "place_fallback")
    incident.doubts = doubts
    incident.cues.pop("place", None)


def _date(incident: Incident, day: date, precision: int, phrase: str) -> None:
    """The incident dated by a day told later ("The attack took place on Sunday")."""
    incident.event_date, incident.time_precision, incident.notes = day, precision, phrase
    incident.doubts = without_doubt(incident.doubts, "date_as_reported")
    incident.cues.pop("date", None)



def _complete(incident: Incident, toll: Casualties) -> None:
    if incident.fatalities is None and toll.fatalities is not None:
        incident.fatalities = toll.fatalities
    if incident.injuries is None and toll.injuries is not None:
        incident.injuries = toll.injuries
    incident.casualties_reported = incident.casualties_reported or toll.reported


def _elaborate(incident: Incident, event: EventMention, toll: Casualties, agent: str) -> None:
    """More about an incident just told: its toll, and what it says of a protest ("police
    dispersed the protesters": with intervention, the police actor 2; "the protesters threw
    stones": a riot)."""
    _complete(incident, toll)
    if incident.event_type == PROTESTS:
        if agent and not incident.actor2 and not agent.startswith(("Protesters", "Rioters", "Civilians")):
            incident.actor2 = agent
        if event.event_type == RIOTS:
            incident.event_type, incident.sub_event_type = RIOTS, "Violent demonstration"
            incident.actor1 = incident.actor1.replace("Protesters", "Rioters", 1)
            incident.actor_group = actor_group_for(incident.actor1)
        elif event.sub_event_type == "Excessive force against protesters" or (incident.fatalities or 0) > 0:
            incident.sub_event_type = "Excessive force against protesters"
        elif event.event_type == "Strategic developments" or event.sub_event_type == "Protest with intervention":
            if incident.sub_event_type == "Peaceful protest":
                incident.sub_event_type = "Protest with intervention"


def _casualty_forms() -> frozenset[str]:
    """Word forms that flag a sentence for its toll ("3 fatalities.")."""
    nouns = lexicon().terms["casualty_noun"]
    return frozenset(form for (word,) in (k for k in nouns if len(k) == 1) for form in (word, word + "s", word[:-1] + "ies"))


def _intervention_forms() -> frozenset[str]:
    """Word forms that flag a sentence for how force met a protest ("Police intervened.")."""
    terms = lexicon().terms["intervention"]
    return frozenset(form for (word,) in (k for k in terms if len(k) == 1) for form in inflections(word, {}))


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


def _summary(incident: Incident, phrase: str) -> str:
    """One line: what, where, when (`phrase`: as the report dates it), who (as attributed), and the toll."""
    what = incident.munitions or incident.sub_event_type or incident.event_type
    preposition = "in" if incident.geo_precision == GeoPrecision.REGION else "at"
    parts = [f"{what[:1].upper()}{what[1:]} {preposition} {incident.location or 'an unknown place'} ({phrase})"]
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


def _unplaced_twins(by_event: list[list[Incident]]) -> list[Incident]:
    """"Gunmen killed 20 men during an attack on the village of X, near Y": of one sentence's
    events on one day, one placed nowhere (a village no gazetteer knows) and another of its kind
    that is placed are one incident told twice; the placed one keeps what the other adds. Not the
    places of one list ("shelled A, B and C": one event, an incident each)."""
    dropped: list[Incident] = []
    for n, made in enumerate(by_event):
        for unplaced in made:
            if unplaced.latitude is not None:
                continue
            twin = next(
                (
                    other for m, others in enumerate(by_event) if m != n for other in others
                    if other.latitude is not None and other not in dropped and other.event_date == unplaced.event_date
                    and _kin(unplaced, other) and not _tolls_differ(unplaced, other)
                ),
                None,
            )
            if twin is not None:
                _fill(twin, unplaced)
                dropped.append(unplaced)
    return dropped


def _kin(first: Incident, second: Incident) -> bool:
    """The same kind of event, or one told only by its toll beside a violent one (violence against
    civilians until the other telling says how)."""
    types = {first.event_type, second.event_type}
    return len(types) == 1 or CIVILIANS in types and types <= {"Battles", REMOTE, CIVILIANS}


def _merge_duplicates(incidents: list[Incident], stand_ins: set[int] = frozenset()) -> list[Incident]:
    """One incident per (day, place, event type) in an article: later mentions fill gaps; a
    month or week report of an incident the article also dates exactly is dropped, and so is a
    region's or country's report of one the article places in a town (its day kept)."""
    incidents = [i for i in incidents if not any(_covers(i, other) for other in incidents if other is not i)]
    incidents = _placed_once(incidents, stand_ins)
    merged: dict[tuple[date, str, str], Incident] = {}
    for incident in incidents:
        first = merged.setdefault((incident.event_date, _place_key(incident), incident.event_type), incident)
        if first is not incident:
            _fill(first, incident)
    return list(merged.values())


def _placed_once(incidents: list[Incident], stand_ins: set[int] = frozenset()) -> list[Incident]:
    """"Ten were killed in Iraq on Sunday ... A car bomb exploded in Samarra": an incident told in
    a country or province only (or coded near a place its sentence names aside, `stand_ins`: ids) is the same as one of its kind the article places in a town there
    (or in a province, when it names only the country) on the same day, or on the report's day
    for want of its own (a lead and the sentence that places it); it is folded into the nearest
    such one."""
    kept = list(incidents)
    for coarse in incidents:
        if coarse.geo_precision != GeoPrecision.REGION and id(coarse) not in stand_ins:
            continue  # told in a country or province only, or near a place named aside from it
        candidates = [fine for fine in kept if fine is not coarse and _vaguer(coarse, fine)]
        if not candidates:
            continue
        position = incidents.index(coarse)
        fine = min(candidates, key=lambda f: abs(incidents.index(f) - position))
        if _reported(fine.notes) and not _reported(coarse.notes):
            _date(fine, coarse.event_date, coarse.time_precision, coarse.notes)
        if fine.actor1.startswith("Unidentified") and not coarse.actor1.startswith("Unidentified"):
            fine.actor1, fine.actor_group = coarse.actor1, coarse.actor_group
            fine.doubts = without_doubt(fine.doubts, "actor_unnamed")
            fine.cues.pop("actor", None)
        _fill(fine, coarse)
        kept.remove(coarse)
    return kept


# A province coded at its capital (ACLED geo_precision 3) holds a town within about this distance.
_PROVINCE_KM = 150.0


def _vaguer(coarse: Incident, fine: Incident) -> bool:
    """Whether `coarse` (told in a country or province) may be `fine` (placed in a town there, or
    in a province when `coarse` names only the country)."""
    in_province = fine.geo_precision == GeoPrecision.REGION and bool(fine.admin1) and not coarse.admin1
    if fine.geo_precision not in (GeoPrecision.PLACE, GeoPrecision.NEAR) and not in_province or not coarse.iso or coarse.iso != fine.iso:
        return False
    # the same kind, or one told only by its toll ("ten people were killed"): violence against
    # civilians until the other telling says how
    if not _kin(coarse, fine):
        return False
    if _tolls_differ(coarse, fine):
        return False
    same_day = coarse.event_date == fine.event_date or (
        (_reported(coarse.notes) or _reported(fine.notes)) and min(coarse.event_date, fine.event_date) >= max(coarse.event_date, fine.event_date) - _AS_REPORTED_LAG
    )
    if not same_day:
        return False
    if coarse.admin1 and coarse.admin1 != fine.admin1:
        if None in (coarse.latitude, fine.latitude):
            return False
        return distance((coarse.latitude, coarse.longitude), (fine.latitude, fine.longitude)).km <= _PROVINCE_KM
    return True


# An event told undated is dated by its report, which tells it this many days after at most.
_AS_REPORTED_LAG = timedelta(days=2)


def _place_key(incident: Incident) -> str:
    return incident.place_name or incident.location.lower()


def _fill(first: Incident, other: Incident) -> None:
    """What a later telling of an incident adds: an attribution, a target, munitions, a toll."""
    if first.attribution == "unknown" and other.attribution != "unknown":
        first.actor1, first.actor_group = other.actor1, other.actor_group
        first.attribution, first.attributed_by = other.attribution, other.attributed_by
    for name in ("actor2", "munitions"):
        if not getattr(first, name):
            setattr(first, name, getattr(other, name))
    _complete(first, Casualties(other.fatalities, other.injuries, other.casualties_reported))
