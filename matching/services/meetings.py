"""Meetings of a live mentorship: propose, accept or decline, reschedule or cancel, log, remind.

Every change e-mails each participant an iCalendar invite (``calendar.invite``) in their
own time zone, through the outbox, in the change's own transaction. A mentorship in a
group circle shares the circle's meetings. Rules raise ``RuleBroken`` before anything
is written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import Block, Meeting, MeetingLog, Mentorship, Notification
from matching.scoring.availability import zone
from matching.services.calendar import invite
from matching.services.notifications import notify
from matching.services.requests import _require

Status = Meeting.Status
Note = Notification.Kind
SLOT_DAYS = 14
SLOT_MINUTES = 60
MAX_SLOTS = 12
SLOTS_PER_WINDOW = 2
EARLIEST_NOTICE = datetime.timedelta(hours=12)
REMIND_BEFORE = datetime.timedelta(hours=24)
MAX_AHEAD = datetime.timedelta(days=366)


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime  # aware, UTC
    end: datetime.datetime


def meetings_of(mentorship: Mentorship) -> QuerySet[Meeting]:
    """The meetings a mentorship's people share: the circle's in group mentoring, else its own."""
    if mentorship.circle_id is not None:
        return Meeting.objects.filter(circle_id=mentorship.circle_id)
    return Meeting.objects.filter(mentorship=mentorship)


def _check_time(start: datetime.datetime, duration_minutes: int, now: datetime.datetime) -> None:
    _require(start.tzinfo is not None, "bad_start", "Give the start with its UTC offset.", conflict=False)
    _require(start > now, "start_in_past", "A meeting starts in the future.", conflict=False)
    _require(start < now + MAX_AHEAD, "start_too_far", "A meeting starts within a year.", conflict=False)
    _require(5 <= duration_minutes <= 480, "bad_duration", "A meeting lasts 5 to 480 minutes.", conflict=False)


def _check_participant(meeting_or_mentorship: Meeting | Mentorship, by: User) -> None:
    _require(meeting_or_mentorship.involves(by), "not_your_meeting", "Only the mentorship's people take part.",
             conflict=False)  # fmt: skip


def _tell_everyone(meeting: Meeting, kind: str, *, by: User, note: str = "") -> None:
    """Each participant gets the change with an invite in their own time zone (the actor too, for their calendar)."""
    for person in meeting.participants():
        notify(
            recipient=person,
            kind=kind,
            context={"meeting": meeting, "by": by, "note": note, "is_actor": person.pk == by.pk},
            link=reverse("matching:meeting", args=[meeting.pk]),
            calendar=invite(meeting, person),
        )


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("mentorship__mentee", "mentorship__mentor", "circle__mentor", "proposed_by", "organizer")
        .get(pk=meeting.pk)
    )


def _move(meeting: Meeting, status: str) -> None:
    allowed = Meeting.TRANSITIONS.get(meeting.status, frozenset())
    _require(status in allowed, "invalid_state",
             f"This meeting is {meeting.get_status_display().lower()}; it cannot be {status} now.")  # fmt: skip
    meeting.status = status


@transaction.atomic
def propose_meeting(
    *,
    mentorship: Mentorship,
    by: User,
    start: datetime.datetime,
    duration_minutes: int = 30,
    mode: str = Meeting.Mode.VIDEO,
    location: str = "",
    agenda: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """A new meeting, ``proposed``; every participant is e-mailed an invite (METHOD:REQUEST)."""
    now = now or timezone.now()
    _check_participant(mentorship, by)
    _require(mentorship.status == Mentorship.Status.ACTIVE, "mentorship_not_active",
             "Meetings are planned while the mentorship is live.")  # fmt: skip
    _require(mode in Meeting.Mode.values, "bad_mode", "The mode is video, phone or in_person.", conflict=False)
    _check_time(start, duration_minutes, now)
    other = mentorship.mentor if by.pk == mentorship.mentee_id else mentorship.mentee
    _require(not Block.between(by, other), "blocked", "Contact between you has been blocked.")
    meeting = Meeting.objects.create(
        mentorship=None if mentorship.circle_id else mentorship,
        circle_id=mentorship.circle_id,
        proposed_by=by,
        organizer=by,
        start=start.astimezone(datetime.UTC),
        duration_minutes=duration_minutes,
        mode=mode,
        location=location.strip(),
        agenda=agenda.strip(),
        created_at=now,
        updated_at=now,
    )
    _tell_everyone(meeting, Note.MEETING_PROPOSED, by=by)
    return meeting


@transaction.atomic
def accept_meeting(*, meeting: Meeting, by: User) -> Meeting:
    meeting = _locked(meeting)
    _check_participant(meeting, by)
    _require(meeting.status != Status.PROPOSED or meeting.proposed_by_id != by.pk, "own_proposal",
             "The other side accepts a proposal; you can reschedule or cancel yours.")  # fmt: skip
    _move(meeting, Status.ACCEPTED)
    meeting.sequence += 1
    meeting.responded_by = by
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "sequence", "responded_by", "updated_at"])
    _tell_everyone(meeting, Note.MEETING_ACCEPTED, by=by)
    return meeting


@transaction.atomic
def decline_meeting(*, meeting: Meeting, by: User, note: str = "") -> Meeting:
    meeting = _locked(meeting)
    _check_participant(meeting, by)
    _require(meeting.status != Status.PROPOSED or meeting.proposed_by_id != by.pk, "own_proposal",
             "You proposed this meeting: cancel it instead.")  # fmt: skip
    _move(meeting, Status.DECLINED)
    meeting.sequence += 1
    meeting.responded_by = by
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "sequence", "responded_by", "updated_at"])
    _tell_everyone(meeting, Note.MEETING_DECLINED, by=by, note=note.strip())
    return meeting


def _check_not_started(meeting: Meeting, now: datetime.datetime) -> None:
    """The one rule for both verbs: a meeting whose start has come is logged, not moved or called off."""
    _require(meeting.start > now, "meeting_started", "This meeting has started: log it instead.")


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by: User, note: str = "", now: datetime.datetime | None = None) -> Meeting:
    """Call off a live meeting that has not started; everyone gets a METHOD:CANCEL invite.

    Raises ``RuleBroken`` ("not_your_meeting" 400, "invalid_state" / "meeting_started" 409)."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_participant(meeting, by)
    _check_not_started(meeting, now)
    _move(meeting, Status.CANCELLED)
    meeting.sequence += 1
    meeting.updated_at = now
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _tell_everyone(meeting, Note.MEETING_CANCELLED, by=by, note=note.strip())
    return meeting


