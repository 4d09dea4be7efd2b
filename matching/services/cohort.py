"""Whole-cohort matching for coordinators: propose, review, edit, publish (PRODUCT §3.3, §5).

``propose`` (run by the Celery task in ``cohort_tasks``) scores the chosen mentees against
the chosen mentors with the engine's vectorised index, one NumPy pass per mentee, runs the
stable or optimal algorithm on the dense matrix, and stores the pairs and a report. The
coordinator then removes, swaps or reassigns pairs and publishes, which goes through the
same locked paths of ``matching.services.requests`` as every other match, so capacity and
notifications follow one set of rules.

Mentor places: ``min(capacity, max_load) - active`` - ``max_load`` caps a mentor's whole
load, not only what this run adds, so the same few popular mentors are not overloaded.
Scores are held as whole tenths (as the product shows them) in float32, exact and half the
memory of float64; a pair a hard filter excludes is ``-inf``.

Reasons are stored as the mentee would read them (they never name a mentor's attribute
that is not shown to everyone), minus what that wording reveals about the *mentee*:
"Shares your gender identity" tells the reader the mentee's own value, so it is kept
only when the mentee shows that attribute to coordinators.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import AuditEvent, Kind, Membership, MenteeProfile, MentorProfile, Program, User
from matching import services
from matching.algorithms.assignment import (
    ALL_MENTORS_FULL,
    NO_ACCEPTABLE_MENTOR,
    match_report_arrays,
    optimal_match_arrays,
    optimal_match_top_k,
    stable_match_arrays,
)
from matching.models import CohortPair, CohortRun, Mentorship, MentorshipRequest
from matching.scoring.components import Match, MenteeFeatures, MentorFeatures, score_pair
from matching.scoring.index import MentorIndex
from matching.scoring.vocabulary import PREFERENCE_GROUPS
from matching.services import directory as engine
from matching.services.near_peer import offers_near_peer
from matching.services.requests import RuleBroken, require_coordinator, start_mentorship

Status = CohortRun.Status
Progress = Callable[[int, str], None]
FloatMatrix = npt.NDArray[np.float32]

# Exact min-cost flow over every acceptable pair up to this many cells; beyond it, sparse
# top-k candidates (``optimal_match_top_k``), which stays fast at 20k x 6k.
EXACT_OPTIMAL_CELLS = 4_000_000
REASONS_KEPT = 4
EXCLUDED_BY_FILTERS = (
    "No mentor passes this mentee's must-have preferences or offers the kind of mentorship wanted"
    " (near-peer mentors take premed students only)"
)
NO_PLACES = "No mentor in the chosen pool has a free place"
REMOVED = "Removed from the proposal by a coordinator"
COORDINATOR_VISIBLE = frozenset({"coordinators", "everyone"})
GENERIC = {
    "comfort": "Matches the mentee's comfort preferences",
    "mentor_preference": "Matches what the mentor looks for in a mentee",
}


def _no_progress(percent: int, message: str) -> None:
    pass


@dataclass
class Clock:
    """Wall time split into engine work (NumPy, algorithms, reasons) and database work, and
    this process's CPU time per phase (on a shared machine, wall time includes waiting for a core)."""

    engine: float = 0.0
    database: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measure(self, part: str, phase: str) -> Iterator[None]:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            setattr(self, part, getattr(self, part) + spent)
            self.phases[phase] = self.phases.get(phase, 0.0) + spent
            self.cpu[phase] = self.cpu.get(phase, 0.0) + time.process_time() - cpu_started


# --- Setup ------------------------------------------------------------------------------


def create_run(
    *,
    program: Program,
    by: User,
    algorithm: str,
    min_score: float,
    max_load: int | None,
    mentee_filter: dict[str, Any],
    mentor_filter: dict[str, Any],
) -> CohortRun:
    require_coordinator(by, to="run cohort matches")
    return CohortRun.objects.create(
        program=program,
        created_by=by,
        algorithm=algorithm,
        min_score=min_score,
        max_load=max_load,
        mentee_filter=mentee_filter,
        mentor_filter=mentor_filter,
        progress_message="Waiting for a worker",
    )


