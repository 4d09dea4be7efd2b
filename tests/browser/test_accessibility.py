"""WCAG 2.1 AA: axe-core on every page of every role, at desktop and phone width (issue 17).

Each role signs in to the living demo (``seed_demo``, a small population with its history) and
the test crawls every page it can reach by following links from its dashboard, as a person
would: at most two pages of each kind (``/mentorships/12/`` and ``/mentorships/31/`` are one
kind). The demo mentor leads a group circle with the demo mentee in it (``demo_circle``), so the
circle pages are among them. Each page is checked by axe-core (vendored, injected by Playwright) at
both widths; no serious or critical violation is allowed. Screenshots of one page of each kind land in
test-artifacts/screenshots/accessibility-<role>/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from accounts.management import demo
from accounts.models import Program
from matching.models import MentoringPolicy, Mentorship
from matching.services import circles
from matching.services import directory as engine
from tests.browser.conftest import DESKTOP, PHONE, screenshot_taker
from tests.browser.test_admin_accessibility import AXE, BLOCKING, describe

pytestmark = pytest.mark.browser

SKIP = re.compile(
    r"^/(accounts/logout|accounts/confirm-email|unsubscribe|calendar/|static/|media/|api/)"
    r"|\.(csv|ics)$|/(read-all|favourite|hide|unhide|withdraw|accept|decline|done|rematch|confirm|read)/$"
    r"|/admin/(logout|password_change|jsi18n|r/)|/history/$"
)
PER_KIND = 1
MAX_PAGES = 40
# Off by default in axe (experimental), on here: the visible text of a control must be part of
# its accessible name (WCAG 2.5.3), which the notifications link once broke on every page.
EXTRA_RULES = "{rules: {'label-content-name-mismatch': {enabled: true}}}"


def violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run(document, {EXTRA_RULES})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def kind_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(page: Any, start: list[str], *, allow: Callable[[str], bool], limit: int = MAX_PAGES) -> list[str]:
    """Every page reachable by links from ``start``, at most PER_KIND of each kind."""
    queue, seen, kinds = list(start), set(), {}
    visited = []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path) or not allow(path):
            continue
        seen.add(path)
        kind = kind_of(path)
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        response = page.goto(path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        visited.append(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parsed = urlparse(href)
            if parsed.netloc or not parsed.path.startswith("/"):
                continue
            queue.append(parsed.path)
    return visited


def check_every_page(
    page: Any, start: list[str], *, role: str, allow: Callable[[str], bool], limit: int = MAX_PAGES
) -> list[str]:
    shot = screenshot_taker(f"accessibility-{role}")
    visited = crawl(page, start, allow=allow, limit=limit)
    failures, shown = {}, set()
    for path in visited:
        page.set_viewport_size(DESKTOP)
        page.goto(path)
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            found = violations(page)
            if found:
                failures[f"{path} ({width})"] = describe(found)
        page.set_viewport_size(DESKTOP)
        if kind_of(path) not in shown:
            shown.add(kind_of(path))
            shot(page, re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "home")
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
    print(f"\n{role}: axe on {len(visited)} pages at two widths: {', '.join(visited)}")
    return visited


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def demo_site(site: str, settings: Any) -> str:
    call_command("seed_demo", "--quiet", "--mentors", "30", "--mentees", "60")
    engine._directory = None
    return site


@pytest.fixture
def demo_circle(demo_site: str) -> str:
    """The demo mentor's group circle with the demo mentee in it, so the circle pages are crawled too."""
    program = Program.objects.default()
    MentoringPolicy.objects.update_or_create(program=program, defaults={"group_mentoring": True})
    mentorship = Mentorship.objects.active().get(mentee__email=demo.DEMO_MENTEE_EMAIL,
                                                 mentor__email=demo.DEMO_MENTOR_EMAIL)  # fmt: skip
    circle = circles.create_circle(mentor=mentorship.mentor, name="Sports-medicine applicants", program=program)
    circles.add_to_circle(circle=circle, mentorship=mentorship, by=mentorship.mentor)
    return demo_site


def outside_admin(path: str) -> bool:
    return not path.startswith("/admin/")


def test_public_pages_pass_axe(page: Any, demo_site: str) -> None:
    visited = check_every_page(
        page, ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"], role="public",
        allow=outside_admin,
    )  # fmt: skip
    assert len(visited) >= 4


def test_every_mentee_page_passes_axe(page: Any, demo_circle: str) -> None:
    sign_in(page, demo.DEMO_MENTEE_EMAIL)
    visited = check_every_page(page, ["/dashboard/"], role="mentee", allow=outside_admin)
    kinds = {kind_of(path) for path in visited}
    expected_kinds = ("/dashboard/", "/mentors/", "/mentors/N/", "/requests/", "/mentorships/N/", "/notifications/")
    for expected in (*expected_kinds, "/circles/N/"):
        assert expected in kinds, f"{expected} not reached: {sorted(kinds)}"


def test_every_mentor_page_passes_axe(page: Any, demo_circle: str) -> None:
    sign_in(page, demo.DEMO_MENTOR_EMAIL)
    visited = check_every_page(page, ["/dashboard/", "/inbox/"], role="mentor", allow=outside_admin)
    kinds = {kind_of(path) for path in visited}
    for expected in ("/dashboard/", "/inbox/", "/mentorships/N/", "/notifications/", "/circles/", "/circles/N/"):
        assert expected in kinds, f"{expected} not reached: {sorted(kinds)}"


def test_every_coordinator_page_passes_axe(page: Any, demo_site: str) -> None:
    sign_in(page, demo.DEMO_COORDINATOR_EMAIL)
    start = ["/dashboard/", "/admin/coordinator/", "/admin/coordinator/dashboard/", "/admin/coordinator/equity/"]
    visited = check_every_page(page, start, role="coordinator", allow=lambda path: True, limit=45)
    assert len(visited) >= 10
