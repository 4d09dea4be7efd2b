"""One directory filter: for any combination of filters, the page and the API list the same mentors in the same order.

Both go through ``matching.filters.MentorFilter``; this test holds them to it for generated
combinations over a small directory built to make every filter bite (subspecialties, related
fields, languages, modes, kinds, search words, full and paused mentors).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Specialty
from tests.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

SPORTS_ORTHO = "orthopaedic-surgery--orthopaedic-sports-medicine"
FM_SPORTS = "family-medicine--sports-medicine"
SPECIALTIES = ["orthopaedic-surgery", SPORTS_ORTHO, "family-medicine", FM_SPORTS,
               "physical-medicine-and-rehabilitation", "dermatology", "internal-medicine"]  # fmt: skip
EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]
WORDS = ["sports", "lakeside", "grant", "medicine", "research", "Okonkwo", "mayo clinic", "ortho surgery", "zzz"]


@pytest.fixture
def people() -> dict[str, Any]:
    """A mentee and fourteen mentors who differ in every filtered field."""
    mentee = make_mentee(targets=(SPORTS_ORTHO,), topics=["research", "residency_applications"], availability=EVENINGS)
    plans: list[dict[str, Any]] = [
        {"specialty": "orthopaedic-surgery", "subspecialties": (SPORTS_ORTHO,), "institution": "Lakeside Hospital"},
        {"specialty": "orthopaedic-surgery", "languages": ["en", "es"], "last_name": "Okonkwo"},
        {"specialty": "family-medicine", "subspecialties": (FM_SPORTS,), "meeting_modes": ["in_person"]},
        {"specialty": "family-medicine", "kinds": ["task"], "topics": ["grant_writing"]},
        {"specialty": "physical-medicine-and-rehabilitation", "institution": "Mayo Clinic"},
        {"specialty": "dermatology", "languages": ["fr"], "accepting": False},
        {"specialty": "internal-medicine", "kinds": ["short_term", "task"], "capacity": 1, "full": True},
        {"specialty": "internal-medicine", "topics": ["research"], "meeting_modes": ["phone", "video"]},
        {"specialty": "emergency-medicine", "languages": ["es"], "institution": "Lakeside Clinic"},
        {"specialty": "pediatrics", "subspecialties": ("pediatrics--sports-medicine",), "kinds": ["long_term"]},
        {"specialty": "orthopaedic-surgery", "meeting_modes": ["video", "in_person"], "topics": ["grant_writing"]},
        {"specialty": "dermatology", "last_name": "Sportsman"},
        {"specialty": "internal-medicine", "verified": False},
        {"specialty": "family-medicine", "languages": ["en", "zh"], "kinds": ["long_term", "short_term"]},
    ]
    for number, plan in enumerate(plans):
        full, last_name = plan.pop("full", False), plan.pop("last_name", None)
        fields: dict[str, Any] = {
            "topics": ["research"],
            "kinds": ["long_term", "short_term"],
            "languages": ["en"],
            "meeting_modes": ["video"],
            "availability": EVENINGS[: 1 + number % 5],
            "capacity": 3,
            **plan,
        }
        profile = make_mentor(**fields)
        if last_name:
            profile.user.last_name = last_name
            profile.user.save(update_fields=["last_name"])
        if full:
            make_mentorship(mentor=profile)
    page, api = Client(), APIClient()
    page.force_login(mentee.user)
    api.force_authenticate(mentee.user)
    return {"page": page, "api": api, "ids": {slug: Specialty.objects.get(slug=slug).pk for slug in SPECIALTIES}}


def page_ids(client: Client, params: dict[str, str]) -> list[int]:
    response = client.get(reverse("matching:directory"), params)
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == 1  # the whole list is on one page
    return [card.profile.user_id for card in response.context["cards"]]


def api_ids(client: APIClient, params: dict[str, str]) -> list[int]:
    response = client.get("/api/v1/mentors/", {**params, "page_size": 100})
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "specialty": st.sampled_from(SPECIALTIES),
        "related": st.just(True),
        "language": st.sampled_from(["en", "es", "fr", "zh", "ar"]),
        "mode": st.sampled_from(["video", "phone", "in_person"]),
        "kind": st.sampled_from(["long_term", "short_term", "task"]),
        "q": st.sampled_from(WORDS),
        "everyone": st.just(True),
    },
)


def as_page(chosen: dict[str, Any], ids: dict[str, int]) -> dict[str, str]:
    params = {k: str(v) for k, v in chosen.items() if k in ("language", "mode", "kind", "q")}
    if "specialty" in chosen:
        params["specialty"] = str(ids[chosen["specialty"]])
    if chosen.get("related"):
        params["related"] = "on"  # the page's checkbox
    params["show"] = "everyone" if chosen.get("everyone") else "accepting"
    return params


def as_api(chosen: dict[str, Any], ids: dict[str, int]) -> dict[str, str]:
    params = {k: str(v) for k, v in chosen.items() if k in ("language", "mode", "kind", "q")}
    if "specialty" in chosen:
        params["specialty"] = str(ids[chosen["specialty"]])
    if chosen.get("related"):
        params["related"] = "true"
    params["accepting"] = "all" if chosen.get("everyone") else "true"
    return params


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=FILTERS)
def test_page_and_api_list_the_same_mentors_in_the_same_order(people: dict[str, Any], chosen: dict[str, Any]) -> None:
    listed = page_ids(people["page"], as_page(chosen, people["ids"]))
    assert listed == api_ids(people["api"], as_api(chosen, people["ids"])), chosen


def test_a_subspecialist_is_listed_under_the_specialty_on_both(people: dict[str, Any]) -> None:
    """The issue's example: the sports-medicine surgeon is listed under Orthopaedic Surgery on the page and the API."""
    chosen = {"specialty": "orthopaedic-surgery", "everyone": True}
    on_page = page_ids(people["page"], as_page(chosen, people["ids"]))
    assert len(on_page) == 3  # the two surgeons, and the one with the orthopaedic sports medicine subspecialty
    assert on_page == api_ids(people["api"], as_api(chosen, people["ids"]))
    # Non-vacuous: the filters narrow the lists, and search words too.
    everyone = page_ids(people["page"], {"show": "everyone"})
    assert len(everyone) == 13  # the unverified mentor is never listed
    assert len(page_ids(people["page"], {"q": "lakeside sports", "show": "everyone"})) == 1
