"""Directory and list endpoints use as many SQL queries for a page of 40 as for a page of 5."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Background, Specialty
from matching.models import Goal, Mentorship
from matching.services.requests import accept_request
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

SPECIALTIES = ("orthopaedic-surgery", "family-medicine", "internal-medicine", "pediatrics", "emergency-medicine")
SUBSPECIALTIES = ("orthopaedic-surgery--orthopaedic-sports-medicine", "family-medicine--sports-medicine")
PEOPLE = 60


def signed_in(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def queries(client: APIClient, url: str, page_size: int, **params: Any) -> tuple[int, int]:
    """(SQL queries, items) of one page; a first call warms the per-process index."""
    client.get(url, {"page_size": page_size, **params})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size, **params})
    assert response.status_code == 200, response.json()
    return len(captured), len(response.json()["results"])


def assert_constant(client: APIClient, url: str, **params: Any) -> None:
    small, small_items = queries(client, url, 5, **params)
    large, large_items = queries(client, url, 40, **params)
    assert (small_items, large_items) == (5, 40)
    assert large == small, f"{url}: {small} queries for 5 items, {large} for 40"


def varied_mentor(number: int, **fields: Any) -> Any:
    specialty = SPECIALTIES[number % len(SPECIALTIES)]
    profile = make_mentor(
        specialty=specialty,
        # Only certificates reachable from the specialty (accounts.models.validate_mentor_subspecialties).
        subspecialties=tuple(s for s in SUBSPECIALTIES if s.startswith(f"{specialty}--")) if number % 3 == 0 else (),
        topics=["research", "residency_applications"],
        kinds=["long_term"],
        languages=["en", "es"] if number % 2 else ["en"],
        meeting_modes=["video"],
        capacity=3,
        **fields,
    )
    give_background(profile.user, "gender_identity", "woman", Background.Visibility.EVERYONE)
    give_background(profile.user, "first_generation", True, Background.Visibility.PRIVATE)
    return profile


@pytest.fixture
def mentee() -> Any:
    return make_mentee(stage="ms3", targets=(SUBSPECIALTIES[0],), topics=["research"], kinds=["long_term"])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "name"},
        {"accepting": "all", "language": "en"},
        {"q": "Mentor", "kind": "long_term"},
        {"specialty": "related"},
    ],
    ids=["by-score", "by-name", "filtered", "search", "specialty-with-related"],
)
def test_directory_queries_do_not_grow_with_the_page(mentee: Any, params: dict[str, Any]) -> None:
    for number in range(PEOPLE):
        varied_mentor(number)
    if params.get("specialty") == "related":
        params = {"specialty": Specialty.objects.get(slug=SUBSPECIALTIES[0]).pk, "related": "true"}
        for number in range(PEOPLE):  # enough sports-medicine mentors for a page of 40
            varied_mentor(number * len(SPECIALTIES) * 3)

    assert_constant(signed_in(mentee.user), "/api/v1/mentors/", **params)


def test_suggested_mentees_queries_do_not_grow_with_the_page() -> None:
    mentor = varied_mentor(0)
    for number in range(PEOPLE):
        profile = make_mentee(stage="ms2", targets=(SUBSPECIALTIES[number % 2],), topics=["research"])
        give_background(profile.user, "rural", True, Background.Visibility.EVERYONE)

    assert_constant(signed_in(mentor.user), "/api/v1/mentees/suggested/")


def many(make: Callable[[int], Any]) -> None:
    for number in range(45):
        make(number)


def test_request_list_queries_do_not_grow_with_the_page() -> None:
    mentor = make_mentor(capacity=50)  # accepted requests awaiting approval hold places too
    many(
        lambda n: (
            accept_request(request=make_request(mentor=mentor), by=mentor.user)
            if n % 2
            else make_request(mentor=mentor)
        )
    )

    for viewer in (mentor.user, make_coordinator()):
        assert_constant(signed_in(viewer), "/api/v1/requests/")


def test_mentorship_and_goal_lists_queries_do_not_grow_with_the_page() -> None:
    mentor = make_mentor(capacity=20)
    many(lambda n: make_mentorship(mentor=make_mentor(capacity=3) if n >= 19 else mentor))
    for mentorship in Mentorship.objects.all():
        Goal.objects.create(mentorship=mentorship, text="Abstract")
        Goal.objects.create(mentorship=mentorship, text="Poster", done=True)
    first = Mentorship.objects.filter(mentor=mentor.user).first()
    assert first is not None
    Goal.objects.bulk_create(Goal(mentorship=first, text=f"Goal {n}") for n in range(45))

    assert_constant(signed_in(make_coordinator()), "/api/v1/mentorships/")
    assert_constant(signed_in(mentor.user), f"/api/v1/mentorships/{first.pk}/goals/")
