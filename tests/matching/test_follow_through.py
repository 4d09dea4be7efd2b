"""The agreement, inactivity with the clock moved, the no-meeting at-risk rule, and group circles."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Program
from matching.models import Agreement, MentoringPolicy, Mentorship, Notification
from matching.services import circles, inactivity, meetings, messages
from matching.services.requests import RuleBroken, end_mentorship
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
Kind = Notification.Kind


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Agreement ------------------------------------------------------------------------------------


def test_the_agreement_comes_from_the_programs_template_and_both_confirm() -> None:
    MentoringPolicy.objects.create(
        program=Program.objects.default(), frequency="Monthly, one hour", channel="phone", planned_weeks=10
    )
    mentorship = make_mentorship()
    url = f"/api/v1/mentorships/{mentorship.pk}/agreement/"
    shown = client_for(mentorship.mentee).get(url).json()
    assert shown["frequency"] == "Monthly, one hour" and shown["channel"] == "phone"
    started = mentorship.started_at.date()
    assert shown["planned_end"] == (started + datetime.timedelta(weeks=10)).isoformat()
    assert shown["confirmed"] is False
    client_for(mentorship.mentee).post(url + "confirm/")
    both = client_for(mentorship.mentor).post(url + "confirm/").json()
    assert both["confirmed"] is True


def test_changing_the_agreement_asks_both_to_confirm_again() -> None:
    mentorship = make_mentorship()
    url = f"/api/v1/mentorships/{mentorship.pk}/agreement/"
    for person in (mentorship.mentee, mentorship.mentor):
        client_for(person).post(url + "confirm/")
    changed = client_for(mentorship.mentor).put(url, {"frequency": "Weekly", "channel": "video"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["frequency"] == "Weekly" and changed.json()["confirmed"] is False
    assert Notification.objects.filter(kind=Kind.AGREEMENT, recipient=mentorship.mentee).exists()
    bad = client_for(mentorship.mentor).put(url, {"planned_end": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_planned_end"


def test_the_end_reassesses_the_agreement() -> None:
    mentorship = make_mentorship()
    url = f"/api/v1/mentorships/{mentorship.pk}/agreement/reassess/"
    early = client_for(mentorship.mentee).post(url, {"goals_met": "yes", "would_recommend": True}, format="json")
    assert early.status_code == 409
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met")
    done = client_for(mentorship.mentee).post(url, {"goals_met": "partly", "would_recommend": True}, format="json")
    assert done.status_code == 200
    assert done.json()["goals_met"]["mentee"] == {"goals_met": "partly", "would_recommend": True}
    assert done.json()["goals_met"]["mentor"] == {"goals_met": None, "would_recommend": None}


def test_non_participants_get_404_on_every_agreement_endpoint() -> None:
    mentorship = make_mentorship()
    base = f"/api/v1/mentorships/{mentorship.pk}/agreement/"
    for outsider in (make_mentee().user, make_mentor().user, make_coordinator()):
        api = client_for(outsider)
        calls = [
            api.get(base),
            api.put(base, {"frequency": "Daily"}, format="json"),
            api.post(base + "confirm/"),
            api.post(base + "reassess/", {"goals_met": "yes", "would_recommend": True}, format="json"),
        ]
        assert [call.status_code for call in calls] == [404] * len(calls)
    assert Agreement.objects.get(mentorship=mentorship).frequency != "Daily"


# --- Inactivity, with the clock moved -----------------------------------------------------------


def test_silence_nudges_then_alerts_then_warns_then_closes_as_inactive() -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), inactivity_days=14, inactivity_step_days=7)
    coordinator = make_coordinator()
    mentorship = make_mentorship()
    start = mentorship.started_at
    day = datetime.timedelta(days=1)

    def run(days: float) -> int:
        return inactivity.follow_up_inactivity(now=start + days * day)

    assert run(13) == 0
    assert run(14) == 1
    nudges = Notification.objects.filter(kind=Kind.INACTIVE_NUDGE)
    assert {n.recipient_id for n in nudges} == {mentorship.mentee_id, mentorship.mentor_id}
    assert run(15) == 0  # nothing twice
    assert run(21) == 1
    assert Notification.objects.filter(kind=Kind.INACTIVE_ALERT, recipient=coordinator).count() == 1
    assert run(28) == 1
    assert Notification.objects.filter(kind=Kind.INACTIVE_WARNING).count() == 2
    assert run(34) == 0
    assert run(35) == 1
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED and mentorship.end_reason == Mentorship.EndReason.INACTIVE
    assert mentorship.transitions.last().to_status == "ended"  # type: ignore[union-attr]
    assert Notification.objects.filter(kind=Kind.MENTORSHIP_ENDED).count() == 2


def test_a_message_puts_the_silence_clock_back_to_the_start() -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), inactivity_days=14, inactivity_step_days=7)
    mentorship = make_mentorship()
    start = mentorship.started_at
    day = datetime.timedelta(days=1)
    inactivity.follow_up_inactivity(now=start + 14 * day)
    messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentor, body="Sorry!",
                          now=start + 16 * day)  # fmt: skip
    assert inactivity.follow_up_inactivity(now=start + 21 * day) == 0
    mentorship.refresh_from_db()
    assert mentorship.inactivity_stage == 0 and mentorship.status == "active"
    assert inactivity.follow_up_inactivity(now=start + 30 * day) == 1  # 14 days after the message
    mentorship.refresh_from_db()
    assert mentorship.inactivity_stage == 1


def test_a_meeting_held_counts_as_activity_and_no_meeting_in_n_weeks_is_at_risk() -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), no_meeting_weeks=4, inactivity_days=60)
    make_coordinator()
    mentorship = make_mentorship()
    start = mentorship.started_at
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=start + datetime.timedelta(days=3), now=start)  # fmt: skip
    meetings.accept_meeting(meeting=meeting, by=mentorship.mentor)
    meetings.log_meeting(meeting=meeting, by=mentorship.mentor, held=True, now=start + datetime.timedelta(days=4))
    assert inactivity.last_activity(mentorship) == meeting.start
    inactivity.follow_up_inactivity(now=start + datetime.timedelta(weeks=4))
    mentorship.refresh_from_db()
    assert not mentorship.at_risk  # a meeting 3 days in: 25 days ago
    inactivity.follow_up_inactivity(now=start + datetime.timedelta(days=3, weeks=4))
    mentorship.refresh_from_db()
    assert mentorship.at_risk
    assert Notification.objects.filter(kind=Kind.AT_RISK).exists()


# --- Group mentoring ---------------------------------------------------------------------------


def test_a_circle_shares_one_conversation_and_meetings_and_counts_against_capacity() -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), group_mentoring=True, group_max_mentees=2)
    mentor = make_mentor(capacity=3)
    first, second, third = (make_mentorship(mentor=mentor) for _ in range(3))
    circle = circles.create_circle(mentor=mentor.user, name="Surgery hopefuls")
    for mentorship in (first, second):
        circles.add_to_circle(circle=circle, mentorship=mentorship, by=mentor.user)
    with pytest.raises(RuleBroken) as full:
        circles.add_to_circle(circle=circle, mentorship=third, by=mentor.user)
    assert full.value.code == "circle_full"
    # Each circle member is a mentorship: the mentor's capacity of 3 is used up.
    with pytest.raises(RuleBroken) as no_room:
        from matching.services.requests import accept_request

        accept_request(request=make_request(mentor=mentor), by=mentor.user)
    assert no_room.value.code == "mentor_full"
    first.refresh_from_db()
    second.refresh_from_db()
    assert messages.conversation_of(first) == messages.conversation_of(second)
    messages.post_message(conversation=messages.conversation_of(first), by=first.mentee, body="Hello circle")
    told = Notification.objects.filter(kind=Kind.NEW_MESSAGES).values_list("recipient_id", flat=True)
    assert set(told) == {mentor.user.pk, second.mentee_id}
    meeting = meetings.propose_meeting(mentorship=second, by=mentor.user,
                                       start=datetime.datetime.now(UTC) + datetime.timedelta(days=2))  # fmt: skip
    listed = client_for(first.mentee).get(f"/api/v1/mentorships/{first.pk}/meetings/").json()
    assert [m["id"] for m in listed["results"]] == [meeting.pk]
    assert {n.recipient_id for n in Notification.objects.filter(kind=Kind.MEETING_PROPOSED)} == {
        mentor.user.pk, first.mentee_id, second.mentee_id,
    }  # fmt: skip
    assert client_for(first.mentee).post(f"/api/v1/meetings/{meeting.pk}/accept/").status_code == 200
    assert client_for(third.mentee).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_circles_only_where_the_program_offers_group_mentoring() -> None:
    mentor = make_mentor()
    with pytest.raises(RuleBroken) as off:
        circles.create_circle(mentor=mentor.user, name="Circle")
    assert off.value.code == "no_group_mentoring"


# --- Near-peer mentoring ----------------------------------------------------------------------


def test_near_peer_mentors_mentor_premeds_only_where_the_program_offers_it() -> None:
    student_mentor = make_mentor(profession="medical_student", capacity=3)
    premed = make_mentee(stage="undergraduate")
    with pytest.raises(RuleBroken) as off:
        make_request(mentee=premed, mentor=student_mentor)
    assert off.value.code == "near_peer_off"
    MentoringPolicy.objects.create(program=Program.objects.default(), near_peer=True)
    mentorship = make_mentorship(mentee=premed, mentor=student_mentor)
    assert mentorship.status == "active"
    with pytest.raises(RuleBroken) as not_premed:
        make_request(mentee=make_mentee(stage="ms2"), mentor=student_mentor)
    assert not_premed.value.code == "near_peer_premeds_only"
    # Physicians mentor anyone, whatever the option.
    assert make_request(mentee=make_mentee(stage="ms2"), mentor=make_mentor()).status == "pending"


def test_a_program_turning_near_peer_off_stops_pending_near_peer_matches() -> None:
    policy = MentoringPolicy.objects.create(program=Program.objects.default(), near_peer=True)
    resident_mentor = make_mentor(profession="resident")
    request = make_request(mentee=make_mentee(stage="gap_year"), mentor=resident_mentor)
    policy.near_peer = False
    policy.save()
    from matching.services.requests import accept_request, approve_request

    accepted = accept_request(request=request, by=resident_mentor.user)
    with pytest.raises(RuleBroken) as off:
        approve_request(request=accepted, by=make_coordinator())
    assert off.value.code == "near_peer_off"
    assert not Mentorship.objects.filter(mentor=resident_mentor.user).exists()


def test_circles_through_the_api() -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), group_mentoring=True, group_max_mentees=2)
    mentor = make_mentor(capacity=3)
    first, second, third = (make_mentorship(mentor=mentor) for _ in range(3))
    api = client_for(mentor.user)
    made = api.post("/api/v1/circles/", {"name": "Premed circle"}, format="json")
    assert made.status_code == 201
    url = f"/api/v1/circles/{made.json()['id']}/members/"
    for mentorship in (first, second):
        assert api.post(url, {"mentorship": mentorship.pk}, format="json").status_code == 200
    full = api.post(url, {"mentorship": third.pk}, format="json")
    assert full.status_code == 409 and full.json()["code"] == "circle_full"
    seen = client_for(first.mentee).get("/api/v1/circles/").json()["results"]
    assert [c["members"] for c in seen] == [[first.pk, second.pk]] or sorted(seen[0]["members"]) == sorted(
        [first.pk, second.pk]
    )
    outsider = client_for(third.mentee)
    assert outsider.get(f"/api/v1/circles/{made.json()['id']}/").status_code == 404
    assert outsider.post(url, {"mentorship": third.pk}, format="json").status_code == 404
    assert client_for(first.mentee).post(url, {"mentorship": first.pk}, format="json").status_code == 404


def test_the_admin_offers_only_valid_channels_for_the_policy(rf: Any) -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    request = rf.get("/admin/")
    request.user = get_user_model().objects.create_superuser(email="root@example.org", password="x-Long-pass-1")
    policy_admin = admin.site._registry[MentoringPolicy]
    form_class = policy_admin.get_form(request)
    assert [value for value, _ in form_class.base_fields["channel"].choices if value] == ["video", "phone", "in_person"]
    data = {"program": Program.objects.default().pk, "frequency": "Weekly", "goals": "g", "confidentiality": "c",
            "planned_weeks": 16, "inactivity_days": 21, "inactivity_step_days": 7, "no_meeting_weeks": 6,
            "group_max_mentees": 6}  # fmt: skip
    bad = form_class(data={**data, "channel": "zoom"})
    assert not bad.is_valid() and "channel" in bad.errors
    good = form_class(data={**data, "channel": "phone"})
    assert "channel" not in good.errors


def test_the_planned_end_is_bounded_and_slots_stop_when_the_mentorship_ends() -> None:
    mentorship = make_mentorship()
    url = f"/api/v1/mentorships/{mentorship.pk}/agreement/"
    api = client_for(mentorship.mentor)
    far = api.put(url, {"planned_end": "9999-12-31"}, format="json")
    assert far.status_code == 400 and far.json()["code"] == "bad_planned_end"
    assert (
        api.put(
            url, {"planned_end": str(datetime.date.today() + datetime.timedelta(days=300))}, format="json"
        ).status_code
        == 200
    )
    assert api.get(f"/api/v1/mentorships/{mentorship.pk}/meetings/slots/").status_code == 200
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met")
    ended = api.get(f"/api/v1/mentorships/{mentorship.pk}/meetings/slots/")
    assert ended.status_code == 409 and ended.json()["code"] == "mentorship_not_active"
    mentorship.refresh_from_db()
    assert meetings.suggested_slots(mentorship=mentorship) == []
