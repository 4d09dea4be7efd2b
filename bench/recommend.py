"""Recommendations: top-10 mentors for one mentee, vectorised index vs scoring every pair.

Synthetic but realistic directories of 1k, 10k and 100k mentors (real taxonomy, specialty
plus subspecialties, evening and weekend slots across timezones, background attributes
with mixed visibility, comfort preferences including musts). For each size:

- build: ``MentorIndex.build`` over every mentor (not part of a query);
- top-10: ``rank_mentors(mentee, limit=10)``, ids and scores, over many mentees;
- +reasons: ``top_mentors(mentee, 10)``, the same plus ``score_pair`` reasons for the ten;
- directory: the full ordering, ``rank_mentors(mentee)``;
- baseline: ``score_pair(..., explain=False)`` for every mentor in plain Python, then a
  sort, for a few mentees (at 100k on a sample of mentors, extrapolated linearly).

Each query is timed as the best of three runs (the machine is shared); medians and p95
are over the mentees.

    .venv/bin/python bench/recommend.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accounts import taxonomy
from matching.scoring.availability import slots_to_utc_mask
from matching.scoring.components import DEFAULT_WEIGHTS, Background, MenteeFeatures, MentorFeatures, score_pair
from matching.scoring.index import MentorIndex, SpecialtySpace
from matching.scoring.vocabulary import (
    BACKGROUND_ATTRIBUTES,
    FLAG_ATTRIBUTES,
    KINDS,
    PREFERENCE_GROUPS,
    RACE_ETHNICITIES,
    STAGES,
    TOPICS,
)

ZONES = [("America/New_York", 40), ("America/Chicago", 20), ("America/Denver", 8), ("America/Los_Angeles", 22)]
ZONES += [("Europe/London", 4), ("Asia/Kolkata", 3), ("Asia/Manila", 3)]
STATES = "AL AZ CA CO CT FL GA IL IN MA MD MI MN MO NC NJ NY OH PA TN TX VA WA WI"
REGIONS = [f"US-{state}" for state in STATES.split(" ")]
SECOND_LANGUAGES = ["es", "zh", "hi", "ar", "fr", "vi", "ko", "tl", "pt", "ru"]
FLAG_RATES = {"first_generation": 0.2, "urm": 0.18, "lgbtq": 0.1, "disability": 0.06, "rural": 0.12}
FLAG_RATES["international"] = 0.1


class Population:
    """Deterministic synthetic mentors and mentees over the real taxonomy."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        nodes = taxonomy.TAXONOMY.nodes
        self.specialties = [node.slug for node in nodes if node.parent is None]
        self.children = {slug: [n.slug for n in nodes if n.parent == slug] for slug in self.specialties}
        self.all_slugs = [node.slug for node in nodes]

    def weighted(self, pairs: list[tuple[str, int]]) -> str:
        return self.rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]

    def availability(self, slots: int) -> tuple[int, str]:
        zone = self.weighted(ZONES)
        chosen = []
        for _ in range(slots):
            day = self.rng.randrange(7)
            start = self.rng.choice([7, 12, 17, 18, 19, 20]) if day < 5 else self.rng.randrange(9, 18)
            chosen.append((day, f"{start:02d}:00", f"{start + self.rng.randint(1, 3):02d}:00"))
        return slots_to_utc_mask(chosen, zone), zone

    def background(self) -> Background:
        rng = self.rng
        gender = self.weighted([("woman", 47), ("man", 48), ("nonbinary", 2), ("", 3)]) or None
        race = frozenset(rng.sample(RACE_ETHNICITIES, 1)) if rng.random() < 0.9 else frozenset()
        flags = {flag: (rng.random() < rate) if rng.random() < 0.85 else None for flag, rate in FLAG_RATES.items()}
        visibility = {
            a: self.weighted([("everyone", 4), ("coordinators", 2), ("private", 4)]) for a in BACKGROUND_ATTRIBUTES
        }
        return Background(gender_identity=gender, race_ethnicity=race, visibility=visibility, **flags)

    def languages(self) -> frozenset[str]:
        return frozenset({"en", self.rng.choice(SECOND_LANGUAGES)}) if self.rng.random() < 0.3 else frozenset({"en"})

    def modes(self) -> frozenset[str]:
        rng = self.rng
        found = {mode for mode, rate in (("video", 0.9), ("phone", 0.5), ("in_person", 0.3)) if rng.random() < rate}
        return frozenset(found or {"video"})

    def mentor(self, mentor_id: int) -> MentorFeatures:
        rng = self.rng
        specialty = rng.choice(self.specialties)
        subspecialties = self.children[specialty]
        fields = (specialty, *rng.sample(subspecialties, min(len(subspecialties), rng.choice([0, 0, 1, 1, 1, 2]))))
        mask, zone = self.availability(rng.randint(1, 4))
        capacity = rng.randint(1, 5)
        prefers = rng.random() < 0.25
        return MentorFeatures(
            id=mentor_id,
            specialties=fields,
            topics=frozenset(rng.sample(TOPICS, rng.randint(3, 8))),
            kinds=frozenset(rng.sample(KINDS, rng.randint(1, 3))) if rng.random() < 0.7 else frozenset(),
            availability=mask,
            timezone=zone,
            modes=self.modes(),
            region=rng.choice(REGIONS),
            languages=self.languages(),
            background=self.background(),
            preferred_stages=frozenset(rng.sample(STAGES, rng.randint(1, 3))) if prefers else frozenset(),
            preferred_groups=frozenset(rng.sample(PREFERENCE_GROUPS, 1))
            if prefers and rng.random() < 0.5
            else frozenset(),
            capacity=capacity,
            active=rng.randint(0, capacity),
            accepting=rng.random() < 0.9,
        )

    def mentee(self, mentee_id: int) -> MenteeFeatures:
        rng = self.rng
        mask, zone = self.availability(rng.randint(1, 5))
        comfort = {}
        if rng.random() < 0.4:
            for attribute in rng.sample(["gender_identity", "race_ethnicity", *FLAG_ATTRIBUTES], rng.randint(1, 2)):
                comfort[attribute] = self.weighted([("nice", 50), ("important", 40), ("must", 10)])
        return MenteeFeatures(
            id=mentee_id,
            stage=rng.choice(STAGES),
            target_specialties=tuple(rng.sample(self.all_slugs, int(self.weighted([("0", 15), ("1", 60), ("2", 25)])))),
            goals=frozenset(rng.sample(TOPICS, rng.randint(1, 5))),
            kind=rng.choice([None, None, *KINDS]),
            availability=mask,
            timezone=zone,
            modes=self.modes(),
            region=rng.choice(REGIONS),
            languages=self.languages(),
            background=self.background(),
            comfort=comfort,
        )


