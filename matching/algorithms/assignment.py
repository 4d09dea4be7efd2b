"""Cohort matching: stable (deferred acceptance) and optimal (max cardinality, max score).

Pure functions: plain values or NumPy arrays in, assignments and reports out. No ORM, no
settings. Two layers:

- ``stable_match`` / ``optimal_match`` / ``match_report`` take any hashable ids, for
  coordinator-sized cohorts and as the readable reference;
- ``stable_match_arrays``, ``optimal_match_arrays``, ``optimal_match_top_k`` and
  ``candidate_edges`` work on index arrays for large cohorts (see ``bench/cohort.py``).
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from matching.algorithms.flow import (
    Candidates,
    ScoreRows,
    candidate_edges,
    mentor_slots,
    optimal_match_arrays,
    optimal_match_top_k,
    solve_assignment,
)
from matching.algorithms.stable import stable_match_arrays

__all__ = [
    "ALL_MENTORS_FULL",
    "NOT_REACHED",
    "NO_ACCEPTABLE_MENTOR",
    "Candidates",
    "MatchReport",
    "ScoreRows",
    "candidate_edges",
    "match_report",
    "match_report_arrays",
    "optimal_match",
    "optimal_match_arrays",
    "optimal_match_top_k",
    "stable_match",
    "stable_match_arrays",
]

H = TypeVar("H", bound=Hashable)  # a mentee id
K = TypeVar("K", bound=Hashable)  # a mentor id

NO_ACCEPTABLE_MENTOR = "no acceptable mentor above the minimum score"
ALL_MENTORS_FULL = "all acceptable mentors were full"
NOT_REACHED = "not reached: an acceptable mentor still had room"


def _checked_capacity(capacities: Mapping[K, int], mentor: K) -> int:
    capacity = capacities.get(mentor, 0)
    if capacity < 0:
        raise ValueError(f"capacity of {mentor!r} is negative")
    return capacity


def stable_match(
    mentee_prefs: Mapping[H, Sequence[K]],
    mentor_prefs: Mapping[K, Sequence[H]],
    capacities: Mapping[K, int],
) -> dict[H, K]:
    """Mentee-optimal stable matching by mentee-proposing deferred acceptance.

    Preferences list acceptable partners, best first; a pair counts only if each lists
    the other, and only a partner's first listing counts. A mentor missing from
    ``capacities`` takes nobody. Returns matched mentee -> mentor. Every mentee weakly
    prefers this matching to any other stable one, whatever order proposals are made in.
    """
    rank = {mentor: _first_ranks(prefs) for mentor, prefs in mentor_prefs.items()}
    lists = {
        mentee: [k for k in dict.fromkeys(prefs) if mentee in rank.get(k, {})] for mentee, prefs in mentee_prefs.items()
    }
    # Per mentor a heap of (-rank, mentee): its root is the mentor's worst current holder.
    held: dict[K, list[tuple[int, H]]] = {}
    next_choice = dict.fromkeys(lists, 0)
    free = deque(lists)
    while free:
        mentee = free.popleft()
        choices = lists[mentee]
        while next_choice[mentee] < len(choices):
            mentor = choices[next_choice[mentee]]
            next_choice[mentee] += 1
            heap = held.setdefault(mentor, [])
            entry = (-rank[mentor][mentee], mentee)
            if len(heap) < _checked_capacity(capacities, mentor):
                heapq.heappush(heap, entry)
                break
            if heap and entry[0] > heap[0][0]:
                _, rejected = heapq.heapreplace(heap, entry)
                free.append(rejected)
                break
    return {mentee: mentor for mentor, heap in held.items() for _, mentee in heap}


def _first_ranks(prefs: Sequence[H]) -> dict[H, int]:
    ranks: dict[H, int] = {}
    for position, partner in enumerate(prefs):
        ranks.setdefault(partner, position)
    return ranks


def optimal_match(
    scores: Mapping[tuple[H, K], float],
    capacities: Mapping[K, int],
    *,
    min_score: float = 0.0,
    max_load: int | None = None,
) -> dict[H, K]:
    """Match as many mentees as possible, then maximise the total score.

    Only pairs scoring at least ``min_score`` may be matched; no mentor takes more than
    its capacity, nor more than ``max_load`` when given (to spread popular mentors' load).
    Solved exactly by min-cost flow; ties between optimal matchings are broken arbitrarily.
    """
    mentors = list(capacities)
    mentor_index = {mentor: index for index, mentor in enumerate(mentors)}
    slots = mentor_slots([_checked_capacity(capacities, mentor) for mentor in mentors], max_load)
    mentees = list(dict.fromkeys(mentee for mentee, _ in scores))
    mentee_index = {mentee: index for index, mentee in enumerate(mentees)}
    pairs = [(pair, score) for pair, score in scores.items() if score >= min_score and pair[1] in mentor_index]
    edges = Candidates(
        np.array([mentee_index[mentee] for (mentee, _), _ in pairs], dtype=np.int64),
        np.array([mentor_index[mentor] for (_, mentor), _ in pairs], dtype=np.int64),
        np.array([score for _, score in pairs], dtype=np.float64),
    )
    assignment = solve_assignment(edges, slots, len(mentees))
    return {mentees[i]: mentors[j] for i, j in enumerate(assignment.tolist()) if j >= 0}


@dataclass(frozen=True)
class MatchReport(Generic[H]):
    """What a coordinator needs to judge one matching run."""

    matched: int
    unmatched: dict[H, str]  # mentee -> why it has no mentor
    total_score: float | None
    mean_score: float | None
    min_score: float | None
    load_histogram: dict[int, int]  # mentees held -> how many mentors hold that many
    blocking_pairs: int  # pairs who would both rather be together: 0 means stable
    reasons: Counter[str] = field(default_factory=Counter)  # how many unmatched per reason


def match_report(
    assignment: Mapping[H, K],
    capacities: Mapping[K, int],
    *,
    scores: Mapping[tuple[H, K], float] | None = None,
    mentee_prefs: Mapping[H, Sequence[K]] | None = None,
    mentor_prefs: Mapping[K, Sequence[H]] | None = None,
    min_score: float = 0.0,
    mentees: Iterable[H] = (),
) -> MatchReport[H]:
    """Report on a matching, judged by preference lists if given, else by scores.

    With ``mentee_prefs`` and ``mentor_prefs``, acceptability and blocking pairs follow the
    lists, as in :func:`stable_match`. Otherwise both sides prefer higher ``scores``
    (strictly: a tie does not block) and a pair is acceptable if it scores at least
    ``min_score``. The cohort is ``mentees`` plus everyone named in the inputs.
    """
    if mentee_prefs is not None and mentor_prefs is not None:
        prefers = _preferences_from_lists(mentee_prefs, mentor_prefs)
    elif scores is not None:
        prefers = _preferences_from_scores(scores, min_score)
    else:
        raise ValueError("match_report needs preference lists or scores")
    cohort = list(
        dict.fromkeys([*mentees, *(mentee_prefs or {}), *(mentee for mentee, _ in scores or {}), *assignment])
    )
    holders: dict[K, list[H]] = {mentor: [] for mentor in capacities}
    for mentee, mentor in assignment.items():
        holders.setdefault(mentor, []).append(mentee)

    def has_room(mentor: K) -> bool:
        return len(holders.get(mentor, [])) < capacities.get(mentor, 0)

    def mentor_wants(mentor: K, mentee: H) -> bool:
        return has_room(mentor) or any(prefers.mentor(mentor, mentee, other) for other in holders.get(mentor, []))

    blocking = 0
    unmatched: dict[H, str] = {}
    for mentee in cohort:
        current = assignment.get(mentee)
        acceptable = prefers.acceptable(mentee)
        better = acceptable if current is None else [k for k in acceptable if prefers.mentee(mentee, k, current)]
        blocking += sum(1 for mentor in better if mentor_wants(mentor, mentee))
        if current is None:
            unmatched[mentee] = _unmatched_reason(acceptable, has_room)
    matched_scores = [scores[pair] for pair in assignment.items() if pair in scores] if scores else []
    return MatchReport(
        matched=len(assignment),
        unmatched=unmatched,
        total_score=float(sum(matched_scores)) if scores else None,
        mean_score=float(np.mean(matched_scores)) if matched_scores else None,
        min_score=float(min(matched_scores)) if matched_scores else None,
        load_histogram=dict(sorted(Counter(len(group) for group in holders.values()).items())),
        blocking_pairs=blocking,
        reasons=Counter(unmatched.values()),
    )


def _unmatched_reason(acceptable: Sequence[K], has_room: Callable[[K], bool]) -> str:
    if not acceptable:
        return NO_ACCEPTABLE_MENTOR
    return NOT_REACHED if any(has_room(mentor) for mentor in acceptable) else ALL_MENTORS_FULL


@dataclass(frozen=True)
class _Preferences(Generic[H, K]):
    """Who finds whom acceptable, and strict preference between two partners."""

    acceptable_mentors: dict[H, list[K]]
    mentee_score: Mapping[tuple[H, K], float]  # higher is better
    mentor_score: Mapping[tuple[H, K], float]

    def acceptable(self, mentee: H) -> list[K]:
        return self.acceptable_mentors.get(mentee, [])

    def mentee(self, mentee: H, mentor: K, over: K) -> bool:
        return self.mentee_score[mentee, mentor] > self.mentee_score.get((mentee, over), -np.inf)

    def mentor(self, mentor: K, mentee: H, over: H) -> bool:
        return self.mentor_score[mentee, mentor] > self.mentor_score.get((over, mentor), -np.inf)


def _preferences_from_lists(
    mentee_prefs: Mapping[H, Sequence[K]], mentor_prefs: Mapping[K, Sequence[H]]
) -> _Preferences[H, K]:
    # A rank becomes a score (earlier is higher), so lists and scores share one code path.
    mentor_rank = {mentor: _first_ranks(prefs) for mentor, prefs in mentor_prefs.items()}
    mentee_score: dict[tuple[H, K], float] = {}
    mentor_score: dict[tuple[H, K], float] = {}
    acceptable: dict[H, list[K]] = {}
    for mentee, prefs in mentee_prefs.items():
        for mentor, position in _first_ranks(prefs).items():
            if mentee in mentor_rank.get(mentor, {}):
                acceptable.setdefault(mentee, []).append(mentor)
                mentee_score[mentee, mentor] = -position
                mentor_score[mentee, mentor] = -mentor_rank[mentor][mentee]
    return _Preferences(acceptable, mentee_score, mentor_score)


def _preferences_from_scores(scores: Mapping[tuple[H, K], float], min_score: float) -> _Preferences[H, K]:
    acceptable: dict[H, list[K]] = {}
    for (mentee, mentor), score in scores.items():
        if score >= min_score:
            acceptable.setdefault(mentee, []).append(mentor)
    return _Preferences(acceptable, scores, scores)


def match_report_arrays(
    assignment: ArrayLike,
    scores: ArrayLike,
    capacities: ArrayLike,
    *,
    mentor_scores: ArrayLike | None = None,
    min_score: float = -np.inf,
    block_rows: int = 1024,
) -> MatchReport[int]:
    """:func:`match_report` for index arrays and a dense score matrix.

    Preferences are those of :func:`stable_match_arrays` (scores descending, ties to the
    lower index), so a stable result has 0 blocking pairs. Scanned in row blocks.
    """
    mentor_of = np.asarray(assignment, dtype=np.int64).ravel()
    mentee_view = np.asarray(scores)
    mentor_view = mentee_view if mentor_scores is None else np.asarray(mentor_scores)
    slots = np.asarray(capacities, dtype=np.int64).ravel()
    n_mentees, n_mentors = mentee_view.shape
    matched = np.flatnonzero(mentor_of >= 0)
    load = np.bincount(mentor_of[matched], minlength=n_mentors)
    room = load < slots
    worst = _worst_holders(mentor_of, mentor_view, n_mentors)
    blocking = 0
    unmatched: dict[int, str] = {}
    for start in range(0, n_mentees, block_rows):
        rows = np.arange(start, min(start + block_rows, n_mentees))
        block_blocking, reasons = _scan_block(rows, mentor_of, mentee_view, mentor_view, room, worst, min_score)
        blocking += block_blocking
        unmatched.update(reasons)
    values = mentee_view[matched, mentor_of[matched]].astype(np.float64)
    return MatchReport(
        matched=int(matched.size),
        unmatched=unmatched,
        total_score=float(values.sum()),
        mean_score=float(values.mean()) if values.size else None,
        min_score=float(values.min()) if values.size else None,
        load_histogram={int(k): int(v) for k, v in sorted(Counter(load.tolist()).items())},
        blocking_pairs=blocking,
        reasons=Counter(unmatched.values()),
    )


def _worst_holders(mentor_of: np.ndarray, mentor_view: np.ndarray, n_mentors: int) -> tuple[np.ndarray, np.ndarray]:
    """Per mentor, the score and index of the holder it likes least (-inf, -1 if none)."""
    matched = np.flatnonzero(mentor_of >= 0)
    mentors = mentor_of[matched]
    values = mentor_view[matched, mentors].astype(np.float64)
    # Worst = lowest score, then highest index: first of each mentor's group in this order.
    order = np.lexsort((-matched, values, mentors))
    firsts = np.unique(mentors[order], return_index=True)[1]
    worst_score = np.full(n_mentors, -np.inf)
    worst_mentee = np.full(n_mentors, -1, dtype=np.int64)
    worst_score[mentors[order][firsts]] = values[order][firsts]
    worst_mentee[mentors[order][firsts]] = matched[order][firsts]
    return worst_score, worst_mentee


def _scan_block(
    rows: np.ndarray,
    mentor_of: np.ndarray,
    mentee_view: np.ndarray,
    mentor_view: np.ndarray,
    room: np.ndarray,
    worst: tuple[np.ndarray, np.ndarray],
    min_score: float,
) -> tuple[int, dict[int, str]]:
    block = mentee_view[rows].astype(np.float64)
    acceptable = block >= min_score
    current = mentor_of[rows]
    has_mentor = current >= 0
    cols = np.arange(block.shape[1])
    current_score = np.full(rows.size, -np.inf)
    current_score[has_mentor] = block[has_mentor, current[has_mentor]]
    prefers_mentor = (block > current_score[:, None]) | (
        (block == current_score[:, None]) & (cols[None, :] < current[:, None])
    )
    prefers_mentor &= ~has_mentor[:, None] | (cols[None, :] != current[:, None])
    mentor_block = mentor_view[rows].astype(np.float64)
    worst_score, worst_mentee = worst
    mentor_prefers = (mentor_block > worst_score[None, :]) | (
        (mentor_block == worst_score[None, :]) & (rows[:, None] < worst_mentee[None, :])
    )
    mentor_prefers &= worst_mentee[None, :] >= 0  # a mentor holding nobody has no one to swap out
    blocking = acceptable & np.where(has_mentor[:, None], prefers_mentor, True) & (room[None, :] | mentor_prefers)
    reasons: dict[int, str] = {}
    for position in np.flatnonzero(~has_mentor).tolist():
        options = acceptable[position]
        if not options.any():
            reasons[int(rows[position])] = NO_ACCEPTABLE_MENTOR
        else:
            reasons[int(rows[position])] = NOT_REACHED if (options & room).any() else ALL_MENTORS_FULL
    return int(blocking.sum()), reasons
