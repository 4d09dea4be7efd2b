"""Conversations: one per mentorship (the circle's in group mentoring) and one per open request.

Participants only. New messages e-mail the other side at most once an hour per
conversation (``send_message_digests`` picks up what the hour held back). Either side
may report a message or the person, which alerts coordinators at once; only then may a
coordinator read the conversation, and every such read is written to the audit log.
Blocking closes every conversation between the two and ends their mentorship.
"""

from __future__ import annotations

import contextlib
import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.text import plain_text
from matching.models import (
    Block,
    Conversation,
    ConversationMember,
    Meeting,
    Mentorship,
    MentorshipRequest,
    Message,
    Notification,
    Report,
)
from matching.services.meetings import cancel_meeting
from matching.services.notifications import coordinators, notify, notify_all
from matching.services.requests import RuleBroken, _require, end_mentorship, withdraw_request

Note = Notification.Kind
DIGEST_EVERY = datetime.timedelta(hours=1)


def conversation_of(thing: Mentorship | MentorshipRequest) -> Conversation:
    """The conversation of a mentorship (its circle's in group mentoring) or of a request, made on first use."""
    if isinstance(thing, Mentorship):
        if thing.circle_id is not None:
            return Conversation.objects.get_or_create(circle_id=thing.circle_id)[0]
        return Conversation.objects.get_or_create(mentorship=thing)[0]
    return Conversation.objects.get_or_create(request=thing)[0]


def _open_for_messages(conversation: Conversation) -> bool:
    if conversation.closed_at is not None:
        return False
    if conversation.mentorship_id is not None:
        return conversation.mentorship.status == Mentorship.Status.ACTIVE  # type: ignore[union-attr]
    if conversation.request_id is not None:
        return conversation.request.is_open  # type: ignore[union-attr]
    return True  # a circle lives as long as it has members


@transaction.atomic
def post_message(*, conversation: Conversation, by: User, body: str, now: datetime.datetime | None = None) -> Message:
    now = now or timezone.now()
    body = plain_text(body).strip()  # as it will be stored: a lone override is an empty message
    _require(conversation.involves(by), "not_your_conversation", "Only its participants write in a conversation.",
             conflict=False)  # fmt: skip
    _require(bool(body), "empty_message", "Write a message first.", conflict=False)
    _require(len(body) <= 4000, "message_too_long", "A message is at most 4000 characters.", conflict=False)
    _require(_open_for_messages(conversation), "conversation_closed", "This conversation is closed.")
    others = [p for p in conversation.participants() if p.pk != by.pk]
    _require(not any(Block.between(by, other) for other in others), "blocked", "Contact between you has been blocked.")
    message = Message.objects.create(conversation=conversation, sender=by, body=body, created_at=now)
    ConversationMember.objects.update_or_create(conversation=conversation, user=by, defaults={"read_at": now})
    for other in others:
        member, _ = ConversationMember.objects.get_or_create(conversation=conversation, user=other)
        _digest(member, now=now)
    return message


def _link(conversation: Conversation) -> str:
    if conversation.mentorship_id is not None:
        return reverse("matching:messages", args=[conversation.mentorship_id])
    if conversation.request_id is not None:
        return reverse("matching:request_messages", args=[conversation.request_id])
    mentorship = Mentorship.objects.active().filter(circle=conversation.circle).first()
    return reverse("matching:messages", args=[mentorship.pk]) if mentorship else reverse("matching:mentorships")


def _digest(member: ConversationMember, *, now: datetime.datetime) -> bool:
    """E-mail ``member`` what is new for them, unless they were e-mailed within the hour."""
    if member.notified_at is not None and member.notified_at > now - DIGEST_EVERY:
        return False  # the hourly digest sends it later
    seen = max(filter(None, (member.read_at, member.notified_at)), default=None)
    new = Message.objects.filter(conversation_id=member.conversation_id).exclude(sender_id=member.user_id)
    if seen is not None:
        new = new.filter(created_at__gt=seen)
    new_messages = list(new.select_related("sender")[:20])
    if not new_messages:
        return False
    claimed = ConversationMember.objects.filter(pk=member.pk, notified_at=member.notified_at).update(notified_at=now)
    if not claimed:
        return False  # another digest run got here first
    member.notified_at = now
    senders = sorted({m.sender.display_name for m in new_messages if m.sender is not None})
    notify(
        recipient=member.user,
        kind=Note.NEW_MESSAGES,
        context={"new_messages": new_messages, "count": new.count(), "senders": ", ".join(senders)},
        link=_link(member.conversation),
    )
    return True


def send_message_digests(*, now: datetime.datetime | None = None) -> int:
    """The hourly digest: every member with unread messages who has not been e-mailed within the hour."""
    now = now or timezone.now()
    latest = Message.objects.values("conversation_id").annotate(last=Max("created_at"))
    last_by_conversation = {row["conversation_id"]: row["last"] for row in latest}
    members = ConversationMember.objects.filter(conversation_id__in=last_by_conversation).filter(
        Q(notified_at__isnull=True) | Q(notified_at__lte=now - DIGEST_EVERY)
    )
    sent = 0
    for member in members.select_related("user", "conversation"):
        seen = max(filter(None, (member.read_at, member.notified_at)), default=None)
        if seen is not None and last_by_conversation[member.conversation_id] <= seen:
            continue  # nothing new for them
        with transaction.atomic():
            sent += _digest(member, now=now)
    return sent


