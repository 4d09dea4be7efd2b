"""``manage.py cohort_benchmark``: match a large synthetic cohort end to end and time it.

Creates (once; a second run reuses them) a benchmark program of ``--mentees`` mentees and
``--mentors`` verified, accepting mentors of capacity ``--capacity`` in the configured
database, in bulk, with the demo generators' varied profiles (``accounts.management.demo``). Then runs
the cohort task exactly as the admin does and prints the time, split into engine time
(features, scoring, matching, report, reasons) and database time (loading, saving). The
people live in their own program, with their own addresses, so demo data is untouched.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts.management import demo
from accounts.management.commands.seed_demo import Seeder
from accounts.models import Membership, Program, User
from accounts.permissions import COORDINATORS_GROUP
from matching.models import CohortRun
from matching.services import cohort
from matching.tasks import run_cohort

# Generated people are numbered from here, far past any demo seed, so both can coexist.
FIRST_NUMBER = 1_000_001
PROGRAM_SLUG = "cohort-benchmark"
COORDINATOR_EMAIL = "cohort-benchmark-coordinator@bench.example.org"


class Command(BaseCommand):
    help = "Create a synthetic cohort (default 20,000 mentees x 6,000 mentors) and time a cohort match of it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentees", type=int, default=20_000)
        parser.add_argument("--mentors", type=int, default=6_000)
        parser.add_argument("--capacity", type=int, default=4, help="Every mentor's capacity (default 4).")
        parser.add_argument("--algorithm", choices=CohortRun.Algorithm.values, default=CohortRun.Algorithm.OPTIMAL)
        parser.add_argument("--min-score", type=float, default=40.0)
        parser.add_argument("--max-load", type=int, default=None)
        parser.add_argument("--publish", action="store_true", help="Also publish the proposal, and time that.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mentees"] < 1 or options["mentors"] < 1 or not 1 <= options["capacity"] <= 20:
            raise CommandError("--mentees and --mentors must be 1 or more, --capacity 1 to 20.")
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        started = time.perf_counter()
        program, coordinator = self._population(options["mentees"], options["mentors"], options["capacity"])
        self.stdout.write(f"Population ready in {time.perf_counter() - started:.1f} s (not part of the timing)")

        run = cohort.create_run(
            program=program,
            by=coordinator,
            algorithm=options["algorithm"],
            min_score=options["min_score"],
            max_load=options["max_load"],
            mentee_filter={"unmatched_only": True},
            mentor_filter={"accepting_only": True},
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome = run_cohort(run.pk)  # the task itself, in this process
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        run.refresh_from_db()
        if outcome != CohortRun.Status.PROPOSED:
            raise CommandError(f"cohort run #{run.pk} ended {outcome}: {run.progress_message}")
        self._print(run, total, cpu)
        if options["publish"]:
            started = time.perf_counter()
            run = cohort.publish(run=run, by=coordinator)
            published = run.report["published"]
            self.stdout.write(
                f"Publish: {published['created']} {published['as']} created, {len(published['skipped'])} skipped "
                f"in {time.perf_counter() - started:.1f} s"
            )

    def _population(self, mentees: int, mentors: int, capacity: int) -> tuple[Program, User]:
        program, _ = Program.objects.get_or_create(
            slug=PROGRAM_SLUG,
            defaults={"name": "Cohort benchmark", "request_mode": Program.RequestMode.COORDINATOR},
        )
        coordinator, _ = User.objects.get_or_create(
            email=COORDINATOR_EMAIL, defaults={"is_staff": True, "first_name": "Bench", "last_name": "Coordinator"}
        )
        Membership.objects.get_or_create(user=coordinator, program=program, defaults={"role": "coordinator"})
        coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
        seeder = Seeder(password_hash=make_password(None))  # unusable passwords: nobody signs in as these
        seeder.program = program
        numbers = range(FIRST_NUMBER, FIRST_NUMBER + mentors)
        mentor_specs = [
            dataclasses.replace(demo.mentor_spec(n), capacity=capacity, accepting=True, verified=True) for n in numbers
        ]
        mentee_specs = [demo.mentee_spec(n) for n in range(FIRST_NUMBER, FIRST_NUMBER + mentees)]
        with transaction.atomic():
            made_mentors = seeder.create_mentors(mentor_specs, verifier=coordinator)
            made_mentees = seeder.create_mentees(mentee_specs)
        self.stdout.write(f"Created {made_mentors} mentors and {made_mentees} mentees (the rest existed)")
        return program, coordinator

    def _print(self, run: CohortRun, total: float, cpu: float) -> None:
        report = run.report
        engine, database = run.engine_seconds or 0.0, run.db_seconds or 0.0
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.get("timings", {}).items())
        cpu_phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.get("cpu_timings", {}).items())
        self.stdout.write(
            "\n".join(
                [
                    f"Cohort run #{run.pk} ({run.algorithm}, min score {run.min_score}, max load {run.max_load}):",
                    f"  {report['mentees']:,} mentees x {report['mentors']:,} mentors, {report['places']:,} places",
                    f"  matched {report['matched']:,}, unmatched {len(report['unmatched']):,} "
                    f"{report['unmatched_by_reason']}",
                    f"  mean score {report['mean_score']}, lowest {report['lowest_score']}, "
                    f"blocking pairs {report['blocking_pairs']:,}, load {report['load_histogram']}",
                    self.style.SUCCESS(
                        f"  total {total:.2f} s = engine {engine:.2f} s + database {database:.2f} s"
                        f" (+ {max(0.0, total - engine - database):.2f} s task overhead)"
                    ),
                    f"  phases: {phases}",
                    f"  CPU of this process by phase: {cpu_phases}",
                    # On a shared machine wall time includes waiting for a core; CPU time does not.
                    f"  CPU time of this process {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} "
                    f"on {os.cpu_count()} cores",
                ]
            )
        )
