"""Weekly availability as a 168-bit mask of UTC hours, and how to describe an overlap.

Bit ``h`` of the mask is hour ``h`` of the week in UTC, Monday 00:00 UTC being bit 0.
People enter slots in their own timezone; we convert them once, against a fixed
reference week, so a stored mask never depends on the day it was computed (the week of
6 January 2025: deterministic, at the cost of ignoring the hour DST shifts between
seasons). Overlap between two people is then one AND and a popcount.

Pure: plain values in, plain values out; no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS_PER_WEEK = 168
MINUTES_PER_WEEK = HOURS_PER_WEEK * 60
FULL_WEEK = (1 << HOURS_PER_WEEK) - 1
REFERENCE_MONDAY = datetime(2025, 1, 6)  # naive: local wall-clock Monday 00:00
_REFERENCE_MONDAY_UTC = REFERENCE_MONDAY.replace(tzinfo=UTC)

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Local hour -> part of the day, for "Tue and Thu evenings".
PARTS_OF_DAY = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 17), ("evening", 17, 22), ("night", 22, 24))

Slot = tuple[int, str, str]  # (weekday 0 = Monday, "HH:MM" start, "HH:MM" end), local time


@lru_cache(maxsize=512)
def zone(tz_name: str) -> ZoneInfo:
    """The IANA timezone called ``tz_name``; ValueError when there is none."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown timezone: {tz_name!r}") from error


def slots_to_utc_mask(slots: Iterable[Slot], tz_name: str) -> int:
    """The UTC hour mask for weekly ``slots`` given in the timezone ``tz_name``.

    An end at or before the start runs past midnight ("22:00"-"01:00"); a slot that
    runs past Sunday wraps to Monday. Slot edges are rounded to the nearest UTC hour
    (half up), so a 09:00-17:00 slot in Asia/Kolkata (UTC+5:30) still covers 8 hours.
    """
    tz = zone(tz_name)
    mask = 0
    for weekday, start, end in slots:
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
        start_minute, end_minute = _minutes(start), _minutes(end)
        if end_minute <= start_minute:
            end_minute += 24 * 60
        local = REFERENCE_MONDAY + timedelta(days=weekday, minutes=start_minute)
        utc_start = (local.replace(tzinfo=tz) - _REFERENCE_MONDAY_UTC) // timedelta(minutes=1)
        first_hour = (utc_start + 30) // 60
        last_hour = (utc_start + end_minute - start_minute + 30) // 60
        for hour in range(first_hour, last_hour):
            mask |= 1 << (hour % HOURS_PER_WEEK)
    return mask


def _minutes(hhmm: str) -> int:
    try:
        hours, minutes = (int(part) for part in hhmm.split(":"))
    except ValueError:
        raise ValueError(f"time must be HH:MM, not {hhmm!r}") from None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59) and (hours, minutes) != (24, 0):
        raise ValueError(f"time out of range: {hhmm!r}")
    return hours * 60 + minutes


def hours(mask: int) -> int:
    """How many hours a week ``mask`` covers."""
    return mask.bit_count()


def local_hours(mask: int, tz_name: str) -> list[tuple[int, int]]:
    """The ``(weekday, hour)`` pairs of ``mask`` as wall-clock time in ``tz_name``, in week order."""
    tz = zone(tz_name)
    found = set()
    while mask:
        hour = (mask & -mask).bit_length() - 1  # the lowest set bit
        mask &= mask - 1
        local = (_REFERENCE_MONDAY_UTC + timedelta(hours=hour)).astimezone(tz)
        found.add((local.weekday(), local.hour))
    return sorted(found)


def words(mask: int) -> tuple[int, int, int]:
    """The mask as three unsigned 64-bit words, lowest hours first (for NumPy)."""
    if not 0 <= mask <= FULL_WEEK:
        raise ValueError("an availability mask has 168 bits")
    low = (1 << 64) - 1
    return mask & low, mask >> 64 & low, mask >> 128


def describe_shared_hours(mask: int, tz_name: str) -> str:
    """ "5 shared hours a week (Tue and Thu evenings)", in the reader's timezone."""
    count = hours(mask)
    if count == 0:
        return "No shared hours"
    days_by_part: dict[str, set[int]] = {}
    hours_by_part: dict[str, int] = {}
    for weekday, hour in local_hours(mask, tz_name):
        part = _part_of_day(hour)
        days_by_part.setdefault(part, set()).add(weekday)
        hours_by_part[part] = hours_by_part.get(part, 0) + 1
    noun = "hour" if count == 1 else "hours"
    if len(days_by_part) == 1:
        ((part, days),) = days_by_part.items()
        return f"{count} shared {part} {noun} a week ({_days(days)})"
    # The parts of the day with the most shared hours first; a card has room for two.
    parts = sorted(days_by_part, key=lambda part: -hours_by_part[part])
    groups = [_days_and_part(days_by_part[part], part) for part in parts[:2]]
    if len(parts) > 2:
        groups.append("more")
    return f"{count} shared {noun} a week ({_join(groups)})"


def _part_of_day(hour: int) -> str:
    return next(name for name, start, end in PARTS_OF_DAY if start <= hour < end)


def _days(days: set[int]) -> str:
    if len(days) == 7:
        return "every day"
    if days == {0, 1, 2, 3, 4}:
        return "weekdays"
    if days == {5, 6}:
        return "weekends"
    return _join([WEEKDAY_NAMES[day] for day in sorted(days)])


def _days_and_part(days: set[int], part: str) -> str:
    if len(days) == 7:
        return f"{part}s every day"
    if days in ({0, 1, 2, 3, 4}, {5, 6}):
        return f"{_days(days)[:-1]} {part}s"  # "weekday evenings"
    return f"{_days(days)} {part}s"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
