"""Optimal cohort matching on index arrays: min-cost flow over sparse candidate edges.

Private to :mod:`matching.algorithms.assignment`, which re-exports the public names. Everything here
is pure: plain NumPy arrays (or a function returning rows of scores) in, arrays out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

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
# Columns sampled per row to estimate the score of its k-th best mentor.
_SAMPLE_COLUMNS = 512
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


def _at_least(values: FloatArray, dtype: np.dtype[Any]) -> NDArray[Any]:
    """The smallest ``dtype`` numbers >= ``values``.

    Comparing a float32 block with float64 thresholds makes NumPy upcast the whole block;
    thresholds rounded up to the block's dtype select exactly the same entries, faster.
    """
    cast = values.astype(dtype)
    low = cast < values
    cast[low] = np.nextafter(cast[low], np.inf)
    return cast


def _row_floors(block: NDArray[np.floating], k: int, min_score: float, allowed: NDArray[np.bool_] | None) -> FloatArray:
    """Per row, a score about ``4 * k`` acceptable entries reach, estimated from a column sample.

    A partition of every wide row is the slow part of picking candidates; comparing with a
    sampled threshold is one cheap pass. The few rows it leaves short get an exact one.
    """
    n_cols = block.shape[1]
    columns = np.unique(np.linspace(0, n_cols - 1, min(n_cols, _SAMPLE_COLUMNS)).astype(np.intp))
    sample = block[:, columns]
    usable = sample >= min_score
    if allowed is not None:
        usable &= allowed[columns]
    sample = np.where(usable, sample, -np.inf)
    rank = min(columns.size, max(1, int(np.ceil(4 * k * columns.size / n_cols))))
    kth_best = np.partition(sample, columns.size - rank, axis=1)[:, columns.size - rank]
    return np.maximum(kth_best.astype(np.float64), min_score)


def _kth_best(rows: NDArray[np.floating], k: int, min_score: float, allowed: NDArray[np.bool_] | None) -> FloatArray:
    """Exact score of each row's k-th best acceptable entry (``min_score`` if it has fewer)."""
    usable = rows >= min_score
    if allowed is not None:
        usable &= allowed[None, :]
    values = np.where(usable, rows.astype(np.float64), -np.inf)
    if k > values.shape[1]:
        return np.full(rows.shape[0], min_score)
    kth: FloatArray = -np.partition(-values, k - 1, axis=1)[:, k - 1]
    return np.maximum(kth, min_score)


def _block_candidates(
    block: NDArray[np.floating],
    k: int,
    min_score: float,
    column_floor: FloatArray | None = None,
    allowed: NDArray[np.bool_] | None = None,
) -> tuple[IntArray, IntArray]:
    """Positions, in one block of rows, of each row's ``k`` best acceptable entries (ties to
    the lower column) and of every entry reaching its column's ``column_floor``.

    Acceptable: at least ``min_score`` and in an ``allowed`` column (all, if None).
    """
    if not np.issubdtype(block.dtype, np.floating):
        block = block.astype(np.float64)
    row_floor = _row_floors(block, k, min_score, allowed)
    picked = block >= _at_least(row_floor, block.dtype)[:, None]
    if allowed is not None:
        picked &= allowed[None, :]
    short = np.flatnonzero(np.count_nonzero(picked, axis=1) < k)
    if short.size:
        row_floor[short] = _kth_best(block[short], k, min_score, allowed)
        picked[short] = block[short] >= _at_least(row_floor[short], block.dtype)[:, None]
        if allowed is not None:
            picked[short] &= allowed[None, :]
    if column_floor is not None:
        picked |= block >= _at_least(column_floor, block.dtype)[None, :]
    # Flat indices: 1-D flatnonzero is several times faster than 2-D nonzero.
    flat = np.flatnonzero(picked)
    rows, cols = np.divmod(flat, block.shape[1])
    values = block[rows, cols].astype(np.float64)
    by_row = np.flatnonzero(values >= row_floor[rows])
    # Of the entries a row picked itself, keep its k best; column picks all stay. Entries
    # come in (row, column) order and lexsort is stable, so ties go to the lower column.
    order = by_row[np.lexsort((-values[by_row], rows[by_row]))]
    ranked_rows = rows[order]
    keep = np.zeros(rows.size, dtype=bool)
    keep[order[np.arange(order.size) - np.searchsorted(ranked_rows, ranked_rows) < k]] = True
    if column_floor is not None:
        keep |= values >= column_floor[cols]
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)


