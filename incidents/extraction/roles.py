"""spaCy component `incident_roles`: events from the triggers, with their roles read off the parse.

Triggers told as facts (`incident_triggers`) that the parse links ("shot and killed", "carried out
airstrikes ..., killing four", "wounded in an IED explosion") are one event; a coordinated clause
with a subject of its own is another. For each event:

- agent (actor 1): the subject of the active verb, "by X" of the passive, the possessor or the
  name modifying an event noun ("Turkish airstrikes"), the subject of a support verb ("carried
  out airstrikes", "staged a protest"); the target (actor 2): the object, the passive subject,
  "on / against / at / with X";
- places: place names the event's clause puts it at ("in / near / at X", or the object of a
  strike: "shelled Saida village"), each with the names that contain it ("X village in Y district
  (Z)"); coordinated places ("in A, B and C") are one event each, as ACLED codes them;
- the date phrase of its clause; the weapon (data/lexicon.csv, class weapon) as instrument:
  an event noun's modifier ("rocket attack"), the subject ("a drone struck"), the object of
  "fired / launched", "with X"; the casualties (casualties.py);
- the event type: the trigger's, refined by its frame (data/triggers.csv): a weapon makes an
  attack remote violence, an armed target a battle, a civilian one violence against civilians,
  protesters as agents a riot, protesters as targets a protest met with force.

Clauses that lead to another event ("days after a US strike killed ...", "in retaliation for
attacks on ...") are outside the event. Layer written: `doc._.events`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from incidents.actors import Actor
from incidents.extraction.casualties import Casualties, count_casualties
from incidents.extraction.lexicon import Lexicon, lemmas_of, lexicon

if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])

PROTESTS, RIOTS, BATTLES = "Protests", "Riots", "Battles"
REMOTE = "Explosions/Remote violence"
CIVILIANS = "Violence against civilians"
STRATEGIC = "Strategic developments"
# When several weapons are in a clause, the kind that decides: "a drone fired missiles" is a drone strike.
_WEAPON_PRIORITY = (
    "Suicide bomb", "Chemical weapon", "Air/drone strike", "Remote explosive/landmine/IED", "Grenade",
    "Shelling/artillery/missile attack",
)
_HIDDEN_EXPLOSIVE = "Remote explosive/landmine/IED"
# Frames whose event a weapon turns into remote violence.
_ARMED_FRAMES = frozenset({"attack", "remote", "strike", "clash"})
# How strongly a frame decides the type of an event of several triggers.
_FRAME_RANK = {
    "remote": 0, "strike": 1, "protest": 2, "riot": 3, "territory": 4, "abduct": 5, "clash": 6, "capture": 7,
    "arrest": 8, "attack": 9, "disrupt": 10, "destroy": 11, "deploy": 12, "reference": 13,
}
# Links by which a trigger belongs to the event of the word it hangs from.
_SAME_EVENT_DEPS = frozenset({"conj", "advcl", "xcomp", "acl", "dobj", "nsubj", "nsubjpass", "pobj", "prep", "appos", "pcomp", "relcl", "compound", "agent"})
_LINK_DEPTH = 3
_LOCATIVE_DEPTH = 4
_AGENT_DEPTH = 6
_MUNITION_DEPS = frozenset({"det", "nummod", "quantmod", "amod", "compound", "advmod", "cc", "prep", "pobj", "punct"})
_ARTICLE_WORDS = frozenset({"as", "al", "an", "at", "ad", "ar", "ash", "az", "el"})
_REPORTED_PRONOUNS = frozenset({"it", "they", "we"})
_PERSON_PRONOUNS = frozenset({"him", "her", "them", "he", "she", "they", "people"})


@dataclass
class PlaceRef:
    span: Span
    near: bool = False  # "near X", "north of X", "X countryside"
    containers: list[PlaceRef] = field(default_factory=list)  # "X village in Y district (Z)": Y, Z


@dataclass
class EventMention:
    trigger: Span  # the trigger that decides the event's frame
    triggers: list[Span]
    event_type: str
    sub_event_type: str
    agent: Token | None = None
    patient: Token | None = None
    places: list[list[PlaceRef]] = field(default_factory=list)  # groups of coordinated places, in text order
    dates: list[Span] = field(default_factory=list)  # its clause's date phrases, else its sentence's
    own_date: bool = False  # a date phrase in its own clause
    background: bool = False  # told in a relative clause about someone ("students who were arrested")
    weapon: Token | None = None
    munitions: str = ""
    casualties: Casualties = Casualties()
    definite: bool = False  # "the attack": refers back to an event told before
    plural: bool = False  # "attacks": many events unless placed and dated
    series: bool = False  # "a series of bombings killed 21": many events told as one toll
    scope: frozenset[int] = frozenset()  # token indices of the event's clause

    @property
    def names_no_kind(self) -> bool:
        """Told only by words that name an event of no kind of their own ("the incident occurred
        in X", "the violence"): it can complete an event told before, never tell one."""
        return all(t._.trigger.frame == "reference" for t in self.triggers)

    @property
    def refers_back(self) -> bool:
        """"behind the attack", "claimed the attack in a statement on Telegram": an event told
        before, named again by a definite noun without a date of its own."""
        return self.definite and not self.own_date


class EventRoles:
    def __init__(self, nlp: Language, lexicon_: Lexicon | None = None) -> None:
        self.lexicon = lexicon_ or lexicon()
        self.protest_words = frozenset(e.lemmas[0] for e in self.lexicon.triggers if e.frame == "protest" and len(e.lemmas) == 1)

    def __call__(self, doc: Doc) -> Doc:
        # the connectives heading clauses about other events, found once per sentence
        leading = [token for token in doc if self._leads_elsewhere(token)]
        leads = frozenset(token.i for token in leading)
        denied = {t.root.i for t in doc.spans.get("triggers", []) if not t._.asserted}
        triggers = [
            t for t in doc.spans.get("triggers", [])
            if t._.asserted and not self._other_event(t.root, leads) and not _under(t.root, denied) and self._meets(t)
        ]
        groups = self._group(triggers)
        tops = [self._top(group) for group in groups]
        scopes = [
            self._scope(top, group, [o.root for o in tops if o is not top and top.root.is_ancestor(o.root)], leads)
            for group, top in zip(groups, tops, strict=True)
        ]
        # Clauses about other events, and triggers that tell no event: their dates are not ours.
        elsewhere = {t.i for token in leading for t in token.subtree}
        elsewhere |= {t.i for span in doc.spans.get("triggers", []) if span.root.i in denied for t in span.root.subtree}
        # clauses about other events that hold a trigger of their own ("days after a strike in X")
        trigger_roots = {span.root.i for span in doc.spans.get("triggers", [])}
        causes = [token for token in leading if any(d.i in trigger_roots for d in token.subtree)]
        triggered = {t.i for token in causes for t in token.subtree}
        events: list[EventMention] = []
        for group, scope in zip(groups, scopes, strict=True):
            others = set().union(*(other for other in scopes if other is not scope))
            event = self._event(doc, group, scope, others | triggered, causes)
            # "a series of bombings killed 21", "hit by a string of rocket attacks": many events,
            # of the kind the counted nouns say
            if event.agent is not None and self._counts_events(event.agent, trigger_roots):
                counted = [t for t in doc.spans.get("triggers", []) if t.root.dep_ == "pobj" and t.root.head.head == event.agent]
                if counted:
                    weapon = self._weapon(counted, scope)
                    event.event_type, event.sub_event_type = self._type(counted, counted[0], None, event.patient, weapon, doc, scope)
                event.series = True
            if event.plural and _perfect(self._top(group).root):
                continue  # "protests that began on Oct. 1 have left 400 dead": a tally of many
            event.own_date = bool(event.dates)
            event.background = _in_relative_clause(self._top(group).root)
            if not event.dates:
                event.dates = [d for d in doc.spans.get("dates", []) if d.root.i not in elsewhere and d.root.i not in others]
            events.append(event)
        doc._.events = events
        return doc

    # -- which triggers are one event -------------------------------------------------------

    def _group(self, triggers: list[Span]) -> list[list[Span]]:
        by_token = {t.root.i: n for n, t in enumerate(triggers)}
        for n, trigger in enumerate(triggers):  # "launched attacks ... and gained control": via "launched"
            support = self._support_verb(trigger.root)
            if support is not None:
                by_token.setdefault(support.i, n)
        parent = list(range(len(triggers)))

        def find(n: int) -> int:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        for n, trigger in enumerate(triggers):
            token = trigger.root
            for _ in range(_LINK_DEPTH):
                if token.dep_ not in _SAME_EVENT_DEPS or token.head.i == token.i:
                    break
                if token.dep_ == "conj" and _subject(token) is not None and _subject(token.head) is not None and not self._toll_pair(token):
                    break  # "X shelled A and Y clashed with Z": another event
                token = token.head
                other = by_token.get(token.i)
                if other is not None and other != n:
                    parent[find(n)] = find(other)
                    break
        # "protested as part of May Day protests": a trigger of the same frame below another is
        # the same event told again
        for n, trigger in enumerate(triggers):
            for m, other in enumerate(triggers):
                if n != m and trigger._.trigger.frame == other._.trigger.frame and other.root.is_ancestor(trigger.root):
                    parent[find(n)] = find(m)
        # "forces, supported by air raids, clashed with ...": an event told inside who did
        # another is part of it
        for n, trigger in enumerate(triggers):
            token = trigger.root
            for _ in range(_AGENT_DEPTH):
                if token.head.i == token.i:
                    break
                if token.dep_ in ("nsubj", "nsubjpass") and token.head.i in by_token:
                    parent[find(n)] = find(by_token[token.head.i])
                    break
                token = token.head
        groups: dict[int, list[Span]] = {}
        for n, trigger in enumerate(triggers):
            groups.setdefault(find(n), []).append(trigger)
        return list(groups.values())

    def _counts_events(self, noun: Token, trigger_roots: set[int]) -> bool:
        """"a string of attacks", "a series of strikes" (not "a number of guards")."""
        return self.lexicon.has("aggregate", noun.lemma_.lower()) and any(
            g.i in trigger_roots for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
        )

    def _toll_pair(self, verb: Token) -> bool:
        """"two were killed and three wounded": one event's toll, told in two clauses."""
        return all(any(self.lexicon.has("harm", lemma) for lemma in lemmas_of(t)) for t in (verb, verb.head))

    @staticmethod
    def _top(group: list[Span]) -> Span:
        """The trigger highest in the parse (its clause holds the others)."""
        return min(group, key=lambda t: (_depth(t.root), t.start))

    def _scope(self, top: Span, group: list[Span], other_tops: list[Token], leads: frozenset[int]) -> frozenset[int]:
        """Token indices of the event's clause: the subtree of its highest verb (or of the
        support verb of its event noun), minus other events' clauses and clauses about another event."""
        head = top.root
        support = self._support_verb(head)
        if support is not None:
            head = support
        # an event noun that is (part of) the subject or object of its clause's verb: the whole clause
        if head.pos_ in ("NOUN", "PROPN"):
            head = _clause_verb(head) or head
        # a protest told as the purpose of an act ("gathered in front of X to protest", "stood on
        # the road to block it"), or an event told by a participle of the clause's verb ("shot at
        # a prosecutor in X, injuring one"): the verb's clause is the event's
        # "located an IED in X and destroyed it": the first verb's clause holds the second's place
        if head.dep_ == "conj" and _subject(head) is None and head.head.pos_ == "VERB" and not self.lexicon.has("speech", head.head.lemma_.lower()):
            head = head.head
        purpose = top._.trigger.frame == "protest" and head.dep_ in ("xcomp", "advcl")
        participle = head.dep_ in ("advcl", "acl", "xcomp") and head.tag_ in ("VBG", "VBN")
        if (purpose or participle) and head.head.pos_ in ("VERB", "NOUN") and not self.lexicon.has("speech", head.head.lemma_.lower()):
            head = head.head
        excluded: set[int] = set()
        for token in head.subtree:
            if token.i != head.i and token.i in leads:
                excluded.update(t.i for t in token.subtree)
        for other in other_tops:
            excluded.update(t.i for t in other.subtree)
        for trigger in group:
            excluded.difference_update(range(trigger.start, trigger.end))
        return frozenset(t.i for t in (*head.subtree, *self._fronted_place(head)) if t.i not in excluded)

    def _fronted_place(self, head: Token) -> list[Token]:
        """"In the northern city of Mosul, police say gunmen killed ...": a locative phrase put
        before the speaker of a reported event tells where the event was (the parser hangs it on
        the verb of saying)."""
        speech = head.head
        if head.dep_ not in ("ccomp", "parataxis") or not self.lexicon.has("speech", speech.lemma_.lower()):
            return []
        speaker = _subject(speech)
        if speaker is None:
            return []
        return [
            t for c in speech.children
            if c.dep_ == "prep" and c.i < speaker.i and self.lexicon.has("locative", c.lower_) and not any(_is_date(t) for t in c.subtree)
            for t in c.subtree
        ]

    def _leads_elsewhere(self, token: Token) -> bool:
        """A connective heading a clause about another event: "after ...", "in retaliation for ..."."""
        if token.dep_ not in ("prep", "mark", "advcl", "pobj", "npadvmod", "agent"):
            return False
        words = (token.lower_, token.lemma_.lower())
        if token.dep_ == "prep" and token.head.lemma_.lower() in self.protest_words and (
            token.lower_ in ("against", "over", "about") or (token.lower_ == "at" and token.head.pos_ == "NOUN")
        ):
            return True  # "in protest against the airstrikes": what is protested is another event
        if token.dep_ == "advcl":
            return any(c.dep_ == "mark" and self.lexicon.has("other_event", c.lower_) for c in token.children)
        return any(self.lexicon.has("other_event", w) for w in words) and token.dep_ != "pobj" or (
            token.dep_ == "pobj" and token.head.lower_ in ("in", "for") and self.lexicon.has("other_event", token.lemma_.lower())
        )

    def _other_event(self, token: Token, leads: frozenset[int]) -> bool:
        """Whether a trigger sits in a clause that leads to another event than its sentence's own
        (`leads`: the connectives of the sentence that do, _leads_elsewhere)."""
        current = token
        for _ in range(8):
            if current.i in leads and (current.i != token.i or current.dep_ == "advcl"):
                return True
            if current.head.i == current.i:
                return False
            current = current.head
        return False

    def _support_verb(self, token: Token) -> Token | None:
        """"carried out airstrikes", "staged a protest", "came under attack": the verb whose
        object is the event noun."""
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "pobj", "nsubjpass"):
            verb = token.head if token.dep_ != "pobj" else token.head.head
            if verb.pos_ in ("VERB", "AUX") and self._support_value(verb, token) is not None:
                return verb
        return None

    def _support_value(self, verb: Token, noun: Token | None = None) -> str | None:
        """The support class's value for a verb with its particle ("carry out") or the
        preposition before its event noun ("come under")."""
        words = [c.lower_ for c in verb.children if c.dep_ == "prt"]
        if noun is not None and noun.dep_ == "pobj":
            words.append(noun.head.lower_)
        for lemma in lemmas_of(verb):
            for word in words:
                value = self.lexicon.value("support", (lemma, word))
                if value is not None:
                    return value
            value = self.lexicon.value("support", lemma)
            if value is not None:
                return value
        return None

    # -- requirements -----------------------------------------------------------------------

    def _meets(self, trigger: Span) -> bool:
        """Whether the trigger's clause meets its lexicon requirement (any of "a|b")."""
        requirement = trigger._.trigger.requires
        return not requirement or any(self._meets_one(trigger, one) for one in requirement.split("|"))

    def _meets_one(self, trigger: Span, requirement: str) -> bool:
        token = trigger.root
        if requirement == "weapon":
            return self._weapon([trigger], frozenset(t.i for t in _clause(token).subtree)) is not None
        if requirement == "casualties":
            clause = _clause(token)
            toll = count_casualties(clause.subtree, self.lexicon)
            return toll.reported or toll.fatalities is not None or toll.injuries is not None
        agent, patient = self._agent(token), self._patient(token)
        if requirement == "protest_agent":
            return agent is not None and any(self._party(t) == "protester" for t in agent.subtree)
        if requirement == "person_patient":
            return patient is not None and self._party(patient) in ("civilian", "armed", "person", "protester")
        if requirement == "place_patient":
            return patient is not None and self._party(patient) == "place"
        if requirement == "intransitive":
            return not any(c.dep_ == "dobj" for c in token.children)
        if requirement == "armed_agent":
            return agent is not None and self._party(agent) == "armed"
        if requirement == "armed_patient":
            return patient is not None and self._party(patient) == "armed"
        if requirement == "found":  # "the body of a man was found", "police found the bodies of two women"
            return token.dep_ in ("nsubjpass", "dobj") and self.lexicon.has("discovery", token.head.lemma_.lower())
        return True

    # -- one event ---------------------------------------------------------------------------

    def _event(self, doc: Doc, group: list[Span], scope: frozenset[int], elsewhere: set[int], causes: list[Token]) -> EventMention:
        # A trigger that modifies another names its kind ("arson attack"); else the frame ranks.
        # A trigger told inside another's subject ("forces supported by air raids clashed") backs
        # that event and does not decide it.
        modifiers = {t.start for t in group if t.root.dep_ in ("compound", "amod") and any(t.root.head == o.root for o in group)}
        # So does one describing another's argument ("intercepted a drone launched by the Houthis").
        backing = {
            t.start for t in group
            if any(_in_subject_of(t.root, o.root) or (t.root.dep_ == "acl" and o.root.is_ancestor(t.root)) for o in group if o is not t)
        }
        # A word that names no kind of event ("incident") never decides one.
        group = sorted(group, key=lambda t: (
            t.start in backing, t._.trigger.frame == "reference", t.start not in modifiers, _FRAME_RANK.get(t._.trigger.frame, 99), t.start,
        ))
        decisive = group[0]
        roots = [t.root for t in group]
        # who did it, rather than the weapon they used ("a drone launched by the Houthis hit X")
        agents = [a for a in (self._agent(r) for r in sorted(roots, key=_depth)) if a is not None and a not in roots]
        agent = next((a for a in agents if self._weapon_word(a) is None), agents[0] if agents else None)
        patient = next((p for p in (self._patient(r) for r in sorted(roots, key=_depth)) if p is not None), None)
        # "clashes between X and Y (killed four fighters)": the two sides, whoever was hit
        sides = next((found for r in roots if (found := _between(r)) is not None), None)
        if sides is not None:
            agent, patient = sides[0], sides[1] or patient
        if patient is None:  # "resulted in casualties among X", "a campaign against X"
            patient = next(
                (g for i in sorted(scope) for g in doc[i].children
                 if doc[i].dep_ == "prep" and doc[i].lower_ in ("among", "against", "targeting") and g.dep_ == "pobj"),
                None,
            )
        weapon = self._weapon([t for t in group if t.start not in backing] or group, scope, agent)
        event_type, sub_event_type = self._type(group, decisive, agent, patient, weapon, doc, scope)
        triggers = {i for t in group for i in range(t.start, t.end)}
        nouns = [t for t in group if t.root.pos_ in ("NOUN", "PROPN")]
        dates = [d for d in doc.spans.get("dates", []) if d.root.i in scope]
        places, cause = self._places(doc, scope, roots, elsewhere, causes, dated=bool(dates))
        if not dates and cause:
            dates = [d for d in doc.spans.get("dates", []) if d.root.i in cause]  # "killed ... after shelling X on Friday"
        tokens = [doc[i] for i in sorted(scope)]
        return EventMention(
            trigger=decisive,
            triggers=group,
            event_type=event_type,
            sub_event_type=sub_event_type,
            agent=agent,
            patient=patient,
            places=places,
            dates=dates,
            weapon=weapon[0] if weapon is not None else None,
            munitions=self._munitions(weapon[0], triggers) if weapon is not None and event_type == REMOTE else "",
            casualties=count_casualties(tokens, self.lexicon),
            definite=self._definite(group, nouns),
            # "the bodies of 18 men were found": bodies count the dead of one finding, not events
            plural=all(t.root.tag_ in ("NNS", "NNPS") and not _one_of(t.root) and t._.trigger.requires != "found" for t in group),
            scope=scope,
        )

    @staticmethod
    def _definite(group: list[Span], nouns: list[Span]) -> bool:
        """"The attack killed two": the event is one told before when it is named by definite
        nouns only, and each verb of it tells what that noun did ("clashed during their raid"
        tells a new event)."""
        if not nouns or not all(t._.definite for t in nouns):
            return False
        named = {n.root.i for n in nouns}
        return all(
            t.root.pos_ in ("NOUN", "PROPN")
            or any(c.i in named for c in t.root.children if c.dep_ in ("nsubj", "nsubjpass"))
            or (t.root.dep_ in ("relcl", "acl") and t.root.head.i in named)
            for t in group
        )

    def _agent(self, token: Token) -> Token | None:
        """Who did it."""
        support = self._support_verb(token)
        if support is not None:
            if self._support_value(support, token) == "patient":
                return None
            return self._agent(support)
        if token.pos_ in ("NOUN", "PROPN"):
            for child in token.children:
                if child.dep_ == "poss" and self._party(child) in ("civilian", "person"):
                    continue  # "a man's body", "the shepherd's killing": whose it was, not who did it
                if child.dep_ == "poss" or (child.dep_ in ("compound", "amod", "nmod") and child._.actor is not None):
                    return child
                if child.dep_ == "prep" and child.lower_ == "by":
                    return next((g for g in child.children if g.dep_ == "pobj"), None)
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
                return None  # "an explosion killed ...": no agent named
            return None
        passive = _passive(token) or (
            # "a soldier was killed and three others wounded": the passive carried over the "and"
            token.dep_ == "conj" and token.tag_ == "VBN" and _passive(token.head) and not any(c.dep_ == "aux" for c in token.children)
        )
        for child in (*token.children, *(c for conj in token.conjuncts for c in conj.children)):
            if child.dep_ == "agent":  # "shot and killed by gunmen"
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if self._meets_hidden_explosive(token):
            return None  # "their vehicle hit a roadside bomb": whoever runs into a mine is its victim
        for child in token.children:
            if not passive and child.dep_ == "nsubj":
                return self._speaker(child) if child.lower_ in _REPORTED_PRONOUNS else child
        if token.dep_ in ("acl", "amod"):  # "a drone launched by X": the passive agent only
            return None
        if token.dep_ in ("conj", "xcomp", "advcl") and token.head.i != token.i:
            return self._agent(token.head)  # "shot and killed", "clashed ..., killing"
        return None

    def _speaker(self, pronoun: Token) -> Token:
        """"the coalition said it had intercepted ...": "it" is the coalition, the subject of the
        verb of saying the clause is reported by; else the pronoun itself."""
        current = pronoun.head
        for _ in range(3):
            if any(self.lexicon.has("speech", lemma) for lemma in lemmas_of(current)):
                subject = _subject(current)
                return subject if subject is not None and subject.lower_ not in _REPORTED_PRONOUNS else pronoun
            if current.head.i == current.i:
                break
            current = current.head
        return pronoun

    def _patient(self, token: Token) -> Token | None:
        """What or whom it was aimed at."""
        support = self._support_verb(token)
        if support is not None and self._support_value(support, token) == "patient":
            return _subject(support)
        candidates: list[Token] = []
        for child in token.children:
            if child.dep_ in ("dobj", "nsubjpass"):
                candidates.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("on", "against", "at", "with", "targeting", "upon", "of", "towards", "toward"):
                candidates.extend(g for g in child.children if g.dep_ == "pobj" and not _is_date(g))
            elif child.dep_ == "prep" and child.lower_ == "near":  # "a bomb exploded near a patrol of the PMF"
                candidates.extend(g for g in child.children if g.dep_ == "pobj" and self._party(g) in ("armed", "civilian"))
            elif child.dep_ in ("acl", "advcl") and child.lemma_.lower() in ("target", "hit", "kill"):
                candidates.extend(g for g in child.children if g.dep_ == "dobj")
        if not candidates and token.dep_ in ("acl",) and token.head.pos_ in ("NOUN", "PROPN"):
            candidates.append(token.head)  # "civilians killed by ..."
        if not candidates:
            for conj in token.conjuncts:  # "shot and injured a driver"; not "gathered, and police fired gas"
                if _subject(conj) is None:
                    candidates.extend(c for c in conj.children if c.dep_ in ("dobj", "nsubjpass"))
        # a named party, then someone hit, before a place (where)
        candidates.sort(key=lambda t: (named_actor(t) is None, self._party(t) in ("place", "")))
        return candidates[0] if candidates else None

    def _party(self, token: Token) -> str:
        """What kind of party a noun phrase's head names: civilian, armed, protester, rioter,
        person (a named or pronoun person), place, or ""."""
        if token.lower_ == "it" and token.pos_ == "PRON":  # "stood on the road to block it": the noun before
            antecedent = next((t for t in reversed(token.doc[: token.i]) if t.pos_ in ("NOUN", "PROPN")), None)
            return self._party(antecedent) if antecedent is not None else ""
        for word_class in ("protester", "rioter"):
            if phrase_value(token, word_class, self.lexicon) is not None:
                return word_class  # "settlers", "rioters": whatever group the lexicon puts them in
        if (actor := own_actor(token)) is not None:  # "a Global Coalition convoy of thirty vehicles"
            return {"Protesters": "protester", "Civilians": "civilian"}.get(actor.group, "armed")
        if any(token.i >= span.start and token.i < span.end for span in token.doc.spans.get("places", [])):
            return "place"
        for word_class in ("armed", "civilian"):
            value = phrase_value(token, word_class, self.lexicon)
            if value == "either" and (owner := self._of_party(token)) in ("civilian", "protester", "rioter"):
                return owner  # "members of one family", "a convoy of civilians": the owner says who
            if value is not None:
                return word_class
        if any(c.dep_ in ("amod", "compound") and self.lexicon.has("armed", c.lemma_.lower()) for c in token.children):
            return "armed"  # "military targets": a force's, whatever the noun
        lemma = token.lemma_.lower()
        if lemma in _PERSON_PRONOUNS or token.lower_ in _PERSON_PRONOUNS:
            return "person"
        if self.lexicon.has("place_kind", lemma):
            return "place"
        if owner := self._of_party(token):  # "dozens of civilians"
            return owner
        if token.pos_ == "PROPN":
            return "person"
        return ""

    def _of_party(self, token: Token) -> str:
        owner = of_object(token)
        return self._party(owner) if owner is not None else ""

    def _weapon(self, group: list[Span], scope: frozenset[int], agent: Token | None = None) -> tuple[Token, str] | None:
        """The weapon used, an instrument of the event and not its target: (its word, its
        sub-event type)."""
        places: list[Token] = []
        owners: set[int] = set()  # nouns outside the clause that the trigger describes
        for trigger in group:
            head = trigger.root
            places.extend(trigger)
            places.extend(c for c in head.children if c.dep_ in ("compound", "amod", "nmod"))
            for subject in (c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")):  # "a drone strike hit", "rockets landed", "rockets were fired"
                places.append(subject)
                places.extend(c for c in subject.children if c.dep_ in ("compound", "amod", "nmod"))
            for child in head.children:
                if child.dep_ == "dobj" and any(self.lexicon.has("instrument_verb", lemma) for lemma in lemmas_of(head)):
                    places.extend(child.subtree)  # "fired rockets", "planted a bomb"
                if child.dep_ == "dobj":  # "attacked a checkpoint with grenades": the parser hangs "with" on the object
                    places.extend(t for c in child.children if c.dep_ == "prep" and c.lower_ in ("with", "using") for t in c.subtree)
                    if self._weapon_word(child) == _HIDDEN_EXPLOSIVE:
                        places.append(child)  # "their vehicle hit a roadside bomb": a mine is met, not aimed at
                if child.dep_ == "prep" and child.lower_ in ("with", "by", "in", "using"):
                    places.extend(child.subtree)  # "attacked with drones", "killed by a landmine"
                if child.dep_ in ("agent",):
                    places.extend(child.subtree)
            if head.dep_ in ("pobj",) and head.head.lower_ in ("in", "by"):
                places.append(head)
            if head.dep_ == "acl":  # "a rocket hit near X" parsed as a rocket that hit
                places.append(head.head)
                owners.add(head.head.i)
            support = self._support_verb(head)
            if support is not None:
                places.extend(c for c in support.subtree if c.dep_ == "dobj" or c in trigger)
                # "came under attack by drones": the parser hangs the instrument on the support verb
                places.extend(t for c in support.children if c.dep_ == "prep" and c.lower_ in ("with", "by", "using") for t in c.subtree)
        if agent is not None:  # "a drone launched by ...", "Turkish warplanes": the agent and its modifiers
            places.append(agent)
            places.extend(c for c in agent.children if c.dep_ in ("compound", "amod", "nmod"))
        found: list[tuple[int, int, Token, str]] = []
        for token in places:
            if token.i not in scope and token.i not in owners and not any(token in t for t in group):
                continue
            match = self._weapon_word(token)
            if match is not None:
                rank = _WEAPON_PRIORITY.index(match) if match in _WEAPON_PRIORITY else 99
                found.append((rank, token.i, token, match))
        if not found:
            return None
        _, _, token, kind = min(found, key=lambda item: item[:2])
        return token, kind

    def _meets_hidden_explosive(self, verb: Token) -> bool:
        """An attack verb whose object is a mine or roadside bomb: the subject ran into it."""
        return any(
            span.root == verb and span._.trigger.frame == "attack" for span in verb.doc.spans.get("triggers", [])
        ) and any(c.dep_ == "dobj" and self._weapon_word(c) == _HIDDEN_EXPLOSIVE for c in verb.children)

    def _weapon_word(self, token: Token) -> str | None:
        """The weapon sub-event type of a word with the words compounded before it ("roadside bomb")."""
        lemmas = [t.lemma_.lower() for t in token.doc[max(0, token.i - 2) : token.i + 1]]
        match = self.lexicon.longest("weapon", lemmas, len(lemmas) - 1)
        if match is None and token.lower_ != token.lemma_.lower():
            match = self.lexicon.longest("weapon", [*lemmas[:-1], token.lower_], len(lemmas) - 1)
        return match[1] if match is not None else None

    def _type(
        self, group: list[Span], decisive: Span, agent: Token | None, patient: Token | None, weapon: tuple[Token, str] | None,
        doc: Doc, scope: frozenset[int],
    ) -> tuple[str, str]:
        entry = decisive._.trigger
        frame = entry.frame
        if frame == "reference":
            return "", ""  # "the incident": an event told elsewhere, of its kind
        agent_party = self._party(agent) if agent is not None else ""
        patient_party = self._party(patient) if patient is not None else ""
        frames = {t._.trigger.frame for t in group}
        crowd = agent_party in ("protester", "rioter")
        if frame in ("protest",) or (frames & {"protest"} and crowd):
            if frames & {"riot", "destroy"} or (frames & {"attack", "clash"} and crowd) or agent_party == "rioter" or self._riot_marker(doc, scope):
                return RIOTS, "Violent demonstration"
            return PROTESTS, self.protest_sub_type(doc, scope)
        if frame in ("riot", "destroy", "attack", "clash") and agent_party == "protester":
            return RIOTS, "Violent demonstration"
        if (
            frame in ("riot", "attack", "destroy", "clash") and agent_party == "rioter"
            and not (self._own_destruction(frame, agent) and not self._riot_marker(doc, scope))
            or frame == "clash" and {agent_party, patient_party} & {"civilian", "rioter"}
        ):
            return RIOTS, "Mob violence"  # rioters, or unarmed people fighting on either side, without a protest
        if frame == "riot":
            return RIOTS, entry.sub_event_type
        if weapon is not None and frame in _ARMED_FRAMES:
            return REMOTE, weapon[1]
        if frame == "strike":
            if agent_party in ("civilian", "protester") or patient_party == "":
                if agent_party in ("civilian", "protester"):
                    return PROTESTS, "Peaceful protest"  # a labour strike
            return entry.event_type, entry.sub_event_type
        if frame in ("attack", "clash") and agent_party not in ("protester", "rioter") and self._at_protesters(doc, scope, agent):
            # force used on a protest: coded as the protest, met with force
            sub = self.protest_sub_type(doc, scope)
            return PROTESTS, sub if sub != "Peaceful protest" else "Protest with intervention"
        if frame == "attack":
            if patient_party == "armed" or (patient_party == "" and agent_party == "armed" and patient is None):
                return BATTLES, "Armed clash"
            return CIVILIANS, "Attack"
        if frame == "capture":
            if patient_party == "place":
                return BATTLES, self._territory(agent)
            if patient_party in ("civilian", "person") and agent_party == "armed" and self._state(agent) is False:
                return CIVILIANS, "Abduction/forced disappearance"
            return STRATEGIC, "Arrests" if entry.lemmas[0] == "capture" or patient_party else entry.sub_event_type
        if frame == "territory":
            return BATTLES, self._territory(agent)
        if frame == "arrest" and agent is not None and self._state(agent) is False:
            return CIVILIANS, "Abduction/forced disappearance"  # ACLED: detention by a non-state group
        if frame == "remote" and weapon is None:
            return entry.event_type, entry.sub_event_type
        return entry.event_type, entry.sub_event_type

    def _territory(self, agent: Token | None) -> str:
        return "Government regains territory" if agent is not None and self._state(agent) else "Non-state actor overtakes territory"

    def _state(self, token: Token) -> bool | None:
        """Whether an agent is a state's force: True, False, or None when unknown."""
        if token._.actor is not None:
            return token._.actor.force == "state"
        value = phrase_value(token, "armed", self.lexicon)
        if value in ("state", "police"):
            return True
        if value == "nonstate":
            return False
        for child in token.children:
            if child._.actor is not None or child.dep_ in ("compound", "amod"):
                found = self._state(child) if child._.actor is not None else None
                if found is not None:
                    return found
        return None

    @staticmethod
    def _own_destruction(frame: str, agent: Token | None) -> bool:
        """"Israeli settlers uprooted olive trees": property destroyed by a named group, not by a
        crowd of rioters, is that group's looting or destruction, as ACLED codes it (unless they
        riot: "hurled stones")."""
        actor = named_actor(agent) if agent is not None else None
        return frame == "destroy" and actor is not None and actor.group != "Protesters"

    def protest_sub_type(self, doc: Doc, scope: frozenset[int]) -> str:
        """ACLED's protest sub-types: lethal or live-fire force, other intervention, or peaceful."""
        found = ""
        tokens = [doc[i] for i in sorted(scope)] or list(doc)
        for index, token in enumerate(tokens):
            pair = (token.lemma_.lower(), tokens[index + 1].lemma_.lower()) if index + 1 < len(tokens) else ()
            value = (self.lexicon.value("intervention", pair) if pair else None) or self.lexicon.value("intervention", token.lemma_.lower())
            if value is not None and self._grievance(token):
                continue  # "protesting the arrest of activists": what they protest, not what met them
            if value == "transitive":  # "police dispersed them", "were dispersed"; not "the group dispersed peacefully"
                value = "intervention" if any(c.dep_ in ("dobj", "nsubjpass", "agent") for c in token.children) else None
            if value == "excessive" and token.lemma_.lower() in ("kill", "shoot") and not self._aimed_at_protesters(token):
                continue
            if value == "excessive":
                return "Excessive force against protesters"
            if value == "intervention":
                found = "Protest with intervention"
        return found or "Peaceful protest"

    def _grievance(self, token: Token) -> bool:
        """Whether a word tells what a protest is about: inside the object of a protest verb or
        of "over / against / about" ("protested over the arrests")."""
        for ancestor in (token, *token.ancestors):
            if ancestor.dep_ == "pobj" and ancestor.head.lower_ in ("over", "against", "about"):
                return True
            if ancestor.dep_ == "dobj" and ancestor.head.lemma_.lower() in self.protest_words:
                return True
        return False

    def _at_protesters(self, doc: Doc, scope: frozenset[int], agent: Token | None) -> bool:
        """Whether protesters are among those the event's clause acts on ("fired tear gas at
        protesters", "protesters were wounded"), not its agent."""
        agents = {t.i for t in agent.subtree} if agent is not None else set()
        return any(phrase_value(doc[i], "protester", self.lexicon) is not None for i in scope if i not in agents and doc[i].pos_ == "NOUN")

    def _riot_marker(self, doc: Doc, scope: frozenset[int]) -> bool:
        """"blocked the road with burning tires", "threw stones": violence by the demonstrators."""
        return any(self.lexicon.has("riot_marker", doc[i].lemma_.lower()) for i in scope)

    def _aimed_at_protesters(self, token: Token) -> bool:
        patient = self._patient(token)
        return patient is not None and self._party(patient) == "protester"

    def _munitions(self, weapon: Token, triggers: set[int]) -> str:
        """The weapons as the report words them: "Two Katyusha rockets", "More than a dozen
        rockets", "A barrage of rockets"; none when the weapon only names the kind of an event
        noun ("a drone strike")."""
        while weapon.dep_ == "compound" and weapon.head.i > weapon.i:
            weapon = weapon.head  # "Katyusha rockets": the phrase's head
        if weapon.i in triggers or phrase_value(weapon, "platform", self.lexicon) is not None:
            return ""  # "a drone strike", "Turkish warplanes": the kind of attack, not what was fired
        head = weapon
        if weapon.dep_ == "pobj" and weapon.head.lower_ == "of" and self.lexicon.has("quantity", weapon.head.head.lemma_.lower()):
            head = weapon.head.head  # "a barrage of rockets"
        start = head.i
        for token in sorted((t for t in head.subtree if t.i < head.i), key=lambda t: -t.i):
            if token.i == start - 1 and (token.dep_ in _MUNITION_DEPS or token.like_num):
                start = token.i
        return weapon.doc[start : weapon.i + 1].text

    # -- places ------------------------------------------------------------------------------

    def _places(
        self, doc: Doc, scope: frozenset[int], roots: list[Token], elsewhere: set[int], causes: list[Token] = (), dated: bool = True,
    ) -> tuple[list[list[PlaceRef]], frozenset[int]]:
        """Where the event happened: groups of coordinated places ("in A, B and C": one event
        each), each place with the places written as containing it. When the parse puts no place
        in the event's clause (it misparses long notes), a place the words put there: after a
        locative word or the trigger itself, outside other events' clauses; else where the event
        that caused it was, told in a clause of its own ("eight were killed after militants shelled
        the city of X"), without a day of its own unless the event has none (then the cause's day is
        the event's: the clause is returned with the groups to date it by)."""
        spans = [s for s in doc.spans.get("places", []) if s.root.i in scope or s.start in scope]
        # "approached Ain al-Asad air base in Anbar": a place that contains another of the clause
        # tells where that one is; the one it contains is the event's
        located = [_contained(doc, s, spans) or s for s in spans if self._locative(s, roots)]
        located = list(dict.fromkeys(located))
        # "teachers organized by the syndicates in Iran protested in X": a place inside who did it
        # says where the event was only when nothing else does
        # (not inside a weapon: "a raid by an unknown plane on X district" is a raid on X)
        agents = {
            t.i for root in roots if (a := self._agent(root)) is not None and a.i not in {r.i for r in roots} and self._weapon_word(a) is None
            for t in a.subtree
        }
        outside = [s for s in located if s.start not in agents]
        located = outside or located
        if not located:
            # not where the speaker is ("..., police in Ramadi said"): who reports it, not where it was
            speakers = {s.i for token in doc if self.lexicon.has("speech", token.lemma_.lower()) for s in token.children if s.dep_ == "nsubj"}
            located = [
                s for s in doc.spans.get("places", [])
                if s.start not in elsewhere and not _said_where(_head_token(s), speakers)
                and not self._launch_site(_head_token(s), roots) and self._placed_by_words(s, roots)
            ]
        cause_clause: frozenset[int] = frozenset()
        for cause in causes if not located else ():
            clause = frozenset(t.i for t in cause.subtree)
            if cause.head.i not in scope or dated and any(_is_date(doc[i]) for i in clause):
                continue
            cause_roots = [s.root for s in doc.spans.get("triggers", []) if s.root.i in clause]
            located = [s for s in doc.spans.get("places", []) if s.start in clause and self._locative(s, cause_roots)]
            if located:
                cause_clause = clause
                break
        # a container is told right after its place, wherever the parser hangs it ("in Besiktas
        # town, Istanbul to oppose ...": Istanbul as the subject of "oppose")
        spans = [s for s in doc.spans.get("places", []) if s in spans or s.start not in elsewhere]
        groups: list[list[PlaceRef]] = []
        used: set[int] = set()
        for span in located:
            if span.start in used:
                continue
            members = [span] + [s for s in located if s is not span and s.start not in used and _coordinated(span, s)]
            shared = _containers(doc, members[-1], spans)
            for taken in (*members, *shared):
                used.add(taken.start)
            # "Haradh and Abs districts": the kind word of the last names them all
            kind = members[-1]._.place_kind
            for member in members[:-1]:
                if not member._.place_kind and kind in ("district", "settlement", "area"):
                    member._.place_kind = kind
            group = []
            for member in members:
                own = _containers(doc, member, spans) if member is not members[-1] else []
                used.update(c.start for c in own)
                containers = [PlaceRef(c, self._near(c)) for c in (own or shared)]
                group.append(PlaceRef(member, self._near(member), containers))
            groups.append(group)
        return groups, cause_clause

    def _launch_site(self, token: Token, roots: list[Token]) -> bool:
        """"launched from an area south of Erbil", "fired from Syria": where the weapon was
        used from, not where it hit."""
        current = token
        for _ in range(_LOCATIVE_DEPTH):
            if current.head.i == current.i:
                return False
            if current.dep_ == "pobj" and current.head.lower_ == "from":
                verb = current.head.head
                return verb in roots and any(self.lexicon.has("instrument_verb", lemma) for lemma in lemmas_of(verb))
            current = current.head
            # only through the words of a place phrase ("an area south of X"); "at forces from the
            # brigade in X" is no launch site
            if not (current.lower_ in ("of", "from") or self.lexicon.has("locative", current.lower_) or self.lexicon.has("place_kind", current.lemma_.lower())):
                return False
        return False

    def _locative(self, span: Span, roots: list[Token]) -> bool:
        """Whether the event happened at (or near) the place: governed by a locative word ("in
        X", "north of X"), the object of a strike ("shelled X"), or a part of a place so governed
        ("at the entrance of X", "the surroundings of the hospital of X")."""
        head = _head_token(span)
        if self._launch_site(head, roots):
            return False
        if head.dep_ == "prep" and head.lower_ in _ARTICLE_WORDS and head.head in roots:
            return True  # "targeted As Saqiyah": the Arabic article read as a preposition
        if head.dep_ in ("conj", "appos"):
            first = head.head
            spans = [s for s in span.doc.spans.get("places", []) if _head_token(s).i == first.i]
            if spans:
                return self._locative(spans[0], roots)
        for _ in range(_LOCATIVE_DEPTH):
            if head.dep_ == "pobj":
                prep = head.head
                if self.lexicon.has("locative", prep.lower_):
                    return True
                if prep.lower_ == "to" and prep.head in roots and prep.head.pos_ == "VERB":
                    return True  # "deployed fighters to X", "moved to X": where the event went
                if prep.lower_ != "of":
                    return False
                part = prep.head  # "north of X", "the village of X", "the entrance of X"
                if self.lexicon.has("locative", part.lower_) or self.lexicon.value("place_kind", part.lemma_.lower()) is not None:
                    return True
                if part in roots and part.pos_ == "NOUN":
                    return True  # "the shelling of X", "the aerial bombardment of X city": the event noun's target
                head = part
            elif head.dep_ in ("dobj", "nsubjpass") and head.head in roots:
                return head.head.lemma_.lower() not in ("fire", "launch")  # "shelled X", "X was hit"; not "fired from"
            elif head.dep_ in ("compound", "amod", "npadvmod", "appos", "nmod", "poss"):
                if head.dep_ == "poss" and any(s.start <= head.head.i < s.end for s in span.doc.spans.get("places", []) if s != span):
                    break  # "Baghdad's Sadr City": the owner contains the place (see _containers)
                head = head.head  # "Azaz city", "Mare' town": the noun the name belongs to
            else:
                break
        return span._.place_kind != "" and _head_token(span).dep_ not in ("nsubj", "poss") and self._locative_word_before(span)

    def _placed_by_words(self, span: Span, roots: list[Token]) -> bool:
        doc = span.doc
        i = span.start - 1
        while i >= 0 and doc[i].lower_ in ("the", "a", "an"):
            i -= 1
        if i >= 1 and doc[i].lower_ == "of":  # "east of X", "the outskirts of X"
            i -= 1
            return self.lexicon.value("locative", doc[i].lower_) == "near" or self.lexicon.value("place_kind", doc[i].lower_) == "near"
        # after a locative word, or right after a trigger ("targeted Al Hazm district")
        return i >= 0 and (self.lexicon.has("locative", doc[i].lower_) or any(t.start <= i < t.end for t in doc.spans.get("triggers", [])))

    def _locative_word_before(self, span: Span) -> bool:
        doc = span.doc
        i = span.start - 1
        while i >= 0 and doc[i].lower_ in ("the", "a", "an"):
            i -= 1
        return i >= 0 and self.lexicon.has("locative", doc[i].lower_)

    def _near(self, span: Span) -> bool:
        if span._.place_kind == "near":
            return True
        doc = span.doc
        before = span.start - 1
        while before >= 0 and doc[before].lower_ == "the":
            before -= 1
        if before >= 0 and self.lexicon.value("place_kind", doc[before].lower_) == "near" and doc[before].pos_ == "ADJ":
            return True  # "in rural Qahtaniyah": around the town
        head = _head_token(span)
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head  # "between Ein Thakar and Tassil": the list shares its first member's word
        if head.dep_ == "compound" and head.head.dep_ == "pobj":
            head = head.head  # "near Erbil airport"
        governor = head.head if head.dep_ == "pobj" else None
        if governor is None:
            return False
        if self.lexicon.value("locative", governor.lower_) == "near":
            return True
        if governor.lower_ == "of":
            word = governor.head
            if self.lexicon.value("place_kind", word.lemma_.lower()) == "settlement" and word.dep_ == "pobj":
                word = word.head  # "near the town of Tarmiyah": what the town is governed by
            return self.lexicon.value("locative", word.lower_) == "near" or self.lexicon.value("place_kind", word.lemma_.lower()) == "near"
        return False


def _said_where(token: Token, speakers: set[int]) -> bool:
    """"police in Ramadi": a place in a prepositional phrase of a speaker (`speakers`: the
    subjects of verbs of saying)."""
    return token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.i in speakers


def _perfect(token: Token) -> bool:
    """Whether the clause of a word is told in the perfect ("have left", "has hit")."""
    verb = token if token.pos_ in ("VERB", "AUX") else token.head
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _in_subject_of(token: Token, verb: Token) -> bool:
    """Whether the token lies inside the verb's subject phrase ("forces supported by air raids
    clashed"); not when it heads it ("an explosion killed three": the explosion is the event)."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and token in c.subtree and token != c for c in verb.children)


def _in_relative_clause(token: Token) -> bool:
    """"the students who were arrested", "a house that was shelled last year": said of a person or
    thing named in another clause."""
    current = token
    for _ in range(_LINK_DEPTH):
        if current.dep_ == "relcl":
            return True
        if current.dep_ not in ("conj", "xcomp") or current.head.i == current.i:
            return False
        current = current.head
    return False


def _is_date(token: Token) -> bool:
    return any(span.start <= token.i < span.end for span in token.doc.spans.get("dates", []))


def _head_token(span: Span) -> Token:
    """The token by which a place name hangs in the parse: "Sanaa - As Siyana" hangs by "Sanaa"
    (the span's root may be the hyphen)."""
    for token in span:
        if not (span.start <= token.head.i < span.end) and token.dep_ != "punct":
            return token
    return span.root


def _under(token: Token, heads: set[int]) -> bool:
    """Whether the token hangs (closely) from one of `heads`: "attacks, targeting bases, have
    averaged ...": a trigger below a trigger that is no event is none either."""
    current = token
    for _ in range(_LINK_DEPTH):
        if current.dep_ not in _SAME_EVENT_DEPS or current.head.i == current.i:
            return False
        current = current.head
        if current.i in heads:
            return True
    return False


def _one_of(noun: Token) -> bool:
    """"one of the operations": one instance of a plural."""
    return noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in ("one", "another", "latest", "last", "first")


def _clause_verb(noun: Token) -> Token | None:
    """The verb of the clause an event noun is a part of: "one of the operations, carried out
    November 26, resulted in casualties" -> "carried"."""
    current = noun
    for _ in range(5):
        if current.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and current.head.pos_ in ("VERB", "AUX"):
            return current.head
        if current.dep_ == "prep" and current.head.pos_ in ("VERB", "AUX"):
            return current.head  # "gathered ... in protest", "were wounded in an explosion"
        if current.dep_ not in ("pobj", "prep", "compound", "appos") or current.head.i == current.i:
            return None
        current = current.head
    return None


def named_actor(token: Token) -> Actor | None:
    """The lexicon actor a noun phrase names: its head, an appositive name ("the group Asa'ib Ahl
    al-Haq"), a modifier ("Houthi forces") or "of X" ("members of the PKK"); not an actor that
    qualifies someone else ("pro-Iran", "Iran-backed")."""
    own = own_actor(token)
    if own is not None:
        return own
    for child in token.children:
        if child.dep_ == "acl":  # "a drone launched by Yemen's Houthis": whose weapon it was
            for by in child.children:
                if by.dep_ == "agent":
                    owner = next((g for g in by.children if g.dep_ == "pobj"), None)
                    if owner is not None and (named := named_actor(owner)) is not None:
                        return named
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):  # "members of the PKK", "jihadists from IS"
            for noun in child.children:
                if noun.dep_ == "pobj" and (noun._.actor is not None or any(c._.actor is not None for c in noun.children)):
                    return noun._.actor or next(c._.actor for c in noun.children if c._.actor is not None)
    return None


def own_actor(token: Token) -> Actor | None:
    """The actor a noun names itself or by a modifier ("the group Asa'ib Ahl al-Haq", "Houthi
    forces"), not one qualifying someone else ("pro-Iran", "Iran-backed")."""
    if token._.actor is not None:
        return token._.actor
    return next(
        (c._.actor for c in sorted(token.children, key=lambda c: c.dep_ != "appos")
         if c.dep_ in ("appos", "compound", "amod", "nmod", "poss") and c._.actor is not None and not _qualifies_other(c)),
        None,
    )


_QUALIFYING = frozenset({"backed", "aligned", "affiliated", "linked", "allied", "supported", "led", "sponsored", "controlled"})


def _qualifies_other(token: Token) -> bool:
    """"pro-Iran", "anti-Houthi", "Iran-backed", "Saudi-led": the actor qualifies the noun, which is someone else."""
    doc = token.doc
    before = doc[max(0, token.i - 2) : token.i]
    after = doc[token.i + 1 : token.i + 3]
    return any(t.lower_ in ("pro", "pro-", "anti", "anti-") for t in before) or (len(after) == 2 and after[0].text == "-" and after[1].lower_ in _QUALIFYING)


def phrase_value(token: Token, word_class: str, lexicon_: Lexicon) -> str | None:
    """The class's value for a noun with the compounds and adjectives before it ("security
    forces", "police officers", "armed men", "tribal militias"), the longest term first."""
    before = [c.lemma_.lower() for c in token.children if c.dep_ in ("compound", "amod") and c.i < token.i]
    # the lemma, else the form: a capitalised first word may be tagged a name ("Settlers")
    for last in dict.fromkeys((token.lemma_.lower(), token.lower_, token.lower_.removesuffix("s"))):
        found = lexicon_.longest(word_class, [*before, last], len(before))
        if found is not None:
            if found[1] == "either":  # "police forces", "army patrol": the modifier says whose
                return next((v for word in reversed(before) if (v := lexicon_.value(word_class, word)) not in (None, "either")), "either")
            return found[1]
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _between(token: Token) -> tuple[Token, Token | None] | None:
    """"clashes between X and Y", "fighting broke out between X and Y": the two sides."""
    holders = [token]
    if token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
        holders.append(token.head)  # the parser hangs "between" on "erupted", "took place"
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                first = next((g for g in child.children if g.dep_ == "pobj" and not _is_date(g)), None)
                if first is None:
                    continue
                other = next((c for c in first.children if c.dep_ == "conj"), None)
                if other is not None:
                    return first, other
                # "between the SDF and IS militants": the parser may take the first side and the
                # "and" for modifiers of the second side's noun
                for side in (c for c in first.children if c.dep_ in ("nmod", "compound") and c.i < first.i):
                    if any(c.dep_ == "conj" for c in side.children):
                        return side, first
                return first, None
    return None


def of_object(token: Token) -> Token | None:
    """The noun after a noun's "of" ("members of one family", "dozens of protesters")."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _subject(token: Token) -> Token | None:
    return next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


def _clause(token: Token) -> Token:
    """The verb whose clause holds the token (itself when it is one)."""
    current = token
    for _ in range(4):
        if current.pos_ in ("VERB", "AUX") or current.head.i == current.i:
            return current
        current = current.head
    return current


def _coordinated(first: Span, other: Span) -> bool:
    """"in Avashin, Basyan and Zakho": the parse joins them by conj; a name in brackets after a
    place contains it ("Lod (Ramla, HaMerkaz)"), whatever the parse says."""
    head, other_head = _head_token(first), _head_token(other)
    between = first.doc[first.end : other.start]
    if any(t.text == "(" for t in between) or other._.place_kind == "province" and first._.place_kind != "province":
        return False
    return other_head.dep_ == "conj" and (other_head.head == head or other_head.head in head.conjuncts) and _listed(head)


def _listed(token: Token) -> bool:
    """A coordination with "and"/"or" is a list ("Avashin, Basyan and Zakho"); without, the
    parser's conj is a place and its container ("Akdeniz town, Mersin")."""
    return any(c.dep_ in ("cc", "preconj") for t in (token, *token.conjuncts) for c in t.children)


def _contained(doc: Doc, span: Span, spans: list[Span]) -> Span | None:
    """The place written right before `span` as in it ("Ain al-Asad air base in Anbar"), if any."""
    return next((s for s in spans if s.end <= span.start and span in _containers(doc, s, spans)), None)


def _containers(doc: Doc, span: Span, spans: list[Span]) -> list[Span]:
    """The places that contain `span`, written after it ("X village in Y district (Z)", "X, Y
    province") or before it as owner ("Baghdad's Sadr City")."""
    found: list[Span] = []
    ordered = sorted(spans, key=lambda s: s.start)
    current = span
    for other in ordered:
        if other.start < current.end:
            continue
        gap = doc[current.end : other.start]
        if len(gap) > 3 or any(t.lower_ not in (",", "(", ")", "in", "of", "the", "-", "–", "province", "governorate", "district") for t in gap):
            break
        if (
            _head_token(other).dep_ == "conj" and _listed(_head_token(other))
            and not any(t.lower_ in ("(", "in", "of") for t in gap) and other._.place_kind != "province"
        ):
            break  # a list of places, not a container
        found.append(other)
        current = other
    for other in ordered:
        if other.end <= span.start and other.root.dep_ == "poss" and other.root.head.i in range(span.start, span.end):
            found.append(other)  # "Baghdad's Sadr City"
    return found


@Language.factory("incident_roles")
def make_event_roles(nlp: Language, name: str) -> EventRoles:
    return EventRoles(nlp)
