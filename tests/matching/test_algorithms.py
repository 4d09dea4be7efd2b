"""Cohort matching: properties checked against brute force, plus hand-checked cases."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.algorithms.assignment import (
    ALL_MENTORS_FULL,
    NO_ACCEPTABLE_MENTOR,
    candidate_edges,
    match_report,
    match_report_arrays,
    optimal_match,
    optimal_match_arrays,
    optimal_match_top_k,
    stable_match,
    stable_match_arrays,
)

# The machine is shared and noisy: no per-example deadline, and a modest example count.
settings.register_profile("algorithms", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("algorithms")

Prefs = dict[int, list[str]]
MentorPrefs = dict[str, list[int]]

# --- brute force references -------------------------------------------------------------


def all_matchings(options: Mapping[int, Sequence[str]], capacities: Mapping[str, int]) -> Iterator[dict[int, str]]:
    """Every capacity-respecting matching using only the given (mentee -> mentors) options."""
    mentees = list(options)
    for choice in itertools.product(*([None, *options[h]] for h in mentees)):
        matching = {h: k for h, k in zip(mentees, choice, strict=True) if k is not None}
        loads = {k: list(matching.values()).count(k) for k in set(matching.values())}
        if all(load <= capacities.get(k, 0) for k, load in loads.items()):
            yield matching


def mutual(mentee_prefs: Prefs, mentor_prefs: MentorPrefs) -> dict[int, list[str]]:
    return {h: [k for k in dict.fromkeys(ks) if h in mentor_prefs.get(k, [])] for h, ks in mentee_prefs.items()}


def is_stable(matching: dict[int, str], mentee_prefs: Prefs, mentor_prefs: MentorPrefs, caps: dict[str, int]) -> bool:
    report = match_report(matching, caps, mentee_prefs=mentee_prefs, mentor_prefs=mentor_prefs)
    return report.blocking_pairs == 0


def brute_force_mentee_optimal(mentee_prefs: Prefs, mentor_prefs: MentorPrefs, caps: dict[str, int]) -> dict[int, str]:
    options = mutual(mentee_prefs, mentor_prefs)
    stable = [m for m in all_matchings(options, caps) if is_stable(m, mentee_prefs, mentor_prefs, caps)]

    def rank(h: int, matching: dict[int, str]) -> int:
        return options[h].index(matching[h]) if h in matching else len(options[h])

    best = [m for m in stable if all(rank(h, m) <= rank(h, other) for other in stable for h in options)]
    assert len(best) == 1, "the mentee-optimal stable matching exists and is unique"
    return best[0]


def brute_force_optimal(
    scores: dict[tuple[int, str], float], caps: dict[str, int], min_score: float, max_load: int | None
) -> tuple[int, float]:
    slots = {k: c if max_load is None else min(c, max_load) for k, c in caps.items()}
    options: dict[int, list[str]] = {h: [] for h, _ in scores}
    for (h, k), score in scores.items():
        if score >= min_score and k in slots:
            options[h].append(k)
    return max(
        ((len(m), sum(scores[h, k] for h, k in m.items())) for m in all_matchings(options, slots)),
        key=lambda value: (value[0], value[1]),
    )


def lists_from_scores(
    scores: np.ndarray, mentor_scores: np.ndarray, min_score: float
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Preference lists as stable_match_arrays documents them: by score, ties to lower index."""
    n, m = scores.shape
    ok = scores >= min_score
    mentee_prefs = {i: sorted((j for j in range(m) if ok[i, j]), key=lambda j: (-scores[i, j], j)) for i in range(n)}
    mentor_prefs = {
        j: sorted((i for i in range(n) if ok[i, j]), key=lambda i: (-mentor_scores[i, j], i)) for j in range(m)
    }
    return mentee_prefs, mentor_prefs


def as_array(matching: Mapping[int, int], n: int) -> np.ndarray:
    out = np.full(n, -1)
    for h, k in matching.items():
        out[h] = k
    return out


def total(scores: Mapping[tuple[int, str], float], matching: Mapping[int, str]) -> float:
    return sum(scores[h, k] for h, k in matching.items())


# --- strategies ------------------------------------------------------------------------


