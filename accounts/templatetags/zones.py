"""Times in a person's own time zone, with the zone named: ``{{ meeting.start|in_zone:user }}``.

``in_zone`` takes a User (its ``timezone``) or an IANA name and gives
"Tue 10 Mar 2026, 18:00 EDT (America/New_York)"; ``in_zone_short`` leaves out the
zone's IANA name ("Tue 10 Mar, 18:00 EDT"). A naive or missing value gives "".
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template

register = template.Library()


def zone_name(who: Any) -> str:
    """The IANA name of ``who``: a User's ``timezone``, or a name given as is; UTC when unknown."""
    name = getattr(who, "timezone", who)
    if not isinstance(name, str) or not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def local_time(instant: datetime.datetime | None, who: Any, *, named: bool = True) -> str:
    if instant is None or instant.tzinfo is None:
        return ""
    name = zone_name(who)
    local = instant.astimezone(ZoneInfo(name))
    text = (
        f"{local:%a} {local.day} {local:%b %Y, %H:%M %Z}" if named else f"{local:%a} {local.day} {local:%b, %H:%M %Z}"
    )
    return f"{text} ({name})" if named else text


@register.filter
def in_zone(instant: datetime.datetime | None, who: Any) -> str:
    return local_time(instant, who)


@register.filter
def in_zone_short(instant: datetime.datetime | None, who: Any) -> str:
    return local_time(instant, who, named=False)


@register.filter
def to_zone(instant: datetime.datetime | None, who: Any) -> datetime.datetime | None:
    """The instant as wall-clock time in ``who``'s zone, for Django's ``date`` filter."""
    if instant is None or instant.tzinfo is None:
        return instant
    return instant.astimezone(ZoneInfo(zone_name(who)))