@transaction.atomic
def reschedule_meeting(
    *,
    meeting: Meeting,
    by: User,
    start: datetime.datetime,
    duration_minutes: int | None = None,
    mode: str | None = None,
    location: str | None = None,
    agenda: str | None = None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """A new time (and optionally the rest): the meeting is proposed again by ``by``, with a higher SEQUENCE."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_participant(meeting, by)
    _require(meeting.is_live, "invalid_state", "Only a proposed or accepted meeting can be rescheduled.")
    _check_not_started(meeting, now)
    _require(mode is None or mode in Meeting.Mode.values, "bad_mode", "The mode is video, phone or in_person.",
             conflict=False)  # fmt: skip
    duration = meeting.duration_minutes if duration_minutes is None else duration_minutes
    _check_time(start, duration, now)
    meeting.status = Status.PROPOSED
    meeting.start = start.astimezone(datetime.UTC)
    meeting.duration_minutes = duration
    meeting.mode = mode or meeting.mode
    meeting.location = meeting.location if location is None else location.strip()
    meeting.agenda = meeting.agenda if agenda is None else agenda.strip()
    meeting.proposed_by = by
    meeting.responded_by = None
    meeting.reminded_at = None
    meeting.sequence += 1
    meeting.updated_at = now
    meeting.save()
    _tell_everyone(meeting, Note.MEETING_CHANGED, by=by)
    return meeting


@transaction.atomic
def log_meeting(
    *, meeting: Meeting, by: User, held: bool, notes: str = "", now: datetime.datetime | None = None
) -> MeetingLog:
    """One side says whether the meeting happened (again if they change their mind), with private notes.

    The meeting counts as held as soon as one side says it was.
    """
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_participant(meeting, by)
    _require(meeting.status in (Status.ACCEPTED, Status.HELD, Status.NOT_HELD), "invalid_state",
             "Only an accepted meeting can be logged.")  # fmt: skip
    _require(meeting.start <= now, "not_yet", "Log a meeting once its time has come.")
    entry, _ = MeetingLog.objects.update_or_create(
        meeting=meeting, user=by, defaults={"held": held, "notes": notes.strip(), "logged_at": now}
    )
    status = Status.HELD if meeting.logs.filter(held=True).exists() else Status.NOT_HELD
    if meeting.status != status:
        meeting.status = status
        meeting.updated_at = now
        meeting.save(update_fields=["status", "updated_at"])
    return entry


def remind_meetings(*, now: datetime.datetime | None = None) -> int:
    """Remind every participant of accepted meetings starting within 24 hours, once per time."""
    now = now or timezone.now()
    due = Meeting.objects.filter(status=Status.ACCEPTED, reminded_at__isnull=True, start__gt=now,
                                 start__lte=now + REMIND_BEFORE)  # fmt: skip
    reminded = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if not Meeting.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run claimed it
            meeting = Meeting.objects.select_related("mentorship__mentee", "mentorship__mentor").get(pk=pk)
            for person in meeting.participants():
                notify(
                    recipient=person,
                    kind=Note.MEETING_REMINDER,
                    context={"meeting": meeting},
                    link=reverse("matching:meeting", args=[meeting.pk]),
                    dedupe_key=f"meeting-reminder:{meeting.pk}:{meeting.sequence}:{person.pk}",
                )
            reminded += 1
    return reminded


# --- Suggested slots ---------------------------------------------------------------------------

Interval = tuple[datetime.datetime, datetime.datetime]


def weekly_intervals(
    slots: list[dict[str, object]], tz_name: str, since: datetime.datetime, until: datetime.datetime
) -> list[Interval]:
    """A person's weekly slots (local wall-clock) as UTC intervals on the real dates between two instants.

    Each date is converted on its own, so a daylight-saving change moves the UTC hours
    exactly as it moves the person's day.
    """
    try:
        tz = zone(tz_name)
    except ValueError:
        tz = zone("UTC")
    found: list[Interval] = []
    first = since.astimezone(tz).date() - datetime.timedelta(days=1)
    last = until.astimezone(tz).date() + datetime.timedelta(days=1)
    day = first
    while day <= last:
        for slot in slots:
            if slot.get("day") != day.weekday():
                continue
            start_local = datetime.datetime.combine(day, _time(str(slot["start"])), tzinfo=tz)
            end_local = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz) + datetime.timedelta(
                minutes=_minutes(str(slot["end"]))
            )
            start, end = start_local.astimezone(datetime.UTC), end_local.astimezone(datetime.UTC)
            start, end = max(start, since), min(end, until)
            if start < end:
                found.append((start, end))
        day += datetime.timedelta(days=1)
    return _merged(found)


def _minutes(hhmm: str) -> int:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return hours * 60 + minutes


def _time(hhmm: str) -> datetime.time:
    minutes = _minutes(hhmm) % (24 * 60)
    return datetime.time(minutes // 60, minutes % 60)


def _merged(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """The instants in both lists of sorted, disjoint intervals."""
    found, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return found


def _availability(user: User) -> list[dict[str, object]]:
    for name in ("mentor_profile", "mentee_profile"):
        profile = getattr(user, name, None)
        if profile is not None and profile.availability:
            return list(profile.availability)
    return []


def suggested_slots(
    *, mentorship: Mentorship, now: datetime.datetime | None = None, minutes: int = SLOT_MINUTES
) -> list[Slot]:
    """Times over the next 14 days that fall in every participant's weekly availability.

    At most two per shared window (a day, as a rule) and twelve in all, on the half hour, starting at least 12 hours
    from now, and never overlapping a meeting already proposed or accepted.
    """
    if mentorship.status != Mentorship.Status.ACTIVE:
        return []  # an ended mentorship plans no meetings
    now = now or timezone.now()
    since = _ceil_half_hour(now + EARLIEST_NOTICE)
    until = now + datetime.timedelta(days=SLOT_DAYS)
    people = (
        [mentorship.mentor, mentorship.mentee] if mentorship.circle_id is None else mentorship.circle.participants()  # type: ignore[union-attr]
    )
    shared: list[Interval] | None = None
    for person in people:
        mine = weekly_intervals(_availability(person), person.timezone, since, until)
        shared = mine if shared is None else intersect(shared, mine)
    busy = [(m.start, m.end) for m in meetings_of(mentorship) if m.is_live]
    length = datetime.timedelta(minutes=minutes)
    slots: list[Slot] = []
    for start, end in shared or []:  # one shared window a day, as a rule: two slots from each
        at, taken = _ceil_half_hour(start), 0
        while at + length <= end and len(slots) < MAX_SLOTS and taken < SLOTS_PER_WINDOW:
            if any(at < b_end and b_start < at + length for b_start, b_end in busy):
                at += datetime.timedelta(minutes=30)
                continue
            slots.append(Slot(at, at + length))
            taken += 1
            at += length
    return slots


def _ceil_half_hour(instant: datetime.datetime) -> datetime.datetime:
    instant = instant.astimezone(datetime.UTC).replace(second=0, microsecond=0)
    extra = instant.minute % 30
    return instant + datetime.timedelta(minutes=30 - extra) if extra else instant