@st.composite
def preference_instances(draw: st.DrawFn, max_mentees: int = 5, max_mentors: int = 3) -> tuple:
    mentees = list(range(draw(st.integers(0, max_mentees))))
    mentors = [f"k{j}" for j in range(draw(st.integers(0, max_mentors)))]
    prefs = st.permutations(mentors).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: list(p[:n])))
    mentee_prefs = {h: draw(prefs) for h in mentees}
    of_mentees = st.permutations(mentees).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: list(p[:n])))
    mentor_prefs = {k: draw(of_mentees) for k in mentors}
    capacities = {k: draw(st.integers(0, 3)) for k in mentors}
    return mentee_prefs, mentor_prefs, capacities


@st.composite
def score_instances(draw: st.DrawFn, max_mentees: int = 5, max_mentors: int = 3) -> tuple:
    mentees = range(draw(st.integers(0, max_mentees)))
    mentors = [f"k{j}" for j in range(draw(st.integers(0, max_mentors)))]
    value = st.one_of(st.integers(-20, 100).map(float), st.floats(-20, 100, allow_nan=False))
    scores = {(h, k): draw(value) for h in mentees for k in mentors if draw(st.booleans())}
    capacities = {k: draw(st.integers(0, 3)) for k in mentors}
    min_score = draw(st.sampled_from([0.0, 40.0, -math.inf]))
    max_load = draw(st.one_of(st.none(), st.integers(0, 2)))
    return scores, capacities, min_score, max_load


@st.composite
def score_matrices(draw: st.DrawFn, max_mentees: int = 8, max_mentors: int = 5) -> tuple:
    n, m = draw(st.integers(0, max_mentees)), draw(st.integers(0, max_mentors))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Few distinct values, so ties are common and tie-breaking is exercised.
    scores = rng.integers(0, 5, size=(n, m)).astype(float)
    mentor_scores = scores if draw(st.booleans()) else rng.integers(0, 5, size=(n, m)).astype(float)
    if draw(st.booleans()) and scores.size:
        scores[rng.random((n, m)) < 0.2] = np.nan
    capacities = rng.integers(0, 3, size=m)
    min_score = draw(st.sampled_from([-math.inf, 2.0]))
    return scores, mentor_scores, capacities, min_score


# --- stable matching: properties ----------------------------------------------------------


@given(preference_instances())
def test_stable_match_has_no_blocking_pairs_and_respects_capacities(instance: tuple) -> None:
    mentee_prefs, mentor_prefs, capacities = instance
    matching = stable_match(mentee_prefs, mentor_prefs, capacities)
    assert is_stable(matching, mentee_prefs, mentor_prefs, capacities)
    for mentor in capacities:
        assert list(matching.values()).count(mentor) <= capacities[mentor]


@given(preference_instances())
def test_stable_match_pairs_only_mutually_listed(instance: tuple) -> None:
    mentee_prefs, mentor_prefs, capacities = instance
    for mentee, mentor in stable_match(mentee_prefs, mentor_prefs, capacities).items():
        assert mentor in mentee_prefs[mentee]
        assert mentee in mentor_prefs[mentor]


@given(preference_instances())
def test_stable_match_is_the_brute_force_mentee_optimal_matching(instance: tuple) -> None:
    mentee_prefs, mentor_prefs, capacities = instance
    expected = brute_force_mentee_optimal(mentee_prefs, mentor_prefs, capacities)
    assert stable_match(mentee_prefs, mentor_prefs, capacities) == expected


@given(score_matrices())
def test_stable_match_arrays_equals_stable_match_on_derived_lists(instance: tuple) -> None:
    scores, mentor_scores, capacities, min_score = instance
    mentee_prefs, mentor_prefs = lists_from_scores(scores, mentor_scores, min_score)
    expected = stable_match(mentee_prefs, mentor_prefs, dict(enumerate(capacities.tolist())))
    got = stable_match_arrays(scores, capacities, mentor_scores=mentor_scores, min_score=min_score)
    assert got.tolist() == as_array(expected, scores.shape[0]).tolist()