def chosen_mentees(run: CohortRun) -> QuerySet[MenteeProfile]:
    """The run's mentees: members of its program, optionally only unmatched or some stages."""
    members = Membership.objects.filter(program=run.program, role=Membership.Role.MENTEE).values("user")
    mentees = engine.mentee_profiles().filter(user__in=members)
    wanted = run.mentee_filter or {}
    if wanted.get("unmatched_only"):
        # Unmatched means no live match and none awaiting a coordinator's approval either:
        # publishing would otherwise give her a second mentor once that approval comes.
        mentees = mentees.exclude(user__mentorships_as_mentee__status=Mentorship.Status.ACTIVE).exclude(
            user__in=MentorshipRequest.objects.filter(status=MentorshipRequest.Status.ACCEPTED).values("mentee")
        )
    if wanted.get("stages"):
        mentees = mentees.filter(stage__in=wanted["stages"])
    return mentees.order_by("user_id")


def chosen_mentors(run: CohortRun) -> QuerySet[MentorProfile]:
    """The run's mentors: verified members of its program, optionally accepting or in some fields.

    Near-peer mentors only where the program offers near-peer mentoring (as its directory).
    """
    members = Membership.objects.filter(program=run.program, role=Membership.Role.MENTOR).values("user")
    mentors = engine.mentor_profiles().filter(user__in=members)
    if not offers_near_peer(run.program):
        mentors = mentors.exclude(profession__in=MentorProfile.NEAR_PEER_PROFESSIONS)
    wanted = run.mentor_filter or {}
    if wanted.get("accepting_only"):
        mentors = mentors.filter(pk__in=MentorProfile.objects.accepting().values("pk"))
    if wanted.get("specialties"):
        slugs = wanted["specialties"]
        in_field = (
            Q(specialty__slug__in=slugs) | Q(specialty__parent__slug__in=slugs) | Q(subspecialties__slug__in=slugs)
        )
        mentors = mentors.filter(pk__in=MentorProfile.objects.filter(in_field).values("pk"))
    return mentors.order_by("user_id")


# --- Propose ----------------------------------------------------------------------------


def propose(run: CohortRun, *, progress: Progress = _no_progress) -> CohortRun:
    """Score, match and store a proposal for ``run``; replaces any earlier proposal of it."""
    clock = Clock()
    with clock.measure("database", "load"):
        # Features in bulk: flat rows per thousands of people, not model instances per related row.
        mentee_ids = list(chosen_mentees(run).values_list("user_id", flat=True))
        mentor_ids = list(chosen_mentors(run).values_list("user_id", flat=True))
        # Coordinators read the proposal: both sides as coordinators may know them.
        off = engine.matching_off(run.program)
        loaded_mentees = engine.load_mentees(mentee_ids, viewer="coordinator", off=off)
        loaded_mentors = engine.load_mentors(mentor_ids, viewer="coordinator", off=off)
        mentees = [loaded_mentees[i] for i in mentee_ids if i in loaded_mentees]
        chosen = [loaded_mentors[i] for i in mentor_ids if i in loaded_mentors]
        mentors = [m for m in chosen if m.free_places(max_load=run.max_load) > 0]
        full_mentors = len(chosen) - len(mentors)
        progress(10, f"Loaded {len(mentees)} mentees and {len(mentors)} mentors with a free place")

    with clock.measure("engine", "score"):
        space = engine.specialty_space()
        weights = engine.program_weights(run.program)
        index = MentorIndex.build(mentors, space=space, weights=weights)
        matrix = score_matrix(index, mentees)
        slots = np.array([m.free_places(max_load=run.max_load) for m in mentors], dtype=np.int64)
    with clock.measure("database", "progress"):
        progress(40, f"Scored {matrix.size:,} pairs")

    min_tenths = math.ceil(round(run.min_score * 10, 6))
    with clock.measure("engine", "match"):
        assignment = assign(matrix, slots, algorithm=run.algorithm, min_tenths=min_tenths)
    with clock.measure("database", "progress"):
        progress(80, f"Matched {int((assignment >= 0).sum())} of {len(mentees)} mentees")

    with clock.measure("engine", "report"):
        report = _report(run, matrix, slots, assignment, mentees, min_tenths, full_mentors)
        pairs = [
            CohortPair(
                run=run,
                mentee_id=mentees[i].id,
                mentor_id=mentors[j].id,
                score=float(matrix[i, j]) / 10.0,
                reasons=coordinator_reasons(index.explain(mentees[i], mentors[j].id), mentees[i], mentors[j]),
            )
            for i, j in enumerate(assignment.tolist())
            if j >= 0
        ]
    with clock.measure("database", "save"), transaction.atomic():
        current = CohortRun.objects.select_for_update().get(pk=run.pk)
        if current.status != Status.RUNNING:
            return current  # discarded (or finished by a duplicate task) meanwhile: keep that
        CohortPair.objects.filter(run=current).delete()
        CohortPair.objects.bulk_create(pairs, batch_size=2000)
        current.report = report
        current.status = Status.PROPOSED
        current.progress = 100
        current.progress_message = f"Proposal ready: {len(pairs)} pairs, {len(report['unmatched'])} unmatched"
        current.finished_at = timezone.now()
        current.save()
    current.engine_seconds, current.db_seconds = clock.engine, clock.database
    current.report["timings"] = {name: round(seconds, 3) for name, seconds in clock.phases.items()}
    current.report["cpu_timings"] = {name: round(seconds, 3) for name, seconds in clock.cpu.items()}
    current.save(update_fields=["engine_seconds", "db_seconds", "report"])
    return current


