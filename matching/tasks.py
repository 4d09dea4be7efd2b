"""Celery tasks: each takes ids, loads what it needs, and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from matching import checkins, notifications, services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="matching.deliver_notification",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def deliver_notification(self: object, notification_id: int) -> bool:
    # The conditional claim inside deliver() makes a duplicate or retried task a no-op.
    return notifications.deliver(notification_id)


@shared_task(name="matching.sweep_outbox")
def sweep_outbox() -> int:
    return notifications.sweep()


@shared_task(name="matching.expire_requests")
def expire_requests() -> int:
    return services.expire_requests()


@shared_task(name="matching.remind_pending_requests")
def remind_pending_requests() -> int:
    return services.remind_pending_requests()


@shared_task(name="matching.schedule_checkins")
def schedule_checkins() -> int:
    """Create the check-ins that are due; unique per (mentorship, period), so reruns add nothing."""
    return checkins.create_due_checkins()


@shared_task(name="matching.follow_up_checkins")
def follow_up_checkins() -> int:
    return checkins.remind_and_close_checkins()


@shared_task(name="matching.weekly_digest")
def weekly_digest() -> int:
    return checkins.send_weekly_digest()
