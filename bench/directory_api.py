"""The mentor directory API at 10,000 mentors (issue 5), against a plain list in the same run.

Builds a throwaway database (SQLite in memory, or a test database beside DATABASE_URL's
when it is set) with 10,000 verified mentors generated like the demo population, signs
in a mentee, and times through Django's test client:

- ``GET /api/v1/mentors/``: every mentor scored for the mentee, sorted, first page with reasons;
- the same with a specialty filter, and sorted by name (still scored: each card shows its match);
- the baseline: a plain DRF list of the same page of mentors, unsorted, no scoring.

Requests alternate between the variants so a noisy machine slows them alike. Results are
recorded in docs/bench-directory.md. Usage, from the repo root::

    .venv/bin/python bench/directory_api.py [--mentors 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import django  # noqa: E402 (needs ROOT on the path and the settings module set)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Prefetch  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics  # noqa: E402

from accounts.management import demo  # noqa: E402
from accounts.models import Background, MentorProfile, Specialty, User  # noqa: E402
from matching.api.common import Pages  # noqa: E402
from matching.api.serializers import MentorCardSerializer  # noqa: E402
from matching.services import directory as engine  # noqa: E402

GOAL_P95_MS = 50.0


class PlainMentorList(generics.ListAPIView[MentorProfile]):
    """The baseline: the same page of the same cards (no match, no active count), in primary-key order."""

    serializer_class = MentorCardSerializer
    pagination_class = Pages
    queryset = (
        MentorProfile.objects.verified()
        .select_related("user", "specialty")
        .prefetch_related(
            Prefetch("subspecialties", queryset=Specialty.objects.order_by("name", "id")),
            Prefetch(
                "user__background",
                queryset=Background.objects.filter(visibility=Background.Visibility.EVERYONE),
                to_attr="public_background",
            ),
        )
        .order_by("pk")
    )


def bench_urlconf() -> str:
    from mentorship import urls

    module = types.ModuleType("bench_directory_urls")
    module.urlpatterns = [path("bench/plain-mentors/", PlainMentorList.as_view()), *urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module.__name__


def build(mentors: int) -> User:
    """The demo population's generator at full size, every mentor verified; returns the demo mentee."""
    call_command("seed_demo", mentors=mentors, mentees=0, quiet=True)
    MentorProfile.objects.update(verification=MentorProfile.Verification.VERIFIED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load: realistic query plans
    return User.objects.get(email=demo.DEMO_MENTEE_EMAIL)


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = 1000 * (time.perf_counter() - started)
    assert response.status_code == 200, response.content[:500]
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    options, _ = parser.parse_known_args()  # `make bench` passes every script the same arguments

    setup_test_environment()
    # A private cache: the index version lives in the cache, and a shared one (Redis, or other
    # processes on this machine) would make this process rebuild its index mid-measurement.
    private_cache = override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    private_cache.enable()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        mentee = build(options.mentors)
        built = time.perf_counter() - started
        client = Client()
        client.force_login(mentee)
        specialty = str(Specialty.objects.get(slug="orthopaedic-surgery").pk)
        variants: dict[str, Callable[[], Any]] = {
            "directory, by score (default)": lambda: client.get("/api/v1/mentors/"),
            "directory, by score, specialty + related filter": lambda: client.get(
                "/api/v1/mentors/", {"specialty": specialty, "related": "true"}
            ),
            "directory, by name (still scored)": lambda: client.get("/api/v1/mentors/", {"ordering": "name"}),
            "baseline: plain DRF list, same page, unsorted": lambda: client.get("/bench/plain-mentors/"),
        }
        with override_settings(ROOT_URLCONF=bench_urlconf()):
            engine.reset()
            index_ms = timed(variants["directory, by score (default)"])  # first call builds the index
            first = client.get("/api/v1/mentors/").json()
            for call in variants.values():  # warm-up
                for _ in range(5):
                    timed(call)
            samples: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(options.requests):
                for name, call in variants.items():
                    samples[name].append(timed(call))
        report(options, samples, index_ms=index_ms, built=built, first=first)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        private_cache.disable()
    return 0


def report(options: Any, samples: dict[str, list[float]], *, index_ms: float, built: float, first: Any) -> None:
    baseline = statistics.median(samples["baseline: plain DRF list, same page, unsorted"])
    baseline_p95 = percentile(samples["baseline: plain DRF list, same page, unsorted"], 0.95)
    vendor = connection.vendor
    print(
        f"{options.mentors} verified mentors, {options.requests} requests per variant, page of "
        f"{len(first['results'])}, {vendor}; population built in {built:.0f} s; first request "
        f"(builds the per-process index) {index_ms:.0f} ms\n"
    )
    print("| Variant | p50 ms | p95 ms | p50 ÷ baseline | p95 ÷ baseline |")
    print("|---|---:|---:|---:|---:|")
    for name, values in samples.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {p50 / baseline:.2f} | {p95 / baseline_p95:.2f} |")
    p95 = percentile(samples["directory, by score (default)"], 0.95)
    verdict = "meets" if p95 <= GOAL_P95_MS else "MISSES"
    print(f"\nDirectory p95 {p95:.1f} ms {verdict} the goal of {GOAL_P95_MS:.0f} ms.")
    top = first["results"][0]
    print(f"Top card: score {top['match']['score']}, first reason: {top['match']['reasons'][0]['text']!r}")


if __name__ == "__main__":
    raise SystemExit(main())
