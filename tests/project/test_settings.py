"""Settings come from the environment, and a bad value stops start-up naming the variable."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

UNSET = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env() -> dict[str, str]:
    # Read at call time: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process.
    return {k: v for k, v in os.environ.items() if k not in UNSET}


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'], s.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean_env(), "DJANGO_SETTINGS_MODULE": "mentorship.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_needs_no_service() -> None:
    result = load_settings()
    assert result.returncode == 0, result.stderr
    engine, broker, cache, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert cache.endswith("FileBasedCache")
    assert debug == "True"


def test_database_and_redis_urls_switch_to_real_services() -> None:
    result = load_settings(DATABASE_URL="postgres://u:p@db:5432/x", REDIS_URL="redis://cache:6379/0")
    assert result.returncode == 0, result.stderr
    engine, broker, cache, _ = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://cache:6379/0"
    assert cache.endswith("RedisCache")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SITE_URL": "example.org"}, "SITE_URL"),
    ],
)
def test_bad_value_fails_at_start_up_naming_the_variable(env: dict[str, str], variable: str) -> None:
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={
            **clean_env(),
            "DEBUG": "false",
            "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
            "ALLOWED_HOSTS": "mentorship.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def site_url(**env: str) -> str:
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**{k: v for k, v in clean_env().items() if k not in {"SITE_URL", "PORT"}}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_url_follows_the_served_port_unless_set() -> None:
    assert site_url(DJANGO_SETTINGS_MODULE="mentorship.settings") == "http://127.0.0.1:8000"
    assert site_url(DJANGO_SETTINGS_MODULE="mentorship.settings", PORT="8123") == "http://127.0.0.1:8123"
    explicit = site_url(DJANGO_SETTINGS_MODULE="mentorship.settings", PORT="8123", SITE_URL="https://m.example.org/")
    assert explicit == "https://m.example.org"
