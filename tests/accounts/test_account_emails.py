"""Account e-mails (sign-up confirmation, password reset) carry the site's name and look like the others."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def test_sign_up_email_names_the_site_not_the_host_and_is_branded(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Ada",
            "last_name": "Okafor",
            "email": "ada@example.com",
            "role": "mentee",
            "timezone": "America/Los_Angeles",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "[Medical Mentorship] Confirm your email address to finish signing up"
    assert "testserver" not in message.body.split("http://testserver/accounts/confirm-email/")[0]
    assert "Hello from" not in message.body
    assert "Medical Mentorship" in message.body
    assert "/accounts/confirm-email/" in message.body
    html = html_of(message)
    assert "background:#0b5c8a" in html  # the header band of the notification e-mails
    assert 'href="http://testserver/accounts/confirm-email/' in html
    assert "Confirm my email address" in html


def test_password_reset_email_is_branded_with_a_button(client: Client) -> None:
    make_user(email="reset@example.com")
    client.post("/accounts/password/reset/", {"email": "reset@example.com"})
    [message] = mail.outbox
    assert message.subject == "[Medical Mentorship] Reset your password"
    assert "/accounts/password/reset/key/" in message.body
    html = html_of(message)
    assert "Choose a new password" in html
    assert "/accounts/password/reset/key/" in html
