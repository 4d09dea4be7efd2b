"""iCalendar (RFC 5545) for meetings: an invite per change, and a person's private feed.

Every invite of a meeting carries the same ``UID`` and a ``SEQUENCE`` that rises with
each change, so Google Calendar, Outlook and Apple Calendar update one event. Times are
written with a ``TZID`` in the reader's own time zone, and the calendar carries the
matching ``VTIMEZONE``; the instant is the stored UTC one whatever the zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.models import User
from matching.models import CalendarFeed, Meeting
from matching.scoring.availability import zone

PRODID = "-//Medical Mentorship//Meetings//EN"


def _zone_of(user: User | None) -> ZoneInfo:
    try:
        return zone(user.timezone if user else "UTC")
    except ValueError:
        return zone("UTC")


def _title(meeting: Meeting, reader: User | None) -> str:
    others = [p for p in meeting.participants() if reader is None or p.pk != reader.pk]
    names = ", ".join(p.display_name for p in others)
    return f"Mentoring meeting with {names}" if names else "Mentoring meeting"


def _event(meeting: Meeting, reader: User | None, *, cancelled: bool) -> Event:
    tz = _zone_of(reader)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.start.astimezone(tz))
    event.add("dtend", meeting.end.astimezone(tz))
    event.add("summary", _title(meeting, reader))
    description = meeting.agenda or "A meeting of your mentorship."
    link = f"{settings.SITE_URL}{reverse('matching:meeting', args=[meeting.pk])}"
    event.add("description", f"{description}\n\n{link}")
    event.add("url", link)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("status", "CANCELLED" if cancelled else ("CONFIRMED" if meeting.status != "proposed" else "TENTATIVE"))
    # The ORGANIZER never changes for a UID: the first proposer, whoever reschedules later.
    organizer_user = meeting.organizer or meeting.proposed_by
    if organizer_user is not None:
        organizer = vCalAddress(f"mailto:{organizer_user.email}")
        organizer.params["cn"] = vText(organizer_user.display_name)
        event.add("organizer", organizer)
    for person in meeting.participants():
        if organizer_user is not None and organizer_user.pk == person.pk:
            continue
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.display_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    return event


def _calendar(events: Iterable[Event], *, method: str | None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def invite(meeting: Meeting, reader: User | None) -> str:
    """The meeting as an RFC 5545 text for ``reader``: ``METHOD:CANCEL`` once it is off, else ``REQUEST``."""
    cancelled = meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.DECLINED)
    method = "CANCEL" if cancelled else "REQUEST"
    return _calendar([_event(meeting, reader, cancelled=cancelled)], method=method).decode()


def feed(user: User) -> bytes:
    """Every meeting of ``user`` from 90 days ago on, proposed, accepted or past (a subscription has no METHOD)."""
    since = timezone.now() - datetime.timedelta(days=90)
    meetings = (
        Meeting.objects.for_user(user)
        .filter(start__gte=since)
        .exclude(status=Meeting.Status.DECLINED)
        .select_related("proposed_by", "organizer", "mentorship__mentee", "mentorship__mentor", "circle__mentor")
    )
    events = [_event(m, user, cancelled=m.status == Meeting.Status.CANCELLED) for m in meetings]
    return _calendar(events, method=None)


def feed_url(user: User) -> str:
    """The URL of the user's private feed, made on first use."""
    calendar_feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return f"{settings.SITE_URL}{reverse('matching:calendar_feed', args=[calendar_feed.token])}"


def revoke_feed(user: User) -> str:
    """A new secret for the feed: the old URL stops working at once. Returns the new URL."""
    CalendarFeed.objects.filter(user=user).delete()
    return feed_url(user)
