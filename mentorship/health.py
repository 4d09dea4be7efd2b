"""Liveness of the parts the app depends on: ``/healthz`` and the worker heartbeat.

Load balancers and ``docker compose`` probe ``/healthz``. It answers 503 only when the
database is unreachable: without it nothing works. An unreachable broker (Redis) or a
silent worker is reported (``"status": "degraded"``, still 200), because the web process
serves every page and workflow without them: notifications wait in the outbox and the
cache answers as an empty one. Taking every web process out of rotation because Redis
is down would turn a degraded service into an outage.
"""

import logging
import time
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from mentorship import resilience
from mentorship.celery import app

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "health:worker-heartbeat"


@shared_task(name="mentorship.health.heartbeat")
def heartbeat() -> float:
    """Record that a worker is alive; beat schedules it every 30 seconds."""
    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "down"
        logger.warning("health: database unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    if not resilience.broker.allow():  # found down within the last seconds: do not wait on it again
        return {"ok": False, "error": "circuit open"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
            transport = conn.transport_cls
    except Exception as exc:
        resilience.broker.failed(exc)
        logger.warning("health: broker unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    resilience.broker.succeeded()
    return {"ok": True, "transport": transport}


def check_worker() -> dict[str, Any]:
    try:
        last_seen = cache.get(HEARTBEAT_KEY)
    except Exception:
        last_seen = None
    if last_seen is None:
        return {"seen": False}
    return {"seen": True, "seconds_ago": round(time.time() - float(last_seen), 1)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, broker = check_database(), check_broker()
    healthy = database["ok"]
    body = {
        "status": ("ok" if broker["ok"] else "degraded") if healthy else "unavailable",
        "database": database,
        "broker": broker,
        "worker": check_worker(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 handler: JSON under /api/ (as every API error is), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)
