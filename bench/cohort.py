"""Cohort matching benchmarks (issue 4), each against a baseline in the same run.

- stable: ``stable_match_arrays`` vs PyPI ``matching`` (HospitalResident, resident-optimal)
  on the same complete preference lists; results must be identical.
- optimal: ``optimal_match_top_k`` (sparse candidates + min-cost flow) vs scipy's dense
  ``linear_sum_assignment`` on the capacity-expanded matrix, the exact optimum.
- fast path: OR-Tools min-cost flow vs scipy's sparse ``min_weight_full_bipartite_matching``
  on identical candidate edges (why the flow was chosen).

Every solver runs in its own process, so the peak memory reported is that solver's. Score
generation is never timed. Usage, from the repo root::

    .venv/bin/python bench/cohort.py [--sizes small|all] [--no-skip-slow-baseline]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Run as a script, this file sees bench/ on the path, not the repo root.
from matching._flow import solve_assignment  # noqa: E402
from matching.algorithms import (  # noqa: E402
    candidate_edges,
    match_report_arrays,
    optimal_match_top_k,
    stable_match_arrays,
)

BENCH_VENV = ROOT / ".bench-venv"
CAPACITY = 4
SEED = 20261125
SIZES = {"small": [(1000, 300), (5000, 1500)], "all": [(1000, 300), (5000, 1500), (20000, 6000)]}
SLOW = 20000  # baselines at this many mentees take minutes: run only with --no-skip-slow-baseline
BASELINE_TIMEOUT = 300.0
DENSE_LIMIT_BYTES = 8 * 2**30


class ScoreModel:
    """Synthetic 0-100 scores with the structure of real ones, reproducible block by block.

    score = 100 * sigmoid(taste . profile + popularity + noise), rounded to 0.01 as the
    product shows scores, so ties occur. Shared popularity makes the same mentors everyone's
    favourites, as in real programmes; the low-rank taste term correlates similar mentees.
    Noise is drawn per block of rows from a seeded generator, so any rows can be recomputed
    without holding the whole matrix.
    """

    block = 1024

    def __init__(self, n_mentees: int, n_mentors: int, seed: int = SEED, rank: int = 8) -> None:
        rng = np.random.default_rng(seed)
        self.shape = (n_mentees, n_mentors)
        self.seed = seed
        self.taste = (rng.standard_normal((n_mentees, rank)) * 0.8 / np.sqrt(rank)).astype(np.float32)
        self.profile = rng.standard_normal((n_mentors, rank)).astype(np.float32)
        self.popularity = (0.6 * rng.standard_normal(n_mentors)).astype(np.float32)

    def _block(self, index: int) -> NDArray[np.float32]:
        start = index * self.block
        stop = min(start + self.block, self.shape[0])
        noise = np.random.default_rng([self.seed, index]).standard_normal((stop - start, self.shape[1]), np.float32)
        raw = self.taste[start:stop] @ self.profile.T + self.popularity + 0.6 * noise
        return np.round(100 / (1 + np.exp(-raw)), 2)

    def rows(self, rows: NDArray[np.intp]) -> NDArray[np.float32]:
        out = np.empty((rows.size, self.shape[1]), dtype=np.float32)
        blocks = rows // self.block
        for index in np.unique(blocks).tolist():
            here = np.flatnonzero(blocks == index)
            out[here] = self._block(index)[rows[here] - index * self.block]
        return out

    def dense(self) -> NDArray[np.float32]:
        return np.concatenate([self._block(i) for i in range(-(-self.shape[0] // self.block))])


# --- workers: each runs in a fresh process and prints one JSON line ---------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_stable(scores_path: str, out_path: str) -> dict[str, Any]:
    scores = np.load(scores_path)
    capacities = np.full(scores.shape[1], CAPACITY)
    started = time.perf_counter()
    assignment = stable_match_arrays(scores, capacities)
    seconds = time.perf_counter() - started
    peak = _peak_mb()  # before the report, which is not part of the solve
    np.save(out_path, assignment)
    report = match_report_arrays(assignment, scores, capacities)
    return {"seconds": seconds, "peak_mb": peak, "matched": report.matched, "blocking": report.blocking_pairs}


def worker_optimal(n: int, m: int, out_path: str) -> dict[str, Any]:
    model = ScoreModel(n, m)
    scoring = [0.0]

    def score_rows(rows: NDArray[np.intp]) -> NDArray[np.float32]:
        # Scoring is the recommendation engine's job, not the matcher's: kept off the clock.
        started = time.perf_counter()
        block = model.rows(rows)
        scoring[0] += time.perf_counter() - started
        return block

    started = time.perf_counter()
    assignment = optimal_match_top_k(score_rows, np.full(m, CAPACITY), n_mentees=n)
    seconds = time.perf_counter() - started - scoring[0]
    np.save(out_path, assignment)
    return {"seconds": seconds, "scoring_seconds": scoring[0], "peak_mb": _peak_mb()}


def worker_lsa(scores_path: str, out_path: str) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    scores = np.load(scores_path)
    started = time.perf_counter()
    expanded = np.repeat(scores.astype(np.float64), CAPACITY, axis=1)
    rows, slots = linear_sum_assignment(expanded, maximize=True)
    seconds = time.perf_counter() - started
    assignment = np.full(scores.shape[0], -1, dtype=np.int64)
    assignment[rows] = slots // CAPACITY
    np.save(out_path, assignment)
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def worker_fast_path(scores_path: str) -> dict[str, Any]:
    """Flow vs scipy's sparse matching on the same candidates, solve time only."""
    scores = np.load(scores_path)
    n, m = scores.shape
    slots = np.full(m, CAPACITY, dtype=np.int64)
    edges = candidate_edges(scores, slots)
    started = time.perf_counter()
    flow = solve_assignment(edges, slots, n)
    flow_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sparse = _scipy_sparse_assignment(edges.mentee_idx, edges.mentor_idx, edges.scores, slots, n)
    scipy_seconds = time.perf_counter() - started
    total = [float(scores[np.flatnonzero(a >= 0), a[a >= 0]].sum()) for a in (flow, sparse)]
    return {"edges": int(edges.mentee_idx.size), "flow": flow_seconds, "scipy": scipy_seconds, "totals": total}


