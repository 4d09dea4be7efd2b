"""Group mentoring on the pages: a mentor starts a circle and brings mentees in; members see it read-only.

The rules are ``matching.services.circles``' (the API's too): these tests check that the pages call
them, show each refusal as a form error, and show a circle to its mentor, its members and
coordinators only.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Program
from matching.models import Circle, MentoringPolicy
from matching.services import circles
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def offer_circles(*, size: int = 4) -> None:
    MentoringPolicy.objects.create(program=Program.objects.default(), group_mentoring=True, group_max_mentees=size)


def test_a_mentor_starts_a_circle_and_brings_a_mentee_in_from_the_dashboard() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    mentorship = make_mentorship(mentor=mentor)
    client = signed_in(mentor.user)
    assert reverse("matching:circles") in client.get(reverse("accounts:dashboard")).content.decode()

    made = client.post(reverse("matching:circles"), {"name": "  Surgery hopefuls "})
    circle = Circle.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("matching:circle", args=[circle.pk])
    assert (circle.name, circle.mentor_id) == ("Surgery hopefuls", mentor.user_id)
    page = client.get(made["Location"])
    assert mentorship.mentee.get_full_name() in text(page)  # offered in the form

    added = client.post(made["Location"], {"mentorship": mentorship.pk})
    assert added.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.circle_id == circle.pk
    page = client.get(made["Location"])
    assert reverse("matching:mentorship", args=[mentorship.pk]) in page.content.decode()
    assert reverse("matching:messages", args=[mentorship.pk]) in page.content.decode()  # the shared conversation
    assert reverse("matching:plan_meeting", args=[mentorship.pk]) in page.content.decode()
    assert "Surgery hopefuls" in text(client.get(reverse("matching:circles")))


def test_a_mentee_sees_their_circle_read_only_with_the_other_members_names_only() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    first, second = make_mentorship(mentor=mentor), make_mentorship(mentor=mentor)
    circle = circles.create_circle(mentor=mentor.user, name="Premed circle")
    for mentorship in (first, second):
        circles.add_to_circle(circle=circle, mentorship=mentorship, by=mentor.user)
    client = signed_in(first.mentee)

    own = client.get(reverse("matching:mentorship", args=[first.pk]))
    assert "Your circle: Premed circle" in text(own)
    assert reverse("matching:circle", args=[circle.pk]) in own.content.decode()
    assert second.mentee.get_full_name() in text(own)

    page = client.get(reverse("matching:circle", args=[circle.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Premed circle" in text(page)
    assert second.mentee.get_full_name() in text(page)
    # Names only: not the other member's address, page or mentorship.
    assert second.mentee.email not in html
    assert reverse("accounts:person", args=[second.mentee_id]) not in html
    assert reverse("matching:mentorship", args=[second.pk]) not in html
    # Read-only: no form to bring anyone in, and posting one anyway changes nothing.
    assert 'name="mentorship"' not in html
    refused = client.post(reverse("matching:circle", args=[circle.pk]), {"mentorship": first.pk})
    assert refused.status_code == 403
    assert client.post(reverse("matching:circles"), {"name": "Mine"}).status_code == 403
    assert Circle.objects.count() == 1
    # Their own way into the circle's conversation and meetings.
    assert reverse("matching:messages", args=[first.pk]) in html


def test_other_mentors_and_mentees_get_a_404_and_cannot_add_to_someone_elses_circle() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    circle = circles.create_circle(mentor=mentor.user, name="Mine")
    other_mentor = make_mentor(capacity=3)
    theirs = make_mentorship(mentor=other_mentor)
    url = reverse("matching:circle", args=[circle.pk])
    for outsider in (other_mentor.user, theirs.mentee, make_mentee().user):
        client = signed_in(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"mentorship": theirs.pk}).status_code == 404
        assert "Mine" not in text(client.get(reverse("matching:circles")))
    theirs.refresh_from_db()
    assert theirs.circle_id is None
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page


def test_a_mentor_can_bring_in_only_their_own_live_mentorships() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    circle = circles.create_circle(mentor=mentor.user, name="Mine")
    not_mine = make_mentorship(mentor=make_mentor())
    response = signed_in(mentor.user).post(reverse("matching:circle", args=[circle.pk]), {"mentorship": not_mine.pk})
    assert response.status_code == 400
    assert "Choose one of your own live mentorships" in text(response)
    not_mine.refresh_from_db()
    assert not_mine.circle_id is None


def test_a_full_circle_says_so_and_refuses_one_more() -> None:
    offer_circles(size=2)
    mentor = make_mentor(capacity=4)
    first, second, third = (make_mentorship(mentor=mentor) for _ in range(3))
    circle = circles.create_circle(mentor=mentor.user, name="Small")
    for mentorship in (first, second):
        circles.add_to_circle(circle=circle, mentorship=mentorship, by=mentor.user)
    client = signed_in(mentor.user)
    url = reverse("matching:circle", args=[circle.pk])
    assert "The circle is full" in text(client.get(url))
    response = client.post(url, {"mentorship": third.pk})
    assert response.status_code == 400
    assert "A circle has at most 2 mentees in this program." in text(response)
    assert 'role="alert"' in response.content.decode()
    third.refresh_from_db()
    assert third.circle_id is None


def test_without_group_mentoring_the_page_says_so_plainly_and_refuses_a_circle() -> None:
    mentor = make_mentor()
    client = signed_in(mentor.user)
    page = client.get(reverse("matching:circles"))
    assert page.status_code == 200
    assert "Your program does not offer group mentoring" in text(page)
    assert 'name="name"' not in page.content.decode()
    assert "Your program does not offer group mentoring" in text(client.get(reverse("accounts:dashboard")))
    refused = client.post(reverse("matching:circles"), {"name": "Anyway"})
    assert refused.status_code == 400
    assert "This program does not offer group mentoring." in text(refused)
    assert not Circle.objects.exists()


def test_a_program_that_stops_offering_circles_keeps_them_but_they_grow_no_more() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    first, second = make_mentorship(mentor=mentor), make_mentorship(mentor=mentor)
    circle = circles.create_circle(mentor=mentor.user, name="Before")
    circles.add_to_circle(circle=circle, mentorship=first, by=mentor.user)
    MentoringPolicy.objects.filter(program=Program.objects.default()).update(group_mentoring=False)
    client = signed_in(mentor.user)
    response = client.post(reverse("matching:circle", args=[circle.pk]), {"mentorship": second.pk})
    assert response.status_code == 400
    assert "This program does not offer group mentoring." in text(response)
    second.refresh_from_db()
    assert second.circle_id is None
    assert first.mentee.get_full_name() in text(client.get(reverse("matching:circle", args=[circle.pk])))


def test_bad_input_is_a_form_error() -> None:
    offer_circles()
    mentor = make_mentor()
    circle = circles.create_circle(mentor=mentor.user, name="Mine")
    client = signed_in(mentor.user)
    for name in ("", "   ", "x" * 121, "a\x00b"):
        response = client.post(reverse("matching:circles"), {"name": name})
        assert response.status_code == 400, name
    for value in ("", "abc", "9223372036854775808", "-1"):
        response = client.post(reverse("matching:circle", args=[circle.pk]), {"mentorship": value})
        assert response.status_code == 400, value
    assert Circle.objects.count() == 1


def test_coordinators_see_every_circle_read_only() -> None:
    offer_circles()
    mentor = make_mentor(capacity=3)
    mentorship = make_mentorship(mentor=mentor)
    circle = circles.create_circle(mentor=mentor.user, name="Watched")
    circles.add_to_circle(circle=circle, mentorship=mentorship, by=mentor.user)
    client = signed_in(make_coordinator())
    assert "Watched" in text(client.get(reverse("matching:circles")))
    page = client.get(reverse("matching:circle", args=[circle.pk]))
    assert page.status_code == 200
    assert reverse("matching:mentorship", args=[mentorship.pk]) in page.content.decode()
    assert 'name="mentorship"' not in page.content.decode()
    # The conversation stays the members': coordinators read it only through a report.
    assert reverse("matching:messages", args=[mentorship.pk]) not in page.content.decode()
    assert client.post(reverse("matching:circle", args=[circle.pk]), {"mentorship": mentorship.pk}).status_code == 403


def test_an_empty_post_is_a_form_error_not_a_silent_success() -> None:
    offer_circles()
    mentor = make_mentor()
    circle = circles.create_circle(mentor=mentor.user, name="Mine")
    client = signed_in(mentor.user)
    assert client.post(reverse("matching:circles")).status_code == 400
    response = client.post(reverse("matching:circle", args=[circle.pk]))
    assert response.status_code == 400 and "This field is required." in text(response)


def test_without_group_mentoring_the_page_says_it_once() -> None:
    page = text(signed_in(make_mentor().user).get(reverse("matching:circles")))
    assert page.count("does not offer group mentoring") == 1 and "Start a circle" not in page
