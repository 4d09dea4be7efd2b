"""Publishing a cohort match is a Celery task in batches that survives a killed worker."""

from __future__ import annotations

from collections import Counter

import pytest

from accounts.models import Program
from matching.models import CohortRun, Mentorship, Notification
from matching.services import cohort
from matching.tasks import publish_cohort, run_cohort
from tests.conftest import requires_redis, wait_for
from tests.factories import make_coordinator, make_mentee, make_mentor
from tests.integration.conftest import CeleryProcesses, requires_shared_postgres

pytestmark = [
    pytest.mark.integration,
    requires_shared_postgres,
    requires_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAIRS = 24
ALIKE = {"topics": ["research"], "kinds": ["long_term"], "meeting_modes": ["video"], "languages": ["en"]}


def published(run: CohortRun) -> int:
    return run.pairs.filter(published_at__isnull=False).count()


def test_publish_resumes_after_a_killed_worker_and_publishes_each_pair_once(
    celery_processes: CeleryProcesses,
) -> None:
    program = Program.objects.create(
        name="Cohort track", slug="cohort-track", request_mode=Program.RequestMode.COORDINATOR
    )
    coordinator = make_coordinator()
    for _ in range(PAIRS):
        make_mentee(stage="ms2", targets=("psychiatry",), program=program, **ALIKE)
        make_mentor(specialty="psychiatry", program=program, capacity=1, **ALIKE)
    run = cohort.create_run(
        program=program,
        by=coordinator,
        algorithm="optimal",
        min_score=0.0,
        max_load=None,
        mentee_filter={},
        mentor_filter={},
    )
    assert run_cohort(run.pk) == "proposed"
    assert run.pairs.count() == PAIRS

    slow = celery_processes.worker("slow-worker", COHORT_PUBLISH_BATCH="4", COHORT_PUBLISH_TEST_PAUSE="3")
    celery_processes.wait_ready("slow-worker")
    cohort.start_publishing(run=run, by=coordinator)
    publish_cohort.apply_async((run.pk,), retry=False)
    wait_for(lambda: published(run) >= 4, timeout=30)
    celery_processes.kill(slow)  # mid-publish: some batches committed, the rest not started

    cut = published(run)
    assert 4 <= cut < PAIRS
    run.refresh_from_db()
    assert run.status == CohortRun.Status.PUBLISHING
    assert f"Published {cut:,} of {PAIRS:,} pairs" == run.progress_message

    resume = {"COHORT_PUBLISH_STALL_SECONDS": "1", "COHORT_PUBLISH_BATCH": "4"}
    celery_processes.worker("worker", **resume)
    celery_processes.beat("resume-cohort-publishing", **resume)
    wait_for(lambda: CohortRun.objects.get(pk=run.pk).status == CohortRun.Status.PUBLISHED, timeout=60)
    # A late duplicate of the task finds nothing to do.
    publish_cohort.apply_async((run.pk,), retry=False)
    wait_for(lambda: len(celery_processes.succeeded("matching.publish_cohort")) >= 2, timeout=30)

    run.refresh_from_db()
    assert run.report["published"] == {"as": "mentorships", "created": PAIRS, "skipped": []}
    pairs = set(run.pairs.values_list("mentee_id", "mentor_id"))
    mentorships = Counter(Mentorship.objects.values_list("mentee_id", "mentor_id"))
    assert set(mentorships) == pairs and set(mentorships.values()) == {1}
    introductions = Counter(
        Notification.objects.filter(kind=Notification.Kind.MATCH_LIVE).values_list("recipient_id", flat=True)
    )
    people = {person for pair in pairs for person in pair}
    assert set(introductions) == people and set(introductions.values()) == {1}
