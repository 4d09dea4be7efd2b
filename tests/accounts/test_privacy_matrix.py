"""Issue 3 acceptance: private background attributes never reach another person.

Every background attribute x every visibility x every viewer (another mentee, a mentor,
a coordinator, an anonymous visitor), for a mentor and for a mentee who owns it, over
the person page (``/people/<id>/``) and the API (``/api/v1/people/<id>/``; ``/api/v1/me/``
only ever shows the caller). An attribute shows exactly when its visibility allows:

- private: never, to anyone but the owner;
- coordinators: to coordinators only;
- everyone: to every signed-in viewer who may see the person at all;
- anonymous visitors: never.

Values are distinctive so a leak is detectable: a gender identity or race shows as a
label no other part of the page uses, and a yes/no attribute betrays itself by its label
("LGBTQ+") alone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from accounts.models import Background, User
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Marker:
    """An attribute's value and the text that betrays it."""

    value: Any
    label: str
    shown: str | None  # how the page writes the value, when that alone is distinctive
    raw: tuple[str, ...]  # value keys that must not appear in JSON either


MARKERS = {
    Background.Attribute.GENDER_IDENTITY: Marker("nonbinary", "Gender identity", "Non-binary", ("nonbinary",)),
    Background.Attribute.RACE_ETHNICITY: Marker(
        ["native_hawaiian_pacific_islander"],
        "Race / ethnicity",
        "Native Hawaiian or Pacific Islander",
        ("native_hawaiian_pacific_islander",),
    ),
    Background.Attribute.FIRST_GENERATION: Marker(True, "First-generation college student", None, ()),
    Background.Attribute.URM: Marker(True, "Under-represented in medicine", None, ()),
    Background.Attribute.LGBTQ: Marker(True, "LGBTQ+", None, ()),
    Background.Attribute.DISABILITY: Marker(True, "Disability", None, ()),
    Background.Attribute.RURAL: Marker(True, "Rural background", None, ()),
    Background.Attribute.INTERNATIONAL: Marker(True, "International", None, ()),
}
VIEWERS = ["other_mentee", "mentor", "coordinator", "anonymous"]
OWNERS = ["mentor", "mentee"]


def test_every_attribute_is_in_the_matrix() -> None:
    assert set(MARKERS) == set(Background.Attribute)
    assert {marker.label for marker in MARKERS.values()} == set(Background.Attribute.labels)


def make_owner(kind: str) -> User:
    # Nothing else on their page may mention a background label (no preferred groups, no comfort preferences).
    return make_mentor().user if kind == "mentor" else make_mentee().user


def make_viewer(kind: str) -> User | None:
    if kind == "other_mentee":
        return make_mentee().user
    if kind == "mentor":
        return make_mentor().user
    if kind == "coordinator":
        return make_coordinator()
    return None


def may_see_person(viewer: str, owner: str) -> bool:
    """The access rule, written out independently of the code under test."""
    if viewer == "anonymous":
        return False
    if viewer == "other_mentee":
        return owner == "mentor"  # mentees see verified mentors only
    return True  # mentors see mentees and verified mentors; coordinators see anyone


def may_see_attribute(visibility: str, viewer: str, owner: str) -> bool:
    if not may_see_person(viewer, owner):
        return False
    if visibility == Background.Visibility.EVERYONE:
        return True
    if visibility == Background.Visibility.COORDINATORS:
        return viewer == "coordinator"
    return False  # private: matching only


def person_page_url(user_id: int) -> str:
    try:
        return reverse("accounts:person", args=[user_id])
    except NoReverseMatch:
        pytest.skip("the person page (URL name accounts:person) is not built yet")


def assert_page_shows(html: str, marker: Marker, shown: bool) -> None:
    if shown:
        assert marker.label in html
        if marker.shown:
            assert marker.shown in html
    else:
        assert marker.label not in html
        for text in (marker.shown, *marker.raw):
            if text:
                assert text not in html


def assert_json_shows(body: dict[str, Any], attribute: str, marker: Marker, shown: bool) -> None:
    background = body["background"]
    if shown:
        assert background[attribute]["value"] == marker.value
        assert background[attribute]["label"] == marker.label
    else:
        assert attribute not in background
        text = json.dumps(body)
        assert marker.label not in text
        assert f'"{attribute}"' not in text
        for raw in marker.raw:
            assert raw not in text


matrix = pytest.mark.parametrize(
    ("attribute", "visibility", "viewer_kind", "owner_kind"),
    [
        (attribute, visibility, viewer, owner)
        for attribute in Background.Attribute
        for visibility in Background.Visibility
        for viewer in VIEWERS
        for owner in OWNERS
    ],
    ids=lambda value: str(value),
)


@matrix
def test_person_page(attribute: str, visibility: str, viewer_kind: str, owner_kind: str) -> None:
    owner = make_owner(owner_kind)
    url = person_page_url(owner.pk)
    marker = MARKERS[attribute]  # type: ignore[index]
    give_background(owner, attribute, marker.value, visibility)
    viewer = make_viewer(viewer_kind)
    client = Client()
    if viewer is not None:
        client.force_login(viewer)

    response = client.get(url)

    if viewer is None:
        assert response.status_code == 302  # to the login page
    else:
        assert response.status_code == (200 if may_see_person(viewer_kind, owner_kind) else 404)
    assert_page_shows(response.content.decode(), marker, may_see_attribute(visibility, viewer_kind, owner_kind))


