"""Real processes for the outbox and check-in tests: a private Redis, Celery workers and beat.

Each test gets its own throwaway ``redis-server`` (never the shared one: other test runs
use it, and a test here stops its broker on purpose). The worker and beat subprocesses
see the test's own PostgreSQL database and write their emails as files under the test's
``tmp_path``, where ``delivered()`` counts them by their ``X-Notification-Id`` header.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

from matching.services import notifications
from mentorship.celery import app
from tests.conftest import REPO, ensure_reference_data, venv_bin, wait_for

# The worker and beat run in their own processes and must see the test's data.
requires_shared_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the Celery subprocesses must share the test database; SQLite's in-memory test database "
    "cannot be shared between processes: set DATABASE_URL to PostgreSQL (CI does)",
)
# The file email backend writes each message followed by a line of 79 dashes.
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of our own on a free port, without persistence: stop() loses its queue."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server program, to run a broker that a test may stop")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (the web side's enqueue) at another broker."""

    def reset_pools() -> None:
        # The app caches its connection and producer pools for the URL it first used.
        # Drop the pools without force-closing them: closing a dead broker's sockets can close
        # a file descriptor the database connection has since reused.
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset_pools()
    notifications.broker_breaker.reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset_pools()
        notifications.broker_breaker.reset()


def test_database_url() -> str:
    """DATABASE_URL of the test database itself (test_<name>), for the subprocesses."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test, despite its name


class CeleryProcesses:
    """Start real ``celery worker`` and ``celery beat`` processes that share the test's world."""

    def __init__(self, tmp_path: Path, broker: RedisServer) -> None:
        self.tmp_path = tmp_path
        self.var_dir = tmp_path / "var"
        self.mail_dir = self.var_dir / "mail"
        self.broker = broker
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: dict[str, Path] = {}

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": self.broker.url,
            "VAR_DIR": str(self.var_dir),
            "LOG_LEVEL": "INFO",
            **extra,
        }

    def _start(self, name: str, arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.logs[name] = self.tmp_path / f"{name}.log"
        with self.logs[name].open("ab") as log:
            process = subprocess.Popen(
                [venv_bin("celery"), *arguments],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._environment(env),
                start_new_session=True,  # its own process group, so kill() takes its children too
            )
        self.processes.append(process)
        return process

    def worker(self, name: str = "worker", **env: str) -> subprocess.Popen[bytes]:
        return self._start(
            name,
            [
                *("-A", "mentorship", "worker", "--pool=solo", "--loglevel=INFO"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("--hostname", f"{name}-{os.getpid()}@%h"),
            ],
            env,
        )

    def beat(self, *entries: str, every: float = 1.0, **env: str) -> subprocess.Popen[bytes]:
        """Beat with the named entries of the real schedule, each every ``every`` seconds."""
        return self._start(
            "beat",
            [
                *("-A", "tests.integration.fast_beat", "beat", "--loglevel=INFO"),
                *("--schedule", str(self.tmp_path / "celerybeat-schedule")),
                *("--pidfile", str(self.tmp_path / "beat.pid")),
            ],
            {"FAST_BEAT": ",".join(entries), "FAST_BEAT_SECONDS": str(every), **env},
        )

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace") if name in self.logs else ""

    def succeeded(self, task: str, name: str = "worker") -> list[str]:
        """Return values of the runs of ``task`` that succeeded in worker ``name``, from its log."""
        return re.findall(rf"Task {re.escape(task)}\[[\w-]+\] succeeded in [\d.e-]+s: (.*)", self.log(name))

    def received(self, task: str, name: str = "worker") -> int:
        return len(re.findall(rf"Task {re.escape(task)}\[[\w-]+\] received", self.log(name)))

    def wait_ready(self, name: str = "worker") -> None:
        wait_for(lambda: " ready." in self.log(name), timeout=30)

    def messages(self) -> list[Message]:
        """Every email the workers wrote, in file order."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            chunks = path.read_bytes().split(MESSAGE_SEPARATOR)
            found += [message_from_bytes(chunk) for chunk in chunks if chunk.strip()]
        return found

    def emails(self, notification_id: int) -> list[Message]:
        return [m for m in self.messages() if m["X-Notification-Id"] == str(notification_id)]

    def delivered(self) -> Counter[int]:
        """How many emails the workers wrote for each notification id."""
        return Counter(int(m["X-Notification-Id"]) for m in self.messages())

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown, no ack, nothing finished — as if the machine lost power."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in self.logs:  # shown by pytest only when the test failed
            print(f"----- {name} (last lines) -----\n" + "\n".join(self.log(name).splitlines()[-40:]))
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def celery_processes(tmp_path: Path, private_redis: RedisServer) -> Iterator[CeleryProcesses]:
    """Workers and beat on the private Redis; this process enqueues there too.

    Stopped before the test database is flushed, so none holds a connection to it.
    """
    processes = CeleryProcesses(tmp_path, private_redis)
    with celery_broker(private_redis.url):
        try:
            yield processes
        finally:
            processes.stop_all()


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Earlier transactional tests may have emptied the database: reload what migrations load."""
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()
