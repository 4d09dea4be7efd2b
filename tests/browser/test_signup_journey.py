"""Issue 3's acceptance in a real browser: sign up, verify, fill the profile; mentees see mentors once verified."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from accounts.forms import TIME_BLOCKS
from accounts.models import MenteeProfile, MentorProfile, User
from tests.browser.conftest import expect
from tests.factories import PASSWORD, make_coordinator

pytestmark = pytest.mark.browser

Shot = Callable[[Any, str], None]
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up(page: Any, *, first: str, last: str, email: str, role_label: str, shot: Shot | None = None) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_label(role_label).check()
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    if shot:
        shot(page, "signup")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    if shot:
        shot(page, "verification-sent")


def confirm_email(page: Any, email: str, shot: Shot | None = None) -> None:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    if shot:
        shot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()


def log_out(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Log out")).click()


def log_in(page: Any, email: str, password: str = NEW_PASSWORD, shot: Shot | None = None) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def group(page: Any, name: str) -> Any:
    return page.get_by_role("group", name=name)


def continue_(page: Any, next_heading: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name=next_heading)).to_be_visible()


def block(start: str) -> str:
    """The label the grid gives the block starting at ``start``."""
    return next(label for begin, _, label in TIME_BLOCKS if begin == start)


def fill_availability(page: Any) -> None:
    week = group(page, "When are you usually free to meet?")
    week.get_by_label(f"Monday {block('18:00')}").check()
    week.get_by_label(f"Wednesday {block('18:00')}").check()
    week.get_by_label(f"Saturday {block('09:00')}").check()
    group(page, "How would you like to meet?").get_by_label("Video call").check()
    page.get_by_label("Where could you meet in person?").fill("US-MA")
    languages = group(page, "Languages you can meet in")
    languages.get_by_label("English", exact=True).check()
    languages.get_by_label("Spanish", exact=True).check()


def finish_with_background(page: Any, *, comfort: bool) -> None:
    gender = page.get_by_role("group", name="Gender identity", exact=True)
    gender.get_by_label("Your gender identity").select_option("woman")
    gender.get_by_label("Who may see this").select_option("everyone")
    if comfort:
        gender.get_by_label("Importance of a mentor who shares this").select_option("important")
    first_gen = page.get_by_role("group", name="First-generation college student", exact=True)
    first_gen.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()


def test_mentee_and_mentor_sign_up_and_mentees_see_the_mentor_only_once_verified(
    new_page: Callable[[], Any], screenshot: Shot
) -> None:
    # --- A new mentee signs up, verifies the address and fills every step.
    mentee = new_page()
    sign_up(
        mentee,
        first="Ana",
        last="Lopez",
        email="ana.lopez@example.org",
        role_label="I'm looking for a mentor",
        shot=screenshot,
    )
    confirm_email(mentee, "ana.lopez@example.org", shot=screenshot)
    if mentee.get_by_role("button", name=re.compile("^Log out")).count():
        log_out(mentee)
    log_in(mentee, "ana.lopez@example.org", shot=screenshot)
    expect(mentee.get_by_text("Profile 0% complete")).to_be_visible()
    screenshot(mentee, "mentee-dashboard-empty")

    mentee.get_by_role("link", name="Start your profile").click()
    expect(mentee.get_by_role("heading", level=1, name="About you")).to_be_visible()
    expect(mentee.locator('[aria-current="step"]')).to_have_text(re.compile("About you"))
    mentee.get_by_label("Your time zone").fill("America/New_York")
    mentee.get_by_label("Where are you on the road to medicine?").select_option("undergraduate")
    mentee.get_by_label("School or institution").fill("Boston University")
    mentee.get_by_label("A few sentences about you").fill("First in my family to go to college; I love sports.")
    screenshot(mentee, "mentee-about")
    continue_(mentee, "Goals")

    targets = group(mentee, "Specialties you are aiming for")
    targets.get_by_text("Orthopaedic Surgery", exact=True).click()  # opens the group
    targets.get_by_label("Orthopaedic Sports Medicine").check()
    group(mentee, "What would you like help with?").get_by_label("Research", exact=True).check()
    group(mentee, "What would you like help with?").get_by_label("Medical school admissions").check()
    group(mentee, "Kinds of mentorship").get_by_label("Long-term mentorship").check()
    mentee.get_by_label("Goals in your own words").fill("Get into medical school and explore orthopaedics.")
    group(mentee, "What could you offer").get_by_label("Help with research and lab projects").check()
    screenshot(mentee, "mentee-goals")
    continue_(mentee, "Availability")

    fill_availability(mentee)
    screenshot(mentee, "mentee-availability")
    continue_(mentee, "Background (optional)")
    screenshot(mentee, "mentee-background")
    finish_with_background(mentee, comfort=True)
    expect(mentee.get_by_text("Profile 100% complete")).to_be_visible()
    screenshot(mentee, "mentee-dashboard-complete")

    mentee_profile = MenteeProfile.objects.get(user__email="ana.lopez@example.org")
    assert mentee_profile.completeness == 100
    assert mentee_profile.comfort_preferences == {"gender_identity": "important"}

    # --- A new mentor does the same, with an NPI that is checked.
    mentor = new_page()
    sign_up(mentor, first="Grace", last="Ho", email="grace.ho@example.org", role_label="I want to mentor")
    confirm_email(mentor, "grace.ho@example.org")
    if mentor.get_by_role("button", name=re.compile("^Log out")).count():
        log_out(mentor)
    log_in(mentor, "grace.ho@example.org")
    expect(mentor.get_by_text("Awaiting verification by a coordinator")).to_be_visible()
    screenshot(mentor, "mentor-dashboard-empty")

    mentor.get_by_role("link", name="Start your profile").click()
    expect(mentor.get_by_role("heading", level=1, name="Professional details")).to_be_visible()
    mentor.get_by_label("Your time zone").fill("America/New_York")
    mentor.get_by_label("Profession").select_option("md")
    mentor.get_by_label(re.compile("^Specialty")).select_option(label="Orthopaedic Surgery")
    subspecialties = group(mentor, "Subspecialties")
    subspecialties.get_by_text("Orthopaedic Surgery", exact=True).click()
    subspecialties.get_by_label("Orthopaedic Sports Medicine").check()
    mentor.get_by_label("I am board certified").check()
    mentor.get_by_label("Institution").fill("Massachusetts General Hospital")
    mentor.get_by_label("Years in practice").fill("12")
    mentor.get_by_label("NPI number").fill("1234567890")
    mentor.get_by_label("Licence state").fill("MA")
    mentor.get_by_role("button", name="Save and continue").click()
    alert = mentor.get_by_role("alert")
    expect(alert).to_contain_text("check digit does not match")
    expect(mentor.get_by_label("NPI number")).to_have_attribute("aria-invalid", "true")
    screenshot(mentor, "mentor-bad-npi")
    alert.get_by_role("link").first.click()
    expect(mentor.get_by_label("NPI number")).to_be_focused()
    mentor.get_by_label("NPI number").fill("1234567893")
    continue_(mentor, "Mentoring")

    mentor.get_by_label("How many mentees can you take at a time?").fill("3")
    group(mentor, "What do you help with?").get_by_label("Research", exact=True).check()
    group(mentor, "What do you help with?").get_by_label("Residency applications").check()
    group(mentor, "Kinds of mentorship you offer").get_by_label("Long-term mentorship").check()
    group(mentor, "Who you especially want to mentor").get_by_label("first-generation students").check()
    mentor.get_by_label("A few sentences about you").fill("Sports medicine surgeon; first in my family in medicine.")
    screenshot(mentor, "mentor-mentoring")
    continue_(mentor, "Availability")
    fill_availability(mentor)
    continue_(mentor, "Background (optional)")
    finish_with_background(mentor, comfort=False)
    expect(mentor.get_by_text("Profile 100% complete")).to_be_visible()
    screenshot(mentor, "mentor-dashboard-complete")

    mentor_user = User.objects.get(email="grace.ho@example.org")
    assert mentor_user.mentor_profile.completeness == 100
    assert mentor_user.mentor_profile.npi == "1234567893"

    # --- The mentee cannot see the unverified mentor's page...
    response = mentee.goto(f"/people/{mentor_user.pk}/")
    assert response is not None and response.status == 404

    # --- ...until a coordinator verifies them in the admin.
    coordinator = make_coordinator(email="cora@example.org")
    admin = new_page()
    log_in(admin, coordinator.email, PASSWORD)
    admin.goto("/admin/accounts/mentorprofile/")
    admin.locator(f'input[name="_selected_action"][value="{mentor_user.mentor_profile.pk}"]').check()
    admin.locator('select[name="action"]').select_option("verify_mentors")
    admin.locator('button[name="index"]').click()
    expect(admin.get_by_role("heading", name="Verify 1 mentor?")).to_be_visible()
    admin.get_by_role("button", name="Yes, verify and notify").click()
    expect(admin.locator(".messagelist")).to_be_visible()
    assert MentorProfile.objects.get(pk=mentor_user.mentor_profile.pk).is_verified

    response = mentee.goto(f"/people/{mentor_user.pk}/")
    assert response is not None and response.status == 200
    expect(mentee.get_by_role("heading", level=1, name="Grace Ho")).to_be_visible()
    expect(mentee.get_by_text("Massachusetts General Hospital")).to_be_visible()
    # Her gender identity is shared with everyone; first-generation was left private.
    expect(mentee.get_by_text("Woman")).to_be_visible()
    assert "First-generation" not in mentee.content()
    screenshot(mentee, "mentee-sees-mentor")

    mentor.reload()
    expect(mentor.get_by_text("Verified", exact=False).first).to_be_visible()
