"""Who may see what: a person's features as one reader may know them (PRODUCT §4, §5).

Non-interference by construction. Everything a person can read - score, order,
components, reasons, filter results, suggestions, proposals - is computed from features
projected for that reader, so nothing the reader may not see can move any of it, and no
later layer (a reason, a serializer, a template) can leak what it was never handed.

The readers (``Viewer``):

- ``owner``: the person themselves. Every answer they gave counts, including the
  attributes they keep to themselves ("only me", API value ``private``): a mentee's own
  private first-generation status may shape the mentee's own ranking of mentors.
- ``coordinator``: the program's coordinators (cohort runs, coordinator views):
  background shared with coordinators or with everyone, comfort preferences, preferred
  groups. Never an "only me" answer.
- ``other``: another mentee or mentor (the directory, suggestions): only background shared
  with everyone; neither the mentee's comfort preferences nor the mentor's preferred
  groups, which are private to their owner and coordinators.

A program may switch background attributes off for matching (``off``): the attribute,
comfort preferences on it and preferred groups on it then count for no reader at all.

Pure: plain features in, plain features out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Literal

from matching.scoring.components import Background, MenteeFeatures, MentorFeatures
from matching.scoring.vocabulary import BACKGROUND_ATTRIBUTES, FLAG_ATTRIBUTES

Viewer = Literal["owner", "coordinator", "other"]
VIEWERS: tuple[Viewer, ...] = ("owner", "coordinator", "other")

# The visibility levels each reader may see of someone else's background.
SEES: Mapping[Viewer, frozenset[str]] = {
    "owner": frozenset({"private", "coordinators", "everyone"}),
    "coordinator": frozenset({"coordinators", "everyone"}),
    "other": frozenset({"everyone"}),
}
# Who reads the comfort preferences of a mentee and the preferred groups of a mentor.
SEES_PREFERENCES: frozenset[Viewer] = frozenset({"owner", "coordinator"})


def group_attribute(group: str) -> str:
    """The background attribute a preferred group is about ("women" is a gender identity)."""
    return "gender_identity" if group == "women" else group


def may_see(viewer: Viewer, visibility: str | None) -> bool:
    """Whether ``viewer`` may see an answer shown at ``visibility`` (missing = only me)."""
    return (visibility or "private") in SEES[viewer]


def background_for(background: Background, viewer: Viewer, off: Collection[str] = ()) -> Background:
    """``background`` with only the attributes ``viewer`` may see and the program matches on."""
    kept = {
        attribute
        for attribute in BACKGROUND_ATTRIBUTES
        if attribute not in off and may_see(viewer, background.visibility.get(attribute))
    }
    if given(background) <= kept:
        return background  # nothing to hide: the common case, and this runs for every person
    values: dict[str, object] = {}
    if "gender_identity" in kept:
        values["gender_identity"] = background.gender_identity
    if "race_ethnicity" in kept:
        values["race_ethnicity"] = background.race_ethnicity
    for flag in FLAG_ATTRIBUTES:
        if flag in kept:
            values[flag] = getattr(background, flag)
    visibility = {a: v for a, v in background.visibility.items() if a in kept}
    return Background(**values, visibility=visibility)  # type: ignore[arg-type]


def given(background: Background) -> set[str]:
    """The attributes ``background`` holds an answer for."""
    found = {flag for flag in FLAG_ATTRIBUTES if getattr(background, flag) is not None}
    if background.gender_identity is not None:
        found.add("gender_identity")
    if background.race_ethnicity:
        found.add("race_ethnicity")
    return found


def mentee_for(mentee: MenteeFeatures, viewer: Viewer, off: Collection[str] = ()) -> MenteeFeatures:
    """A mentee as ``viewer`` may know them: comfort preferences only for owner and coordinators."""
    comfort = (
        {attribute: importance for attribute, importance in mentee.comfort.items() if attribute not in off}
        if viewer in SEES_PREFERENCES
        else {}
    )
    background = background_for(mentee.background, viewer, off)
    if background is mentee.background and comfort == mentee.comfort:
        return mentee
    return dataclasses.replace(mentee, background=background, comfort=comfort)


def mentor_for(mentor: MentorFeatures, viewer: Viewer, off: Collection[str] = ()) -> MentorFeatures:
    """A mentor as ``viewer`` may know them: preferred groups only for owner and coordinators."""
    groups = (
        frozenset(g for g in mentor.preferred_groups if group_attribute(g) not in off)
        if viewer in SEES_PREFERENCES
        else frozenset()
    )
    background = background_for(mentor.background, viewer, off)
    if background is mentor.background and groups == mentor.preferred_groups:
        return mentor
    return dataclasses.replace(mentor, background=background, preferred_groups=groups)


def switched_off(values: object) -> frozenset[str]:
    """A program's stored list of attributes off for matching; unknown entries are ignored."""
    if not isinstance(values, list | tuple | set | frozenset):
        return frozenset()
    return frozenset(v for v in values if v in BACKGROUND_ATTRIBUTES)


__all__ = [
    "SEES",
    "VIEWERS",
    "Viewer",
    "background_for",
    "given",
    "group_attribute",
    "may_see",
    "mentee_for",
    "mentor_for",
    "switched_off",
]
