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
import os
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
from matching.algorithms.assignment import (  # noqa: E402
    candidate_edges,
    match_report_arrays,
    optimal_match_top_k,
    stable_match_arrays,
)
from matching.algorithms.flow import solve_assignment  # noqa: E402

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


class Clock:
    """Accumulates wall and CPU seconds over ``with`` blocks.

    CPU time is reported first: the machine is shared, and wall time swings with other
    load, while every solver timed here runs on one thread.
    """

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu

    def result(self) -> dict[str, float]:
        return {"seconds": self.wall, "cpu": self.cpu}


def _peak_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux carries that over from the forking
    parent through exec, so every worker would report at least the parent's size."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def worker_stable(scores_path: str, out_path: str) -> dict[str, Any]:
    scores = np.load(scores_path)
    capacities = np.full(scores.shape[1], CAPACITY)
    with Clock() as clock:
        assignment = stable_match_arrays(scores, capacities)
    peak = _peak_mb()  # before the report, which is not part of the solve
    np.save(out_path, assignment)
    report = match_report_arrays(assignment, scores, capacities)
    return {**clock.result(), "peak_mb": peak, "matched": report.matched, "blocking": report.blocking_pairs}


def worker_optimal(n: int, m: int, out_path: str) -> dict[str, Any]:
    model = ScoreModel(n, m)
    scoring = Clock()

    def score_rows(rows: NDArray[np.intp]) -> NDArray[np.float32]:
        # Scoring is the recommendation engine's job, not the matcher's: kept off the clock.
        with scoring:
            return model.rows(rows)

    with Clock() as clock:
        assignment = optimal_match_top_k(score_rows, np.full(m, CAPACITY), n_mentees=n)
    np.save(out_path, assignment)
    matching = {key: clock.result()[key] - scoring.result()[key] for key in ("seconds", "cpu")}
    return {**matching, "scoring_cpu": scoring.result()["cpu"], "peak_mb": _peak_mb()}


def worker_lsa(scores_path: str, out_path: str) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    scores = np.load(scores_path)
    with Clock() as clock:
        expanded = np.repeat(scores.astype(np.float64), CAPACITY, axis=1)
        rows, slots = linear_sum_assignment(expanded, maximize=True)
    assignment = np.full(scores.shape[0], -1, dtype=np.int64)
    assignment[rows] = slots // CAPACITY
    np.save(out_path, assignment)
    return {**clock.result(), "peak_mb": _peak_mb()}


def worker_fast_path(scores_path: str) -> dict[str, Any]:
    """Flow vs scipy's sparse matching on the same candidates, solve time only."""
    scores = np.load(scores_path)
    n, m = scores.shape
    slots = np.full(m, CAPACITY, dtype=np.int64)
    edges = candidate_edges(scores, slots)
    with Clock() as flow_clock:
        flow = solve_assignment(edges, slots, n)
    with Clock() as scipy_clock:
        sparse = _scipy_sparse_assignment(edges.mentee_idx, edges.mentor_idx, edges.scores, slots, n)
    total = [float(scores[np.flatnonzero(a >= 0), a[a >= 0]].sum()) for a in (flow, sparse)]
    times = {"flow": flow_clock.result()["cpu"], "scipy": scipy_clock.result()["cpu"]}
    return {"edges": int(edges.mentee_idx.size), **times, "totals": total}


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
    # One BLAS thread: the solvers are single-threaded, and idle BLAS threads left spinning
    # by the (untimed) scoring would otherwise be billed to them as CPU time.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True, cwd=ROOT, env=env)
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


def cell(result: dict[str, Any] | None, key: str = "cpu") -> str:
    return "-" if result is None else f"{result[key]:.2f} s"


def print_table(title: str, header: list[str], lines: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *lines]:
        print(" | ".join(value.rjust(width) for value, width in zip(row, widths, strict=True)))


def stable_line(row: dict[str, Any], timeout: float) -> list[str]:
    ours, theirs = row["stable"], row.get("pypi", "skipped")
    line = [f"{row['n']} x {row['m']}", cell(ours), cell(ours, "seconds"), f"{ours['peak_mb']:.0f}"]
    if theirs == "skipped":
        line += ["skipped", "-", "-", "-"]
    elif theirs is None:
        line += [f"> {timeout:.0f} s wall (dnf)", "-", f"> {timeout / ours['seconds']:.0f}x", "-"]
    else:
        same = "yes" if row["identical"] else "NO"
        line += [cell(theirs), f"{theirs['peak_mb']:.0f}", f"{theirs['cpu'] / ours['cpu']:.0f}x", same]
    return [*line, str(ours["blocking"])]


def optimal_line(row: dict[str, Any]) -> list[str]:
    ours, dense = row["optimal"], row.get("lsa")
    line = [f"{row['n']} x {row['m']}", cell(ours), cell(ours, "seconds"), f"{ours['peak_mb']:.0f}"]
    line.append(f"{ours['matched']}/{min(row['n'], row['places'])}")
    if dense is None:
        return [*line, "skipped", "-", "-", "-"]
    gap = 100 * (dense["total"] - ours["total"]) / dense["total"]
    return [*line, cell(dense), f"{dense['peak_mb']:.0f}", f"{dense['cpu'] / ours['cpu']:.0f}x", f"{gap:.3f} %"]


def fast_line(row: dict[str, Any]) -> list[str]:
    fast = row["fast"]
    flow_total, scipy_total = fast["totals"]
    same = "yes" if abs(flow_total - scipy_total) <= 1e-6 * max(1.0, abs(scipy_total)) else "NO"
    times = [f"{fast['flow']:.3f} s", f"{fast['scipy']:.3f} s", f"{fast['scipy'] / fast['flow']:.0f}x"]
    return [f"{row['n']} x {row['m']}", str(fast["edges"]), *times, same]


def print_tables(rows: list[dict[str, Any]], timeout: float) -> None:
    print_table(
        "Stable matching, capacity 4, complete lists derived from scores (CPU s; MB = solver process peak RSS)",
        ["mentees x mentors", "ours", "ours wall", "MB", "PyPI matching", "MB", "speed-up", "identical", "blocking"],
        [stable_line(row, timeout) for row in rows],
    )
    print_table(
        "Optimal matching, capacity 4, min_score 0 (CPU s without scoring; gap = shortfall of total score)",
        ["mentees x mentors", "ours", "ours wall", "MB", "matched", "scipy dense", "MB", "speed-up", "gap to exact"],
        [optimal_line(row) for row in rows],
    )
    print_table(
        "Fast path: solvers on identical candidate edges (CPU s)",
        ["mentees x mentors", "edges", "OR-Tools flow", "scipy sparse", "ratio", "same total"],
        [fast_line(row) for row in rows],
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
