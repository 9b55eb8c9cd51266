"""How incidents look: a colour per actor group, and how precision is drawn."""

from __future__ import annotations

import hashlib

from incidents.actors import ACTOR_GROUPS
from incidents.model import GeoPrecision

# ColorBrewer "Paired" (12 classes), reordered so that groups often seen together differ strongly.
_PALETTE = (
    "#e31a1c",  # Iran-aligned militias
    "#ff7f00",  # Iran
    "#1f78b4",  # US and coalition forces
    "#33a02c",  # Iraqi state forces
    "#b15928",  # Kurdish forces
    "#000000",  # Islamic State
    "#6a3d9a",  # Israel
    "#a6cee3",  # Turkey
    "#fdbf6f",  # Protesters
    "#fb9a99",  # Civilians
    "#7f7f7f",  # Unidentified
    "#cab2d6",  # Other
)
GROUP_COLOURS: dict[str, str] = dict(zip(ACTOR_GROUPS, _PALETTE, strict=False))
# Groups a future lexicon may add get a stable colour from this set rather than all looking alike.
_EXTRA_COLOURS = ("#17becf", "#bcbd22", "#8c564b", "#e377c2", "#2ca02c", "#9467bd")

# Radius of the circle drawn for an incident whose place is known only approximately, in metres.
# "Near" a place: ACLED codes it to the place when within the same district, so ~10 km. A region
# (province) is drawn as a 60 km circle: large enough to read as "somewhere around here".
UNCERTAINTY_RADIUS_M: dict[int, int] = {GeoPrecision.NEAR: 10_000, GeoPrecision.REGION: 60_000}

# The page's words for incidents.model.PLACE_CLASSES ("country only": listed and counted, never drawn).
PLACE_LABELS: dict[str, str] = {
    "place": "exact place",
    "near": "near a place",
    "region": "region",
    "country": "country only",
    "unresolved": "unresolved",
}
PRECISION_LABELS: dict[int | None, str] = {
    GeoPrecision.PLACE: PLACE_LABELS["place"],
    GeoPrecision.NEAR: PLACE_LABELS["near"],
    GeoPrecision.REGION: PLACE_LABELS["region"],
    None: PLACE_LABELS["unresolved"],
}


def colour_for(group: str) -> str:
    """The hex colour of an actor group; unknown groups get a stable colour from their name."""
    if group in GROUP_COLOURS:
        return GROUP_COLOURS[group]
    digest = hashlib.sha256(group.encode()).digest()
    return _EXTRA_COLOURS[digest[0] % len(_EXTRA_COLOURS)]

# What a status means, where no reviewer and time say more (dashboard.layers.review_text).
STATUS_NOTES: dict[str, str] = {
    "proposed": "not yet reviewed",
    "imported": "coded by people elsewhere (ACLED, UCDP)",
}
