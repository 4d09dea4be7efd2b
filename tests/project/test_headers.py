"""Security headers (issue 13): CSP and Permissions-Policy in production, no caching of personal answers.

Findings: production responses had no Content-Security-Policy and no Permissions-Policy;
signed-in pages and API answers carried no Cache-Control.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_coordinator, make_mentee, make_mentorship
from tests.project.test_settings import clean_env

pytestmark = pytest.mark.django_db


def test_production_settings_turn_on_the_content_security_policy() -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    code = (
        "import django; django.setup(); from django.conf import settings as s; print(bool(s.CONTENT_SECURITY_POLICY))"
    )
    env = {**clean_env(), "DJANGO_SETTINGS_MODULE": "mentorship.settings", "DEBUG": "false"}
    env |= {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "example.org"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.fixture
def production_csp(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = django_settings.CSP_POLICY


def test_every_page_gets_a_policy_that_allows_no_inline_script(production_csp: None) -> None:
    response = Client().get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_the_one_inline_script_carries_the_nonce(production_csp: None) -> None:
    from matching.services.checkins import checkin_token, create_due_checkins

    mentorship = make_mentorship()
    import datetime

    from django.utils import timezone

    cadence = mentorship.program.checkin_cadence_days
    create_due_checkins(today=timezone.localdate(mentorship.started_at) + datetime.timedelta(days=cadence))
    link = reverse("matching:checkin_answer", args=[checkin_token(mentorship.checkins.get(), mentorship.mentee)])
    response = Client().post(link, {"met": "", "rating": ""})
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


@pytest.mark.parametrize("page", ["accounts:dashboard", "matching:directory", "matching:notifications"])
def test_signed_in_pages_are_never_stored(page: str) -> None:
    client = Client()
    client.force_login(make_mentee().user)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_coordinator_pages_are_never_stored() -> None:
    client = Client()
    client.force_login(make_coordinator())
    response = client.get(reverse("coordinator:home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/specialties/", "/api/v1/notifications/"])
def test_api_answers_are_never_stored(url: str) -> None:
    client = APIClient()
    client.force_authenticate(make_mentee().user)
    response = client.get(url)
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
