"""Messages between the people of a mentorship, a pending request or a group circle; reports and blocks.

A conversation belongs to exactly one of the three. Only its participants read it;
coordinators read one only once a message in it (or a person in it) has been reported,
and every such read is an ``accounts.AuditEvent``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class Conversation(models.Model):
    mentorship = models.OneToOneField(
        "matching.Mentorship", null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    request = models.OneToOneField(
        "matching.MentorshipRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    circle = models.OneToOneField(
        "matching.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="No new messages after this (a block).")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mentorship__isnull=False, request__isnull=True, circle__isnull=True)
                | Q(mentorship__isnull=True, request__isnull=False, circle__isnull=True)
                | Q(mentorship__isnull=True, request__isnull=True, circle__isnull=False),
                name="matching_conversation_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation #{self.pk}"

    def participants(self) -> list[User]:
        if self.circle_id is not None:
            return self.circle.participants()  # type: ignore[union-attr]
        pair = self.mentorship if self.mentorship_id is not None else self.request
        return [pair.mentee, pair.mentor]  # type: ignore[union-attr]

    def involves(self, user: User) -> bool:
        return any(person.pk == user.pk for person in self.participants())

    @property
    def is_reported(self) -> bool:
        return self.reports.exists()


class ConversationMember(models.Model):
    """Per person and conversation: what they have read, and when they were last e-mailed about it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="Last new-messages e-mail (one an hour).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="matching_conversationmember_once"),
        ]

    def __str__(self) -> str:
        return f"User #{self.user_id} in conversation #{self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message #{self.pk} in conversation #{self.conversation_id}"


class Report(models.Model):
    """Someone reported a message, or a person, with a reason; coordinators are alerted at once."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_against"
    )
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        what = f"message #{self.message_id}" if self.message_id else f"user #{self.reported_user_id}"
        return f"Report #{self.pk} of {what}"


class Block(models.Model):
    """One person blocked another: no more contact between them, and their mentorship ended."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="matching_block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="matching_block_not_self"),
        ]

    def __str__(self) -> str:
        return f"User #{self.blocker_id} blocked user #{self.blocked_id}"

    @staticmethod
    def between(a: User, b: User) -> bool:
        return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()
