"""One-click links act only for the person they were made for (issue 13).

The finding: signed in as someone else, a person could answer a check-in through another
person's emailed link, recorded as that person. The kind: every signed link in an email
(check-in answers, unsubscribes, the private calendar feed).
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import CheckIn, CheckInResponse, EmailOptOut, Mentorship, Notification
from matching.services import calendar
from matching.services.checkins import checkin_token, create_due_checkins
from matching.services.notifications import unsubscribe_url
from tests.factories import make_coordinator, make_mentee, make_mentorship

pytestmark = pytest.mark.django_db

ANSWER = {"met": "yes", "rating": "4", "progress": "Finished the first draft.", "concern": ""}


@pytest.fixture
def due() -> tuple[Mentorship, CheckIn]:
    mentorship = make_mentorship()
    cadence = mentorship.program.checkin_cadence_days
    create_due_checkins(today=timezone.localdate(mentorship.started_at) + datetime.timedelta(days=cadence))
    return mentorship, mentorship.checkins.get()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def links_for(user: User, checkin: CheckIn) -> list[str]:
    """Every kind of link made for one person: a check-in answer, an unsubscribe, a calendar feed."""
    return [
        reverse("matching:checkin_answer", args=[checkin_token(checkin, user)]),
        path_of(unsubscribe_url(user, Notification.Kind.CHECKIN_DUE)),
        path_of(calendar.feed_url(user)),
    ]


@pytest.mark.parametrize("who", ["the other participant", "a coordinator", "a stranger"])
def test_links_refuse_someone_else_signed_in(due: tuple[Mentorship, CheckIn], who: str) -> None:
    mentorship, checkin = due
    other = {
        "the other participant": lambda: mentorship.mentor,
        "a coordinator": make_coordinator,
        "a stranger": lambda: make_mentee().user,
    }[who]()
    client = signed_in(other)
    for link in links_for(mentorship.mentee, checkin):
        assert client.get(link).status_code == 403
        response = client.post(link, ANSWER)
        assert response.status_code == 403
        assert "made for another person" in response.content.decode()
    assert not CheckInResponse.objects.exists()
    assert not EmailOptOut.objects.exists()


def test_links_work_signed_out_and_for_their_owner(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer, unsubscribe, feed = links_for(mentorship.mentee, checkin)
    assert signed_in(mentorship.mentee).get(feed).status_code == 200
    assert Client().post(unsubscribe).status_code == 200
    assert signed_in(mentorship.mentee).post(answer, ANSWER).status_code == 200
    assert CheckInResponse.objects.get().user == mentorship.mentee
    assert EmailOptOut.objects.filter(user=mentorship.mentee).exists()
