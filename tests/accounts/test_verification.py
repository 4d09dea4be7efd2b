"""Mentor verification in the admin: credentials in view, verify or reject with a reason, notify, audit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, MentorProfile
from accounts.services import reject_mentor, verify_mentor
from matching.models import Notification
from tests.factories import make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_mentorprofile_changelist"


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    client.force_login(make_coordinator())
    return client


def _verification_notes(profile: MentorProfile) -> list[Notification]:
    return list(Notification.objects.filter(recipient=profile.user, kind=Notification.Kind.MENTOR_VERIFIED))


def test_verifying_notifies_the_mentor_and_records_who_did_it() -> None:
    profile = make_mentor(verified=False)
    coordinator = make_coordinator()
    verify_mentor(profile=profile, by=coordinator)
    assert len(_verification_notes(profile)) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.VERIFIED, actor=coordinator)
    assert event.target == f"mentor profile #{profile.pk}"


def test_rejecting_notifies_the_mentor_and_keeps_the_reason_in_the_audit_log() -> None:
    profile = make_mentor(verified=False)
    coordinator = make_coordinator()
    reject_mentor(profile=profile, by=coordinator, reason="The NPI belongs to someone else.")
    assert len(_verification_notes(profile)) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.REJECTED_MENTOR, actor=coordinator)
    assert event.detail == {"reason": "The NPI belongs to someone else."}


def test_a_rejected_then_verified_mentor_hears_about_both_decisions() -> None:
    profile = make_mentor(verified=False)
    coordinator = make_coordinator()
    reject_mentor(profile=profile, by=coordinator, reason="Licence number missing.")
    verify_mentor(profile=profile, by=coordinator)
    assert len(_verification_notes(profile)) == 2


def test_verify_action_notifies_every_selected_mentor(coordinator_client: Client) -> None:
    waiting = [make_mentor(verified=False), make_mentor(verified=False)]
    coordinator_client.post(
        reverse(CHANGELIST),
        {"action": "verify_mentors", "_selected_action": [p.pk for p in waiting], "confirmed": "yes"},
    )
    for profile in waiting:
        profile.refresh_from_db()
        assert profile.is_verified
        assert len(_verification_notes(profile)) == 1


def test_reject_with_reason_asks_for_the_reason_before_changing_anything(coordinator_client: Client) -> None:
    doubtful = make_mentor(verified=False, npi="1234567893")
    response = coordinator_client.post(
        reverse(CHANGELIST), {"action": "reject_with_reason", "_selected_action": [doubtful.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="reason"' in page and "1234567893" in page
    doubtful.refresh_from_db()
    assert doubtful.verification == MentorProfile.Verification.UNVERIFIED
    assert not _verification_notes(doubtful)


def test_reject_with_reason_rejects_and_notifies_with_the_given_reason(coordinator_client: Client) -> None:
    doubtful = make_mentor(verified=False)
    response = coordinator_client.post(
        reverse(CHANGELIST),
        {
            "action": "reject_with_reason",
            "_selected_action": [doubtful.pk],
            "apply": "1",
            "reason": "Please add your licence number.",
        },
    )
    assert response.status_code == 302
    doubtful.refresh_from_db()
    assert doubtful.verification == MentorProfile.Verification.REJECTED
    assert doubtful.rejection_reason == "Please add your licence number."
    assert len(_verification_notes(doubtful)) == 1


def test_reject_with_reason_refuses_an_empty_reason(coordinator_client: Client) -> None:
    doubtful = make_mentor(verified=False)
    response = coordinator_client.post(
        reverse(CHANGELIST),
        {"action": "reject_with_reason", "_selected_action": [doubtful.pk], "apply": "1", "reason": "  "},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    doubtful.refresh_from_db()
    assert doubtful.verification == MentorProfile.Verification.UNVERIFIED


def test_change_page_shows_npi_licence_and_the_decision_buttons(coordinator_client: Client) -> None:
    profile = make_mentor(verified=False, npi="1234567893", license_state="MA", license_number="MD-778812")
    page = coordinator_client.get(reverse("admin:accounts_mentorprofile_change", args=[profile.pk])).content.decode()
    panel = page[page.index('id="verification-heading"') :]
    assert "<strong>1234567893</strong>" in panel
    assert "https://npiregistry.cms.hhs.gov/provider-view/1234567893" in panel
    assert "<strong>MD-778812</strong> (MA)" in panel
    assert reverse("admin:accounts_mentorprofile_verify", args=[profile.pk]) in page
    assert reverse("admin:accounts_mentorprofile_reject", args=[profile.pk]) in page
    # The status is changed only by the buttons, never by a select box in the form.
    assert 'name="verification"' not in page


def test_verify_button_verifies_on_post_only(coordinator_client: Client) -> None:
    profile = make_mentor(verified=False)
    url = reverse("admin:accounts_mentorprofile_verify", args=[profile.pk])
    coordinator_client.get(url)
    profile.refresh_from_db()
    assert not profile.is_verified
    response = coordinator_client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.is_verified
    assert profile.verified_by is not None


def test_reject_page_rejects_one_mentor_with_a_reason(coordinator_client: Client) -> None:
    profile = make_mentor(verified=False)
    url = reverse("admin:accounts_mentorprofile_reject", args=[profile.pk])
    assert 'name="reason"' in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"reason": "We could not find this licence."})
    profile.refresh_from_db()
    assert profile.verification == MentorProfile.Verification.REJECTED
    assert profile.rejection_reason == "We could not find this licence."


def test_people_who_are_not_staff_cannot_verify(client: Client) -> None:
    profile = make_mentor(verified=False)
    client.force_login(make_mentee().user)
    client.post(reverse("admin:accounts_mentorprofile_verify", args=[profile.pk]), {"confirmed": "yes"})
    profile.refresh_from_db()
    assert not profile.is_verified


def test_coordinator_cannot_verify_a_profile_that_does_not_exist(coordinator_client: Client) -> None:
    response = coordinator_client.post(reverse("admin:accounts_mentorprofile_verify", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_rejected_mentor_reads_the_reason_in_the_email() -> None:
    from accounts.services import reject_mentor
    from matching.models import Notification
    from tests.factories import make_coordinator, make_mentor

    profile = make_mentor(verified=False)
    reject_mentor(profile=profile, by=make_coordinator(), reason="The NPI belongs to someone else.")

    note = Notification.objects.get(recipient=profile.user, kind=Notification.Kind.MENTOR_VERIFIED)
    assert "not verified" in note.subject
    assert "The NPI belongs to someone else." in note.body_text
    assert "The NPI belongs to someone else." in note.body_html
