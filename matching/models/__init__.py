"""Who is paired with whom and how it is going: requests, mentorships, goals, transitions.

Requests and mentorships are explicit state machines: the allowed moves are listed in
``TRANSITIONS`` beside each model, every move goes through ``transition_to()``, and
every move is recorded as a ``Transition`` row (who, when, from, to).

The live mentorship's own tables sit beside this module: ``meetings`` (meetings, their
logs, calendar feeds), ``conversations`` (messages, reports, blocks) and ``agreements``
(the per-program mentoring policy, agreements, group circles).
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Kind, Program, User
from accounts.permissions import is_coordinator
from matching.models.agreements import Agreement, Circle, MentoringPolicy
from matching.models.conversations import Block, Conversation, ConversationMember, Message, Report
from matching.models.meetings import CalendarFeed, Meeting, MeetingLog

__all__ = [
    "Agreement",
    "Block",
    "CalendarFeed",
    "CheckIn",
    "CheckInResponse",
    "Circle",
    "CohortPair",
    "CohortRun",
    "Conversation",
    "ConversationMember",
    "EmailOptOut",
    "Goal",
    "IndexChange",
    "InvalidTransition",
    "Meeting",
    "MeetingLog",
    "MentoringPolicy",
    "Mentorship",
    "MentorshipRequest",
    "Message",
    "Notification",
    "Report",
    "SavedMentor",
    "Transition",
]


class InvalidTransition(Exception):
    """A state machine was asked for a move it does not allow."""


class StateMachineMixin(models.Model):
    """``status`` moves only along ``TRANSITIONS``, and every move leaves a ``Transition`` row."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {}
    status: str  # each concrete model declares the field

    class Meta:
        abstract = True

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    def transition_to(self, status: str, *, by: User | None, note: str = "") -> Transition:
        """Move to ``status`` (the caller saves the instance), and record the move."""
        current = self.status
        if not self.can_transition_to(status):
            raise InvalidTransition(f"cannot go from {current} to {status}")
        self.status = status
        return Transition.objects.create(
            **{self._transition_field: self}, from_status=current, to_status=status, by=by, note=note
        )

    @property
    def _transition_field(self) -> str:
        return "request" if isinstance(self, MentorshipRequest) else "mentorship"


class MentorshipRequestQuerySet(models.QuerySet["MentorshipRequest"]):
    def open(self) -> MentorshipRequestQuerySet:
        return self.filter(status__in=MentorshipRequest.OPEN_STATUSES)

    def for_user(self, user: User) -> MentorshipRequestQuerySet:
        if is_coordinator(user):
            return self
        return self.filter(Q(mentee=user) | Q(mentor=user))

    def expired_by(self, now: datetime.datetime) -> MentorshipRequestQuerySet:
        return self.filter(status=MentorshipRequest.Status.PENDING, expires_at__lte=now)


