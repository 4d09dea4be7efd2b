"""The mentorship workflow: every rule and every state change lives here.

The admin action, the API action and the page button for a verb all call the same
function below. Each runs in one transaction; a broken rule raises ``RuleBroken``
with a message that names the rule, before anything is written.

Locks, always in this order, so that two verbs never wait for each other in a cycle
(a deadlock, which PostgreSQL breaks by failing one of them):

1. the mentee's ``Membership`` row in the request's program — every verb on any of one
   mentee's requests queues here, which also makes the open-request limit exact;
2. the request(s), by primary key;
3. the mentor's ``MentorProfile`` row — every path that fills a mentor's places queues here.

Should a path outside this module still deadlock with one of these, ``retry_on_conflict``
runs the verb again, and answers 409 ``busy`` after three tries rather than a 500.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Kind, Membership, MentorProfile, Program, User
from accounts.permissions import is_coordinator, is_mentee
from matching.models import Block, CheckIn, Goal, InvalidTransition, Mentorship, MentorshipRequest, Notification
from matching.services.notifications import coordinators, notify, notify_all

logger = logging.getLogger(__name__)
Status = MentorshipRequest.Status
Note = Notification.Kind
REMIND_BEFORE_EXPIRY = datetime.timedelta(days=2)
P = ParamSpec("P")
R = TypeVar("R")
# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}


@dataclass
class RuleBroken(Exception):
    """A request that breaks a program rule; ``conflict`` means HTTP 409, otherwise 400."""

    code: str
    message: str
    conflict: bool = True

    def __str__(self) -> str:
        return self.message


def _transition(obj: MentorshipRequest | Mentorship, status: str, *, by: User | None, note: str = "") -> None:
    try:
        obj.transition_to(status, by=by, note=note)
    except InvalidTransition:
        raise RuleBroken(
            "invalid_state", f"This is {obj.get_status_display().lower()}; it can no longer be {status}."
        ) from None


def _require(condition: bool, code: str, message: str, *, conflict: bool = True) -> None:
    if not condition:
        raise RuleBroken(code, message, conflict)


def require_coordinator(user: User, *, to: str) -> None:
    """Raise ``RuleBroken("coordinators_only")`` (a 400) unless ``accounts.permissions.is_coordinator(user)``.

    ``to`` finishes the sentence "Only coordinators ...", e.g. ``"approve matches"``.
    """
    _require(is_coordinator(user), "coordinators_only", f"Only coordinators {to}.", conflict=False)


def retry_on_conflict(verb: Callable[P, R]) -> Callable[P, R]:
    """Run ``verb`` (its own transaction) again when the database broke a deadlock by failing it.

    After three tries, ``RuleBroken("busy")``: a 409 that asks the person to try again, never a 500.
    Inside an outer transaction there is nothing to retry (the outer one is already doomed).
    """

    @functools.wraps(verb)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(3):
            try:
                return verb(*args, **kwargs)
            except OperationalError as error:
                code = getattr(error.__cause__, "sqlstate", None) or getattr(error.__cause__, "pgcode", None)
                if code not in RETRYABLE_SQLSTATES or transaction.get_connection().in_atomic_block:
                    raise
                logger.warning("matching: %s lost a lock race (%s), try %d", verb.__name__, code, attempt + 1)
                time.sleep(0.05 * (attempt + 1))
        raise RuleBroken("busy", "Someone else changed this at the same moment; try again.")

    return run


def _lock_mentee(mentee_id: int, program_id: int) -> None:
    """Lock 1: the mentee's membership row (see the module's lock order)."""
    list(
        Membership.objects.select_for_update()
        .filter(user_id=mentee_id, program_id=program_id, role=Membership.Role.MENTEE)
        .values_list("pk", flat=True)
    )


def awaiting_approval(mentor_id: int, *, excluding: int | None = None) -> int:
    """Requests the mentor accepted that wait for a coordinator: each holds one of the mentor's places."""
    accepted = MentorshipRequest.objects.filter(mentor_id=mentor_id, status=Status.ACCEPTED)
    return accepted.exclude(pk=excluding).count() if excluding else accepted.count()


@dataclass(frozen=True)
class Obstacle:
    """Why a request to this mentor cannot succeed now, said before the mentee writes a message."""

    code: str
    message: str


