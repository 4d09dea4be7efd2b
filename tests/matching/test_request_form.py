"""The request form never fails silently: a request that cannot succeed is explained before a word is written."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Program, User
from tests.factories import make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db


def page(mentee: User, mentor: User) -> str:
    client = Client()
    client.force_login(mentee)
    return client.get(reverse("matching:mentor", args=[mentor.pk])).content.decode()


def test_a_mentor_with_room_gets_the_form_with_a_limit_on_the_message() -> None:
    html = page(make_mentee().user, make_mentor().user)
    assert 'name="message"' in html
    assert 'maxlength="2000"' in html and "data-counter" in html and "Up to 2,000 characters" in html
    assert "/static/js/counter.js" in html


def test_a_paused_mentor_has_no_form_and_says_until_when() -> None:
    mentor = make_mentor().user
    MentorProfile.objects.filter(user=mentor).update(paused_until=timezone.localdate() + datetime.timedelta(days=10))
    html = page(make_mentee().user, mentor)
    assert 'name="message"' not in html
    until = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%-d %B %Y")
    assert f"is not accepting requests until {until}" in html


def test_a_full_mentor_has_no_form_and_points_to_mentors_with_room() -> None:
    mentor = make_mentor(capacity=1).user
    make_mentorship(mentor=mentor)
    html = page(make_mentee().user, mentor)
    assert 'name="message"' not in html
    assert "has no room for another mentee" in html
    assert "Find mentors who have room now" in html


def test_the_open_request_limit_is_said_before_the_message_is_written() -> None:
    Program.objects.filter(is_default=True).update(max_open_requests=1)
    mentee = make_mentee().user
    make_request(mentee=mentee)
    html = page(mentee, make_mentor().user)
    assert 'name="message"' not in html
    assert "You already have 1 open request, the most this program allows" in html
    assert reverse("matching:requests") in html


def test_a_notification_is_read_once_its_page_is_reached_by_any_route() -> None:
    from matching.models import Notification

    request = make_request()
    mentor = request.mentor
    created = Notification.objects.get(recipient=mentor, kind=Notification.Kind.REQUEST_CREATED)
    other = Notification.objects.create(
        recipient=mentor, kind=Notification.Kind.MENTOR_VERIFIED, subject="Verified", body_text=".", body_html=".",
        link="/dashboard/",
    )  # fmt: skip
    client = Client()
    client.force_login(mentor)

    html = client.get(reverse("matching:inbox")).content.decode()

    created.refresh_from_db()
    other.refresh_from_db()
    assert created.read_at is not None  # the inbox is where the request is acted on
    assert other.read_at is None  # another page's notification stays unread
    assert ", 1 unread" in html  # the badge already counts it as read


def test_answering_a_check_in_from_the_email_marks_its_notifications_read() -> None:
    from matching.models import CheckIn, Notification
    from matching.services.checkins import answer_checkin
    from matching.services.notifications import notify

    mentorship = make_mentorship()
    checkin = CheckIn.objects.create(mentorship=mentorship, period=1, due_on=timezone.localdate())
    link = reverse("matching:mentorship", args=[mentorship.pk])
    for person in (mentorship.mentee, mentorship.mentor):
        notify(recipient=person, kind=Notification.Kind.CHECKIN_DUE, context={"checkin": checkin,
               "mentorship": mentorship, "answer_url": "x"}, link=link)  # fmt: skip

    answer_checkin(checkin=checkin, user=mentorship.mentee, met=True, rating=4)

    due = Notification.objects.filter(kind=Notification.Kind.CHECKIN_DUE)
    assert due.get(recipient=mentorship.mentee).read_at is not None
    assert due.get(recipient=mentorship.mentor).read_at is None  # not answered by the mentor yet
