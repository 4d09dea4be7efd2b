"""An edit in one process reaches another process's directory within the stated bound,
row by row, with Redis unreachable: the change feed lives in PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import Specialty
from tests.conftest import REPO
from tests.factories import make_mentee, make_mentor
from tests.integration.conftest import free_port, requires_shared_postgres, test_database_url

pytestmark = [pytest.mark.integration, requires_shared_postgres, pytest.mark.django_db(transaction=True)]

ALIKE = {"topics": ["research"], "kinds": ["long_term"], "meeting_modes": ["video"], "languages": ["en"]}


class Reader:
    """The directory as another web process sees it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.directory_reader"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={
                **os.environ,
                "DATABASE_URL": test_database_url(),
                "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there: Redis is down
                "LOG_LEVEL": "WARNING",
            },
        )
        self.poll_seconds = float(json.loads(self._line())["poll_seconds"])

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline()

    def rank(self, mentee_id: int) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{mentee_id}\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self._line())
        return answer

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def reader() -> Iterator[Reader]:
    started = Reader()
    try:
        yield started
    finally:
        started.stop()


def test_an_edit_reaches_another_process_within_the_bound_without_a_rebuild(reader: Reader) -> None:
    mentee = make_mentee(stage="ms3", targets=("orthopaedic-surgery",), **ALIKE)
    psychiatrist = make_mentor(specialty="psychiatry", **ALIKE)
    ortho = make_mentor(specialty="orthopaedic-surgery", **ALIKE)
    first = reader.rank(mentee.user.pk)
    assert first["ids"] == [ortho.user.pk, psychiatrist.user.pk]
    assert first["counts"]["builds"] == 1

    psychiatrist.specialty = Specialty.objects.get(slug="orthopaedic-surgery")
    psychiatrist.capacity = 0  # full: leaves the directory
    psychiatrist.save()  # committed here (autocommit), in this process
    time.sleep(reader.poll_seconds + 0.05)  # the stated bound: a read this long after the commit sees it

    after = reader.rank(mentee.user.pk)
    assert after["ids"] == [ortho.user.pk]
    assert after["counts"]["builds"] == 1, "applied as a row update, not a rebuild"
    assert after["counts"]["rows"] == 1
