"""Every way a request or a relationship ends is handled, and the other side is told (issue 14).

One test per finding of the issue's "Races" (the single-process half) and "Lifecycles".
The concurrent halves are in tests/matching/test_races.py (PostgreSQL).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Program
from matching.models import Mentorship, MentorshipRequest, Notification
from matching.services.requests import RuleBroken, accept_request, approve_request, decline_request
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def told(user: object, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def approval_required() -> None:
    Program.objects.filter(is_default=True).update(approval_required=True)


# --- Capacity and approval -------------------------------------------------------------------


def test_accepting_counts_requests_awaiting_approval_toward_capacity() -> None:
    approval_required()
    mentor = make_mentor(capacity=1)
    first, second = make_request(mentor=mentor), make_request(mentor=mentor)
    accept_request(request=first, by=mentor.user)

    with pytest.raises(RuleBroken) as broken:
        accept_request(request=second, by=mentor.user)

    assert broken.value.code == "mentor_full"
    second.refresh_from_db()
    assert second.status == "pending"  # still the mentor's to decline, or to accept once there is room


def test_an_approval_that_would_give_a_second_long_term_mentor_closes_the_request_and_tells_both() -> None:
    approval_required()
    Program.objects.filter(is_default=True).update(withdraw_other_long_term_requests=True)
    mentee = make_mentee().user
    coordinator = make_coordinator()
    awaiting = make_request(mentee=mentee)
    accept_request(request=awaiting, by=awaiting.mentor)
    # Meanwhile she got a long-term mentor another way (a cohort match, say): a live mentorship.
    other = make_request(mentee=mentee, kind="short_term")
    accept_request(request=other, by=other.mentor)
    approve_request(request=other, by=coordinator)
    Mentorship.objects.filter(request=other).update(kind="long_term")

    with pytest.raises(RuleBroken) as broken:
        approve_request(request=awaiting, by=coordinator)

    assert broken.value.code == "already_matched"
    awaiting.refresh_from_db()
    assert awaiting.status == "rejected"
    assert told(mentee, Kind.MATCH_REJECTED) == 1
    assert told(awaiting.mentor, Kind.MATCH_REJECTED) == 1
    assert Mentorship.objects.active().filter(mentee=mentee).count() == 1


# --- Expiry is checked on access ---------------------------------------------------------------


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_a_request_past_its_expiry_cannot_be_answered_before_the_sweeper_runs(verb: str) -> None:
    request = make_request()
    MentorshipRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    request.refresh_from_db()

    with pytest.raises(RuleBroken) as broken:
        if verb == "accept":
            accept_request(request=request, by=request.mentor)
        else:
            decline_request(request=request, by=request.mentor, reason="schedule")

    assert (broken.value.code, broken.value.conflict) == ("expired", True)
    request.refresh_from_db()
    assert request.status == "expired"
    assert told(request.mentee, Kind.REQUEST_EXPIRED) == 1
    assert not Mentorship.objects.exists()


def test_an_overdue_request_does_not_count_toward_the_open_request_limit() -> None:
    Program.objects.filter(is_default=True).update(max_open_requests=1)
    mentee = make_mentee().user
    overdue = make_request(mentee=mentee)
    MentorshipRequest.objects.filter(pk=overdue.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    assert make_request(mentee=mentee).status == "pending"