def request_obstacle(*, mentee: User, mentor: User, program: Program | None = None) -> Obstacle | None:
    """The first rule of ``create_request`` that would refuse this mentee's request, or None.

    Read-only and advisory: the page hides the form when a request cannot succeed; the
    service still checks every rule, under locks, when a request is sent.
    """
    program = program or Program.objects.default()
    if program.request_mode == Program.RequestMode.COORDINATOR:
        return Obstacle("coordinator_only", "In this program, coordinators make the matches: you cannot send requests.")
    profile = MentorProfile.objects.filter(user=mentor).first()
    if profile is None or not profile.is_verified:
        return Obstacle("not_a_mentor", "This person is not a verified mentor.")
    name = mentor.first_name or "This mentor"
    if not profile.is_accepting():
        until = f" until {profile.paused_until:%-d %B %Y}" if profile.paused_until else ""
        return Obstacle("not_accepting", f"{name} is not accepting requests{until or ' right now'}.")
    if profile.free_places() <= 0:
        return Obstacle("mentor_full", f"{name} has no room for another mentee at the moment.")
    overdue = MentorshipRequest.objects.expired_by(timezone.now()).filter(mentee=mentee)
    open_count = MentorshipRequest.objects.open().filter(mentee=mentee, program=program).exclude(pk__in=overdue).count()
    if open_count >= program.max_open_requests:
        return Obstacle(
            "too_many_open_requests",
            f"You already have {open_count} open request{'s' if open_count != 1 else ''}, the most this program "
            "allows at a time. "
            "Withdraw one, or wait for an answer, before asking another mentor.",
        )
    return None


def _check_near_peer(mentee: User, mentor: User, program: Program) -> None:
    from matching.services.near_peer import check_pair  # the near-peer rule builds on this module

    check_pair(mentee=mentee, mentor=mentor, program=program)


@retry_on_conflict
@transaction.atomic
def create_request(
    *,
    mentee: User,
    mentor: User,
    kind: str,
    message: str,
    goals: str = "",
    task: str = "",
    due_date: datetime.date | None = None,
    program: Program | None = None,
    score: float | None = None,
) -> MentorshipRequest:
    program = program or Program.objects.default()
    _check_near_peer(mentee, mentor, program)
    _require(
        program.request_mode != Program.RequestMode.COORDINATOR,
        "coordinator_only",
        "In this program, coordinators make the matches: mentees cannot send requests.",
        conflict=False,
    )
    _require(
        is_mentee(mentee, program),
        "not_a_mentee",
        "Only mentees of this program can request a mentor.",
        conflict=False,
    )
    # The limit and duplicate checks below count this mentee's requests: hold her membership
    # row so that eight requests sent at once are counted one after another.
    _lock_mentee(mentee.pk, program.pk)
    _require(kind in Kind.values, "bad_kind", "Choose long_term, short_term or task.", conflict=False)
    if kind == Kind.TASK:
        _require(bool(task) and due_date is not None, "task_details", "A task request needs a task and a due date.",
                 conflict=False)  # fmt: skip
        _require(due_date is None or due_date >= timezone.localdate(), "due_in_past",
                 "The due date cannot be in the past.", conflict=False)  # fmt: skip
    profile = MentorProfile.objects.filter(user=mentor).first()
    _require(
        profile is not None and profile.is_verified and mentor.is_active,
        "not_a_mentor",
        "This person is not a verified mentor.",
        conflict=False,
    )
    assert profile is not None
    _require(not Block.between(mentee, mentor), "blocked", "Contact between you and this mentor has been blocked.")
    _require(profile.is_accepting(), "not_accepting", "This mentor is not accepting requests right now.")
    _require(
        profile.free_places() > 0,
        "mentor_full",
        "This mentor has no room for another mentee.",
    )
    _require(
        not MentorshipRequest.objects.open().filter(mentee=mentee, mentor=mentor).exists(),
        "duplicate_request",
        "You already have an open request to this mentor.",
    )
    _require(
        not Mentorship.objects.active().filter(mentee=mentee, mentor=mentor).exists(),
        "already_matched",
        "You are already in an active mentorship with this mentor.",
    )
    # A pending request past its expiry no longer counts, even before the sweeper expires it.
    overdue = MentorshipRequest.objects.expired_by(timezone.now()).filter(mentee=mentee)
    open_count = MentorshipRequest.objects.open().filter(mentee=mentee, program=program).exclude(pk__in=overdue).count()
    _require(
        open_count < program.max_open_requests,
        "too_many_open_requests",
        f"You can have at most {program.max_open_requests} open requests at a time; withdraw one first.",
    )
    now = timezone.now()
    request = MentorshipRequest.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        kind=kind,
        message=message,
        goals=goals,
        task=task if kind == Kind.TASK else "",
        due_date=due_date if kind == Kind.TASK else None,
        score=score,
        created_at=now,
        expires_at=now + datetime.timedelta(days=program.request_expiry_days),
    )
    _tell(request.mentor, Note.REQUEST_CREATED, request, link=reverse("matching:inbox"))
    return request


