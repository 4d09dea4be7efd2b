"""Every bad input is a 4xx with a message, never a 500 (issue 13).

Findings: ``?parent=9223372036854775808`` on the specialty list, an import cell over
131,072 characters, an address over 254 characters and a NUL byte in a name each gave a
500; a profile accepted 10,000 availability slots. The kind is "input not checked at the
edge", so this file generates such input for every page, form and API operation rather
than for the four found:

- pages: every route of the site (the coordinator's included), as each role, is fetched
  and posted with every field name any of its forms declares set to a NUL byte, a
  200,000-character string, an integer past 64 bits, or 10,000 values at once;
- API: every operation of the OpenAPI schema, as each role, with every query parameter
  and body property set the same way, and huge ids in the path.

tests/matching/test_schema_fuzz.py fuzzes the API for schema conformance besides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import MenteeProfile, MentorProfile
from matching.models import Goal, MentoringPolicy, Notification
from matching.services.checkins import checkin_token, create_due_checkins
from matching.services.circles import add_to_circle, create_circle
from matching.services.notifications import unsubscribe_url
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"
BAD_TEXT = {
    "nul": "a\x00b",
    "long": "x" * 5_000,  # past every length limit of the app (the longest is 2,000)
    "huge": HUGE,
}
MANY = 10_000
SENTINEL = 987654  # reversed into a route, then replaced by HUGE (which no id route would reverse)


# --- The world the requests run in -------------------------------------------------------------------


@pytest.fixture
def world() -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    mentee = make_mentee(stage=MenteeProfile.Stage.MS2)
    mentor = make_mentor(capacity=5)
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    pending = make_request(mentee=mentee, mentor=make_mentor())
    # A group circle of the mentor's, with another of their mentees: its pages and forms are walked too.
    MentoringPolicy.objects.create(program=mentorship.program, group_mentoring=True)
    circle = create_circle(mentor=mentor.user, name="Circle")
    add_to_circle(circle=circle, mentorship=make_mentorship(mentor=mentor), by=mentor.user)
    goal = Goal.objects.create(mentorship=mentorship, text="Draft the personal statement", created_by=mentee.user)
    cadence = mentorship.program.checkin_cadence_days
    create_due_checkins(today=timezone.localdate(mentorship.started_at) + datetime.timedelta(days=cadence))
    checkin = mentorship.checkins.get()
    return {
        "roles": {"mentee": mentee.user, "mentor": mentor.user, "coordinator": make_coordinator()},
        "ints": {
            "pk": [mentorship.pk, pending.pk, circle.pk],
            "user_id": [mentor.user_id, mentee.user_id],
            "goal_id": [goal.pk],
        },
        "tokens": [
            checkin_token(checkin, mentee.user),
            unsubscribe_url(mentee.user, Notification.Kind.CHECKIN_DUE).rstrip("/").rsplit("/", 1)[1],
        ],
        "steps": ["about", "goals", "availability", "professional", "mentoring", "background"],
    }


def routes() -> Iterator[tuple[str, URLPattern]]:
    """Every named route outside the Django admin and the API: (namespaced name, pattern)."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                prefix = str(entry.pattern)
                if prefix.startswith(("api/", "admin/")) and prefix != "admin/coordinator/":
                    continue
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or ""
                yield from walk(entry.url_patterns, inner or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry

    yield from walk(get_resolver().url_patterns, "")


def addresses(name: str, pattern: URLPattern, world: dict[str, Any]) -> list[str]:
    """The route with real and absurd values for each of its arguments."""
    converters = getattr(pattern.pattern, "converters", {})
    if not converters:
        if re.search(r"\(\?P<", str(pattern.pattern)):
            return []  # allauth's key-in-URL routes: opaque keys, checked by allauth
        return [reverse(name)]
    found = []
    kwargs_options: list[dict[str, Any]] = [{}]
    for arg, converter in converters.items():
        kind = type(converter).__name__
        if kind in ("IntConverter", "IdConverter"):
            values: list[Any] = [*world["ints"].get(arg, [1]), SENTINEL]
        elif kind == "SlugConverter":
            values = world["steps"]
        else:
            values = [*world["tokens"], "not-a-token"]
        kwargs_options = [{**option, arg: value} for option in kwargs_options for value in values]
    for kwargs in kwargs_options:
        try:
            found.append(reverse(name, kwargs=kwargs).replace(str(SENTINEL), HUGE))
        except Exception:  # noqa: S112  (an argument the route's converter refuses)
            continue
    return found


def forms_in(response: Any) -> list[forms.BaseForm]:
    found: list[forms.BaseForm] = []
    context = getattr(response, "context", None)
    if context is None:
        return found
    contexts = list(context) if isinstance(context, ContextList) else [context]
    for each in contexts:
        for value in (each.flatten() if hasattr(each, "flatten") else each).values():
            if isinstance(value, forms.BaseForm) and all(value is not other for other in found):
                found.append(value)
    return found


def bad_data(fields: set[str], value: str, *, many: bool = False) -> dict[str, Any]:
    return {name: [value] * MANY if many else value for name in fields}


def rotated(fields: set[str], turn: int) -> dict[str, str]:
    """Each field one kind of bad value, shifted by ``turn``: over all turns, every field gets every kind."""
    kinds = list(BAD_TEXT.values())
    return {name: kinds[(index + turn) % len(kinds)] for index, name in enumerate(sorted(fields))}


# --- Pages and forms ---------------------------------------------------------------------------------


def test_no_page_or_form_answers_bad_input_with_a_500(world: dict[str, Any]) -> None:
    pages = [(name, url) for name, pattern in routes() for url in addresses(name, pattern, world)]
    assert len(pages) > 40
    skip = {"account_logout"}  # signing out mid-walk would end the session the walk needs
    # Phase 1: every page as every role, collecting every form field name the site declares,
    # and which pages each role can reach at all (200, or 405 for a POST-only action).
    fields: set[str] = set()
    multiple: set[str] = set()
    reachable: dict[str, list[str]] = {}
    clients = {}
    for role, user in world["roles"].items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
        reachable[role] = []
        for name, url in pages:
            if name in skip:
                continue
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            if response.status_code in (200, 302, 405):
                reachable[role].append(url)
            for form in forms_in(response):
                fields |= {form.add_prefix(name) for name in form.fields}
                multiple |= {
                    form.add_prefix(name)
                    for name, field in form.fields.items()
                    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
                }
    assert {"stage", "specialty", "availability", "email", "file", "target_specialties", "mentorship"} <= fields
    # Phase 2: each reachable page, each role, every field at once set to each kind of bad value.
    failures = []
    for role, client in clients.items():
        for url in reachable[role]:
            # Three rotations: every field gets every kind of bad value once.
            requests = [client.get(url, rotated(fields, 0))]
            requests += [client.post(url, rotated(fields, turn)) for turn in range(len(BAD_TEXT))]
            requests.append(client.post(url, bad_data(multiple, "1", many=True)))
            failures += [(role, url, response.status_code) for response in requests if response.status_code >= 500]
    assert not failures


def test_signed_out_pages_answer_bad_input_with_a_4xx(world: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    for name in ("account_login", "account_signup", "account_reset_password"):
        for value in BAD_TEXT.values():
            data = {"login": value, "email": value, "password": value, "password1": value, "password2": value}
            assert client.post(reverse(name), data | {"role": value}).status_code < 500


# --- The API -----------------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def properties(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    node = resolve(spec, node)
    found: dict[str, Any] = dict(node.get("properties", {}))
    for part in node.get("oneOf", []) + node.get("allOf", []) + node.get("anyOf", []):
        found |= properties(spec, part)
    return found


def bad_values(spec: dict[str, Any], node: dict[str, Any]) -> list[Any]:
    node = resolve(spec, node)
    kind = node.get("type")
    if kind == "integer":
        return [int(HUGE), -int(HUGE) - 1]
    if kind == "array":
        item = resolve(spec, node.get("items", {}))
        sample: Any = {"day": 0, "start": "09:00", "end": "10:00"} if item.get("type") == "object" else 1
        return [[sample] * MANY]
    if kind == "object" or "properties" in node:
        return [{"k" * 300: "v"}]
    return [BAD_TEXT["nul"], BAD_TEXT["long"], HUGE]


def test_no_api_operation_answers_bad_input_with_a_500(world: dict[str, Any]) -> None:
    spec = schema()
    failures = []
    operations = 0
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operations += 1
            ids = [str(i) for i in world["ints"]["pk"][:2]] + [HUGE]
            urls = {re.sub(r"\{[^}]+\}", value, path) for value in ids}
            query = {p["name"]: p.get("schema", {}) for p in operation.get("parameters", []) if p["in"] == "query"}
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = properties(spec, body_schema) if body_schema else {}
            for role, user in world["roles"].items():
                client = APIClient(raise_request_exception=False)
                client.force_authenticate(user)
                for url in urls:
                    for name, node in query.items():
                        for value in bad_values(spec, node):
                            if isinstance(value, list | dict):
                                continue
                            response = getattr(client, method)(url + "?" + _q(name, value))
                            if response.status_code >= 500:
                                failures.append((role, method, url, name, response.status_code))
                    for name, node in body.items():
                        for value in bad_values(spec, node):
                            response = getattr(client, method)(url, {name: value}, format="json")
                            if response.status_code >= 500:
                                failures.append((role, method, url, name, response.status_code))
    assert operations >= 30
    assert not failures


def _q(name: str, value: Any) -> str:
    from urllib.parse import urlencode

    return urlencode({name: value})


# --- The four findings, by name --------------------------------------------------------------------


def test_an_id_past_64_bits_is_a_400_with_a_message() -> None:
    response = APIClient(raise_request_exception=False).get("/api/v1/specialties/", {"parent": HUGE})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_profile_refuses_ten_thousand_availability_slots() -> None:
    mentor = make_mentor()
    client = APIClient()
    client.force_authenticate(mentor.user)
    slots = [{"day": 0, "start": "09:00", "end": "10:00"}] * MANY
    response = client.patch("/api/v1/me/profile/", {"availability": slots}, format="json")
    assert response.status_code == 400
    assert "availability" in response.json()
    assert MentorProfile.objects.get(pk=mentor.pk).availability != slots
