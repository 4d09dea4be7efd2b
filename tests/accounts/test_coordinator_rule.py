"""One coordinator rule (``accounts.permissions.is_coordinator``), asked on every path.

A staff user outside the Coordinators group is refused on every admin page, every coordinator
page, every coordinator-only API operation and by every coordinator service; a coordinator is
let in on each. The admin and coordinator paths are enumerated from the URL configuration, so a
page added later is covered without editing this file.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Membership, Program, User
from accounts.permissions import COORDINATORS_GROUP, coordinators, is_coordinator, role_of
from matching import urls as matching_urls
from matching.models import CohortRun, Mentorship, MentorshipRequest
from matching.permissions import IsCoordinator
from matching.services import cohort, csv_io
from matching.services.requests import RuleBroken, accept_request, approve_request, reject_request
from matching.tasks import run_cohort
from mentorship.urls import router
from tests.factories import (
    give_background,
    make_coordinator,
    make_mentee,
    make_mentor,
    make_mentorship,
    make_request,
    make_user,
)

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654
EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]


def staff_outsider() -> User:
    """Staff (may sign in to the admin) but outside the rule: the user the old checks let through."""
    return make_user(is_staff=True, first_name="Sam", last_name="Staff")


@pytest.fixture
def world() -> dict[str, Any]:
    """At least one row of every model the admin shows, and a proposed cohort run."""
    coordinator = make_coordinator()
    mentee = make_mentee(targets=("orthopaedic-surgery",), topics=["research"], availability=EVENINGS)
    mentor = make_mentor(specialty="orthopaedic-surgery", capacity=3, topics=["research"], availability=EVENINGS)
    give_background(mentee.user, "first_generation", True, "coordinators")
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    AuditEvent.record(actor=coordinator, action=AuditEvent.Action.VERIFIED, target="mentor")
    make_mentee(targets=("orthopaedic-surgery",), topics=["research"], availability=EVENINGS)
    run = cohort.create_run(
        program=Program.objects.default(),
        by=coordinator,
        algorithm="optimal",
        min_score=0.0,
        max_load=None,
        mentee_filter={"unmatched_only": True},
        mentor_filter={"accepting_only": True},
    )
    run_cohort(run.pk)
    run.refresh_from_db()
    live_mentorship_rows(mentorship)
    return {"coordinator": coordinator, "mentorship": mentorship, "run": run}


def live_mentorship_rows(mentorship: Mentorship) -> None:
    """A mentoring policy, a meeting, a circle and a report (the agreement comes with the mentorship)."""
    import datetime

    from django.utils import timezone

    from matching.models import Circle, MentoringPolicy
    from matching.services import meetings, messages

    MentoringPolicy.objects.create(program=mentorship.program)
    Circle.objects.create(program=mentorship.program, mentor=mentorship.mentor, name="Circle")
    meetings.propose_meeting(mentorship=mentorship, by=mentorship.mentee,
                             start=timezone.now() + datetime.timedelta(days=2))  # fmt: skip
    conversation = messages.conversation_of(mentorship)
    rude = messages.post_message(conversation=conversation, by=mentorship.mentor, body="Rude")
    messages.report(conversation=conversation, by=mentorship.mentee, message=rude, reason="Rude")


# --- The rule ---------------------------------------------------------------------------------


def test_the_rule_is_the_group_not_staff_status() -> None:
    outsider, member = staff_outsider(), make_user()
    member.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    assert not is_coordinator(outsider) and role_of(outsider) is None
    assert is_coordinator(member) and role_of(member) == Membership.Role.COORDINATOR
    assert set(coordinators()) == {member}
    member.is_active = False
    assert not is_coordinator(member)


def test_migration_put_coordinator_members_in_the_group(django_db_blocker: Any) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0006_coordinators_are_the_group")
    user = make_user(is_staff=True)
    Membership.objects.create(user=user, program=Program.objects.default(), role=Membership.Role.COORDINATOR)
    assert not is_coordinator(user)
    migration.coordinator_members_join_the_group(apps, None)
    assert is_coordinator(User.objects.get(pk=user.pk))


# --- Admin and coordinator pages, enumerated ------------------------------------------------------


def _named_patterns(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _named_patterns(pattern.url_patterns)
        elif pattern.name:
            found.append(pattern)
    return found


def admin_paths(apps: tuple[str, ...] | None = None) -> list[str]:
    """Every named page of every registered model admin (of these apps; with an existing row's id), the index,
    the app lists and every coordinator page."""
    registry = {m: a for m, a in admin.site._registry.items() if apps is None or m._meta.app_label in apps}
    paths = [reverse("admin:index")]
    paths += [reverse("admin:app_list", args=[label]) for label in sorted({m._meta.app_label for m in registry})]
    for model, model_admin in registry.items():
        row: Model | None = model._default_manager.order_by("pk").first()
        for pattern in _named_patterns(model_admin.get_urls()):
            if not pattern.pattern.converters:  # type: ignore[attr-defined]
                paths.append(reverse(f"admin:{pattern.name}"))
            elif row is not None:  # an object's pages, when the world has one
                paths.append(reverse(f"admin:{pattern.name}", args=[row.pk]))
    for pattern in _named_patterns(matching_urls.coordinator_urlpatterns):
        # An object's coordinator page is checked with an id that matches nothing: the gate comes first.
        arguments = [NO_SUCH_ID] * len(pattern.pattern.converters)  # type: ignore[attr-defined]
        paths.append(reverse(f"coordinator:{pattern.name}", args=arguments))
    return paths


def test_staff_outside_the_rule_is_refused_on_every_admin_and_coordinator_page(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(staff_outsider())
    paths = admin_paths()
    assert len(paths) > 60
    before = (MentorshipRequest.objects.count(), Mentorship.objects.count(), world["run"].status)
    for method in ("get", "post"):
        for path in paths:
            response = getattr(client, method)(path)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (method, path)
    world["run"].refresh_from_db()
    assert (MentorshipRequest.objects.count(), Mentorship.objects.count(), world["run"].status) == before


def test_a_coordinator_is_let_in_on_every_admin_and_coordinator_page(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["coordinator"])
    # Our apps' admins: third-party ones (tokens, email addresses, groups) are for superusers.
    for path in admin_paths(apps=("accounts", "matching")):
        response = client.get(path)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("admin:login")), path
            continue
        # 403 only where the group's model permissions withhold the verb (adding users, setting passwords);
        # 405 for POST-only verbs
        if str(NO_SUCH_ID) in path:
            assert response.status_code == 404, path  # let in, and told there is no such object
            continue
        assert response.status_code in (200, 403, 405), (path, response.status_code)
        if response.status_code == 403:
            assert path.endswith(("/add/", "/delete/", "/password/")), path


# --- API ------------------------------------------------------------------------------------------


def coordinator_actions() -> list[tuple[str, str]]:
    """(basename, action) of every API action that only coordinators may call."""
    found = []
    for _, viewset, basename in router.registry:
        for action in viewset.get_extra_actions():
            if IsCoordinator in action.kwargs.get("permission_classes", []):
                found.append((basename, action.url_name))
    return found


def accepted_request() -> MentorshipRequest:
    request = make_request(mentee=make_mentee(), mentor=make_mentor(capacity=3))
    return accept_request(request=request, by=request.mentor)


def test_api_coordinator_actions_refuse_staff_outside_the_rule_and_serve_coordinators() -> None:
    actions = coordinator_actions()
    assert ("request", "approve") in actions and ("request", "reject") in actions
    outsider, coordinator = APIClient(), APIClient()
    outsider.force_authenticate(staff_outsider())
    coordinator.force_authenticate(make_coordinator())
    for basename, name in actions:
        item = accepted_request()
        url = reverse(f"api:{basename}-{name}", args=[item.pk])
        refused = outsider.post(url, {}, format="json")
        assert refused.status_code in (403, 404), (url, refused.status_code)
        item.refresh_from_db()
        assert item.status == MentorshipRequest.Status.ACCEPTED
        allowed = coordinator.post(url, {}, format="json")
        assert allowed.status_code == 200, (url, allowed.json())


def test_api_lists_and_ending_serve_coordinators_only() -> None:
    mentorship = make_mentorship()
    outsider, coordinator = APIClient(), APIClient()
    outsider.force_authenticate(staff_outsider())
    coordinator.force_authenticate(make_coordinator())
    for name in ("request-list", "mentorship-list"):
        assert outsider.get(reverse(f"api:{name}")).json()["count"] == 0
        assert coordinator.get(reverse(f"api:{name}")).json()["count"] == 1
    assert outsider.get(reverse("api:me")).json()["role"] is None
    assert coordinator.get(reverse("api:me")).json()["role"] == "coordinator"
    end = reverse("api:mentorship-end", args=[mentorship.pk])
    assert outsider.post(end, {"outcome": "ended", "reason": "schedule"}, format="json").status_code == 404
    assert coordinator.post(end, {"outcome": "ended", "reason": "schedule"}, format="json").status_code == 200


# --- Services ---------------------------------------------------------------------------------------


def test_services_refuse_staff_outside_the_rule(world: dict[str, Any]) -> None:
    import io

    outsider = staff_outsider()
    program = Program.objects.default()
    calls = [
        lambda: approve_request(request=accepted_request(), by=outsider),
        lambda: reject_request(request=accepted_request(), by=outsider),
        lambda: cohort.create_run(
            program=program,
            by=outsider,
            algorithm="stable",
            min_score=0,
            max_load=None,
            mentee_filter={},
            mentor_filter={},
        ),
        lambda: cohort.publish(run=world["run"], by=outsider),
        lambda: cohort.remove_pair(run=world["run"], pair_id=world["run"].pairs.first().pk, by=outsider),
        lambda: csv_io.export_matches(io.StringIO(), program=program, by=outsider),
        lambda: csv_io.export_participants(io.StringIO(), program=program, by=outsider),
        lambda: csv_io.import_participants(b"email\n", program=program, by=outsider),
    ]
    for call in calls:
        with pytest.raises(RuleBroken) as broken:
            call()
        assert broken.value.code == "coordinators_only"
    world["run"].refresh_from_db()
    assert world["run"].status == CohortRun.Status.PROPOSED