@settings(max_examples=12)
@given(st.integers(0, 2**32 - 1), st.sampled_from([(300, 400), (400, 30)]))
def test_stable_match_arrays_equals_stable_match_when_lists_come_in_many_blocks(seed: int, shape: tuple) -> None:
    # Wide rows are sampled (not read whole) to cut proposal blocks; ties straddle blocks.
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 40, size=shape).astype(np.float32)
    capacities = rng.integers(0, 3, size=shape[1])
    mentee_prefs, mentor_prefs = lists_from_scores(scores, scores, -math.inf)
    expected = stable_match(mentee_prefs, mentor_prefs, dict(enumerate(capacities.tolist())))
    assert stable_match_arrays(scores, capacities).tolist() == as_array(expected, shape[0]).tolist()


@given(score_matrices())
def test_match_report_arrays_counts_blocking_pairs_like_match_report(instance: tuple) -> None:
    scores, mentor_scores, capacities, min_score = instance
    n, m = scores.shape
    rng = np.random.default_rng(int(np.nansum(scores)) + n)
    # Any capacity-respecting assignment, stable or not.
    assignment = np.full(n, -1)
    for i in range(n):
        j = int(rng.integers(-1, m)) if m else -1
        if j >= 0 and (assignment == j).sum() < capacities[j] and scores[i, j] >= min_score:
            assignment[i] = j
    mentee_prefs, mentor_prefs = lists_from_scores(scores, mentor_scores, min_score)
    matching = {i: int(j) for i, j in enumerate(assignment.tolist()) if j >= 0}
    by_lists = match_report(
        matching, dict(enumerate(capacities.tolist())), mentee_prefs=mentee_prefs, mentor_prefs=mentor_prefs
    )
    by_arrays = match_report_arrays(assignment, scores, capacities, mentor_scores=mentor_scores, min_score=min_score)
    assert by_arrays.blocking_pairs == by_lists.blocking_pairs
    assert by_arrays.unmatched == by_lists.unmatched
    assert by_arrays.load_histogram == by_lists.load_histogram


# --- optimal matching: properties ---------------------------------------------------------


@given(score_instances())
def test_optimal_match_equals_brute_force(instance: tuple) -> None:
    scores, capacities, min_score, max_load = instance
    matching = optimal_match(scores, capacities, min_score=min_score, max_load=max_load)
    cardinality, best = brute_force_optimal(scores, capacities, min_score, max_load)
    assert len(matching) == cardinality
    assert total(scores, matching) == pytest.approx(best, abs=1e-6)


@given(score_instances())
def test_optimal_match_respects_min_score_capacity_and_max_load(instance: tuple) -> None:
    scores, capacities, min_score, max_load = instance
    matching = optimal_match(scores, capacities, min_score=min_score, max_load=max_load)
    for mentee, mentor in matching.items():
        assert scores[mentee, mentor] >= min_score
    for mentor, capacity in capacities.items():
        load = list(matching.values()).count(mentor)
        assert load <= capacity
        assert max_load is None or load <= max_load


@given(score_instances())
def test_optimal_match_arrays_agrees_with_optimal_match(instance: tuple) -> None:
    scores, capacities, min_score, max_load = instance
    mentors = list(capacities)
    pairs = [(h, mentors.index(k), s) for (h, k), s in scores.items()]
    got = optimal_match_arrays(
        [h for h, _, _ in pairs],
        [j for _, j, _ in pairs],
        [s for _, _, s in pairs],
        list(capacities.values()),
        min_score=min_score,
        max_load=max_load,
        n_mentees=6,
    )
    expected = optimal_match(scores, capacities, min_score=min_score, max_load=max_load)
    as_dict = {h: mentors[j] for h, j in enumerate(got.tolist()) if j >= 0}
    assert len(as_dict) == len(expected)
    assert total(scores, as_dict) == pytest.approx(total(scores, expected), abs=1e-6)


