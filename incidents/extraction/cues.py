"""The words that make a sentence an incident report, and what else it says about the incident.

Each cue is a pattern over one sentence: event triggers (ACLED event and sub-event types),
casualty counts (ACLED's lowest reported number), munitions as stated, attribution
(claimed / accused / suspected) and what disqualifies a sentence (threats, hypotheticals, plans,
aggregates, negations). Patterns are compiled once at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "a single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12, "dozen": 12,
    # ACLED's conventions for vague counts: the smallest number the word can mean.
    "several": 3, "a few": 3, "a number of": 3, "dozens": 12, "dozens of": 12, "scores": 20,
    "scores of": 20, "hundreds": 100, "hundreds of": 100,
}
_NUMBER = r"(?:\d[\d,]*|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_APPROX = r"(?:(?:at least|more than|over|about|around|nearly|almost|some|up to|as many as|roughly)\s+)?"
_VERB_GAP = r"(?:[\w’'-]+\s+){0,4}?"


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    start: int
    end: int
    definite: bool  # "the attack": refers back to an incident told before, unless placed and dated


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_STRIKE_VERB = r"(?:hit|hits|hitting|struck|strikes?|striking|landed|lands?|landing|fell|targeted|targeting|slammed|slamming|pounded|impacted|exploded|rained|crashed|were fired at|was fired at|fired (?:at|on|into|toward|towards)|launched (?:at|on|against|toward|towards))"
_WEAPON = r"(?:rockets?|missiles?|mortars?(?:\s+(?:rounds?|shells?|bombs?))?|shells|katyushas?|projectiles?|artillery)"
_AIRCRAFT = r"(?:drones?|unmanned aerial vehicles?|UAVs?|warplanes?|fighter jets?|jets|aircraft|helicopters?|war ?planes?)"

# Most specific first: the first rule that matches a sentence decides its event type.
_TRIGGER_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("Explosions/Remote violence", "Suicide bomb",
     _c(r"\bsuicide (?:bomb(?:er|ers|ing|ings)?|attack(?:er|s)?|vest|car bomb)\b")),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED",
     _c(r"\b(?:IEDs?|VBIEDs?|roadside bombs?|improvised explosive devices?|car bombs?|booby[- ]trap\w*|landmines?|sticky bombs?|explosive devices?)\b")),
    ("Explosions/Remote violence", "Air/drone strike",
     _c(r"\b(?:air[ -]?strikes?|drone (?:strikes?|attacks?)|air raids?|(?:armed|explosive[- ]laden|bomb[- ]laden|suicide|kamikaze) drones?)\b")),
    ("Explosions/Remote violence", "Air/drone strike",
     _c(rf"\b{_AIRCRAFT}\b(?:\s+\w+){{0,3}}\s+(?:{_STRIKE_VERB}|bombed|attacked)\b")),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     _c(rf"\b{_WEAPON}\b(?:\s+[\w’'-]+){{0,4}}?\s+{_STRIKE_VERB}\b")),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     _c(rf"\b(?:rocket|missile|mortar|artillery|katyusha) (?:attacks?|strikes?|fire|barrages?|salvos?)\b|\b(?:shelled|shelling|bombarded|bombardment)\b|\b(?:fired|launched) (?:\w+ ){{0,5}}{_WEAPON}\b|\battack(?:ed)? with {_WEAPON}\b")),
    ("Explosions/Remote violence", "Grenade",
     _c(r"\bgrenades?\b(?:\s+\w+){0,3}\s+(?:hit|thrown|exploded|tossed|lobbed)\b|\bthrew (?:a |two )?grenades?\b")),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED",
     _c(r"\b(?:bombs?|blasts?|explosions?)\b(?:\s+\w+){0,3}?\s+(?:exploded|detonated|went off|hit|struck|targeted|killed|wounded|injured|ripped through|tore through)\b")),
    # "security forces fired tear gas and live ammunition at protesters": force used on a protest is
    # coded as the protest, its sub-type set by the force (protest_sub_event_type)
    ("Protests", "Excessive force against protesters",
     _c(r"\b(?:fired|firing|opened fire|shot|used|using)\b(?:\s+[\w’'-]+){0,6}?\s+(?:at|on|into|against|to disperse)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:protesters|demonstrators|protestors|crowds?)\b")),
    ("Riots", "Violent demonstration",
     _c(r"\b(?:protesters|demonstrators|protestors|rioters|mobs?|crowds?)\b(?:\s+[\w’'-]+){0,6}?\s+(?:stormed|storming|torched|set fire|burned|burnt|ransacked|attacked|broke into|smashed|hurled|threw stones)\b")),
    ("Protests", "Peaceful protest",
     _c(r"\b(?:protesters|demonstrators|protestors)\b(?:\s+[\w’'-]+){0,4}?\s+(?:gathered|marched|rallied|protested|took to the streets|blocked|chanted|staged|held|demonstrated|massed|converged)\b"
        r"|\b(?:protests?|demonstrations?|rally|rallies|sit-ins?)\b(?:\s+[\w’'-]+){0,4}?\s+(?:was held|were held|took place|erupted|broke out|was staged|were staged)\b"
        r"|\b(?:staged|held|organi[sz]ed) (?:a |an )?(?:\w+ )?(?:protests?|demonstrations?|rally|sit-in)\b")),
    ("Battles", "Armed clash",
     _c(r"\b(?:militants|gunmen|fighters|insurgents|jihadists|jihadis|militiamen)\b(?:\s+[\w’'-]+){0,4}?\s+(?:attacked|ambushed|raided|stormed|overran)\s+(?:an? |the |two |three |several )?(?:[\w-]+ )?(?:checkpoints?|outposts?|positions?|posts?|patrols?|bases?|convoys?|soldiers|troops|police|army|barracks)\b")),
    # "killed four soldiers in an attack on an army checkpoint": security forces as the victims of an
    # armed attack are one side of a battle in ACLED's coding
    ("Battles", "Armed clash",
     _c(rf"\b(?:killed|killing|wounded|wounding|injured|injuring)\s+{_APPROX}(?:{_NUMBER}\s+)?(?:[\w-]+\s+){{0,2}}?"
        r"(?:soldiers|troops|servicemen|policemen|police officers|officers|border guards|security personnel|fighters|militiamen|peshmerga|"
        r"members of (?:an? |the )?(?:[\w-]+\s+){0,3}?(?:militia|militias|security forces|forces|police|army|units?|brigades?))\b"
        r"|\battack(?:ed|s)? on (?:an? |the |two |three |several )?(?:[\w-]+ ){0,2}(?:checkpoints?|outposts?|military posts?|patrols?|convoys?|barracks)\b")),
    # Turkish and other militaries' wording: "neutralized five PKK terrorists" (killed, captured or
    # surrendered): fighting between the forces and the group, with no death count of its own
    ("Battles", "Armed clash",
     _c(rf"\bneutrali[sz](?:ed|ing)\s+{_APPROX}(?:{_NUMBER}\s+)?(?:[\w-]+\s+){{0,2}}?(?:terrorists|militants|fighters|insurgents|members)\b")),
    ("Violence against civilians", "Attack",
     _c(rf"\b(?:militants|gunmen|fighters|insurgents|jihadists|militiamen|assailants|attackers)\b(?:\s+[\w’'-]+){{0,4}}?\s+(?:killed|shot dead|executed|wounded)\s+{_APPROX}(?:{_NUMBER}\s+)?(?:[\w-]+\s+)?(?:civilians|villagers|farmers|shepherds|residents|people|men|women|children)\b")),
    ("Battles", "Armed clash",
     _c(r"\b(?:clash(?:ed|es)?|firefights?|gun ?battles?|exchanges? of fire|exchanged fire|fierce fighting|heavy fighting|ambush(?:ed)?)\b")),
    ("Battles", "Armed clash",
     _c(r"\b(?:operations?|raids?|offensive)\b(?:[\s,]+[\w’'-]+){0,10}?[\s,]+(?:resulted in casualties|killed|killing|left \w+ dead|resulted in (?:the )?(?:deaths?|killing))\b")),
    ("Violence against civilians", "Abduction/forced disappearance",
     _c(r"\b(?:kidnapped|abducted|kidnapping|abduction)\b")),
    ("Violence against civilians", "Attack",
     _c(r"\b(?:gunmen|assailants|attackers)\b(?:\s+\w+){0,4}?\s+(?:shot|killed|opened fire|assassinated|gunned down)\b|\b(?:assassinated|gunned down)\b")),
)
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|such|its|their)\s+(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
# "one of the US operations", "another of the attacks": a new instance, not a reference back.
_INSTANCE_OF = re.compile(r"\b(?:one|another|two|three|some) of (?:the|these|those|its|their)\s+(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)

# Words that make the trigger a threat, a plan, a possibility or a question, not an event.
_HYPOTHETICAL = re.compile(
    r"\b(?:could|might|would|will|shall|vow(?:ed|s)?|threat(?:en|ened|ens)?|warn(?:ed|s)?|plan(?:s|ned|ning)?|"
    r"consider(?:s|ed|ing)?|intend(?:s|ed)?|if|unless|potential|possible|possibly|prepar(?:e|es|ed|ing) to|"
    r"seek(?:s|ing)? to|aim(?:s|ed)? to|try(?:ing)? to|ready to|deter|prevent)\b",
    re.IGNORECASE,
)
_MAY_MODAL = re.compile(r"\bmay\b")  # lower-case only: "May" is also the month
_NEGATED = re.compile(r"\b(?:no|not|never|denied|denies|deny|didn’t|didn't|neither|nor)\s+(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
# Counts and trends of many incidents ("have averaged more than one per week", "a wave of protests").
_AGGREGATE = re.compile(
    r"\b(?:averag\w+|per (?:week|day|month)|a spike in|spate of|string of|wave of|series of|campaign of|"
    r"dozens of attacks|hundreds of attacks|number of attacks|more than \d+ attacks|increasingly|frequent|"
    r"repeated(?:ly)?|regularly|often|routinely|every (?:week|day|month)|(?:several|many|multiple|numerous) times|on several occasions|"
    r"(?:dozens|scores|hundreds|a number|a series|several|many|numerous) of (?:[\w-]+ ){0,2}(?:attacks|strikes|incidents|bombings)|"
    r"(?:attacks|strikes|bombings|incidents) (?:have |has )?(?:increased|decreased|rose|risen|fell|fallen|surged|declined|intensified))\b",
    re.IGNORECASE,
)
# "the latest in a string of attacks" places one incident in a series; it is not a count.
_ONE_OF_A_SERIES = re.compile(
    r"\b(?:the )?(?:latest|newest|most recent|last|first|second|third|fourth|fifth|another|one) (?:in|of) "
    r"(?:a|the) (?:(?:long|new|recent) )?(?:series|string|spate|wave|campaign) of\b",
    re.IGNORECASE,
)
# A plural attack noun names many incidents unless a place of their own says otherwise.
PLURAL_EVENT_NOUN = re.compile(r"\b(?:attacks|strikes|airstrikes|raids|bombings)$", re.IGNORECASE)


# Where a sentence moves on to another event: "..., days after a U.S. strike killed ...".
_OTHER_EVENT = re.compile(
    r",?\s+(?:(?:\w+ )?(?:days?|hours?|weeks?|months?)\s+(?:after|before|since)|shortly (?:after|before)|"
    r"in (?:retaliation|revenge|response) (?:for|to)|in (?:anger|protest) (?:at|against|over)|following|a (?:day|week) after)\b",
    re.IGNORECASE,
)


def incident_clause(sentence: str, trigger: Trigger) -> str:
    """The part of a sentence about the triggered incident: up to where it turns to another event."""
    boundary = _OTHER_EVENT.search(sentence, trigger.end)
    return sentence[: boundary.start()] if boundary else sentence


def find_trigger(sentence: str) -> Trigger | None:
    """The sentence's first event trigger told as a fact, else None.

    The earliest trigger in the sentence wins (the main clause comes first: "Protesters stormed
    the embassy in anger at US air strikes..."); at one position, the most specific rule.
    """
    if _AGGREGATE.search(_ONE_OF_A_SERIES.sub(" ", sentence)):
        return None
    best: Trigger | None = None
    for event_type, sub_event_type, pattern in _TRIGGER_RULES:
        for match in pattern.finditer(sentence):
            if best is not None and match.start() >= best.start:
                break
            before = sentence[max(0, match.start() - 60) : match.start()]
            after = " ".join(sentence[match.end() : match.end() + 40].split()[:4])
            window = f"{' '.join(before.split()[-6:])} {match.group(0)} {after}"
            if _HYPOTHETICAL.search(window) or _MAY_MODAL.search(window) or _NEGATED.search(before):
                continue
            definite = bool(_DEFINITE.search(before)) and not _INSTANCE_OF.search(before)
            best = Trigger(event_type, sub_event_type, match.start(), match.end(), definite)
            break
    return best


_EXCESSIVE_FORCE = _c(
    r"\b(?:opened fire on|fired (?:live (?:ammunition|rounds|bullets) )?(?:on|at|into)|live (?:ammunition|fire|rounds)|shot (?:dead )?(?:\w+ )?protesters|"
    r"killing|killed)\b"
)
_INTERVENTION = _c(r"\b(?:tear gas|teargas|water cannons?|dispersed|rubber bullets|stun grenades|arrested|detained|baton)\b")


def protest_sub_event_type(clause: str) -> str:
    """ACLED's protest sub-types: lethal or live-fire force, other intervention, or peaceful."""
    if _EXCESSIVE_FORCE.search(clause):
        return "Excessive force against protesters"
    if _INTERVENTION.search(clause):
        return "Protest with intervention"
    return "Peaceful protest"


@dataclass(frozen=True)
class Casualties:
    fatalities: int | None = None
    injuries: int | None = None
    reported: bool = False


# Active forms take the count after them ("killing two"), passive ones before ("two were killed").
_KILLED_ACTIVE = r"(?:killed|killing)"
_KILLED_PASSIVE = r"(?:killed|dead|died|deaths?|lives)"
_WOUNDED_ACTIVE = r"(?:wounded|wounding|injured|injuring)"
_WOUNDED_PASSIVE = r"(?:wounded|injured|injuries|hurt)"
# Between a count and its verb: a few words, never a conjunction or another casualty verb.
_COUNT_GAP = (
    r"(?:(?!(?:and|or|but|killing|killed|wounding|wounded|injuring|injured|strikes?|attacks?|bombs?|rockets?|"
    r"missiles?|drones?|blasts?|explosions?|shells?|raids?|clash(?:es)?)\b)[\w’'-]+\s+){0,4}?"
)
# Counts before a noun and its verb: not "a"/"one", which count the strike in "a drone strike killed".
_NUMBER_NOT_ARTICLE = r"(?:\d[\d,]*|" + "|".join(
    sorted((re.escape(w) for w in _NUMBER_WORDS if w not in {"a", "an", "one", "a single"}), key=len, reverse=True)
) + r")"
_NONE_HURT = _c(
    r"\b(?:without (?:causing |inflicting |leaving )?(?:any )?(?:\w+ (?:or|and) )?(?:casualties|injuries|deaths)|"
    r"(?:caused|causing|cause|inflicted|were|was|with) no (?:\w+ )?(?:casualties|injuries|deaths|fatalities)|"
    r"no (?:casualties|injuries|deaths|fatalities) (?:were|was) (?:immediately )?reported|"
    r"no (?:immediate )?reports? of (?:any )?(?:casualties|injuries|deaths)|"
    r"no one was (?:killed|hurt|injured|wounded)|nobody was (?:killed|hurt|injured|wounded))"
)
_CASUALTIES_WORD = _c(r"\bcasualt(?:y|ies)\b")


def _count_patterns(active: str, passive: str) -> tuple[re.Pattern[str], ...]:
    return (
        # "killed at least 3", "killing two soldiers"
        _c(rf"\b{active}\s+{_APPROX}(?P<n>{_NUMBER})\b"),
        # "at least three people were killed", "two soldiers were killed", "3 killed"
        _c(rf"\b{_APPROX}(?P<n>{_NUMBER_NOT_ARTICLE})\s+{_COUNT_GAP}(?:(?:were|was|have been|had been|are|being)\s+)?{passive}\b"),
        # "a soldier was killed" (but not "a drone strike killed")
        _c(rf"\b(?P<n>an?|one)\s+{_COUNT_GAP}(?:was|has been|had been)\s+{passive}\b"),
        # "left 3 dead"
        _c(rf"\bleft\s+{_APPROX}(?P<n>{_NUMBER})\s+(?:\w+\s+)?{passive}\b"),
    )


_FATALITY_COUNTS = _count_patterns(_KILLED_ACTIVE, _KILLED_PASSIVE)
_INJURY_COUNTS = _count_patterns(_WOUNDED_ACTIVE, _WOUNDED_PASSIVE)
_TOLL = _c(rf"\b(?:death toll|toll)\s+(?:rose to|reached|of|stood at|climbed to)\s+{_APPROX}(?P<n>{_NUMBER})\b")


def _to_number(text: str) -> int | None:
    text = text.lower().strip()
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _lowest(patterns: tuple[re.Pattern[str], ...], sentence: str) -> int | None:
    numbers = [
        number
        for pattern in patterns
        for match in pattern.finditer(sentence)
        if (number := _to_number(match.group("n"))) is not None and number < 100_000
    ]
    return min(numbers) if numbers else None


_ONE_AND_COMPANION = _c(
    r"\b(?:killed|killing|shot dead|assassinated)\s+(?:a|an|one)\s+(?:[^,.;]{1,60}?)\s+and (?:his|her|their) "
    r"(?:driver|bodyguard|guard|companion|son|daughter|brother|wife|aide|deputy|assistant)\b"
)
_ONE_KILLED = _c(r"\b(?:shot (?:\w+ )?dead|gunned down|assassinated|assassination of)\b")


def find_casualties(sentence: str) -> Casualties:
    """Deaths and injuries as the sentence states them (ACLED: the lowest number reported)."""
    if _NONE_HURT.search(sentence):
        return Casualties(fatalities=0, injuries=0, reported=False)
    fatalities = _lowest((*_FATALITY_COUNTS, _TOLL), sentence)
    if fatalities is None and _ONE_KILLED.search(sentence):
        fatalities = 1  # "shot dead a prominent activist": one death, unless a number says more
    if fatalities == 1 and _ONE_AND_COMPANION.search(sentence):
        fatalities = 2  # "killing a commander ... and his driver": two people, one counted by "a"
    injuries = _lowest(_INJURY_COUNTS, sentence)
    reported = fatalities is not None or injuries is not None or bool(_CASUALTIES_WORD.search(sentence))
    return Casualties(fatalities, injuries, reported)


_MUNITION_COUNT = r"(?:(?:more than|at least|about|around|nearly|some|up to|as many as)\s+)?(?:\d+|a dozen|dozens of|" + "|".join(
    w for w in _NUMBER_WORDS if " " not in w and w not in {"a", "an", "dozens", "scores", "hundreds", "dozen"}
) + r"|a (?:second |third |new )?(?:barrage|salvo|volley) of|a number of|a|an)"
_MUNITION_KIND = r"(?:(?:Katyusha|Grad|ballistic|cruise|guided|short-range|explosive-laden|bomb-laden|armed|Iranian-made|\d+\s?mm|\d+-mm|mortar|artillery|roadside|car|improvised)\s+)*"
_MUNITION_NOUN = r"(?:rockets?|missiles?|mortars?|mortar rounds?|mortar shells?|shells|rounds|drones?|projectiles?|Katyushas?|bombs?|IEDs?|explosive devices?|grenades?)"
# "drone" in "a drone strike" names the kind of strike, not a stated munition.
_MUNITIONS = _c(rf"\b(?:{_MUNITION_COUNT}\s+)?{_MUNITION_KIND}{_MUNITION_NOUN}\b(?![\s-]+(?:strikes?|attacks?)\b)")


def find_munitions(sentence: str) -> str:
    """The weapons as the sentence words them ("two Katyusha rockets"), or ""."""
    for match in _MUNITIONS.finditer(sentence):
        text = match.group(0)
        if text.lower() in {"rounds", "bombs", "bomb"}:
            continue
        return text
    return ""


@dataclass(frozen=True)
class AttributionCue:
    kind: str  # claimed, accused, suspected, or "denied" (explicitly nobody claimed)
    start: int
    end: int


_UNCLAIMED = _c(r"\b(?:no (?:one|group|party|organi[sz]ation)|nobody|none)\b[^.]{0,30}\bclaim|\b(?:has|have|had) not (?:yet )?claimed|\byet to claim|\bdid not claim|\bdenied (?:any )?(?:involvement|responsibility)")
_ATTRIBUTION_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("claimed", _c(r"\bclaim(?:ed|s|ing)?\s+(?:responsibility|the (?:attack|strike|bombing|operation))\b|\btook responsibility\b|\bclaimed by\b|\bsaid (?:it|they|the (?:group|movement|militia|organi[sz]ation)) (?:had )?(?:carried out|launched|conducted|targeted|fired|struck)\b"
        r"|\bsaid (?:that )?(?:its|their) (?:[\w-]+ ){0,2}(?:jets|warplanes|aircraft|drones|forces|troops|artillery|fighters|units) (?:had )?(?:struck|hit|targeted|destroyed|killed|carried out|attacked)\b")),
    ("accused", _c(r"\b(?:blam(?:ed|es|ing)|accus(?:ed|es|ing)|pointed the finger at|held (?:\w+ ){1,4}responsible)\b")),
    ("suspected", _c(r"\b(?:suspect(?:ed|s)?|believ(?:ed|es|e)|likely|probably|thought to (?:be|have)|good chance that|appears? to have been|presumably|assess(?:ed|es)? that|attributed to)\b")),
)


