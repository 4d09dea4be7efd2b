"""The circuit breaker and the cache that answers as an empty one while Redis is away.

No Redis needed: a port nobody listens on refuses at once. The stopped-and-hung cases
against a real redis-server are in tests/integration/test_redis_outage.py.
"""

from __future__ import annotations

import time

import pytest

from mentorship.cache import ResilientRedisCache
from mentorship.resilience import CircuitBreaker
from tests.integration.conftest import free_port


def test_the_breaker_opens_on_a_failure_lets_one_trial_through_later_and_closes_on_success(
    caplog: pytest.LogCaptureFixture,
) -> None:
    breaker = CircuitBreaker("thing", open_seconds=0.05)
    assert breaker.allow()

    breaker.failed(ConnectionError("refused"))
    breaker.failed(ConnectionError("refused again"))

    assert not breaker.allow()
    assert caplog.text.count("thing unavailable") == 1  # one line when it goes, not one per call
    time.sleep(0.06)
    assert breaker.allow()  # the half-open trial
    assert not breaker.allow()  # everyone else keeps skipping while it runs
    breaker.succeeded()
    assert breaker.allow() and not breaker.is_open
    assert "thing is back" in caplog.text


def test_a_failed_trial_opens_the_breaker_again() -> None:
    breaker = CircuitBreaker("thing", open_seconds=0.05)
    breaker.failed(ConnectionError("refused"))
    time.sleep(0.06)
    assert breaker.allow()
    breaker.failed(ConnectionError("still refused"))
    assert not breaker.allow()


def test_the_cache_answers_as_an_empty_one_when_redis_refuses_and_then_stops_asking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    location = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    cache = ResilientRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "CIRCUIT_BREAKER_SECONDS": 30}}
    )
    cache.breaker.reset()
    try:
        assert cache.get("k", "default") == "default"
        assert cache.breaker.is_open
        # Every call from now on is answered without asking Redis at all.
        asked: list[object] = []
        monkeypatch.setattr(cache._cache, "get_client", lambda *a, **k: asked.append(a))
        cache.set("k", 1)
        assert cache.add("lock", 1) is True  # a lock taken with add() lets the caller through
        assert cache.incr("counter", 3) == 3
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("k") is False
        assert cache.has_key("k") is False
        cache.delete_many(["a"])
        cache.clear()
        assert asked == []
    finally:
        cache.breaker.reset()
