"""Check-ins keep matches alive: scheduled on the program's cadence, answered in one click.

The beat schedule calls ``create_due_checkins`` hourly; a (mentorship, period) pair is
unique in the database, so however often it runs, each period gets one check-in. An
unanswered check-in gets one reminder after ``REMINDER_AFTER_DAYS``; when the next one
falls due it is closed as missed. Two misses in a row, a rating of 2 or lower, or a
concern mark the mentorship at risk and alert the program's coordinators.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind, User
from matching.models import CheckIn, CheckInResponse, Mentorship, MentorshipRequest, Notification
from matching.services.notifications import coordinators, mark_read, notify, notify_all, site_url
from matching.services.requests import RuleBroken

logger = logging.getLogger(__name__)

REMINDER_AFTER_DAYS = 3
LOW_RATING = 2
CHECKIN_SALT = "matching.checkin"


def checkin_token(checkin: CheckIn, user: User) -> str:
    return signing.dumps({"c": checkin.pk, "u": user.pk}, salt=CHECKIN_SALT)


def checkin_url(checkin: CheckIn, user: User) -> str:
    return site_url(reverse("matching:checkin_answer", args=[checkin_token(checkin, user)]))


def read_checkin_token(token: str) -> tuple[int, int]:
    """(check-in id, user id); raises signing.BadSignature (or SignatureExpired) when invalid."""
    data = signing.loads(token, salt=CHECKIN_SALT, max_age=datetime.timedelta(days=settings.CHECKIN_LINK_MAX_AGE_DAYS))
    return int(data["c"]), int(data["u"])


def due_period(mentorship: Mentorship, today: datetime.date) -> tuple[int, datetime.date] | None:
    """The latest period due by ``today``: (n, due date), or None before the first."""
    started = timezone.localdate(mentorship.started_at)
    if mentorship.kind == Kind.TASK:
        if mentorship.due_date and today >= mentorship.due_date:
            return 1, mentorship.due_date
        return None
    cadence = mentorship.program.checkin_cadence_days
    period = (today - started).days // cadence
    if period < 1:
        return None
    return period, started + datetime.timedelta(days=period * cadence)


def create_due_checkins(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    created = 0
    for mentorship in Mentorship.objects.active().select_related("program", "mentee", "mentor"):
        due = due_period(mentorship, today)
        if due is None:
            continue
        # A cadence change renumbers the periods: the check-in due on this date (or a later
        # one) may exist under another number. Never a second one for the same date; a new
        # one continues the numbering after the last.
        latest = mentorship.checkins.order_by("-due_on", "-period").values_list("due_on", "period").first()
        if latest is not None and latest[0] >= due[1]:
            continue
        period = max(due[0], latest[1] + 1) if latest is not None else due[0]
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(mentorship=mentorship, period=period, due_on=due[1])
                for person in (mentorship.mentee, mentorship.mentor):
                    notify(
                        recipient=person,
                        kind=Notification.Kind.CHECKIN_DUE,
                        context={
                            "checkin": checkin,
                            "mentorship": mentorship,
                            "answer_url": checkin_url(checkin, person),
                            "action_url": checkin_url(checkin, person),
                        },
                        link=reverse("matching:mentorship", args=[mentorship.pk]),
                        dedupe_key=f"checkin-due:{checkin.pk}:{person.pk}",
                    )
        except IntegrityError:
            continue  # another scheduler run created this period first
        created += 1
    return created


@transaction.atomic
def answer_checkin(
    *, checkin: CheckIn, user: User, met: bool, rating: int, progress: str = "", concern: str = ""
) -> CheckInResponse:
    checkin = CheckIn.objects.select_for_update().select_related("mentorship").get(pk=checkin.pk)
    mentorship = checkin.mentorship
    if not mentorship.involves(user):
        raise RuleBroken("not_your_mentorship", "Only the mentee and the mentor answer a check-in.", conflict=False)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise RuleBroken("mentorship_not_active", "This mentorship has ended; its check-ins are closed.")
    if not 1 <= rating <= 5:
        raise RuleBroken("bad_rating", "Rate how it is going from 1 to 5.", conflict=False)
    if checkin.responses.filter(user=user).exists():
        raise RuleBroken("already_answered", "You have already answered this check-in.")
    response = CheckInResponse.objects.create(
        checkin=checkin, user=user, met=met, rating=rating, progress=progress, concern=concern.strip()
    )
    # The check-in e-mails and reminders did their job, wherever the answer came from.
    mark_read(user=user, link=reverse("matching:mentorship", args=[mentorship.pk]),
              kinds=(Notification.Kind.CHECKIN_DUE, Notification.Kind.CHECKIN_REMINDER))  # fmt: skip
    if checkin.responses.count() == 2:
        checkin.status = CheckIn.Status.COMPLETED
        checkin.closed_at = timezone.now()
        checkin.save(update_fields=["status", "closed_at"])
    if rating <= LOW_RATING:
        mark_at_risk(mentorship=mentorship, reason=f"A check-in was rated {rating} out of 5.")
    elif concern.strip():
        # A concern is for coordinators only: the other side must not learn of it, not even as a flag.
        mark_at_risk(mentorship=mentorship, reason="A concern was raised in a check-in.", confidential=True)
    return response


def mark_at_risk(*, mentorship: Mentorship, reason: str, confidential: bool = False) -> bool:
    """Flag the mentorship and alert coordinators, once until it is cleared.

    ``confidential``: the cause is for coordinators only (a check-in concern), so the
    participants do not see the flag (``Mentorship.at_risk_shown``) until a cause they may
    know raises it too.
    """
    flagged = Mentorship.objects.filter(pk=mentorship.pk)
    updated = flagged.filter(at_risk=False).update(at_risk=True, at_risk_shared=not confidential)
    if not updated:
        if not confidential and flagged.filter(at_risk_shared=False).update(at_risk_shared=True):
            mentorship.at_risk_shared = True
        return False
    mentorship.at_risk = True
    mentorship.at_risk_shared = not confidential
    notify_all(
        recipients=coordinators(),
        kind=Notification.Kind.AT_RISK,
        context={"mentorship": mentorship, "reason": reason},
        link=reverse("admin:matching_mentorship_change", args=[mentorship.pk]),
    )
    return True


def remind_and_close_checkins(*, today: datetime.date | None = None) -> int:
    """Remind people who have not answered after 3 days; close check-ins the next one replaced."""
    today = today or timezone.localdate()
    touched = 0
    for checkin in CheckIn.objects.open().select_related(
        "mentorship__program", "mentorship__mentee", "mentorship__mentor"
    ):
        mentorship = checkin.mentorship
        answered = set(checkin.responses.values_list("user_id", flat=True))
        missing = [p for p in (mentorship.mentee, mentorship.mentor) if p.pk not in answered]
        next_due = checkin.due_on + datetime.timedelta(days=mentorship.program.checkin_cadence_days)
        if mentorship.status != Mentorship.Status.ACTIVE:
            # Ended with the check-in open (before end_mentorship closed them): nobody "missed" it.
            CheckIn.objects.filter(pk=checkin.pk, status=CheckIn.Status.OPEN).update(
                status=CheckIn.Status.CLOSED, closed_at=timezone.now()
            )
            touched += 1
        elif today >= next_due:
            _close_as_missed(checkin, missing)
            touched += 1
        elif checkin.reminded_at is None and today >= checkin.due_on + datetime.timedelta(days=REMINDER_AFTER_DAYS):
            with transaction.atomic():
                if CheckIn.objects.filter(pk=checkin.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                    for person in missing:
                        notify(
                            recipient=person,
                            kind=Notification.Kind.CHECKIN_REMINDER,
                            context={
                                "checkin": checkin,
                                "mentorship": mentorship,
                                "answer_url": checkin_url(checkin, person),
                                "action_url": checkin_url(checkin, person),
                            },
                            link=reverse("matching:mentorship", args=[mentorship.pk]),
                            dedupe_key=f"checkin-reminder:{checkin.pk}:{person.pk}",
                        )
                    touched += 1
    return touched


@transaction.atomic
def _close_as_missed(checkin: CheckIn, missing: list[User]) -> None:
    if not CheckIn.objects.filter(pk=checkin.pk, status=CheckIn.Status.OPEN).update(
        status=CheckIn.Status.MISSED if missing else CheckIn.Status.COMPLETED, closed_at=timezone.now()
    ):
        return  # closed by another run
    if not missing:
        return
    mentorship = checkin.mentorship
    for person in missing:
        notify(
            recipient=person,
            kind=Notification.Kind.CHECKIN_MISSED,
            context={"checkin": checkin, "mentorship": mentorship},
            link=reverse("matching:mentorship", args=[mentorship.pk]),
            dedupe_key=f"checkin-missed:{checkin.pk}:{person.pk}",
        )
    last_two = list(mentorship.checkins.order_by("-period").values_list("status", flat=True)[:2])
    if last_two == [CheckIn.Status.MISSED, CheckIn.Status.MISSED]:
        mark_at_risk(mentorship=mentorship, reason="Two check-ins in a row were missed.")


def send_weekly_digest(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    week_ago = timezone.now() - datetime.timedelta(days=7)
    figures = {
        "pending_approvals": MentorshipRequest.objects.filter(status=MentorshipRequest.Status.ACCEPTED).count(),
        "unanswered_requests": MentorshipRequest.objects.filter(status=MentorshipRequest.Status.PENDING).count(),
        "at_risk": Mentorship.objects.active().filter(at_risk=True).count(),
        "new_matches": Mentorship.objects.filter(started_at__gte=week_ago).count(),
        "missed_checkins": CheckIn.objects.filter(status=CheckIn.Status.MISSED, closed_at__gte=week_ago).count(),
        "active": Mentorship.objects.active().count(),
        "checkins_answered": CheckIn.objects.filter(closed_at__gte=week_ago).aggregate(
            n=Count("pk", filter=Q(status=CheckIn.Status.COMPLETED))
        )["n"],
    }
    with transaction.atomic():
        sent = notify_all(
            recipients=coordinators(),
            kind=Notification.Kind.DIGEST,
            context={"figures": figures, "week_of": today},
            link=reverse("admin:index"),
            dedupe_key=f"digest:{today.isocalendar().year}-{today.isocalendar().week}",
        )
    return len(sent)