def _scipy_sparse_assignment(
    rows: NDArray[np.int64], cols: NDArray[np.int64], values: NDArray[np.float64], slots: NDArray[np.int64], n: int
) -> NDArray[np.int64]:
    """The alternative fast path: one column per mentor place, plus a costly 'unmatched'
    column per mentee so a full matching always exists (max cardinality comes first)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    first_place = np.concatenate([[0], np.cumsum(slots)])
    repeats = slots[cols]
    edge_rows = np.repeat(rows, repeats)
    place = np.repeat(first_place[cols], repeats) + (
        np.arange(edge_rows.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    )
    best = values.max()
    weights = np.repeat(best - values, repeats) + 1.0  # strictly positive: zeros would be dropped
    unmatched_cost = n * (best - values.min() + 1.0) + 1.0
    places = int(first_place[-1])
    matrix = csr_matrix(
        (
            np.concatenate([weights, np.full(n, unmatched_cost)]),
            (np.concatenate([edge_rows, np.arange(n)]), np.concatenate([place, places + np.arange(n)])),
        ),
        shape=(n, places + n),
    )
    _, column = min_weight_full_bipartite_matching(matrix)
    owner = np.repeat(np.arange(slots.size), slots)
    return np.where(column < places, owner[np.minimum(column, places - 1)], -1)


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "stable": worker_stable,
    "optimal": worker_optimal,
    "lsa": worker_lsa,
    "fast-path": worker_fast_path,
}


# --- orchestration -------------------------------------------------------------------


def run(command: list[str], timeout: float | None = None) -> dict[str, Any] | None:
    """Run one worker process; None if it did not finish in time."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{command} failed:\n{error.stderr}") from error
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def ours(*args: object) -> list[str]:
    return [sys.executable, __file__, "--worker", *map(str, args)]


def ensure_bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "matching==1.4.3", "numpy==2.4.6"], check=True)
    return python


def total_score(scores: NDArray[np.float32], assignment: NDArray[np.int64]) -> float:
    matched = np.flatnonzero(assignment >= 0)
    return float(scores[matched, assignment[matched]].astype(np.float64).sum())


def bench_size(n: int, m: int, slow_baselines: bool, timeout: float, tmp: Path) -> dict[str, Any]:
    scores = ScoreModel(n, m).dense()
    scores_path, caps_path = tmp / "scores.npy", tmp / "capacities.npy"
    np.save(scores_path, scores)
    np.save(caps_path, np.full(m, CAPACITY, dtype=np.int64))
    row: dict[str, Any] = {"n": n, "m": m, "places": m * CAPACITY}
    print(f"  {n}x{m}: stable (ours)...", file=sys.stderr, flush=True)
    row["stable"] = run(ours("stable", scores_path, tmp / "stable.npy"))
    ran_baseline = slow_baselines or n < SLOW
    if ran_baseline:
        print(f"  {n}x{m}: stable (PyPI matching)...", file=sys.stderr, flush=True)
        command = [str(ensure_bench_venv()), str(ROOT / "bench" / "_baseline_matching.py")]
        row["pypi"] = run([*command, str(scores_path), str(caps_path), str(tmp / "pypi.npy")], timeout)
        if row["pypi"] is not None:
            row["identical"] = bool((np.load(tmp / "stable.npy") == np.load(tmp / "pypi.npy")).all())
    print(f"  {n}x{m}: optimal (ours)...", file=sys.stderr, flush=True)
    row["optimal"] = run(ours("optimal", n, m, tmp / "optimal.npy"))
    optimal = np.load(tmp / "optimal.npy")
    row["optimal"].update(matched=int((optimal >= 0).sum()), total=total_score(scores, optimal))
    expanded_bytes = n * m * CAPACITY * 8
    if ran_baseline and expanded_bytes <= DENSE_LIMIT_BYTES:
        print(f"  {n}x{m}: optimal (scipy dense)...", file=sys.stderr, flush=True)
        row["lsa"] = run(ours("lsa", scores_path, tmp / "lsa.npy"))
        lsa = np.load(tmp / "lsa.npy")
        row["lsa"].update(matched=int((lsa >= 0).sum()), total=total_score(scores, lsa))
    print(f"  {n}x{m}: fast path choice...", file=sys.stderr, flush=True)
    row["fast"] = run(ours("fast-path", scores_path))
    return row


