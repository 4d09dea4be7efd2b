"""Figures for the coordinator's home, dashboard and equity view.

Each function reads the database once or twice and returns plain dataclasses; the views
only lay them out. Nothing here returns a person: every figure is a count, a rate or a
median over a group.

Equity figures follow two rules (PRODUCT §4, §8 "sensitive attributes minimised"):

- Only background attributes their owners shared with coordinators or with everyone are
  counted. An *only me* (``private``) answer counts only in what its owner sees
  (docs/privacy.md), so it is left out of aggregates too: the view's contents stay
  identical to what a coordinator could already see in the Background admin.
- A group of fewer than ``MIN_GROUP_SIZE`` people is suppressed, and so is any single
  figure that rests on fewer than ``MIN_GROUP_SIZE`` people (a median over two people is
  two people's numbers).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from accounts.models import Background, Membership, MenteeProfile, MentorProfile, Program, Specialty, active_mentorships
from matching.models import CheckIn, Mentorship, MentorshipRequest

MIN_GROUP_SIZE = 5
TOP_SHARE = 0.10  # the busiest tenth of mentors ...
OVERLOAD_SHARE = 0.50  # ... carrying more than half of all active mentorships is flagged
MIN_MENTORS_FOR_FLAG = 10  # below this, "the top tenth" is one person and says nothing
DAY = 86_400.0
SHARED_WITH_COORDINATORS = (Background.Visibility.COORDINATORS, Background.Visibility.EVERYONE)


# --- Home: pending work ------------------------------------------------------------------


@dataclass(frozen=True)
class PendingWork:
    pending_approvals: int
    unverified_mentors: int
    at_risk_mentorships: int
    unanswered_requests: int
    unmatched_mentees: int


def pending_work(program: Program) -> PendingWork:
    """What waits for a coordinator. Relationships count per program; people (profiles) overall,
    as the admin lists they link to do."""
    requests = MentorshipRequest.objects.filter(program=program)
    active = Mentorship.objects.active()
    return PendingWork(
        pending_approvals=requests.filter(status=MentorshipRequest.Status.ACCEPTED).count(),
        unverified_mentors=MentorProfile.objects.filter(verification=MentorProfile.Verification.UNVERIFIED).count(),
        at_risk_mentorships=active.filter(program=program, at_risk=True).count(),
        unanswered_requests=requests.filter(status=MentorshipRequest.Status.PENDING).count(),
        unmatched_mentees=MenteeProfile.objects.exclude(user_id__in=active.values("mentee_id")).count(),
    )


# --- Dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecialtyBalance:
    specialty: str
    demand: int  # unmatched mentees who want this specialty
    supply: int  # open places with verified, accepting mentors in it

    @property
    def gap(self) -> int:
        return self.demand - self.supply


@dataclass(frozen=True)
class Workload:
    loads: list[int]  # active mentorships per verified mentor, busiest first
    top_count: int
    top_share: float | None  # share of active mentorships carried by the busiest TOP_SHARE
    at_capacity: int

    @property
    def total(self) -> int:
        return sum(self.loads)

    @property
    def concentrated(self) -> bool:
        return (
            len(self.loads) >= MIN_MENTORS_FOR_FLAG and self.top_share is not None and self.top_share > OVERLOAD_SHARE
        )


@dataclass(frozen=True)
class Dashboard:
    mentees: int
    matched_mentees: int
    first_response_days: list[float]
    never_answered: int
    match_days: list[float]
    cohort_matches: int
    checkins_completed: int
    checkins_missed: int
    active: int
    at_risk: int
    completed: int
    ended: int
    outcomes: list[tuple[str, int]]
    mentee_ratings: Counter[int]
    mentor_ratings: Counter[int]
    supply_demand: list[SpecialtyBalance]
    workload: Workload

    @property
    def match_rate(self) -> float | None:
        return ratio(self.matched_mentees, self.mentees)

    @property
    def median_first_response_days(self) -> float | None:
        return median(self.first_response_days)

    @property
    def median_match_days(self) -> float | None:
        return median(self.match_days)

    @property
    def checkin_completion(self) -> float | None:
        return ratio(self.checkins_completed, self.checkins_completed + self.checkins_missed)

    @property
    def mean_mentee_rating(self) -> float | None:
        return mean_of_counts(self.mentee_ratings)

    @property
    def mean_mentor_rating(self) -> float | None:
        return mean_of_counts(self.mentor_ratings)


def dashboard(program: Program) -> Dashboard:
    mentee_ids = set(
        Membership.objects.filter(program=program, role=Membership.Role.MENTEE).values_list("user_id", flat=True)
    )
    mentorships = Mentorship.objects.filter(program=program)
    # Response and match times are about people answering people: requests a cohort run made
    # were never waiting for anyone, so they are counted apart (``cohort_matches``).
    requests = MentorshipRequest.objects.filter(program=program, cohort_run__isnull=True)
    statuses = dict(mentorships.values_list("status").annotate(n=Count("pk")).order_by())
    at_risk = mentorships.active().filter(at_risk=True).count()
    checkins = dict(
        CheckIn.objects.filter(mentorship__program=program).values_list("status").annotate(n=Count("pk")).order_by()
    )
    reasons = dict(Mentorship.EndReason.choices)
    outcomes = Counter(
        mentorships.exclude(status=Mentorship.Status.ACTIVE).exclude(end_reason="").values_list("end_reason", flat=True)
    )
    return Dashboard(
        mentees=len(mentee_ids),
        matched_mentees=len(mentee_ids & set(mentorships.values_list("mentee_id", flat=True))),
        first_response_days=[
            (responded - created).total_seconds() / DAY
            for created, responded in requests.filter(responded_at__isnull=False).values_list(
                "created_at", "responded_at"
            )
            if responded is not None
        ],
        never_answered=requests.filter(status=MentorshipRequest.Status.EXPIRED).count(),
        match_days=[
            (started - asked).total_seconds() / DAY
            for asked, started in mentorships.filter(
                request__isnull=False, request__cohort_run__isnull=True
            ).values_list("request__created_at", "started_at")
        ],
        cohort_matches=mentorships.filter(request__cohort_run__isnull=False).count(),
        checkins_completed=checkins.get(CheckIn.Status.COMPLETED, 0),
        checkins_missed=checkins.get(CheckIn.Status.MISSED, 0),
        active=statuses.get(Mentorship.Status.ACTIVE, 0) - at_risk,
        at_risk=at_risk,
        completed=statuses.get(Mentorship.Status.COMPLETED, 0),
        ended=statuses.get(Mentorship.Status.ENDED, 0),
        outcomes=[(str(reasons.get(reason, reason)), n) for reason, n in outcomes.most_common()],
        mentee_ratings=ratings_of(mentorships, "mentee_rating"),
        mentor_ratings=ratings_of(mentorships, "mentor_rating"),
        supply_demand=supply_and_demand(program),
        workload=workload(program),
    )


def ratings_of(mentorships: Any, field_name: str) -> Counter[int]:
    return Counter(int(r) for r in mentorships.values_list(field_name, flat=True) if r is not None)


def supply_and_demand(program: Program) -> list[SpecialtyBalance]:
    """Per primary specialty (a subspecialty counts under its parent): unmatched mentees who want
    it against the open places of verified, accepting mentors in it; widest gap first."""
    active = Mentorship.objects.active()
    busy_mentees = active.values("mentee_id")
    wanted = (
        MenteeProfile.objects.filter(user__memberships__program=program, user__memberships__role=Membership.Role.MENTEE)
        .exclude(user_id__in=busy_mentees)
        .filter(target_specialties__isnull=False)
        .values_list("user_id", "target_specialties__id", "target_specialties__parent_id")
    )
    demand: dict[int, set[int]] = defaultdict(set)
    for user_id, specialty_id, parent_id in wanted:
        demand[parent_id or specialty_id].add(user_id)

    supply: Counter[int] = Counter()
    mentors = (
        MentorProfile.objects.verified()
        .accepting()
        .filter(
            user__memberships__program=program,
            user__memberships__role=Membership.Role.MENTOR,
            specialty__isnull=False,
        )
        .annotate(active=active_mentorships())
        .values_list("specialty_id", "specialty__parent_id", "capacity", "active")
    )
    for specialty_id, parent_id, capacity, load in mentors:
        supply[parent_id or specialty_id] += max(capacity - load, 0)

    ids = set(demand) | set(supply)
    names = dict(Specialty.objects.filter(pk__in=ids).values_list("pk", "name"))
    balances = [SpecialtyBalance(names[pk], len(demand.get(pk, ())), supply.get(pk, 0)) for pk in ids]
    return sorted(balances, key=lambda b: (-b.gap, -b.demand, b.specialty))


def workload(program: Program) -> Workload:
    facts = mentor_facts(program).values()
    return summarise_workload([m.load for m in facts], at_capacity=sum(m.load >= m.capacity for m in facts))


def summarise_workload(loads: Sequence[int], *, at_capacity: int = 0) -> Workload:
    """How concentrated the load is: the share carried by the busiest tenth of mentors."""
    ordered = sorted(loads, reverse=True)
    top = max(1, math.ceil(len(ordered) * TOP_SHARE)) if ordered else 0
    return Workload(
        loads=ordered, top_count=top, top_share=ratio(sum(ordered[:top]), sum(ordered)), at_capacity=at_capacity
    )


# --- Equity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One aggregate, or None when it rests on fewer than MIN_GROUP_SIZE people."""

    value: float | None
    people: int

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class GroupRow:
    label: str
    suppressed: bool
    # Only filled when the group is large enough; never the size of a suppressed group.
    people: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class EquityTable:
    attribute: str
    role: str
    rows: list[GroupRow]


