"""Who is said to have done it: claims, accusations and suspicions, and who voices them.

A sentence's cue ("claimed responsibility", "blamed", "suspected", "no group has claimed")
says how an incident is attributed; the actor it points at is the lexicon actor after "claimed
by / blamed / suspected" or before "claimed"; who attributes it is the sentence's speaker ("US
officials said ..."). The incident sentence and the following ones of its paragraph (or of the
next one-sentence wire paragraphs) are read; a claim outranks blame told before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from incidents.actors import Actor

ATTRIBUTION_WINDOW = 3  # sentences after the incident sentence that may attribute it


class AttributedSentence(Protocol):
    index: int
    paragraph: int
    text: str
    actors: list[tuple[int, int, Actor]]  # (start, end, actor) in the sentence's text
    has_event: bool


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


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


def attribute(sentence: AttributedSentence, stated: str, sentences: Sequence[AttributedSentence]) -> tuple[str, str, str]:
    """(actor1, attribution, attributed_by) for the incident told in `sentence`, whose own
    words name `stated` as the agent ("" when they do not)."""
    window = [sentence]
    neighbours = sentences[max(0, sentence.index - 1) : sentence.index + 2]
    paragraph_size = sum(1 for s in neighbours if s.paragraph == sentence.paragraph)
    for later in sentences[sentence.index + 1 : sentence.index + 1 + ATTRIBUTION_WINDOW]:
        same_paragraph = later.paragraph == sentence.paragraph
        # Wire copy puts one sentence in each paragraph: then the next paragraphs may attribute.
        next_wire_paragraph = paragraph_size == 1 and later.paragraph == window[-1].paragraph + 1
        if later.has_event or not (same_paragraph or next_wire_paragraph):
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
        if named is None and stated and candidate is sentence and not _describes_someone(candidate.text, cue):
            named = stated
        if named is None:
            continue
        if cue.kind == "suspected" and candidate is sentence and stated and named != stated:
            continue  # "Turkish jets bombed suspected PKK hideouts": the suspicion describes the target
        if cue.kind == "claimed":
            who = named
        return named, cue.kind, who
    if stated and _own_report(sentence, stated):
        return stated, "claimed", stated  # "Turkish jets struck ..., the Turkish Defence Ministry said"
    # told as someone's report ("Yemeni officials say a gunman killed ...", "according to the UN"):
    # the speaker is who reports it, not who did it, and says nothing of how sure
    return stated, "unknown", reporter(sentence.text)


def reporter(sentence: str) -> str:
    """Who reports what a sentence tells: its speaker ("Yemeni security officials say ...",
    "..., police said"), or the source "according to" it; "" when it is told as a fact."""
    according = _ACCORDING_TO.search(sentence)
    if according:
        return according.group("who").strip(" ,")
    closing = _CLOSING_SPEAKER.search(sentence)
    if closing and not _NOT_A_SPEAKER.match(closing.group("who")):
        return closing.group("who").strip(" ,")
    return find_attributer(sentence)


_ACCORDING_TO = re.compile(r"\baccording to (?P<who>(?:the )?[\w’'.-]+(?: [\w’'.-]+){0,5}?)(?=[,.;]|$)", re.IGNORECASE)


def _describes_someone(text: str, cue: AttributionCue) -> bool:
    """"a man suspected of spying": the suspicion describes a person, not who did the event."""
    return cue.kind == "suspected" and text[cue.end :].lstrip().lower().startswith("of ")


_MODIFIER_BEFORE = re.compile(r"(?:\bpro-?\s*|\b(?:close|loyal|linked|allied|aligned|affiliated) (?:to|with)\s+|\bbacked by\s+|\bblacklisted by\s+)$", re.IGNORECASE)
_MODIFIER_AFTER = re.compile(r"^-?(?:backed|aligned|allied|linked|affiliated|based|supported)\b", re.IGNORECASE)


def _is_modifier(text: str, start: int, end: int) -> bool:
    """"pro-Iran", "Iran-backed", "close to Tehran": the actor qualifies someone else."""
    return bool(_MODIFIER_BEFORE.search(text[max(0, start - 25) : start]) or _MODIFIER_AFTER.search(text[end : end + 12]))


# "..., the Turkish Defence Ministry said.": the speaker closing the sentence.
_CLOSING_SPEAKER = re.compile(r",\s*(?:the\s+)?(?P<who>[^,]{2,80}?)\s+(?:said|says|announced|stated|confirmed|reported)\s*[.”\"]*$")


def _own_report(sentence: AttributedSentence, actor_name: str) -> bool:
    """Whether the actor that did it is also who reports it (its own ministry or command): a claim."""
    speaker = _CLOSING_SPEAKER.search(sentence.text)
    return bool(speaker) and any(
        actor.name == actor_name and speaker.start("who") <= start and end <= speaker.end("who")
        for start, end, actor in sentence.actors
    )


_APPOSITIVE_BEFORE_VERB = re.compile(r",\s+(?:an?|the|one)\s+[^,]*,\s*(?:has |have |had )?$", re.IGNORECASE)


def _attributed_actor(sentence: AttributedSentence, kind: str, cue_start: int, cue_end: int, attributer: str) -> str | None:
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