class MentorshipRequest(StateMachineMixin):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted, waiting for coordinator approval"
        MATCHED = "matched", "Matched"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        REJECTED = "rejected", "Not approved"

    class DeclineReason(models.TextChoices):
        NO_CAPACITY = "no_capacity", "I don't have room right now"
        NOT_MY_FIELD = "not_my_field", "Outside my field"
        SCHEDULE = "schedule", "Our schedules don't fit"
        NOT_A_FIT = "not_a_fit", "Not the right fit for what you need"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.PENDING, Status.ACCEPTED)
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.ACCEPTED, Status.MATCHED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED}),
        Status.ACCEPTED: frozenset({Status.MATCHED, Status.REJECTED, Status.WITHDRAWN}),
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_requests")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LONG_TERM)
    message = models.TextField(max_length=2000)
    goals = models.TextField(blank=True, max_length=2000)
    task = models.CharField(max_length=200, blank=True, help_text="For a single task: what it is.")
    due_date = models.DateField(null=True, blank=True, help_text="For a single task: when it is due.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    response_note = models.TextField(blank=True, max_length=2000)
    score = models.FloatField(null=True, blank=True, help_text="Match score when the request was sent.")
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Set when a coordinator's cohort run made the request: no mentor answered it, so it counts
    # apart from requests in response-time figures.
    cohort_run = models.ForeignKey(
        "CohortRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["pending", "accepted"]),
                name="matching_request_one_open_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="matching_request_not_to_self"),
            models.CheckConstraint(
                condition=~Q(kind="task") | (~Q(task="") & Q(due_date__isnull=False)),
                name="matching_request_task_has_task_and_due_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="matching_request_expiry_idx")]

    def __str__(self) -> str:
        return f"Request #{self.pk} {self.mentee} → {self.mentor} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def active(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.ACTIVE)

    def held_by(self, mentor: User | int) -> int:
        """How many active mentorships the mentor (a user or a user id) holds: what counts against capacity."""
        return self.active().filter(mentor_id=getattr(mentor, "pk", mentor)).count()

    def for_user(self, user: User) -> MentorshipQuerySet:
        if is_coordinator(user):
            return self
        return self.filter(Q(mentee=user) | Q(mentor=user))


class Mentorship(StateMachineMixin):
    """The live relationship between a mentee and a mentor."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", "Goals were met"
        SCHEDULE = "schedule", "Schedules didn't work out"
        NOT_A_FIT = "not_a_fit", "Not the right fit"
        UNRESPONSIVE = "unresponsive", "The other side stopped responding"
        PERSONAL = "personal", "Personal reasons"
        OTHER = "other", "Other"
        INACTIVE = "inactive", "No meeting and no message for too long"
        BLOCKED = "blocked", "One side blocked the other"
        ACCOUNT_CLOSED = "account_closed", "One side's account was closed"

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.ACTIVE: frozenset({Status.COMPLETED, Status.ENDED}),
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    request = models.OneToOneField(
        MentorshipRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LONG_TERM)
    task = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    at_risk = models.BooleanField(default=False, db_index=True)
    at_risk_shared = models.BooleanField(
        default=True,
        help_text="Whether the mentee and mentor may see the at-risk flag: not while only a concern raised it, "
        "since a concern is for coordinators only.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    mentee_feedback = models.TextField(blank=True, max_length=4000)
    mentor_feedback = models.TextField(blank=True, max_length=4000)
    mentee_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    mentor_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rematch_requested = models.BooleanField(default=False)
    circle = models.ForeignKey(
        "matching.Circle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
        help_text="Group mentoring: the mentor's circle this mentee shares a conversation and meetings with.",
    )
    # Follow-through on silence: 0 quiet enough, 1 both nudged, 2 coordinators alerted, 3 warned.
    inactivity_stage = models.PositiveSmallIntegerField(default=0)
    inactivity_stage_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="matching_mentorship_not_with_self"),
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="active"),
                name="matching_mentorship_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(mentee_rating__isnull=True) | Q(mentee_rating__gte=1, mentee_rating__lte=5),
                name="matching_mentorship_mentee_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(mentor_rating__isnull=True) | Q(mentor_rating__gte=1, mentor_rating__lte=5),
                name="matching_mentorship_mentor_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentorship #{self.pk} {self.mentee} & {self.mentor} ({self.status})"

    def involves(self, user: User) -> bool:
        return user.pk in (self.mentee_id, self.mentor_id)

    @property
    def at_risk_shown(self) -> bool:
        """The at-risk flag as the mentee and mentor see it: hidden while only a confidential concern raised it."""
        return self.at_risk and self.at_risk_shared


class Goal(models.Model):
    """A shared goal of a mentorship."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done", "created_at"]

    def __str__(self) -> str:
        return self.text


class Transition(models.Model):
    """One recorded move of a request or a mentorship: who, when, from, to."""

    request = models.ForeignKey(
        MentorshipRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, mentorship__isnull=True)
                | Q(request__isnull=True, mentorship__isnull=False),
                name="matching_transition_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


# --- Follow-up: check-ins and notifications ---------------------------------------------


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def open(self) -> CheckInQuerySet:
        return self.filter(status=CheckIn.Status.OPEN)


class CheckIn(models.Model):
    """One scheduled check-in of a mentorship: period ``n`` is due ``n`` cadences after the start."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for answers"
        COMPLETED = "completed", "Answered"
        MISSED = "missed", "Missed"
        CLOSED = "closed", "Closed: the mentorship ended"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    period = models.PositiveIntegerField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on"]
        constraints = [
            # The scheduler may run any number of times: one check-in per period, ever.
            models.UniqueConstraint(fields=["mentorship", "period"], name="matching_checkin_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.period} of mentorship #{self.mentorship_id} due {self.due_on}"


class CheckInResponse(models.Model):
    """One side's answer to a check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_responses")
    met = models.BooleanField("met since last time")
    rating = models.PositiveSmallIntegerField("how it is going (1-5)")
    progress = models.TextField("progress on goals", blank=True, max_length=2000)
    concern = models.TextField("any concern", blank=True, max_length=2000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "user"], name="matching_checkinresponse_once_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="matching_checkin_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Answer of user #{self.user_id} to check-in #{self.checkin_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def email_pending(self) -> NotificationQuerySet:
        return self.filter(email_status=Notification.EmailStatus.PENDING)


class Notification(models.Model):
    """A message to one person: a row in the outbox, written in the event's own transaction.

    In-app it is visible at once; the email is sent after commit by a Celery task that
    claims the row with a conditional UPDATE, so a retried or duplicated task never sends
    twice. The sweeper delivers whatever a dead broker left pending.
    """

    class Kind(models.TextChoices):
        REQUEST_CREATED = "request_created", "New mentorship request"
        REQUEST_ACCEPTED = "request_accepted", "Request accepted"
        REQUEST_DECLINED = "request_declined", "Request declined"
        REQUEST_EXPIRED = "request_expired", "Request expired"
        REQUEST_WITHDRAWN = "request_withdrawn", "Request withdrawn"
        REQUEST_REMINDER = "request_reminder", "Request waiting for an answer"
        APPROVAL_NEEDED = "approval_needed", "Match waiting for approval"
        MATCH_LIVE = "match_live", "Match is live"
        MATCH_REJECTED = "match_rejected", "Match not approved"
        MENTORSHIP_ENDED = "mentorship_ended", "Mentorship ended"
        CHECKIN_DUE = "checkin_due", "Check-in due"
        CHECKIN_REMINDER = "checkin_reminder", "Check-in reminder"
        CHECKIN_MISSED = "checkin_missed", "Check-in missed"
        AT_RISK = "at_risk", "Mentorship at risk"
        MENTOR_VERIFIED = "mentor_verified", "Mentor verification"
        VERIFICATION_NEEDED = "verification_needed", "Mentor waiting for verification"
        DIGEST = "digest", "Weekly coordinator digest"
        MEETING_PROPOSED = "meeting_proposed", "Meeting proposed"
        MEETING_ACCEPTED = "meeting_accepted", "Meeting accepted"
        MEETING_DECLINED = "meeting_declined", "Meeting declined"
        MEETING_CHANGED = "meeting_changed", "Meeting rescheduled"
        MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled"
        MEETING_REMINDER = "meeting_reminder", "Meeting tomorrow"
        NEW_MESSAGES = "new_messages", "New messages"
        REPORTED = "reported", "Message or person reported"
        AGREEMENT = "agreement", "Mentoring agreement to confirm"
        INACTIVE_NUDGE = "inactive_nudge", "Time to get back in touch"
        INACTIVE_ALERT = "inactive_alert", "Mentorship gone quiet"
        INACTIVE_WARNING = "inactive_warning", "Mentorship about to close"

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent (opted out)"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="Where the in-app notification leads.")
    calendar = models.TextField(blank=True, help_text="An iCalendar invite (RFC 5545) the email carries as invite.ics.")
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="matching_notif_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user #{self.recipient_id}"


class EmailOptOut(models.Model):
    """A person who wants no email of this kind (they still see it in the app)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="matching_emailoptout_once")]

    def __str__(self) -> str:
        return f"User #{self.user_id} opted out of {self.kind} emails"


# --- Cohort matching ------------------------------------------------------------------------


class CohortRun(models.Model):
    """A coordinator's whole-cohort match: propose (a Celery task), review, edit, publish."""

    class Algorithm(models.TextChoices):
        STABLE = "stable", "Stable (mentee-proposing deferred acceptance)"
        OPTIMAL = "optimal", "Optimal (most mentees matched, then highest total score)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PROPOSED = "proposed", "Proposal ready for review"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohort_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    algorithm = models.CharField(max_length=20, choices=Algorithm.choices, default=Algorithm.OPTIMAL)
    min_score = models.FloatField(default=40.0)
    max_load = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Cap every mentor below capacity.")
    mentee_filter = models.JSONField(default=dict, blank=True, help_text="Which mentees: stages, only unmatched.")
    mentor_filter = models.JSONField(default=dict, blank=True, help_text="Which mentors: specialties, only accepting.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    report = models.JSONField(default=dict, blank=True)
    engine_seconds = models.FloatField(null=True, blank=True)
    db_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the publishing task last committed a batch (a stalled one is resumed)."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="matching_cohortrun_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"Cohort run #{self.pk} ({self.get_algorithm_display()}, {self.status})"


class CohortPair(models.Model):
    """One proposed pair of a cohort run; coordinators may remove or swap it before publishing."""

    run = models.ForeignKey(CohortRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True, help_text="Reason texts, as a coordinator may read them.")
    edited = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True, help_text="Set in the batch that published it.")
    outcome = models.CharField(max_length=200, blank=True, help_text='"created", or why it was skipped.')

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="matching_cohortpair_one_per_mentee"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id} ({self.score:.1f})"


class SavedMentor(models.Model):
    """A mentor a mentee marked as a favourite, or hid from their directory."""

    class Kind(models.TextChoices):
        FAVOURITE = "favourite", "Favourite"
        HIDDEN = "hidden", "Hidden"

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_mentors")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor", "kind"], name="matching_savedmentor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: mentor #{self.mentor_id} for mentee #{self.mentee_id}"


class IndexChange(models.Model):
    """One entry of the change feed that every process's directory indexes follow.

    Written in the same transaction as the change it records (``matching.signals``), so
    it commits or rolls back with it, and read by ``matching.services.directory`` in every
    web and worker process, which applies the changed rows to its in-memory indexes. The
    database, not Redis, carries it: freshness does not depend on the cache being up.
    """

    class Scope(models.TextChoices):
        PERSON = "person", "A person's profile, background, memberships or mentorships"
        PROGRAM = "program", "A program's settings or weights"
        TAXONOMY = "taxonomy", "The specialty taxonomy (every index is rebuilt)"

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.PositiveBigIntegerField(default=0, help_text="The user id or program id; 0 for the taxonomy.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.id} {self.scope} {self.key}"
