"""The Celery task behind a cohort run: propose a matching, reporting progress on the run row."""

from __future__ import annotations

import logging

from celery import shared_task

from matching import cohort
from matching.models import CohortRun

logger = logging.getLogger(__name__)

Status = CohortRun.Status


def _progress(run_id: int) -> cohort.Progress:
    def report(percent: int, message: str) -> None:
        # A plain UPDATE outside any transaction, so the polling page sees it at once.
        CohortRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            progress=percent, progress_message=message[:200]
        )

    return report


@shared_task(name="matching.run_cohort", soft_time_limit=900, time_limit=960)
def run_cohort(run_id: int) -> str:
    """Propose a matching for a queued run; a duplicate or late copy of the task does nothing.

    A run still "running" is taken again: that is a worker lost mid-run whose task was
    redelivered (acks late). The proposal is deterministic and replaces any partial one.
    """
    claimed = CohortRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, progress=1, progress_message="Loading mentees and mentors"
    )
    if not claimed:
        return "nothing to do"  # proposed, published, discarded, failed or deleted already
    run = CohortRun.objects.select_related("program").get(pk=run_id)
    try:
        run = cohort.propose(run, progress=_progress(run_id))
    except Exception as error:
        logger.exception("cohort run %s failed", run_id)
        CohortRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            status=Status.FAILED, progress_message=f"Failed: {error.__class__.__name__}: {error}"[:200]
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