def score_matrix(index: MentorIndex, mentees: list[MenteeFeatures]) -> FloatMatrix:
    """Mentees x mentors (in index row order) in whole tenths; ``-inf`` where a hard filter excludes."""
    matrix = np.empty((len(mentees), len(index)), dtype=np.float32)
    for row, mentee in enumerate(mentees):
        index.score_tenths(mentee, out=matrix[row])
    return matrix


def assign(matrix: FloatMatrix, slots: npt.NDArray[np.int64], *, algorithm: str, min_tenths: float) -> Any:
    """The mentor column per mentee row, -1 when unmatched."""
    n_mentees, n_mentors = matrix.shape
    if n_mentees == 0 or n_mentors == 0:
        return np.full(n_mentees, -1, dtype=np.int64)
    if algorithm == CohortRun.Algorithm.STABLE:
        return stable_match_arrays(matrix, slots, min_score=min_tenths)
    if matrix.size <= EXACT_OPTIMAL_CELLS:
        rows, cols = np.nonzero(matrix >= min_tenths)
        return optimal_match_arrays(rows, cols, matrix[rows, cols], slots, min_score=min_tenths, n_mentees=n_mentees)
    return optimal_match_top_k(matrix, slots, min_score=min_tenths)


def _report(
    run: CohortRun,
    matrix: FloatMatrix,
    slots: npt.NDArray[np.int64],
    assignment: Any,
    mentees: list[MenteeFeatures],
    min_tenths: float,
    full_mentors: int,
) -> dict[str, Any]:
    n_mentees, n_mentors = matrix.shape
    if n_mentors:
        found = match_report_arrays(assignment, matrix, slots, min_score=min_tenths)
        unmatched_rows, blocking, histogram = found.unmatched, found.blocking_pairs, found.load_histogram
    else:
        unmatched_rows = dict.fromkeys(range(n_mentees), NO_PLACES)
        blocking, histogram = 0, {}
    unmatched: list[dict[str, Any]] = [
        {"mentee": mentees[row].id, "reason": _why_unmatched(matrix[row], why, min_tenths, n_mentors)}
        for row, why in sorted(unmatched_rows.items())
    ]
    matched = assignment[assignment >= 0]
    values = matrix[np.flatnonzero(assignment >= 0), matched].astype(np.float64) / 10.0
    return {
        "algorithm": run.algorithm,
        "min_score": run.min_score,
        "max_load": run.max_load,
        "mentees": n_mentees,
        "mentors": n_mentors,
        "mentors_without_room": full_mentors,
        "places": int(slots.sum()),
        "matched": int(matched.size),
        "unmatched": unmatched,
        "unmatched_by_reason": dict(Counter(_reason_kind(item["reason"]) for item in unmatched)),
        "mean_score": round(float(values.mean()), 1) if values.size else None,
        "lowest_score": round(float(values.min()), 1) if values.size else None,
        "total_score": round(float(values.sum()), 1),
        "load_histogram": {str(load): count for load, count in histogram.items()},
        "blocking_pairs": int(blocking),
        "edited": False,
    }


