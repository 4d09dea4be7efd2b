"""The permissions matrix: every workflow API operation, for every role, on own and others' objects.

"mentee" and "mentor" are the two people the object belongs to; "other mentee" and
"other mentor" are signed-in people it does not belong to. Another person's object is a
403 or a 404 with an error body, never its data and never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from matching.models import Goal, Mentorship, MentorshipRequest
from matching.services.requests import accept_request, end_mentorship
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

ACTORS = ("mentee", "mentor", "coordinator", "other_mentee", "other_mentor", "anonymous")
DENIED = {401, 403}
HIDDEN = {403, 404}  # another person's object: refused or unseen, never shown


@dataclass
class World:
    people: dict[str, User | None]
    mentor_id: int
    request: MentorshipRequest | None = None
    mentorship: Mentorship | None = None
    goal: Goal | None = None


def build(state: str) -> World:
    """Two participants, two outsiders, a coordinator, and the object the operation needs."""
    mentee, mentor = make_mentee(), make_mentor(capacity=3)
    world = World(
        people={
            "mentee": mentee.user,
            "mentor": mentor.user,
            "coordinator": make_coordinator(),
            "other_mentee": make_mentee().user,
            "other_mentor": make_mentor().user,
            "anonymous": None,
        },
        mentor_id=mentor.user.pk,
    )
    if state in ("pending", "accepted"):
        world.request = make_request(mentee=mentee, mentor=mentor)
        if state == "accepted":
            world.request = accept_request(request=world.request, by=mentor.user)
    elif state in ("active", "ended"):
        world.mentorship = make_mentorship(mentee=mentee, mentor=mentor)
        world.goal = Goal.objects.create(mentorship=world.mentorship, text="Mock interview")
        if state == "ended":
            end_mentorship(mentorship=world.mentorship, by=mentee.user, outcome="ended", reason="schedule")
    return world


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    url: str  # {mentor}, {request}, {mentorship}, {goal} filled from the world
    state: str  # the object the operation acts on: none, pending, accepted, active, ended
    expected: dict[str, int | set[int]]  # actor -> status; missing actors are denied
    body: dict[str, Any] | None = None
    owned: bool = True  # acts on an object the mentee/mentor own (so outsiders must not see it)


def role_only(ok: int, *roles: str) -> dict[str, int | set[int]]:
    return {role: ok for role in roles}


PARTICIPANTS_AND_COORDINATOR = ("mentee", "mentor", "coordinator")
# fmt: off
OPERATIONS = [
    Operation("directory", "get", "/api/v1/mentors/", "none", role_only(200, "mentee", "other_mentee"), owned=False),
    Operation(
        "mentor page", "get", "/api/v1/mentors/{mentor}/", "none", role_only(200, "mentee", "other_mentee"), owned=False
    ),
    Operation(
        "suggested mentees", "get", "/api/v1/mentees/suggested/", "none",
        role_only(200, "mentor", "other_mentor"), owned=False,
    ),
    Operation(
        "request list", "get", "/api/v1/requests/", "pending",
        {**role_only(200, *PARTICIPANTS_AND_COORDINATOR), "other_mentee": 200, "other_mentor": 200},
    ),
    Operation(
        "request create", "post", "/api/v1/requests/", "none", role_only(201, "mentee", "other_mentee"),
        body={"mentor": "{mentor}", "kind": "long_term", "message": "Hello"}, owned=False,
    ),
    Operation(
        "request detail", "get", "/api/v1/requests/{request}/", "pending",
        role_only(200, *PARTICIPANTS_AND_COORDINATOR),
    ),
    Operation(
        "accept", "post", "/api/v1/requests/{request}/accept/", "pending",
        {"mentor": 200, "mentee": 403, "coordinator": 403},
    ),
    Operation(
        "decline", "post", "/api/v1/requests/{request}/decline/", "pending",
        {"mentor": 200, "mentee": 403, "coordinator": 403}, body={"reason": "schedule"},
    ),
    Operation(
        "withdraw", "post", "/api/v1/requests/{request}/withdraw/", "pending",
        {"mentee": 200, "mentor": 403, "coordinator": 403},
    ),
    Operation("approve", "post", "/api/v1/requests/{request}/approve/", "accepted", {"coordinator": 200}),
    Operation(
        "reject", "post", "/api/v1/requests/{request}/reject/", "accepted", {"coordinator": 200}, body={"note": "No"},
    ),
    Operation(
        "mentorship list", "get", "/api/v1/mentorships/", "active",
        {**role_only(200, *PARTICIPANTS_AND_COORDINATOR), "other_mentee": 200, "other_mentor": 200},
    ),
    Operation(
        "mentorship detail", "get", "/api/v1/mentorships/{mentorship}/", "active",
        role_only(200, *PARTICIPANTS_AND_COORDINATOR),
    ),
    Operation(
        "end", "post", "/api/v1/mentorships/{mentorship}/end/", "active", role_only(200, *PARTICIPANTS_AND_COORDINATOR),
        body={"outcome": "completed", "reason": "goals_met", "feedback": "Thanks", "rating": 5},
    ),
    Operation(
        "rematch", "post", "/api/v1/mentorships/{mentorship}/rematch/", "ended",
        {"mentee": 200, "mentor": 403, "coordinator": 403},
    ),
    Operation(
        "feedback", "post", "/api/v1/mentorships/{mentorship}/feedback/", "ended",
        {"mentee": 200, "mentor": 200, "coordinator": 403}, body={"feedback": "Thank you", "rating": 4},
    ),
    Operation(
        "goal list", "get", "/api/v1/mentorships/{mentorship}/goals/", "active",
        {"mentee": 200, "mentor": 200, "coordinator": 403},
    ),
    Operation(
        "goal create", "post", "/api/v1/mentorships/{mentorship}/goals/", "active",
        {"mentee": 201, "mentor": 201, "coordinator": 403}, body={"text": "Shadow a clinic day"},
    ),
    Operation(
        "goal update", "patch", "/api/v1/mentorships/{mentorship}/goals/{goal}/", "active",
        {"mentee": 200, "mentor": 200, "coordinator": 403}, body={"done": True},
    ),
]
# fmt: on


def expected_status(operation: Operation, actor: str) -> set[int]:
    if actor == "anonymous":
        return DENIED
    if actor in operation.expected:
        found = operation.expected[actor]
        return found if isinstance(found, set) else {found}
    if operation.owned and actor.startswith("other_"):
        return HIDDEN
    return {403}


CASES = [
    pytest.param(operation, actor, id=f"{operation.name}-{actor}".replace(" ", "_"))
    for operation in OPERATIONS
    for actor in ACTORS
]


def fill(template: Any, world: World) -> Any:
    if not isinstance(template, str):
        return template
    values = {
        "mentor": world.mentor_id,
        "request": world.request.pk if world.request else 0,
        "mentorship": world.mentorship.pk if world.mentorship else 0,
        "goal": world.goal.pk if world.goal else 0,
    }
    filled = template.format(**values)
    return int(filled) if filled.isdigit() and template.startswith("{") else filled


@pytest.mark.parametrize(("operation", "actor"), CASES)
def test_permissions_matrix(operation: Operation, actor: str) -> None:
    world = build(operation.state)
    client = APIClient()
    person = world.people[actor]
    if person is not None:
        client.force_authenticate(person)
    body = {key: fill(value, world) for key, value in (operation.body or {}).items()}

    response = getattr(client, operation.method)(fill(operation.url, world), body or None, format="json")

    assert response.status_code in expected_status(operation, actor), (response.status_code, response.content)
    payload = response.json()
    if response.status_code >= 400:
        # An error names what went wrong and nothing else: no fields of the object.
        assert set(payload) == {"detail", "code"}, payload
    elif actor.startswith("other_") and operation.owned:
        # A list an outsider may open shows none of the participants' rows.
        shown = {item["id"] for item in payload["results"]}
        assert not shown & {getattr(world.request, "pk", None), getattr(world.mentorship, "pk", None)}


WORKFLOW_API_MODULES = {"matching.api.directory", "matching.api.requests", "matching.api.mentorships"}


def test_the_matrix_covers_every_operation_of_the_workflow_api() -> None:
    from mentorship.urls import router

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)

    routed = set()
    for pattern in router.urls:
        view = pattern.callback
        if (
            getattr(view, "cls", None) is None
            or view.cls.__module__ not in WORKFLOW_API_MODULES
            or "format" in str(pattern)
        ):
            continue
        path = re.sub(r"\(\?P<[^>]+>[^)]+\)", "{}", str(pattern.pattern).strip("^$"))
        routed |= {(method, f"/api/v1/{path}") for method in view.actions if method != "head"}
    in_matrix = {(operation.method, shape(operation.url)) for operation in OPERATIONS}
    assert routed == in_matrix
