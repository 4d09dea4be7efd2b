"""Clinician-style cases (tests/matching/clinician_cases.yaml), each run through ``GET /api/v1/mentors/``.

A case is a mentee and a handful of mentors who are alike in everything but what the case is
about; the directory must list them as a program director would, with the reasons a
clinician would write. The last tests check that the table covers every rung of the
alignment ladder, every stage and every profession path.
"""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MenteeProfile, MentorProfile, Specialty
from matching.scoring.alignment import LADDER
from tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "clinician_cases.yaml").read_text())["cases"]
MENTORS = "/api/v1/mentors/"
EVENINGS = [{"day": 1, "start": "18:00", "end": "21:00"}, {"day": 3, "start": "18:00", "end": "21:00"}]
ALIKE = {
    "topics": ["residency_applications", "research", "career_planning"],
    "kinds": ["long_term", "short_term", "task"],
    "availability": EVENINGS,
    "meeting_modes": ["video"],
    "languages": ["en"],
}


def make_case_mentee(spec: dict[str, Any]) -> MenteeProfile:
    current = spec.get("current_specialty")
    return make_mentee(
        stage=spec.get("stage", "ms3"),
        targets=tuple(spec.get("targets", ())),
        intended_profession=spec.get("profession", "physician"),
        md_phd=spec.get("md_phd", False),
        current_specialty=Specialty.objects.get(slug=current) if current else None,
        **{**ALIKE, "kinds": ["long_term"]},
    )


def make_case_mentor(spec: dict[str, Any]) -> MentorProfile:
    fields = dict(spec)
    days = fields.pop("verified_days_ago", None)
    profile = make_mentor(
        specialty=fields.pop("specialty"),
        subspecialties=tuple(fields.pop("subspecialties", ())),
        **{**ALIKE, "capacity": 3, **fields},
    )
    if days is not None:
        profile.verified_at = timezone.now() - datetime.timedelta(days=days)
        profile.save(update_fields=["verified_at"])
    return profile


def directory(case: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """(mentor names in the order the directory lists them, each one's match) for the case's mentee."""
    mentee = make_case_mentee(case["mentee"])
    names = {make_case_mentor(spec).user_id: name for name, spec in case["mentors"].items()}
    client = APIClient()
    client.force_authenticate(mentee.user)
    response = client.get(MENTORS)
    assert response.status_code == 200, response.json()
    listed = [item for item in response.json()["results"] if item["id"] in names]
    return [names[item["id"]] for item in listed], {names[item["id"]]: item["match"] for item in listed}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_directory_ranks_as_a_program_director_would(case: dict[str, Any]) -> None:
    order, matches = directory(case)
    assert sorted(order) == sorted(case["mentors"]), "every mentor of the case is listed"
    score = {name: match["score"] for name, match in matches.items()}
    shown = [
        f"{name} {score[name]}: {matches[name]['reasons'][0]['text'] if matches[name]['reasons'] else ''}"
        for name in order
    ]
    if "order" in case:
        assert order == case["order"], shown
        assert all(score[a] > score[b] for a, b in itertools.pairwise(order)), shown
    for better, worse in case.get("prefer", ()):
        assert order.index(better) < order.index(worse) and score[better] > score[worse], shown
    for first, second in case.get("ties", ()):
        assert score[first] == score[second], shown
        assert order.index(first) < order.index(second), shown
    for name, text in case.get("reason", {}).items():
        assert matches[name]["reasons"][0]["text"] == text, shown
        assert matches[name]["reasons"][0]["component"] == "specialty"
    for name in case.get("no_field_reason", ()):
        assert all(reason["component"] != "specialty" for reason in matches[name]["reasons"]), shown


# --- The table covers what it must --------------------------------------------------------------


def covered() -> set[str]:
    return {item for case in CASES for item in case["covers"]}


def test_the_table_has_at_least_sixty_cases_with_unique_ids() -> None:
    assert len(CASES) >= 60
    assert len({case["id"] for case in CASES}) == len(CASES)


def test_the_table_covers_every_rung_stage_and_profession() -> None:
    rungs = {rung.key for rung in LADDER} - {"subspecialty"} | {"subspecialty", "entry_route", "related_link"}
    assert rungs <= covered()
    assert set(MenteeProfile.Stage.values) <= covered()
    assert {"profession", "md_phd", "ties", "reasons", "issue"} <= covered()
    professions = {case["mentee"].get("profession", "physician") for case in CASES}
    assert professions >= set(MenteeProfile.IntendedProfession.values) - {"md", "other"}
