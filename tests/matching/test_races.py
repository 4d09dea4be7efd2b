"""The races of issue 14 on PostgreSQL, through the API: each loser gets a 409 with the rule's code.

SQLite serialises every write transaction, so these races cannot happen there; on
PostgreSQL each thread has its own connection and all start at the same instant. Each
test runs 10 times: a race that is lost only sometimes must still never be a 500.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Program, User
from matching.models import Mentorship, MentorshipRequest
from matching.services.requests import accept_request
from tests.conftest import ensure_reference_data, requires_postgres
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None) -> None:
    ensure_reference_data()  # an earlier transactional test may have emptied the database


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def race(calls: list[Callable[[], Any]]) -> Counter[str]:
    """Run every API call at the same moment, each on its own thread and connection.

    Counts "<status>" for a success and "<status> <code>" for an error answer.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            response = call()
            outcome = str(response.status_code)
            if response.status_code >= 400:
                body = response.json() if response["Content-Type"].startswith("application/json") else {}
                outcome += f" {body.get('code', '?')}"
        except Exception as error:  # an exception escaping the view would be a 500
            outcome = f"500 {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("attempt", range(10))
def test_eight_requests_at_once_respect_a_limit_of_three_open_requests(attempt: int) -> None:
    Program.objects.filter(is_default=True).update(max_open_requests=3)
    mentee = make_mentee().user
    mentors = [make_mentor(capacity=2).user for _ in range(8)]
    client = api(mentee)

    def send(mentor: User) -> Callable[[], Any]:
        body = {"mentor": mentor.pk, "kind": "long_term", "message": "Would you mentor me?"}
        return lambda: client.post("/api/v1/requests/", body, format="json")

    outcomes = race([send(mentor) for mentor in mentors])

    assert outcomes == Counter({"201": 3, "409 too_many_open_requests": 5})
    assert MentorshipRequest.objects.open().filter(mentee=mentee).count() == 3


def two_long_term_requests(*, approval_required: bool) -> tuple[User, list[MentorshipRequest]]:
    Program.objects.filter(is_default=True).update(
        approval_required=approval_required, withdraw_other_long_term_requests=True, max_open_requests=3
    )
    mentee = make_mentee().user
    return mentee, [make_request(mentee=mentee, mentor=make_mentor(capacity=2)) for _ in range(2)]


@pytest.mark.parametrize("attempt", range(10))
def test_two_mentors_accepting_one_mentees_two_long_term_requests_at_once(attempt: int) -> None:
    mentee, requests = two_long_term_requests(approval_required=False)

    outcomes = race([lambda r=r: api(r.mentor).post(f"/api/v1/requests/{r.pk}/accept/") for r in requests])

    # The first match withdraws the other request; its mentor finds it withdrawn.
    assert outcomes == Counter({"200": 1, "409 invalid_state": 1})
    assert Mentorship.objects.active().filter(mentee=mentee).count() == 1
    assert sorted(MentorshipRequest.objects.filter(mentee=mentee).values_list("status", flat=True)) == [
        "matched",
        "withdrawn",
    ]


@pytest.mark.parametrize("attempt", range(10))
def test_two_coordinators_approving_one_mentees_two_long_term_requests_at_once(attempt: int) -> None:
    mentee, requests = two_long_term_requests(approval_required=True)
    for request in requests:
        accept_request(request=request, by=request.mentor)
    coordinators = [make_coordinator(), make_coordinator()]

    outcomes = race(
        [
            lambda r=r, c=c: api(c).post(f"/api/v1/requests/{r.pk}/approve/")
            for r, c in zip(requests, coordinators, strict=True)
        ]
    )

    assert outcomes == Counter({"200": 1, "409 invalid_state": 1})
    assert Mentorship.objects.active().filter(mentee=mentee).count() == 1


@pytest.mark.parametrize("attempt", range(10))
def test_racing_accepts_with_approval_required_hold_places_for_those_awaiting_approval(attempt: int) -> None:
    Program.objects.filter(is_default=True).update(approval_required=True, max_open_requests=3)
    mentor = make_mentor(capacity=2)
    requests = [make_request(mentee=make_mentee(), mentor=mentor) for _ in range(6)]
    client = api(mentor.user)

    outcomes = race([lambda r=r: client.post(f"/api/v1/requests/{r.pk}/accept/") for r in requests])

    assert outcomes == Counter({"200": 2, "409 mentor_full": 4})
    assert MentorshipRequest.objects.filter(mentor=mentor.user, status="accepted").count() == 2
