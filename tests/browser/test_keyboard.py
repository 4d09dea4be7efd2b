"""The three journeys with the keyboard only: Tab to move, typing to fill, Space and Enter to act.

No mouse click and no ``fill()``: every step moves focus with Tab (or Shift+Tab) until the element
named has it, checks that focus is visible (an outline or a box shadow), then types or presses.
A person who cannot use a mouse gets from sign-in to a live mentorship this way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

from accounts.management import demo
from accounts.models import User
from matching.models import Mentorship, MentorshipRequest
from matching.services import directory as engine
from matching.services.hub import best_matches
from matching.services.requests import request_obstacle
from tests.browser.conftest import expect

pytestmark = pytest.mark.browser

MAX_TABS = 200
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    text: (el.innerText || el.value || "").trim(), label: label.trim(), name: el.getAttribute("name") || "",
    aria: el.getAttribute("aria-label") || "", tag: el.tagName.toLowerCase(), type: el.type || "",
    visible: style.outlineStyle !== "none" && style.outlineWidth !== "0px" || style.boxShadow !== "none",
  };
}"""


def tab_to(page: Any, pattern: str, *, backwards: bool = False) -> dict[str, Any]:
    """Press Tab until the focused element's text, label or name matches ``pattern``."""
    wanted = re.compile(pattern)
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused and any(wanted.search(focused[key]) for key in ("text", "label", "name", "aria")):
            assert focused["visible"], f"focus on {pattern!r} is not visible: {focused}"
            return dict(focused)
    raise AssertionError(f"Tab never reached {pattern!r}")


def tab_to_link(page: Any, href: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == href:
            assert page.evaluate(FOCUSED)["visible"], f"focus on the link to {href} is not visible"
            return
    raise AssertionError(f"Tab never reached the link to {href}")


def type_into(page: Any, pattern: str, text: str) -> None:
    tab_to(page, pattern)
    page.keyboard.type(text)


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    type_into(page, "^Email", email)
    type_into(page, "^Password", demo.DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def demo_site(site: str) -> str:
    call_command("seed_demo", "--quiet", "--mentors", "20", "--mentees", "40")
    engine._directory = None
    return site


def test_mentee_mentor_and_coordinator_journeys_with_the_keyboard_only(new_page: Any, demo_site: str) -> None:
    # --- The mentee finds a mentor and sends a request.
    mentee = new_page()
    sign_in(mentee, demo.DEMO_MENTEE_EMAIL)
    # From the dashboard's best matches, the first mentor a request can go to.
    person = User.objects.get(email=demo.DEMO_MENTEE_EMAIL)
    chosen = next(
        match.user for match in best_matches(person) if request_obstacle(mentee=person, mentor=match.user) is None
    )
    before = MentorshipRequest.objects.count()
    tab_to_link(mentee, f"/mentors/{chosen.pk}/")
    mentee.keyboard.press("Enter")
    mentee.wait_for_url(f"**/mentors/{chosen.pk}/")
    expect(mentee.locator("form.request-form")).to_be_visible()
    tab_to(mentee, "Long-term")
    mentee.keyboard.press("Space")
    type_into(mentee, "^Your message", "Hello, I would value your advice on orthopaedics.")
    tab_to(mentee, "^Send request$")
    mentee.keyboard.press("Enter")
    mentee.wait_for_url("**/requests/")
    assert MentorshipRequest.objects.count() == before + 1

    # --- The demo mentor accepts a request waiting in the inbox.
    mentor = new_page()
    sign_in(mentor, demo.DEMO_MENTOR_EMAIL)
    tab_to(mentor, "^Inbox$")
    mentor.keyboard.press("Enter")
    mentor.wait_for_url("**/inbox/")
    accepted_before = MentorshipRequest.objects.filter(status="accepted").count()
    tab_to(mentor, "^Accept")
    mentor.keyboard.press("Enter")
    mentor.wait_for_load_state()
    expect(mentor.get_by_text(re.compile("accepted", re.I)).first).to_be_visible()
    assert MentorshipRequest.objects.filter(status="accepted").count() == accepted_before + 1

    # --- The coordinator approves it from the admin list, confirming on the summary page.
    coordinator = new_page()
    coordinator.goto("/admin/login/?next=/admin/matching/mentorshiprequest/%3Fstatus__exact%3Daccepted")
    type_into(coordinator, "^Email", demo.DEMO_COORDINATOR_EMAIL)
    type_into(coordinator, "^Password", demo.DEFAULT_PASSWORD)
    coordinator.keyboard.press("Enter")
    coordinator.wait_for_url(re.compile(r"^https?://[^/]+/admin/matching/mentorshiprequest/"))
    live_before = Mentorship.objects.active().count()
    tab_to(coordinator, "^_selected_action$")
    coordinator.keyboard.press("Space")
    tab_to(coordinator, "^action$")
    for _ in range(3):
        coordinator.keyboard.press("ArrowDown")
        if coordinator.evaluate("() => document.activeElement.value") == "approve_selected":
            break
    assert coordinator.evaluate("() => document.activeElement.value") == "approve_selected"
    tab_to(coordinator, "^Go$")
    coordinator.keyboard.press("Enter")
    expect(coordinator.get_by_role("heading", name=re.compile("^Approve 1 request"))).to_be_visible()
    tab_to(coordinator, "^Yes, approve")
    coordinator.keyboard.press("Enter")
    expect(coordinator.get_by_text("1 request approved.")).to_be_visible()
    assert Mentorship.objects.active().count() == live_before + 1
