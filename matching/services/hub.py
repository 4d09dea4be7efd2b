"""What a person's dashboard gathers: the next thing to do, for each role.

A mentee sees their three best matches, their requests, their live mentorship and what comes
next (a meeting or a check-in); a mentor sees the requests waiting, the places used, their
group circles and what comes next. Every figure links to the page where the person acts on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Program, User
from matching.models import CheckIn, Circle, Meeting, MentoringPolicy, Mentorship, MentorshipRequest
from matching.services import directory as engine

BEST = 3


@dataclass(frozen=True)
class NextUp:
    """A meeting or a check-in: what comes next, when, and where to act on it."""

    kind: str  # "meeting" or "checkin"
    title: str
    when: datetime.datetime | datetime.date
    url: str
    action: str


@dataclass(frozen=True)
class BestMatch:
    user: User
    score: float
    reason: str
    accepting: bool


def next_up(user: User) -> list[NextUp]:
    """The next meeting and the check-ins waiting for this person's answer, soonest first."""
    found: list[NextUp] = []
    meeting = (
        Meeting.objects.for_user(user).upcoming().select_related("mentorship__mentee", "mentorship__mentor")
        .order_by("start").first()
    )  # fmt: skip
    if meeting is not None and meeting.mentorship is not None:
        other = meeting.mentorship.mentor if meeting.mentorship.mentee_id == user.pk else meeting.mentorship.mentee
        waiting = meeting.status == Meeting.Status.PROPOSED and meeting.proposed_by_id != user.pk
        found.append(
            NextUp(
                kind="meeting",
                title=f"Meeting with {other.get_full_name() or other.display_name}"
                + (" (waiting for your answer)" if waiting else ""),
                when=meeting.start,
                url=reverse("matching:meeting", args=[meeting.pk]),
                action="Answer" if waiting else "Open",
            )
        )
    open_checkins = (
        CheckIn.objects.open()
        .filter(Q(mentorship__mentee=user) | Q(mentorship__mentor=user), mentorship__status=Mentorship.Status.ACTIVE)
        .exclude(responses__user=user)
        .select_related("mentorship__mentee", "mentorship__mentor")
        .order_by("due_on")
    )
    for checkin in open_checkins[:3]:
        mentorship = checkin.mentorship
        other = mentorship.mentor if mentorship.mentee_id == user.pk else mentorship.mentee
        found.append(
            NextUp(
                kind="checkin",
                title=f"Check-in {checkin.period} with {other.get_full_name() or other.display_name}",
                when=checkin.due_on,
                url=reverse("matching:checkin", args=[checkin.pk]),
                action="Answer the check-in",
            )
        )
    return found


def mentee_hub(user: User) -> dict[str, Any]:
    requests = MentorshipRequest.objects.filter(mentee=user).select_related("mentor").order_by("-created_at")
    open_requests = [r for r in requests if r.is_open]
    live = list(Mentorship.objects.active().filter(mentee=user).select_related("mentor"))
    return {
        "best": best_matches(user),
        "open_requests": open_requests,
        "recent_requests": [r for r in requests[:6] if not r.is_open][:3],
        "live": live,
        "next_up": next_up(user),
    }


def best_matches(user: User) -> list[BestMatch]:
    """The three best mentors for this mentee that they have not asked or been matched with yet."""
    taken = set(MentorshipRequest.objects.open().filter(mentee=user).values_list("mentor_id", flat=True))
    taken |= set(Mentorship.objects.active().filter(mentee=user).values_list("mentor_id", flat=True))
    try:
        ids, _ = engine.rank_mentors(user)
    except Exception:
        return []
    ids = [mentor_id for mentor_id in ids if mentor_id not in taken][:BEST]
    matches = engine.explain_mentors(user, ids)
    people = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("mentor_profile")}
    return [
        BestMatch(
            user=people[mentor_id],
            score=matches[mentor_id].score,
            reason=matches[mentor_id].reasons[0].text if matches[mentor_id].reasons else "",
            accepting=people[mentor_id].mentor_profile.is_accepting(),
        )
        for mentor_id in ids
        if mentor_id in matches and mentor_id in people
    ]


def mentor_hub(user: User, profile: MentorProfile) -> dict[str, Any]:
    waiting = MentorshipRequest.objects.filter(mentor=user, status=MentorshipRequest.Status.PENDING)
    active = Mentorship.objects.active().filter(mentor=user).select_related("mentee")
    used = active.count()
    return {
        "waiting": waiting.count(),
        "oldest_waiting": waiting.order_by("created_at").values_list("created_at", flat=True).first(),
        "awaiting_approval": MentorshipRequest.objects.filter(
            mentor=user, status=MentorshipRequest.Status.ACCEPTED
        ).count(),
        "places_used": used,
        "capacity": profile.capacity,
        "places_left": max(profile.capacity - used, 0),
        "live": list(active),
        "next_up": next_up(user),
        "today": timezone.localdate(),
        "circles": list(Circle.objects.filter(mentor=user).order_by("name", "pk")),
        "group_mentoring": MentoringPolicy.for_program(Program.objects.default()).group_mentoring,
    }