def _why_unmatched(row: FloatMatrix, why: str, min_tenths: float, n_mentors: int) -> str:
    if n_mentors == 0:
        return NO_PLACES
    best = float(row.max())
    if best == -np.inf:
        return EXCLUDED_BY_FILTERS
    if why == NO_ACCEPTABLE_MENTOR:
        return f"No mentor scores the minimum of {min_tenths / 10:.1f}; the best scores {best / 10:.1f}"
    if why == ALL_MENTORS_FULL:
        count = int((row >= min_tenths).sum())
        if count == 1:
            return f"The one mentor scoring at least {min_tenths / 10:.1f} was full with better-placed mentees"
        return f"All {count} mentors scoring at least {min_tenths / 10:.1f} were full with better-placed mentees"
    return "Not placed although an acceptable mentor has room: assign by hand"


def _reason_kind(reason: str) -> str:
    for prefix, kind in (
        ("No mentor scores", "below minimum score"),
        ("All ", "acceptable mentors full"),
        ("The one mentor", "acceptable mentors full"),
        (EXCLUDED_BY_FILTERS, "excluded by must-haves"),
        (NO_PLACES, "no free places"),
        (REMOVED, "removed by a coordinator"),
    ):
        if reason.startswith(prefix):
            return kind
    return "other"


def coordinator_reasons(match: Match | None, mentee: MenteeFeatures, mentor: MentorFeatures) -> list[str]:
    """The top reasons in the mentee's wording, minus what they would reveal about the mentee.

    The mentee wording names a *mentor's* attribute only if it is shown to everyone, but it
    names the mentee's own gender, race or group freely (the mentee knows them). A
    coordinator may read those only where the mentee shows them to coordinators.
    """
    if match is None:
        return []
    texts: list[str] = []
    for reason in match.reasons:
        text = reason.text
        attribute = _mentee_attribute_named(reason.code, mentee, mentor)
        if attribute and mentee.background.visibility.get(attribute) not in COORDINATOR_VISIBLE:
            text = GENERIC[reason.component]
        if text not in texts:
            texts.append(text)
    return texts[:REASONS_KEPT]


def _mentee_attribute_named(code: str, mentee: MenteeFeatures, mentor: MentorFeatures) -> str | None:
    if code in ("comfort.gender_identity", "comfort.race_ethnicity"):
        return code.removeprefix("comfort.")
    if code == "mentor_preference.group":
        shared = mentee.background.groups() & mentor.preferred_groups
        group = next(g for g in PREFERENCE_GROUPS if g in shared)
        return "gender_identity" if group == "women" else group
    return None


# --- Edit -------------------------------------------------------------------------------


def _editable(run: CohortRun, by: User) -> CohortRun:
    require_coordinator(by, to="edit cohort matches")
    locked = CohortRun.objects.select_for_update(of=("self",)).select_related("program").get(pk=run.pk)
    if locked.status != Status.PROPOSED:
        raise RuleBroken("not_editable", f"This run is {locked.get_status_display().lower()}; it can't be edited.")
    return locked


def pair_match(run: CohortRun, mentee_id: int, mentor_id: int) -> tuple[Match | None, MenteeFeatures, MentorFeatures]:
    """A fresh score, with reasons, of one pair under the run's program weights."""
    off = engine.matching_off(run.program)
    mentee = engine.features_of_mentee(User.objects.get(pk=mentee_id), viewer="coordinator", off=off)
    mentor = engine.features_of_mentor(User.objects.get(pk=mentor_id), viewer="coordinator", off=off)
    space = engine.specialty_space()
    weights = engine.program_weights(run.program)
    match = score_pair(mentee, mentor, weights, space, reason_for=space.reason_for, audience="mentee")
    return match, mentee, mentor


def _scored(run: CohortRun, mentee_id: int, mentor_id: int) -> tuple[float, list[str]]:
    match, mentee, mentor = pair_match(run, mentee_id, mentor_id)
    if match is None:
        raise RuleBroken(
            "excluded",
            "This pair is ruled out by a must-have preference, the kind of mentorship, "
            "or the near-peer rule (students and residents mentor premed students only).",
        )
    if match.score < run.min_score:
        raise RuleBroken(
            "below_min_score", f"This pair scores {match.score:.1f}, below the run's minimum of {run.min_score:.1f}."
        )
    return match.score, coordinator_reasons(match, mentee, mentor)


