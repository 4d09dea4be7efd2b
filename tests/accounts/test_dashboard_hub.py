"""Dashboards as hubs: each role sees what comes next, every item linked to where they act on it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import CheckIn, Meeting
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

SPORTS = "orthopaedic-surgery--orthopaedic-sports-medicine"


def dashboard(user: User) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    return html.split('id="main"')[1]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_mentee_sees_best_matches_requests_the_live_mentorship_and_what_comes_next() -> None:
    mentee = make_mentee(targets=(SPORTS,), availability=[{"day": 0, "start": "18:00", "end": "21:00"}]).user
    mentor = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS,)).user
    others = [make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS,)).user for _ in range(4)]
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    asked = make_request(mentee=mentee, mentor=others[0])
    meeting = Meeting.objects.create(
        mentorship=mentorship, proposed_by=mentor, start=timezone.now() + datetime.timedelta(days=3)
    )
    checkin = CheckIn.objects.create(mentorship=mentorship, period=1, due_on=timezone.localdate())

    html = dashboard(mentee)

    assert reverse("matching:meeting", args=[meeting.pk]) in html
    assert "(waiting for your answer)" in text(html)
    assert reverse("matching:checkin", args=[checkin.pk]) in html
    assert reverse("matching:mentorship", args=[mentorship.pk]) in html
    assert asked.mentor.get_full_name() in text(html) and "Waiting for the mentor" in text(html)
    best = re.findall(r'href="/mentors/(\d+)/"', html.split('id="best-title"')[1])
    assert len(best) == 3
    assert {int(pk) for pk in best} <= {u.pk for u in others[1:]}  # never one already asked or matched


def test_mentor_sees_requests_waiting_places_used_and_the_next_meeting() -> None:
    mentor = make_mentor(capacity=3).user
    mentorship = make_mentorship(mentor=mentor)
    for _ in range(2):
        make_request(mentor=mentor)
    Meeting.objects.create(
        mentorship=mentorship, proposed_by=mentor, status=Meeting.Status.ACCEPTED,
        start=timezone.now() + datetime.timedelta(days=2),
    )  # fmt: skip

    html = text(dashboard(mentor))

    assert "2 requests waiting for your answer" in html
    assert "1 of 3 places used" in html
    assert f"Meeting with {mentorship.mentee.get_full_name()}" in html
    assert "(waiting for your answer)" not in html


def test_coordinator_sees_pending_counts_each_linked_to_its_list() -> None:
    coordinator = make_coordinator()
    make_request()
    make_mentor(verified=False)

    html = dashboard(coordinator)

    assert re.search(
        r'href="/admin/matching/mentorshiprequest/\?[^"]*status__exact=pending[^"]*"><strong>1</strong>', html
    )
    assert re.search(r'href="/admin/accounts/mentorprofile/\?verification__exact=unverified"><strong>1</strong>', html)
