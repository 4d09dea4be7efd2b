"""Capacity is never exceeded, however many accepts and approvals race (PostgreSQL only).

SQLite serialises every write transaction, so races cannot happen there; on PostgreSQL
30 threads, each on its own connection, hit the same mentor at the same instant.
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from accounts.models import Program
from matching.models import Mentorship, MentorshipRequest
from matching.services.requests import RuleBroken, accept_request, approve_request
from tests.conftest import ensure_reference_data, requires_postgres
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request

# serialized_rollback: the flush after each test would drop the taxonomy and program rows.
pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RACERS = 30
CAPACITY = 3


def race(calls: list[Callable[[], object]]) -> Counter[str]:
    """Run every call at the same moment on its own thread and connection; count outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connect first, so all start the race together
            barrier.wait()
            call()
            outcome = "ok"
        except RuleBroken as broken:
            outcome = broken.code
        except Exception as error:  # anything else would be a 500
            outcome = f"error: {error!r}"
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


def requests_for(mentor_capacity: int) -> tuple[object, list[MentorshipRequest]]:
    mentor = make_mentor(capacity=mentor_capacity)
    Program.objects.filter(is_default=True).update(max_open_requests=5)
    return mentor, [make_request(mentee=make_mentee(), mentor=mentor) for _ in range(RACERS)]


@pytest.mark.parametrize("attempt", range(10))
def test_racing_accepts_never_exceed_capacity(attempt: int) -> None:
    Program.objects.filter(is_default=True).update(approval_required=False)
    mentor, requests = requests_for(CAPACITY)

    outcomes = race([lambda r=r: accept_request(request=r, by=mentor.user) for r in requests])

    assert outcomes == Counter({"ok": CAPACITY, "mentor_full": RACERS - CAPACITY})
    assert Mentorship.objects.active().filter(mentor=mentor.user).count() == CAPACITY


@pytest.mark.parametrize("attempt", range(10))
def test_racing_approvals_never_exceed_capacity(attempt: int) -> None:
    mentor, requests = requests_for(RACERS)  # room for every accept: accepted requests hold places
    for request in requests:
        accept_request(request=request, by=mentor.user)
    type(mentor).objects.filter(pk=mentor.pk).update(capacity=CAPACITY)  # then the mentor lowers it
    coordinator = make_coordinator()

    outcomes = race([lambda r=r: approve_request(request=r, by=coordinator) for r in requests])

    assert outcomes == Counter({"ok": CAPACITY, "mentor_full": RACERS - CAPACITY})
    assert Mentorship.objects.active().filter(mentor=mentor.user).count() == CAPACITY


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None) -> None:
    ensure_reference_data()  # an earlier transactional test may have emptied the database