def _tell(recipient: User, kind: str, request: MentorshipRequest, *, link: str = "", **context: object) -> None:
    notify(recipient=recipient, kind=kind, context={"request": request, **context}, link=link)


def _locked(request: MentorshipRequest) -> MentorshipRequest:
    """The request re-read under a row lock, so two racing verbs see each other's result.

    The mentee's membership is locked first (lock 1): a verb on another of her requests,
    e.g. a second mentor accepting her other long-term request, waits here instead of
    locking the requests in the opposite order.
    """
    # Mentee and program never change on a request: reading them without a lock is safe.
    mentee_id, program_id = MentorshipRequest.objects.values_list("mentee_id", "program_id").get(pk=request.pk)
    _lock_mentee(mentee_id, program_id)
    # of=("self",): lock the request only; locking the joined program row would queue
    # every verb in the whole program behind one another.
    return MentorshipRequest.objects.select_for_update(of=("self",)).select_related("program").get(pk=request.pk)


def accept_request(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    """The mentor accepts: ``accepted`` (awaiting approval) or ``matched``.

    A request past its expiry is expired first (as the sweeper would), so it cannot be
    accepted in the minutes before the sweeper's next run: 409 ``expired``.
    """
    _expire_if_due(request)
    return _accept(request=request, by=by)


@retry_on_conflict
@transaction.atomic
def _accept(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    request = _locked(request)
    _require(by.pk == request.mentor_id, "not_your_request", "Only the mentor asked can accept.", conflict=False)
    _require(request.status != Status.EXPIRED, "expired", "This request expired before it was answered.")
    _require_both_active(request)
    request.responded_at = timezone.now()
    if request.program.approval_required:
        # Lock 3, then count: an accepted request awaiting approval holds a place, so the
        # coordinator's approval cannot fail for want of room.
        profile = MentorProfile.objects.select_for_update().get(user_id=request.mentor_id)
        held = Mentorship.objects.held_by(request.mentor_id)
        held += awaiting_approval(request.mentor_id, excluding=request.pk)
        _require(
            held < profile.capacity,
            "mentor_full",
            "You have no room for another mentee (counting those awaiting approval); "
            "end a mentorship or raise your capacity first.",
        )
        _transition(request, Status.ACCEPTED, by=by)
        request.save(update_fields=["status", "responded_at"])
        _tell(request.mentee, Note.REQUEST_ACCEPTED, request, link=reverse("matching:requests"))
        notify_all(
            recipients=coordinators(),
            kind=Note.APPROVAL_NEEDED,
            context={"request": request},
            link=reverse("admin:matching_mentorshiprequest_change", args=[request.pk]),
        )
        return request
    return start_mentorship(request=request, by=by)


def approve_request(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    """A coordinator approves an accepted request: the mentorship starts.

    When it cannot start (the mentor has no room, the mentee found her long-term mentor
    meanwhile), the request is closed as rejected and both sides are told, so that it does
    not wait forever holding one of the mentee's open places; then ``RuleBroken`` (409).
    """
    try:
        return _approve(request=request, by=by)
    except RuleBroken as broken:
        if broken.code not in {"mentor_full", "already_matched"}:
            raise
        _close_unapprovable(request=request, by=by, reason=broken)
        raise RuleBroken(broken.code, f"{broken.message} The request was closed and both sides were told.") from None


@retry_on_conflict
@transaction.atomic
def _approve(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    request = _locked(request)
    require_coordinator(by, to="approve matches")
    _require(request.status == Status.ACCEPTED, "invalid_state",
             f"Only accepted requests can be approved; this one is {request.status}.")  # fmt: skip
    _require_both_active(request)
    matched = start_mentorship(request=request, by=by)
    # Admin action and API verb alike: the audit log's "approved" filter finds every approval.
    AuditEvent.record(actor=by, action=AuditEvent.Action.APPROVED, target=f"mentorship request #{request.pk}")
    return matched


@retry_on_conflict
@transaction.atomic
def _close_unapprovable(*, request: MentorshipRequest, by: User, reason: RuleBroken) -> None:
    request = _locked(request)
    if request.status != Status.ACCEPTED:
        return  # someone else settled it meanwhile
    _transition(request, Status.REJECTED, by=by, note=f"Could not be approved: {reason.message}"[:300])
    request.response_note = reason.message
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "response_note", "decided_at"])
    for person in (request.mentee, request.mentor):
        _tell(person, Note.MATCH_REJECTED, request, link=reverse("matching:requests"))


@retry_on_conflict
@transaction.atomic
def reject_request(*, request: MentorshipRequest, by: User, note: str = "") -> MentorshipRequest:
    request = _locked(request)
    require_coordinator(by, to="reject matches")
    _transition(request, Status.REJECTED, by=by, note=note[:300])
    request.response_note = note
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "response_note", "decided_at"])
    for person in (request.mentee, request.mentor):
        _tell(person, Note.MATCH_REJECTED, request, link=reverse("matching:requests"))
    AuditEvent.record(actor=by, action=AuditEvent.Action.REJECTED_MATCH, target=f"mentorship request #{request.pk}")
    return request