@transaction.atomic
def remove_pair(*, run: CohortRun, pair_id: int, by: User) -> CohortRun:
    run = _editable(run, by)
    pair = CohortPair.objects.filter(run=run, pk=pair_id).first()
    if pair is None:
        raise RuleBroken("no_pair", "That pair is no longer in this proposal.")
    pair.delete()
    _set_unmatched(run, pair.mentee_id, REMOVED)
    return _refresh(run)


@transaction.atomic
def swap_pairs(*, run: CohortRun, first_id: int, second_id: int, by: User) -> CohortRun:
    """Give each of two pairs the other's mentor, rescored; loads stay as they were."""
    run = _editable(run, by)
    pairs = {p.pk: p for p in CohortPair.objects.select_for_update().filter(run=run, pk__in=[first_id, second_id])}
    if first_id == second_id or len(pairs) != 2:
        raise RuleBroken("pick_two", "Choose two different pairs of this proposal to swap.")
    first, second = pairs[first_id], pairs[second_id]
    if first.mentor_id == second.mentor_id:
        raise RuleBroken("same_mentor", "Both pairs have the same mentor: swapping changes nothing.")
    first.score, first.reasons = _scored(run, first.mentee_id, second.mentor_id)
    second.score, second.reasons = _scored(run, second.mentee_id, first.mentor_id)
    first.mentor_id, second.mentor_id = second.mentor_id, first.mentor_id
    first.edited = second.edited = True
    CohortPair.objects.bulk_update([first, second], ["mentor", "score", "reasons", "edited"])
    return _refresh(run)


@transaction.atomic
def reassign(*, run: CohortRun, mentee_id: int, mentor_id: int, by: User) -> CohortRun:
    """Pair a mentee of the run (matched or not) with a mentor who still has a place."""
    run = _editable(run, by)
    current = CohortPair.objects.select_for_update().filter(run=run, mentee_id=mentee_id).first()
    in_run = current is not None or any(item["mentee"] == mentee_id for item in run.report.get("unmatched", []))
    if not in_run:
        raise RuleBroken("not_in_run", "This mentee is not part of this cohort run.")
    if current is not None and current.mentor_id == mentor_id:
        raise RuleBroken("same_mentor", "This mentee already has that mentor.")
    profile = chosen_mentors(run).filter(user_id=mentor_id).first()
    if profile is None:
        raise RuleBroken("not_in_pool", "That mentor is not among this run's mentors.")
    taken = CohortPair.objects.filter(run=run, mentor_id=mentor_id).count()
    if taken >= profile.free_places(max_load=run.max_load):
        raise RuleBroken("mentor_full", "That mentor has no place left under their capacity and the run's load cap.")
    score, reasons = _scored(run, mentee_id, mentor_id)
    CohortPair.objects.update_or_create(
        run=run,
        mentee_id=mentee_id,
        defaults={"mentor_id": mentor_id, "score": score, "reasons": reasons, "edited": True},
    )
    _set_unmatched(run, mentee_id, None)
    return _refresh(run)


def _set_unmatched(run: CohortRun, mentee_id: int, reason: str | None) -> None:
    unmatched = [item for item in run.report.get("unmatched", []) if item["mentee"] != mentee_id]
    if reason is not None:
        unmatched.insert(0, {"mentee": mentee_id, "reason": reason})
    run.report["unmatched"] = unmatched


def _refresh(run: CohortRun) -> CohortRun:
    """Recount the report's figures from the pairs after an edit.

    Blocking pairs are not recounted (that needs the whole matrix): the report keeps the
    proposal's figure and says the proposal was edited.
    """
    scores = list(CohortPair.objects.filter(run=run).values_list("score", flat=True))
    loads = Counter(CohortPair.objects.filter(run=run).values_list("mentor_id", flat=True))
    histogram = Counter(loads.values())
    histogram[0] = max(0, int(run.report.get("mentors", 0)) - len(loads))
    report = run.report
    report.update(
        matched=len(scores),
        mean_score=round(sum(scores) / len(scores), 1) if scores else None,
        lowest_score=round(min(scores), 1) if scores else None,
        total_score=round(sum(scores), 1),
        load_histogram={str(load): count for load, count in sorted(histogram.items()) if count},
        unmatched_by_reason=dict(Counter(_reason_kind(item["reason"]) for item in report.get("unmatched", []))),
        edited=True,
    )
    run.save(update_fields=["report"])
    return run


