"""Every way a request or a relationship ends is handled, and the other side is told (issue 14).

One test per finding of the issue's "Races" (the single-process half) and "Lifecycles".
The concurrent halves are in tests/matching/test_races.py (PostgreSQL).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Program
from matching.models import Mentorship, MentorshipRequest, Notification
from matching.services.requests import RuleBroken, accept_request, approve_request, decline_request
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

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


# --- Deactivation --------------------------------------------------------------------------------


def test_deactivating_a_mentee_withdraws_her_requests_and_ends_her_mentorships_telling_the_other_side() -> None:
    approval_required()
    Program.objects.filter(is_default=True).update(max_open_requests=3)
    mentee = make_mentee().user
    pending = make_request(mentee=mentee)
    awaiting = make_request(mentee=mentee, kind="short_term")
    accept_request(request=awaiting, by=awaiting.mentor)
    live = make_mentorship(mentee=mentee, kind="task", task="Review my CV", due_date=timezone.localdate())

    mentee.is_active = False
    mentee.save()

    pending.refresh_from_db()
    awaiting.refresh_from_db()
    live.refresh_from_db()
    assert (pending.status, awaiting.status) == ("withdrawn", "withdrawn")
    assert told(pending.mentor, Kind.REQUEST_WITHDRAWN) == 1
    assert told(awaiting.mentor, Kind.REQUEST_WITHDRAWN) == 1
    assert (live.status, live.end_reason) == ("ended", "account_closed")
    assert told(live.mentor, Kind.MENTORSHIP_ENDED) == 1


def test_a_request_of_a_deactivated_account_can_be_neither_accepted_nor_approved() -> None:
    approval_required()
    request = make_request()
    accept_request(request=request, by=request.mentor)
    # Deactivated behind the services' back (a bulk update sends no signal): the verbs still refuse.
    type(request.mentee).objects.filter(pk=request.mentee_id).update(is_active=False)
    request.refresh_from_db()

    with pytest.raises(RuleBroken) as broken:
        approve_request(request=request, by=make_coordinator())

    assert broken.value.code == "account_closed"
    assert not Mentorship.objects.exists()


def test_deactivating_a_mentor_declines_requests_ends_mentorships_and_tells_each_mentee() -> None:
    approval_required()
    mentor = make_mentor(capacity=3)
    pending = make_request(mentor=mentor)
    awaiting = make_request(mentor=mentor)
    accept_request(request=awaiting, by=mentor.user)
    live = make_mentorship(mentor=mentor)

    mentor.user.is_active = False
    mentor.user.save(update_fields=["is_active"])

    pending.refresh_from_db()
    awaiting.refresh_from_db()
    live.refresh_from_db()
    assert (pending.status, awaiting.status) == ("declined", "withdrawn")
    assert told(pending.mentee, Kind.REQUEST_DECLINED) == 1
    assert told(awaiting.mentee, Kind.MATCH_REJECTED) == 1
    assert (live.status, live.end_reason) == ("ended", "account_closed")
    assert told(live.mentee, Kind.MENTORSHIP_ENDED) == 1


# --- Pause -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["paused_until", "accepting"])
def test_pausing_declines_pending_requests_and_tells_each_mentee_at_once(how: str) -> None:
    mentor = make_mentor(capacity=3)
    requests = [make_request(mentor=mentor) for _ in range(2)]
    profile = type(mentor).objects.get(pk=mentor.pk)

    if how == "paused_until":
        profile.paused_until = timezone.localdate() + datetime.timedelta(days=30)
    else:
        profile.accepting = False
    profile.save()

    for request in requests:
        request.refresh_from_db()
        assert (request.status, request.decline_reason) == ("declined", "no_capacity")
        assert told(request.mentee, Kind.REQUEST_DECLINED) == 1
    if how == "paused_until":
        assert "paused new requests until" in requests[0].response_note


# --- Ending ------------------------------------------------------------------------------------------


def test_ending_closes_open_check_ins_so_nobody_is_told_they_missed_one() -> None:
    from matching.models import CheckIn
    from matching.services.checkins import remind_and_close_checkins
    from matching.services.requests import end_mentorship

    mentorship = make_mentorship()
    checkin = CheckIn.objects.create(mentorship=mentorship, period=1, due_on=timezone.localdate())

    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="ended", reason="schedule")
    remind_and_close_checkins(today=timezone.localdate() + datetime.timedelta(days=60))

    checkin.refresh_from_db()
    assert checkin.status == "closed"
    assert Notification.objects.filter(kind=Kind.CHECKIN_MISSED).count() == 0
    mentorship.refresh_from_db()
    assert not mentorship.at_risk


def test_the_mentor_gives_feedback_after_the_mentee_ended_it_once_through_the_api() -> None:
    from rest_framework.test import APIClient

    from matching.services.requests import end_mentorship

    mentorship = make_mentorship()
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met",
                   feedback="Great help", rating=5)  # fmt: skip
    client = APIClient()
    client.force_authenticate(mentorship.mentor)
    url = f"/api/v1/mentorships/{mentorship.pk}/feedback/"

    first = client.post(url, {"feedback": "A motivated mentee", "rating": 4}, format="json")
    again = client.post(url, {"feedback": "Changed my mind", "rating": 1}, format="json")

    assert first.status_code == 200, first.content
    assert (again.status_code, again.json()["code"]) == (409, "already_given")
    mentorship.refresh_from_db()
    assert (mentorship.mentor_feedback, mentorship.mentor_rating) == ("A motivated mentee", 4)
    assert (mentorship.mentee_feedback, mentorship.mentee_rating) == ("Great help", 5)
    mentee_again = APIClient()
    mentee_again.force_authenticate(mentorship.mentee)
    assert mentee_again.post(url, {"feedback": "More"}, format="json").json()["code"] == "already_given"


def test_the_mentor_gives_feedback_on_the_page_after_the_mentee_ended_it(client: Any) -> None:
    from matching.services.requests import end_mentorship

    mentorship = make_mentorship()
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="ended", reason="schedule")
    client.force_login(mentorship.mentor)
    page = client.get(f"/mentorships/{mentorship.pk}/")
    assert b"Send feedback" in page.content

    response = client.post(f"/mentorships/{mentorship.pk}/feedback/", {"feedback": "Busy term", "rating": "3"})

    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.mentor_feedback, mentorship.mentor_rating) == ("Busy term", 3)
    assert b"Send feedback" not in client.get(f"/mentorships/{mentorship.pk}/").content


# --- Cadence ------------------------------------------------------------------------------------------


def test_a_cadence_change_never_creates_a_second_check_in_for_the_same_due_date() -> None:
    from matching.models import CheckIn
    from matching.services.checkins import create_due_checkins

    Program.objects.filter(is_default=True).update(checkin_cadence_days=14)
    mentorship = make_mentorship()
    started = timezone.localdate(mentorship.started_at)
    assert create_due_checkins(today=started + datetime.timedelta(days=28)) == 1  # period 2, due day 28

    Program.objects.filter(is_default=True).update(checkin_cadence_days=28)  # day 28 is now period 1
    assert create_due_checkins(today=started + datetime.timedelta(days=30)) == 0
    assert create_due_checkins(today=started + datetime.timedelta(days=56)) == 1  # the next one, numbered on

    dates = list(CheckIn.objects.filter(mentorship=mentorship).order_by("due_on").values_list("due_on", "period"))
    assert dates == [(started + datetime.timedelta(days=28), 2), (started + datetime.timedelta(days=56), 3)]
    assert Notification.objects.filter(kind=Kind.CHECKIN_DUE).count() == 4  # two people, two check-ins


# --- Erasure and export ----------------------------------------------------------------------------


def test_erasure_anonymises_the_person_keeps_the_figures_and_tells_the_other_side() -> None:
    from matching.services.exits import erase_person

    mentorship = make_mentorship()
    mentee = mentorship.mentee
    request = mentorship.request
    email = mentee.email

    erase_person(mentee)

    mentee.refresh_from_db()
    assert mentee.email.endswith("@erased.invalid") and email not in mentee.email
    assert (mentee.first_name, mentee.is_active, mentee.has_usable_password()) == ("Erased", False, False)
    assert not mentee.emailaddress_set.exists()  # type: ignore[attr-defined]
    assert not Notification.objects.filter(recipient=mentee).exists()
    request.refresh_from_db()
    assert request.message == ""
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason) == ("ended", "account_closed")  # still counted
    assert told(mentorship.mentor, Kind.MENTORSHIP_ENDED) == 1


def test_a_superuser_exports_and_erases_from_the_admin_and_a_coordinator_cannot(client: Any) -> None:
    import json

    from accounts.models import User

    mentorship = make_mentorship()
    mentee = mentorship.mentee
    changelist = "/admin/accounts/user/"
    coordinator = make_coordinator()
    client.force_login(coordinator)
    refused = client.post(changelist, {"action": "export_personal_data", "_selected_action": [mentee.pk]})
    assert b'"email"' not in refused.content

    admin = User.objects.create_superuser(email="root@example.org", password="x-long-password-1")
    client.force_login(admin)
    exported = client.post(changelist, {"action": "export_personal_data", "_selected_action": [mentee.pk]})
    assert exported.status_code == 200 and exported["Content-Type"] == "application/json"
    data = json.loads(exported.content)[str(mentee.pk)]
    assert data["user"]["email"] == mentee.email
    assert [r["id"] for r in data["matching.mentorshiprequest"]] == [mentorship.request_id]
    assert [m["id"] for m in data["matching.mentorship"]] == [mentorship.pk]

    confirm = client.post(changelist, {"action": "erase_people", "_selected_action": [mentee.pk]})
    assert b"cannot be undone" in confirm.content
    mentee.refresh_from_db()
    assert mentee.is_active  # nothing happens before the confirmation
    client.post(changelist, {"action": "erase_people", "_selected_action": [mentee.pk], "apply": "1"})
    mentee.refresh_from_db()
    assert (mentee.is_active, mentee.first_name) == (False, "Erased")
    from accounts.models import AuditEvent

    audited = AuditEvent.objects.filter(actor=admin).values_list("action", "target")
    assert ("exported", "personal-data.json") in audited
    assert ("erased", f"user #{mentee.pk}") in audited
