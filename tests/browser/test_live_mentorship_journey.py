"""Issue 16's acceptance in a real browser: the live mentorship across two time zones.

The mentee (Kolkata) proposes a meeting from a suggested slot; the mentor (New York)
accepts; both get an e-mail whose invite.ics parses as a VEVENT at the right UTC
instant; the mentor moves it (SEQUENCE rises); after the meeting the mentee logs "we
met"; they exchange messages; the mentee reports one; the coordinator sees the alert
and reads the reported conversation. Every page is photographed at desktop and phone
width into test-artifacts/screenshots/live-mentorship/.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from icalendar import Calendar

from accounts.models import AuditEvent
from matching.models import Meeting, Mentorship, Notification
from matching.services.notifications import deliver
from tests.browser.conftest import Shot, expect, screenshot_taker
from tests.browser.test_admin_accessibility import describe, violations
from tests.factories import PASSWORD, make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shot() -> Shot:
    """Photograph every page at desktop and phone width, and check it with axe-core first."""
    take = screenshot_taker("live-mentorship")

    def checked(page: Any, name: str) -> None:
        found = violations(page)
        assert not found, f"{name}:\n{describe(found)}"
        take(page, name)

    return checked


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def people() -> Mentorship:
    mentor = make_mentor(
        email="sam.rivera@example.org",
        specialty="orthopaedic-surgery",
        availability=[{"day": day, "start": "18:00", "end": "22:00"} for day in range(7)],
    )
    mentee = make_mentee(
        email="priya.nair@example.org",
        availability=[{"day": day, "start": "04:00", "end": "08:00"} for day in range(7)],
        meeting_modes=["video"],
    )
    for profile, (first, last, zone) in (
        (mentor, ("Sam", "Rivera", "America/New_York")),
        (mentee, ("Priya", "Nair", "Asia/Kolkata")),
    ):
        profile.user.first_name, profile.user.last_name, profile.user.timezone = first, last, zone
        profile.user.save()
    make_coordinator(email="cora@example.org")
    return make_mentorship(mentee=mentee, mentor=mentor)


def send_outbox() -> list[Any]:
    """Deliver what the outbox holds (tests keep the broker out), as the worker would."""
    before = len(mail.outbox)
    for pk in Notification.objects.email_pending().values_list("pk", flat=True):
        deliver(pk)
    return mail.outbox[before:]


def invite_in(message: Any) -> Any:
    (_name, content, mimetype) = next(a for a in message.attachments if a[0] == "invite.ics")
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_live_mentorship_journey(new_page: Callable[[], Any], shot: Shot) -> None:
    mentorship = people()
    send_outbox()  # the introductions

    # --- The mentee plans a meeting from a suggested slot, shown in both time zones.
    mentee = new_page()
    log_in(mentee, "priya.nair@example.org")
    mentee.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentee.get_by_role("heading", name="Meetings")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Mentoring agreement")).to_be_visible()
    mentee.get_by_role("button", name="Confirm the agreement").click()
    expect(mentee.get_by_text("You confirmed the agreement.")).to_be_visible()
    shot(mentee, "mentorship-page")
    mentee.get_by_role("link", name="Plan a meeting").click()
    expect(mentee.get_by_role("heading", level=1, name="Plan a meeting")).to_be_visible()
    first_slot = mentee.locator(".slot-choices input[type=radio]").first
    chosen = datetime.datetime.fromisoformat(first_slot.get_attribute("value"))
    label = mentee.locator(f"label[for='{first_slot.get_attribute('id')}']")
    expect(label).to_contain_text("IST")
    expect(label).to_contain_text(re.compile("Sam Rivera: .* E[SD]T"))
    first_slot.check()
    mentee.get_by_label("Link or place").fill("https://meet.example.org/priya-sam")
    mentee.get_by_label("Agenda").fill("Research years before residency")
    shot(mentee, "plan-meeting")
    mentee.get_by_role("button", name="Propose the meeting").click()
    expect(mentee.get_by_text("Meeting proposed.")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.start == chosen
    shot(mentee, "meeting-proposed")

    # --- The mentor accepts; both get an e-mail with an invite at the right instant.
    mentor = new_page()
    log_in(mentor, "sam.rivera@example.org")
    mentor.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentor.locator(".meeting")).to_contain_text("Proposed: please answer")
    mentor.locator(".meeting a").first.click()
    expect(mentor.get_by_role("heading", level=1, name=re.compile("^Meeting on"))).to_be_visible()
    expect(mentor.locator(".facts")).to_contain_text("(America/New_York)")
    expect(mentor.locator(".facts")).to_contain_text("(Asia/Kolkata)")
    shot(mentor, "meeting-to-answer")
    send_outbox()
    mentor.get_by_role("button", name="Accept", exact=True).click()
    expect(mentor.get_by_text("Meeting accepted.")).to_be_visible()
    shot(mentor, "meeting-accepted")
    accepted = [m for m in send_outbox() if m.subject.startswith("Meeting confirmed")]
    assert sorted(m.to[0] for m in accepted) == ["priya.nair@example.org", "sam.rivera@example.org"]
    sequences = {}
    for message in accepted:
        calendar, event = invite_in(message)
        assert calendar["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART").astimezone(datetime.UTC) == chosen
        assert event["DTSTART"].params["TZID"] in ("America/New_York", "Asia/Kolkata")
        sequences[message.to[0]] = int(event["SEQUENCE"])
        uid = str(event["UID"])

    # --- The mentor moves it to the next suggested time: same UID, higher SEQUENCE.
    mentor.get_by_role("link", name="Propose another time").click()
    expect(mentor.get_by_role("heading", level=1, name="Move the meeting")).to_be_visible()
    new_slot = mentor.locator(".slot-choices input[type=radio]").first
    new_start = datetime.datetime.fromisoformat(new_slot.get_attribute("value"))
    assert new_start != chosen
    new_slot.check()
    shot(mentor, "reschedule")
    mentor.get_by_role("button", name="Propose the new time").click()
    expect(mentor.get_by_text("New time proposed.")).to_be_visible()
    moved = [m for m in send_outbox() if m.subject.startswith("Meeting moved")]
    assert len(moved) == 2
    for message in moved:
        _, event = invite_in(message)
        assert str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) > sequences[message.to[0]]
        assert event.decoded("DTSTART").astimezone(datetime.UTC) == new_start
    mentee.goto(f"/meetings/{meeting.pk}/")
    mentee.get_by_role("button", name="Accept", exact=True).click()
    expect(mentee.get_by_text("Meeting accepted.")).to_be_visible()

    # --- The meeting's time comes (the clock moves on); the mentee logs "we met".
    Meeting.objects.filter(pk=meeting.pk).update(
        start=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)
    )
    mentee.goto(f"/meetings/{meeting.pk}/")
    expect(mentee.get_by_role("heading", name="Did it happen?")).to_be_visible()
    mentee.get_by_label("We met").check()
    mentee.get_by_label("Private notes").fill("Sam suggested a research year at HSS.")
    shot(mentee, "log-meeting")
    mentee.get_by_role("button", name="Save").click()
    expect(mentee.get_by_text("Thank you: logged.")).to_be_visible()
    mentee.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentee.locator(".meeting-count")).to_contain_text("1 meeting held")

    # --- They exchange messages.
    mentee.get_by_role("link", name="Messages").click()
    mentee.get_by_role("textbox", name="Message").fill("Thank you for today! I'll send my CV on Friday.")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.locator(".chat-message")).to_have_count(1)
    mentor.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentor.get_by_role("link", name=re.compile("^Messages"))).to_contain_text("1")
    mentor.get_by_role("link", name=re.compile("^Messages")).click()
    expect(mentor.locator(".chat-message")).to_contain_text("I'll send my CV on Friday")
    mentor.get_by_role("textbox", name="Message").fill("Also, send me a photo of yourself, privately.")
    mentor.get_by_role("button", name="Send").click()
    expect(mentor.locator(".chat-message")).to_have_count(2)
    shot(mentor, "messages-mentor")
    assert any(m.subject.startswith("1 new message") for m in send_outbox())

    # --- The mentee reports the mentor's message.
    mentee.reload()
    reported = mentee.locator(".chat-message", has_text="photo of yourself")
    reported.locator("summary").click()
    reported.get_by_label("What is wrong with it?").fill("Inappropriate request for a photo.")
    shot(mentee, "report-message")
    reported.get_by_role("button", name="Report to a coordinator").click()
    expect(mentee.get_by_text("A coordinator has been alerted")).to_be_visible()

    # --- The coordinator sees the alert and reads the reported conversation (audited).
    coordinator = new_page()
    log_in(coordinator, "cora@example.org")
    coordinator.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(coordinator.get_by_role("heading", name="Reported in a mentorship: please look")).to_be_visible()
    shot(coordinator, "coordinator-alert")
    coordinator.get_by_role("button", name=re.compile("^Open .Reported in a mentorship")).click()
    expect(coordinator.locator(".reported-message")).to_contain_text("photo of yourself")
    expect(coordinator.get_by_text("Inappropriate request for a photo.")).to_be_visible()
    shot(coordinator, "coordinator-report")
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEWED_SENSITIVE, target__startswith="conversation #"
        ).count()
        == 1
    )
    assert any("Reported in a mentorship" in m.subject for m in send_outbox())
