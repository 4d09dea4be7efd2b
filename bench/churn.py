"""The directory under profile churn, through real gunicorn, PostgreSQL and Redis (issue 15).

One command builds a throwaway PostgreSQL database (``bench_churn`` beside DATABASE_URL's
server, dropped afterwards unless ``--keep``), fills it with ``seed_demo --mentors N
--mentees M --no-history``, starts gunicorn with the Dockerfile's settings (3 sync
workers) on a free port, and has ``--clients`` clients read ``GET /api/v1/mentors/`` as
the demo mentee:

1. steady, for ``--seconds`` (the baseline of this run);
2. the same while the demo mentor edits their capacity through ``PATCH /api/v1/me/profile/``
   ``--edits`` times a second (every edit also changes that mentor's free places).

It prints requests, throughput and p50/p95/p99 for both phases, their ratios against the
targets, how many full index builds the workers logged in each phase, and each worker's
resident memory. ``--edits 0 --clients 1 --workers 1 --mentors 100000`` is the scale run.
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/) and Redis
(REDIS_URL); skips, successfully, without them. Usage, from the repo root::

    .venv/bin/python bench/churn.py [--mentors 10000] [--mentees 2000] [--seconds 40] [--edits 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_THROUGHPUT = 0.80  # under edits, at least this share of steady throughput
TARGET_P99 = 3.0  # under edits, p99 at most this many times steady p99
PASSWORD = os.environ.get("DEMO_PASSWORD") or "mentorship-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_url(database: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/")
    return urlunsplit(parts._replace(path="/" + database))


def psql(url: str, sql: str) -> None:
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    builds: int = 0
    edits: int = 0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Api:
    """One keep-alive HTTP connection with a token (one sign-in per person: sign-ins are throttled)."""

    tokens: dict[str, str] = {}  # shared by every connection on purpose
    lock = threading.Lock()

    def __init__(self, port: int, email: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.token = ""
        with Api.lock:
            if email not in Api.tokens:
                status, body = self.call("POST", "/api/v1/auth/token/", {"email": email, "password": PASSWORD})
                if status != 200:
                    raise SystemExit(f"could not sign in as {email}: {status} {body[:200]!r}")
                Api.tokens[email] = json.loads(body)["token"]
        self.token = Api.tokens[email]

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        body = json.dumps(payload) if payload is not None else None
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def read_directory(port: int, phase: Phase, stop: threading.Event) -> None:
    api = Api(port, "mentee@example.com")
    while not stop.is_set():
        started = time.perf_counter()
        status, _ = api.call("GET", "/api/v1/mentors/")
        if status == 200:
            phase.latencies.append(time.perf_counter() - started)
        else:
            phase.errors += 1


def edit_profile(port: int, per_second: float, phase: Phase, stop: threading.Event) -> None:
    api = Api(port, "mentor@example.com")
    capacity = 2
    while not stop.wait(1.0 / per_second):
        capacity = 5 - capacity  # 2, 3, 2, 3...
        status, body = api.call("PATCH", "/api/v1/me/profile/", {"capacity": capacity})
        if status != 200:
            raise SystemExit(f"profile edit failed: {status} {body[:200]!r}")
        phase.edits += 1


def run_phase(port: int, name: str, clients: int, seconds: float, edits: float, log: Path) -> Phase:
    phase = Phase(name)
    builds_before = log.read_text(errors="replace").count("built program")
    stop = threading.Event()
    threads = [threading.Thread(target=read_directory, args=(port, phase, stop)) for _ in range(clients)]
    if edits:
        threads.append(threading.Thread(target=edit_profile, args=(port, edits, phase, stop)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    phase.builds = log.read_text(errors="replace").count("built program") - builds_before
    return phase


def worker_memory(master: int) -> list[int]:
    """Resident memory (VmRSS, MB) of each gunicorn worker."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            sizes.append(int(found.group(1)) // 1024)
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--mentees", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--edits", type=float, default=1.0, help="profile edits per second in phase 2 (0: none)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default="bench_churn")
    parser.add_argument("--keep", action="store_true", help="keep the database (a rerun reuses it)")
    args = parser.parse_args()

    url = server_url(args.database)
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        psql(url, "SELECT 1")
    except (OSError, subprocess.CalledProcessError):
        print("skipped: needs PostgreSQL (DATABASE_URL) and psql")
        return 0
    if not redis_url:
        print("skipped: needs Redis (REDIS_URL)")
        return 0
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "INFO",
    }
    fresh = subprocess.run(["psql", url, "-q", "-c", "SELECT 1"], capture_output=True).returncode != 0
    if fresh:
        psql(url, f'CREATE DATABASE "{args.database}"')
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        people = ["--mentors", str(args.mentors), "--mentees", str(args.mentees)]
        subprocess.run(
            [PYTHON, "manage.py", "seed_demo", "--quiet", "--no-history", *people],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(
            f"database {args.database}: {args.mentors:,} mentors, {args.mentees:,} mentees "
            f"ready in {time.perf_counter() - started:.0f} s"
        )
        port = free_port()
        log = Path(f"/tmp/bench-churn-{port}.log")
        serve = ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "600"]
        with log.open("wb") as out:
            gunicorn = subprocess.Popen(
                [str(Path(PYTHON).parent / "gunicorn"), "mentorship.wsgi:application", *serve],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start:\n" + log.read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        # Warm up, untimed: until every worker has built its indexes once.
        warm = time.perf_counter()
        while log.read_text(errors="replace").count("built program") < args.workers:
            run_phase(port, "warm-up", args.workers * 2, 5.0, 0, log)
            if time.perf_counter() - warm > 900:
                raise SystemExit("the workers did not build their indexes within 15 minutes")
        run_phase(port, "warm-up", args.clients, 5.0, 0, log)
        print(f"warm-up {time.perf_counter() - warm:.0f} s (every worker built its indexes once)")
        load = os.getloadavg()
        steady = run_phase(port, "steady", args.clients, args.seconds, 0, log)
        phases = [steady]
        if args.edits:
            phases.append(run_phase(port, f"{args.edits:g} edit/s", args.clients, args.seconds, args.edits, log))
        memory = worker_memory(gunicorn.pid)
        load_after = os.getloadavg()

        print(
            f"\n{args.clients} client(s), gunicorn {args.workers} sync workers, {args.mentors:,} mentors; "
            f"load average {load[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} cores"
        )
        print(
            f"{'phase':<12} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>8} {'edits':>6} {'full builds':>11}"
        )
        for phase in phases:
            print(
                f"{phase.name:<12} {len(phase.latencies):>9,} {phase.errors:>6} {phase.throughput:>7.1f} "
                f"{phase.pct(0.50):>7.0f} {phase.pct(0.95):>7.0f} {phase.pct(0.99):>8.0f} "
                f"{phase.edits:>6} {phase.builds:>11}"
            )
        if len(phases) == 2:
            edited = phases[1]
            share = edited.throughput / steady.throughput
            ratio = edited.pct(0.99) / steady.pct(0.99)
            print(
                f"under edits: throughput {share:.0%} of steady (target >= {TARGET_THROUGHPUT:.0%}), "
                f"p99 {ratio:.2f} x steady (target <= {TARGET_P99:g} x)"
            )
        print(f"worker resident memory: {', '.join(f'{mb} MB' for mb in memory)}")
        return 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        if not args.keep:
            psql(url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
