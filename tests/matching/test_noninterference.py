"""Non-interference (PRODUCT §5): nobody learns a hidden value from anything they can read.

A property test over generated populations. For each reader - a mentee, a mentor, a
coordinator - and each value that reader may not see (another person's background answer
not shown to them, a mentee's comfort preferences, a mentor's preferred groups, and for
coordinators an "only me" answer), flipping the value must leave every response the
reader gets byte for byte the same: the directory list and each mentor's detail page
(mentee), the suggested mentees (mentor), a cohort proposal and the CSV exports
(coordinator).

Each example builds its population inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Background, MenteeProfile, MentorProfile, Program, User
from accounts.services import set_background
from matching.services import cohort, csv_io
from matching.services import directory as engine
from matching.tasks import run_cohort
from tests.factories import make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

ATTRIBUTES = tuple(Background.Attribute.values)
LEVELS = tuple(Background.Visibility.values)
HIDDEN_FROM = {
    # What another mentee or mentor may not see, and what coordinators may not see.
    "mentee": ("private", "coordinators"),
    "mentor": ("private", "coordinators"),
    "coordinator": ("private",),
}
SPECIALTIES = ("orthopaedic-surgery", "internal-medicine", "pediatrics")
STAGES = ("undergraduate", "ms3", "resident")
TOPICS = ("residency_applications", "research", "career_planning", "specialty_choice", "mock_interview")
GROUPS = tuple(MentorProfile.PreferredGroup.values)
EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(3)]


def value_of(attribute: str) -> st.SearchStrategy[Any]:
    if attribute == "gender_identity":
        return st.sampled_from(Background.Gender.values)
    if attribute == "race_ethnicity":
        return st.lists(st.sampled_from(Background.Race.values), min_size=1, max_size=2, unique=True)
    return st.booleans()


Entry = tuple[Any, str] | None  # (value, visibility), or not answered

backgrounds = st.fixed_dictionaries(
    {a: st.none() | st.tuples(value_of(a), st.sampled_from(LEVELS)) for a in ATTRIBUTES}
).map(lambda entries: {a: e for a, e in entries.items() if e is not None})
comforts = st.dictionaries(
    st.sampled_from(ATTRIBUTES), st.sampled_from(("nice", "important", "must")), min_size=1, max_size=3
)
groups = st.lists(st.sampled_from(GROUPS), max_size=2, unique=True)


@dataclass
class MenteeSpec:
    stage: str
    target: str
    topics: list[str]
    background: dict[str, tuple[Any, str]]
    comfort: dict[str, str]


@dataclass
class MentorSpec:
    specialty: str
    topics: list[str]
    capacity: int
    stages: list[str]
    groups: list[str]
    background: dict[str, tuple[Any, str]]


topic_lists = st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True)
mentees = st.builds(
    MenteeSpec, st.sampled_from(STAGES), st.sampled_from(SPECIALTIES), topic_lists, backgrounds, comforts
)
mentors = st.builds(
    MentorSpec,
    st.sampled_from(SPECIALTIES),
    topic_lists,
    st.integers(1, 2),
    st.lists(st.sampled_from(STAGES), max_size=1),
    groups,
    backgrounds,
)


@dataclass
class Population:
    mentees: list[User]
    mentors: list[User]
    coordinator: User


def build(mentee_specs: list[MenteeSpec], mentor_specs: list[MentorSpec]) -> Population:
    people = Population([], [], make_coordinator())
    for spec in mentee_specs:
        profile = make_mentee(
            stage=spec.stage,
            targets=(spec.target,),
            topics=spec.topics,
            availability=EVENINGS,
            comfort_preferences=spec.comfort,
        )
        set_background(user=profile.user, values=dict(spec.background))
        people.mentees.append(profile.user)
    for spec in mentor_specs:
        profile = make_mentor(
            specialty=spec.specialty,
            topics=spec.topics,
            availability=EVENINGS,
            capacity=spec.capacity,
            preferred_stages=spec.stages,
            preferred_groups=spec.groups,
        )
        set_background(user=profile.user, values=dict(spec.background))
        people.mentors.append(profile.user)
    return people


# --- What each reader reads ------------------------------------------------------------------


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def readings(reader: str, people: Population) -> dict[str, Any]:
    engine.reset()  # build from what the database holds now
    if reader == "mentee":
        client = client_for(people.mentees[0])
        found: dict[str, Any] = {
            "list": client.get("/api/v1/mentors/", {"page_size": 100}).json(),
            "everyone": client.get("/api/v1/mentors/", {"page_size": 100, "accepting": "all"}).json(),
        }
        for mentor in people.mentors:
            found[f"detail {mentor.pk}"] = client.get(f"/api/v1/mentors/{mentor.pk}/").json()
        return found
    if reader == "mentor":
        client = client_for(people.mentors[0])
        return {"suggested": client.get("/api/v1/mentees/suggested/", {"page_size": 100}).json()}
    found = {}
    for algorithm in ("stable", "optimal"):
        run = cohort.create_run(
            program=Program.objects.default(),
            by=people.coordinator,
            algorithm=algorithm,
            min_score=0.0,
            max_load=None,
            mentee_filter={},
            mentor_filter={},
        )
        assert run_cohort(run.pk) == "proposed"  # the task the admin starts
        run.refresh_from_db()
        # How long the run took (wall and CPU) is no reading of anyone's values.
        report = {
            k: v for k, v in run.report.items() if k not in ("timings", "cpu_timings")
        }  # how long it took is no reading of values
        pairs = sorted((p.mentee_id, p.mentor_id, p.score, tuple(p.reasons)) for p in run.pairs.all())
        found[algorithm] = (report, pairs)
    # Reassigning by hand shows the coordinator the score and reasons of any pair they pick.
    for mentee in people.mentees:
        for mentor in people.mentors:
            match, seen_mentee, seen_mentor = cohort.pair_match(run, mentee.pk, mentor.pk)
            shown = (
                None if match is None else (match.score, cohort.coordinator_reasons(match, seen_mentee, seen_mentor))
            )
            found[f"pair {mentee.pk} {mentor.pk}"] = shown
    for name, export in (("participants", csv_io.export_participants), ("matches", csv_io.export_matches)):
        out = io.StringIO()
        export(out, program=Program.objects.default(), by=people.coordinator)
        found[name] = out.getvalue()
    return found


# --- Flipping one hidden value ---------------------------------------------------------------


def in_play() -> set[str]:
    """Attributes some comfort preference or preferred group is about: flips that could matter."""
    found: set[str] = set()
    for comfort in MenteeProfile.objects.values_list("comfort_preferences", flat=True):
        found |= set(comfort)
    for chosen in MentorProfile.objects.values_list("preferred_groups", flat=True):
        found |= {"gender_identity" if group == "women" else group for group in chosen}
    return found


def hidden_background_flip(data: st.DataObject, person: User, levels: tuple[str, ...]) -> dict[str, Entry]:
    """Change one background answer that is hidden from the reader before and after."""
    current = {row.attribute: row.visibility for row in Background.objects.filter(user=person)}
    candidates = [a for a in ATTRIBUTES if current.get(a) in (None, *levels)]
    relevant = [a for a in candidates if a in in_play()]
    choice = st.sampled_from(candidates)
    attribute = data.draw(st.sampled_from(relevant) | choice if relevant else choice, label="attribute")
    entry = data.draw(st.none() | st.tuples(value_of(attribute), st.sampled_from(levels)), label="new answer")
    return {attribute: entry}


def flip(data: st.DataObject, reader: str, people: Population) -> str:
    """Change one value the reader may not see; returns what was flipped, for the report."""
    me = {"mentee": people.mentees[0], "mentor": people.mentors[0]}.get(reader)
    others = [p for p in people.mentees + people.mentors if p != me]
    person = data.draw(st.sampled_from(others), label="whose value")
    is_mentee = hasattr(person, "mentee_profile")
    kinds = ["background"]
    if reader != "coordinator":  # comfort preferences and preferred groups are for coordinators too
        kinds.append("comfort" if is_mentee else "groups")
    kind = data.draw(st.sampled_from(kinds), label="what")
    if kind == "background":
        change = hidden_background_flip(data, person, HIDDEN_FROM[reader])
        set_background(user=person, values=change)
        return f"background {change} of user {person.pk}"
    if kind == "comfort":
        profile = MenteeProfile.objects.get(user=person)
        profile.comfort_preferences = data.draw(comforts, label="new comfort preferences")
        profile.save()
        return f"comfort {profile.comfort_preferences} of user {person.pk}"
    mentor = MentorProfile.objects.get(user=person)
    mentor.preferred_groups = data.draw(groups, label="new preferred groups")
    mentor.save()
    return f"preferred groups {mentor.preferred_groups} of user {person.pk}"


def check(reader: str, data: st.DataObject, mentee_specs: list[MenteeSpec], mentor_specs: list[MentorSpec]) -> None:
    with transaction.atomic():
        people = build(mentee_specs, mentor_specs)
        before = readings(reader, people)
        flipped = flip(data, reader, people)
        after = readings(reader, people)
        transaction.set_rollback(True)
    assert after == before, f"a {reader} reads a change of {flipped}"


EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@EXAMPLES
@given(
    data=st.data(),
    mentee_specs=st.lists(mentees, min_size=2, max_size=3),
    mentor_specs=st.lists(mentors, min_size=2, max_size=3),
)
def test_a_mentee_reads_nothing_of_hidden_values(
    data: st.DataObject, mentee_specs: list[MenteeSpec], mentor_specs: list[MentorSpec]
) -> None:
    check("mentee", data, mentee_specs, mentor_specs)


@EXAMPLES
@given(
    data=st.data(),
    mentee_specs=st.lists(mentees, min_size=2, max_size=3),
    mentor_specs=st.lists(mentors, min_size=2, max_size=3),
)
def test_a_mentor_reads_nothing_of_hidden_values(
    data: st.DataObject, mentee_specs: list[MenteeSpec], mentor_specs: list[MentorSpec]
) -> None:
    check("mentor", data, mentee_specs, mentor_specs)


@EXAMPLES
@given(
    data=st.data(),
    mentee_specs=st.lists(mentees, min_size=2, max_size=3),
    mentor_specs=st.lists(mentors, min_size=2, max_size=3),
)
def test_a_coordinator_reads_nothing_of_only_me_answers(
    data: st.DataObject, mentee_specs: list[MenteeSpec], mentor_specs: list[MentorSpec]
) -> None:
    check("coordinator", data, mentee_specs, mentor_specs)
