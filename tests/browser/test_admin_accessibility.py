"""The admin pages a coordinator uses pass axe-core with no serious or critical violation.

axe-core is vendored as a test asset (tests/browser/vendor/axe.min.js, MPL-2.0, licence
beside it): it is injected into each page by Playwright and never served by the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Background, Program
from matching.services.checkins import mark_at_risk
from tests.factories import (
    PASSWORD,
    give_background,
    make_coordinator,
    make_mentee,
    make_mentor,
    make_mentorship,
    make_request,
)

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def seed() -> dict[str, Any]:
    """Enough of everything that every page shows its real content, not its empty state."""
    coordinator = make_coordinator(email="cora@example.org")
    waiting = make_mentor(
        verified=False,
        npi="1234567893",
        license_state="MA",
        license_number="MD-778812",
        institution="Lakeside Hospital",
        specialty="orthopaedic-surgery",
    )
    mentors = [make_mentor(specialty="orthopaedic-surgery", capacity=3) for _ in range(3)]
    for index in range(6):
        mentee = make_mentee(targets=("orthopaedic-surgery",))
        give_background(mentee.user, "gender_identity", "woman", Background.Visibility.COORDINATORS)
        if index < 3:
            live = make_mentorship(mentee=mentee, mentor=mentors[index])
            if index == 0:
                mark_at_risk(mentorship=live, reason="A check-in was missed.")
        elif index == 3:
            make_request(mentee=mentee, mentor=mentors[0])
    give_background(make_mentee().user, "lgbtq", True, Background.Visibility.COORDINATORS)
    return {"coordinator": coordinator, "waiting": waiting, "program": Program.objects.default()}


def violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} -> {targets}")
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_coordinator_admin_pages_have_no_serious_or_critical_accessibility_violations(page: Any) -> None:
    data = seed()
    page.goto(reverse("admin:login"))
    page.get_by_label("Email address").fill(data["coordinator"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    pages = {
        "admin index": reverse("admin:index"),
        "coordinator home": reverse("coordinator:home"),
        "dashboard": reverse("coordinator:dashboard"),
        "equity": reverse("coordinator:equity"),
        "import": reverse("coordinator:import"),
        "mentor list": reverse("admin:accounts_mentorprofile_changelist") + "?verification__exact=unverified",
        "mentor change page": reverse("admin:accounts_mentorprofile_change", args=[data["waiting"].pk]),
        "reject with reason": reverse("admin:accounts_mentorprofile_reject", args=[data["waiting"].pk]),
        "request list": reverse("admin:matching_mentorshiprequest_changelist"),
        "mentee list": reverse("admin:accounts_menteeprofile_changelist") + "?matched=no",
        "program settings": reverse("admin:accounts_program_change", args=[data["program"].pk]),
        "audit log": reverse("admin:accounts_auditevent_changelist"),
    }
    failures = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name}: {url}"
        found = violations(page)
        if found:
            failures[name] = describe(found)
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
