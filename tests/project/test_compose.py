"""No Docker engine runs here, so the production stack is checked by reading it."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def command_of(service: dict[str, Any]) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_stack_has_every_service(compose: dict[str, Any]) -> None:
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose["services"])


def test_database_and_redis_have_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["image"].startswith("redis:")
    assert "ping" in services["redis"]["healthcheck"]["test"]


def test_processes_run_gunicorn_worker_and_beat(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert command_of(services["web"]).startswith("gunicorn mentorship.wsgi:application")
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert command_of(services["worker"]).startswith("celery -A mentorship worker")
    assert command_of(services["beat"]).startswith("celery -A mentorship beat")


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_processes_are_wired_to_postgres_and_redis(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    env = service["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DEBUG"] == "false"
    assert service["env_file"] == ".env"
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_env_example_names_every_secret_the_stack_needs() -> None:
    example = (REPO / ".env.example").read_text()
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD", "SITE_URL", "EMAIL_HOST"):
        assert f"{variable}=" in example


def test_dockerfile_serves_with_gunicorn_and_collects_static() -> None:
    dockerfile = Path(REPO / "Dockerfile").read_text()
    assert "collectstatic" in dockerfile
    assert "gunicorn" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