def find_attribution(sentence: str) -> AttributionCue | None:
    """How the sentence attributes an incident, if it does."""
    unclaimed = _UNCLAIMED.search(sentence)
    if unclaimed:
        return AttributionCue("unclaimed", unclaimed.start(), unclaimed.end())
    for kind, pattern in _ATTRIBUTION_CUES:
        match = pattern.search(sentence)
        if match:
            return AttributionCue(kind, match.start(), match.end())
    return None


_SPEECH_VERB = r"(?:said|say|says|told|added|stated|believed|believe|believes|suspected|suspect|suspects|blamed|blame|accused|accuse|claimed|assessed|reported)"
# "US officials said ...", "Security sources believed ...": a short subject before the verb.
_ATTRIBUTER_BEFORE = re.compile(rf"^[\s“\"‘']*(?P<who>(?:[\w’'.-]+\s+){{0,5}}?[\w’'.-]+)(?<!\bis)(?<!\bwas)(?<!\bare)(?<!\bwere)(?<!\bbeen)(?<!\bbe)\s+{_SPEECH_VERB}\b")
# "..., said David Schenker, US assistant secretary": the speaker after the quote.
_ATTRIBUTER_AFTER = re.compile(rf"[”\"’,]\s*{_SPEECH_VERB}\s+(?P<who>(?:[A-Z][\w’'.-]+\s*){{1,4}})")
_NOT_A_SPEAKER = re.compile(r"^(?:it|they|he|she|we|i|this|that|there|which|who)$", re.IGNORECASE)


def find_attributer(sentence: str) -> str:
    """Who speaks in a sentence ("US officials", "Security sources"), or ""."""
    match = _ATTRIBUTER_BEFORE.match(sentence)
    if match and not _NOT_A_SPEAKER.match(match.group("who")):
        return match.group("who").strip(" ,")
    match = _ATTRIBUTER_AFTER.search(sentence)
    if match:
        return match.group("who").strip(" ,")
    return ""
