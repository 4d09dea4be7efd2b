"""Mentee-proposing deferred acceptance on a dense score matrix, vectorised with NumPy.

Private to :mod:`matching.algorithms.assignment`, which re-exports :func:`stable_match_arrays`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]

# Columns sampled per mentee row to pick the score threshold of its next proposal block.
_SAMPLE_COLUMNS = 256
# Mentors in a mentee's first block (about); each refill asks for this many times more.
_FIRST_BLOCK = 16
_BLOCK_GROWTH = 4
_REFILL_ROWS = 1024


class _ProposalQueues:
    """Each mentee's mentors in preference order, produced lazily in blocks.

    A full argsort of every row is the slow part of deferred acceptance on large
    instances, yet most mentees propose only to their first few mentors. So each mentee
    takes its mentors in score bands: a block holds every acceptable mentor scoring in
    ``[threshold, upper)``, sorted by score descending, then mentor index. A band never
    splits a tie, so the concatenated blocks are exactly the preference list. Thresholds
    come from a column sample, aiming at a block of ``want`` mentors that grows each time.
    """

    def __init__(self, scores: NDArray[np.floating], min_score: float) -> None:
        self.scores = scores
        self.min_score = min_score
        n_mentees, n_mentors = scores.shape
        self.sample_cols = np.unique(np.linspace(0, n_mentors - 1, min(n_mentors, _SAMPLE_COLUMNS)).astype(np.intp))
        self.upper = np.full(n_mentees, np.inf)
        self.started = np.zeros(n_mentees, dtype=bool)  # upper is meaningful only after block 1
        self.want = np.full(n_mentees, _FIRST_BLOCK, dtype=np.int64)
        self.pos = np.zeros(n_mentees, dtype=np.int64)
        self.end = np.zeros(n_mentees, dtype=np.int64)
        self.exhausted = np.zeros(n_mentees, dtype=bool)
        self.buffer = np.empty(max(1024, 32 * n_mentees), dtype=np.int64)
        self.used = 0

    def next_mentors(self, mentees: IntArray) -> tuple[IntArray, IntArray]:
        """Pop each mentee's next mentor; returns (mentees still proposing, their mentors)."""
        empty = mentees[self.pos[mentees] == self.end[mentees]]
        while empty.size:
            self._refill(empty)
            empty = empty[(self.pos[empty] == self.end[empty]) & ~self.exhausted[empty]]
        mentees = mentees[~self.exhausted[mentees]]
        mentors = self.buffer[self.pos[mentees]]
        self.pos[mentees] += 1
        return mentees, mentors

    def _refill(self, mentees: IntArray) -> None:
        for start in range(0, mentees.size, _REFILL_ROWS):
            chunk = mentees[start : start + _REFILL_ROWS]
            contiguous = chunk[-1] - chunk[0] == chunk.size - 1 and bool((np.diff(chunk) == 1).all())
            rows = self.scores[chunk[0] : chunk[-1] + 1] if contiguous else self.scores[chunk]
            self._refill_rows(chunk, rows)

    def _refill_rows(self, mentees: IntArray, rows: NDArray[np.floating]) -> None:
        upper = self.upper[mentees]
        started = self.started[mentees]
        threshold = self._thresholds(rows, upper, started, self.want[mentees])
        in_band = rows >= threshold[:, None]
        if started.any():
            in_band &= (rows < upper[:, None]) | ~started[:, None]
        row_pos, cols = np.nonzero(in_band)
        values = rows[row_pos, cols]
        order = np.lexsort((cols, -values, row_pos))
        counts = np.bincount(row_pos, minlength=mentees.size)
        start = self._append(cols[order])
        self.pos[mentees] = start + np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.end[mentees] = self.pos[mentees] + counts
        self.upper[mentees] = threshold
        self.started[mentees] = True
        self.want[mentees] *= _BLOCK_GROWTH
        # A band reaching down to min_score takes everything left, so an empty one means done.
        self.exhausted[mentees] = counts == 0

    def _thresholds(
        self, rows: NDArray[np.floating], upper: NDArray[np.float64], started: NDArray[np.bool_], want: IntArray
    ) -> NDArray[np.float64]:
        """Per row, a sampled score with about ``want`` acceptable mentors in [it, upper)."""
        sample = rows[:, self.sample_cols].astype(np.float64)
        remaining = ((sample < upper[:, None]) | ~started[:, None]) & (sample >= self.min_score)
        ordered = np.sort(np.where(remaining, sample, -np.inf), axis=1)[:, ::-1]
        left = remaining.sum(axis=1)
        rank = np.ceil(want * self.sample_cols.size / rows.shape[1]).astype(np.int64)
        # Too few sampled mentors left: take every remaining one (the band ends at min_score).
        take_all = rank > left
        threshold = ordered[np.arange(rows.shape[0]), np.clip(rank, 1, ordered.shape[1]) - 1]
        return np.where(take_all, self.min_score, threshold)

    def _append(self, values: IntArray) -> int:
        needed = self.used + values.size
        if needed > self.buffer.size:
            grown = np.empty(max(needed, 2 * self.buffer.size), dtype=np.int64)
            grown[: self.used] = self.buffer[: self.used]
            self.buffer = grown
        start = self.used
        self.buffer[start:needed] = values
        self.used = needed
        return start


