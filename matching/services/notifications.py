"""The notification outbox: write in the event's transaction, deliver after commit, at least once.

``notify()`` renders the message and writes a ``Notification`` row inside the caller's
transaction, so a rolled-back event leaves nothing to send. After commit the row's id is
handed to Celery; if the broker is down that hand-off is logged and dropped, and the
periodic sweeper (``sweep_outbox``) sends it later. ``deliver()`` claims the row with a
conditional UPDATE (pending → sending): whichever task gets there first sends, every
other copy of the task finds nothing to claim.

The guarantee is **at least once**, not exactly once, because no mail protocol offers
more: a worker that dies after the SMTP server accepted a message and before "sent" is
recorded cannot tell whether it was accepted, and the message is sent again. Duplicates
are made harmless instead: every copy of a notification carries the same ``Message-ID``
(``message_id()``), which mail clients and servers use to drop duplicates, and the
same ``X-Notification-Id``. A claim is a *lease* of ``NOTIFICATION_CLAIM_TIMEOUT`` seconds
(60 by default) that the sending worker renews every third of it while the SMTP server
takes its time (``EMAIL_TIMEOUT``, 10 minutes, as RFC 5321 §4.5.3.2 allows for the reply
to the end of data); when a worker dies its lease lapses and the next sweep (every
``OUTBOX_SWEEP_SECONDS``, 30 by default) sends the message again: within about a minute.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.middleware import user_zone
from accounts.models import User
from matching.models import EmailOptOut, Notification
from mentorship import resilience

logger = logging.getLogger(__name__)

Kind = Notification.Kind
EmailStatus = Notification.EmailStatus
MAX_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "matching.unsubscribe"

# After a failed hand-off, skip the broker for a while: the sweeper delivers meanwhile,
# and a web request must not pay a connection timeout every time.
BROKER_BACKOFF_SECONDS = resilience.broker.open_seconds
broker_breaker = resilience.broker


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user: User, kind: str) -> str:
    # No timestamp: an unsubscribe link keeps working, and is the same in body and header.
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})
    return site_url(reverse("matching:unsubscribe", args=[token]))


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from an unsubscribe token; raises signing.BadSignature."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    return int(data["u"]), str(data["k"])


def wants_email(user: User, kind: str) -> bool:
    return user.is_active and not EmailOptOut.objects.filter(user=user, kind=kind).exists()


def notify(
    *,
    recipient: User,
    kind: str,
    context: dict[str, Any] | None = None,
    link: str = "",
    dedupe_key: str | None = None,
    calendar: str = "",
) -> Notification | None:
    """Write a notification in the current transaction; its email goes out after commit.

    ``dedupe_key`` makes the event idempotent: a second notify with the same key writes
    nothing and returns None. ``calendar`` is an iCalendar text the email carries as
    ``invite.ics`` (``text/calendar`` with its METHOD), for meeting invites.
    """
    context = {
        **(context or {}),
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        "link_url": site_url(link) if link else settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(recipient, kind),
        "kind_label": Kind(kind).label,
    }
    # Dates in the recipient's own zone, not in the zone of whoever caused the event.
    with timezone.override(user_zone(recipient)):
        subject = " ".join(render_to_string(f"emails/{kind}-subject.html", context).split())
        body_text = render_to_string(f"emails/{kind}-body-text.html", context)
        body_html = render_to_string(f"emails/{kind}-body-html.html", context)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                body_text=body_text,
                body_html=body_html,
                link=link,
                calendar=calendar,
                dedupe_key=dedupe_key,
                email_status=EmailStatus.PENDING if wants_email(recipient, kind) else EmailStatus.SKIPPED,
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None  # already notified for this event
        raise
    if notification.email_status == EmailStatus.PENDING:
        transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def mark_read(*, user: User, link: str, kinds: Iterable[str] | None = None) -> int:
    """Mark read this person's unread notifications that point to ``link`` (the same page, with
    any ``#section`` or ``?query``): they reached it, or did what it asked. Returns how many."""
    if not link or link == "/":
        return 0
    same_page = Q(link=link) | Q(link__startswith=f"{link}#") | Q(link__startswith=f"{link}?")
    unread = Notification.objects.filter(same_page, recipient=user, read_at__isnull=True)
    if kinds is not None:
        unread = unread.filter(kind__in=list(kinds))
    return unread.update(read_at=timezone.now())


def notify_all(*, recipients: Iterable[User], kind: str, **kwargs: Any) -> list[Notification]:
    dedupe = kwargs.pop("dedupe_key", None)
    sent = []
    for recipient in recipients:
        key = f"{dedupe}:{recipient.pk}" if dedupe else None
        notification = notify(recipient=recipient, kind=kind, dedupe_key=key, **kwargs)
        if notification is not None:
            sent.append(notification)
    return sent


