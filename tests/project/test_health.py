import pytest
from django.test import Client

from mentorship import resilience
from mentorship.celery import app


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_200_degraded_when_the_broker_is_unreachable_and_stops_asking_for_a_while(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 9 (discard) has no Redis behind it on any test machine.
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")
    resilience.broker.reset()
    try:
        response = client.get("/healthz")
        assert response.status_code == 200  # the web still serves: a load balancer must keep it
        body = response.json()
        assert body["status"] == "degraded"
        assert body["broker"]["ok"] is False
        assert body["database"]["ok"] is True
        # The breaker is open: the next probe does not wait on the broker again.
        assert client.get("/healthz").json()["broker"] == {"ok": False, "error": "circuit open"}
    finally:
        resilience.broker.reset()


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


def test_home_page_renders(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Medical Mentorship" in response.content


def test_unknown_api_addresses_answer_json_404(client: Client) -> None:
    response = client.get("/api/v1/mentorships/-1/check-ins/")  # <int:...> never matches -1
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert client.get("/no-such-page/").status_code == 404
