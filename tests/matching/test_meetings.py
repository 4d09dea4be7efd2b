"""Meetings of a live mentorship: slots across time zones and DST, the verbs, invites, reminders, the feed."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from matching.models import Meeting, Mentorship, Notification
from matching.services import calendar, meetings
from matching.services.notifications import deliver
from matching.services.requests import RuleBroken
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
# US daylight saving time starts on Sunday 8 March 2026 at 02:00 in New York; India has none.
BEFORE_DST = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


def pair(**mentorship_fields: Any) -> Mentorship:
    """A New York mentor (Tuesday evenings) and a Kolkata mentee (Wednesday early mornings)."""
    mentor = make_mentor(availability=[{"day": 1, "start": "18:00", "end": "21:00"}])
    mentor.user.timezone = "America/New_York"
    mentor.user.save()
    mentee = make_mentee(availability=[{"day": 2, "start": "04:00", "end": "07:00"}])
    mentee.user.timezone = "Asia/Kolkata"
    mentee.user.save()
    return make_mentorship(mentee=mentee, mentor=mentor, **mentorship_fields)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_slots_follow_each_persons_clock_across_the_dst_change() -> None:
    mentorship = pair()
    slots = meetings.suggested_slots(mentorship=mentorship, now=BEFORE_DST, minutes=60)
    starts = [slot.start for slot in slots]
    # Tue 3 March, EST (UTC-5): New York 18:00-21:00 is 23:00-02:00 UTC; Kolkata 04:00-07:00 Wed is
    # 22:30-01:30 UTC. Shared: 23:00-01:30 UTC, so the first hour starts at 18:00 in New York.
    first_week = [s for s in starts if s.date() == datetime.date(2026, 3, 3)]
    assert first_week[0] == datetime.datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    assert first_week[0].astimezone(NEW_YORK).hour == 18
    assert first_week[0].astimezone(KOLKATA).strftime("%a %H:%M") == "Wed 04:30"
    # Tue 10 March, EDT (UTC-4): New York's evening moved an hour earlier in UTC (22:00-01:00), so
    # the overlap is 22:30-01:00 UTC: 18:30 in New York, 04:00 in Kolkata.
    second_week = [s for s in starts if s.date() == datetime.date(2026, 3, 10)]
    assert second_week[0] == datetime.datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    assert second_week[0].astimezone(NEW_YORK).strftime("%H:%M") == "18:30"
    assert second_week[0].astimezone(KOLKATA).strftime("%a %H:%M") == "Wed 04:00"
    assert all(slot.end - slot.start == datetime.timedelta(hours=1) for slot in slots)


def test_slots_skip_times_already_taken_by_a_meeting(time_machine: Any = None) -> None:
    mentorship = pair()
    taken = datetime.datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee, start=taken, duration_minutes=60,
                             now=BEFORE_DST)  # fmt: skip
    starts = [s.start for s in meetings.suggested_slots(mentorship=mentorship, now=BEFORE_DST)]
    assert taken not in starts
    assert datetime.datetime(2026, 3, 4, 0, 0, tzinfo=UTC) in starts  # the hour after it is still free


def test_slots_api_lists_start_and_end() -> None:
    mentorship = pair()
    answer = client_for(mentorship.mentee).get(f"/api/v1/mentorships/{mentorship.pk}/meetings/slots/")
    assert answer.status_code == 200
    assert answer.json() and set(answer.json()[0]) == {"start", "end"}


def propose_in_api(mentorship: Mentorship, start: datetime.datetime, by: Any = None) -> Any:
    return client_for(by or mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/meetings/",
        {"start": start.isoformat(), "duration_minutes": 45, "mode": "video",
         "location": "https://meet.example.org/abc", "agenda": "Research plans"},
        format="json",
    )  # fmt: skip


def test_proposing_gives_201_proposed_and_an_invite_in_each_persons_zone() -> None:
    mentorship = pair()
    start = datetime.datetime.now(UTC).replace(microsecond=0) + datetime.timedelta(days=3)
    answer = propose_in_api(mentorship, start.astimezone(KOLKATA))
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "proposed" and body["sequence"] == 0
    assert datetime.datetime.fromisoformat(body["start"]) == start
    sent = Notification.objects.filter(kind=Notification.Kind.MEETING_PROPOSED)
    assert {n.recipient_id for n in sent} == {mentorship.mentee_id, mentorship.mentor_id}
    mentor_invite = sent.get(recipient=mentorship.mentor)
    event = Calendar.from_ical(mentor_invite.calendar).walk("VEVENT")[0]
    assert Calendar.from_ical(mentor_invite.calendar)["METHOD"] == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    mentee_event = Calendar.from_ical(sent.get(recipient=mentorship.mentee).calendar).walk("VEVENT")[0]
    assert mentee_event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert str(mentee_event["UID"]) == str(event["UID"])
    # The e-mail carries it as invite.ics, and names the time in the reader's own zone.
    assert deliver(mentor_invite.pk)
    message = mail.outbox[-1]
    assert message.attachments[0][0] == "invite.ics"
    assert message.attachments[0][2].startswith("text/calendar; method=REQUEST")
    assert start.astimezone(NEW_YORK).strftime("%H:%M") in message.subject
    assert "(America/New_York)" in message.body


def test_a_start_without_an_offset_is_a_400() -> None:
    mentorship = pair()
    answer = client_for(mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/meetings/", {"start": "2030-01-01T10:00:00"}, format="json"
    )
    assert answer.status_code == 400 and "start" in answer.json()


def test_a_start_in_the_past_is_a_400() -> None:
    mentorship = pair()
    answer = propose_in_api(mentorship, datetime.datetime(2020, 1, 1, tzinfo=UTC))
    assert answer.status_code == 400 and answer.json()["code"] == "start_in_past"


def test_accept_reschedule_cancel_keep_the_uid_and_raise_the_sequence() -> None:
    mentorship = pair()
    start = datetime.datetime.now(UTC) + datetime.timedelta(days=2)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee, start=start)
    with pytest.raises(RuleBroken) as own:
        meetings.accept_meeting(meeting=meeting, by=mentorship.mentee)
    assert own.value.code == "own_proposal"
    mentor = client_for(mentorship.mentor)
    accepted = mentor.post(f"/api/v1/meetings/{meeting.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    later = (start + datetime.timedelta(days=1)).isoformat()
    moved = mentor.post(f"/api/v1/meetings/{meeting.pk}/reschedule/", {"start": later}, format="json")
    assert moved.json()["status"] == "proposed" and moved.json()["proposed_by"] == mentorship.mentor_id
    ics = client_for(mentorship.mentee).get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 2 and str(event["UID"]) == moved.json()["uid"]
    cancelled = client_for(mentorship.mentee).post(f"/api/v1/meetings/{meeting.pk}/cancel/", {}, format="json")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 3
    cancel = Notification.objects.filter(kind=Notification.Kind.MEETING_CANCELLED, recipient=mentorship.mentor).get()
    calendar_sent = Calendar.from_ical(cancel.calendar)
    assert calendar_sent["METHOD"] == "CANCEL" and calendar_sent.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert client_for(mentorship.mentor).post(f"/api/v1/meetings/{meeting.pk}/accept/").status_code == 409


def test_declining_sends_a_cancellation() -> None:
    mentorship = pair()
    meeting = meetings.propose_meeting(
        mentorship=mentorship, by=mentorship.mentor, start=datetime.datetime.now(UTC) + datetime.timedelta(days=1)
    )
    answer = client_for(mentorship.mentee).post(
        f"/api/v1/meetings/{meeting.pk}/decline/", {"note": "Exams"}, format="json"
    )
    assert answer.json()["status"] == "declined"
    note = Notification.objects.get(kind=Notification.Kind.MEETING_DECLINED, recipient=mentorship.mentor)
    assert "METHOD:CANCEL" in note.calendar and "Exams" in note.body_text


def test_logging_we_met_counts_a_meeting_held_with_private_notes() -> None:
    mentorship = pair()
    now = datetime.datetime.now(UTC)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=now + datetime.timedelta(hours=1))  # fmt: skip
    meetings.accept_meeting(meeting=meeting, by=mentorship.mentor)
    too_early = client_for(mentorship.mentee).post(f"/api/v1/meetings/{meeting.pk}/log/", {"held": True}, format="json")
    assert too_early.status_code == 409 and too_early.json()["code"] == "not_yet"
    later = now + datetime.timedelta(hours=2)
    meetings.log_meeting(meeting=meeting, by=mentorship.mentee, held=True, notes="Talked about ERAS", now=later)
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert Meeting.objects.filter(mentorship=mentorship).held().count() == 1
    mine = client_for(mentorship.mentee).get(f"/api/v1/meetings/{meeting.pk}/").json()
    theirs = client_for(mentorship.mentor).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert mine["my_log"]["notes"] == "Talked about ERAS"
    assert theirs["my_log"] is None and "Talked about ERAS" not in str(theirs)
    assert theirs["held_by"] == [mentorship.mentee_id]


def test_reminder_a_day_ahead_goes_out_once() -> None:
    mentorship = pair()
    now = datetime.datetime.now(UTC)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=now + datetime.timedelta(hours=30))  # fmt: skip
    meetings.accept_meeting(meeting=meeting, by=mentorship.mentor)
    assert meetings.remind_meetings(now=now) == 0  # more than a day ahead
    assert meetings.remind_meetings(now=now + datetime.timedelta(hours=7)) == 1
    assert meetings.remind_meetings(now=now + datetime.timedelta(hours=8)) == 0
    assert Notification.objects.filter(kind=Notification.Kind.MEETING_REMINDER).count() == 2


def test_calendar_feed_url_lists_my_meetings_and_is_revocable(client: Any) -> None:
    mentorship = pair()
    meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                             start=datetime.datetime.now(UTC) + datetime.timedelta(days=2))  # fmt: skip
    api = client_for(mentorship.mentor)
    url = api.get("/api/v1/me/calendar/").json()["url"]
    assert api.get("/api/v1/me/calendar/").json()["url"] == url  # stable until revoked
    path = url.removeprefix("http://127.0.0.1:8000").split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if not path.startswith("/") else path
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 1 and "METHOD" not in Calendar.from_ical(feed.content)
    new_url = api.delete("/api/v1/me/calendar/").json()["url"]
    assert new_url != url
    assert client.get(path).status_code == 404


def test_the_feed_of_someone_else_never_shows_my_meetings() -> None:
    mentorship = pair()
    meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                             start=datetime.datetime.now(UTC) + datetime.timedelta(days=2))  # fmt: skip
    stranger = make_mentor().user
    assert Calendar.from_ical(calendar.feed(stranger)).walk("VEVENT") == []


def test_non_participants_get_404_on_every_meeting_endpoint() -> None:
    mentorship = pair()
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                                       start=datetime.datetime.now(UTC) + datetime.timedelta(days=2))  # fmt: skip
    later = {"start": (datetime.datetime.now(UTC) + datetime.timedelta(days=3)).isoformat()}
    for outsider in (make_mentee().user, make_mentor().user, make_coordinator()):
        api = client_for(outsider)
        calls = [
            api.get(f"/api/v1/mentorships/{mentorship.pk}/meetings/"),
            api.post(f"/api/v1/mentorships/{mentorship.pk}/meetings/", later, format="json"),
            api.get(f"/api/v1/mentorships/{mentorship.pk}/meetings/slots/"),
            api.get(f"/api/v1/meetings/{meeting.pk}/"),
            api.get(f"/api/v1/meetings/{meeting.pk}/ics/"),
            *(
                api.post(f"/api/v1/meetings/{meeting.pk}/{verb}/", {}, format="json")
                for verb in ("accept", "decline", "cancel", "log")
            ),
            api.post(f"/api/v1/meetings/{meeting.pk}/reschedule/", later, format="json"),
        ]
        assert [call.status_code for call in calls] == [404] * len(calls)
    meeting.refresh_from_db()
    assert meeting.status == "proposed" and meeting.sequence == 0


def test_the_organizer_stays_the_first_proposer_for_the_life_of_the_uid() -> None:
    mentorship = pair()
    start = datetime.datetime.now(UTC) + datetime.timedelta(days=2)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee, start=start)
    moved = meetings.reschedule_meeting(meeting=meeting, by=mentorship.mentor, start=start + datetime.timedelta(days=1))
    meetings.cancel_meeting(meeting=moved, by=mentorship.mentor)
    invites = Notification.objects.exclude(calendar="").filter(calendar__contains=meeting.uid)
    assert invites.count() == 6  # proposed, changed, cancelled; each to both
    for note in invites:
        event = Calendar.from_ical(note.calendar).walk("VEVENT")[0]
        assert str(event["ORGANIZER"]) == f"mailto:{mentorship.mentee.email}"
        attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
        assert [str(a) for a in attendees] == [f"mailto:{mentorship.mentor.email}"]
    feed = Calendar.from_ical(calendar.invite(moved, mentorship.mentor)).walk("VEVENT")[0]
    assert str(feed["ORGANIZER"]) == f"mailto:{mentorship.mentee.email}"


def test_a_started_meeting_can_be_neither_rescheduled_nor_cancelled() -> None:
    mentorship = pair()
    real_now = datetime.datetime.now(UTC)
    started = real_now - datetime.timedelta(minutes=10)
    meeting = meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee, start=started,
                                       now=real_now - datetime.timedelta(hours=1))  # fmt: skip
    meetings.accept_meeting(meeting=meeting, by=mentorship.mentor)
    later = (real_now + datetime.timedelta(days=1)).isoformat()
    for person in (mentorship.mentee, mentorship.mentor):
        api = client_for(person)
        moved = api.post(f"/api/v1/meetings/{meeting.pk}/reschedule/", {"start": later}, format="json")
        assert moved.status_code == 409 and moved.json()["code"] == "meeting_started"
        cancelled = api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {}, format="json")
        assert cancelled.status_code == 409 and cancelled.json()["code"] == "meeting_started"
        page = Client()
        page.force_login(person)
        answered = page.post(reverse("matching:answer_meeting", args=[meeting.pk, "cancel"]), {"note": "x"})
        assert answered.status_code == 302
        form = {"start": later, "duration_minutes": 30, "mode": "video"}
        assert page.post(reverse("matching:reschedule_meeting", args=[meeting.pk]), form).status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED and meeting.start == started and meeting.sequence == 1
    assert not Notification.objects.filter(kind=Notification.Kind.MEETING_CANCELLED).exists()


def test_the_schema_documents_slots_as_the_plain_list_they_are() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/mentorships/{mentorship_pk}/meetings/slots/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["items"]["$ref"].endswith("/MeetingSlot")
    assert not {p["name"] for p in operation.get("parameters", [])} & {"page", "page_size", "limit", "offset"}
    mentorship = pair()
    answer = client_for(mentorship.mentee).get(f"/api/v1/mentorships/{mentorship.pk}/meetings/slots/")
    assert answer.status_code == 200 and isinstance(answer.json(), list)
