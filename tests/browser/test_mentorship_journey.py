"""Issue 5's acceptance in a real browser, on fresh data.

The mentee finds the best mentor by score and requests them; the mentor accepts in the
inbox; the coordinator approves in the admin; both see the live mentorship with each
other's email; the mentee ends it with feedback. Every page is photographed at desktop
and phone width into test-artifacts/screenshots/mentorship-journey/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import MentorProfile
from matching.models import Mentorship, MentorshipRequest
from tests.browser.conftest import Shot, expect, screenshot_taker
from tests.factories import PASSWORD, make_coordinator, make_mentee, make_mentor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SPORTS_ORTHO = "orthopaedic-surgery--orthopaedic-sports-medicine"
EVENINGS = [{"day": day, "start": "18:00", "end": "21:00"} for day in range(4)]  # Monday to Thursday


@pytest.fixture
def shot() -> Shot:
    return screenshot_taker("mentorship-journey")


def log_in(page: Any, email: str, shot: Shot | None = None) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def people() -> dict[str, Any]:
    """A mentee aiming at orthopaedic sports medicine, four verified mentors, a coordinator."""
    mentee = make_mentee(
        email="ana.lopez@example.org",
        stage="ms3",
        targets=(SPORTS_ORTHO,),
        school="Boston University School of Medicine",
        topics=["research", "residency_applications", "mock_interview"],
        kinds=["long_term"],
        languages=["en", "es"],
        meeting_modes=["video"],
        availability=EVENINGS,
        bio="Third-year student; I tore my ACL playing football and want to treat athletes.",
    )
    mentee.user.first_name, mentee.user.last_name = "Ana", "Lopez"
    mentee.user.save()
    common = {"kinds": ["long_term", "short_term"], "meeting_modes": ["video"], "capacity": 2}
    best = make_mentor(
        email="sam.rivera@example.org",
        specialty="orthopaedic-surgery",
        subspecialties=(SPORTS_ORTHO,),
        institution="Massachusetts General Hospital",
        topics=["research", "residency_applications", "mock_interview"],
        languages=["en", "es"],
        availability=EVENINGS,
        years_in_practice=12,
        board_certified=True,
        bio="Team physician for a college football program; I love helping students into orthopaedics.",
        **common,
    )
    related = make_mentor(
        email="kim.park@example.org",
        specialty="family-medicine",
        subspecialties=("family-medicine--sports-medicine",),
        institution="Boston Medical Center",
        topics=["residency_applications"],
        languages=["en"],
        availability=EVENINGS[:1],
        **common,
    )
    far = make_mentor(
        email="lee.chen@example.org",
        specialty="otolaryngology-head-and-neck-surgery",
        institution="Tufts Medical Center",
        topics=["board_exams"],
        languages=["en"],
        **common,
    )
    other = make_mentor(email="jo.adams@example.org", specialty="dermatology", institution="Beth Israel", **common)
    for profile, (first, last) in (
        (best, ("Sam", "Rivera")),
        (related, ("Kim", "Park")),
        (far, ("Lee", "Chen")),
        (other, ("Jo", "Adams")),
    ):
        profile.user.first_name, profile.user.last_name = first, last
        profile.user.save()
    coordinator = make_coordinator(email="cora@example.org")
    return {"mentee": mentee, "best": best, "related": related, "far": far, "coordinator": coordinator}


def test_mentorship_journey(new_page: Callable[[], Any], shot: Shot) -> None:
    cast = people()
    best: MentorProfile = cast["best"]

    # --- The mentee finds the best mentor at the top of the directory, by score.
    mentee = new_page()
    log_in(mentee, "ana.lopez@example.org", shot=shot)
    shot(mentee, "mentee-dashboard")
    mentee.get_by_role("link", name="Find a mentor").click()
    expect(mentee.get_by_role("heading", level=1, name="Find a mentor")).to_be_visible()
    cards = mentee.locator(".mentor-card")
    expect(cards).to_have_count(4)
    expect(cards.first.get_by_role("heading", name="Sam Rivera")).to_be_visible()
    expect(cards.first).to_contain_text("Same certificate: Orthopaedic Sports Medicine")
    scores = [int(text) for text in mentee.locator(".mentor-card .score-number").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    shot(mentee, "directory")

    # Filters swap the results in place (HTMX) and push the URL.
    mentee.get_by_label("Search", exact=True).fill("sports")
    expect(cards).to_have_count(2)
    expect(mentee).to_have_url(re.compile(r"q=sports"))
    mentee.get_by_text("More filters").click()  # the less used filters sit in a closed panel
    mentee.get_by_label("Language").select_option("es")
    expect(cards).to_have_count(1)
    shot(mentee, "directory-filtered")

    # --- The mentor page explains the whole score; the mentee sends a request.
    cards.first.get_by_role("link", name=re.compile("^See why and request")).click()
    expect(mentee.get_by_role("heading", level=1, name="Sam Rivera")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Why this score")).to_be_visible()
    expect(mentee.locator(".component")).not_to_have_count(0)
    expect(mentee.get_by_text("sam.rivera@example.org")).to_have_count(0)  # no contact before a live match
    mentee.get_by_label("Long-term mentorship").check()
    expect(mentee.get_by_label("The task")).to_be_hidden()
    mentee.get_by_label("Your message").fill(
        "Hello Dr Rivera! I'm a third-year student aiming for orthopaedic sports medicine."
    )
    mentee.get_by_label("Your goals").fill("Plan a research project\nPrepare for sub-internship interviews")
    shot(mentee, "mentor-page")
    mentee.get_by_role("button", name="Send request").click()
    expect(mentee.get_by_role("heading", level=1, name="My requests")).to_be_visible()
    expect(mentee.get_by_text("Your request is on its way to Sam Rivera.")).to_be_visible()
    expect(mentee.get_by_text("Waiting for the mentor")).to_be_visible()
    shot(mentee, "my-requests")
    sent = MentorshipRequest.objects.get(mentee=cast["mentee"].user, mentor=best.user)
    assert sent.score == scores[0] or abs((sent.score or 0) - scores[0]) <= 1

    # --- The mentor accepts in the inbox.
    mentor = new_page()
    log_in(mentor, "sam.rivera@example.org")
    mentor.get_by_role("link", name="Inbox").click()
    expect(mentor.get_by_role("heading", level=1, name="Your inbox")).to_be_visible()
    request_card = mentor.locator(f"#request-{sent.pk}")
    expect(request_card).to_contain_text("Ana Lopez")
    expect(request_card.locator(".score-number")).to_be_visible()
    shot(mentor, "inbox")
    request_card.get_by_role("button", name=re.compile("^Accept")).click()
    expect(mentor.get_by_text("You accepted Ana Lopez. A coordinator approves the match next.")).to_be_visible()
    shot(mentor, "inbox-accepted")

    # --- The coordinator approves in the admin with the changelist action.
    coordinator = new_page()
    log_in(coordinator, "cora@example.org")
    coordinator.goto("/admin/matching/mentorshiprequest/?status__exact=accepted")
    row = coordinator.locator("#result_list tbody tr", has_text="ana.lopez@example.org")
    expect(row).to_have_count(1)
    row.locator("input.action-select").check()
    coordinator.locator("select[name=action]").select_option("approve_selected")
    shot(coordinator, "admin-requests")
    coordinator.get_by_role("button", name="Go").click()
    expect(coordinator.get_by_role("heading", name="Approve 1 request?")).to_be_visible()
    shot(coordinator, "admin-approve-confirm")
    coordinator.get_by_role("button", name="Yes, approve and start them").click()
    expect(coordinator.get_by_text("1 request approved.")).to_be_visible()
    shot(coordinator, "admin-approved")
    mentorship = Mentorship.objects.get(request=sent)

    # --- Both see the live mentorship, with each other's email.
    mentee.get_by_role("link", name="My requests").click()
    mentee.get_by_role("link", name="Open mentorship").click()
    expect(mentee.get_by_role("heading", level=1, name="Your mentorship with Sam Rivera")).to_be_visible()
    expect(mentee.get_by_role("link", name="sam.rivera@example.org")).to_be_visible()
    mentee.get_by_label("New goal").fill("Submit an abstract to the AOSSM meeting")
    mentee.get_by_role("button", name="Add goal").click()
    expect(mentee.locator(".goal")).to_have_count(1)
    mentee.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(mentee.locator(".goal-done")).to_have_count(1)
    shot(mentee, "mentorship-mentee")

    mentor.get_by_role("link", name="Mentorships").click()
    shot(mentor, "mentorships-mentor")
    mentor.get_by_role("link", name="With Ana Lopez").click()
    expect(mentor.get_by_role("link", name="ana.lopez@example.org")).to_be_visible()
    expect(mentor.locator(".goal-text")).to_contain_text("Submit an abstract to the AOSSM meeting")
    shot(mentor, "mentorship-mentor")

    # --- The mentee ends it with feedback.
    mentee.get_by_text("End the mentorship…").click()
    mentee.get_by_label("Completed — we did what we set out to do").check()
    mentee.get_by_label("Main reason").select_option("goals_met")
    mentee.get_by_label("Feedback").fill("Dr Rivera was generous with her time; the abstract got accepted!")
    mentee.get_by_label("5 — excellent").check()
    shot(mentee, "end-form")
    mentee.get_by_role("button", name="End mentorship").click()
    expect(mentee.get_by_text("The mentorship has ended. Thank you for your feedback.")).to_be_visible()
    expect(mentee.get_by_role("link", name="sam.rivera@example.org")).to_have_count(0)
    shot(mentee, "mentorship-ended")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert mentorship.mentee_rating == 5 and "abstract got accepted" in mentorship.mentee_feedback