def read_conversation(*, conversation: Conversation, by: User, now: datetime.datetime | None = None) -> list[Message]:
    """The messages, oldest first. A participant's read marks them read; a coordinator's is audited.

    A coordinator reads only a conversation in which something was reported.
    """
    now = now or timezone.now()
    messages = list(conversation.messages.select_related("sender"))
    if conversation.involves(by):
        ConversationMember.objects.update_or_create(conversation=conversation, user=by, defaults={"read_at": now})
        return messages
    _require(by.is_coordinator and conversation.is_reported, "not_your_conversation",
             "Only its participants read a conversation, and coordinators once something in it is reported.",
             conflict=False)  # fmt: skip
    AuditEvent.record(
        actor=by,
        action=AuditEvent.Action.VIEWED_SENSITIVE,
        target=f"conversation #{conversation.pk}",
        reports=list(conversation.reports.values_list("pk", flat=True)),
        messages=len(messages),
    )
    return messages


def may_read(conversation: Conversation, user: User) -> bool:
    return conversation.involves(user) or (user.is_coordinator and conversation.is_reported)


@transaction.atomic
def report(
    *, conversation: Conversation, by: User, reason: str, message: Message | None = None, person: User | None = None
) -> Report:
    """Report a message (or, with none, the other person) with a reason; coordinators are alerted at once."""
    reason = reason.strip()
    _require(conversation.involves(by), "not_your_conversation", "Only its participants report in a conversation.",
             conflict=False)  # fmt: skip
    _require(bool(reason), "reason_required", "Say what is wrong.", conflict=False)
    if message is not None:
        _require(message.conversation_id == conversation.pk, "not_found", "No such message.", conflict=False)
        _require(message.sender_id != by.pk, "own_message", "You cannot report your own message.", conflict=False)
        person = message.sender
    if person is None:
        others = [p for p in conversation.participants() if p.pk != by.pk]
        person = others[0] if len(others) == 1 else None
    _require(person is not None and person.pk != by.pk, "who", "Say whom you report.", conflict=False)
    if message is not None:
        # One open report per message and reporter: a repeat would only alert the coordinators again.
        Message.objects.select_for_update().filter(pk=message.pk).first()
        _require(
            not Report.objects.filter(message=message, reporter=by, resolved_at__isnull=True).exists(),
            "already_reported",
            "You have already reported this message; a coordinator will look at it.",
        )
    made = Report.objects.create(
        conversation=conversation, message=message, reporter=by, reported_user=person, reason=reason[:2000]
    )
    notify_all(
        recipients=coordinators(),
        kind=Note.REPORTED,
        context={"report": made, "reporter": by},
        link=reverse("coordinator:report", args=[made.pk]),
    )
    return made


@transaction.atomic
def block(*, by: User, other: User, reason: str) -> Block:
    """``by`` blocks ``other``: conversations between them close, live meetings are cancelled,
    open requests are withdrawn and their active mentorship ends with reason "blocked"."""
    reason = reason.strip()
    _require(bool(reason), "reason_required", "Say why you block this person.", conflict=False)
    _require(other.pk != by.pk, "who", "You cannot block yourself.", conflict=False)
    made, created = Block.objects.get_or_create(blocker=by, blocked=other, defaults={"reason": reason[:2000]})
    _require(created, "already_blocked", "You have already blocked this person.")
    pair = Q(mentee=by, mentor=other) | Q(mentee=other, mentor=by)
    now = timezone.now()
    latest = Mentorship.objects.filter(pair).order_by("-started_at").first() or (
        MentorshipRequest.objects.filter(pair).order_by("-created_at").first()
    )
    for request in MentorshipRequest.objects.open().filter(pair):
        withdraw_request(request=request, by=None, note="Contact blocked")
    for mentorship in Mentorship.objects.active().filter(pair).select_related("mentee", "mentor"):
        # Each live meeting is cancelled the normal way, so every calendar gets its METHOD:CANCEL.
        for meeting in Meeting.objects.filter(mentorship=mentorship, status__in=Meeting.LIVE_STATUSES):
            with contextlib.suppress(RuleBroken):  # started or cancelled meanwhile
                cancel_meeting(meeting=meeting, by=by, note="Contact blocked")
        with contextlib.suppress(RuleBroken):  # ended meanwhile
            end_mentorship(mentorship=mentorship, by=by, outcome=Mentorship.Status.ENDED,
                           reason=Mentorship.EndReason.BLOCKED, feedback=reason)  # fmt: skip
    if latest is not None:
        conversation = conversation_of(latest)
        Conversation.objects.filter(Q(mentorship__in=Mentorship.objects.filter(pair)) | Q(
            request__in=MentorshipRequest.objects.filter(pair))).update(closed_at=now)  # fmt: skip
        made_report = Report.objects.create(
            conversation=conversation, reporter=by, reported_user=other, reason=f"Blocked: {reason}"[:2000]
        )
        notify_all(
            recipients=coordinators(),
            kind=Note.REPORTED,
            context={"report": made_report, "reporter": by},
            link=reverse("coordinator:report", args=[made_report.pk]),
        )
    return made
