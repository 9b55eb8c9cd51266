"""Why the extractor doubts an incident it built: the reasons the review queue sorts by and shows
(incidents.model.DOUBTS), from what the extractor knew while building it.

One function, called once where an incident is built (incidents/extract.py, Extractor._incident):
the place (unresolved, or a containing place standing in for an unknown name or for none), the
date (the report's own, as none was written), and how the actor was found (named by a claim,
blame or suspicion rather than as the one who acted, or not named at all). A second report that
disagrees with the first is the store's to see (IncidentStore.ingest).
"""

from __future__ import annotations

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
