"""API v1 about people: tokens, /me/, the own profile, the taxonomy and person pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Background, MenteeProfile, MentorProfile, Specialty, User
from accounts.permissions import can_view_person
from accounts.validators import npi_check_digit
from tests.factories import PASSWORD, give_background, make_coordinator, make_mentee, make_mentor, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
PROFILE_URL = "/api/v1/me/profile/"
SPECIALTIES_URL = "/api/v1/specialties/"
ORTHO_SPORTS = "orthopaedic-surgery--orthopaedic-sports-medicine"
FM_SPORTS = "family-medicine--sports-medicine"


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    # A fresh in-memory cache per test: the login throttle counts in the cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def valid_npi(prefix: str = "123456789") -> str:
    return prefix + str(npi_check_digit(prefix))


def specialty(slug: str) -> Specialty:
    return Specialty.objects.get(slug=slug)


# --- Token -------------------------------------------------------------------------------------


def test_demo_like_user_gets_a_token_and_uses_it(api: APIClient) -> None:
    mentor = make_mentor(email="mentor@example.com")

    response = api.post(TOKEN_URL, {"email": "Mentor@Example.COM", "password": PASSWORD}, format="json")

    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=mentor.user)
    assert token.startswith(stored.token_key) and stored.digest != token  # kept hashed, never as given
    assert stored.expiry is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["id"] == mentor.user.pk
    assert me.json()["role"] == "mentor"


def test_each_request_makes_a_new_token_and_both_work(api: APIClient) -> None:
    user = make_mentee().user
    first = api.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json").json()["token"]
    second = api.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json").json()["token"]
    assert first != second
    for token in (first, second):
        assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(ME_URL).status_code == 200


def test_token_needs_no_csrf_token_even_with_a_session() -> None:
    user = make_mentee().user
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "someone@example.org", "password": "wrong password"},
        {"email": "nobody@example.org", "password": PASSWORD},
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_bad_credentials_get_one_clear_message(api: APIClient, credentials: dict[str, str]) -> None:
    make_user(email="someone@example.org")
    response = api.post(TOKEN_URL, credentials, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to sign in with this email address and password."}


def test_missing_fields_are_named(api: APIClient) -> None:
    response = api.post(TOKEN_URL, {"email": "not an email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_inactive_users_get_no_token(api: APIClient) -> None:
    user = make_user(is_active=False)
    response = api.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert not AuthToken.objects.filter(user=user).exists()


def test_unverified_email_is_refused_with_a_clear_message(api: APIClient) -> None:
    user = make_user()
    user.emailaddress_set.update(verified=False)
    response = api.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["detail"]
    assert not AuthToken.objects.filter(user=user).exists()


def test_user_without_any_email_record_is_refused(api: APIClient) -> None:
    user = User.objects.create_user(email="bare@example.org", password=PASSWORD)
    response = api.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["detail"]


def test_token_requests_for_one_account_lock_it(api: APIClient) -> None:
    for _ in range(5):  # SIGNIN_FAILURES_PER_ACCOUNT
        assert api.post(TOKEN_URL, {"email": "x@example.org", "password": "guess"}, format="json").status_code == 400
    response = api.post(TOKEN_URL, {"email": "x@example.org", "password": "guess"}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]


# --- Me ------------------------------------------------------------------------------------------


def test_me_requires_sign_in(api: APIClient) -> None:
    response = api.get(ME_URL)
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_me_for_a_mentee() -> None:
    mentee = make_mentee(stage=MenteeProfile.Stage.MS3, targets=(ORTHO_SPORTS,), school="State University")
    give_background(mentee.user, Background.Attribute.RURAL, True, Background.Visibility.PRIVATE)

    body = signed_in(mentee.user).get(ME_URL).json()

    assert body["id"] == mentee.user.pk
    assert body["email"] == mentee.user.email
    assert body["role"] == "mentee"
    assert body["timezone"] == "UTC"
    assert body["program"]["slug"]
    profile = body["profile"]
    assert profile["role"] == "mentee"
    assert profile["stage"] == "ms3"
    assert profile["target_specialties"] == [specialty(ORTHO_SPORTS).pk]
    assert 0 < profile["completeness"] < 100
    assert "bio" in profile["missing_fields"]
    # Their own data: private attributes included, with their visibility.
    assert profile["background"]["rural"] == {
        "label": "Rural background",
        "value": True,
        "display": "Yes",
        "visibility": "private",
    }


def test_me_for_a_mentor_uses_the_user_id() -> None:
    mentor = make_mentor(specialty="orthopaedic-surgery", subspecialties=(ORTHO_SPORTS,))
    body = signed_in(mentor.user).get(ME_URL).json()
    assert body["id"] == mentor.user.pk
    assert body["role"] == "mentor"
    assert body["profile"]["specialty"] == specialty("orthopaedic-surgery").pk
    assert body["profile"]["subspecialties"] == [specialty(ORTHO_SPORTS).pk]
    assert body["profile"]["verification"] == "verified"


def test_me_for_a_coordinator_has_no_profile() -> None:
    body = signed_in(make_coordinator()).get(ME_URL).json()
    assert body["role"] == "coordinator"
    assert body["profile"] is None


def test_me_for_a_user_without_a_role() -> None:
    body = signed_in(make_user()).get(ME_URL).json()
    assert body["role"] is None
    assert body["program"] is None
    assert body["profile"] is None


def test_me_is_always_the_caller() -> None:
    mentee, other = make_mentee(), make_mentee()
    body = signed_in(mentee.user).get(ME_URL, {"id": other.user.pk, "user": other.user.pk}).json()
    assert body["id"] == mentee.user.pk


def test_me_runs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    mentor = make_mentor(subspecialties=("internal-medicine--cardiovascular-disease",))
    for attribute in (Background.Attribute.RURAL, Background.Attribute.LGBTQ, Background.Attribute.DISABILITY):
        give_background(mentor.user, attribute, True)
    client = signed_in(mentor.user)
    with django_assert_max_num_queries(8):
        assert client.get(ME_URL).status_code == 200


# --- Own profile -----------------------------------------------------------------------------------


def test_mentee_updates_their_profile_and_background() -> None:
    mentee = make_mentee()
    client = signed_in(mentee.user)

    response = client.patch(
        PROFILE_URL,
        {
            "stage": "resident",
            "topics": ["research", "mock_interview", "research"],
            "target_specialties": [specialty(ORTHO_SPORTS).pk],
            "availability": [{"day": 1, "start": "18:00", "end": "20:00"}],
            "comfort_preferences": {"first_generation": "important"},
            "background": {"first_generation": {"value": True, "visibility": "coordinators"}},
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["stage"] == "resident"
    assert body["topics"] == ["research", "mock_interview"]
    assert body["target_specialties"] == [specialty(ORTHO_SPORTS).pk]
    assert body["background"]["first_generation"]["visibility"] == "coordinators"
    assert "completeness" in body and "missing_fields" in body
    mentee.refresh_from_db()
    assert mentee.stage == "resident"
    assert mentee.comfort_preferences == {"first_generation": "important"}
    row = Background.objects.get(user=mentee.user, attribute="first_generation")
    assert (row.value, row.visibility) == (True, "coordinators")


def test_mentor_updates_specialty_subspecialties_and_npi() -> None:
    mentor = make_mentor(specialty="internal-medicine")
    npi = valid_npi()
    response = signed_in(mentor.user).patch(
        PROFILE_URL,
        {
            "specialty": specialty("orthopaedic-surgery").pk,
            "subspecialties": [specialty(ORTHO_SPORTS).pk],
            "npi": npi,
            "capacity": 4,
            "preferred_stages": ["ms1", "ms2"],
            "preferred_groups": ["first_generation"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    mentor.refresh_from_db()
    assert mentor.specialty == specialty("orthopaedic-surgery")
    assert list(mentor.subspecialties.all()) == [specialty(ORTHO_SPORTS)]
    assert (mentor.npi, mentor.capacity) == (npi, 4)
    assert response.json()["npi"] == npi


def test_background_null_removes_and_visibility_defaults_to_the_current_one() -> None:
    mentee = make_mentee()
    give_background(mentee.user, Background.Attribute.RURAL, True, Background.Visibility.EVERYONE)
    give_background(mentee.user, Background.Attribute.DISABILITY, True, Background.Visibility.EVERYONE)

    response = signed_in(mentee.user).patch(
        PROFILE_URL,
        {"background": {"rural": {"value": False}, "disability": None, "urm": {"value": True}}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    rows = {row.attribute: (row.value, row.visibility) for row in Background.objects.filter(user=mentee.user)}
    assert rows == {"rural": (False, "everyone"), "urm": (True, "private")}


def test_mentor_cannot_verify_themselves() -> None:
    mentor = make_mentor(verified=False)
    response = signed_in(mentor.user).patch(PROFILE_URL, {"verification": "verified"}, format="json")
    assert response.status_code == 400
    assert "coordinator" in response.json()["verification"][0]
    mentor.refresh_from_db()
    assert mentor.verification == MentorProfile.Verification.UNVERIFIED


@pytest.mark.parametrize("field", ["verified_at", "verified_by", "rejection_reason"])
def test_verification_paperwork_is_read_only(field: str) -> None:
    mentor = make_mentor(verified=False)
    value = {"verified_at": "2024-01-01T00:00:00Z", "verified_by": mentor.user.pk, "rejection_reason": ""}[field]
    response = signed_in(mentor.user).patch(PROFILE_URL, {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    mentor.refresh_from_db()
    assert (mentor.verified_at, mentor.verified_by) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"npi": "1234567890"}, "npi", "check digit"),
        ({"npi": "12345"}, "npi", "10 digits"),
        ({"topics": ["astrology"]}, "topics", "not a valid choice"),
        ({"kinds": ["forever"]}, "kinds", "not a valid choice"),
        ({"languages": ["klingon"]}, "languages", "not a valid choice"),
        ({"meeting_modes": ["carrier_pigeon"]}, "meeting_modes", "not a valid choice"),
        ({"profession": "wizard"}, "profession", "not a valid choice"),
        ({"preferred_groups": ["everyone"]}, "preferred_groups", "not a valid choice"),
        ({"specialty": "ORTHO_SPORTS"}, "specialty", "is a subspecialty"),
        ({"subspecialties": ["orthopaedic-surgery"]}, "subspecialties", "not a subspecialty"),
        ({"specialty": 999_999}, "specialty", "does not exist"),
        ({"availability": [{"day": 9, "start": "18:00", "end": "20:00"}]}, "availability", "0 (Monday)"),
        ({"availability": [{"day": 1, "start": "20:00", "end": "18:00"}]}, "availability", "end after"),
        ({"capacity": 99}, "capacity", "less than or equal to 20"),
        ({"favourite_colour": "blue"}, "favourite_colour", "Unknown field"),
    ],
)
def test_mentor_profile_validation(payload: dict[str, Any], field: str, message: str) -> None:
    mentor = make_mentor()
    slug_ids = {"ORTHO_SPORTS": specialty(ORTHO_SPORTS).pk, "orthopaedic-surgery": specialty("orthopaedic-surgery").pk}
    payload = {
        key: (
            slug_ids.get(value, value)
            if isinstance(value, str)
            else [slug_ids.get(v, v) for v in value]
            if key == "subspecialties"
            else value
        )
        for key, value in payload.items()
    }
    response = signed_in(mentor.user).patch(PROFILE_URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert message in str(errors[field]), errors


def test_npi_belongs_to_one_mentor() -> None:
    npi = valid_npi()
    make_mentor(npi=npi)
    response = signed_in(make_mentor().user).patch(PROFILE_URL, {"npi": npi}, format="json")
    assert response.status_code == 400
    assert "already" in response.json()["npi"][0]


def test_mentor_may_keep_their_own_npi_and_clear_it() -> None:
    npi = valid_npi()
    mentor = make_mentor(npi=npi)
    client = signed_in(mentor.user)
    assert client.patch(PROFILE_URL, {"npi": npi}, format="json").status_code == 200
    assert client.patch(PROFILE_URL, {"npi": ""}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"stage": "kindergarten"}, "stage", "not a valid choice"),
        ({"can_offer": ["money"]}, "can_offer", "not a valid choice"),
        ({"comfort_preferences": {"star_sign": "must"}}, "comfort_preferences", "Unknown background attribute"),
        ({"comfort_preferences": {"lgbtq": "desperately"}}, "comfort_preferences", "not a valid choice"),
        ({"specialty": 1}, "specialty", "Unknown field"),
        ({"background": {"star_sign": {"value": "leo"}}}, "background", "Unknown background attribute"),
        ({"background": {"rural": {"value": True, "visibility": "world"}}}, "background", "Visibility is one of"),
        ({"background": {"rural": True}}, "background", "value"),
        ({"background": ["rural"]}, "background", "must be an object"),
    ],
)
def test_mentee_profile_validation(payload: dict[str, Any], field: str, message: str) -> None:
    mentee = make_mentee()
    response = signed_in(mentee.user).patch(PROFILE_URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert message in str(errors[field]), errors


def test_invalid_background_value_is_refused_without_repeating_it() -> None:
    mentee = make_mentee()
    response = signed_in(mentee.user).patch(
        PROFILE_URL,
        {"background": {"gender_identity": {"value": "zz-secret-zz", "visibility": "private"}}},
        format="json",
    )
    assert response.status_code == 400
    assert "gender identity" in response.json()["background"]["gender_identity"]
    assert "zz-secret-zz" not in response.content.decode()
    assert not Background.objects.filter(user=mentee.user).exists()


def test_a_failed_patch_changes_nothing() -> None:
    mentee = make_mentee(school="Before")
    response = signed_in(mentee.user).patch(
        PROFILE_URL, {"school": "After", "background": {"urm": {"value": "yes"}}}, format="json"
    )
    assert response.status_code == 400
    mentee.refresh_from_db()
    assert mentee.school == "Before"


@pytest.mark.parametrize("who", ["coordinator", "no role"])
def test_only_mentees_and_mentors_have_a_profile(who: str) -> None:
    user = make_coordinator() if who == "coordinator" else make_user()
    response = signed_in(user).patch(PROFILE_URL, {"bio": "hello"}, format="json")
    assert response.status_code == 403
    assert "Only mentees and mentors" in response.json()["detail"]


def test_profile_requires_sign_in(api: APIClient) -> None:
    assert api.patch(PROFILE_URL, {"bio": "x"}, format="json").status_code in (401, 403)


def test_own_profile_can_be_read() -> None:
    mentee = make_mentee(school="State University")
    body = signed_in(mentee.user).get(PROFILE_URL).json()
    assert body["school"] == "State University"


# --- Specialties -------------------------------------------------------------------------------------


def all_pages(client: APIClient, url: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results
        response = client.get(body["next"])


def test_specialties_are_public_and_paginated(api: APIClient) -> None:
    body = api.get(SPECIALTIES_URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Specialty.objects.count() >= 115
    assert set(body["results"][0]) == {"id", "slug", "name", "label", "board", "parent", "related", "families"}
    assert len(all_pages(api, SPECIALTIES_URL)) == body["count"]


def test_specialties_carry_parents_and_related_links(api: APIClient) -> None:
    by_slug = {item["slug"]: item for item in all_pages(api, SPECIALTIES_URL)}
    ortho_sports = by_slug[ORTHO_SPORTS]
    assert ortho_sports["name"] == "Orthopaedic Sports Medicine"
    assert ortho_sports["parent"] == by_slug["orthopaedic-surgery"]["id"]
    assert by_slug[FM_SPORTS]["id"] in ortho_sports["related"]
    assert ortho_sports["id"] in by_slug[FM_SPORTS]["related"]
    assert by_slug["physical-medicine-and-rehabilitation"]["id"] in by_slug["orthopaedic-surgery"]["related"]
    assert by_slug["orthopaedic-surgery"]["parent"] is None
    assert by_slug[FM_SPORTS]["label"] == "Sports Medicine (Family Medicine)"
    assert "surgical" in by_slug["orthopaedic-surgery"]["families"]
    assert by_slug["orthopaedic-surgery"]["board"]["name"] == "American Board of Orthopaedic Surgery"


def test_specialty_detail(api: APIClient) -> None:
    ortho_sports = specialty(ORTHO_SPORTS)
    body = api.get(f"{SPECIALTIES_URL}{ortho_sports.pk}/").json()
    assert body["slug"] == ORTHO_SPORTS
    assert specialty(FM_SPORTS).pk in body["related"]


def test_unknown_specialty_is_a_json_404(api: APIClient) -> None:
    response = api.get(f"{SPECIALTIES_URL}999999/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_specialties_filter_by_parent_and_primary(api: APIClient) -> None:
    ortho = specialty("orthopaedic-surgery")
    children = all_pages(api, SPECIALTIES_URL, {"parent": ortho.pk})
    assert {item["slug"] for item in children} == set(ortho.subspecialties.values_list("slug", flat=True))
    assert ORTHO_SPORTS in {item["slug"] for item in children}

    primary = all_pages(api, SPECIALTIES_URL, {"primary": "true"})
    assert len(primary) == Specialty.objects.primary().count()
    assert all(item["parent"] is None for item in primary)
    subs = all_pages(api, SPECIALTIES_URL, {"primary": "false"})
    assert len(subs) == Specialty.objects.subspecialties().count()


def test_bad_specialty_filter_is_a_400(api: APIClient) -> None:
    response = api.get(SPECIALTIES_URL, {"parent": "ortho"})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_specialties_list_in_constant_queries(api: APIClient, django_assert_max_num_queries: Any) -> None:
    # count, page, families (prefetch), slug -> id for the related fields, and the change
    # feed the indexes poll: the alignment comes from the process's recommendation indexes,
    # built once (warmed here).
    api.get(SPECIALTIES_URL)
    with django_assert_max_num_queries(5):
        first = api.get(SPECIALTIES_URL)
    with django_assert_max_num_queries(5):
        api.get(SPECIALTIES_URL, {"page": 3})
    assert first.status_code == 200


# --- People -----------------------------------------------------------------------------------------


def person_url(user: User) -> str:
    return reverse("api:person-detail", args=[user.pk])


def test_mentee_sees_verified_mentors_only() -> None:
    viewer = make_mentee().user
    client = signed_in(viewer)
    assert client.get(person_url(make_mentor().user)).status_code == 200
    assert client.get(person_url(make_mentor(verified=False).user)).status_code == 404
    assert client.get(person_url(make_mentee().user)).status_code == 404
    assert client.get(person_url(make_coordinator())).status_code == 404
    assert client.get(person_url(viewer)).status_code == 200


def test_mentor_sees_mentees_and_verified_mentors() -> None:
    client = signed_in(make_mentor().user)
    assert client.get(person_url(make_mentee().user)).status_code == 200
    assert client.get(person_url(make_mentor().user)).status_code == 200
    assert client.get(person_url(make_mentor(verified=False).user)).status_code == 404
    assert client.get(person_url(make_coordinator())).status_code == 404


def test_coordinator_sees_anyone() -> None:
    client = signed_in(make_coordinator())
    for person in (make_mentee().user, make_mentor(verified=False).user, make_coordinator(), make_user()):
        assert client.get(person_url(person)).status_code == 200


def test_user_without_a_role_sees_only_themselves() -> None:
    user = make_user()
    client = signed_in(user)
    assert client.get(person_url(user)).status_code == 200
    assert client.get(person_url(make_mentor().user)).status_code == 404


def test_inactive_people_are_hidden_from_everyone_but_coordinators() -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    User.objects.filter(pk__in=[mentor.user.pk, mentee.user.pk]).update(is_active=False)
    assert signed_in(make_mentee().user).get(person_url(mentor.user)).status_code == 404
    assert signed_in(make_mentor().user).get(person_url(mentee.user)).status_code == 404
    assert signed_in(make_coordinator()).get(person_url(mentee.user)).status_code == 200


def test_anonymous_and_unknown_people(api: APIClient) -> None:
    mentor = make_mentor()
    anonymous = api.get(person_url(mentor.user))
    assert anonymous.status_code in (401, 403)
    assert "detail" in anonymous.json()
    missing = signed_in(make_coordinator()).get("/api/v1/people/999999/")
    assert missing.status_code == 404
    assert "detail" in missing.json()


def test_person_shows_the_public_profile_only() -> None:
    mentor = make_mentor(
        specialty="orthopaedic-surgery", npi=valid_npi(), license_number="LIC-77-SECRET", institution="General"
    )
    body = signed_in(make_mentee().user).get(person_url(mentor.user)).json()
    assert body["id"] == mentor.user.pk
    assert body["role"] == "mentor"
    assert body["profile"]["institution"] == "General"
    assert body["profile"]["specialty"] == specialty("orthopaedic-surgery").pk
    text = str(body)
    assert mentor.npi not in text and "LIC-77-SECRET" not in text and mentor.user.email not in text


def test_mentors_never_see_a_mentees_comfort_preferences() -> None:
    # "must have an LGBTQ+ mentor" would hint at the mentee's own background.
    mentee = make_mentee(comfort_preferences={"lgbtq": "must"})
    body = signed_in(make_mentor().user).get(person_url(mentee.user)).json()
    assert "comfort_preferences" not in body["profile"]
    assert "lgbtq" not in str(body)


def test_person_in_bounded_queries(django_assert_max_num_queries: Any) -> None:
    mentor = make_mentor(subspecialties=("internal-medicine--cardiovascular-disease",))
    give_background(mentor.user, Background.Attribute.RURAL, True, Background.Visibility.EVERYONE)
    client = signed_in(make_mentee().user)
    with django_assert_max_num_queries(10):
        assert client.get(person_url(mentor.user)).status_code == 200


def test_can_view_person_agrees_with_the_api() -> None:
    people = [
        make_mentee().user,
        make_mentor().user,
        make_mentor(verified=False).user,
        make_coordinator(),
        make_user(),
    ]
    for viewer in people:
        client = signed_in(viewer)
        for owner in people:
            allowed = client.get(person_url(owner)).status_code == 200
            assert can_view_person(viewer, owner) is allowed, (viewer, owner)
    assert not any(can_view_person(AnonymousUser(), owner) for owner in people)


# --- Schema ---------------------------------------------------------------------------------------------


def test_schema_is_served(api: APIClient) -> None:
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/me/profile/", "/api/v1/specialties/"):
        assert path in text


@pytest.mark.django_db
def test_an_unverified_mentor_cannot_open_mentee_profiles(client: Any) -> None:
    mentee = make_mentee()
    client.force_login(make_mentor(verified=False).user)
    assert client.get(f"/api/v1/people/{mentee.user.pk}/").status_code == 404
    client.force_login(make_mentor(verified=True).user)
    assert client.get(f"/api/v1/people/{mentee.user.pk}/").status_code == 200
