"""The request and mentorship state machines, and the program rules around them."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Program
from matching.models import Mentorship, MentorshipRequest, Transition
from matching.services.requests import (
    RuleBroken,
    accept_request,
    approve_request,
    create_request,
    decline_request,
    end_mentorship,
    expire_requests,
    reject_request,
    request_rematch,
    withdraw_request,
)
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request

pytestmark = pytest.mark.django_db
Status = MentorshipRequest.Status


def no_approval() -> None:
    Program.objects.filter(is_default=True).update(approval_required=False)


def test_request_starts_pending_and_expires_after_the_program_days() -> None:
    request = make_request()
    assert request.status == Status.PENDING
    days = Program.objects.default().request_expiry_days
    assert abs((request.expires_at - request.created_at) - datetime.timedelta(days=days)) < datetime.timedelta(
        seconds=1
    )


def test_accept_waits_for_approval_when_the_program_requires_it() -> None:
    request = make_request()
    accepted = accept_request(request=request, by=request.mentor)
    assert accepted.status == Status.ACCEPTED
    assert not Mentorship.objects.exists()

    matched = approve_request(request=accepted, by=make_coordinator())
    assert matched.status == Status.MATCHED
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor, mentorship.status) == (request.mentee, request.mentor, "active")


def test_accept_matches_at_once_without_approval() -> None:
    no_approval()
    request = make_request()
    assert accept_request(request=request, by=request.mentor).status == Status.MATCHED
    assert Mentorship.objects.active().count() == 1


def test_every_transition_is_recorded_with_who_and_when() -> None:
    request = make_request()
    coordinator = make_coordinator()
    accept_request(request=request, by=request.mentor)
    approve_request(request=request, by=coordinator)
    moves = list(Transition.objects.filter(request=request).values_list("from_status", "to_status", "by"))
    assert moves == [("pending", "accepted", request.mentor.pk), ("accepted", "matched", coordinator.pk)]


def test_only_the_mentor_asked_can_accept() -> None:
    request = make_request()
    with pytest.raises(RuleBroken, match="Only the mentor"):
        accept_request(request=request, by=make_mentor().user)


def test_rejected_request_creates_no_mentorship() -> None:
    request = make_request()
    accept_request(request=request, by=request.mentor)
    assert reject_request(request=request, by=make_coordinator(), note="Conflict of interest").status == "rejected"
    assert not Mentorship.objects.exists()


def test_a_decided_request_cannot_move_again() -> None:
    request = make_request()
    decline_request(request=request, by=request.mentor, reason="schedule", note="Sorry")
    with pytest.raises(RuleBroken) as broken:
        accept_request(request=request, by=request.mentor)
    assert broken.value.code == "invalid_state" and broken.value.conflict


def test_decline_needs_a_known_reason() -> None:
    request = make_request()
    with pytest.raises(RuleBroken, match="reason"):
        decline_request(request=request, by=request.mentor, reason="bored")


def test_mentee_withdraws_own_request_only() -> None:
    request = make_request()
    with pytest.raises(RuleBroken):
        withdraw_request(request=request, by=make_mentee().user)
    assert withdraw_request(request=request, by=request.mentee).status == Status.WITHDRAWN


def test_no_duplicate_open_request_to_the_same_mentor() -> None:
    mentee, mentor = make_mentee(), make_mentor()
    make_request(mentee=mentee, mentor=mentor)
    with pytest.raises(RuleBroken) as broken:
        make_request(mentee=mentee, mentor=mentor)
    assert broken.value.code == "duplicate_request"


def test_at_most_the_program_number_of_open_requests() -> None:
    mentee = make_mentee()
    limit = Program.objects.default().max_open_requests
    for _ in range(limit):
        make_request(mentee=mentee)
    with pytest.raises(RuleBroken) as broken:
        make_request(mentee=mentee)
    assert broken.value.code == "too_many_open_requests"
    assert str(limit) in broken.value.message


def test_only_verified_accepting_mentors_with_room_can_be_requested() -> None:
    with pytest.raises(RuleBroken, match="verified"):
        make_request(mentor=make_mentor(verified=False))
    with pytest.raises(RuleBroken, match="not accepting"):
        make_request(mentor=make_mentor(accepting=False))
    paused = make_mentor(paused_until=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(RuleBroken, match="not accepting"):
        make_request(mentor=paused)
    with pytest.raises(RuleBroken) as broken:
        make_request(mentor=make_mentor(capacity=0))
    assert broken.value.code == "mentor_full"


def test_a_task_request_needs_a_task_and_a_due_date() -> None:
    with pytest.raises(RuleBroken, match="task"):
        make_request(kind="task")
    request = make_request(kind="task", task="Review my personal statement",
                           due_date=timezone.localdate() + datetime.timedelta(days=10))  # fmt: skip
    assert request.task and request.due_date


def test_coordinator_only_programs_refuse_mentee_requests() -> None:
    Program.objects.filter(is_default=True).update(request_mode=Program.RequestMode.COORDINATOR)
    with pytest.raises(RuleBroken) as broken:
        make_request()
    assert broken.value.code == "coordinator_only" and not broken.value.conflict


def test_approval_refuses_past_capacity() -> None:
    mentor = make_mentor(capacity=2)
    coordinator = make_coordinator()
    first, second = make_request(mentor=mentor), make_request(mentor=mentor)
    for request in (first, second):
        accept_request(request=request, by=mentor.user)
    type(mentor).objects.filter(pk=mentor.pk).update(capacity=1)  # the mentor lowered it meanwhile
    approve_request(request=first, by=coordinator)
    with pytest.raises(RuleBroken) as broken:
        approve_request(request=second, by=coordinator)
    assert broken.value.code == "mentor_full"
    assert Mentorship.objects.active().filter(mentor=mentor.user).count() == 1


def test_a_long_term_match_withdraws_the_other_long_term_requests() -> None:
    no_approval()
    mentee = make_mentee()
    chosen, other, short = (
        make_request(mentee=mentee),
        make_request(mentee=mentee),
        make_request(mentee=mentee, kind="short_term"),
    )
    accept_request(request=chosen, by=chosen.mentor)
    other.refresh_from_db()
    short.refresh_from_db()
    assert other.status == Status.WITHDRAWN
    assert short.status == Status.PENDING


def test_unanswered_requests_expire() -> None:
    request = make_request()
    fresh = make_request()
    MentorshipRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert expire_requests() == 1
    request.refresh_from_db()
    fresh.refresh_from_db()
    assert (request.status, fresh.status) == (Status.EXPIRED, Status.PENDING)
    assert expire_requests() == 0


def test_ending_a_mentorship_records_outcome_and_feedback_and_allows_rematch() -> None:
    no_approval()
    request = make_request()
    accept_request(request=request, by=request.mentor)
    mentorship = Mentorship.objects.get()
    with pytest.raises(RuleBroken):
        request_rematch(mentorship=mentorship, by=request.mentee)
    ended = end_mentorship(mentorship=mentorship, by=request.mentee, outcome="ended", reason="schedule",
                           feedback="We never found a time.", rating=2)  # fmt: skip
    assert (ended.status, ended.mentee_rating, ended.mentee_feedback) == ("ended", 2, "We never found a time.")
    assert request_rematch(mentorship=ended, by=request.mentee).rematch_requested
    with pytest.raises(RuleBroken):
        end_mentorship(mentorship=ended, by=request.mentee, outcome="completed", reason="goals_met")


def test_strangers_cannot_end_a_mentorship() -> None:
    no_approval()
    request = make_request()
    accept_request(request=request, by=request.mentor)
    with pytest.raises(RuleBroken):
        end_mentorship(mentorship=Mentorship.objects.get(), by=make_mentee().user, outcome="ended", reason="other")


def test_create_request_refuses_non_mentees() -> None:
    mentor = make_mentor()
    with pytest.raises(RuleBroken, match="Only mentees"):
        create_request(mentee=make_mentor().user, mentor=mentor.user, kind="long_term", message="hi")


def test_a_coordinator_ending_a_mentorship_leaves_both_sides_feedback_empty() -> None:
    no_approval()
    request = make_request()
    accept_request(request=request, by=request.mentor)
    ended = end_mentorship(mentorship=Mentorship.objects.get(), by=make_coordinator(), outcome="ended",
                           reason="unresponsive", feedback="No contact for 6 weeks.", rating=1)  # fmt: skip
    assert (ended.mentee_feedback, ended.mentee_rating, ended.mentor_feedback, ended.mentor_rating) == (
        "",
        None,
        "",
        None,
    )
    assert ended.transitions.get().by.is_coordinator


def test_goals_change_only_by_the_two_people_while_live() -> None:
    from matching.services.requests import add_goal, update_goal

    no_approval()
    request = make_request()
    accept_request(request=request, by=request.mentor)
    mentorship = Mentorship.objects.get()
    goal = add_goal(mentorship=mentorship, by=request.mentee, text="Submit the abstract")
    with pytest.raises(RuleBroken):
        add_goal(mentorship=mentorship, by=make_mentee().user, text="Intruder")

    done = update_goal(goal=goal, by=request.mentor, done=True)
    assert done.done and done.completed_at is not None

    end_mentorship(mentorship=mentorship, by=request.mentee, outcome="completed", reason="goals_met")
    mentorship.refresh_from_db()
    with pytest.raises(RuleBroken) as broken:
        add_goal(mentorship=mentorship, by=request.mentee, text="Too late")
    assert broken.value.code == "invalid_state"
