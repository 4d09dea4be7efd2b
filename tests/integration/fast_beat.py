"""The real beat schedule, squeezed: ``celery -A tests.integration.fast_beat beat``.

Only the entries named in ``FAST_BEAT`` (comma-separated, e.g. ``sweep-outbox``) are kept,
each with its real task, every ``FAST_BEAT_SECONDS`` seconds instead of minutes or hours,
so an integration test sees the periodic tasks run within seconds.
"""

import os

from mentorship.celery import app

_names = [name.strip() for name in os.environ.get("FAST_BEAT", "").split(",") if name.strip()]
_seconds = float(os.environ.get("FAST_BEAT_SECONDS", "1"))
app.conf.beat_schedule = {name: {**app.conf.beat_schedule[name], "schedule": _seconds} for name in _names}
