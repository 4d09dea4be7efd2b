"""Capacity is counted in one place: ``Mentorship.objects.held_by``, ``MentorProfile.free_places``."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile
from matching import services
from matching.models import Mentorship
from matching.services.requests import start_mentorship
from tests.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def test_free_places_agree_with_and_without_the_annotation() -> None:
    mentor = make_mentor(capacity=3)
    make_mentorship(mentor=mentor)
    ended = make_mentorship(mentor=mentor)
    services.end_mentorship(mentorship=ended, by=ended.mentee, outcome="ended", reason="schedule")
    annotated = MentorProfile.objects.with_active_count().get(pk=mentor.pk)
    plain = MentorProfile.objects.get(pk=mentor.pk)
    assert Mentorship.objects.held_by(mentor.user) == Mentorship.objects.held_by(mentor.user_id) == 1
    assert annotated.free_places() == plain.free_places() == 2
    assert plain.free_places(max_load=1) == 0


def test_start_mentorship_is_public_and_the_private_one_is_gone() -> None:
    assert not hasattr(services, "_match")
    from matching.services import cohort

    assert cohort.start_mentorship is start_mentorship


def test_start_mentorship_refuses_past_capacity() -> None:
    mentor = make_mentor(capacity=1)
    make_mentorship(mentor=mentor)
    from tests.factories import make_request

    request = make_request(mentee=make_mentee(), mentor=make_mentor(capacity=1))
    request.mentor_id = mentor.user_id  # a request to the full mentor, bypassing the sending checks
    with pytest.raises(services.RuleBroken) as broken:
        start_mentorship(request=request, by=mentor.user)
    assert broken.value.code == "mentor_full"
