"""The coordinator's admin: bulk approve and reject through the services, and no way around them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Mentorship, MentorshipRequest, Transition
from matching.services.requests import accept_request
from tests.factories import make_coordinator, make_mentor, make_request

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:matching_mentorshiprequest_changelist"


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    client.force_login(make_coordinator())
    return client


def accepted(**kwargs: object) -> MentorshipRequest:
    request = make_request(**kwargs)
    return accept_request(request=request, by=request.mentor)


def test_coordinator_approves_accepted_requests_in_bulk(coordinator_client: Client) -> None:
    first, second = accepted(), accepted()
    response = coordinator_client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [first.pk, second.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "2 requests approved." in response.content.decode()
    assert Mentorship.objects.filter(request__in=[first, second]).count() == 2
    by = Transition.objects.get(request=first, to_status="matched").by
    assert by is not None and by.is_coordinator


def test_bulk_approve_reports_each_broken_rule_and_approves_the_rest(coordinator_client: Client) -> None:
    mentor = make_mentor(capacity=2)
    one, two = make_request(mentor=mentor), make_request(mentor=mentor)
    accept_request(request=one, by=mentor.user)
    accept_request(request=two, by=mentor.user)
    type(mentor).objects.filter(pk=mentor.pk).update(capacity=1)  # lowered after accepting both
    pending = make_request()
    response = coordinator_client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [one.pk, two.pk, pending.pk], "confirmed": "yes"},
        follow=True,
    )
    body = response.content.decode()
    assert "1 request approved." in body
    assert "The mentor has no room for another mentee." in body
    assert "Only accepted requests can be approved; this one is pending." in body
    assert Mentorship.objects.filter(mentor=mentor.user).count() == 1


def test_coordinator_rejects_in_bulk(coordinator_client: Client) -> None:
    first, second = accepted(), accepted()
    coordinator_client.post(
        reverse(CHANGELIST), {"action": "reject_selected", "_selected_action": [first.pk, second.pk]}
    )
    statuses = set(MentorshipRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == {MentorshipRequest.Status.REJECTED}
    assert not Mentorship.objects.exists()


def test_coordinator_cannot_edit_a_status_directly(coordinator_client: Client) -> None:
    request = accepted()
    url = reverse("admin:matching_mentorshiprequest_change", args=[request.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    coordinator_client.post(url, {"status": "matched"})
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.ACCEPTED
    assert coordinator_client.get(reverse("admin:matching_mentorshiprequest_add")).status_code == 403


def test_mentorship_admin_shows_transitions_and_only_at_risk_is_editable(coordinator_client: Client) -> None:
    request = accepted()
    coordinator_client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [request.pk], "confirmed": "yes"}
    )
    mentorship = Mentorship.objects.get(request=request)
    page = coordinator_client.get(reverse("admin:matching_mentorship_change", args=[mentorship.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="at_risk"' in body and 'name="status"' not in body
    listing = coordinator_client.get(reverse("admin:matching_mentorship_changelist"), {"q": request.mentee.email})
    assert request.mentee.email in listing.content.decode()
    transitions = coordinator_client.get(reverse("admin:matching_transition_changelist"))
    assert transitions.status_code == 200


def test_requests_are_searchable_by_email(coordinator_client: Client) -> None:
    request = make_request()
    other = make_request()
    body = coordinator_client.get(reverse(CHANGELIST), {"q": request.mentee.email}).content.decode()
    assert request.mentee.email in body and other.mentee.email not in body