def candidate_edges(
    scores: ArrayLike | ScoreRows,
    capacities: ArrayLike,
    *,
    k: int = 24,
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
    column_floor = _column_floors(score_rows, n_rows, slots, min_score)
    allowed = None if (slots > 0).all() else slots > 0
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    for start in range(0, n_rows, _BLOCK_ROWS):
        rows = np.arange(start, min(start + _BLOCK_ROWS, n_rows))
        block = score_rows(rows)
        picked_rows, picked_cols = _block_candidates(block, k, min_score, column_floor, allowed)
        parts.append((rows[picked_rows], picked_cols, block[picked_rows, picked_cols].astype(np.float64)))
    if not parts:
        return _no_edges()
    return Candidates(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _column_floors(score_rows: ScoreRows, n_rows: int, slots: IntArray, min_score: float) -> FloatArray:
    """Per mentor, a score that about ``2 * slots`` mentees reach (from a row sample)."""
    if n_rows == 0 or slots.size == 0:
        return np.full(slots.size, np.inf)
    sample_rows = np.unique(np.linspace(0, n_rows - 1, min(n_rows, _COLUMN_SAMPLE_ROWS)).astype(np.intp))
    sample = np.asarray(score_rows(sample_rows))
    sample = np.where(sample >= min_score, sample, -np.inf)
    wanted = np.clip(np.ceil(2 * slots * sample_rows.size / n_rows).astype(np.intp), 1, sample_rows.size)
    if (wanted == 1).all():  # large cohorts: the sample's best is already about 2 * slots deep
        threshold = sample.max(axis=0).astype(np.float64)
    else:
        kth = sample_rows.size - wanted  # ascending position of each mentor's wanted-th best
        by_mentor = np.ascontiguousarray(sample.T)
        threshold = np.partition(by_mentor, np.unique(kth), axis=1)[np.arange(slots.size), kth].astype(np.float64)
    # -inf: fewer acceptable mentees than wanted, so take them all; no place, no edges.
    return np.where(slots > 0, np.maximum(threshold, min_score), np.inf)


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
    k: int = 24,
    n_mentees: int | None = None,
) -> IntArray:
    """Near-optimal matching for large cohorts: exact flow on sparse candidates, repaired.

    Solves :func:`optimal_match_arrays` on :func:`candidate_edges`, then repairs: while an
    unmatched mentee finds acceptable a mentor with a free place, it adds those edges; then,
    while an augmenting path exists among *all* acceptable pairs (an unmatched mentee, a
    full mentor, one of its mentees, ..., a mentor with room), it adds that path's edges;
    and it solves again each time. So the number matched is the true maximum (Berge: no
    augmenting path left), and only the total score may fall short of the exact optimum,
    by pairs outside the candidates (measured in ``bench/cohort.py``).
    """
    score_rows, n_rows = _as_score_rows(scores, n_mentees)
    slots = mentor_slots(capacities, max_load)
    edges = candidate_edges(score_rows, slots, k=k, min_score=min_score, n_mentees=n_rows)
    assignment = solve_assignment(edges, slots, n_rows)
    # Terminates: the candidates held no augmenting path (the flow is maximum on them), so
    # each batch of new edges creates one and every pass matches at least one more mentee.
    while True:
        extra = _edges_to_free_places(score_rows, assignment, slots, k, min_score)
        if extra.mentee_idx.size == 0:
            extra = _augmenting_forest(score_rows, assignment, slots, min_score)
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
        picked_rows, picked_cols = _block_candidates(block, k, min_score, allowed=has_room)
        parts.append((rows[picked_rows].astype(np.int64), picked_cols, block[picked_rows, picked_cols]))
    return Candidates(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _augmenting_forest(score_rows: ScoreRows, assignment: IntArray, slots: IntArray, min_score: float) -> Candidates:
    """Edges of a breadth-first alternating forest from the unmatched mentees, or none.

    Layer by layer: frontier mentees reach every acceptable mentor not reached yet (one
    edge each); the mentees those mentors hold form the next frontier. Stops at the first
    layer that reaches a mentor with room, returning the forest, which then contains an
    augmenting path; returns no edges if none exists. Each mentee is scored at most once.
    """
    load = np.bincount(assignment[assignment >= 0], minlength=slots.size)
    has_room = load < slots
    reached = slots == 0  # a mentor without places can never end or extend a path
    frontier = np.flatnonzero(assignment < 0)
    if frontier.size == 0 or not has_room.any():
        return _no_edges()
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    while frontier.size:
        layer: list[IntArray] = []
        for start in range(0, frontier.size, _BLOCK_ROWS):
            rows = frontier[start : start + _BLOCK_ROWS]
            block = np.asarray(score_rows(rows), dtype=np.float64)
            picked_rows, picked_cols = np.nonzero((block >= min_score) & ~reached[None, :])
            mentors, first = np.unique(picked_cols, return_index=True)
            reached[mentors] = True
            layer.append(mentors)
            parts.append((rows[picked_rows[first]].astype(np.int64), mentors, block[picked_rows[first], mentors]))
        mentors = np.concatenate(layer)
        if has_room[mentors].any():
            return Candidates(*(np.concatenate(column) for column in zip(*parts, strict=True)))
        frontier = np.flatnonzero(np.isin(assignment, mentors))
    return _no_edges()


def _no_edges() -> Candidates:
    return Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
