"""API v1 of the follow-up: own notifications, and a mentorship's check-ins (PRODUCT §6)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from matching.models import CheckIn, Mentorship, Notification
from matching.services import notifications
from matching.services.checkins import answer_checkin, create_due_checkins
from tests.factories import make_coordinator, make_mentee, make_mentorship, make_request

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(notifications, "enqueue", ids.append)
    return ids


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def checkins_url(mentorship: Mentorship | int) -> str:
    return f"/api/v1/mentorships/{getattr(mentorship, 'pk', mentorship)}/check-ins/"


@pytest.fixture
def due() -> tuple[Mentorship, CheckIn]:
    mentorship = make_mentorship()
    cadence = mentorship.program.checkin_cadence_days
    create_due_checkins(today=timezone.localdate(mentorship.started_at) + datetime.timedelta(days=cadence))
    return mentorship, mentorship.checkins.get()


def answer(target: CheckIn, **fields: Any) -> dict[str, Any]:
    return {"checkin": target.pk, "met": True, "rating": 4, "progress": "Good", "concern": "", **fields}


# --- Notifications ------------------------------------------------------------------------------------


def test_notifications_need_a_login() -> None:
    assert APIClient().get(NOTIFICATIONS).status_code in (401, 403)


def test_i_see_only_my_notifications_paginated() -> None:
    request = make_request()
    make_request()
    body = signed_in(request.mentor).get(NOTIFICATIONS).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    [item] = body["results"]
    assert item["kind"] == "request_created"
    assert item["unread"] is True
    assert item["read_at"] is None
    assert item["link"] == "/inbox/"


def test_the_unread_filter() -> None:
    mentor = make_request().mentor
    make_request(mentor=mentor)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=mentor).first().pk).update(
        read_at=timezone.now()
    )
    client = signed_in(mentor)
    assert client.get(NOTIFICATIONS, {"unread": "true"}).json()["count"] == 1
    assert client.get(NOTIFICATIONS, {"unread": "false"}).json()["count"] == 1
    assert client.get(NOTIFICATIONS).json()["count"] == 2
    bad = client.get(NOTIFICATIONS, {"unread": "perhaps"})
    assert bad.status_code == 400


def test_marking_a_notification_read() -> None:
    mentor = make_request().mentor
    notification = Notification.objects.get(recipient=mentor)
    response = signed_in(mentor).post(f"{NOTIFICATIONS}{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    first_read = Notification.objects.get(pk=notification.pk).read_at
    assert first_read is not None
    signed_in(mentor).post(f"{NOTIFICATIONS}{notification.pk}/read/")
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


@pytest.mark.parametrize("pk", ["other", "0", "99999999999999999999", "abc"])
def test_someone_elses_or_no_notification_is_a_404(pk: str) -> None:
    notification = Notification.objects.get(recipient=make_request().mentor)
    target = str(notification.pk) if pk == "other" else pk
    response = signed_in(make_mentee().user).post(f"{NOTIFICATIONS}{target}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=notification.pk).read_at is None


# --- Check-ins ----------------------------------------------------------------------------------------


def test_participants_and_coordinators_read_the_check_ins(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer_checkin(checkin=checkin, user=mentorship.mentee, met=True, rating=2, concern="Cancelled twice.")
    for viewer in (mentorship.mentee, mentorship.mentor, make_coordinator()):
        body = signed_in(viewer).get(checkins_url(mentorship)).json()
        assert body["count"] == 1
        [item] = body["results"]
        assert (item["id"], item["period"], item["status"]) == (checkin.pk, 1, "open")
        [response] = item["responses"]
        assert (response["side"], response["rating"], response["met"]) == ("mentee", 2, True)
        assert item["answered_by_me"] is (viewer == mentorship.mentee)


def test_a_concern_is_shown_only_to_its_author_and_coordinators(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer_checkin(checkin=checkin, user=mentorship.mentee, met=True, rating=3, concern="Cancelled twice.")

    def concern_seen_by(user: User) -> Any:
        return signed_in(user).get(checkins_url(mentorship)).json()["results"][0]["responses"][0]["concern"]

    assert concern_seen_by(mentorship.mentee) == "Cancelled twice."
    assert concern_seen_by(make_coordinator()) == "Cancelled twice."
    assert concern_seen_by(mentorship.mentor) is None


def test_an_outsider_gets_a_404(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    outsider = signed_in(make_mentee().user)
    assert outsider.get(checkins_url(mentorship)).status_code == 404
    assert outsider.post(checkins_url(mentorship), answer(checkin), format="json").status_code == 404
    assert signed_in(mentorship.mentee).get(checkins_url(2**40)).status_code == 404


def test_a_participant_answers(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    response = signed_in(mentorship.mentor).post(checkins_url(mentorship), answer(checkin), format="json")
    assert response.status_code == 201
    assert response.json()["answered_by_me"] is True
    assert response.json()["responses"][0]["side"] == "mentor"
    assert checkin.responses.get().user == mentorship.mentor


def test_a_low_rating_through_the_api_marks_the_mentorship_at_risk(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    signed_in(mentorship.mentee).post(checkins_url(mentorship), answer(checkin, rating=1), format="json")
    mentorship.refresh_from_db()
    assert mentorship.at_risk


def test_answering_twice_is_a_409(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    client = signed_in(mentorship.mentee)
    client.post(checkins_url(mentorship), answer(checkin), format="json")
    response = client.post(checkins_url(mentorship), answer(checkin), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"
    assert response.json()["detail"]


def test_a_coordinator_reads_but_does_not_answer(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    response = signed_in(make_coordinator()).post(checkins_url(mentorship), answer(checkin), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not checkin.responses.exists()


def test_another_mentorships_check_in_is_a_404(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    other = make_mentorship(mentee=mentorship.mentee, kind="short_term")  # one long-term mentor at a time
    response = signed_in(mentorship.mentee).post(checkins_url(other), answer(checkin), format="json")
    assert response.status_code == 404
    assert not checkin.responses.exists()


@pytest.mark.parametrize("fields", [{"rating": 0}, {"rating": 6}, {"rating": "great"}, {"met": None}, {"checkin": "x"}])
def test_bad_input_is_a_400_naming_the_field(due: tuple[Mentorship, CheckIn], fields: dict[str, Any]) -> None:
    mentorship, checkin = due
    response = signed_in(mentorship.mentee).post(checkins_url(mentorship), answer(checkin, **fields), format="json")
    assert response.status_code == 400
    assert set(fields) <= set(response.json())


# --- The schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_the_follow_up_endpoints() -> None:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert {"get"} <= set(paths["/api/v1/notifications/"])
    assert {"post"} <= set(paths["/api/v1/notifications/{id}/read/"])
    assert {"get", "post"} <= set(paths["/api/v1/mentorships/{mentorship_pk}/check-ins/"])
    unread = [p for p in paths["/api/v1/notifications/"]["get"]["parameters"] if p["name"] == "unread"]
    assert unread and unread[0]["schema"]["type"] == "boolean"
