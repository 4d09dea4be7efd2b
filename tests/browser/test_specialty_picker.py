"""The specialty picker in a real browser: filter as you type, pick with the keyboard, save.

The mentee's goals step lists about 170 specialties as grouped checkboxes; typing "cardio"
leaves only the cardiology fields, the count is announced, Down and Tab reach a match and
Space ticks it. Without JavaScript the same page is plain checkboxes. At 375 px nothing
overflows and every choice is a 44 px target. On the directory the same search narrows the
specialty select without reloading the results.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.models import MenteeProfile
from tests.browser.conftest import Shot, expect
from tests.browser.test_keyboard import FOCUSED, tab_to
from tests.factories import PASSWORD, make_mentee

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 740}
VISIBLE_CHOICES = """picker => Array.from(picker.querySelectorAll('.choice'))
  .filter(choice => choice.offsetParent !== null)
  .map(choice => ({name: choice.querySelector('label').firstChild.textContent.trim(),
                   label: choice.querySelector('label').textContent.trim(),
                   search: choice.dataset.search, height: choice.getBoundingClientRect().height}))"""


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def test_mentee_types_cardio_picks_a_match_with_the_keyboard_and_saves_it(page: Any, screenshot: Shot) -> None:
    profile = make_mentee(email="cardio@example.org")
    sign_in(page, "cardio@example.org")
    page.goto("/profile/goals/")
    picker = page.locator("[data-specialty-picker]")
    search = page.get_by_label("Search specialties")
    expect(search).to_be_visible()

    search.focus()
    page.keyboard.type("cardio")
    shown = picker.evaluate(VISIBLE_CHOICES)
    labels = {choice["name"] for choice in shown}
    assert {"Cardiovascular Disease", "Interventional Cardiology", "Pediatric Cardiology"} <= labels
    assert all(re.search(r"\bcardio", choice["search"], re.I) for choice in shown), shown
    assert len(shown) < 12, labels  # out of ~170
    expect(picker.locator("[data-picker-count]")).to_have_text(f"{len(shown)} fields match.")
    expect(picker.get_by_text("Orthopaedic Surgery", exact=True)).to_be_hidden()
    screenshot(page, "cardio")

    page.keyboard.press("ArrowDown")  # to the first match
    assert page.evaluate(FOCUSED)["tag"] == "input"
    for _ in range(10):
        if page.evaluate(FOCUSED)["label"].startswith("Interventional Cardiology"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["visible"], "focus on the checkbox is not visible"
    expect(page.locator(":focus")).to_have_accessible_name("Interventional Cardiology (Internal Medicine)")
    page.keyboard.press("Space")
    expect(page.get_by_label("Interventional Cardiology (Internal Medicine)")).to_be_checked()

    tab_to(page, "^Save and continue$")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile/availability/")
    profile = MenteeProfile.objects.get(pk=profile.pk)
    assert [s.slug for s in profile.target_specialties.all()] == ["internal-medicine--interventional-cardiology"]


def test_the_picker_fits_a_375px_phone_with_44px_targets(page: Any) -> None:
    make_mentee(email="phone@example.org")
    sign_in(page, "phone@example.org")
    page.set_viewport_size(PHONE_375)
    page.goto("/profile/goals/")
    page.get_by_label("Search specialties").fill("sports")
    shown = page.locator("[data-specialty-picker]").evaluate(VISIBLE_CHOICES)
    # The same subspecialty under several boards, told apart by the parent beside it.
    assert {"Sports Medicine (Family Medicine)", "Sports Medicine (Pediatrics)"} <= {c["label"] for c in shown}
    assert all(choice["height"] >= 44 for choice in shown), shown
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_375["width"]


def test_without_javascript_the_picker_is_plain_checkboxes(browser: Any, site: str) -> None:
    profile = make_mentee(email="nojs@example.org")
    context = browser.new_context(java_script_enabled=False, base_url=site)
    try:
        page = context.new_page()
        sign_in(page, "nojs@example.org")
        page.goto("/profile/goals/")
        expect(page.get_by_label("Search specialties")).to_be_hidden()
        page.get_by_text("Pediatrics", exact=True).click()  # opens the group
        page.get_by_label("Pediatric Cardiology").check()
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url("**/profile/availability/")
    finally:
        context.close()
    assert [s.slug for s in MenteeProfile.objects.get(pk=profile.pk).target_specialties.all()] == [
        "pediatrics--pediatric-cardiology"
    ]


def test_directory_specialty_search_narrows_the_select_without_reloading_the_results(page: Any) -> None:
    make_mentee(email="directory@example.org")
    sign_in(page, "directory@example.org")
    page.goto("/mentors/")
    page.get_by_text("More filters").click()
    reloads: list[str] = []
    page.on("request", lambda request: reloads.append(request.url) if "/mentors/" in request.url else None)
    search = page.get_by_label("Search specialties")
    search.focus()
    page.keyboard.type("sports")
    page.keyboard.press("Enter")  # never submits the filters
    page.keyboard.press("Tab")  # leaving the box fires its change event, which must not reach the form
    options = page.locator("#id_specialty option").all_inner_texts()
    assert options[0] == "Any specialty"
    assert {
        "Sports Medicine (Pediatrics)",
        "Sports Medicine (Family Medicine)",
        "Orthopaedic Sports Medicine (Orthopaedic Surgery)",
    } <= set(options)
    assert all("Sports" in option for option in options[1:]), options
    expect(page.locator("[data-specialty-picker] [data-picker-count]")).to_have_text(
        f"{len(options) - 1} fields match."
    )
    page.wait_for_timeout(600)  # past the directory's own 400 ms debounce
    assert reloads == [], reloads