def decline_request(*, request: MentorshipRequest, by: User, reason: str, note: str = "") -> MentorshipRequest:
    """The mentor declines with a reason; a request past its expiry is expired instead (409 ``expired``)."""
    _expire_if_due(request)
    return _decline(request=request, by=by, reason=reason, note=note)


@retry_on_conflict
@transaction.atomic
def _decline(*, request: MentorshipRequest, by: User, reason: str, note: str = "") -> MentorshipRequest:
    request = _locked(request)
    _require(request.status != Status.EXPIRED, "expired", "This request expired before it was answered.")
    _require(by.pk == request.mentor_id, "not_your_request", "Only the mentor asked can decline.", conflict=False)
    _require(reason in MentorshipRequest.DeclineReason.values, "bad_reason", "Choose a reason for declining.",
             conflict=False)  # fmt: skip
    _transition(request, Status.DECLINED, by=by, note=reason)
    request.decline_reason = reason
    request.response_note = note
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "response_note", "responded_at"])
    _tell(request.mentee, Note.REQUEST_DECLINED, request, link=reverse("matching:directory"))
    return request


@retry_on_conflict
@transaction.atomic
def withdraw_request(*, request: MentorshipRequest, by: User | None, note: str = "") -> MentorshipRequest:
    """The mentee takes the request back; ``by=None`` is the system tidying up."""
    request = _locked(request)
    if by is not None:
        _require(by.pk == request.mentee_id, "not_your_request", "Only the mentee who sent it can withdraw.",
                 conflict=False)  # fmt: skip
    _transition(request, Status.WITHDRAWN, by=by, note=note)
    request.save(update_fields=["status"])
    _tell(request.mentor, Note.REQUEST_WITHDRAWN, request, link=reverse("matching:inbox"), system_note=note)
    return request


def _require_both_active(request: MentorshipRequest) -> None:
    """No live mentorship with an account that cannot sign in (closing one settles its requests too)."""
    _require(
        request.mentee.is_active and request.mentor.is_active,
        "account_closed",
        "One of the two accounts has been closed.",
    )


def _expire_if_due(request: MentorshipRequest) -> None:
    """Expiry checked on access: a verb on an overdue pending request expires it first."""
    if request.status == Status.PENDING and request.expires_at <= timezone.now():
        expire_requests(pks=[request.pk])


def expire_requests(*, now: datetime.datetime | None = None, pks: list[int] | None = None) -> int:
    """Expire pending requests past their date (only ``pks`` if given), one transaction each; returns how many."""
    now = now or timezone.now()
    expired = 0
    due = MentorshipRequest.objects.expired_by(now)
    if pks is not None:
        due = due.filter(pk__in=pks)
    for pk, mentee_id, program_id in due.values_list("pk", "mentee_id", "program_id"):
        with transaction.atomic():
            _lock_mentee(mentee_id, program_id)
            request = MentorshipRequest.objects.select_for_update().get(pk=pk)
            if request.status != Status.PENDING or request.expires_at > now:
                continue  # answered in the meantime
            _transition(request, Status.EXPIRED, by=None, note="No answer in time")
            request.save(update_fields=["status"])
            _tell(request.mentee, Note.REQUEST_EXPIRED, request, link=reverse("matching:directory"))
            _tell(request.mentor, Note.REQUEST_EXPIRED, request, link=reverse("matching:inbox"))
            expired += 1
    return expired


