"""Every page in the viewer's own time zone.

``TimezoneMiddleware`` activates the signed-in person's zone (``User.timezone``, an IANA name) for
the request, so Django's ``date`` and ``time`` filters, forms and the admin all show local wall-clock
time; anyone else, and a zone that no longer exists, gets UTC. Templates name the zone next to every
time they show (``|date:"H:i T"``), and the footer names it in full.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def user_zone(user: object) -> zoneinfo.ZoneInfo | None:
    """A person's zone (``User.timezone``), or None (UTC) for a visitor or an unknown name.

    Also what e-mails are rendered in: each in its recipient's zone, whoever caused it.
    """
    name = getattr(user, "timezone", "") if getattr(user, "is_authenticated", False) else ""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class TimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = user_zone(getattr(request, "user", None))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