def fmt_seconds(result: dict[str, Any] | None, key: str = "seconds") -> str:
    return "did not finish" if result is None else f"{result[key]:.2f} s"


def print_tables(rows: list[dict[str, Any]], timeout: float) -> None:
    print("\nStable matching, capacity 4, complete lists from scores (solve time; peak RSS of the solver's process)")
    print(
        f"{'mentees x mentors':>18} | {'ours':>8} | {'ours MB':>7} | {'PyPI matching':>14} | {'PyPI MB':>7} | "
        f"{'speed-up':>8} | identical | blocking"
    )
    for row in rows:
        stable, pypi = row["stable"], row.get("pypi", "skipped")
        if pypi == "skipped":
            theirs, their_mb, ratio, same = "skipped", "-", "-", "-"
        elif pypi is None:
            theirs, their_mb, ratio, same = f">{timeout:.0f} s (dnf)", "-", f">{timeout / stable['seconds']:.0f}x", "-"
        else:
            theirs, their_mb = fmt_seconds(pypi), f"{pypi['peak_mb']:.0f}"
            ratio, same = f"{pypi['seconds'] / stable['seconds']:.0f}x", "yes" if row["identical"] else "NO"
        print(
            f"{row['n']:>8} x {row['m']:<7} | {fmt_seconds(stable):>8} | {stable['peak_mb']:>7.0f} | {theirs:>14} | "
            f"{their_mb:>7} | {ratio:>8} | {same:>9} | {stable['blocking']:>8}"
        )

    print("\nOptimal matching, capacity 4, min_score 0 (solve time without scoring; peak RSS of the solver's process)")
    print(
        f"{'mentees x mentors':>18} | {'ours':>7} | {'ours MB':>7} | {'matched':>13} | {'scipy dense':>11} | "
        f"{'dense MB':>8} | {'speed-up':>8} | gap to exact"
    )
    for row in rows:
        mine, lsa = row["optimal"], row.get("lsa")
        matched = f"{mine['matched']}/{min(row['n'], row['places'])}"
        if lsa is None:
            theirs, their_mb, ratio, gap = "skipped", "-", "-", "-"
        else:
            theirs, their_mb = fmt_seconds(lsa), f"{lsa['peak_mb']:.0f}"
            ratio = f"{lsa['seconds'] / mine['seconds']:.0f}x"
            gap = f"{100 * (lsa['total'] - mine['total']) / lsa['total']:.3f} %"
        print(
            f"{row['n']:>8} x {row['m']:<7} | {fmt_seconds(mine):>7} | {mine['peak_mb']:>7.0f} | {matched:>13} | "
            f"{theirs:>11} | {their_mb:>8} | {ratio:>8} | {gap}"
        )

    print("\nFast path on identical candidate edges (solve time only)")
    print(f"{'mentees x mentors':>18} | {'edges':>7} | {'OR-Tools flow':>13} | {'scipy sparse':>12} | ratio | same")
    for row in rows:
        fast = row["fast"]
        same = "yes" if abs(fast["totals"][0] - fast["totals"][1]) < 1e-6 * max(1.0, fast["totals"][1]) else "NO"
        print(
            f"{row['n']:>8} x {row['m']:<7} | {fast['edges']:>7} | {fast['flow']:>11.3f} s | "
            f"{fast['scipy']:>10.3f} s | {fast['scipy'] / fast['flow']:>4.0f}x | {same}"
        )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        name, *args = sys.argv[2:]
        typed = [int(a) if a.isdigit() else a for a in args]
        print(json.dumps(WORKERS[name](*typed)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", choices=sorted(SIZES), default="all")
    parser.add_argument(
        "--skip-slow-baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="skip the baselines at 20k x 6k (minutes each); on by default",
    )
    parser.add_argument("--timeout", type=float, default=BASELINE_TIMEOUT, help="seconds to wait for PyPI matching")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as tmp:
        for n, m in SIZES[options.sizes]:
            rows.append(bench_size(n, m, not options.skip_slow_baseline, options.timeout, Path(tmp)))
    print_tables(rows, options.timeout)


if __name__ == "__main__":
    main()
