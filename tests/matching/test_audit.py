"""Audit events for approvals and rejections, by every path (issue 13).

The finding: approvals (admin and API) were missing from the audit log although it offers
that filter. Exports, imports, verification, token creation and a return to review are
audited too (tests/matching/test_csv_io.py, tests/accounts/test_verification.py,
tests/accounts/test_signin_security.py, tests/accounts/test_verification_visibility.py).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from matching.models import MentorshipRequest
from matching.services.requests import accept_request
from tests.factories import make_coordinator, make_request

pytestmark = pytest.mark.django_db


def accepted() -> MentorshipRequest:
    request = make_request()
    return accept_request(request=request, by=request.mentor)


def audited(action: str, request: MentorshipRequest) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target=f"mentorship request #{request.pk}"))


@pytest.mark.parametrize(("verb", "action"), [("approve", "approved"), ("reject", "rejected_match")])
def test_api_approvals_and_rejections_are_audited(verb: str, action: str) -> None:
    coordinator = make_coordinator()
    request = accepted()
    client = APIClient()
    client.force_authenticate(coordinator)
    assert client.post(f"/api/v1/requests/{request.pk}/{verb}/").status_code == 200
    [event] = audited(action, request)
    assert event.actor == coordinator


@pytest.mark.parametrize(("verb", "action"), [("approve_selected", "approved"), ("reject_selected", "rejected_match")])
def test_admin_approvals_and_rejections_are_audited(verb: str, action: str) -> None:
    coordinator = make_coordinator()
    request = accepted()
    client = Client()
    client.force_login(coordinator)
    client.post(
        reverse("admin:matching_mentorshiprequest_changelist"),
        {"action": verb, "_selected_action": [request.pk], "confirmed": "yes"},
    )
    [event] = audited(action, request)
    assert event.actor == coordinator


def test_the_audit_logs_approved_filter_finds_them() -> None:
    coordinator = make_coordinator()
    request = accepted()
    client = Client()
    client.force_login(coordinator)
    client.post(
        reverse("admin:matching_mentorshiprequest_changelist"),
        {"action": "approve_selected", "_selected_action": [request.pk], "confirmed": "yes"},
    )
    listing = client.get(reverse("admin:accounts_auditevent_changelist"), {"action__exact": "approved"})
    assert f"mentorship request #{request.pk}" in listing.content.decode()
