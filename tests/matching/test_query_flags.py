"""Yes/no query parameters read the same words everywhere (``accounts.validators.parse_flag``).

1/true/yes/on are true, 0/false/no/off are false (any case), anything else is an error: a 400
naming the parameter in the API, a form error (and a 400) on the directory page. Before,
the page's checkbox widget read every word but "false" as ticked, so ``?related=0`` was
``related=true`` and ``?related=maybe`` a quiet yes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Specialty
from tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"
TRUE_WORDS = ["1", "true", "TRUE", "yes", "on", "On"]
FALSE_WORDS = ["0", "false", "False", "no", "off"]
NONSENSE = ["maybe", "2", "y", "t", "truthy", "-1"]
TARGET = "orthopaedic-surgery--orthopaedic-sports-medicine"


@pytest.fixture
def world() -> dict[str, Any]:
    """A mentee, a sports orthopaedist (in the specialty) and a family-medicine sports physician (related)."""
    mentee = make_mentee(stage="ms3", targets=(TARGET,))
    surgeon = make_mentor(specialty="orthopaedic-surgery", subspecialties=(TARGET,))
    related = make_mentor(specialty="family-medicine", subspecialties=("family-medicine--sports-medicine",))
    full = make_mentor(specialty="orthopaedic-surgery", subspecialties=(TARGET,), accepting=False)
    return {"mentee": mentee, "surgeon": surgeon.user_id, "related": related.user_id, "full": full.user_id}


def api(world: dict[str, Any]) -> APIClient:
    client = APIClient()
    client.force_authenticate(world["mentee"].user)
    return client


def listed(client: APIClient, **params: Any) -> set[int]:
    response = client.get(MENTORS, params)
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


def test_the_api_reads_related_as_a_boolean(world: dict[str, Any]) -> None:
    client = api(world)
    specialty = Specialty.objects.get(slug=TARGET).pk
    narrow, wide = {world["surgeon"]}, {world["surgeon"], world["related"]}
    assert listed(client, specialty=specialty) == narrow
    for word in TRUE_WORDS:
        assert listed(client, specialty=specialty, related=word) == wide, word
    for word in FALSE_WORDS:
        assert listed(client, specialty=specialty, related=word) == narrow, word
    for word in NONSENSE:
        response = client.get(MENTORS, {"specialty": specialty, "related": word})
        assert response.status_code == 400, word
        assert "related" in response.json(), response.json()


def test_the_api_reads_accepting_as_a_boolean_or_all(world: dict[str, Any]) -> None:
    client = api(world)
    assert world["full"] not in listed(client)
    for word in TRUE_WORDS:
        assert world["full"] not in listed(client, accepting=word), word
    for word in [*FALSE_WORDS, "all", "ALL"]:
        assert world["full"] in listed(client, accepting=word), word
    for word in NONSENSE:
        response = client.get(MENTORS, {"accepting": word})
        assert response.status_code == 400, word
        assert "accepting" in response.json()


@pytest.mark.parametrize(("url", "name"), [("/api/v1/notifications/", "unread"), ("/api/v1/specialties/", "primary")])
def test_every_other_yes_no_parameter_of_the_api_reads_the_same_words(
    world: dict[str, Any], url: str, name: str
) -> None:
    client = api(world)
    for word in [*TRUE_WORDS, *FALSE_WORDS]:
        assert client.get(url, {name: word}).status_code == 200, word
    for word in NONSENSE:
        response = client.get(url, {name: word})
        assert response.status_code == 400, word
        assert name in response.json()


def test_primary_reads_its_words(world: dict[str, Any]) -> None:
    client = api(world)
    everything = client.get("/api/v1/specialties/", {"primary": "yes", "page_size": 500}).json()
    items = everything["results"] if isinstance(everything, dict) else everything
    assert items and all(item["parent"] is None for item in items)
    none = client.get("/api/v1/specialties/", {"primary": "off", "page_size": 500}).json()
    items = none["results"] if isinstance(none, dict) else none
    assert items and all(item["parent"] is not None for item in items)


def page(client: Client, **params: Any) -> Any:
    return client.get(reverse("matching:directory"), params)


def test_the_page_reads_related_as_a_boolean_and_shows_an_error_otherwise(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["mentee"].user)
    specialty = Specialty.objects.get(slug=TARGET).pk

    def ids(**params: Any) -> set[int]:
        response = page(client, specialty=specialty, **params)
        assert response.status_code == 200
        return {card.profile.user_id for card in response.context["cards"]}

    narrow, wide = {world["surgeon"]}, {world["surgeon"], world["related"]}
    assert ids() == narrow
    for word in TRUE_WORDS:
        assert ids(related=word) == wide, word
    for word in FALSE_WORDS:
        assert ids(related=word) == narrow, word
    response = page(client, specialty=specialty, related="maybe")
    assert response.status_code == 400
    assert "related" in response.context["form"].errors
    assert "Must be true or false" in response.content.decode()
    # The checkbox shows ticked only for a true word.
    assert "checked" in str(page(client, specialty=specialty, related="on").context["form"]["related"])
    assert "checked" not in str(page(client, specialty=specialty, related="0").context["form"]["related"])


def test_the_page_reads_favourites_the_same_way(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["mentee"].user)
    everyone = {card.profile.user_id for card in page(client, favourites="0").context["cards"]}
    assert world["surgeon"] in everyone  # "0" is not "only my favourites" (none saved)
    assert page(client, favourites="maybe").status_code == 400
