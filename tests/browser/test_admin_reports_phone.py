"""The coordinator's safety reports fit a 375 px phone: no page scrolls sideways.

A long reason is the worst case for the coordinator's own page; its table stacks into one
labelled block per report on a phone (static/admin_overrides.css). The admin's own list of reports
scrolls inside its results box, as every Django admin list does, never the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.services.messages import conversation_of, post_message, report
from tests.factories import PASSWORD, make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = [pytest.mark.browser]

PHONE_375 = {"width": 375, "height": 740}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def seed_reports() -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    conversation = conversation_of(mentorship)
    message = post_message(conversation=conversation, by=mentor.user, body="Call me at midnight.")
    reason = "Asked for a call at midnight and kept writing after I said no; " * 3
    report(conversation=conversation, by=mentee.user, reason=reason, message=message)
    report(conversation=conversation, by=mentee.user, reason="Rude in our last meeting.")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reports_pages_do_not_scroll_sideways_on_a_375px_phone(page: Any) -> None:
    seed_reports()
    coordinator = make_coordinator(email="cora@example.org")
    page.set_viewport_size(PHONE_375)
    page.goto(reverse("admin:login"))
    page.get_by_label("Email address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for url in (reverse("coordinator:reports"), reverse("admin:matching_report_changelist")):
        page.goto(url)
        assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways by {page.evaluate(OVERFLOW)} px at 375 px"