def remind_pending_requests(*, now: datetime.datetime | None = None) -> int:
    """Remind mentors of requests that expire within two days, once per request."""
    now = now or timezone.now()
    soon = MentorshipRequest.objects.filter(
        status=Status.PENDING, reminded_at__isnull=True, expires_at__lte=now + REMIND_BEFORE_EXPIRY, expires_at__gt=now
    )
    reminded = 0
    for pk in soon.values_list("pk", flat=True):
        with transaction.atomic():
            if not MentorshipRequest.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            request = MentorshipRequest.objects.select_related("mentor", "mentee").get(pk=pk)
            _tell(request.mentor, Note.REQUEST_REMINDER, request, link=reverse("matching:inbox"))
            reminded += 1
    return reminded


def start_mentorship(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    """Turn an open request into a live mentorship, never past the mentor's capacity; returns the request.

    The one path that creates a mentorship (request approval, acceptance where no approval is
    needed, cohort publishing). Call it inside a transaction: the mentor's profile row is
    locked first, so every path that starts a mentorship for this mentor queues here and the
    count below cannot go stale before the insert. Raises ``RuleBroken`` ("mentor_full",
    "blocked", "already_matched", "invalid_state").
    """
    profile = MentorProfile.objects.select_for_update().get(user_id=request.mentor_id)
    _require(profile.free_places() > 0, "mentor_full", "The mentor has no room for another mentee.")
    _check_near_peer(request.mentee, request.mentor, request.program)
    _require(not Block.between(request.mentee, request.mentor), "blocked", "These two have blocked contact.")
    now = timezone.now()
    _transition(request, Status.MATCHED, by=by)
    if request.kind == Kind.LONG_TERM and request.program.withdraw_other_long_term_requests:
        # One long-term mentor at a time in such a program, however the other one came about
        # (a cohort match published meanwhile, another approval).
        _require(
            not Mentorship.objects.active()
            .filter(mentee_id=request.mentee_id, kind=Kind.LONG_TERM, program_id=request.program_id)
            .exists(),
            "already_matched",
            "The mentee already has a long-term mentor.",
        )
    request.decided_at = now
    request.responded_at = request.responded_at or now
    request.save(update_fields=["status", "decided_at", "responded_at"])
    mentorship = Mentorship.objects.create(
        program=request.program,
        mentee_id=request.mentee_id,
        mentor_id=request.mentor_id,
        request=request,
        kind=request.kind,
        task=request.task,
        due_date=request.due_date,
        started_at=now,
    )
    _introduce(mentorship)
    if request.kind == Kind.LONG_TERM and request.program.withdraw_other_long_term_requests:
        others = MentorshipRequest.objects.open().filter(mentee_id=request.mentee_id, kind=Kind.LONG_TERM)
        for other in others.exclude(pk=request.pk):
            withdraw_request(request=other, by=None, note="Matched with another mentor")
    return request


def _introduce(mentorship: Mentorship) -> None:
    """The match is live: an introduction to both sides, each with the other's summary and contact."""
    pairs = ((mentorship.mentee, mentorship.mentor), (mentorship.mentor, mentorship.mentee))
    for person, other in pairs:
        notify(
            recipient=person,
            kind=Note.MATCH_LIVE,
            context={"mentorship": mentorship, "other": other, "other_summary": _summary(other)},
            link=reverse("matching:mentorship", args=[mentorship.pk]),
            dedupe_key=f"match-live:{mentorship.pk}:{person.pk}",
        )


def _summary(user: User) -> str:
    """A line about a person for an introduction: never a background attribute."""
    mentor = MentorProfile.objects.filter(user=user).select_related("specialty").first()
    if mentor is not None:
        parts = [mentor.specialty.label if mentor.specialty else "", mentor.institution]
        return ", ".join(p for p in parts if p)
    from accounts.models import MenteeProfile

    mentee = MenteeProfile.objects.filter(user=user).first()
    if mentee is not None:
        parts = [mentee.get_stage_display() if mentee.stage else "", mentee.school]
        return ", ".join(str(p) for p in parts if p)
    return ""


@transaction.atomic
def end_mentorship(
    *,
    mentorship: Mentorship,
    by: User,
    outcome: str,
    reason: str,
    feedback: str = "",
    rating: int | None = None,
) -> Mentorship:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _require(mentorship.involves(by) or is_coordinator(by), "not_your_mentorship",
             "Only the mentee, the mentor or a coordinator can end this mentorship.", conflict=False)  # fmt: skip
    _require(outcome in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED), "bad_outcome",
             "The outcome is completed or ended.", conflict=False)  # fmt: skip
    _require(reason in Mentorship.EndReason.values, "bad_reason", "Choose a reason.", conflict=False)
    _require(rating is None or 1 <= rating <= 5, "bad_rating", "A rating is 1 to 5.", conflict=False)
    _transition(mentorship, outcome, by=by, note=reason)
    mentorship.ended_at = timezone.now()
    mentorship.ended_by = by
    mentorship.end_reason = reason
    if by.pk == mentorship.mentor_id:
        mentorship.mentor_feedback, mentorship.mentor_rating = feedback, rating
    elif by.pk == mentorship.mentee_id:
        mentorship.mentee_feedback, mentorship.mentee_rating = feedback, rating
    # A coordinator's reason is in the transition; their words are not either side's feedback.
    mentorship.save()
    # Its open check-ins close with it: the hourly job must not call them "missed" afterwards.
    CheckIn.objects.filter(mentorship=mentorship, status=CheckIn.Status.OPEN).update(
        status=CheckIn.Status.CLOSED, closed_at=mentorship.ended_at
    )
    for person in (mentorship.mentee, mentorship.mentor):
        if person.pk != by.pk:
            notify(
                recipient=person,
                kind=Note.MENTORSHIP_ENDED,
                context={"mentorship": mentorship, "by": by},
                link=reverse("matching:mentorship", args=[mentorship.pk]),
            )
    return mentorship


