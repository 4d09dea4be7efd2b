"""Meetings of a live mentorship (or of a group circle), what each side logged, and calendar feeds.

A meeting's ``start`` is an instant (stored in UTC); pages and invites show it in each
person's own time zone. ``uid`` never changes and ``sequence`` rises with every change,
so calendar programs update the one event instead of adding another (RFC 5545 §3.8.7.4).
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import MeetingMode

if TYPE_CHECKING:
    from accounts.models import User


def new_meeting_uid() -> str:
    return f"{uuid.uuid4().hex}@medical-mentorship"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_user(self, user: User) -> MeetingQuerySet:
        """Meetings of the user's mentorships and circles (any status); coordinators see none here."""
        return self.filter(
            Q(mentorship__mentee=user)
            | Q(mentorship__mentor=user)
            | Q(circle__mentor=user)
            | Q(circle__mentorships__mentee=user, circle__mentorships__status="active")
        ).distinct()

    def upcoming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        return self.filter(status__in=Meeting.LIVE_STATUSES, start__gte=now or timezone.now())

    def held(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.HELD)


class Meeting(models.Model):
    """One meeting, proposed by one side; the other accepts or declines; either reschedules or cancels."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"
        NOT_HELD = "not_held", "Did not happen"

    Mode = MeetingMode  # one vocabulary: the profiles' meeting modes

    LIVE_STATUSES = (Status.PROPOSED, Status.ACCEPTED)
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PROPOSED: frozenset({Status.ACCEPTED, Status.DECLINED, Status.CANCELLED, Status.PROPOSED}),
        Status.ACCEPTED: frozenset({Status.CANCELLED, Status.PROPOSED, Status.HELD, Status.NOT_HELD}),
        Status.NOT_HELD: frozenset({Status.HELD}),
    }

    mentorship = models.ForeignKey(
        "matching.Mentorship", null=True, blank=True, on_delete=models.CASCADE, related_name="meetings"
    )
    circle = models.ForeignKey(
        "matching.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="meetings"
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The invite's ORGANIZER: the first proposer, for the life of the UID (a reschedule keeps it).",
    )
    start = models.DateTimeField(db_index=True, help_text="An instant; stored in UTC.")
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.VIDEO)
    location = models.CharField(max_length=500, blank=True, help_text="A video link, a phone number or a place.")
    agenda = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    uid = models.CharField(max_length=100, unique=True, default=new_meeting_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="RFC 5545 SEQUENCE: rises with every change.")
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentorship__isnull=False, circle__isnull=True)
                | Q(mentorship__isnull=True, circle__isnull=False),
                name="matching_meeting_of_a_mentorship_or_a_circle",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480), name="matching_meeting_5_to_480_min"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting #{self.pk} at {self.start:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def end(self) -> datetime.datetime:
        return self.start + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def participants(self) -> list[User]:
        if self.circle_id is not None:
            return self.circle.participants()  # type: ignore[union-attr]
        mentorship = self.mentorship
        return [mentorship.mentee, mentorship.mentor]  # type: ignore[union-attr]

    def involves(self, user: User) -> bool:
        return any(person.pk == user.pk for person in self.participants())


class MeetingLog(models.Model):
    """One side's record of a meeting: did it happen, and notes only the author reads."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_logs")
    held = models.BooleanField()
    notes = models.TextField(blank=True, max_length=4000, help_text="Private: only their author reads them.")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["logged_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="matching_meetinglog_once_per_side")]

    def __str__(self) -> str:
        return f"User #{self.user_id} on meeting #{self.meeting_id}: {'held' if self.held else 'not held'}"


class CalendarFeed(models.Model):
    """A person's private calendar feed: whoever has the URL reads their meetings; revoking changes it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of user #{self.user_id}"
