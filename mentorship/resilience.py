"""A circuit breaker for the parts the app can live without for a while: the cache and the broker.

A dependency that refuses or hangs costs the request that tries it one short socket
timeout; the breaker then *opens* and, for ``open_seconds``, callers skip the dependency
at no cost and take their fallback (a cache miss, a notification left for the sweeper).
After that one call is let through (*half-open*): success closes the breaker, failure
opens it again. Opening and closing each write one log line, not one per request.

State is per process (each gunicorn worker, each Celery worker finds out for itself),
which is what a web request needs: no shared store to ask when the shared store is down.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("mentorship.resilience")


class CircuitBreaker:
    """Closed → (a failure) → open for ``open_seconds`` → one trial call → closed or open again."""

    def __init__(self, name: str, open_seconds: float = 30.0) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._open_until = 0.0
        self._is_open = False
        self._trial_running = False
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """True when the caller may try the dependency now (closed, or the one half-open trial)."""
        with self._lock:
            if not self._is_open:
                return True
            if time.monotonic() < self._open_until or self._trial_running:
                return False
            self._trial_running = True  # half-open: this caller tries; the others keep skipping
            return True

    def failed(self, error: BaseException) -> None:
        """Record a failed call: open (or re-open) the breaker for ``open_seconds``."""
        with self._lock:
            was_open = self._is_open
            self._is_open = True
            self._trial_running = False
            self._open_until = time.monotonic() + self.open_seconds
        if not was_open:
            logger.warning(
                "%s unavailable (%s: %s); skipping it for %.0f s",
                self.name,
                error.__class__.__name__,
                error,
                self.open_seconds,
            )

    def succeeded(self) -> None:
        """Record a successful call: close the breaker if it was open."""
        if not self._is_open:
            return
        with self._lock:
            was_open = self._is_open
            self._is_open = False
            self._trial_running = False
            self._open_until = 0.0
        if was_open:
            logger.warning("%s is back", self.name)

    @property
    def is_open(self) -> bool:
        return self._is_open

    def reset(self) -> None:
        """Close the breaker at once (tests, and after an operator fixed the dependency)."""
        with self._lock:
            self._is_open = False
            self._trial_running = False
            self._open_until = 0.0


# The Celery broker, as the web side sees it: enqueue() and /healthz share what they learn.
broker = CircuitBreaker("broker", 30.0)
