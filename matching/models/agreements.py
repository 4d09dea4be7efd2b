"""A program's mentoring policy, the mentoring agreement of each mentorship, and group circles.

The policy holds what a program decides about the live relationship: the agreement
template, when silence counts as inactivity, the at-risk rule for meetings, and which
formats (group mentoring, near-peer mentoring) it offers. Programs without a row use
the defaults below (``MentoringPolicy.for_program``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import MeetingMode
from accounts.permissions import is_coordinator

if TYPE_CHECKING:
    from accounts.models import Program, User
    from matching.models import Mentorship


class MentoringPolicy(models.Model):
    program = models.OneToOneField("accounts.Program", on_delete=models.CASCADE, related_name="mentoring_policy")
    # The agreement template
    frequency = models.CharField(max_length=200, default="Every two weeks, 30 to 45 minutes")
    # Choices, so the admin offers only the channels an agreement accepts (a free-text typo
    # would make every agreement change fail with bad_channel).
    channel = models.CharField(
        max_length=20, choices=MeetingMode.choices, default=MeetingMode.VIDEO, help_text="video, phone or in_person."
    )
    goals = models.TextField(max_length=2000, default="What the mentee wants to reach by the planned end.")
    confidentiality = models.TextField(
        max_length=2000,
        default="What we discuss stays between us, unless someone's safety is at risk "
        "or the program's code of conduct is broken.",
    )
    planned_weeks = models.PositiveSmallIntegerField(
        default=16, validators=[MinValueValidator(1), MaxValueValidator(104)], help_text="Planned length."
    )
    # Follow-through
    inactivity_days = models.PositiveSmallIntegerField(
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="No meeting held and no message for this many days nudges both sides.",
    )
    inactivity_step_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Days between the nudge, the coordinator alert, the warning and closing as inactive.",
    )
    no_meeting_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="No meeting held in this many weeks marks the mentorship at risk.",
    )
    # Formats
    group_mentoring = models.BooleanField(default=False, help_text="Mentors may gather mentees in a circle.")
    group_max_mentees = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(2), MaxValueValidator(12)], help_text="Largest circle."
    )
    near_peer = models.BooleanField(
        default=False, help_text="Medical students and residents may mentor premed students."
    )

    class Meta:
        verbose_name_plural = "mentoring policies"

    def __str__(self) -> str:
        return f"Mentoring policy of program #{self.program_id}"

    @classmethod
    def for_program(cls, program: Program) -> MentoringPolicy:
        """The program's policy; an unsaved one with the defaults when it has none."""
        found = cls.objects.filter(program=program).first()
        return found if found is not None else cls(program=program)


class Agreement(models.Model):
    """The mentoring agreement both sides confirm when a match goes live, and reassess at its end."""

    class GoalsMet(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    mentorship = models.OneToOneField("matching.Mentorship", on_delete=models.CASCADE, related_name="agreement")
    frequency = models.CharField(max_length=200)
    channel = models.CharField(max_length=20)
    goals = models.TextField(max_length=2000)
    confidentiality = models.TextField(max_length=2000)
    planned_end = models.DateField()
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentee_goals_met = models.CharField(max_length=10, choices=GoalsMet.choices, blank=True)
    mentor_goals_met = models.CharField(max_length=10, choices=GoalsMet.choices, blank=True)
    mentee_would_recommend = models.BooleanField(null=True, blank=True)
    mentor_would_recommend = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Agreement of mentorship #{self.mentorship_id}"

    @property
    def confirmed(self) -> bool:
        return self.mentee_confirmed_at is not None and self.mentor_confirmed_at is not None

    def confirmed_by(self, user: User) -> bool:
        mentorship = self.mentorship
        if user.pk == mentorship.mentee_id:
            return self.mentee_confirmed_at is not None
        return user.pk == mentorship.mentor_id and self.mentor_confirmed_at is not None

    @classmethod
    def from_policy(cls, policy: MentoringPolicy, *, mentorship_id: int, started: datetime.date) -> Agreement:
        return cls(
            mentorship_id=mentorship_id,
            frequency=policy.frequency,
            channel=policy.channel,
            goals=policy.goals,
            confidentiality=policy.confidentiality,
            planned_end=started + datetime.timedelta(weeks=policy.planned_weeks),
        )


class CircleQuerySet(models.QuerySet["Circle"]):
    def involving(self, user: User) -> CircleQuerySet:
        """The circles this user leads or is an active member of (one row each)."""
        member = models.Q(mentorships__mentee=user, mentorships__status="active")
        return self.filter(models.Q(mentor=user) | member).distinct()

    def for_user(self, user: User) -> CircleQuerySet:
        """What the pages show: coordinators see every circle, anyone else the circles involving them."""
        return self if is_coordinator(user) else self.involving(user)


class Circle(models.Model):
    """Group mentoring: a mentor and a small circle of mentees sharing one conversation and meetings.

    Each mentee's place is their own active mentorship with the mentor (``Mentorship.circle``),
    so a circle counts against the mentor's capacity one mentee at a time.
    """

    program = models.ForeignKey("accounts.Program", on_delete=models.CASCADE, related_name="circles")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CircleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def participants(self) -> list[User]:
        mentees = [m.mentee for m in self.mentorships.filter(status="active").select_related("mentee")]
        return [self.mentor, *mentees]

    def members(self) -> models.QuerySet[Mentorship]:
        """The circle's places: its active mentorships, with their mentees, by name."""
        return (
            self.mentorships.filter(status="active").select_related("mentee")
            .order_by("mentee__first_name", "mentee__last_name", "pk")
        )  # fmt: skip
