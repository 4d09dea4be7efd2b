"""The backup procedure of docs/operations.md, run for real: dump, restore into an empty database, serve it.

``pg_dump --format=custom`` of the test database, ``pg_restore --no-owner`` into a new
empty database, then gunicorn started on the restored database answers ``/healthz``,
signs a person in with her password and shows her mentorship. Nothing from Redis is
needed: the restored app starts with an empty cache and an empty queue.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts.models import User
from tests.conftest import REPO, venv_bin, wait_for
from tests.factories import PASSWORD, make_mentorship
from tests.integration.conftest import free_port, requires_shared_postgres, test_database_url

pytestmark = [
    pytest.mark.integration,
    requires_shared_postgres,
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database beside the test database; dropped afterwards whatever happened."""
    name = f"restore_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(test_database_url())._replace(path="/" + name))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_restored_into_an_empty_database_is_served_by_the_app(empty_database: str, tmp_path: Path) -> None:
    mentorship = make_mentorship()
    # The tests hash with MD5 for speed; the served app knows only its real hashers.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    User.objects.filter(pk=mentorship.mentee_id).update(password=hashed)
    dump = tmp_path / "mentorship.dump"

    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", test_database_url()], check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={empty_database}", str(dump)], check=True)

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "REDIS_URL": "",  # Redis holds nothing that must survive: the restored app runs without it
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
    }
    migrations = subprocess.run(
        [venv_bin("python"), "manage.py", "migrate", "--check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr  # the schema came back whole
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [venv_bin("gunicorn"), "mentorship.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            try:
                return requests.get(f"{base}/healthz", timeout=10).status_code == 200
            except requests.RequestException:  # not listening yet, or busy booting
                return False

        wait_for(healthy, timeout=60)
        token = requests.post(
            f"{base}/api/v1/auth/token/", json={"email": mentorship.mentee.email, "password": PASSWORD}, timeout=10
        )
        assert token.status_code == 200, token.text
        mine = requests.get(
            f"{base}/api/v1/mentorships/", headers={"Authorization": f"Token {token.json()['token']}"}, timeout=10
        )
        assert mine.status_code == 200, mine.text
        assert [m["id"] for m in mine.json()["results"]] == [mentorship.pk]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()
        time.sleep(0.2)
        print((tmp_path / "gunicorn.log").read_text(errors="replace")[-2000:])