@dataclass
class MenteeFacts:
    matched: bool = False
    match_days: float | None = None
    troubled: bool | None = None  # any match at risk or ended early; None without a match
    rating: float | None = None


@dataclass
class MentorFacts:
    load: int = 0
    capacity: int = 0


MENTEE_FIGURES = {
    "match_rate": "Matched",
    "median_match_days": "Median days from request to match",
    "troubled_share": "Matches at risk or ended early",
    "mean_rating": "Mean rating they gave",
}
MENTOR_FIGURES = {
    "mean_load": "Mean active mentorships",
    "load_share": "Share of all active mentorships",
    "at_capacity_share": "At or over capacity",
}


def equity(program: Program) -> list[EquityTable]:
    """The dashboard's key figures by background group, mentees and mentors apart."""
    mentees = mentee_facts(program)
    mentors = mentor_facts(program)
    groups = background_groups(set(mentees) | set(mentors))
    total_load = sum(m.load for m in mentors.values())
    tables = []
    for attribute, label in Background.Attribute.choices:
        for role, facts in (("Mentees", mentees), ("Mentors", mentors)):
            rows = []
            for group_label, members in groups.get(attribute, []):
                people = [facts[pk] for pk in members if pk in facts]
                if role == "Mentees":
                    rows.append(mentee_row(group_label, people))  # type: ignore[arg-type]
                else:
                    rows.append(mentor_row(group_label, people, total_load=total_load))  # type: ignore[arg-type]
            if rows:
                tables.append(EquityTable(attribute=str(label), role=role, rows=rows))
    return tables


