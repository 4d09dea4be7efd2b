"""Text people write is stored without bidirectional overrides and control characters.

An unclosed U+202E (RIGHT-TO-LEFT OVERRIDE) in a message reverses everything displayed
after it, names and buttons included; "invoice\\u202egpj.exe" reads as "invoiceexe.jpg".
Every CharField and TextField of our apps is cleaned on save, whichever path wrote it.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import MentorProfile, User
from accounts.text import APPS, plain_text
from matching.models import Message
from tests.factories import api_client, make_mentee, make_mentor, make_mentorship

DISGUISING = [*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "\x00", "\x07", "\x1b", "\x85"]
SPOOF = "Dr. Smith \u202egpj.exe"


client_for = api_client


@given(st.text())
def test_plain_text_removes_every_disguising_character_and_nothing_else(text: str) -> None:
    cleaned = plain_text(text)
    assert not set(cleaned) & set(DISGUISING)
    assert plain_text(cleaned) == cleaned
    assert [c for c in text if c not in DISGUISING and not _is_other_control(c)] == list(cleaned)


def _is_other_control(c: str) -> bool:
    return (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F


def test_scripts_written_right_to_left_and_the_joiners_are_kept() -> None:
    right_to_left = ("مرحبا دكتور", "שלום", "می\u200cخواهم")  # noqa: RUF001 (the point: such letters)
    for text in (*right_to_left, "👩\u200d⚕️", "a\u200fb", "line\nbreak\ttab"):
        assert plain_text(text) == text


@pytest.mark.django_db
def test_a_message_through_the_api_and_the_page_is_stored_without_the_override() -> None:
    mentorship = make_mentorship()
    sent = client_for(mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": SPOOF}, format="json"
    )
    assert sent.status_code == 201 and sent.json()["body"] == "Dr. Smith gpj.exe"
    mentor = client_for(mentorship.mentor)
    mentor.force_login(mentorship.mentor)
    page = mentor.post(f"/mentorships/{mentorship.pk}/messages/", {"body": "See you \u202eat noon"}, follow=True)
    assert page.status_code == 200
    assert set(Message.objects.values_list("body", flat=True)) == {"Dr. Smith gpj.exe", "See you at noon"}
    assert "\u202e" not in page.content.decode()


@pytest.mark.django_db
def test_a_message_of_nothing_but_controls_is_refused_as_empty() -> None:
    mentorship = make_mentorship()
    sent = client_for(mentorship.mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": "\u202e\u2066"}, format="json"
    )
    assert sent.status_code == 400 and sent.json()["code"] == "empty_message"
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_names_and_profiles_are_stored_clean() -> None:
    mentee = make_mentee()
    client = client_for(mentee.user)
    user = mentee.user
    user.first_name, user.last_name = "Ann\u202e", "Lee\x1b[2J"
    user.save(update_fields=["first_name", "last_name"])  # as the sign-up and profile forms save them
    profile = client.patch(
        "/api/v1/me/profile/", {"bio": "Hi \u202dthere", "goals_text": "\u2067Match\u2069"}, format="json"
    )
    assert profile.status_code == 200, profile.json()
    user = User.objects.get(pk=mentee.user.pk)
    assert (user.first_name, user.last_name) == ("Ann", "Lee[2J")
    mentee.refresh_from_db()
    assert (mentee.bio, mentee.goals_text) == ("Hi there", "Match")


@pytest.mark.django_db
def test_every_text_field_of_our_apps_is_cleaned_whatever_saves_it() -> None:
    """The rule is by construction: one receiver for every model, so a new field is covered too."""
    mentor = make_mentor()
    mentor.institution = "Mass \u202eGeneral"
    mentor.save(update_fields=["institution"])
    assert MentorProfile.objects.get(pk=mentor.pk).institution == "Mass General"
    fields = [
        (model, field.name)
        for model in apps.get_models()
        if model._meta.app_label in APPS
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]
    assert len(fields) > 40  # bios, goals, messages, reports, agendas, names, ...
    assert ("accounts.User" in {m._meta.label for m, _ in fields}) and (Message, "body") in fields
