"""The live mentorship's pages: meetings, messages, the agreement, the calendar feed; 404 for outsiders."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from matching.models import Meeting, Message, Report
from matching.services import meetings, messages
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def live_pair() -> Any:
    mentor = make_mentor(availability=[{"day": d, "start": "09:00", "end": "17:00"} for d in range(7)])
    mentor.user.timezone = "America/New_York"
    mentor.user.save()
    mentee = make_mentee(availability=[{"day": d, "start": "09:00", "end": "17:00"} for d in range(7)])
    mentee.user.timezone = "America/Chicago"
    mentee.user.save()
    return make_mentorship(mentee=mentee, mentor=mentor)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mentorship_page_shows_meetings_held_and_the_agreement() -> None:
    mentorship = live_pair()
    page = signed_in(mentorship.mentee).get(f"/mentorships/{mentorship.pk}/")
    assert page.status_code == 200
    assert b"0</strong> meetings held" in page.content
    assert b"Mentoring agreement" in page.content and b"Confirm the agreement" in page.content


def test_planning_from_a_suggested_slot_shows_both_zones_and_proposes() -> None:
    mentorship = live_pair()
    client = signed_in(mentorship.mentee)
    page = client.get(f"/mentorships/{mentorship.pk}/meetings/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "CST" in text or "CDT" in text
    assert "EST" in text or "EDT" in text
    slot = meetings.suggested_slots(mentorship=mentorship)[0]
    answer = client.post(
        f"/mentorships/{mentorship.pk}/meetings/new/",
        {"slot": slot.start.isoformat(), "duration_minutes": 60, "mode": "video", "location": "", "agenda": ""},
    )
    meeting = Meeting.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.start == slot.start and meeting.status == "proposed"


def test_another_time_is_read_in_the_viewers_zone() -> None:
    mentorship = live_pair()
    day = (datetime.datetime.now(UTC) + datetime.timedelta(days=5)).date()
    answer = signed_in(mentorship.mentee).post(
        f"/mentorships/{mentorship.pk}/meetings/new/",
        {"slot": "other", "start_local": f"{day}T10:00", "duration_minutes": 30, "mode": "phone"},
    )
    assert answer.status_code == 302
    assert Meeting.objects.get().start.astimezone(ZoneInfo("America/Chicago")).hour == 10


def test_the_other_side_accepts_on_the_meeting_page_and_logs_it_later() -> None:
    mentorship = live_pair()
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=datetime.datetime.now(UTC) + datetime.timedelta(days=1))  # fmt: skip
    mentor = signed_in(mentorship.mentor)
    page = mentor.get(f"/meetings/{meeting.pk}/")
    assert b"Accept" in page.content
    mentor.post(f"/meetings/{meeting.pk}/accept/")
    meeting.refresh_from_db()
    assert meeting.status == "accepted"
    invite = mentor.get(f"/meetings/{meeting.pk}/invite.ics")
    assert invite["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in invite.content


def test_messages_page_sends_and_reports() -> None:
    mentorship = live_pair()
    coordinator = make_coordinator()
    mentor = signed_in(mentorship.mentor)
    sent = mentor.post(f"/mentorships/{mentorship.pk}/messages/", {"body": "How did the exam go?"})
    assert sent.status_code == 302
    mentee = signed_in(mentorship.mentee)
    page = mentee.get(f"/mentorships/{mentorship.pk}/messages/")
    assert b"How did the exam go?" in page.content
    message = Message.objects.get()
    reported = mentee.post(f"/messages/{message.pk}/report/", {"reason": "Too pushy", "next": "https://evil.example/"})
    assert reported["Location"] == "/mentorships/"  # never off-site
    assert Report.objects.get().message == message
    coordinator_page = signed_in(coordinator).get("/admin/coordinator/reports/")
    assert b"Too pushy" in coordinator_page.content


def test_outsiders_get_404_on_every_page() -> None:
    mentorship = live_pair()
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=datetime.datetime.now(UTC) + datetime.timedelta(days=1))  # fmt: skip
    message = messages.post_message(conversation=messages.conversation_of(mentorship), by=mentorship.mentee, body="x")
    for outsider in (make_mentee().user, make_mentor().user, make_coordinator()):
        client = signed_in(outsider)
        answers = [
            client.get(f"/mentorships/{mentorship.pk}/meetings/new/"),
            client.get(f"/meetings/{meeting.pk}/"),
            client.get(f"/meetings/{meeting.pk}/reschedule/"),
            client.get(f"/meetings/{meeting.pk}/invite.ics"),
            client.post(f"/meetings/{meeting.pk}/accept/"),
            client.post(f"/meetings/{meeting.pk}/log/", {"held": "yes"}),
            client.get(f"/mentorships/{mentorship.pk}/messages/"),
            client.post(f"/messages/{message.pk}/report/", {"reason": "x"}),
            client.post(f"/mentorships/{mentorship.pk}/safety/block/", {"reason": "x"}),
            client.post(f"/mentorships/{mentorship.pk}/agreement/confirm/"),
        ]
        assert [a.status_code for a in answers] == [404] * len(answers)
    meeting.refresh_from_db()
    assert meeting.status == "proposed"


def test_calendar_page_shows_and_renews_the_feed_address() -> None:
    mentorship = live_pair()
    client = signed_in(mentorship.mentee)
    first = client.get("/calendar/")
    assert b"/calendar/" in first.content
    client.post("/calendar/")
    assert client.get("/calendar/").content != first.content


def test_a_meeting_whose_time_has_come_is_logged_not_moved() -> None:
    mentorship = live_pair()
    now = datetime.datetime.now(UTC)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=now + datetime.timedelta(hours=1))  # fmt: skip
    meetings.accept_meeting(meeting=meeting, by=mentorship.mentor)
    client = signed_in(mentorship.mentee)
    assert b"Propose another time" in client.get(f"/meetings/{meeting.pk}/").content
    Meeting.objects.filter(pk=meeting.pk).update(start=now - datetime.timedelta(hours=2))
    page = client.get(f"/meetings/{meeting.pk}/").content
    assert b"Did it happen?" in page and b"Propose another time" not in page
    client.post(f"/meetings/{meeting.pk}/log/", {"held": "yes", "notes": "Good talk"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert b"1</strong> meeting held" in client.get(f"/mentorships/{mentorship.pk}/").content
