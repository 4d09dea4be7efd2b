"""The notification outbox against real processes: Redis, Celery workers and beat, PostgreSQL.

A notification is written in its event's transaction and emailed by a real worker, once:
not when the transaction rolls back, not twice when tasks are duplicated or a worker dies
mid-send, and not lost when Redis is down at commit time (the sweeper catches up).
Emails are files written by the workers; each carries its notification's id.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.db import IntegrityError, connections, transaction
from rest_framework.test import APIClient

from accounts.models import Program, User
from matching.models import Notification
from matching.services.notifications import message_id
from matching.services.requests import accept_request
from matching.tasks import deliver_notification
from tests.conftest import requires_redis, wait_for
from tests.factories import make_coordinator, make_mentee, make_mentor, make_request
from tests.integration.conftest import CeleryProcesses, RedisServer, requires_shared_postgres
from tests.integration.smtp import SmtpServer

pytestmark = [
    pytest.mark.integration,
    requires_shared_postgres,
    requires_redis,
    # The workers see only committed data; serialized_rollback restores the taxonomy and
    # the default program that the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Kind = Notification.Kind
Status = Notification.EmailStatus


def accept_url(request: Any) -> str:
    return f"/api/v1/requests/{request.pk}/accept/"


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def status_of(notification: Notification) -> str:
    notification.refresh_from_db(fields=["email_status"])
    return notification.email_status


def unsettled() -> int:
    return Notification.objects.filter(email_status__in=[Status.PENDING, Status.SENDING]).count()


@pytest.mark.parametrize(
    ("approval_required", "kind", "status"),
    [(True, Kind.REQUEST_ACCEPTED, "accepted"), (False, Kind.MATCH_LIVE, "matched")],
    ids=["approval-required", "match-live"],
)
def test_an_accepted_request_emails_the_mentee_through_the_real_worker_within_seconds(
    celery_processes: CeleryProcesses, approval_required: bool, kind: str, status: str
) -> None:
    Program.objects.filter(is_default=True).update(approval_required=approval_required)
    coordinators = [make_coordinator(), make_coordinator()]  # approval_needed goes to each, once
    celery_processes.worker()
    celery_processes.wait_ready()
    request = make_request()

    response = signed_in(request.mentor).post(accept_url(request))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    notification = Notification.objects.get(recipient=request.mentee, kind=kind)
    wait_for(lambda: unsettled() == 0, timeout=15)
    emails = celery_processes.emails(notification.pk)
    assert [email["To"] for email in emails] == [request.mentee.email]
    assert emails[0]["Subject"] == notification.subject
    approvals = Notification.objects.filter(kind=Kind.APPROVAL_NEEDED)
    expected = {c.pk: 1 for c in coordinators} if approval_required else {}
    assert dict(Counter(approvals.values_list("recipient", flat=True))) == expected
    # Every notification written was emailed exactly once: a second approval_needed would show.
    assert celery_processes.delivered() == dict.fromkeys(Notification.objects.values_list("pk", flat=True), 1)


def test_an_operation_the_database_refuses_half_way_sends_nothing(celery_processes: CeleryProcesses) -> None:
    """A real accept whose commit fails: a coordinator it notifies was deleted meanwhile.

    Accepting (approval required) writes the request's new state, its transition, the
    mentee's ``request_accepted`` and one ``approval_needed`` per coordinator. Before it
    commits, another connection deletes one of those coordinators and commits. PostgreSQL
    checks foreign keys at commit (Django declares them deferred), so the commit fails
    with an IntegrityError: the whole accept rolls back, and no email may leave.
    """
    celery_processes.worker(NOTIFICATION_SWEEP_GRACE="0")
    celery_processes.beat("sweep-outbox", NOTIFICATION_SWEEP_GRACE="0")
    celery_processes.wait_ready()
    Program.objects.filter(is_default=True).update(approval_required=True)
    leaving, staying = make_coordinator(), make_coordinator()
    request = make_request()
    created = set(Notification.objects.values_list("pk", flat=True))  # the mentor's request_created

    def delete_the_coordinator_elsewhere() -> None:
        try:
            User.objects.filter(pk=leaving.pk).delete()
        finally:
            connections.close_all()

    with pytest.raises(IntegrityError), transaction.atomic():
        accept_request(request=request, by=request.mentor)
        assert Notification.objects.exclude(pk__in=created).count() == 3  # written, uncommitted
        other = threading.Thread(target=delete_the_coordinator_elsewhere)
        other.start()
        other.join(timeout=30)

    request.refresh_from_db()
    assert request.status == "pending"
    assert set(Notification.objects.values_list("pk", flat=True)) == created
    # A committed event afterwards is delivered: the worker and the sweeper were listening.
    wait_for(lambda: unsettled() == 0, timeout=15)
    accept_request(request=request, by=request.mentor)
    wait_for(lambda: unsettled() == 0, timeout=15)
    wait_for(lambda: len(celery_processes.succeeded("matching.sweep_outbox")) >= 3, timeout=15)

    notified = Notification.objects.exclude(pk__in=created)
    assert sorted(notified.values_list("kind", "recipient")) == sorted(
        [(Kind.APPROVAL_NEEDED, staying.pk), (Kind.REQUEST_ACCEPTED, request.mentee_id)]
    )
    assert celery_processes.delivered() == dict.fromkeys(Notification.objects.values_list("pk", flat=True), 1)
    # Only committed notifications were ever handed to the broker.
    assert celery_processes.received("matching.deliver_notification") == Notification.objects.count()


def test_with_redis_down_ten_accepts_succeed_and_each_notification_is_sent_once_when_it_is_back(
    celery_processes: CeleryProcesses, private_redis: RedisServer
) -> None:
    celery_processes.worker("worker", NOTIFICATION_SWEEP_GRACE="0")  # it lives through the outage
    make_coordinator()  # each accept also writes an approval_needed: each must be sent once too
    mentor = make_mentor(capacity=10)  # accepted requests awaiting approval hold places
    requests = [make_request(mentee=make_mentee(), mentor=mentor) for _ in range(10)]
    client = signed_in(mentor.user)
    private_redis.stop()

    timings = []
    for request in requests:
        started = time.perf_counter()
        response = client.post(accept_url(request))
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "accepted"

    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
    print(
        f"\naccept with Redis down, 10 requests: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms; each: {', '.join(f'{t * 1000:.0f}' for t in timings)} ms"
    )
    # The goal (p95 under 1 s) is measured and recorded in docs/outbox-faults.md, not asserted
    # here; this loose bound only catches a request that hangs on broker retries.
    assert max(timings) < 5
    accepted = Notification.objects.filter(kind=Kind.REQUEST_ACCEPTED)
    ids = sorted(accepted.values_list("pk", flat=True))
    assert len(ids) == 10
    assert set(accepted.values_list("email_status", flat=True)) == {Status.PENDING}

    private_redis.start()  # back, and empty: what was queued before the outage is gone too
    celery_processes.worker("worker-2", NOTIFICATION_SWEEP_GRACE="0")
    celery_processes.beat("sweep-outbox", NOTIFICATION_SWEEP_GRACE="0")

    def runs(task: str) -> int:
        return sum(len(celery_processes.succeeded(task, name)) for name in ("worker", "worker-2"))

    # Duplicate hand-offs race the sweeper across two workers: still one email each.
    handed_off = runs("matching.deliver_notification")
    for pk in ids:
        deliver_notification.apply_async((pk,), retry=False)

    wait_for(lambda: unsettled() == 0, timeout=40)
    wait_for(lambda: runs("matching.deliver_notification") >= handed_off + len(ids), timeout=30)
    sweeps = runs("matching.sweep_outbox")
    wait_for(lambda: runs("matching.sweep_outbox") >= sweeps + 2, timeout=15)  # two more, after all settled

    delivered = celery_processes.delivered()
    assert {pk: delivered[pk] for pk in ids} == dict.fromkeys(ids, 1)
    everything = set(Notification.objects.values_list("pk", flat=True))  # the request_created ones too
    assert delivered == dict.fromkeys(everything, 1)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.SENT}


def test_a_worker_killed_mid_delivery_leads_to_exactly_one_delivery_after_restart(
    celery_processes: CeleryProcesses,
) -> None:
    slow = celery_processes.worker("slow-worker", NOTIFICATION_TEST_SEND_DELAY="5")
    celery_processes.wait_ready("slow-worker")
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor, kind=Kind.REQUEST_CREATED)

    wait_for(lambda: status_of(notification) == Status.SENDING, timeout=15)
    celery_processes.kill(slow)

    assert celery_processes.delivered() == {}
    assert status_of(notification) == Status.SENDING
    restart = {"NOTIFICATION_CLAIM_TIMEOUT": "2", "NOTIFICATION_SWEEP_GRACE": "0"}
    celery_processes.worker("worker", **restart)
    celery_processes.beat("sweep-outbox", **restart)
    wait_for(lambda: status_of(notification) == Status.SENT, timeout=30)
    # The killed worker's task, delivered again, finds the row already sent.
    deliver_notification.apply_async((notification.pk,), retry=False)
    wait_for(lambda: "False" in celery_processes.succeeded("matching.deliver_notification"), timeout=15)
    wait_for(lambda: len(celery_processes.succeeded("matching.sweep_outbox")) >= 3, timeout=15)

    assert celery_processes.delivered() == {notification.pk: 1}
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (Status.SENT, 2)


@pytest.fixture
def smtp_server() -> Any:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_worker_killed_after_the_smtp_server_accepted_resends_with_the_same_message_id(
    celery_processes: CeleryProcesses, smtp_server: SmtpServer
) -> None:
    """At least once, made harmless: the copy sent again is recognisably the same message.

    The server accepts the message (250 to the end of data) and then never answers QUIT,
    so the worker is stuck after the acceptance and before it records "sent"; SIGKILL.
    """
    smtp_server.hold_quit = True
    doomed = celery_processes.worker("doomed", **smtp_server.environment())
    celery_processes.wait_ready("doomed")
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor, kind=Kind.REQUEST_CREATED)

    wait_for(lambda: len(smtp_server.accepted) == 1, timeout=20)
    assert status_of(notification) == Status.SENDING
    celery_processes.kill(doomed)
    smtp_server.hold_quit = False
    smtp_server.release.set()

    restart = {"NOTIFICATION_CLAIM_TIMEOUT": "2", "NOTIFICATION_SWEEP_GRACE": "0", **smtp_server.environment()}
    celery_processes.worker("worker", **restart)
    celery_processes.beat("sweep-outbox", **restart)
    wait_for(lambda: status_of(notification) == Status.SENT, timeout=30)

    copies = smtp_server.accepted
    assert len(copies) == 2  # at least once: the server got it twice
    notification.refresh_from_db()
    assert [c["Message-ID"] for c in copies] == [message_id(notification)] * 2
    assert [c["X-Notification-Id"] for c in copies] == [str(notification.pk)] * 2
    assert notification.attempts == 2


def test_a_slow_smtp_server_gets_each_message_once(celery_processes: CeleryProcesses) -> None:
    """The sending worker renews its lease while the server takes longer than the lease to answer."""
    slow = SmtpServer(data_delay=6)
    slow.start()
    try:
        fast_sweeps = {"NOTIFICATION_CLAIM_TIMEOUT": "2", "NOTIFICATION_SWEEP_GRACE": "0", **slow.environment()}
        celery_processes.worker("worker", **fast_sweeps)
        celery_processes.worker("worker-2", **fast_sweeps)  # free to run sweeps while the first one sends
        celery_processes.beat("sweep-outbox", **fast_sweeps)
        celery_processes.wait_ready("worker")
        celery_processes.wait_ready("worker-2")
        request = make_request()
        notification = Notification.objects.get(recipient=request.mentor, kind=Kind.REQUEST_CREATED)

        wait_for(lambda: status_of(notification) == Status.SENT, timeout=40)
        sweeps = sum(len(celery_processes.succeeded("matching.sweep_outbox", n)) for n in ("worker", "worker-2"))
        assert sweeps >= 3  # the sweeper ran while the server was slow, and left the claim alone
        time.sleep(3)  # a lapsed claim would be re-sent by now (sweeps every second)

        assert len(slow.accepted) == 1
        notification.refresh_from_db()
        assert notification.attempts == 1
    finally:
        slow.stop()
