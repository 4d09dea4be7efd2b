"""Issue 6's acceptance in a real browser: a check-in answered through its one-click link
shows on the mentorship page, and a low rating shows the mentorship as at risk to the
coordinator. Pages are photographed at desktop and phone width into
test-artifacts/screenshots/checkin-journey/.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import Mentorship, Notification
from matching.services import notifications
from matching.services.checkins import create_due_checkins
from tests.browser.conftest import Shot, expect, screenshot_taker
from tests.factories import PASSWORD, make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shot() -> Shot:
    return screenshot_taker("checkin-journey")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test delivers in-process, as the worker would; nothing goes to a queue on disk.
    monkeypatch.setattr(notifications, "enqueue", lambda notification_id: False)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()


def deliver_emails_to(email: str, kind: str) -> list[Any]:
    """Deliver pending emails in-process, as the worker would; return those of ``kind`` to ``email``."""
    pending = Notification.objects.email_pending().filter(recipient__email=email, kind=kind)
    for pk in pending.values_list("pk", flat=True):
        notifications.deliver(pk)
    ids = {
        str(pk) for pk in Notification.objects.filter(recipient__email=email, kind=kind).values_list("pk", flat=True)
    }
    return [m for m in mail.outbox if m.extra_headers.get("X-Notification-Id") in ids]


def test_a_check_in_answered_by_link_shows_on_the_mentorship_and_a_low_rating_alerts_the_coordinator(
    new_page: Callable[[], Any], shot: Shot
) -> None:
    coordinator_user = make_coordinator(email="cora@example.org")
    mentee = make_mentee(email="ana.lopez@example.org", school="State University")
    mentor = make_mentor(email="sam.rivera@example.org", specialty="orthopaedic-surgery", institution="City Hospital")
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=timezone.now() - datetime.timedelta(days=15))
    mentorship.refresh_from_db()

    # --- The beat schedule creates the check-in; the worker emails it.
    assert create_due_checkins() == 1
    [email] = deliver_emails_to(mentee.user.email, Notification.Kind.CHECKIN_DUE)
    assert email.alternatives, "every email has an HTML part"
    link = re.search(r"https?://\S+?(/checkins/answer/\S+/)", email.body)
    assert link, email.body

    # --- The mentee answers through the one-click link, without logging in.
    anonymous = new_page()
    anonymous.goto(link.group(1))
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Check-in 1")
    anonymous.get_by_role("group", name="Have you met since the last check-in?").get_by_label("Yes").check()
    anonymous.get_by_role("group", name="How is it going?").get_by_label("2 — Not well").check()
    anonymous.get_by_label("Progress on your goals").fill("We drafted my personal statement outline.")
    anonymous.get_by_label("Any concern?").fill("We keep having to reschedule our calls.")
    shot(anonymous, "checkin-form")
    anonymous.get_by_role("button", name="Send my answers").click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Thank you for checking in")
    expect(anonymous.get_by_text("Your coordinator has been told")).to_be_visible()
    shot(anonymous, "checkin-thanks")

    # --- The answer shows on the mentorship page, for both sides.
    mentee_page = new_page()
    log_in(mentee_page, mentee.user.email)
    mentee_page.goto(f"/mentorships/{mentorship.pk}/")
    checkins = mentee_page.get_by_role("region", name="Check-ins")
    expect(checkins).to_contain_text("Check-in 1")
    expect(checkins).to_contain_text("rated 2")
    expect(checkins).to_contain_text("We drafted my personal statement outline.")
    expect(checkins).to_contain_text("We keep having to reschedule")  # the author sees her own concern
    expect(mentee_page.get_by_text("At risk", exact=True)).to_be_visible()
    shot(mentee_page, "mentorship-after-checkin")

    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email)
    mentor_page.goto(f"/mentorships/{mentorship.pk}/")
    mentor_checkins = mentor_page.get_by_role("region", name="Check-ins")
    expect(mentor_checkins).to_contain_text("rated 2")
    expect(mentor_checkins).not_to_contain_text("We keep having to reschedule")  # the concern is for the coordinator
    mentor_checkins.get_by_role("link", name=re.compile("Answer check-in 1")).click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Check-in 1")
    shot(mentor_page, "mentor-checkin-in-app")

    # --- The coordinator is alerted and sees the mentorship at risk.
    coordinator = new_page()
    log_in(coordinator, coordinator_user.email)
    nav_link = coordinator.get_by_role("link", name=re.compile(r"^Notifications\s*, \d+ unread$"))
    expect(nav_link).to_be_visible()
    nav_link.click()
    alert = coordinator.locator(".notification-unread", has_text="Mentorship at risk").first
    expect(alert).to_be_visible()
    shot(coordinator, "coordinator-notifications")
    alert.get_by_role("button", name=re.compile("^Open")).click()
    expect(coordinator).to_have_url(re.compile(rf"/admin/matching/mentorship/{mentorship.pk}/change/"))
    expect(coordinator.locator("#id_at_risk")).to_be_checked()
    coordinator.goto("/admin/matching/mentorship/?at_risk__exact=1")
    row = coordinator.locator("#result_list tbody tr", has_text=mentee.user.email)
    expect(row).to_have_count(1)
    expect(row.locator("td.field-at_risk img")).to_have_attribute("alt", "True")
    shot(coordinator, "admin-at-risk")
    coordinator.goto(f"/mentorships/{mentorship.pk}/")
    expect(coordinator.get_by_role("region", name="Check-ins")).to_contain_text("We keep having to reschedule")
    shot(coordinator, "coordinator-mentorship")
    mentorship.refresh_from_db()
    assert mentorship.at_risk