def background_groups(user_ids: set[int]) -> dict[str, list[tuple[str, set[int]]]]:
    """attribute -> [(group label, member ids)], from attributes shared with coordinators only."""
    members: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = Background.objects.filter(user_id__in=user_ids, visibility__in=SHARED_WITH_COORDINATORS).values_list(
        "user_id", "attribute", "value"
    )
    for user_id, attribute, value in rows:
        for group in group_labels(attribute, value):
            members[attribute][group].add(user_id)
    return {attribute: sorted(groups.items()) for attribute, groups in members.items()}


def group_labels(attribute: str, value: Any) -> list[str]:
    if attribute == Background.Attribute.GENDER_IDENTITY:
        return [str(Background.Gender(value).label)] if value in Background.Gender.values else []
    if attribute == Background.Attribute.RACE_ETHNICITY:
        # A person who names several counts in each group they named.
        values = value if isinstance(value, list) else []
        return [str(Background.Race(v).label) for v in values if v in Background.Race.values]
    if isinstance(value, bool):
        return ["Yes" if value else "No"]
    return []


def mentee_row(label: str, people: Sequence[MenteeFacts]) -> GroupRow:
    if len(people) < MIN_GROUP_SIZE:
        return GroupRow(label=label, suppressed=True)
    with_match = [p for p in people if p.troubled is not None]
    timed = [p.match_days for p in people if p.match_days is not None]
    rated = [p.rating for p in people if p.rating is not None]
    return GroupRow(
        label=label,
        suppressed=False,
        people=len(people),
        figures={
            "match_rate": guarded(ratio(sum(p.matched for p in people), len(people)), len(people)),
            "median_match_days": guarded(median(timed), len(timed)),
            "troubled_share": guarded(
                ratio(sum(bool(p.troubled) for p in with_match), len(with_match)), len(with_match)
            ),
            "mean_rating": guarded(statistics.fmean(rated) if rated else None, len(rated)),
        },
    )


