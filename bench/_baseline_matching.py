"""Baseline for bench/cohort.py: PyPI ``matching`` (HospitalResident, resident-optimal).

Runs inside .bench-venv, never the app's venv: the PyPI package is also called
``matching`` and would shadow our app. Usage::

    .bench-venv/bin/python bench/_baseline_matching.py SCORES.npy CAPACITIES.npy OUT.npy

Preference lists are derived from the score matrix exactly as ``stable_match_arrays``
derives them: higher score first, ties to the lower index, every pair acceptable.
Prints one JSON line: solve wall and CPU seconds, build seconds and peak memory.
"""

import json
import sys
import time

import numpy as np
from matching.games import HospitalResident
from matching.players import Hospital, Player


def build_game(scores, capacities):
    """Players with complete lists, bypassing HospitalResident.__init__.

    __init__ deep-copies every player and validates lists with ``x not in list`` scans,
    quadratic in list length: hours at these sizes and not part of the algorithm. The
    lists are valid by construction, so we set the attributes __init__ would set.
    """
    n_residents = scores.shape[0]
    residents = [Player(name) for name in range(n_residents)]
    hospitals = [Hospital(name, capacity=int(capacity)) for name, capacity in enumerate(capacities)]
    resident_order = np.argsort(-scores, axis=1, kind="stable")
    for resident, order in zip(residents, resident_order, strict=True):
        resident.set_prefs([hospitals[j] for j in order.tolist()])
    del resident_order
    hospital_order = np.argsort(-scores.T, axis=1, kind="stable")
    for hospital, order in zip(hospitals, hospital_order, strict=True):
        hospital.set_prefs([residents[i] for i in order.tolist()])
    del hospital_order
    game = HospitalResident.__new__(HospitalResident)
    game.matching = None
    game.blocking_pairs = None
    game.clean = False
    game.residents = game._all_residents = residents
    game.hospitals = game._all_hospitals = hospitals
    return game


def main():
    scores_path, capacities_path, out_path = sys.argv[1:4]
    scores = np.load(scores_path)
    capacities = np.load(capacities_path)
    started = time.perf_counter()
    game = build_game(scores, capacities)
    del scores
    built, cpu = time.perf_counter(), time.process_time()
    matching = game.solve(optimal="resident")
    solved, cpu = time.perf_counter(), time.process_time() - cpu
    assignment = np.full(len(game.residents), -1, dtype=np.int64)
    for hospital, residents in matching.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    np.save(out_path, assignment)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent.
    with open("/proc/self/status") as status:
        peak_mb = int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": solved - built, "cpu": cpu, "build_seconds": built - started, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
