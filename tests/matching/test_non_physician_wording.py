"""A mentor without a board certificate (PA, NP, PT, ...) is never told about "your certificate".

Their field is the field they work in: the suggested-mentees list (reasons worded for the
mentor) says so, on every rung of the ladder, while a physician keeps the certificate wording.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import MentorProfile, Program, Specialty
from accounts.taxonomy import TAXONOMY
from matching.scoring import reasons
from matching.services import cohort
from matching.tasks import run_cohort
from tests.factories import make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

SUGGESTED = "/api/v1/mentees/suggested/"
SPORTS = "orthopaedic-surgery--orthopaedic-sports-medicine"
TARGETS = (
    "orthopaedic-surgery",  # the field itself
    "orthopaedic-surgery--orthopaedic-sports-medicine",  # built on it
    "family-medicine--sports-medicine",  # a shared domain
    "dermatology",  # a different field
)


def field_reasons(mentor_user: object) -> dict[str, str]:
    client = APIClient()
    client.force_authenticate(mentor_user)
    response = client.get(SUGGESTED)
    assert response.status_code == 200, response.json()
    slugs = dict(Specialty.objects.values_list("pk", "slug"))
    return {
        slugs[item["target_specialties"][0]["id"]]: item["match"]["reasons"][0]["text"]
        for item in response.json()["results"]
        if item["target_specialties"]
    }


def test_a_physical_therapist_reads_the_field_they_work_in_not_a_certificate() -> None:
    for target in TARGETS:
        make_mentee(stage="allied_health", intended_profession="pt_ot", targets=(target,))
    therapist = make_mentor(specialty="orthopaedic-surgery", profession="dpt")
    surgeon = make_mentor(specialty="orthopaedic-surgery")

    told = field_reasons(therapist.user)
    assert set(told) == set(TARGETS)
    assert all("certificate" not in text for text in told.values()), told
    assert told["orthopaedic-surgery"] == "Aims for Orthopaedic Surgery: the field you work in"
    assert "the field you work in" in told["orthopaedic-surgery--orthopaedic-sports-medicine"], told
    # A physician keeps the certificate wording.
    assert field_reasons(surgeon.user)["orthopaedic-surgery"] == "Aims for Orthopaedic Surgery: your own certificate"


def test_no_rung_of_the_ladder_says_certificate_to_a_non_physician() -> None:
    seen: dict[str, str] = {}
    nodes = list(TAXONOMY)
    for target in nodes:
        for own in nodes:
            found = TAXONOMY.alignment_reason(target.slug, own.slug, audience="mentor")
            seen.setdefault(found.rung.key, found.reason)
    assert len(seen) >= 8
    for key, text in seen.items():
        assert "certificate" not in reasons._without_certificate(text), (key, text)


# --- What the cards say -------------------------------------------------------------------------


def card_line(mentee_user: object, mentor_id: int) -> str:
    client = Client()
    client.force_login(mentee_user)
    page = client.get(reverse("matching:directory"), {"show": "everyone"}).content.decode()
    card = page[page.index(f'id="mentor-{mentor_id}"') :]
    line = card[card.index('<p class="mentor-field">') : card.index("</p>")]
    return " ".join(re.sub(r"<[^>]+>", "", line).split())


def test_a_directory_card_names_the_profession_before_the_field() -> None:
    mentee = make_mentee(targets=("orthopaedic-surgery",))
    therapist = make_mentor(specialty="orthopaedic-surgery", profession="dpt")
    surgeon = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS,))
    assert card_line(mentee.user, therapist.user_id) == "Physical therapist (DPT) · Orthopaedic Surgery"
    assert card_line(mentee.user, surgeon.user_id) == "MD · Orthopaedic Surgery · Orthopaedic Sports Medicine"


def test_a_card_stored_before_the_rules_has_no_dangling_separator() -> None:
    mentee = make_mentee(targets=("internal-medicine",))
    legacy = make_mentor(specialty="internal-medicine", subspecialties=("internal-medicine--rheumatology",))
    MentorProfile.objects.filter(pk=legacy.pk).update(specialty=None, profession="")
    assert card_line(mentee.user, legacy.user_id) == "Rheumatology"


def test_the_cohort_review_shows_profession_and_subspecialties() -> None:
    coordinator = make_coordinator()
    make_mentee(stage="ms3", targets=(SPORTS,), topics=["research"], kinds=["long_term"])
    make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS,), topics=["research"], kinds=["long_term"])
    run = cohort.create_run(
        program=Program.objects.default(),
        by=coordinator,
        algorithm="optimal",
        min_score=0.0,
        max_load=None,
        mentee_filter={},
        mentor_filter={},
    )
    assert run_cohort(run.pk) == "proposed"
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("admin:matching_cohortrun_review", args=[run.pk])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "MD · Orthopaedic Surgery · Orthopaedic Sports Medicine" in text