def mentor_row(label: str, people: Sequence[MentorFacts], *, total_load: int) -> GroupRow:
    if len(people) < MIN_GROUP_SIZE:
        return GroupRow(label=label, suppressed=True)
    load = sum(p.load for p in people)
    return GroupRow(
        label=label,
        suppressed=False,
        people=len(people),
        figures={
            "mean_load": guarded(load / len(people), len(people)),
            "load_share": guarded(ratio(load, total_load), len(people)),
            "at_capacity_share": guarded(ratio(sum(p.load >= p.capacity for p in people), len(people)), len(people)),
        },
    )


def mentee_facts(program: Program) -> dict[int, MenteeFacts]:
    facts = {
        pk: MenteeFacts()
        for pk in Membership.objects.filter(program=program, role=Membership.Role.MENTEE).values_list(
            "user_id", flat=True
        )
    }
    ratings: dict[int, list[int]] = defaultdict(list)
    rows = Mentorship.objects.filter(program=program, mentee_id__in=facts).values_list(
        "mentee_id", "status", "at_risk", "started_at", "request__created_at", "mentee_rating"
    )
    for mentee_id, status, at_risk, started, asked, rating in rows:
        person = facts[mentee_id]
        person.matched = True
        troubled = at_risk or status == Mentorship.Status.ENDED
        person.troubled = bool(person.troubled) or troubled
        if asked is not None:
            days = (started - asked).total_seconds() / DAY
            person.match_days = days if person.match_days is None else min(person.match_days, days)
        if rating is not None:
            ratings[mentee_id].append(rating)
    for mentee_id, given in ratings.items():
        facts[mentee_id].rating = statistics.fmean(given)
    return facts


def mentor_facts(program: Program) -> dict[int, MentorFacts]:
    rows = (
        MentorProfile.objects.verified()
        .filter(user__memberships__program=program, user__memberships__role=Membership.Role.MENTOR)
        .annotate(active=active_mentorships(program=program))
        .values_list("user_id", "active", "capacity")
    )
    return {user_id: MentorFacts(load=load, capacity=capacity) for user_id, load, capacity in rows}


# --- Small arithmetic ------------------------------------------------------------------------


def guarded(value: float | None, people: int) -> Figure:
    return Figure(value=value if people >= MIN_GROUP_SIZE else None, people=people)


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def mean_of_counts(counts: Counter[int]) -> float | None:
    total = sum(counts.values())
    return sum(value * n for value, n in counts.items()) / total if total else None


def histogram(values: Iterable[float], edges: Sequence[float]) -> list[tuple[str, int]]:
    """Counts per bucket [edges[i], edges[i+1]); the last bucket is open-ended."""
    labels = [f"{lo:g} to {hi:g}" for lo, hi in itertools.pairwise(edges)] + [f"{edges[-1]:g}+"]
    counts = [0] * len(labels)
    for value in values:
        index = sum(1 for edge in edges[1:] if value >= edge)
        counts[index] += 1
    return list(zip(labels, counts, strict=True))