def timed(function: Callable[[], object], repeats: int = 3) -> float:
    """The best of ``repeats`` runs: the machine is shared, and a preempted run says nothing."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def pair_by_pair(mentee: MenteeFeatures, mentors: list[MentorFeatures], space: SpecialtySpace) -> list[int]:
    """The baseline: score every pair in plain Python, then sort."""
    scored = []
    for mentor in mentors:
        match = score_pair(mentee, mentor, DEFAULT_WEIGHTS, space, explain=False)
        if match is not None and mentor.is_open:
            # The stated tie rule: more open places, then the earlier verified, then the id.
            scored.append((-match.score, -mentor.open_places, mentor.verified_at, mentor.id))
    scored.sort()
    return [row[-1] for row in scored[:10]]


def run(size: int, queries: int, baseline_queries: int, baseline_sample: int, space: SpecialtySpace) -> list[str]:
    population = Population(seed=size)
    mentors = [population.mentor(mentor_id) for mentor_id in range(1, size + 1)]
    mentees = [population.mentee(mentee_id) for mentee_id in range(1, queries + 1)]
    gc.collect()
    build_start = time.perf_counter()
    index = MentorIndex.build(mentors, space=space)
    build = time.perf_counter() - build_start

    for mentee in mentees[:5]:  # warm up caches and check the two paths agree
        ids, _ = index.rank_mentors(mentee, limit=10)
        if size <= 10_000 and ids.tolist() != pair_by_pair(mentee, mentors, space):
            raise SystemExit(f"index and pair-by-pair top-10 differ at {size}")
    top = [timed(partial(index.rank_mentors, mentee, limit=10)) for mentee in mentees]
    explained = [timed(partial(index.top_mentors, mentee, 10)) for mentee in mentees[: max(20, queries // 4)]]
    directory = [timed(partial(index.rank_mentors, mentee)) for mentee in mentees[: max(10, queries // 10)]]

    sample = mentors[:baseline_sample]
    baseline = [timed(partial(pair_by_pair, mentee, sample, space), 1) for mentee in mentees[:baseline_queries]]
    baseline_ms = statistics.median(baseline) * 1e3 * size / len(sample)

    ms = 1e3
    top_median = statistics.median(top) * ms
    note = "" if len(sample) == size else f"  (sampled {len(sample):,}, x{size // len(sample)})"
    return [
        f"{size:>9,}  {build:>7.2f}  {top_median:>7.3f}  {percentile(top, 0.95) * ms:>7.3f}"
        f"  {statistics.median(explained) * ms:>7.3f}  {percentile(explained, 0.95) * ms:>7.3f}"
        f"  {statistics.median(directory) * ms:>8.2f}  {baseline_ms:>10.1f}  {baseline_ms / top_median:>8,.0f}x{note}"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 10k mentors, fewer queries")
    options = parser.parse_args()
    sizes = [1_000, 10_000] if options.quick else [1_000, 10_000, 100_000]
    queries = 50 if options.quick else 200

    build_start = time.perf_counter()
    space = SpecialtySpace.from_taxonomy(taxonomy.TAXONOMY)
    print(f"specialty space: {len(space.slugs)} slugs, built in {time.perf_counter() - build_start:.2f} s")
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(
        f"top-10 mentors for one mentee; {queries} mentees; times in ms unless marked s;"
        " targets 0.5 ms @10k, 3 ms @100k"
    )
    print()
    print("  mentors  build s  top-10   p95    +reasons  p95   directory  pair-by-pair  speed-up")
    print("                    median          median         full rank  (baseline)    top-10")
    for size in sizes:
        baseline_sample = min(size, 10_000)
        baseline_queries = 10 if size <= 1_000 else 5
        for line in run(size, queries, baseline_queries, baseline_sample, space):
            print(line, flush=True)
    print("\nper mentee: best of 3 runs; baseline: one run per mentee, median")
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
