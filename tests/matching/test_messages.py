"""Conversations: participants only, the hourly digest with its opt-out, reports, audited coordinator reads, blocks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from matching.models import EmailOptOut, Meeting, Mentorship, MentorshipRequest, Notification
from matching.services import meetings, messages
from matching.services.requests import RuleBroken
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEW = Notification.Kind.NEW_MESSAGES


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def emails_to(user: Any) -> int:
    return Notification.objects.filter(kind=NEW, recipient=user, email_status="pending").count()


def test_messages_through_the_api_stay_between_the_two() -> None:
    mentorship = make_mentorship()
    mentee = client_for(mentorship.mentee)
    sent = mentee.post(f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": "Hello!"}, format="json")
    assert sent.status_code == 201 and sent.json()["body"] == "Hello!"
    listed = client_for(mentorship.mentor).get(f"/api/v1/mentorships/{mentorship.pk}/messages/").json()
    assert [m["body"] for m in listed["results"]] == ["Hello!"]
    empty = mentee.post(f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": "   "}, format="json")
    assert empty.status_code == 400


def test_new_messages_email_at_most_once_an_hour_per_conversation() -> None:
    mentorship = make_mentorship()
    conversation = messages.conversation_of(mentorship)
    t0 = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    messages.post_message(conversation=conversation, by=mentorship.mentee, body="First", now=t0)
    assert emails_to(mentorship.mentor) == 1  # the first one at once
    for minutes in (5, 20, 40):
        messages.post_message(conversation=conversation, by=mentorship.mentee, body=f"After {minutes} min",
                              now=t0 + datetime.timedelta(minutes=minutes))  # fmt: skip
    assert emails_to(mentorship.mentor) == 1
    assert messages.send_message_digests(now=t0 + datetime.timedelta(minutes=50)) == 0  # the hour is not up
    assert messages.send_message_digests(now=t0 + datetime.timedelta(minutes=61)) == 1
    digest = Notification.objects.filter(kind=NEW, recipient=mentorship.mentor).order_by("-pk").first()
    assert digest is not None
    assert "3 new messages" in digest.subject and "After 40 min" in digest.body_text and "First" not in digest.body_text
    assert messages.send_message_digests(now=t0 + datetime.timedelta(minutes=200)) == 0  # nothing new
    assert emails_to(mentorship.mentee) == 0  # nobody is told about their own messages


def test_reading_the_conversation_means_no_digest() -> None:
    mentorship = make_mentorship()
    conversation = messages.conversation_of(mentorship)
    t0 = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    messages.post_message(conversation=conversation, by=mentorship.mentee, body="One", now=t0)
    messages.post_message(conversation=conversation, by=mentorship.mentee, body="Two",
                          now=t0 + datetime.timedelta(minutes=10))  # fmt: skip
    messages.read_conversation(conversation=conversation, by=mentorship.mentor, now=t0 + datetime.timedelta(minutes=15))
    assert messages.send_message_digests(now=t0 + datetime.timedelta(hours=2)) == 0


def test_an_opt_out_of_message_emails_keeps_them_in_the_app() -> None:
    mentorship = make_mentorship()
    EmailOptOut.objects.create(user=mentorship.mentor, kind=NEW)
    messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentee, body="Hi")
    note = Notification.objects.get(kind=NEW, recipient=mentorship.mentor)
    assert note.email_status == "skipped"


def test_a_pending_request_has_its_own_conversation() -> None:
    request = make_request()
    mentor = client_for(request.mentor)
    asked = mentor.post(f"/api/v1/requests/{request.pk}/messages/", {"body": "Which year are you in?"}, format="json")
    assert asked.status_code == 201
    answer = client_for(request.mentee).post(f"/api/v1/requests/{request.pk}/messages/", {"body": "MS2"}, format="json")
    assert answer.status_code == 201
    assert client_for(make_mentee().user).get(f"/api/v1/requests/{request.pk}/messages/").status_code == 404
    request.status = MentorshipRequest.Status.DECLINED
    request.save()
    closed = mentor.post(f"/api/v1/requests/{request.pk}/messages/", {"body": "Sorry"}, format="json")
    assert closed.status_code == 409 and closed.json()["code"] == "conversation_closed"


def test_coordinators_read_a_conversation_only_once_reported_and_each_read_is_audited() -> None:
    mentorship = make_mentorship()
    coordinator = make_coordinator()
    conversation = messages.conversation_of(mentorship)
    rude = messages.post_message(conversation=conversation, by=mentorship.mentor, body="Something rude")
    url = f"/api/v1/mentorships/{mentorship.pk}/messages/"
    assert client_for(coordinator).get(url).status_code == 404
    assert not AuditEvent.objects.filter(target=f"conversation #{conversation.pk}").exists()
    reported = client_for(mentorship.mentee).post(
        f"/api/v1/messages/{rude.pk}/report/", {"reason": "Rude"}, format="json"
    )
    assert reported.status_code == 201
    alert = Notification.objects.get(kind=Notification.Kind.REPORTED, recipient=coordinator)
    assert alert.link == f"/admin/coordinator/reports/{reported.json()['id']}/"
    for _ in range(2):
        read = client_for(coordinator).get(url)
        assert read.status_code == 200 and read.json()["results"][0]["body"] == "Something rude"
    audits = AuditEvent.objects.filter(target=f"conversation #{conversation.pk}", actor=coordinator)
    assert audits.count() == 2 and audits.first().action == AuditEvent.Action.VIEWED_SENSITIVE  # type: ignore[union-attr]
    # Participants' own reads are not audited, and a coordinator may not write in it.
    client_for(mentorship.mentee).get(url)
    assert audits.count() == 2
    assert client_for(coordinator).post(url, {"body": "Hi"}, format="json").status_code == 404


def test_the_coordinators_report_page_is_audited(client: Any) -> None:
    mentorship = make_mentorship()
    coordinator = make_coordinator()
    conversation = messages.conversation_of(mentorship)
    rude = messages.post_message(conversation=conversation, by=mentorship.mentor, body="Something rude")
    report = messages.report(conversation=conversation, by=mentorship.mentee, message=rude, reason="Rude")
    client.force_login(coordinator)
    page = client.get(f"/admin/coordinator/reports/{report.pk}/")
    assert page.status_code == 200 and b"Something rude" in page.content
    assert AuditEvent.objects.filter(actor=coordinator, target=f"conversation #{conversation.pk}").count() == 1
    client.force_login(mentorship.mentee)
    assert client.get(f"/admin/coordinator/reports/{report.pk}/").status_code == 302  # the admin's login


def test_one_cannot_report_ones_own_message_or_a_stranger_another() -> None:
    mentorship = make_mentorship()
    mine = messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentee, body="Hi")
    own = client_for(mentorship.mentee).post(f"/api/v1/messages/{mine.pk}/report/", {"reason": "x"}, format="json")
    assert own.status_code == 400
    stranger = client_for(make_mentee().user)
    assert stranger.post(f"/api/v1/messages/{mine.pk}/report/", {"reason": "x"}, format="json").status_code == 404


def test_reporting_the_person_alerts_coordinators() -> None:
    mentorship = make_mentorship()
    coordinator = make_coordinator()
    answer = client_for(mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/report/", {"reason": "Asked for my home address"}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["reported_user"] == mentorship.mentor_id
    assert Notification.objects.filter(kind=Notification.Kind.REPORTED, recipient=coordinator).exists()


def test_blocking_ends_contact_and_the_mentorship_with_a_reason() -> None:
    mentorship = make_mentorship()
    make_coordinator()
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentor,
                                       start=datetime.datetime.now(UTC) + datetime.timedelta(days=1))  # fmt: skip
    answer = client_for(mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/block/", {"reason": "Harassment"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["mentorship_status"] == "ended"
    mentorship.refresh_from_db()
    assert mentorship.end_reason == Mentorship.EndReason.BLOCKED and mentorship.status == "ended"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    with pytest.raises(RuleBroken):
        messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentor, body="Hey")
    # A new request between them is refused while blocked? Contact is over: no new conversation either.
    assert Notification.objects.filter(kind=Notification.Kind.REPORTED).exists()


def test_non_participants_get_404_on_every_message_endpoint() -> None:
    mentorship = make_mentorship()
    request = make_request()
    message = messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentee, body="x")
    for outsider in (make_mentee().user, make_mentor().user, make_coordinator()):
        api = client_for(outsider)
        calls = [
            api.post(f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": "x"}, format="json"),
            api.get(f"/api/v1/requests/{request.pk}/messages/"),
            api.post(f"/api/v1/requests/{request.pk}/messages/", {"body": "x"}, format="json"),
            api.get(f"/api/v1/messages/{message.pk}/"),
            api.post(f"/api/v1/messages/{message.pk}/report/", {"reason": "x"}, format="json"),
            api.post(f"/api/v1/mentorships/{mentorship.pk}/report/", {"reason": "x"}, format="json"),
            api.post(f"/api/v1/mentorships/{mentorship.pk}/block/", {"reason": "x"}, format="json"),
        ]
        # For a coordinator too: this conversation has no report.
        calls.append(api.get(f"/api/v1/mentorships/{mentorship.pk}/messages/"))
        assert [call.status_code for call in calls] == [404] * len(calls)


@pytest.mark.parametrize("blocker", ["mentee", "mentor"])
def test_after_a_block_neither_a_new_request_nor_a_new_mentorship_between_them(blocker: str) -> None:
    from matching.services.requests import start_mentorship

    mentorship = make_mentorship()
    mentee, mentor = mentorship.mentee, mentorship.mentor
    by, other = (mentee, mentor) if blocker == "mentee" else (mentor, mentee)
    messages.block(by=by, other=other, reason="No")
    answer = client_for(mentee).post(
        "/api/v1/requests/", {"mentor": mentor.pk, "kind": "short_term", "message": "Again?"}, format="json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "blocked"
    assert not MentorshipRequest.objects.open().filter(mentee=mentee, mentor=mentor).exists()
    # The backstop: a request made before the block cannot be turned into a mentorship.
    old = MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor).first()
    assert old is not None
    MentorshipRequest.objects.filter(pk=old.pk).update(status="accepted")
    old.refresh_from_db()
    with pytest.raises(RuleBroken) as broken:
        start_mentorship(request=old, by=make_coordinator())
    assert broken.value.code == "blocked"
    assert not Mentorship.objects.active().filter(mentee=mentee, mentor=mentor).exists()


def test_blocking_sends_a_cancellation_invite_for_each_live_meeting() -> None:
    mentorship = make_mentorship()
    soon = datetime.datetime.now(UTC) + datetime.timedelta(days=1)
    first = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentor, start=soon)
    second = meetings.propose_meeting(
        mentorship=mentorship, by=mentorship.mentee, start=soon + datetime.timedelta(days=1)
    )
    meetings.accept_meeting(meeting=second, by=mentorship.mentor)
    messages.block(by=mentorship.mentee, other=mentorship.mentor, reason="No")
    for meeting in (first, second):
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.CANCELLED
        for person in (mentorship.mentee, mentorship.mentor):
            cancel = Notification.objects.get(
                kind=Notification.Kind.MEETING_CANCELLED, recipient=person, calendar__contains=meeting.uid
            )
            assert "METHOD:CANCEL" in cancel.calendar and f"SEQUENCE:{meeting.sequence}" in cancel.calendar


def test_the_report_page_names_the_coordinators_own_zone(client: Any) -> None:
    from zoneinfo import ZoneInfo

    mentorship = make_mentorship()
    coordinator = make_coordinator()
    coordinator.timezone = "Asia/Kolkata"
    coordinator.save()
    conversation = messages.conversation_of(mentorship)
    rude = messages.post_message(conversation=conversation, by=mentorship.mentor, body="Something rude")
    report = messages.report(conversation=conversation, by=mentorship.mentee, message=rude, reason="Rude")
    client.force_login(coordinator)
    text = client.get(f"/admin/coordinator/reports/{report.pk}/").content.decode()
    local = report.created_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert f"{local:%H:%M} IST (Asia/Kolkata)" in text and f"{local:%H:%M} IST" in text.split("Something rude")[0]
    assert " UTC" not in text


def test_an_unknown_safety_action_is_a_404_and_files_nothing(client: Any) -> None:
    from matching.models import Report

    mentorship = make_mentorship()
    make_coordinator()
    client.force_login(mentorship.mentee)
    for verb in ("reprot", "delete", "x"):
        assert client.post(f"/mentorships/{mentorship.pk}/safety/{verb}/", {"reason": "x"}).status_code == 404
    assert not Report.objects.exists() and not Notification.objects.filter(kind=Notification.Kind.REPORTED).exists()
    assert client.post(f"/mentorships/{mentorship.pk}/safety/report/", {"reason": "x"}).status_code == 302
    assert Report.objects.count() == 1


def test_a_message_is_reported_once_per_reporter_while_the_report_is_open() -> None:
    from matching.models import Report

    mentorship = make_mentorship()
    coordinator = make_coordinator()
    message = messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentor, body="x")
    api = client_for(mentorship.mentee)
    first = api.post(f"/api/v1/messages/{message.pk}/report/", {"reason": "Rude"}, format="json")
    assert first.status_code == 201
    again = api.post(f"/api/v1/messages/{message.pk}/report/", {"reason": "Still rude"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_reported"
    assert Report.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.REPORTED, recipient=coordinator).count() == 1
