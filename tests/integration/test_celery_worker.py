"""A real Celery worker, a real Redis broker: a task sent here runs there."""

import subprocess
import time

import pytest
from django.core.cache import cache

from mentorship.health import HEARTBEAT_KEY, heartbeat
from tests.conftest import requires_redis, wait_for

pytestmark = [pytest.mark.integration, requires_redis]


def test_task_sent_to_redis_runs_on_a_real_worker(celery_worker_process: subprocess.Popen[bytes]) -> None:
    cache.delete(HEARTBEAT_KEY)
    sent_at = time.time()

    heartbeat.delay()

    recorded = wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=30)
    assert recorded >= sent_at
    assert celery_worker_process.poll() is None, "the worker died"
