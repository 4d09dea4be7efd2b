"""Template tags of the follow-up: the check-ins section of a mentorship page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from accounts.models import Kind, User
from accounts.permissions import is_coordinator
from matching.models import CheckIn, CheckInResponse, Mentorship

register = template.Library()


@dataclass
class Answer:
    response: CheckInResponse
    side: str  # "Mentee" or "Mentor"
    is_mine: bool
    show_concern: bool


@dataclass
class CheckInRow:
    checkin: CheckIn
    answers: list[Answer]
    can_answer: bool
    waiting_for: list[str]


def next_checkin_on(mentorship: Mentorship, today: datetime.date | None = None) -> datetime.date | None:
    """When the next check-in falls due, or None when none will (ended, or a task already checked)."""
    if mentorship.status != Mentorship.Status.ACTIVE:
        return None
    today = today or timezone.localdate()
    if mentorship.kind == Kind.TASK:
        has_one = mentorship.checkins.exists()
        return mentorship.due_date if mentorship.due_date and not has_one else None
    started = timezone.localdate(mentorship.started_at)
    cadence = mentorship.program.checkin_cadence_days
    return started + datetime.timedelta(days=((today - started).days // cadence + 1) * cadence)


def checkin_rows(mentorship: Mentorship, viewer: User) -> list[CheckInRow]:
    """The check-ins, newest first, as ``viewer`` may see them: concerns only to their author and coordinators."""
    rows = []
    is_participant = mentorship.involves(viewer)
    for checkin in mentorship.checkins.prefetch_related("responses"):
        answers = [
            Answer(
                response=response,
                side="Mentee" if response.user_id == mentorship.mentee_id else "Mentor",
                is_mine=response.user_id == viewer.pk,
                show_concern=response.user_id == viewer.pk or is_coordinator(viewer),
            )
            for response in checkin.responses.all()
        ]
        answered = {answer.response.user_id for answer in answers}
        waiting = [
            side
            for side, pk in (("mentee", mentorship.mentee_id), ("mentor", mentorship.mentor_id))
            if pk not in answered
        ]
        can_answer = is_participant and checkin.status == CheckIn.Status.OPEN and viewer.pk not in answered
        rows.append(CheckInRow(checkin=checkin, answers=answers, can_answer=can_answer, waiting_for=waiting))
    return rows


@register.inclusion_tag("matching/_checkins.html", takes_context=True)
def checkins(context: template.Context, mentorship: Mentorship) -> dict[str, Any]:
    viewer = context["request"].user
    return {
        "mentorship": mentorship,
        "rows": checkin_rows(mentorship, viewer),
        "next_on": next_checkin_on(mentorship),
        "is_participant": mentorship.involves(viewer),
        "user": viewer,
    }
