"""Check-ins scheduled by the real beat and run by real workers: one per mentorship per period.

The clock is moved forward by moving each mentorship's start back. Beat sends the real
``schedule-checkins`` entry every second to two workers, and three more runs are sent at
once so that two workers race; however many runs there are, each period gets one check-in.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.models import CheckIn, Mentorship, Notification
from mentorship.celery import app
from tests.conftest import requires_redis, wait_for
from tests.factories import make_mentorship
from tests.integration.conftest import CeleryProcesses, requires_shared_postgres

pytestmark = [
    pytest.mark.integration,
    requires_shared_postgres,
    requires_redis,
    # The workers see only committed data; serialized_rollback restores the taxonomy and
    # the default program that the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHEDULE = "matching.schedule_checkins"
WORKERS = ("worker", "worker-2")


def started_days_ago(mentorship: Mentorship, days: int) -> None:
    """Move the clock: the mentorship started ``days`` ago, and its check-ins moved back with it."""
    row = Mentorship.objects.get(pk=mentorship.pk)
    started_at = timezone.now() - datetime.timedelta(days=days)
    shift = started_at - row.started_at
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started_at)
    if shift:  # a check-in due on an earlier date stays earlier than the next period's
        for checkin in CheckIn.objects.filter(mentorship_id=mentorship.pk):
            days_moved = round(shift.total_seconds() / 86400)
            CheckIn.objects.filter(pk=checkin.pk).update(due_on=checkin.due_on + datetime.timedelta(days=days_moved))


def checkins() -> set[tuple[int, int]]:
    return set(CheckIn.objects.values_list("mentorship_id", "period"))


def test_each_period_gets_exactly_one_checkin_however_often_the_scheduler_runs(
    celery_processes: CeleryProcesses,
) -> None:
    fortnight, month, fresh = make_mentorship(), make_mentorship(), make_mentorship()
    task = make_mentorship(kind="task", task="Review my personal statement", due_date=timezone.localdate())
    # The default program's cadence is 14 days: move the clock forward.
    started_days_ago(fortnight, 15)  # period 1 is due
    started_days_ago(month, 29)  # period 2 is due (the latest period only)
    started_days_ago(fresh, 3)  # nothing due yet
    Mentorship.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))

    def runs() -> list[int]:
        return [int(value) for name in WORKERS for value in celery_processes.succeeded(SCHEDULE, name)]

    def run_at_least_three_more_times() -> None:
        before = len(runs())
        for _ in range(3):  # at once, so the two workers race on the same periods
            app.send_task(SCHEDULE)
        wait_for(lambda: len(runs()) >= before + 6, timeout=30)  # and three more from beat

    for name in WORKERS:
        celery_processes.worker(name)
    celery_processes.beat("schedule-checkins")
    for name in WORKERS:
        celery_processes.wait_ready(name)

    run_at_least_three_more_times()
    assert checkins() == {(fortnight.pk, 1), (month.pk, 2), (task.pk, 1)}
    assert sum(runs()) == 3, "check-ins created, summed over every run"

    # Another cadence later: the next period of each long-term mentorship, once.
    for mentorship, days in ((fortnight, 29), (month, 43), (fresh, 17)):
        started_days_ago(mentorship, days)
    run_at_least_three_more_times()
    assert checkins() == {
        (fortnight.pk, 1),
        (fortnight.pk, 2),
        (month.pk, 2),
        (month.pk, 3),
        (task.pk, 1),
        (fresh.pk, 1),
    }
    assert sum(runs()) == 6

    # Each check-in is sent to both sides, each email once.
    due = Notification.objects.filter(kind=Notification.Kind.CHECKIN_DUE)
    assert due.count() == 2 * 6
    wait_for(lambda: not due.exclude(email_status=Notification.EmailStatus.SENT).exists(), timeout=20)
    ids = list(due.values_list("pk", flat=True))
    delivered = celery_processes.delivered()
    assert {pk: delivered[pk] for pk in ids} == dict.fromkeys(ids, 1)
