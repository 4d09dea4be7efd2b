"""`make run` from a terminal: serves / and /healthz on $PORT, and Ctrl-C stops everything.

The test runs the real Makefile in a pseudo-terminal, as a newcomer would, against a
scratch VAR_DIR so it never touches the developer's own database.
"""

import contextlib
import os
import pty
import select
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
            return int(response.status)
    except Exception:
        return None


def drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def test_make_run_serves_on_port_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MAKELEVEL"}}
    env.update(PORT=str(port), VAR_DIR=str(tmp_path / "var"))
    pid, fd = pty.fork()
    if pid == 0:  # the child: become `make run` in the terminal
        os.chdir(REPO)
        os.execvpe("make", ["make", "run"], env)  # noqa: S606

    output = b""
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and status(f"http://127.0.0.1:{port}/healthz") != 200:
            output += drain(fd, 0.5)
        assert status(f"http://127.0.0.1:{port}/healthz") == 200, output.decode(errors="replace")[-3000:]
        assert status(f"http://127.0.0.1:{port}/") == 200

        os.write(fd, b"\x03")  # Ctrl-C, as typed
        output += drain(fd, 2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
            output += drain(fd, 0.5)

        # pty.fork() made make a session leader: everything it started is in its group.
        def group() -> list[str]:
            return subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and group():
            time.sleep(0.5)
        leftovers = subprocess.run(["ps", "-o", "pid,cmd", "-g", str(pid)], capture_output=True, text=True).stdout
        assert group() == [], f"processes survived Ctrl-C:\n{leftovers}"
        assert status(f"http://127.0.0.1:{port}/") is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
