"""Django's Redis cache that degrades instead of failing when Redis is down or hung.

Everything the app keeps in the cache can be lost: rate-limit and lockout counters, the
directory's index version, the worker heartbeat. So when Redis refuses, or hangs (accepts
the connection and never answers), every cache call answers as an empty cache would
(``get`` → the default, ``set`` → not stored, ``incr`` → ``delta``) instead of raising
into the view. ``add`` answers True, as if it stored the value and Redis then lost it:
a lock taken with ``add`` (allauth's rate limiter takes one) lets the caller through
instead of making it wait for a lock nobody holds and then answer 429. Each call waits
at most the short socket timeout of the settings; the first failure opens a circuit
breaker (``mentorship.resilience``) shared by every thread of the process, and for
``CIRCUIT_BREAKER_SECONDS`` no call asks Redis at all.

Fail-open is deliberate: during an outage, login throttles and lockouts built on this
cache do not count, so people can still sign in; passwords are still checked.

Settings: ``"BACKEND": "mentorship.cache.ResilientRedisCache"`` with the usual Redis
``OPTIONS`` plus ``"CIRCUIT_BREAKER_SECONDS"`` (default 30).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from mentorship.resilience import CircuitBreaker

T = TypeVar("T")
# Errors that mean "Redis is not answering", as opposed to a programming error.
UNAVAILABLE: tuple[type[BaseException], ...] = (RedisError, OSError)

_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, open_seconds: float = 30.0) -> CircuitBreaker:
    """The process-wide breaker of one cache location (Django makes a cache object per thread)."""
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(f"cache {location.split('@')[-1]}", open_seconds)
        return _breakers[location]


def reset_breakers() -> None:
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose every call falls back to a cache miss while Redis is unavailable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        open_seconds = float(options.pop("CIRCUIT_BREAKER_SECONDS", 30))
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(str(server), open_seconds)

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if not self.breaker.allow():
            return fallback
        try:
            result = call()
        except UNAVAILABLE as error:
            self.breaker.failed(error)
            return fallback
        self.breaker.succeeded()
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A missing key still raises ValueError, as Django's API says; an outage counts from zero.
        return self._guard(lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guard(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).clear(), None)
