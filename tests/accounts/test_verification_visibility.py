"""Who sees whom (issue 13): verification is a state machine; unverified and unconfirmed people are invisible.

Findings: an unverified mentor got 200 from /api/v1/mentees/suggested/; unconfirmed
sign-ups appeared in mentors' suggestions; a verified mentor could change profession,
specialty, board certification or remove the NPI and stay verified and listed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, MenteeProfile, MentorProfile, Specialty, User
from accounts.validators import npi_check_digit
from matching.models import CohortRun, Notification
from matching.services import cohort
from matching.services import directory as engine
from tests.factories import make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

SUGGESTED = "/api/v1/mentees/suggested/?page_size=100"
PROFILE = "/api/v1/me/profile/"


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def unconfirm(user: User) -> None:
    user.emailaddress_set.update(verified=False)


def suggested_ids(mentor: User) -> set[int]:
    response = api_as(mentor).get(SUGGESTED)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def directory_ids(mentee: User) -> set[int]:
    response = api_as(mentee).get("/api/v1/mentors/?page_size=100")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


# --- Unverified mentors see nobody ------------------------------------------------------------


@pytest.mark.parametrize("verification", [MentorProfile.Verification.UNVERIFIED, MentorProfile.Verification.REJECTED])
def test_an_unverified_mentor_gets_no_suggested_mentees(verification: str) -> None:
    make_mentee(stage=MenteeProfile.Stage.HIGH_SCHOOL)
    mentor = make_mentor(verified=False, verification=verification)
    response = api_as(mentor.user).get(SUGGESTED)
    assert response.status_code == 403
    assert "verified" in response.json()["detail"]


def test_an_unverified_mentor_sees_no_mentee_on_any_page() -> None:
    mentee = make_mentee(school="Lincoln High")
    mentor = make_mentor(verified=False)
    client = Client()
    client.force_login(mentor.user)
    inbox = client.get(reverse("matching:inbox"))
    assert "Lincoln High" not in inbox.content.decode()
    assert client.get(reverse("accounts:person", args=[mentee.user.pk])).status_code == 404
    assert api_as(mentor.user).get(f"/api/v1/people/{mentee.user.pk}/").status_code == 404


# --- Unconfirmed accounts are seen by nobody ---------------------------------------------------


def test_unconfirmed_mentees_are_not_suggested_to_mentors() -> None:
    confirmed, pending = make_mentee(), make_mentee()
    unconfirm(pending.user)
    mentor = make_mentor()
    assert suggested_ids(mentor.user) == {confirmed.user.pk}
    assert api_as(mentor.user).get(f"/api/v1/people/{pending.user.pk}/").status_code == 404


def test_unconfirmed_mentors_are_not_in_the_directory() -> None:
    confirmed, pending = make_mentor(), make_mentor()
    unconfirm(pending.user)
    mentee = make_mentee()
    assert directory_ids(mentee.user) == {confirmed.user.pk}
    assert api_as(mentee.user).get(f"/api/v1/people/{pending.user.pk}/").status_code == 404


def test_unconfirmed_people_are_left_out_of_cohort_runs() -> None:
    mentee, pending_mentee = make_mentee(), make_mentee()
    mentor, pending_mentor = make_mentor(), make_mentor()
    unconfirm(pending_mentee.user)
    unconfirm(pending_mentor.user)
    run = CohortRun.objects.create(program=mentee.user.memberships.get().program, created_by=make_coordinator())
    assert {p.user_id for p in cohort.chosen_mentees(run)} == {mentee.user_id}
    assert {p.user_id for p in cohort.chosen_mentors(run)} == {mentor.user_id}


def test_unconfirmed_people_are_not_in_the_recommendation_indexes() -> None:
    pending_mentee, pending_mentor = make_mentee(), make_mentor()
    unconfirm(pending_mentee.user)
    unconfirm(pending_mentor.user)
    engine.invalidate()
    found = engine.directory()
    assert pending_mentee.user_id not in found.mentees
    assert pending_mentor.user_id not in found.mentors


# --- A verified mentor's professional facts -----------------------------------------------------


def valid_npi(prefix: str) -> str:
    return prefix + str(npi_check_digit(prefix))


def sub_of(slug: str) -> int:
    return Specialty.objects.filter(parent__slug=slug).values_list("pk", flat=True)[0]


CHANGES: dict[str, Any] = {
    "profession": lambda: {"profession": "do"},
    "specialty": lambda: {"specialty": Specialty.objects.get(slug="pediatrics").pk},
    "subspecialties": lambda: {"subspecialties": [sub_of("internal-medicine")]},
    "board_certified": lambda: {"board_certified": False},
    "research doctorate claimed": lambda: {"research_doctorate": True},
    "profession to a near-peer resident": lambda: {"profession": "resident", "board_certified": False},
    "npi removed": lambda: {"npi": ""},
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_changing_a_professional_fact_returns_the_mentor_to_review(change: str) -> None:
    coordinator = make_coordinator()
    mentor = make_mentor(board_certified=True, npi=valid_npi("123456789"))
    mentee = make_mentee()
    assert mentor.user_id in directory_ids(mentee.user)

    response = api_as(mentor.user).patch(PROFILE, CHANGES[change](), format="json")

    assert response.status_code == 200, response.json()
    mentor.refresh_from_db()
    assert mentor.verification == MentorProfile.Verification.UNVERIFIED
    assert mentor.user_id not in directory_ids(mentee.user)
    assert api_as(mentor.user).get(SUGGESTED).status_code == 403
    assert Notification.objects.filter(recipient=coordinator, kind=Notification.Kind.VERIFICATION_NEEDED).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VERIFICATION_RESET, actor=mentor.user).exists()


def test_changing_the_specialty_on_the_profile_page_returns_to_review() -> None:
    mentor = make_mentor()
    client = Client()
    client.force_login(mentor.user)
    page = reverse("accounts:profile_step", args=["professional"])
    form = client.get(page).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data |= {"specialty": Specialty.objects.get(slug="pediatrics").pk, "first_name": "Max", "last_name": "M"}
    data.pop("subspecialties", None)
    response = client.post(page, data)
    assert response.status_code == 302, response.context["form"].errors
    mentor.refresh_from_db()
    assert mentor.verification == MentorProfile.Verification.UNVERIFIED


def test_other_edits_keep_a_mentor_verified() -> None:
    mentor = make_mentor(board_certified=True)
    response = api_as(mentor.user).patch(PROFILE, {"bio": "Happy to help.", "capacity": 3}, format="json")
    assert response.status_code == 200
    mentor.refresh_from_db()
    assert mentor.verification == MentorProfile.Verification.VERIFIED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VERIFICATION_RESET).exists()