@settings(max_examples=25)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 50.0]), st.one_of(st.none(), st.just(2)))
def test_optimal_match_top_k_leaves_a_mentee_unmatched_only_when_its_mentors_are_full(
    seed: int, min_score: float, max_load: int | None
) -> None:
    rng = np.random.default_rng(seed)
    popularity = rng.normal(size=25) * 20
    scores = np.clip(50 + popularity + rng.normal(size=(120, 25)) * 15, 0, 100).round()
    capacities = rng.integers(0, 6, size=25)
    got = optimal_match_top_k(scores, capacities, min_score=min_score, max_load=max_load, k=2)
    report = match_report_arrays(got, scores, np.minimum(capacities, max_load or 99), min_score=min_score)
    assert set(report.reasons) <= {NO_ACCEPTABLE_MENTOR, ALL_MENTORS_FULL}
    assert all(scores[i, j] >= min_score for i, j in enumerate(got.tolist()) if j >= 0)


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1))
def test_optimal_match_top_k_matches_as_many_mentees_as_the_exact_solve(seed: int) -> None:
    # k=1 and a high min_score: more mentees can only be matched by moving others along
    # chains of pairs outside the candidates, which the repair must find.
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 100, size=(25, 8)).astype(float)
    capacities = rng.integers(0, 3, size=8)
    got = optimal_match_top_k(scores, capacities, min_score=60, k=1)
    exact = optimal_match(
        {(i, j): scores[i, j] for i in range(25) for j in range(8)}, dict(enumerate(capacities)), min_score=60
    )
    assert (got >= 0).sum() == len(exact)
    assert (np.bincount(got[got >= 0], minlength=8) <= capacities).all()


def test_optimal_match_top_k_moves_a_matched_mentee_to_match_one_more() -> None:
    # Candidates with k=1: u-A, v-A (each one's best), w1-C, w2-C, and B's two best, w1 and
    # w2, who are better off at C. Matching u needs v moved to B, a pair no rule picks.
    u, v, w1, w2 = range(4)
    a, b, c = range(3)
    scores = np.zeros((4, 3))
    scores[u, a], scores[v, a], scores[v, b] = 90, 95, 55
    scores[w1, b], scores[w2, b], scores[w1, c], scores[w2, c] = 99, 98, 100, 100
    got = optimal_match_top_k(scores, [1, 1, 2], min_score=50, k=1)
    assert got.tolist() == [a, b, c, c]


@settings(max_examples=25)
@given(st.integers(0, 2**32 - 1))
def test_optimal_match_top_k_is_exact_when_candidates_are_complete(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 100, size=(30, 8)).astype(float)
    capacities = rng.integers(0, 4, size=8)
    got = optimal_match_top_k(scores, capacities, min_score=20, k=8)
    exact = optimal_match(
        {(i, j): scores[i, j] for i in range(30) for j in range(8)}, dict(enumerate(capacities)), min_score=20
    )
    assert (got >= 0).sum() == len(exact)
    assert sum(scores[i, j] for i, j in enumerate(got) if j >= 0) == pytest.approx(
        sum(scores[i, j] for i, j in exact.items())
    )


@settings(max_examples=25)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5))
def test_candidate_edges_hold_each_mentees_top_k_acceptable_mentors(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 10, size=(30, 1000)).astype(float)  # rows wider than the sample, many ties
    edges = candidate_edges(scores, np.ones(1000, dtype=int), k=k, min_score=3)
    pairs = set(zip(edges.mentee_idx.tolist(), edges.mentor_idx.tolist(), strict=True))
    assert len(pairs) == edges.mentee_idx.size, "no duplicate edges"
    assert (edges.scores >= 3).all()
    for i in range(30):
        best = sorted(range(1000), key=lambda j: (-scores[i, j], j))[:k]
        assert {(i, j) for j in best if scores[i, j] >= 3} <= pairs


def test_candidate_edges_hold_the_top_k_even_when_a_column_sample_misjudges_it() -> None:
    # The best mentors sit exactly on evenly spaced columns, as a column sample picks them,
    # so a threshold estimated from the sample keeps fewer than k per row.
    rng = np.random.default_rng(7)
    scores = rng.random((2000, 1000))  # many mentees, so few fallback edges per mentee
    spaced = np.unique(np.linspace(0, 999, 256).astype(int))
    scores[:, spaced[:4]] += 10
    edges = candidate_edges(scores, np.ones(1000, dtype=int), k=5)
    for i in range(5):
        best = np.argsort(-scores[i], kind="stable")[:5]
        assert set(best.tolist()) <= set(edges.mentor_idx[edges.mentee_idx == i].tolist())


# --- hand-checked cases -------------------------------------------------------------------

# The hospitals/residents example of the `matching` package's documentation.
RESIDENT_PREFS = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "L": ["M", "C", "G"], "J": ["C", "G", "M"]}
HOSPITAL_PREFS = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
HOSPITAL_CAPACITIES = {"M": 2, "C": 2, "G": 2}


