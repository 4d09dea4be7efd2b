"""A concern raised in a check-in is for coordinators only (PRODUCT §5, docs/privacy.md):
the other side sees neither the concern nor an at-risk flag raised only by it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from matching.models import CheckIn, Mentorship
from matching.services.checkins import answer_checkin, create_due_checkins, remind_and_close_checkins
from tests.factories import make_coordinator, make_mentorship

pytestmark = pytest.mark.django_db

CONCERN = "I feel uncomfortable in our meetings."


def period_day(mentorship: Mentorship, n: int) -> datetime.date:
    return mentorship.started_at.date() + datetime.timedelta(days=mentorship.program.checkin_cadence_days * n)


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def mentorship_json(user: User, mentorship: Mentorship) -> dict[str, Any]:
    rows = api(user).get("/api/v1/mentorships/").json()["results"]
    return next(row for row in rows if row["id"] == mentorship.pk)


def page(user: User, name: str, *args: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def raised_concern() -> tuple[Mentorship, CheckIn]:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    checkin = mentorship.checkins.get()
    answer_checkin(checkin=checkin, user=mentorship.mentee, met=True, rating=4, progress="", concern=CONCERN)
    mentorship.refresh_from_db()
    return mentorship, checkin


def test_the_mentor_sees_neither_the_concern_nor_the_flag_it_raised() -> None:
    mentorship, _ = raised_concern()
    mentor = mentorship.mentor
    assert mentorship.at_risk and not mentorship.at_risk_shown
    assert mentorship_json(mentor, mentorship)["at_risk"] is False
    for html in (
        page(mentor, "matching:mentorship", mentorship.pk),
        page(mentor, "matching:mentorships"),
        page(mentor, "accounts:dashboard"),
    ):
        assert "At risk" not in html
        assert CONCERN not in html
    answers = api(mentor).get(f"/api/v1/mentorships/{mentorship.pk}/check-ins/").json()
    assert CONCERN not in str(answers)


def test_coordinators_see_both() -> None:
    mentorship, _ = raised_concern()
    coordinator = make_coordinator()
    assert mentorship_json(coordinator, mentorship)["at_risk"] is True
    client = Client()
    client.force_login(coordinator)
    flagged = client.get(reverse("admin:matching_mentorship_changelist"), {"at_risk__exact": "1"})
    assert flagged.status_code == 200 and flagged.context["cl"].result_count == 1


def test_a_cause_both_sides_may_know_shows_the_flag() -> None:
    mentorship, _ = raised_concern()
    for n in (2, 3, 4):  # two check-ins in a row missed: both sides know they did not answer
        create_due_checkins(today=period_day(mentorship, n))
        remind_and_close_checkins(today=period_day(mentorship, n + 1))
    mentorship.refresh_from_db()
    assert mentorship.at_risk_shown
    assert mentorship_json(mentorship.mentor, mentorship)["at_risk"] is True


def test_a_low_rating_is_no_secret() -> None:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    answer_checkin(checkin=mentorship.checkins.get(), user=mentorship.mentee, met=True, rating=1, progress="")
    assert mentorship_json(mentorship.mentor, mentorship)["at_risk"] is True
