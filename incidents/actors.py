"""The actor lexicon: canonical names, aliases, filter groups and kinds of force, read from data/actors.csv.

One lexicon serves the extractor (aliases as they appear in reports) and the importers (ACLED's
actor names such as "Military Forces of Iraq (2018-)" or "Unidentified Armed Group (Iraq)").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from unidecode import unidecode

from geo.sources import DATA_DIR
from incidents.model import UNIDENTIFIED_GROUP

ACTORS_CSV = DATA_DIR / "actors.csv"

# The groups the page filters on, in the order it lists them.
ACTOR_GROUPS: tuple[str, ...] = (
    "Iran-aligned militias",
    "Iran",
    "US and coalition forces",
    "Iraqi state forces",
    "Kurdish forces",
    "Islamic State",
    "Israel",
    "Turkey",
    "Protesters",
    "Civilians",
    UNIDENTIFIED_GROUP,
    "Other",
)
OTHER_GROUP = "Other"
# What kind of force an actor is, as ACLED's codebook counts them: a state's military, police or
# security forces ("state": the Popular Mobilization Forces and the Peshmerga are coded as Iraq's),
# an armed group ("nonstate"), or no force at all ("": protesters, civilians, settlers).
FORCES = ("state", "nonstate", "")

# ACLED appends the period or the country: "Military Forces of Iraq (2018-)", "Protesters (Iraq)".
_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Shorter aliases ("IS", "KH", "SDF") are only trusted as a whole name, never inside a longer one.
_MIN_CONTAINED_ALIAS = 5


@dataclass(frozen=True)
class Actor:
    name: str
    aliases: tuple[str, ...]
    group: str
    source: str
    force: str = ""  # one of FORCES

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by every alias."""
        return (self.name, *self.aliases)


def normalize_actor_name(name: str) -> str:
    """A spelling-insensitive key: "Asa’ib Ahl al-Haq" and "Asaib Ahl al Haq" give the same one."""
    folded = unidecode(name).lower().replace("'", "").replace("`", "")
    words = _NON_WORD.sub(" ", folded).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def load_actors(path: Path = ACTORS_CSV) -> tuple[Actor, ...]:
    """Read the lexicon; a row with an unknown group or force is an error naming the file and line."""
    actors: list[Actor] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            group = row["group"].strip()
            if group not in ACTOR_GROUPS:
                raise ValueError(f"{path}:{reader.line_num}: unknown actor group {group!r}")
            force = (row.get("force") or "").strip()
            if force not in FORCES:
                raise ValueError(f"{path}:{reader.line_num}: unknown force {force!r} (one of state, nonstate or empty)")
            aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
            actors.append(Actor(row["name"].strip(), aliases, group, row["source"].strip(), force))
    return tuple(actors)


@lru_cache(maxsize=1)
def actors() -> tuple[Actor, ...]:
    """The lexicon of data/actors.csv, read once per process."""
    return load_actors()


@lru_cache(maxsize=1)
def _index() -> dict[str, Actor]:
    index: dict[str, Actor] = {}
    for actor in actors():
        for name in actor.names:
            index.setdefault(normalize_actor_name(name), actor)
    return index


@lru_cache(maxsize=1)
def _contained_aliases() -> tuple[tuple[re.Pattern[str], Actor], ...]:
    """Long aliases as word-bounded patterns, longest first, for names that embed them."""
    keys = sorted(
        ((key, actor) for key, actor in _index().items() if len(key) >= _MIN_CONTAINED_ALIAS),
        key=lambda item: -len(item[0]),
    )
    return tuple((re.compile(rf"\b{re.escape(key)}\b"), actor) for key, actor in keys)


@lru_cache(maxsize=4096)
def find_actor(name: str) -> Actor | None:
    """The lexicon entry for a name as a report or a data set writes it, or None when unknown.

    Tries the whole name, then without ACLED's parentheses, then each side of ACLED's
    "ABBR: Full name" form, then the longest known alias inside the name
    ("Military Forces of Iraq (2018-) Popular Mobilization Forces" is the PMF).
    """
    index = _index()
    candidates = [name, _PARENTHESES.sub(" ", name), *_PARENTHESES.sub(" ", name).split(":")]
    for candidate in candidates:
        actor = index.get(normalize_actor_name(candidate))
        if actor is not None:
            return actor
    key = normalize_actor_name(_PARENTHESES.sub(" ", name))
    for pattern, actor in _contained_aliases():
        if pattern.search(key):
            return actor
    return None


def canonical_actor(name: str) -> str | None:
    """The lexicon's name for an actor ("KH" -> "Kataib Hezbollah"), or None when unknown."""
    actor = find_actor(name)
    return actor.name if actor else None


def actor_group_for(name: str) -> str:
    """The filter group of an actor name; empty means unidentified, unknown names are "Other"."""
    if not name.strip():
        return UNIDENTIFIED_GROUP
    actor = find_actor(name)
    return actor.group if actor else OTHER_GROUP