def test_stable_match_solves_the_textbook_hospitals_residents_example() -> None:
    matching = stable_match(RESIDENT_PREFS, HOSPITAL_PREFS, HOSPITAL_CAPACITIES)
    assert matching == {"A": "C", "D": "C", "S": "M", "L": "M", "J": "G"}


def test_stable_match_is_empty_for_empty_inputs() -> None:
    assert stable_match({}, {}, {}) == {}
    assert optimal_match({}, {}) == {}
    assert stable_match_arrays(np.empty((0, 0)), np.empty(0, dtype=int)).tolist() == []
    assert optimal_match_arrays([], [], [], []).tolist() == []


def test_stable_match_ignores_a_mentor_without_places() -> None:
    matching = stable_match({1: ["full", "open"]}, {"full": [1], "open": [1]}, {"full": 0, "open": 1})
    assert matching == {1: "open"}


def test_stable_match_leaves_a_mentee_listing_nobody_unmatched() -> None:
    prefs: dict[int, list[str]] = {1: [], 2: ["k"]}
    matching = stable_match(prefs, {"k": [1, 2]}, {"k": 1})
    assert matching == {2: "k"}
    report = match_report(matching, {"k": 1}, mentee_prefs=prefs, mentor_prefs={"k": [1, 2]})
    assert report.unmatched == {1: NO_ACCEPTABLE_MENTOR}


def test_stable_match_ignores_a_one_sided_listing() -> None:
    assert stable_match({1: ["k"]}, {"k": []}, {"k": 1}) == {}


def test_stable_match_rejects_negative_capacity() -> None:
    with pytest.raises(ValueError):
        stable_match({1: ["k"]}, {"k": [1]}, {"k": -1})
    with pytest.raises(ValueError):
        stable_match_arrays(np.ones((1, 1)), [-1])


def test_optimal_match_prefers_matching_more_mentees_over_a_higher_total() -> None:
    scores = {("a", "x"): 100.0, ("a", "y"): 1.0, ("b", "x"): 10.0}
    assert optimal_match(scores, {"x": 1, "y": 1}) == {"a": "y", "b": "x"}


def test_optimal_match_skips_pairs_below_min_score() -> None:
    scores = {("a", "x"): 80.0, ("b", "x"): 20.0, ("b", "y"): 30.0}
    assert optimal_match(scores, {"x": 2, "y": 1}, min_score=50) == {"a": "x"}


def test_optimal_match_max_load_spreads_a_popular_mentor() -> None:
    scores = {("a", "star"): 90.0, ("b", "star"): 85.0, ("a", "other"): 40.0, ("b", "other"): 60.0}
    assert optimal_match(scores, {"star": 3, "other": 3}) == {"a": "star", "b": "star"}
    assert optimal_match(scores, {"star": 3, "other": 3}, max_load=1) == {"a": "star", "b": "other"}


def test_match_report_explains_unmatched_mentees_and_loads() -> None:
    scores = {("a", "x"): 90.0, ("b", "x"): 70.0, ("c", "x"): 10.0}
    matching = optimal_match(scores, {"x": 1, "y": 2}, min_score=50)
    report = match_report(matching, {"x": 1, "y": 2}, scores=scores, min_score=50)
    assert report.matched == 1
    assert report.unmatched == {"b": ALL_MENTORS_FULL, "c": NO_ACCEPTABLE_MENTOR}
    assert (report.mean_score, report.min_score) == (90.0, 90.0)
    assert report.load_histogram == {0: 1, 1: 1}
    assert report.blocking_pairs == 0


def test_match_report_counts_blocking_pairs_of_an_unstable_matching() -> None:
    # Both a and x would rather be together than with their current partners.
    mentee_prefs = {"a": ["x", "y"], "b": ["x", "y"]}
    mentor_prefs = {"x": ["a", "b"], "y": ["a", "b"]}
    report = match_report({"a": "y", "b": "x"}, {"x": 1, "y": 1}, mentee_prefs=mentee_prefs, mentor_prefs=mentor_prefs)
    assert report.blocking_pairs == 1


def test_stable_match_arrays_breaks_ties_towards_lower_indices() -> None:
    scores = np.array([[5.0, 5.0], [5.0, 5.0], [5.0, 5.0]])
    assert stable_match_arrays(scores, [1, 1]).tolist() == [0, 1, -1]
