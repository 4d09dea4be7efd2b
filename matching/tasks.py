"""Celery tasks: each takes ids, loads what it needs, and is safe to run twice."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from matching import services
from matching.models import CohortRun
from matching.services import checkins, cohort, inactivity, meetings, messages, notifications

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="matching.deliver_notification",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
    # An SMTP server may take up to 10 minutes to answer (EMAIL_TIMEOUT, RFC 5321).
    soft_time_limit=660,
    time_limit=720,
)
def deliver_notification(self: object, notification_id: int) -> bool:
    # The conditional claim inside deliver() makes a duplicate or retried task a no-op.
    return notifications.deliver(notification_id)


@shared_task(name="matching.sweep_outbox", soft_time_limit=660, time_limit=720)  # it sends too: see above
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


@shared_task(name="matching.remind_meetings")
def remind_meetings() -> int:
    """Remind both sides a day ahead; the conditional claim on ``reminded_at`` makes reruns no-ops."""
    return meetings.remind_meetings()


@shared_task(name="matching.send_message_digests")
def send_message_digests() -> int:
    return messages.send_message_digests()


@shared_task(name="matching.follow_up_inactivity")
def follow_up_inactivity() -> int:
    return inactivity.follow_up_inactivity()


CohortStatus = CohortRun.Status


def _progress(run_id: int) -> cohort.Progress:
    def report(percent: int, message: str) -> None:
        # A plain UPDATE outside any transaction, so the polling page sees it at once.
        CohortRun.objects.filter(pk=run_id, status=CohortStatus.RUNNING).update(
            progress=percent, progress_message=message[:200]
        )

    return report


@shared_task(name="matching.run_cohort", soft_time_limit=900, time_limit=960)
def run_cohort(run_id: int) -> str:
    """Propose a matching for a queued run; a duplicate or late copy of the task does nothing.

    A run still "running" is taken again: that is a worker lost mid-run whose task was
    redelivered (acks late). The proposal is deterministic and replaces any partial one.
    """
    claimed = CohortRun.objects.filter(pk=run_id, status__in=[CohortStatus.QUEUED, CohortStatus.RUNNING]).update(
        status=CohortStatus.RUNNING, progress=1, progress_message="Loading mentees and mentors"
    )
    if not claimed:
        return "nothing to do"  # proposed, published, discarded, failed or deleted already
    run = CohortRun.objects.select_related("program").get(pk=run_id)
    try:
        run = cohort.propose(run, progress=_progress(run_id))
    except Exception as error:
        logger.exception("cohort run %s failed", run_id)
        CohortRun.objects.filter(pk=run_id, status=CohortStatus.RUNNING).update(
            status=CohortStatus.FAILED, progress_message=f"Failed: {error.__class__.__name__}: {error}"[:200]
        )
        return "failed"
    logger.info(
        "cohort run %s: %s in %.2f s engine + %.2f s database",
        run_id,
        run.status,
        run.engine_seconds or 0.0,
        run.db_seconds or 0.0,
    )
    return str(run.status)


PUBLISH_SLICE_SECONDS = 120.0  # one task publishes this long, then hands over to a fresh one


@shared_task(name="matching.publish_cohort", soft_time_limit=240, time_limit=300)
def publish_cohort(run_id: int) -> str:
    """Publish a run's pairs batch by batch; safe to run twice or at once (``cohort.publish_batch``).

    A run too big for one task's time hands the rest to a new task. A worker lost mid-run
    loses at most its open batch: the resume sweep (``resume_cohort_publishing``) or the
    redelivered task takes over where the committed batches stopped.
    """
    done = cohort.publish_batches(
        run_id,
        size=settings.COHORT_PUBLISH_BATCH,
        seconds=PUBLISH_SLICE_SECONDS,
        pause=settings.COHORT_PUBLISH_TEST_PAUSE,
    )
    if not done:
        publish_cohort.apply_async((run_id,), retry=False)
        return "continued"
    return "published"


@shared_task(name="matching.resume_cohort_publishing")
def resume_cohort_publishing() -> int:
    """Hand every publishing run whose task went quiet to a new task; how many were resumed."""
    quiet_since = timezone.now() - datetime.timedelta(seconds=settings.COHORT_PUBLISH_STALL_SECONDS)
    stalled = list(
        CohortRun.objects.filter(status=CohortStatus.PUBLISHING, heartbeat_at__lt=quiet_since).values_list(
            "pk", flat=True
        )
    )
    for run_id in stalled:
        logger.warning("cohort run %s: publishing stalled; resuming", run_id)
        publish_cohort.apply_async((run_id,), retry=False)
    return len(stalled)
