"""Schema fuzzing: schemathesis drives every API v1 operation from the OpenAPI schema, once per role.

No input, however odd, may give a 5xx, and every response must match the schema (status
code, content type and body). The schema is loaded through the WSGI app, so requests run
in the test's database transaction and see the people and objects made below.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Background
from matching.models import Goal
from matching.services.meetings import accept_meeting, propose_meeting
from matching.services.messages import conversation_of, post_message
from matching.services.requests import accept_request
from mentorship.wsgi import application
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and role: the whole file stays within about two minutes.
POSITIVE_EXAMPLES = 5
NEGATIVE_EXAMPLES = 3


def load(mode: GenerationMode) -> Any:
    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    loaded.config.generation.update(modes=[mode])
    return loaded


# Valid input must get a documented answer (every operation, no exceptions); any input
# at all must not get a 5xx.
positive = load(GenerationMode.POSITIVE)
negative = load(GenerationMode.NEGATIVE)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the WSGI app directly, not through Django's test client, so
    request_finished would close the test's connection (its transaction makes it look
    unusable) on PostgreSQL; the test client disconnects that handler the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def private_cache(settings: Any) -> None:
    # The fuzzer hits the login throttle, which counts in the cache: keep that out of other tests.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}}


def populated() -> dict[str, Any]:
    """A small program with objects of every kind, so fuzzed ids sometimes hit real rows."""
    mentee = make_mentee(
        stage="ms3", targets=("orthopaedic-surgery--orthopaedic-sports-medicine",), topics=["research"]
    )
    mentor = make_mentor(specialty="orthopaedic-surgery", capacity=5, topics=["research"], kinds=["long_term"])
    give_background(mentor.user, "gender_identity", "woman", Background.Visibility.EVERYONE)
    others = [make_mentor(specialty=slug) for slug in ("family-medicine", "pediatrics", "internal-medicine")]
    make_request(mentee=mentee, mentor=others[0])
    accept_request(request=make_request(mentee=mentee, mentor=others[1]), by=others[1].user)
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    Goal.objects.create(mentorship=mentorship, text="Submit the abstract", created_by=mentee.user)
    # The live mentorship: a proposed and an accepted meeting, messages both ways.
    soon = timezone.now() + datetime.timedelta(days=2)
    propose_meeting(mentorship=mentorship, by=mentee.user, start=soon)
    accept_meeting(meeting=propose_meeting(mentorship=mentorship, by=mentor.user, start=soon), by=mentee.user)
    conversation = conversation_of(mentorship)
    post_message(conversation=conversation, by=mentee.user, body="Hello!")
    post_message(conversation=conversation, by=mentor.user, body="Welcome.")
    return {"mentee": mentee.user, "mentor": mentor.user, "coordinator": make_coordinator()}


@pytest.fixture
def auth_headers(role: str, private_cache: None) -> dict[str, str]:
    user = populated()[role]
    return {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"}


def fuzzed(examples: int) -> Any:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases every run: a failure here is a bug, never bad luck
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator"])
@positive.parametrize()
@fuzzed(POSITIVE_EXAMPLES)
def test_valid_requests_get_documented_responses(case: Any, role: str, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=CHECKS)


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator"])
@negative.parametrize()
@fuzzed(NEGATIVE_EXAMPLES)
def test_invalid_requests_never_get_a_server_error(case: Any, role: str, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error])
