"""The projection per reader (matching.scoring.privacy): pure, no database."""

from __future__ import annotations

from matching.scoring.components import Background, MenteeFeatures, MentorFeatures
from matching.scoring.privacy import mentee_for, mentor_for

SECRETS = Background(
    gender_identity="woman",
    first_generation=True,
    lgbtq=True,
    visibility={"gender_identity": "private", "first_generation": "everyone", "lgbtq": "coordinators"},
)


def test_each_reader_is_handed_only_what_they_may_see() -> None:
    mentee = MenteeFeatures(id=1, stage="ms3", background=SECRETS, comfort={"lgbtq": "must"})
    assert mentee_for(mentee, "owner") is mentee
    coordinator = mentee_for(mentee, "coordinator")
    assert (coordinator.background.gender_identity, coordinator.background.lgbtq) == (None, True)
    assert coordinator.comfort == {"lgbtq": "must"}
    other = mentee_for(mentee, "other")
    assert (other.background.gender_identity, other.background.lgbtq, other.background.first_generation) == (
        None,
        None,
        True,
    )
    assert other.comfort == {}


def test_preferred_groups_are_for_owner_and_coordinators_and_a_switch_drops_them() -> None:
    mentor = MentorFeatures(id=2, background=SECRETS, preferred_groups=frozenset({"women", "rural"}))
    assert mentor_for(mentor, "other").preferred_groups == frozenset()
    assert mentor_for(mentor, "coordinator").preferred_groups == {"women", "rural"}
    off = mentor_for(mentor, "owner", frozenset({"gender_identity"}))
    assert off.preferred_groups == {"rural"} and off.background.gender_identity is None


def test_nothing_to_hide_hands_the_same_features_back() -> None:
    public = Background(first_generation=True, visibility={"first_generation": "everyone"})
    mentee = MenteeFeatures(id=3, stage="ms1", background=public)
    assert mentee_for(mentee, "other") is mentee