def stable_match_arrays(
    scores: ArrayLike,
    capacities: ArrayLike,
    *,
    mentor_scores: ArrayLike | None = None,
    min_score: float = -np.inf,
) -> IntArray:
    """Mentee-optimal stable matching with preferences derived from a score matrix.

    Mentee ``i`` ranks mentor ``j`` by ``scores[i, j]`` descending, ties to the lower
    mentor index; mentor ``j`` ranks mentee ``i`` by ``mentor_scores[i, j]`` (default:
    ``scores``) descending, ties to the lower mentee index. A pair is acceptable to both
    when ``scores[i, j] >= min_score`` (so NaN never is). Returns the mentor index per
    mentee, -1 when unmatched: the same matching as :func:`stable_match` on those lists.

    Proposals are made in rounds: every free mentee proposes at once and each mentor keeps
    its best ``capacity`` among its holders and proposers. The mentee-optimal stable
    matching does not depend on the order of proposals, so this equals the sequential run.
    """
    mentee_view = np.asarray(scores)
    mentor_view = mentee_view if mentor_scores is None else np.asarray(mentor_scores)
    if mentee_view.ndim != 2 or mentor_view.shape != mentee_view.shape:
        raise ValueError("scores and mentor_scores must be 2-D (mentees x mentors) of one shape")
    n_mentees, n_mentors = mentee_view.shape
    slots = np.asarray(capacities, dtype=np.int64).ravel()
    if slots.size != n_mentors or (slots < 0).any():
        raise ValueError("capacities must be one non-negative integer per mentor")
    if n_mentees == 0 or n_mentors == 0:
        return np.full(n_mentees, -1, dtype=np.int64)

    queues = _ProposalQueues(mentee_view, min_score)
    unmatched = n_mentors  # sentinel, so ``assigned`` can index a mask with one spare slot
    assigned = np.full(n_mentees, unmatched, dtype=np.int64)
    touched = np.zeros(n_mentors + 1, dtype=bool)
    free = np.arange(n_mentees, dtype=np.int64)
    while free.size:
        free, targets = queues.next_mentors(free)
        if free.size == 0:
            break
        touched[targets] = True
        holders = np.flatnonzero(touched[assigned])
        touched[targets] = False
        pool = np.concatenate([holders, free])
        mentor = np.concatenate([assigned[holders], targets])
        order = np.lexsort((pool, -mentor_view[pool, mentor], mentor))
        pool, mentor = pool[order], mentor[order]
        seat = np.arange(mentor.size) - np.searchsorted(mentor, mentor, side="left")
        kept = seat < slots[mentor]
        assigned[pool[kept]] = mentor[kept]
        free = pool[~kept]
        assigned[free] = unmatched
    return np.where(assigned == unmatched, -1, assigned)
