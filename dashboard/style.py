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

PRECISION_LABELS: dict[int | None, str] = {
    GeoPrecision.PLACE: "exact place",
    GeoPrecision.NEAR: "near a place",
    GeoPrecision.REGION: "region",
    None: "unresolved",
}
# A value the page uses for "country-level only": listed and counted, never drawn as a point.
COUNTRY_LEVEL_LABEL = "country only"


def colour_for(group: str) -> str:
    """The hex colour of an actor group; unknown groups get a stable colour from their name."""
    if group in GROUP_COLOURS:
        return GROUP_COLOURS[group]
    digest = hashlib.sha256(group.encode()).digest()
    return _EXTRA_COLOURS[digest[0] % len(_EXTRA_COLOURS)]
