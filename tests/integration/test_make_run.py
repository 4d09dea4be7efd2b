"""`make run` from a terminal: serves / and /healthz on $PORT, and Ctrl-C stops everything.

The test runs the real Makefile in a pseudo-terminal, as a newcomer would, against a
scratch VAR_DIR so it never touches the developer's own database. It also checks what a
newcomer gets: e-mail links on the port they chose, the logins and the address printed,
and a virtualenv without the test and lint tools.
"""

import contextlib
import json
import os
import pty
import select
import signal
import socket
import subprocess
import time
import urllib.error
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

        # E-mails rendered by the worker link to the port that was served, not to 8000.
        send_a_request_as_the_demo_mentee(port)
        mail = wait_for_mail(tmp_path / "var" / "mail", needle="/inbox/", seconds=60)
        assert f"http://127.0.0.1:{port}/inbox/" in mail, mail[-2000:]
        assert "127.0.0.1:8000" not in mail
        output += drain(fd, 8)  # the logins and the address come again once everything is up
        tail = output.decode(errors="replace").rsplit("Serving on", 1)[-1]
        assert f"http://127.0.0.1:{port}" in tail
        assert "mentee@example.com" in tail and "coordinator@example.com" in tail

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


def api(port: int, method: str, path: str, body: dict[str, object] | None = None, token: str = "") -> object:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": error.read().decode(errors="replace")}


def send_a_request_as_the_demo_mentee(port: int) -> None:
    """The demo mentee asks a mentor from their directory; the worker e-mails that mentor."""
    login = api(port, "POST", "/api/v1/auth/token/", {"email": "mentee@example.com", "password": "mentorship-demo"})
    assert isinstance(login, dict) and "token" in login, login
    mentors = api(port, "GET", "/api/v1/mentors/?accepting=true", token=login["token"])
    assert isinstance(mentors, dict) and mentors.get("results"), mentors
    answers = []
    for mentor in mentors["results"][:10]:  # a mentor already asked, or full, answers 409: try the next
        body = {"mentor": mentor["id"], "kind": "long_term", "message": "Hello from the make run test."}
        answer = api(port, "POST", "/api/v1/requests/", body, token=login["token"])
        if isinstance(answer, dict) and answer.get("status") == "pending":
            return
        answers.append(answer)
    raise AssertionError(f"no request could be sent: {answers}")


def wait_for_mail(mail_dir: Path, *, needle: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
            text = path.read_text(errors="replace")
            if needle in text:
                return text
        time.sleep(0.5)
    raise AssertionError(f"no e-mail containing {needle!r} in {mail_dir} after {seconds} s")


def test_make_install_puts_no_test_tool_in_the_virtualenv(tmp_path: Path) -> None:
    """What `make run` installs: the runtime set only, in a fresh virtualenv (pip's cache keeps it quick)."""
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "install", f"VENV={venv}"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    installed = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert {"django", "celery", "django-allauth"} <= installed
    for tool in ("pytest", "playwright", "mypy", "schemathesis", "ruff", "hypothesis", "django-stubs"):
        assert tool not in installed, f"{tool} is a test or lint tool, yet `make install` put it in the virtualenv"
    assert (venv / ".installed-runtime").exists()
    assert not (venv / ".installed-dev").exists()
