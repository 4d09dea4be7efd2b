"""Follow-through on silence: nudge, alert the coordinator, warn, then close as inactive.

A live mentorship is silent while no meeting is held and no message is written. After
the program's ``inactivity_days`` both sides are nudged; every ``inactivity_step_days``
after that, if still silent, the next step follows: coordinators are alerted, both sides
are warned, and finally the mentorship closes with reason "inactive". Any meeting held
or message written puts it back to the start. The at-risk rule also counts no meeting
held in ``no_meeting_weeks``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from matching.models import Meeting, MentoringPolicy, Mentorship, Message, Notification
from matching.services.checkins import mark_at_risk
from matching.services.notifications import coordinators, notify, notify_all

Note = Notification.Kind
NUDGED, ALERTED, WARNED = 1, 2, 3


def last_activity(mentorship: Mentorship) -> datetime.datetime:
    """The latest of: the start, a meeting held (its start), a message in its conversation."""
    shared = {"circle_id": mentorship.circle_id} if mentorship.circle_id else {"mentorship": mentorship}
    held = Meeting.objects.held().filter(**shared).aggregate(last=Max("start"))["last"]
    if mentorship.circle_id:
        said = Message.objects.filter(conversation__circle_id=mentorship.circle_id)
    else:
        said = Message.objects.filter(conversation__mentorship=mentorship)
    written = said.aggregate(last=Max("created_at"))["last"]
    return max(filter(None, (mentorship.started_at, held, written)))


def last_meeting_held(mentorship: Mentorship) -> datetime.datetime | None:
    shared = {"circle_id": mentorship.circle_id} if mentorship.circle_id else {"mentorship": mentorship}
    return Meeting.objects.held().filter(**shared).aggregate(last=Max("start"))["last"]


def follow_up_inactivity(*, now: datetime.datetime | None = None) -> int:
    """One pass over live mentorships; returns how many moved a step. Safe to run any number of times."""
    now = now or timezone.now()
    moved = 0
    for mentorship in Mentorship.objects.active().select_related("program", "mentee", "mentor"):
        policy = MentoringPolicy.for_program(mentorship.program)
        _at_risk_without_meetings(mentorship, policy, now)
        with transaction.atomic():
            moved += _step(mentorship, policy, now)
    return moved


def _step(mentorship: Mentorship, policy: MentoringPolicy, now: datetime.datetime) -> int:
    quiet_since = last_activity(mentorship)
    stage, stage_at = mentorship.inactivity_stage, mentorship.inactivity_stage_at
    if stage and stage_at is not None and quiet_since > stage_at:
        _set_stage(mentorship, 0, None)  # they got back in touch
        stage, stage_at = 0, None
    silent_days = (now - quiet_since).days
    step = datetime.timedelta(days=policy.inactivity_step_days)
    link = reverse("matching:mentorship", args=[mentorship.pk])
    context = {"mentorship": mentorship, "days": silent_days, "step_days": policy.inactivity_step_days}
    if stage == 0:
        if silent_days < policy.inactivity_days:
            return 0
        if not _set_stage(mentorship, NUDGED, now, expect=0):
            return 0
        for person in (mentorship.mentee, mentorship.mentor):
            notify(recipient=person, kind=Note.INACTIVE_NUDGE, context=context, link=link)
        return 1
    if stage_at is None or now - stage_at < step:
        return 0
    if not _set_stage(mentorship, stage + 1, now, expect=stage):
        return 0  # another run moved it
    if stage == NUDGED:
        notify_all(
            recipients=coordinators(),
            kind=Note.INACTIVE_ALERT,
            context=context,
            link=reverse("admin:matching_mentorship_change", args=[mentorship.pk]),
        )
    elif stage == ALERTED:
        for person in (mentorship.mentee, mentorship.mentor):
            notify(recipient=person, kind=Note.INACTIVE_WARNING, context=context, link=link)
    else:
        _close_as_inactive(mentorship, now)
    return 1


def _set_stage(mentorship: Mentorship, stage: int, at: datetime.datetime | None, *, expect: int | None = None) -> bool:
    rows = Mentorship.objects.filter(pk=mentorship.pk, status=Mentorship.Status.ACTIVE)
    if expect is not None:
        rows = rows.filter(inactivity_stage=expect)
    if not rows.update(inactivity_stage=stage, inactivity_stage_at=at):
        return False
    mentorship.inactivity_stage, mentorship.inactivity_stage_at = stage, at
    return True


def _close_as_inactive(mentorship: Mentorship, now: datetime.datetime) -> None:
    mentorship = Mentorship.objects.select_for_update().select_related("mentee", "mentor").get(pk=mentorship.pk)
    mentorship.transition_to(Mentorship.Status.ENDED, by=None, note=Mentorship.EndReason.INACTIVE)
    mentorship.ended_at = now
    mentorship.end_reason = Mentorship.EndReason.INACTIVE
    mentorship.save(update_fields=["status", "ended_at", "end_reason"])
    for person in (mentorship.mentee, mentorship.mentor):
        notify(
            recipient=person,
            kind=Note.MENTORSHIP_ENDED,
            context={"mentorship": mentorship, "by": None},
            link=reverse("matching:mentorship", args=[mentorship.pk]),
            dedupe_key=f"closed-inactive:{mentorship.pk}:{person.pk}",
        )


def _at_risk_without_meetings(mentorship: Mentorship, policy: MentoringPolicy, now: datetime.datetime) -> None:
    window = datetime.timedelta(weeks=policy.no_meeting_weeks)
    if mentorship.at_risk or mentorship.status != Mentorship.Status.ACTIVE or now - mentorship.started_at < window:
        return
    held = last_meeting_held(mentorship)
    if held is None or now - held >= window:
        with transaction.atomic():
            mark_at_risk(mentorship=mentorship, reason=f"No meeting held in {policy.no_meeting_weeks} weeks.")
