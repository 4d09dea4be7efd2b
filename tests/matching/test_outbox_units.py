"""The outbox's moving parts in one process: the hand-off to Celery, the claim, the sweeper.

The same behaviour against real Redis, workers and beat is in tests/integration/test_outbox.py.
"""

from __future__ import annotations

import datetime
import smtplib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from matching.models import Notification
from matching.services import notifications
from matching.services.notifications import deliver, enqueue, sweep
from matching.tasks import deliver_notification
from tests.conftest import requires_redis
from tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


@pytest.fixture(autouse=True)
def broker_not_backed_off() -> Iterator[None]:
    notifications.broker_breaker.reset()
    yield
    notifications.broker_breaker.reset()


def outbox_row(*, status: str = Status.PENDING, age: int = 3600, claimed: int | None = None) -> Notification:
    """A notification created ``age`` seconds ago, claimed ``claimed`` seconds ago if given."""
    now = timezone.now()
    return Notification.objects.create(
        recipient=make_user(),
        kind=Notification.Kind.REQUEST_CREATED,
        subject="A new request",
        body_text="Someone asked you to mentor them.",
        body_html="<p>Someone asked you to mentor them.</p>",
        email_status=status,
        created_at=now - datetime.timedelta(seconds=age),
        claimed_at=None if claimed is None else now - datetime.timedelta(seconds=claimed),
    )


def sent_ids() -> list[int]:
    return [int(message.extra_headers["X-Notification-Id"]) for message in mail.outbox]


def test_enqueue_swallows_a_broker_error_and_skips_the_broker_for_a_while(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls = []

    def broker_down(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_notification, "apply_async", broker_down)

    assert enqueue(1) is False
    assert enqueue(2) is False  # within the back-off: the broker is not tried again

    assert len(calls) == 1
    assert "notification 1 left for the sweeper" in caplog.text


@requires_redis  # the Redis transport options (short timeouts, no retries) apply only with REDIS_URL
def test_enqueue_to_an_unreachable_redis_returns_false_at_once() -> None:
    from tests.integration.conftest import celery_broker, free_port

    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        started = time.monotonic()
        handed_off = enqueue(1)
        elapsed = time.monotonic() - started

    assert handed_off is False
    assert elapsed < 3, "retrying a dead broker would hang the web request"


def test_deliver_sends_a_pending_notification_once() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor, kind=Notification.Kind.REQUEST_CREATED)

    assert deliver(notification.pk) is True
    assert deliver(notification.pk) is False  # a duplicated or retried task

    assert sent_ids() == [notification.pk]
    assert mail.outbox[0].to == [request.mentor.email]
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (Status.SENT, 1)
    assert notification.sent_at is not None


@pytest.mark.parametrize("status", [Status.SENDING, Status.SENT, Status.FAILED, Status.SKIPPED])
def test_deliver_is_a_no_op_unless_the_notification_is_pending(status: str) -> None:
    notification = outbox_row(status=status, claimed=10)

    assert deliver(notification.pk) is False

    assert mail.outbox == []
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (status, 0)


def test_a_failed_send_is_left_pending_with_its_error_then_failed_after_the_last_attempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def smtp_down(notification: Notification) -> None:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(notifications, "_send", smtp_down)
    notification = outbox_row()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (Status.PENDING, 1)
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    for _ in range(notifications.MAX_ATTEMPTS - 1):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts) == (Status.FAILED, notifications.MAX_ATTEMPTS)


def test_sweep_takes_back_only_stale_claims_and_sends_only_settled_pending(settings: Any) -> None:
    settings.NOTIFICATION_CLAIM_TIMEOUT = 300
    settings.NOTIFICATION_SWEEP_GRACE = 30
    stale_claim = outbox_row(status=Status.SENDING, claimed=301)  # its worker died
    live_claim = outbox_row(status=Status.SENDING, claimed=100)  # its worker is still sending
    left_behind = outbox_row(age=60)  # the broker was down at commit
    just_written = outbox_row(age=5)  # its own task is on the way
    already_sent = outbox_row(status=Status.SENT)

    assert sweep() == 2

    assert sorted(sent_ids()) == sorted([stale_claim.pk, left_behind.pk])
    statuses = dict(Notification.objects.values_list("pk", "email_status"))
    assert statuses == {
        stale_claim.pk: Status.SENT,
        live_claim.pk: Status.SENDING,
        left_behind.pk: Status.SENT,
        just_written.pk: Status.PENDING,
        already_sent.pk: Status.SENT,
    }
