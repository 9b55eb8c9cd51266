"""The actor lexicon: aliases, ACLED's actor names and filter groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.actors import (
    ACTOR_GROUPS,
    actor_group_for,
    actors,
    canonical_actor,
    load_actors,
    normalize_actor_name,
)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("KH", "Kataib Hezbollah"),
        ("Kata'ib Hizballah", "Kataib Hezbollah"),
        ("Asa’ib Ahl al-Haq", "Asa'ib Ahl al-Haq"),  # typographic apostrophe, as in the seed
        ("AAH", "Asa'ib Ahl al-Haq"),
        ("Al-Hashed al-Shaabi", "Popular Mobilization Forces"),
        ("PMU", "Popular Mobilization Forces"),
        ("Daesh", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("Ansar Allah", "Houthis"),
        ("IRG forces", "Yemeni government forces"),  # the internationally recognised government
        ("Quds Force", "Islamic Revolutionary Guard Corps"),
        ("the coalition", "Coalition forces"),
        ("CJTF-OIR", "Coalition forces"),
        ("Counter Terrorism Service", "Counter Terrorism Service"),
    ],
)
def test_aliases_resolve_to_the_canonical_name(written: str, canonical: str) -> None:
    assert canonical_actor(written) == canonical


@pytest.mark.parametrize(
    ("acled_name", "group"),
    [
        ("Military Forces of Iraq (2018-)", "Iraqi state forces"),
        ("Police Forces of Iraq (2018-)", "Iraqi state forces"),
        ("Unidentified Armed Group (Iraq)", "Unidentified"),
        ("Protesters (Iraq)", "Protesters"),
        ("Civilians (Syria)", "Civilians"),
        ("Islamic State (Iraq)", "Islamic State"),
        ("Military Forces of the United States (2017-2021)", "US and coalition forces"),
        ("Military Forces of Iran (1989-)", "Iran"),
        ("Military Forces of Turkey (2016-)", "Turkey"),
        ("PKK: Kurdistan Workers Party", "Kurdish forces"),
        # ACLED names a unit after its parent force: the unit decides the group.
        ("Military Forces of Iraq (2018-) Popular Mobilization Forces", "Iran-aligned militias"),
    ],
)
def test_acled_actor_names_map_to_groups(acled_name: str, group: str) -> None:
    assert actor_group_for(acled_name) == group


def test_unknown_and_empty_names() -> None:
    assert canonical_actor("Sons of the Desert Brigade") is None
    assert actor_group_for("Sons of the Desert Brigade") == "Other"
    assert actor_group_for("  ") == "Unidentified"
    # A capital is a government in most sentences, not an actor the lexicon should guess.
    assert canonical_actor("Tehran") is None


def test_short_aliases_do_not_match_inside_longer_names() -> None:
    # "IS" must not make any name containing the word "is" the Islamic State.
    assert canonical_actor("This is a militia") is None


def test_every_lexicon_row_has_a_known_group_and_a_source() -> None:
    rows = actors()
    assert len(rows) >= 30
    for actor in rows:
        assert actor.group in ACTOR_GROUPS
        assert actor.source, actor.name
    # No alias may point at two different actors: that would make look-ups order-dependent.
    owners: dict[str, str] = {}
    for actor in rows:
        for name in actor.names:
            key = normalize_actor_name(name)
            assert owners.setdefault(key, actor.name) == actor.name, name


def test_a_bad_group_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "actors.csv"
    bad.write_text("name,aliases,group,source\nA,,Iran,x\nB,,Martians,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors\.csv:3: unknown actor group 'Martians'"):
        load_actors(bad)


def test_a_bad_force_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "actors.csv"
    bad.write_text("name,aliases,group,force,source\nA,,Iran,state,x\nB,,Other,rebel,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors\.csv:3: unknown force 'rebel'"):
        load_actors(bad)


def test_state_forces_are_marked_as_acled_codes_them() -> None:
    force = {actor.name: actor.force for actor in load_actors()}
    assert force["Syrian government forces"] == force["Peshmerga"] == force["Popular Mobilization Forces"] == "state"
    assert force["Syrian National Army"] == force["PKK"] == "nonstate"
    assert force["Israeli settlers"] == force["Protesters"] == ""