# --- Publish or discard ------------------------------------------------------------------


def publishes_mentorships(program: Program) -> bool:
    """Coordinators may match in this program: publishing is their approval, so pairs go live.

    A program where only mentees request gets offers instead: a request per pair, sent on
    the mentee's behalf, which the mentor accepts or declines as usual (and a coordinator
    approves afterwards if the program requires it).
    """
    return program.request_mode != Program.RequestMode.MENTEE


CREATED = "created"
PUBLISH_BATCH = 200  # pairs per transaction: a lost worker loses at most one batch, which is redone


def publish(*, run: CohortRun, by: User) -> CohortRun:
    """Publish the whole proposal here and now (scripts, tests, eager mode); see ``start_publishing``."""
    start_publishing(run=run, by=by)
    publish_batches(run.pk)
    return CohortRun.objects.select_related("program").get(pk=run.pk)


@transaction.atomic
def start_publishing(*, run: CohortRun, by: User) -> CohortRun:
    """Mark the proposal as publishing, once, however often it is clicked; the batches follow.

    The run's row lock makes a second click wait and then find the run publishing or
    published, which it returns unchanged.
    """
    require_coordinator(by, to="publish cohort matches")
    run = CohortRun.objects.select_for_update(of=("self",)).select_related("program").get(pk=run.pk)
    if run.status in (Status.PUBLISHING, Status.PUBLISHED):
        return run
    if run.status != Status.PROPOSED:
        raise RuleBroken("not_publishable", f"This run is {run.get_status_display().lower()}; it can't be published.")
    run.status = Status.PUBLISHING
    run.published_by = by
    run.progress = 0
    run.progress_message = f"Publishing {run.pairs.count():,} pairs"
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "published_by", "progress", "progress_message", "heartbeat_at"])
    return run


def publish_batches(run_id: int, *, size: int = PUBLISH_BATCH, seconds: float = math.inf, pause: float = 0.0) -> bool:
    """Publish batches of a publishing run until it is done (True) or ``seconds`` have passed (False).

    ``pause`` (seconds after each batch) exists for the worker-kill test only.
    """
    deadline = time.monotonic() + seconds
    while publish_batch(run_id, size=size):
        if time.monotonic() >= deadline:
            return False
        if pause:
            time.sleep(pause)
    return True


@transaction.atomic
def publish_batch(run_id: int, *, size: int = PUBLISH_BATCH) -> bool:
    """Publish the next ``size`` unpublished pairs in one transaction; False when nothing is left.

    Each pair is marked published in the same transaction that created its mentorship (or
    request) and notifications, so a worker that dies mid-batch leaves the batch as it was,
    and whoever takes it next (the redelivered task, the resume sweep) publishes each pair
    once. The run's row lock keeps two workers from taking batches at the same time. Each
    pair goes through the services' locked path in its own savepoint: a pair that broke a
    rule meanwhile (the mentor filled up, the mentee found a match) is skipped and reported.
    """
    run = CohortRun.objects.select_for_update(of=("self",)).select_related("program").get(pk=run_id)
    if run.status != Status.PUBLISHING:
        return False
    by = run.published_by or run.created_by
    assert by is not None, "a publishing run knows who published it"
    batch = list(run.pairs.filter(published_at__isnull=True).select_related("mentee", "mentor").order_by("pk")[:size])
    if not batch:
        _finish_publishing(run, by)
        return False
    live = publishes_mentorships(run.program)
    now = timezone.now()
    for pair in batch:
        try:
            with transaction.atomic():
                (_go_live if live else _offer)(run, pair, by)
        except RuleBroken as broken:
            pair.outcome = broken.message[:200]
        else:
            pair.outcome = CREATED
        pair.published_at = now
    CohortPair.objects.bulk_update(batch, ["published_at", "outcome"])
    done, total = run.pairs.filter(published_at__isnull=False).count(), run.pairs.count()
    run.progress = min(99, 100 * done // max(1, total))
    run.progress_message = f"Published {done:,} of {total:,} pairs"
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["progress", "progress_message", "heartbeat_at"])
    return True


