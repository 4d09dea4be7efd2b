"""Irreversible actions ask first, with a summary: verify a mentor, bulk approve, publish a cohort match."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import MentorProfile, Program
from matching.models import CohortRun, Mentorship, Notification
from matching.services import cohort
from matching.services.requests import accept_request
from matching.tasks import run_cohort
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client() -> Client:
    client = Client()
    client.force_login(make_coordinator())
    return client


def test_verify_asks_first_with_the_mentors_details(coordinator_client: Client) -> None:
    profile = make_mentor(verified=False, npi="1234567893", license_state="MA", license_number="MD-778812")
    url = reverse("admin:accounts_mentorprofile_verify", args=[profile.pk])

    page = coordinator_client.post(url)

    text = page.content.decode()
    assert page.status_code == 200 and "Verify this mentor?" in text
    assert "1234567893" in text and "MA MD-778812" in text and "gets an e-mail" in text
    assert 'name="confirmed" value="yes"' in text
    profile.refresh_from_db()
    assert not profile.is_verified and not Notification.objects.exists()
    coordinator_client.post(url, {"confirmed": "yes"})
    profile.refresh_from_db()
    assert profile.is_verified


def test_bulk_verify_and_bulk_approve_list_what_they_will_do(coordinator_client: Client) -> None:
    waiting = [make_mentor(verified=False) for _ in range(2)]
    page = coordinator_client.post(
        reverse("admin:accounts_mentorprofile_changelist"),
        {"action": "verify_mentors", "_selected_action": [p.pk for p in waiting]},
    ).content.decode()
    assert "Verify 2 mentors?" in page and waiting[0].user.email in page
    assert not MentorProfile.objects.verified().filter(pk__in=[p.pk for p in waiting]).exists()

    first = make_request()
    accept_request(request=first, by=first.mentor)
    pending = make_request()
    page = coordinator_client.post(
        reverse("admin:matching_mentorshiprequest_changelist"),
        {"action": "approve_selected", "_selected_action": [first.pk, pending.pk]},
    ).content.decode()
    assert "Approve 2 requests?" in page
    assert "<dt>Accepted, ready to approve</dt><dd>1</dd>" in page and "<dt>E-mails sent</dt><dd>2</dd>" in page
    assert not Mentorship.objects.exists()


def test_publish_asks_first_with_a_summary_of_the_run(coordinator_client: Client) -> None:
    for _ in range(2):
        make_mentee(targets=("orthopaedic-surgery",), stage="ms3", topics=["research"],
                    availability=[{"day": 0, "start": "18:00", "end": "21:00"}])  # fmt: skip
    make_mentor(specialty="orthopaedic-surgery", capacity=2, topics=["research"],
                availability=[{"day": 0, "start": "18:00", "end": "21:00"}])  # fmt: skip
    coordinator = make_coordinator()
    run = cohort.create_run(program=Program.objects.default(), by=coordinator, algorithm="optimal", min_score=10.0,
                            max_load=None, mentee_filter={}, mentor_filter={})  # fmt: skip
    run_cohort(run.pk)
    url = reverse("admin:matching_cohortrun_publish", args=[run.pk])

    page = coordinator_client.post(url).content.decode()

    assert f"Publish cohort match #{run.pk}?" in page
    assert "<dt>Pairs</dt><dd>2</dd>" in page and "<dt>E-mails sent</dt><dd>4</dd>" in page
    assert "Yes, publish: start 2 mentorships" in page
    run.refresh_from_db()
    assert run.status == CohortRun.Status.PROPOSED and not Mentorship.objects.exists()