@matrix
def test_person_api(attribute: str, visibility: str, viewer_kind: str, owner_kind: str) -> None:
    owner = make_owner(owner_kind)
    marker = MARKERS[attribute]  # type: ignore[index]
    give_background(owner, attribute, marker.value, visibility)
    viewer = make_viewer(viewer_kind)
    client = APIClient()
    if viewer is not None:
        client.force_authenticate(viewer)

    response = client.get(reverse("api:person-detail", args=[owner.pk]))

    if not may_see_person(viewer_kind, owner_kind):
        assert response.status_code in ((401, 403) if viewer is None else (404,))
        text = response.content.decode()
        assert marker.label not in text and f'"{attribute}"' not in text
        return
    assert response.status_code == 200
    assert_json_shows(response.json(), attribute, marker, may_see_attribute(visibility, viewer_kind, owner_kind))
    # /me/ always describes the caller, never the person they looked at.
    me = client.get("/api/v1/me/").json()
    assert me["id"] == viewer.pk  # type: ignore[union-attr]
    assert marker.label not in json.dumps(me)


# --- Positive controls: the markers are detectable -------------------------------------------------


@pytest.mark.parametrize("owner_kind", OWNERS)
def test_owners_see_all_their_own_attributes_private_included(owner_kind: str) -> None:
    owner = make_owner(owner_kind)
    for attribute, marker in MARKERS.items():
        give_background(owner, attribute, marker.value, Background.Visibility.PRIVATE)
    api = APIClient()
    api.force_authenticate(owner)

    person = api.get(reverse("api:person-detail", args=[owner.pk])).json()
    me = api.get("/api/v1/me/").json()

    for attribute, marker in MARKERS.items():
        assert_json_shows(person, attribute, marker, shown=True)
        assert_json_shows(me["profile"], attribute, marker, shown=True)
        assert me["profile"]["background"][attribute]["visibility"] == "private"
    page = Client()
    page.force_login(owner)
    html = page.get(person_page_url(owner.pk)).content.decode()
    for marker in MARKERS.values():
        assert_page_shows(html, marker, shown=True)


def test_a_shared_attribute_does_not_carry_the_private_ones_with_it() -> None:
    owner = make_mentor().user
    give_background(owner, Background.Attribute.RURAL, True, Background.Visibility.EVERYONE)
    give_background(owner, Background.Attribute.LGBTQ, True, Background.Visibility.PRIVATE)
    give_background(owner, Background.Attribute.GENDER_IDENTITY, "nonbinary", Background.Visibility.COORDINATORS)
    api = APIClient()
    api.force_authenticate(make_mentee().user)

    background = api.get(reverse("api:person-detail", args=[owner.pk])).json()["background"]

    assert set(background) == {"rural"}


# --- Logs and string forms -----------------------------------------------------------------------


def test_updating_background_through_the_api_never_logs_a_value(caplog: pytest.LogCaptureFixture) -> None:
    mentee = make_mentee()
    api = APIClient()
    api.force_authenticate(mentee.user)
    caplog.set_level(logging.DEBUG)

    ok = api.patch(
        "/api/v1/me/profile/",
        {
            "background": {
                "gender_identity": {"value": "nonbinary", "visibility": "private"},
                "race_ethnicity": {"value": ["native_hawaiian_pacific_islander"], "visibility": "coordinators"},
                "lgbtq": {"value": True, "visibility": "everyone"},
            }
        },
        format="json",
    )
    refused = api.patch(
        "/api/v1/me/profile/",
        {"background": {"gender_identity": {"value": "zz-leaked-zz", "visibility": "private"}}},
        format="json",
    )
    removed = api.patch("/api/v1/me/profile/", {"background": {"lgbtq": None}}, format="json")

    assert (ok.status_code, refused.status_code, removed.status_code) == (200, 400, 200)
    assert any("background" in record.getMessage() for record in caplog.records), "the change itself is logged"
    logged = "\n".join(
        [caplog.text]
        + [record.getMessage() for record in caplog.records]
        + [repr(record.args) for record in caplog.records]
    )
    for secret in ("nonbinary", "Non-binary", "native_hawaiian", "Pacific Islander", "zz-leaked-zz"):
        assert secret not in logged
    assert "'value'" not in logged and '"value"' not in logged


@pytest.mark.parametrize(("attribute", "marker"), list(MARKERS.items()), ids=[str(a) for a in MARKERS])
def test_background_str_and_repr_never_contain_the_value(attribute: str, marker: Marker) -> None:
    owner = make_mentee().user
    give_background(owner, attribute, marker.value, Background.Visibility.EVERYONE)
    row = Background.objects.get(user=owner, attribute=attribute)
    for text in (str(row), repr(row)):
        assert str(marker.value) not in text
        for secret in (marker.shown, *marker.raw):
            if secret:
                assert secret not in text