def coordinators() -> list[User]:
    """The people coordinator alerts go to: ``accounts.permissions.coordinators()``."""
    return list(permissions.coordinators())


def enqueue(notification_id: int) -> bool:
    """Hand a notification to Celery; never raises (the sweeper is the safety net).

    A broker that refuses or hangs costs one call its socket timeout; the breaker then
    skips the broker for ``BROKER_BACKOFF_SECONDS`` (one log line) and the sweeper delivers.
    """
    if not broker_breaker.allow():
        return False
    from matching.tasks import deliver_notification

    try:
        deliver_notification.apply_async((notification_id,), retry=False)
    except Exception as exc:
        broker_breaker.failed(exc)
        logger.warning("outbox: broker unavailable, notification %s left for the sweeper: %s", notification_id, exc)
        return False
    broker_breaker.succeeded()
    return True


def message_id(notification: Notification) -> str:
    """The notification's RFC 5322 Message-ID: the same on every copy, so duplicates can be dropped.

    Unique across databases too (a restored backup reuses ids): the creation time is part of it.
    """
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{notification.pk}.{int(notification.created_at.timestamp() * 1000)}@{domain}>"


def deliver(notification_id: int) -> bool:
    """Send one notification's email if nobody holds it; True when this call sent it.

    Raises what the mail backend raised (the row goes back to pending, or to failed after
    ``MAX_ATTEMPTS``), so that Celery retries with back-off.
    """
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    if not claimed:
        return False  # sent already, being sent, opted out, or gone
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        with _lease(notification_id, claimed_at):
            _send(notification)
    except Exception as exc:
        status = EmailStatus.FAILED if notification.attempts >= MAX_ATTEMPTS else EmailStatus.PENDING
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=status, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.SENT, sent_at=timezone.now())
    return True


@contextmanager
def _lease(notification_id: int, claimed_at: datetime.datetime) -> Iterator[None]:
    """Renew the claim every third of ``NOTIFICATION_CLAIM_TIMEOUT`` while the block runs.

    A live worker waiting on a slow SMTP server keeps its claim, so the sweeper does not
    send a second copy; a dead one stops renewing and the claim lapses within the timeout.
    The renewal is a compare-and-set on ``claimed_at``: once another worker took the claim
    back, this one stops touching it.
    """
    stop = threading.Event()
    every = max(settings.NOTIFICATION_CLAIM_TIMEOUT / 3, 0.2)

    def renew() -> None:
        held = claimed_at
        try:
            while not stop.wait(every):
                now = timezone.now()
                renewed = Notification.objects.filter(
                    pk=notification_id, email_status=EmailStatus.SENDING, claimed_at=held
                ).update(claimed_at=now)
                if not renewed:
                    return
                held = now
        except Exception:
            logger.exception("outbox: could not renew the claim on notification %s", notification_id)
        finally:
            connections.close_all()  # this thread's own connection

    renewer = threading.Thread(target=renew, name=f"outbox-lease-{notification_id}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join(timeout=5)


def _send(notification: Notification) -> None:
    delay = getattr(settings, "NOTIFICATION_TEST_SEND_DELAY", 0)
    if delay:  # fault tests kill the worker inside this window
        time.sleep(delay)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.recipient.email],
        headers={
            "Message-ID": message_id(notification),
            "List-Unsubscribe": f"<{unsubscribe_url(notification.recipient, notification.kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Notification-Id": str(notification.pk),
        },
    )
    message.attach_alternative(notification.body_html, "text/html")
    if notification.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in notification.calendar else "REQUEST"
        message.attach("invite.ics", notification.calendar, f"text/calendar; method={method}")
    message.send()


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Deliver what is still pending (e.g. the broker was down), and take back lapsed claims.

    A claim lapses when its worker stopped renewing it for ``NOTIFICATION_CLAIM_TIMEOUT``
    seconds (it died); its notification is sent again, with the same Message-ID.
    """
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)
    Notification.objects.filter(email_status=EmailStatus.SENDING, claimed_at__lt=stale).update(
        email_status=EmailStatus.PENDING
    )
    # Leave the newest to the tasks enqueued for them, so the sweeper rarely races them.
    settled = now - datetime.timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE)
    sent = 0
    for pk in Notification.objects.email_pending().filter(created_at__lte=settled).values_list("pk", flat=True):
        try:
            sent += deliver(pk)
        except Exception:
            logger.exception("outbox: notification %s failed; it will be retried", pk)
    return sent
