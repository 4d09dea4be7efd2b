import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent

requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL (CI does)"
)
requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL (CI does)",
)


@pytest.fixture(autouse=True)
def isolated_cache(request: pytest.FixtureRequest, settings: Any) -> None:
    """A fresh in-memory cache per test (rate limits, index versions), except where the
    test exercises the real shared cache across processes (integration tests)."""
    if request.node.get_closest_marker("integration") is None:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
        }


@pytest.fixture(autouse=True)
def no_broker_handoff(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside integration tests, notifications stay in the outbox instead of queueing
    Celery tasks on the embedded broker, where a later `make run` worker would find them."""
    if request.node.get_closest_marker("integration") is None:
        monkeypatch.setattr("matching.services.notifications.enqueue", lambda notification_id: False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Hashing a password properly takes ~50 ms on purpose; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_recommendation_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Each test has its own database state: never rank it with another test's index. And
    # each query reads the change feed, so what a test changed shows whatever the clock says.
    from matching.services import directory as engine

    monkeypatch.setattr(engine, "POLL_SECONDS", 0.0)
    engine.reset()
    yield
    engine.reset()


def ensure_reference_data() -> None:
    """Load what migrations load (taxonomy, default program, Coordinators group) if it is gone.

    A transactional test (live server, real worker) empties the database when it ends;
    serialized rollback restores it, but not in every test order, so tests that need the
    reference data after one call this. Every loader is idempotent.
    """
    from importlib import import_module

    from django.apps import apps

    from accounts.models import Program

    if Program.objects.filter(is_default=True).exists():
        return
    accounts_data = import_module("accounts.migrations.0002_taxonomy_program_coordinators")
    for load in (
        accounts_data.load_taxonomy,
        accounts_data.create_default_program,
        accounts_data.create_coordinators_group,
    ):
        load(apps, None)
    for name in (
        "0002_coordinator_permissions",
        "0006_coordinator_followup_permissions",
        "0010_coordinator_live_permissions",
    ):
        import_module(f"matching.migrations.{name}").grant(apps, None)
    import_module("accounts.migrations.0004_coordinators_view_audit_log").grant(apps, None)


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else shutil.which(name) or name


@pytest.fixture
def celery_worker_process(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker in its own process, with the test run's environment."""
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            venv_bin("celery"),
            "-A",
            "mentorship",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll until predicate() is truthy; return its value, or fail after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run a change and its on-commit hooks, as a real request would: each change is then its own
    transaction for the change feed (``record_change`` writes a key once per transaction)."""
    from django.db import connection

    def run(change: Callable[[], Any]) -> Any:
        pending = len(connection.run_on_commit)
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        # A real commit clears the hooks it ran; the capture helper leaves them queued.
        del connection.run_on_commit[pending:]
        return result

    return run
