"""What the extractor tells the people who review its incidents: why it doubts one (the reasons the
review queue sorts by and shows, incidents.model.DOUBTS) and which words of the sentence it read
each part from (incidents.model.CUE_KINDS, marked in the sentence on the page).

Both are called once where an incident is built (incidents/extract.py, Extractor._incident), from
what the extractor knew then: the place (unresolved, or a containing place standing in for an
unknown name or for none), the date (the report's own, as none was written), and how the actor
was found (named by a claim, blame or suspicion rather than as the one who acted, or not named at
all). A second report that disagrees with the first is the store's to see (IncidentStore.ingest).
"""

from __future__ import annotations

from collections.abc import Sequence

from incidents.actors import Actor
from incidents.extraction.dates import AS_REPORTED, ResolvedDate
from incidents.extraction.places import ResolvedPlace
from incidents.model import DOUBT_SEPARATOR


def reasons_for_doubt(place: ResolvedPlace, when: ResolvedDate, *, stated_actor: str, actor1: str, attribution: str) -> str:
    """The DOUBTS codes of an incident, joined by DOUBT_SEPARATOR ("" when nothing is doubtful).

    `stated_actor`: the actor the sentence names as the one who acted ("" when none);
    `actor1` and `attribution`: what the incident was given.
    """
    reasons = []
    if place.location is None:
        reasons.append("place_unresolved")
    elif place.fallback:
        reasons.append("place_fallback")
    if when.phrase == AS_REPORTED:
        reasons.append("date_as_reported")
    if attribution != "unknown" and actor1 != stated_actor:
        reasons.append("actor_attributed")
    elif not stated_actor and actor1.startswith("Unidentified"):
        reasons.append("actor_unnamed")
    return DOUBT_SEPARATOR.join(reasons)


def cue_words(
    text: str, trigger: str, place: ResolvedPlace, when: ResolvedDate, *, actor1: str, stated_actor: str, agent: str,
    actors: Sequence[tuple[int, int, Actor]],
) -> dict[str, str]:
    """The words of the sentence `text` each part was read from: the trigger, the place as written,
    the date phrase (none for a date taken from elsewhere), and the actor as the sentence names it
    (the lexicon actor's words, else the agent's word, "gunmen", when the actor is the agent's).
    Parts the sentence does not hold are left out."""
    named = next((text[start:end] for start, end, actor in actors if actor.name == actor1), "")
    cues = {"trigger": trigger, "actor": named or (agent if actor1 == stated_actor else ""), "place": place.text,
            "date": "" if when.phrase == AS_REPORTED else when.phrase}
    return {kind: words for kind, words in cues.items() if words and words in text}