@transaction.atomic
def leave_feedback(*, mentorship: Mentorship, by: User, feedback: str, rating: int | None = None) -> Mentorship:
    """Either side's feedback on a mentorship that has ended, whoever ended it; once per side.

    Errors: ``not_your_mentorship`` (400) for anyone but the two, ``invalid_state`` (409)
    while it is live (feedback goes with ending it), ``already_given`` (409) the second time,
    ``bad_rating`` (400) outside 1-5.
    """
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _require(mentorship.involves(by), "not_your_mentorship", "Only the mentee and the mentor give feedback.",
             conflict=False)  # fmt: skip
    _require(mentorship.status != Mentorship.Status.ACTIVE, "invalid_state",
             "Feedback is given when the mentorship ends.")  # fmt: skip
    _require(rating is None or 1 <= rating <= 5, "bad_rating", "A rating is 1 to 5.", conflict=False)
    side = "mentor" if by.pk == mentorship.mentor_id else "mentee"
    _require(not getattr(mentorship, f"{side}_feedback") and getattr(mentorship, f"{side}_rating") is None,
             "already_given", "You have already given your feedback on this mentorship.")  # fmt: skip
    setattr(mentorship, f"{side}_feedback", feedback)
    setattr(mentorship, f"{side}_rating", rating)
    mentorship.save(update_fields=[f"{side}_feedback", f"{side}_rating"])
    return mentorship


@transaction.atomic
def request_rematch(*, mentorship: Mentorship, by: User) -> Mentorship:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _require(by.pk == mentorship.mentee_id, "not_your_mentorship", "Only the mentee can ask for a rematch.",
             conflict=False)  # fmt: skip
    _require(mentorship.status == Mentorship.Status.ENDED, "invalid_state",
             "A rematch can be asked for once a mentorship has ended early.")  # fmt: skip
    mentorship.rematch_requested = True
    mentorship.save(update_fields=["rematch_requested"])
    return mentorship


def _require_goal_editor(mentorship: Mentorship, by: User) -> None:
    _require(mentorship.involves(by), "not_your_mentorship", "Only the mentee and the mentor share its goals.",
             conflict=False)  # fmt: skip
    _require(mentorship.status == Mentorship.Status.ACTIVE, "invalid_state",
             "This mentorship has ended; its goals can no longer change.")  # fmt: skip


@transaction.atomic
def add_goal(*, mentorship: Mentorship, by: User, text: str, done: bool = False) -> Goal:
    _require_goal_editor(mentorship, by)
    return Goal.objects.create(
        mentorship=mentorship, text=text, done=done, created_by=by, completed_at=timezone.now() if done else None
    )


@transaction.atomic
def update_goal(*, goal: Goal, by: User, text: str | None = None, done: bool | None = None) -> Goal:
    """Edit a goal's text or mark it done; completion keeps its first date until undone."""
    _require_goal_editor(goal.mentorship, by)
    if text is not None:
        goal.text = text
    if done is not None and done != goal.done:
        goal.done = done
        goal.completed_at = timezone.now() if done else None
    goal.save(update_fields=["text", "done", "completed_at"])
    return goal
