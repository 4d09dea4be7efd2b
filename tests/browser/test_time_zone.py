"""A person in Los Angeles: the sign-up page detects the zone, and every time they see is Pacific time."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import User
from matching.models import CheckIn, Mentorship, MentorshipRequest, Notification
from tests.browser.conftest import DESKTOP, Shot, expect
from tests.factories import PASSWORD, make_mentee, make_mentor

pytestmark = pytest.mark.browser

# 00:17 UTC on 30 November 2026 is 16:17 on 29 November in Los Angeles (PST, UTC-8).
INSTANT = datetime.datetime(2026, 11, 30, 0, 17, tzinfo=datetime.UTC)


@pytest.fixture
def pacific_page(browser: Any, site: str) -> Iterator[Any]:
    """A browser whose clock is in Los Angeles, as a person's laptop there would be."""
    context = browser.new_context(viewport=DESKTOP, base_url=site, timezone_id="America/Los_Angeles")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_sign_up_detects_the_browsers_zone_for_the_person_to_confirm(pacific_page: Any, screenshot: Shot) -> None:
    page = pacific_page
    page.goto("/accounts/signup/")
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("America/Los_Angeles")
    expect(page.get_by_text("Your browser says you are in America/Los_Angeles")).to_be_visible()
    screenshot(page, "signup-detected")
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Ortiz")
    page.get_by_label("Email").fill("lena@example.org")
    page.get_by_label("I'm looking for a mentor").check()
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase-42")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert User.objects.get(email="lena@example.org").timezone == "America/Los_Angeles"


def test_a_person_in_los_angeles_sees_every_time_in_pacific_time(pacific_page: Any, screenshot: Shot) -> None:
    mentee = make_mentee(email="pat@example.org").user
    User.objects.filter(pk=mentee.pk).update(timezone="America/Los_Angeles")
    mentor = make_mentor().user
    program_id = mentee.memberships.get().program_id
    request = MentorshipRequest.objects.create(
        program_id=program_id, mentee=mentee, mentor=mentor, message="Hello", status="matched",
        created_at=INSTANT, responded_at=INSTANT, decided_at=INSTANT, expires_at=INSTANT + datetime.timedelta(days=14),
    )  # fmt: skip
    mentorship = Mentorship.objects.create(
        program_id=program_id, mentee=mentee, mentor=mentor, request=request, started_at=INSTANT
    )
    CheckIn.objects.create(mentorship=mentorship, period=1, due_on=datetime.date(2026, 12, 14))
    Notification.objects.create(
        recipient=mentee, kind=Notification.Kind.MATCH_LIVE, subject="Your match is live", body_text=".",
        body_html=".", created_at=INSTANT, email_status=Notification.EmailStatus.SENT,
        link=f"/mentorships/{mentorship.pk}/",
    )  # fmt: skip

    page = pacific_page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()

    for path in ("/notifications/", "/requests/", f"/mentorships/{mentorship.pk}/", "/mentorships/", "/dashboard/"):
        page.goto(path)
        footer = page.locator(".time-zone-note")
        expect(footer).to_have_text(re.compile(r"Times are shown in America/Los_Angeles \(PST\)"))
        text = page.locator("main").inner_text()
        assert "30 November 2026" not in text, f"{path} shows the UTC date"
        assert "00:17" not in text, f"{path} shows the UTC time"
    page.goto("/notifications/")
    expect(page.get_by_text("29 November 2026, 16:17 PST")).to_be_visible()
    screenshot(page, "notifications-in-pacific-time")
    page.goto(f"/mentorships/{mentorship.pk}/")
    expect(page.get_by_text(re.compile("since 29 November 2026"))).to_be_visible()
    screenshot(page, "mentorship-in-pacific-time")
