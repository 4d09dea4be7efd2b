"""Issue 7's cohort acceptance in a real browser, on demo data.

A coordinator sets up a cohort match in the admin, watches its progress, reviews every
pair with its score and reasons and the unmatched list, removes one pair, and publishes;
the mentorships and the introductions exist afterwards. The task runs eagerly from the
setup view (a real worker runs it in tests/matching/test_cohort.py's task tests). Pages
are photographed at desktop and phone width into test-artifacts/screenshots/cohort-journey/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

from accounts.management import demo
from accounts.models import AuditEvent
from matching.models import CohortRun, Mentorship, Notification
from matching.services import directory as engine
from tests.browser.conftest import Shot, expect, screenshot_taker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shot() -> Shot:
    return screenshot_taker("cohort-journey")


def test_coordinator_matches_a_cohort_reviews_edits_and_publishes(page: Any, shot: Shot, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", "--quiet", "--no-history", "--mentors", "40", "--mentees", "80")
    engine.reset()

    page.goto("/admin/login/?next=/admin/matching/cohortrun/")
    page.get_by_label("Email").fill(demo.DEMO_COORDINATOR_EMAIL)
    page.get_by_label("Password").fill(demo.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Run a cohort match").click()

    # --- Setup
    expect(page.get_by_role("heading", name="Run a cohort match")).to_be_visible()
    page.get_by_label("Stable (mentee-proposing deferred acceptance)").check()
    page.get_by_label("Minimum score").fill("45")
    page.get_by_label("Maximum load per mentor").fill("3")
    shot(page, "setup")
    page.get_by_role("button", name="Propose a matching").click()

    # --- Progress
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("status")).to_contain_text("Proposal ready")
    shot(page, "progress")
    page.get_by_role("link", name="Review the proposal").click()

    # --- Review
    run = CohortRun.objects.get()
    pairs = run.pairs.count()
    assert pairs > 40
    expect(page.get_by_role("heading", name=f"Pairs ({pairs})")).to_be_visible()
    first = page.locator("tr.cohort-pair").first
    expect(first.locator(".cohort-reasons li").first).not_to_be_empty()
    expect(page.get_by_role("heading", name=re.compile(r"^Unmatched \(\d+\)$"))).to_be_visible()
    shot(page, "review")

    # --- Edit: remove the first pair
    removed = run.pairs.get(pk=int(first.get_attribute("data-pair")))
    first.get_by_role("button", name=re.compile("^Remove the pair of")).click()
    expect(page.get_by_text("Pair removed; the mentee is now in the unmatched list.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Pairs ({pairs - 1})")).to_be_visible()
    removed_row = page.locator("tr.cohort-unmatched").first
    expect(removed_row).to_contain_text(cohort_removed_reason())
    expect(removed_row).to_contain_text(removed.mentee.get_full_name())
    shot(page, "edited")

    # --- Publish (a double click publishes once: tests/matching/test_cohort.py)
    publish = page.get_by_role("button", name=re.compile("^Publish: start"))
    expect(publish).to_contain_text(f"start {pairs - 1} mentorships")
    publish.click()
    expect(page.get_by_role("heading", name=re.compile("^Publish cohort match"))).to_be_visible()
    expect(page.locator(".confirm-summary")).to_contain_text(f"E-mails sent{2 * (pairs - 1)}")
    shot(page, "publish-confirm")
    page.get_by_role("button", name=f"Yes, publish: start {pairs - 1} mentorships").click()
    expect(page.get_by_text(f"Published: {pairs - 1} mentorships created.")).to_be_visible()
    shot(page, "published")

    run.refresh_from_db()
    assert run.status == CohortRun.Status.PUBLISHED
    live = Mentorship.objects.active()
    assert live.count() == pairs - 1
    assert not live.filter(mentee=removed.mentee_id).exists()
    assert Notification.objects.filter(kind=Notification.Kind.MATCH_LIVE).count() == 2 * (pairs - 1)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COHORT_PUBLISHED, target=f"cohort run #{run.pk}").exists()
    for mentorship in live.select_related("mentor__mentor_profile"):
        assert live.filter(mentor=mentorship.mentor).count() <= min(mentorship.mentor.mentor_profile.capacity, 3)


def cohort_removed_reason() -> str:
    from matching.services.cohort import REMOVED

    return REMOVED