def _finish_publishing(run: CohortRun, by: User) -> None:
    live = publishes_mentorships(run.program)
    created = run.pairs.filter(outcome=CREATED).count()
    skipped = [
        {"mentee": mentee, "mentor": mentor, "reason": reason}
        for mentee, mentor, reason in run.pairs.exclude(outcome=CREATED)
        .order_by("pk")
        .values_list("mentee_id", "mentor_id", "outcome")
    ]
    run.status = Status.PUBLISHED
    run.published_at = timezone.now()
    run.progress = 100
    run.progress_message = f"Published: {created:,} created, {len(skipped):,} skipped"
    run.report["published"] = {"as": "mentorships" if live else "requests", "created": created, "skipped": skipped}
    run.save(update_fields=["status", "published_at", "progress", "progress_message", "report"])
    AuditEvent.record(
        actor=by,
        action=AuditEvent.Action.COHORT_PUBLISHED,
        target=f"cohort run #{run.pk}",
        created=created,
        skipped=len(skipped),
        published_as="mentorships" if live else "requests",
    )


def _message(run: CohortRun, by: User) -> str:
    return f"Matched by {by.display_name} (program coordinator) in cohort match #{run.pk}."


def _go_live(run: CohortRun, pair: CohortPair, by: User) -> None:
    profile = MentorProfile.objects.select_for_update().get(user_id=pair.mentor_id)
    if profile.free_places(max_load=run.max_load) <= 0:
        raise RuleBroken("mentor_full", "The mentor has no place left under their capacity and the run's load cap.")
    if (run.mentee_filter or {}).get("unmatched_only") and (
        Mentorship.objects.active().filter(mentee_id=pair.mentee_id).exists()
        or MentorshipRequest.objects.filter(mentee_id=pair.mentee_id, status=MentorshipRequest.Status.ACCEPTED).exists()
    ):
        raise RuleBroken("already_matched", "The mentee was matched meanwhile.")
    if Mentorship.objects.active().filter(mentee_id=pair.mentee_id, mentor_id=pair.mentor_id).exists():
        raise RuleBroken("already_matched", "These two are already in an active mentorship.")
    # An open request between the two becomes the match; otherwise one records the decision.
    request = MentorshipRequest.objects.open().filter(mentee_id=pair.mentee_id, mentor_id=pair.mentor_id).first()
    if request is None:
        now = timezone.now()
        request = MentorshipRequest.objects.create(
            program=run.program,
            mentee_id=pair.mentee_id,
            mentor_id=pair.mentor_id,
            kind=_kind_for(pair.mentee_id),
            message=_message(run, by),
            score=pair.score,
            cohort_run=run,
            created_at=now,
            expires_at=now + datetime.timedelta(days=run.program.request_expiry_days),
        )
    else:
        request.cohort_run = run
        request.save(update_fields=["cohort_run"])
    # The one path that creates a mentorship: locks the mentor, rechecks capacity, introduces both.
    start_mentorship(request=request, by=by)


def _offer(run: CohortRun, pair: CohortPair, by: User) -> None:
    request = services.create_request(
        mentee=pair.mentee,
        mentor=pair.mentor,
        kind=_kind_for(pair.mentee_id),
        message=_message(run, by),
        program=run.program,
        score=pair.score,
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(cohort_run=run)


def _kind_for(mentee_id: int) -> str:
    kinds = MenteeProfile.objects.filter(user_id=mentee_id).values_list("kinds", flat=True).first() or []
    return Kind.SHORT_TERM if list(kinds) == [Kind.SHORT_TERM] else Kind.LONG_TERM


@transaction.atomic
def discard(*, run: CohortRun, by: User) -> CohortRun:
    run = CohortRun.objects.select_for_update().get(pk=run.pk)
    if run.status == Status.DISCARDED:
        return run
    if run.status not in (Status.PROPOSED, Status.FAILED, Status.QUEUED, Status.RUNNING):
        raise RuleBroken("not_discardable", f"This run is {run.get_status_display().lower()}; it can't be discarded.")
    run.status = Status.DISCARDED
    run.save(update_fields=["status"])
    run.pairs.all().delete()
    return run
