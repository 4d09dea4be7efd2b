"""Profile facts that must agree (accounts.models ``validate_mentee_path`` and the mentor rules).

Each contradiction is refused the same way on every path that writes a profile: the API
(``PATCH /api/v1/me/profile/``, a 400 naming the field), the profile page (the form error on
that field) and the admin (the same form error). A profile stored before the rules can still
change what the rules do not touch, and fix itself on its page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MenteeProfile, Specialty, validate_mentor_subspecialties
from tests.factories import api_client, make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/me/profile/"


api_as = api_client


def pk(slug: str) -> int:
    return Specialty.objects.get(slug=slug).pk


# (name, stage stored, PATCH body, the field the error names)
MENTEE_CONTRADICTIONS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "premed with a current specialty",
        "undergraduate",
        {"current_specialty": "internal-medicine"},
        "current_specialty",
    ),
    ("premed with a PGY year", "undergraduate", {"training_year": 3}, "training_year"),
    ("MS2 with a PGY year", "ms2", {"training_year": 1}, "training_year"),
    ("MD/PhD heading for PA", "undergraduate", {"intended_profession": "pa", "md_phd": True}, "md_phd"),
    ("MD/PhD allied-health student", "allied_health", {"md_phd": True}, "md_phd"),
    ("allied-health student heading for MD", "allied_health", {"intended_profession": "md"}, "intended_profession"),
    ("medical student heading for PA", "ms2", {"intended_profession": "pa"}, "intended_profession"),
    ("resident heading for nursing", "resident", {"intended_profession": "nursing"}, "intended_profession"),
    ("fellow heading for pharmacy", "fellow", {"intended_profession": "pharmacy"}, "intended_profession"),
]


def _body(body: dict[str, Any]) -> dict[str, Any]:
    return {name: pk(value) if name == "current_specialty" else value for name, value in body.items()}


@pytest.mark.parametrize(
    ("name", "stage", "body", "field"), MENTEE_CONTRADICTIONS, ids=[c[0] for c in MENTEE_CONTRADICTIONS]
)
def test_the_api_refuses_a_contradictory_mentee_profile(
    name: str, stage: str, body: dict[str, Any], field: str
) -> None:
    mentee = make_mentee(stage=stage)
    response = api_as(mentee.user).patch(PROFILE, _body(body), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    mentee.refresh_from_db()
    assert mentee.current_specialty is None and mentee.training_year is None and not mentee.md_phd


def test_the_whole_premed_case_names_both_residency_fields() -> None:
    mentee = make_mentee(stage="undergraduate")
    response = api_as(mentee.user).patch(
        PROFILE, {"current_specialty": pk("internal-medicine"), "training_year": 3}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"current_specialty", "training_year"}
    assert "residents and fellows" in errors["current_specialty"][0]


def test_agreeing_mentee_facts_are_accepted() -> None:
    resident = make_mentee(stage="resident")
    response = api_as(resident.user).patch(
        PROFILE, {"current_specialty": pk("internal-medicine"), "training_year": 2, "md_phd": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    # Blank profession + MD/PhD: undecided between MD and DO, a physician all the same.
    premed = make_mentee(stage="undergraduate")
    assert api_as(premed.user).patch(PROFILE, {"md_phd": True}, format="json").status_code == 200
    allied = make_mentee(stage="allied_health")
    assert api_as(allied.user).patch(PROFILE, {"intended_profession": "pa"}, format="json").status_code == 200


def test_a_change_of_stage_is_checked_against_what_is_stored() -> None:
    resident = make_mentee(
        stage="resident", current_specialty=Specialty.objects.get(slug="pediatrics"), training_year=2
    )
    response = api_as(resident.user).patch(PROFILE, {"stage": "ms4"}, format="json")
    assert response.status_code == 400
    assert {"current_specialty", "training_year"} <= set(response.json())
    fixed = {"stage": "ms4", "current_specialty": None, "training_year": None}
    assert api_as(resident.user).patch(PROFILE, fixed, format="json").status_code == 200


def about_data(client: Client, **changes: Any) -> dict[str, Any]:
    form = client.get(reverse("accounts:profile_step", args=["about"])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}
    data |= {"first_name": "Mia", "last_name": "M", "timezone": "UTC", **changes}
    return {name: value for name, value in data.items() if value is not None}


def test_the_about_page_shows_the_error_on_the_field() -> None:
    mentee = make_mentee(stage="undergraduate")
    client = Client()
    client.force_login(mentee.user)
    page = reverse("accounts:profile_step", args=["about"])
    response = client.post(page, about_data(client, current_specialty=pk("internal-medicine"), training_year=3))
    assert response.status_code == 400
    form = response.context["form"]
    assert "residents and fellows" in form.errors["current_specialty"][0]
    assert "training_year" in form.errors
    assert "residents and fellows" in response.content.decode()
    response = client.post(page, about_data(client, intended_profession="pa", md_phd="on"))
    assert "md_phd" in response.context["form"].errors
    mentee.refresh_from_db()
    assert mentee.current_specialty is None and not mentee.md_phd


def test_a_profile_stored_before_the_rules_can_edit_other_things_and_fix_itself() -> None:
    mentee = make_mentee(stage="undergraduate")
    MenteeProfile.objects.filter(pk=mentee.pk).update(
        current_specialty=Specialty.objects.get(slug="pediatrics"), training_year=3
    )
    client = api_as(mentee.user)
    assert client.patch(PROFILE, {"bio": "Still premed."}, format="json").status_code == 200
    browser = Client()
    browser.force_login(mentee.user)
    goals = reverse("accounts:profile_step", args=["goals"])
    assert browser.post(goals, {"goals_text": "Get into medical school"}).status_code == 302
    about = reverse("accounts:profile_step", args=["about"])
    response = browser.post(about, about_data(browser))
    assert "current_specialty" in response.context["form"].errors  # the page tells them what to fix
    fixed = about_data(browser)
    fixed.pop("current_specialty", None)
    fixed.pop("training_year", None)
    assert browser.post(about, fixed).status_code == 302
    mentee.refresh_from_db()
    assert mentee.current_specialty is None and mentee.training_year is None


# --- Mentors -----------------------------------------------------------------------------------


def sub(specialty: str, key: str) -> int:
    return pk(f"{specialty}--{key}")


MENTOR_CONTRADICTIONS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "dermatologist with interventional cardiology",
        {"specialty": "dermatology"},
        {"subspecialties": [("internal-medicine", "interventional-cardiology")]},
        "subspecialties",
    ),
    (
        "rheumatology without internal medicine",
        {"specialty": "dermatology"},
        {"subspecialties": [("internal-medicine", "rheumatology")]},
        "subspecialties",
    ),
    (
        "subspecialties without a specialty",
        {"specialty": "internal-medicine"},
        {"specialty": None, "subspecialties": [("internal-medicine", "rheumatology")]},
        "subspecialties",
    ),
    (
        "physical therapist board certified",
        {"specialty": "orthopaedic-surgery", "profession": "dpt"},
        {"board_certified": True},
        "board_certified",
    ),
    (
        "physical therapist with a subspecialty certificate",
        {"specialty": "orthopaedic-surgery", "profession": "dpt"},
        {"subspecialties": [("orthopaedic-surgery", "orthopaedic-sports-medicine")]},
        "subspecialties",
    ),
    (
        "resident (near-peer) board certified",
        {"specialty": "internal-medicine", "profession": "resident"},
        {"board_certified": True},
        "board_certified",
    ),
    (
        "a certified physician becomes a nurse practitioner",
        {"specialty": "internal-medicine", "board_certified": True},
        {"profession": "np"},
        "board_certified",
    ),
]


def _mentor_body(body: dict[str, Any]) -> dict[str, Any]:
    found = dict(body)
    if "subspecialties" in found:
        found["subspecialties"] = [sub(*pair) for pair in found["subspecialties"]]
    if found.get("specialty"):
        found["specialty"] = pk(found["specialty"])
    return found


@pytest.mark.parametrize(
    ("name", "stored", "body", "field"), MENTOR_CONTRADICTIONS, ids=[c[0] for c in MENTOR_CONTRADICTIONS]
)
def test_the_api_refuses_contradictory_mentor_credentials(
    name: str, stored: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    mentor = make_mentor(**stored)
    response = api_as(mentor.user).patch(PROFILE, _mentor_body(body), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    mentor.refresh_from_db()
    assert mentor.specialty is not None and not mentor.subspecialties.exists()


@pytest.mark.parametrize(
    ("specialty", "subspecialty"),
    [
        ("internal-medicine", ("internal-medicine", "rheumatology")),  # its own board
        ("internal-medicine", ("internal-medicine", "interventional-cardiology")),  # through cardiology
        ("pediatrics", ("internal-medicine", "adult-congenital-heart-disease")),  # an entry route
        ("neurology", ("psychiatry", "hospice-and-palliative-medicine")),  # its own board's version (ABPN)
    ],
)
def test_a_reachable_subspecialty_is_accepted(specialty: str, subspecialty: tuple[str, str]) -> None:
    mentor = make_mentor(specialty=specialty)
    response = api_as(mentor.user).patch(PROFILE, {"subspecialties": [sub(*subspecialty)]}, format="json")
    assert response.status_code == 200, response.json()


def test_the_error_names_the_unreachable_certificate_and_the_specialty() -> None:
    mentor = make_mentor(specialty="dermatology")
    response = api_as(mentor.user).patch(
        PROFILE, {"subspecialties": [sub("internal-medicine", "interventional-cardiology")]}, format="json"
    )
    message = response.json()["subspecialties"][0]
    assert "Interventional Cardiology (Internal Medicine)" in message and "Dermatology" in message


def professional_data(client: Client, **changes: Any) -> dict[str, Any]:
    form = client.get(reverse("accounts:profile_step", args=["professional"])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}
    if "subspecialties" in data:
        data["subspecialties"] = [each.pk for each in data["subspecialties"]]
    data |= {"first_name": "Max", "last_name": "M", "timezone": "UTC", **changes}
    return {name: value for name, value in data.items() if value is not None}


def test_the_professional_page_shows_the_errors_on_the_fields() -> None:
    mentor = make_mentor(specialty="dermatology")
    client = Client()
    client.force_login(mentor.user)
    page = reverse("accounts:profile_step", args=["professional"])
    response = client.post(
        page,
        professional_data(
            client,
            profession="dpt",
            board_certified="on",
            subspecialties=[sub("internal-medicine", "interventional-cardiology")],
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "physician" in errors["board_certified"][0]
    assert "physician" in errors["subspecialties"][0]
    response = client.post(page, professional_data(client, subspecialties=[sub("internal-medicine", "rheumatology")]))
    assert "cannot be reached from Dermatology" in response.context["form"].errors["subspecialties"][0]
    mentor.refresh_from_db()
    assert mentor.profession == "md" and not mentor.subspecialties.exists()


def test_the_admin_refuses_what_the_page_refuses() -> None:
    coordinator = make_coordinator()  # an administrator: the Coordinators group only views profiles
    coordinator.is_superuser = True
    coordinator.save(update_fields=["is_superuser"])
    mentor = make_mentor(specialty="dermatology", profession="dpt", verified=False)
    client = Client()
    client.force_login(coordinator)
    page = reverse("admin:accounts_mentorprofile_change", args=[mentor.pk])
    form = client.get(page).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    for name in ("topics", "kinds"):
        data[name] = form[name].value()
    data |= {"board_certified": "on", "subspecialties": [sub("internal-medicine", "rheumatology")]}
    data = {name: value for name, value in data.items() if name in form.fields}
    response = client.post(page, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "board_certified" in errors and "subspecialties" in errors
    mentee = make_mentee(stage="undergraduate")
    page = reverse("admin:accounts_menteeprofile_change", args=[mentee.pk])
    form = client.get(page).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data |= {"training_year": 3}
    response = client.post(page, data)
    assert response.status_code == 200
    assert "training_year" in response.context["adminform"].form.errors


def test_checking_many_subspecialties_reads_the_taxonomy_once() -> None:
    specialty = Specialty.objects.get(slug="internal-medicine")
    chosen = list(Specialty.objects.subspecialties().select_related("parent"))
    with CaptureQueriesContext(connection) as captured, pytest.raises(ValidationError) as refused:
        validate_mentor_subspecialties(profession="md", specialty=specialty, subspecialties=chosen)
    assert len(captured) <= 3
    assert "Rheumatology (Internal Medicine)" not in str(refused.value)
    assert "Dermatopathology (Dermatology)" in str(refused.value)


@pytest.mark.parametrize(
    ("specialty", "subspecialty"),
    [
        ("psychiatry", ("anesthesiology", "sleep-medicine")),  # another board's version of a shared certificate
        ("neurology", ("internal-medicine", "hospice-and-palliative-medicine")),
    ],
)
def test_a_shared_certificate_is_held_through_the_mentors_own_board(
    specialty: str, subspecialty: tuple[str, str]
) -> None:
    mentor = make_mentor(specialty=specialty)
    response = api_as(mentor.user).patch(PROFILE, {"subspecialties": [sub(*subspecialty)]}, format="json")
    assert response.status_code == 400, response.json()
    assert "your own board's version" in response.json()["subspecialties"][0]


def test_a_resident_trains_in_a_specialty_not_a_fellowship() -> None:
    mentee = make_mentee(stage="resident")
    fellowship = {"current_specialty": sub("orthopaedic-surgery", "orthopaedic-sports-medicine"), "training_year": 1}
    response = api_as(mentee.user).patch(PROFILE, fellowship, format="json")
    assert response.status_code == 400 and "current_specialty" in response.json(), response.json()
    as_fellow = api_as(mentee.user).patch(PROFILE, {**fellowship, "stage": "fellow", "training_year": 5}, format="json")
    assert as_fellow.status_code == 200, as_fellow.json()
