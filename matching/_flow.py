"""Optimal cohort matching on index arrays: min-cost flow over sparse candidate edges.

Private to :mod:`matching.algorithms`, which re-exports the public names. Everything here
is pure: plain NumPy arrays (or a function returning rows of scores) in, arrays out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.graph.python import min_cost_flow

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
# Scores of the given mentee rows against every mentor, shape (len(rows), n_mentors).
ScoreRows = Callable[[NDArray[np.intp]], NDArray[np.floating]]

# Scores become integer costs in this many steps across the observed score range. OR-Tools
# multiplies costs by the node count during cost scaling and rejects ranges that could
# overflow int64, so 2**30 steps leaves room for ~10**8 nodes while rounding a 0-100 score
# to ~1e-7; the solver's run time grows only with log(steps).
_COST_STEPS = 2**30
# Rows of scores materialised at once when scanning a dense matrix or a ScoreRows source.
_BLOCK_ROWS = 1024
# Mentee rows sampled to estimate each mentor's column threshold for fallback candidates.
_COLUMN_SAMPLE_ROWS = 2048


class Candidates(NamedTuple):
    """Sparse candidate edges: parallel arrays, one entry per (mentee, mentor) pair."""

    mentee_idx: IntArray
    mentor_idx: IntArray
    scores: FloatArray


def mentor_slots(capacities: ArrayLike, max_load: int | None) -> IntArray:
    """Places each mentor can take: its capacity, capped by ``max_load`` when given."""
    slots = np.asarray(capacities, dtype=np.int64).ravel()
    if (slots < 0).any():
        raise ValueError("capacities must be non-negative")
    if max_load is not None:
        if max_load < 0:
            raise ValueError("max_load must be non-negative")
        slots = np.minimum(slots, max_load)
    return slots


def solve_assignment(candidates: Candidates, slots: IntArray, n_mentees: int) -> IntArray:
    """Match as many mentees as possible, then maximise the total score, on the given edges.

    Every edge is taken as acceptable. Returns the mentor index per mentee, -1 if unmatched.
    Exact for the cardinality; the total is exact up to rounding scores to ``_COST_STEPS``.
    """
    mentee_idx, mentor_idx, scores = candidates
    n_mentors = slots.size
    usable = slots[mentor_idx] > 0
    mentee_idx, mentor_idx, scores = mentee_idx[usable], mentor_idx[usable], scores[usable]
    result = np.full(n_mentees, -1, dtype=np.int64)
    if mentee_idx.size == 0:
        return result
    # Costs must be non-negative integers. Every unit of flow is one matched mentee and the
    # flow value is fixed at its maximum first, so shifting by the best score is harmless.
    best, worst = float(scores.max()), float(scores.min())
    step = (best - worst) / _COST_STEPS if best > worst else 1.0
    costs = np.rint((best - scores) / step).astype(np.int64)

    source, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    n_edges = mentee_idx.size
    tails = np.concatenate([np.full(n_mentees, source), mentee_idx, n_mentees + np.arange(n_mentors)])
    heads = np.concatenate([np.arange(n_mentees), n_mentees + mentor_idx, np.full(n_mentors, sink)])
    arc_caps = np.concatenate([np.ones(n_mentees + n_edges, dtype=np.int64), slots])
    arc_costs = np.concatenate([np.zeros(n_mentees, dtype=np.int64), costs, np.zeros(n_mentors, dtype=np.int64)])

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, arc_caps, arc_costs)
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(n_mentees, n_mentees + n_edges)) > 0
    result[mentee_idx[used]] = mentor_idx[used]
    return result


def _as_score_rows(scores: ArrayLike | ScoreRows, n_mentees: int | None) -> tuple[ScoreRows, int]:
    if callable(scores):
        if n_mentees is None:
            raise ValueError("n_mentees is required when scores is a function of rows")
        return scores, n_mentees
    matrix = np.asarray(scores)
    if matrix.ndim != 2:
        raise ValueError("scores must be a 2-D (mentees x mentors) matrix")
    return (lambda rows: matrix[rows]), matrix.shape[0]


def _top_per_row(block: NDArray[np.floating], k: int, acceptable: NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Positions of the ``k`` best acceptable entries of each row (ties to the lower index)."""
    if block.shape[1] <= k:
        rows, cols = np.nonzero(acceptable)
        return rows.astype(np.int64), cols.astype(np.int64)
    masked = np.where(acceptable, block, -np.inf)
    # argpartition is slow on wide rows; a threshold from a column sample cuts each row to
    # a few times k entries first, and only rows the sample misjudged fall back to it.
    n_cols = block.shape[1]
    sample = masked[:, np.linspace(0, n_cols - 1, min(n_cols, 256)).astype(np.intp)]
    rank = min(sample.shape[1], max(1, int(np.ceil(3 * k * sample.shape[1] / n_cols))))
    threshold = -np.sort(-sample, axis=1)[:, rank - 1]
    over = masked >= threshold[:, None]
    short = over.sum(axis=1) < k
    over[short] = True
    rows, cols = np.nonzero(over & acceptable)
    values = masked[rows, cols]
    order = np.lexsort((cols, -values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = np.arange(rows.size) - starts < k
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)


def candidate_edges(
    scores: ArrayLike | ScoreRows,
    capacities: ArrayLike,
    *,
    k: int = 16,
    min_score: float = 0.0,
    max_load: int | None = None,
    n_mentees: int | None = None,
) -> Candidates:
    """Sparse candidates: each mentee's ``k`` best mentors plus capacity-aware fallbacks.

    ``scores`` is a dense (mentees x mentors) matrix, or a function returning the rows of
    such a matrix for given mentee indices (then pass ``n_mentees``), so a large cohort is
    scored block by block and never held whole. Popular mentors fill every mentee's top-k,
    so each mentor also gets its best mentees, about twice its places, as candidates:
    without them unpopular mentors' places stay out of reach and mentees go unmatched.
    Only pairs scoring at least ``min_score`` and mentors with a place are included.
    """
    score_rows, n_rows = _as_score_rows(scores, n_mentees)
    slots = mentor_slots(capacities, max_load)
    column_threshold = _column_thresholds(score_rows, n_rows, slots, min_score)
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    for start in range(0, n_rows, _BLOCK_ROWS):
        rows = np.arange(start, min(start + _BLOCK_ROWS, n_rows))
        block = score_rows(rows)
        top_rows, top_cols = _top_per_row(block, k, block >= min_score)
        col_rows, col_cols = np.nonzero(block >= column_threshold[None, :])
        block_rows = np.concatenate([top_rows, col_rows])
        block_cols = np.concatenate([top_cols, col_cols])
        # Deduplicate pairs chosen by both rules.
        pair = np.unique(block_rows * slots.size + block_cols)
        block_rows, block_cols = pair // slots.size, pair % slots.size
        parts.append((rows[block_rows], block_cols, block[block_rows, block_cols].astype(np.float64)))
    if not parts:
        return _no_edges()
    mentee_idx, mentor_idx, edge_scores = (np.concatenate(column) for column in zip(*parts, strict=True))
    keep = slots[mentor_idx] > 0
    return Candidates(mentee_idx[keep].astype(np.int64), mentor_idx[keep].astype(np.int64), edge_scores[keep])


def _column_thresholds(score_rows: ScoreRows, n_rows: int, slots: IntArray, min_score: float) -> FloatArray:
    """Per mentor, a score that about ``2 * slots`` mentees reach (from a row sample)."""
    if n_rows == 0 or slots.size == 0:
        return np.full(slots.size, np.inf)
    sample_rows = np.unique(np.linspace(0, n_rows - 1, min(n_rows, _COLUMN_SAMPLE_ROWS)).astype(np.intp))
    sample = np.asarray(score_rows(sample_rows), dtype=np.float64)
    sample = np.where(sample >= min_score, sample, -np.inf)
    ordered = -np.sort(-sample, axis=0)
    wanted = np.ceil(2 * slots * sample_rows.size / n_rows).astype(np.intp)
    rank = np.clip(wanted, 1, sample_rows.size) - 1
    threshold = ordered[rank, np.arange(slots.size)]
    # A mentor nobody finds acceptable, or with no place, gets no fallback edges.
    return np.where((slots > 0) & np.isfinite(threshold), np.maximum(threshold, min_score), np.inf)


def optimal_match_arrays(
    mentee_idx: ArrayLike,
    mentor_idx: ArrayLike,
    scores: ArrayLike,
    capacities: ArrayLike,
    *,
    min_score: float = 0.0,
    max_load: int | None = None,
    n_mentees: int | None = None,
) -> IntArray:
    """Optimal matching on explicit candidate edges given as parallel index arrays.

    Among edges scoring at least ``min_score``, matches as many mentees as possible, then
    maximises the total score, never exceeding ``min(capacity, max_load)`` per mentor.
    Returns the mentor index per mentee (-1 when unmatched); ``n_mentees`` defaults to one
    past the largest mentee index.
    """
    rows = np.asarray(mentee_idx, dtype=np.int64).ravel()
    cols = np.asarray(mentor_idx, dtype=np.int64).ravel()
    values = np.asarray(scores, dtype=np.float64).ravel()
    if not rows.size == cols.size == values.size:
        raise ValueError("mentee_idx, mentor_idx and scores must have the same length")
    slots = mentor_slots(capacities, max_load)
    count = int(rows.max()) + 1 if n_mentees is None and rows.size else (n_mentees or 0)
    keep = values >= min_score
    return solve_assignment(Candidates(rows[keep], cols[keep], values[keep]), slots, count)


def optimal_match_top_k(
    scores: ArrayLike | ScoreRows,
    capacities: ArrayLike,
    *,
    min_score: float = 0.0,
    max_load: int | None = None,
    k: int = 16,
    n_mentees: int | None = None,
) -> IntArray:
    """Near-optimal matching for large cohorts: exact flow on sparse candidates, repaired.

    Solves :func:`optimal_match_arrays` on :func:`candidate_edges`, then, while some
    unmatched mentee finds acceptable a mentor with a free place, adds those edges and
    solves again. So a mentee is left unmatched only when every mentor it finds acceptable
    is full. The total score may fall short of the exact optimum only by pairs outside the
    candidates (measured in ``bench/cohort.py``).
    """
    score_rows, n_rows = _as_score_rows(scores, n_mentees)
    slots = mentor_slots(capacities, max_load)
    edges = candidate_edges(score_rows, slots, k=k, min_score=min_score, n_mentees=n_rows)
    assignment = solve_assignment(edges, slots, n_rows)
    # Terminates: each new edge reaches a free place, so every pass matches one more mentee.
    while True:
        extra = _edges_to_free_places(score_rows, assignment, slots, k, min_score)
        if extra.mentee_idx.size == 0:
            break
        edges = Candidates(*(np.concatenate(pair) for pair in zip(edges, extra, strict=True)))
        assignment = solve_assignment(edges, slots, n_rows)
    return assignment


def _edges_to_free_places(
    score_rows: ScoreRows, assignment: IntArray, slots: IntArray, k: int, min_score: float
) -> Candidates:
    """Edges from unmatched mentees to their ``k`` best acceptable mentors with a free place."""
    load = np.bincount(assignment[assignment >= 0], minlength=slots.size)
    has_room = load < slots
    unmatched = np.flatnonzero(assignment < 0)
    if unmatched.size == 0 or not has_room.any():
        return _no_edges()
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    for start in range(0, unmatched.size, _BLOCK_ROWS):
        rows = unmatched[start : start + _BLOCK_ROWS]
        block = np.asarray(score_rows(rows), dtype=np.float64)
        top_rows, top_cols = _top_per_row(block, k, (block >= min_score) & has_room[None, :])
        parts.append((rows[top_rows].astype(np.int64), top_cols, block[top_rows, top_cols]))
    return Candidates(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _no_edges() -> Candidates:
    return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
