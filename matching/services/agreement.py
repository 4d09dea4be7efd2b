"""The mentoring agreement: made from the program's template when a match goes live, confirmed by
both sides, changed by either (which asks both to confirm again), and reassessed at the end."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import Agreement, Meeting, MentoringPolicy, Mentorship, Notification
from matching.services.notifications import notify
from matching.services.requests import _require

MAX_PLANNED = datetime.timedelta(days=5 * 365)  # the furthest planned end, from the start
TERMS = ("frequency", "channel", "goals", "confidentiality", "planned_end")


def agreement_for(mentorship: Mentorship) -> Agreement:
    """The mentorship's agreement, made from its program's template the first time it is asked for."""
    found = Agreement.objects.filter(mentorship=mentorship).first()
    if found is not None:
        return found
    policy = MentoringPolicy.for_program(mentorship.program)
    agreement = Agreement.from_policy(
        policy, mentorship_id=mentorship.pk, started=timezone.localdate(mentorship.started_at)
    )
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:  # made meanwhile by a concurrent request
        return Agreement.objects.get(mentorship=mentorship)
    return agreement


@transaction.atomic
def update_agreement(*, agreement: Agreement, by: User, **terms: Any) -> Agreement:
    """Change some terms while the mentorship is live; both sides then confirm again.

    ``terms`` among frequency, channel (video, phone, in_person), goals, confidentiality,
    planned_end (a date after the start, at most five years after it).
    """
    agreement = Agreement.objects.select_for_update().select_related("mentorship").get(pk=agreement.pk)
    mentorship = agreement.mentorship
    _require(mentorship.involves(by), "not_your_mentorship", "Only the mentee and the mentor edit the agreement.",
             conflict=False)  # fmt: skip
    _require(mentorship.status == Mentorship.Status.ACTIVE, "mentorship_not_active",
             "The mentorship has ended; its agreement can no longer change.")  # fmt: skip
    unknown = set(terms) - set(TERMS)
    _require(not unknown, "bad_term", f"Unknown terms: {', '.join(sorted(unknown))}.", conflict=False)
    channel = terms.get("channel", agreement.channel)
    _require(channel in Meeting.Mode.values, "bad_channel", "The channel is video, phone or in_person.",
             conflict=False)  # fmt: skip
    planned_end = terms.get("planned_end", agreement.planned_end)
    start = timezone.localdate(mentorship.started_at)
    _require(isinstance(planned_end, datetime.date) and start < planned_end <= start + MAX_PLANNED,
             "bad_planned_end", "The planned end comes after the start, within five years.",
             conflict=False)  # fmt: skip
    changed = False
    for name, value in terms.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(agreement, name) != value:
            setattr(agreement, name, value)
            changed = True
    if not changed:
        return agreement
    agreement.mentee_confirmed_at = agreement.mentor_confirmed_at = None
    agreement.updated_at = timezone.now()
    agreement.updated_by = by
    agreement.save()
    for person in (mentorship.mentee, mentorship.mentor):
        if person.pk != by.pk:
            notify(
                recipient=person,
                kind=Notification.Kind.AGREEMENT,
                context={"agreement": agreement, "by": by, "changed": True},
                link=reverse("matching:mentorship", args=[mentorship.pk]) + "#agreement",
            )
    return agreement


@transaction.atomic
def confirm_agreement(*, agreement: Agreement, by: User) -> Agreement:
    agreement = Agreement.objects.select_for_update().select_related("mentorship").get(pk=agreement.pk)
    mentorship = agreement.mentorship
    _require(mentorship.involves(by), "not_your_mentorship", "Only the mentee and the mentor confirm the agreement.",
             conflict=False)  # fmt: skip
    _require(mentorship.status == Mentorship.Status.ACTIVE, "mentorship_not_active", "The mentorship has ended.")
    field = "mentee_confirmed_at" if by.pk == mentorship.mentee_id else "mentor_confirmed_at"
    if getattr(agreement, field) is None:
        setattr(agreement, field, timezone.now())
        agreement.save(update_fields=[field])
    return agreement


@transaction.atomic
def reassess_agreement(*, agreement: Agreement, by: User, goals_met: str, would_recommend: bool) -> Agreement:
    """At the end: did we meet the agreement's goals, and would you recommend this mentoring?"""
    agreement = Agreement.objects.select_for_update().select_related("mentorship").get(pk=agreement.pk)
    mentorship = agreement.mentorship
    _require(mentorship.involves(by), "not_your_mentorship", "Only the mentee and the mentor reassess it.",
             conflict=False)  # fmt: skip
    _require(mentorship.status != Mentorship.Status.ACTIVE, "mentorship_active",
             "The agreement is reassessed once the mentorship has ended.")  # fmt: skip
    _require(goals_met in Agreement.GoalsMet.values, "bad_goals_met", "Goals met is yes, partly or no.",
             conflict=False)  # fmt: skip
    side = "mentee" if by.pk == mentorship.mentee_id else "mentor"
    setattr(agreement, f"{side}_goals_met", goals_met)
    setattr(agreement, f"{side}_would_recommend", would_recommend)
    agreement.save(update_fields=[f"{side}_goals_met", f"{side}_would_recommend"])
    return agreement
