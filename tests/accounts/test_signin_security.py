"""Tokens and sign-in (issue 13): expiring, revocable tokens; one lockout for page, token and admin.

Each test names the finding it guards against.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from accounts.signin import client_ip
from tests.factories import PASSWORD, make_coordinator, make_mentee, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


def token_for(user: User, **extra: Any) -> str:
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json", **extra)
    assert response.status_code == 200, response.json()
    return str(response.json()["token"])


def works(token: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(ME_URL).status_code == 200


def page_login(email: str, password: str, **extra: Any) -> int:
    response = Client().post(reverse("account_login"), {"login": email, "password": password}, **extra)
    return 302 if response.status_code == 302 else 200


# --- Tokens expire and are revoked ---------------------------------------------------------------


def test_a_token_expires(settings: Any) -> None:
    user = make_mentee().user
    token = token_for(user)
    assert works(token)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not works(token)


def test_token_creation_is_audited_and_gives_an_expiry() -> None:
    user = make_mentee().user
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.json()["expiry"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_CREATED, actor=user).count() == 1


def test_a_password_change_revokes_every_token() -> None:
    user = make_mentee().user
    tokens = [token_for(user), token_for(user)]
    user.set_password("another-long-passphrase-42")
    user.save()
    assert not any(works(token) for token in tokens)


def test_changing_the_password_on_the_page_revokes_tokens() -> None:
    user = make_mentee().user
    token = token_for(user)
    client = Client()
    client.force_login(user)
    new = "another-long-passphrase-42"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert not works(token)


def test_signing_out_of_the_site_revokes_tokens() -> None:
    user = make_mentee().user
    token = token_for(user)
    client = Client()
    client.force_login(user)
    client.post(reverse("account_logout"))
    assert not works(token)


def test_api_logout_revokes_the_token_it_is_called_with() -> None:
    user = make_mentee().user
    used, other = token_for(user), token_for(user)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {used}").post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert not works(used)
    assert works(other)


def test_deactivation_revokes_tokens() -> None:
    user = make_mentee().user
    token = token_for(user)
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert not works(token)


@pytest.mark.parametrize("header", [b"Token \xff\xfe", b"Token a b", b"Token ", b"Token \x00abc"])
def test_a_malformed_token_header_is_a_401_not_a_500(header: bytes) -> None:
    response = Client().get(ME_URL, HTTP_AUTHORIZATION=header.decode("latin-1"))
    assert response.status_code in (401, 403)


# --- One lockout for every way to sign in ----------------------------------------------------------


def test_failed_page_logins_lock_the_token_endpoint_too() -> None:
    user = make_mentee().user
    for _ in range(5):
        page_login(user.email, "wrong password")
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert not AuthToken.objects.filter(user=user).exists()


def test_failed_token_requests_lock_the_page_and_the_admin() -> None:
    coordinator = make_coordinator()
    for _ in range(5):
        APIClient().post(TOKEN_URL, {"email": coordinator.email, "password": "guess"}, format="json")
    assert page_login(coordinator.email, PASSWORD) == 200  # refused: the form again
    admin = Client().post(reverse("admin:login"), {"username": coordinator.email, "password": PASSWORD})
    assert admin.status_code == 200  # the form again, not a redirect into the admin
    assert "_auth_user_id" not in Client().session


def test_failed_admin_logins_lock_the_page_login() -> None:
    coordinator = make_coordinator()
    for _ in range(5):
        Client().post(reverse("admin:login"), {"username": coordinator.email, "password": "guess"})
    assert page_login(coordinator.email, PASSWORD) == 200


def test_one_persons_failures_never_lock_out_another_behind_the_same_address() -> None:
    careless, other = make_mentee().user, make_mentee().user
    for _ in range(10):
        page_login(careless.email, "wrong password")
    assert page_login(other.email, PASSWORD) == 302
    assert works(token_for(other))


def test_a_correct_password_clears_the_accounts_failures() -> None:
    user = make_mentee().user
    for _ in range(4):
        page_login(user.email, "wrong password")
    assert page_login(user.email, PASSWORD) == 302
    for _ in range(4):
        page_login(user.email, "wrong password")
    assert page_login(user.email, PASSWORD) == 302


def test_the_per_address_ceiling_stops_guessing_across_accounts(settings: Any) -> None:
    settings.SIGNIN_FAILURES_PER_ADDRESS = 10
    victims = [make_mentee().user for _ in range(11)]
    for victim in victims[:10]:
        APIClient().post(TOKEN_URL, {"email": victim.email, "password": "guess"}, format="json")
    response = APIClient().post(TOKEN_URL, {"email": victims[10].email, "password": PASSWORD}, format="json")
    assert response.status_code == 429


def test_a_forged_x_forwarded_for_does_not_escape_the_ceiling(settings: Any) -> None:
    settings.SIGNIN_FAILURES_PER_ADDRESS = 10
    processed = 0
    for attempt in range(40):
        response = APIClient().post(
            TOKEN_URL,
            {"email": f"target{attempt}@example.org", "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{attempt}.1",
        )
        processed += response.status_code == 400
    assert processed == 10


def test_the_token_endpoints_rate_ignores_a_forged_x_forwarded_for(settings: Any) -> None:
    settings.SIGNIN_FAILURES_PER_ADDRESS = 1000
    statuses = [
        APIClient()
        .post(
            TOKEN_URL,
            {"email": f"t{attempt}@example.org", "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.1.{attempt}.1",
        )
        .status_code
        for attempt in range(12)
    ]
    assert 429 in statuses  # the "login" rate (10/min) keyed by the real address


def test_behind_one_trusted_proxy_the_proxys_entry_is_the_client(settings: Any, rf: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(forged) == "203.0.113.9"
    bypass = rf.get("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(bypass) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(forged) == "10.0.0.2"


def test_behind_a_proxy_one_clients_failures_do_not_lock_the_others(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_FAILURES_PER_ADDRESS = 10
    for attempt in range(12):
        APIClient().post(
            TOKEN_URL,
            {"email": f"guess{attempt}@example.org", "password": "guess"},
            format="json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    user = make_user()
    token = token_for(user, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert works(token)
