"""Identity is never a filter, a program can switch it off for matching, and the forms say
what each visibility level does (docs/privacy.md). The data migration never widens a level.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.admin import AllowListAdmin, IdentityGuardAdmin, ProgramAdminForm, is_identity_path
from accounts.models import AuditEvent, Background, MenteeProfile, MentorProfile, Program, User
from matching.scoring.components import COMPONENTS
from matching.services import cohort
from matching.services import directory as engine
from tests.conftest import ensure_reference_data
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_request, make_user

EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(3)]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changelist(model: type[Any]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


# --- Identity is never an eligibility filter --------------------------------------------------

IDENTITY_LOOKUPS = [
    (MenteeProfile, "comfort_preferences__has_key", "lgbtq"),
    (MenteeProfile, "comfort_preferences__lgbtq", "must"),
    (MenteeProfile, "user__background__value", "true"),
    (MenteeProfile, "user__background__attribute", "lgbtq"),
    (MentorProfile, "preferred_groups__icontains", "women"),
    (MentorProfile, "user__background__value", '"woman"'),
    (User, "background__attribute", "gender_identity"),
    (User, "background__value__icontains", "black"),
    (Background, "attribute", "lgbtq"),
    (Background, "attribute__exact", "lgbtq"),
    (Background, "value", "true"),
    (Background, "value__contains", "black"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "lookup", "value"), IDENTITY_LOOKUPS, ids=[f"{m.__name__}-{lk}" for m, lk, _ in IDENTITY_LOOKUPS]
)
def test_coordinators_cannot_list_people_by_identity(model: type[Any], lookup: str, value: str) -> None:
    person = make_mentee(comfort_preferences={"lgbtq": "must"})
    give_background(person.user, "lgbtq", True, Background.Visibility.COORDINATORS)
    for user in (make_coordinator(), make_user(is_staff=True, is_superuser=True)):
        response = signed_in(user).get(changelist(model), {lookup: value})
        assert response.status_code == 400, (user, lookup)


@pytest.mark.django_db
def test_the_background_list_is_narrowed_by_visibility_only_and_searched_by_person_only() -> None:
    person = make_mentee()
    give_background(person.user, "lgbtq", True, Background.Visibility.COORDINATORS)
    client = signed_in(make_coordinator())
    assert client.get(changelist(Background), {"visibility__exact": "coordinators"}).status_code == 200
    found = client.get(changelist(Background), {"q": "lgbtq"})
    assert found.status_code == 200 and found.context["cl"].result_count == 0
    assert client.get(changelist(Background), {"q": person.user.email}).context["cl"].result_count == 1


def test_no_registered_admin_filters_or_searches_on_identity() -> None:
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, IdentityGuardAdmin), model
        errors = [e for e in model_admin.check() if e.id == "accounts.E011"]
        assert errors == [], errors
        for lookup in model_admin.search_fields:
            assert not is_identity_path(model, lookup), (model, lookup)


def test_an_admin_declaring_an_identity_filter_fails_the_system_check() -> None:
    class Careless(AllowListAdmin):
        list_filter = ["stage", "comfort_preferences"]
        search_fields = ["user__email", "user__background__value"]

    errors = [e for e in Careless(MenteeProfile, admin.site).check() if e.id == "accounts.E011"]
    assert len(errors) == 2
    # Even if declared, the lookup is refused at run time.
    assert not Careless(MenteeProfile, admin.site).lookup_allowed("comfort_preferences", "x", None)


# --- The program switch ------------------------------------------------------------------------


def _pair(comfort: dict[str, str], groups: list[str]) -> tuple[MenteeProfile, MentorProfile]:
    mentee = make_mentee(stage="ms3", topics=["research"], availability=EVENINGS, comfort_preferences=comfort)
    give_background(mentee.user, "gender_identity", "woman", Background.Visibility.EVERYONE)
    give_background(mentee.user, "first_generation", True, Background.Visibility.EVERYONE)
    mentor = make_mentor(topics=["research"], availability=EVENINGS, capacity=2, preferred_groups=groups)
    give_background(mentor.user, "gender_identity", "woman", Background.Visibility.EVERYONE)
    give_background(mentor.user, "first_generation", True, Background.Visibility.EVERYONE)
    return mentee, mentor


def _switch_off(*attributes: str) -> None:
    program = Program.objects.default()
    program.matching_attributes_off = list(attributes)
    program.save()


@pytest.mark.django_db
def test_an_attribute_switched_off_counts_in_no_comfort_preference_and_no_preferred_group() -> None:
    mentee, mentor = _pair({"gender_identity": "must", "first_generation": "nice"}, ["women"])
    on = engine.explain_mentors(mentee.user, [mentor.user_id])[mentor.user_id]
    assert on.components["comfort"] == 1.0
    assert any(r.code == "comfort.gender_identity" for r in on.reasons)
    suggested_on = dict(engine.suggest_mentees(mentor.user))[mentee.user_id]
    assert suggested_on.components["mentor_preference"] == 1.0

    _switch_off("gender_identity")
    engine.reset()

    off = engine.explain_mentors(mentee.user, [mentor.user_id])[mentor.user_id]
    assert off.components["comfort"] == 1.0  # only first-generation is judged now
    assert not any("gender" in r.code for r in off.reasons)
    suggested_off = dict(engine.suggest_mentees(mentor.user))[mentee.user_id]
    assert "mentor_preference" not in suggested_off.components  # the one group preferred is off

    _switch_off("gender_identity", "first_generation")
    engine.reset()
    both_off = engine.explain_mentors(mentee.user, [mentor.user_id])[mentor.user_id]
    assert "comfort" not in both_off.components
    run_match, _, _ = cohort.pair_match(
        cohort.CohortRun(program=Program.objects.default()), mentee.user_id, mentor.user_id
    )
    assert run_match is not None and "comfort" not in run_match.components
    assert "mentor_preference" not in run_match.components


@pytest.mark.django_db
def test_the_program_admin_switches_attributes_off_and_audits_it() -> None:
    program = Program.objects.default()
    data: dict[str, Any] = {
        "name": program.name,
        "slug": program.slug,
        "description": "",
        "is_default": "on",
        "approval_required": "on",
        "request_mode": program.request_mode,
        "max_open_requests": 3,
        "request_expiry_days": 14,
        "checkin_cadence_days": 14,
        "withdraw_other_long_term_requests": "on",
        "matching_attributes_off": ["race_ethnicity", "urm"],
        **{f"weight_{name}": 1 for name in COMPONENTS},
    }
    form = ProgramAdminForm(data, instance=program)
    assert form.is_valid(), form.errors
    client = signed_in(make_user(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:accounts_program_change", args=[program.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.matching_attributes_off == ["race_ethnicity", "urm"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGED).latest("pk")
    assert event.detail["changes"]["matching_attributes_off"] == {"from": [], "to": ["race_ethnicity", "urm"]}
    bad = ProgramAdminForm({**data, "matching_attributes_off": ["eye_colour"]}, instance=program)
    assert not bad.is_valid()


@pytest.mark.django_db
def test_the_forms_say_what_each_level_does_and_what_the_program_switched_off() -> None:
    mentor = make_mentor()
    html = signed_in(mentor.user).get(reverse("accounts:profile_step", args=["background"])).content.decode()
    assert "Mentees looking for a woman mentor will find you only if you show this to everyone" in html
    assert "Only me — counts only in what I see" in html
    mentee = make_mentee()
    html = signed_in(mentee.user).get(reverse("accounts:profile_step", args=["background"])).content.decode()
    assert "Mentors who especially want to mentor women see you among their suggestions only if you show" in html
    assert "mentors never learn it, not even through a score" in html

    _switch_off("race_ethnicity")
    html = signed_in(mentee.user).get(reverse("accounts:profile_step", args=["background"])).content.decode()
    assert f"{Program.objects.default().name} does not use this for matching" in html
    _switch_off("gender_identity")
    html = signed_in(mentor.user).get(reverse("accounts:profile_step", args=["mentoring"])).content.decode()
    assert "does not use these for matching: Women" in html


# --- A request's score ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_requests_score_is_shown_only_to_the_mentee_who_sent_it() -> None:
    mentee, mentor = _pair({"gender_identity": "important"}, [])
    request = make_request(mentee=mentee, mentor=mentor)
    request.score = 88.8
    request.save(update_fields=["score"])
    for reader, expected in ((mentee.user, 88.8), (mentor.user, None), (make_coordinator(), None)):
        client = APIClient()
        client.force_authenticate(reader)
        rows = client.get("/api/v1/requests/").json()["results"]
        assert [row["score"] for row in rows if row["id"] == request.pk] == [expected], reader


# --- The data migration -------------------------------------------------------------------------

BEFORE = ("accounts", "0009_near_peer_professions")
AFTER = ("accounts", "0010_visibility_levels_say_what_they_do")


# serialized_rollback: the flush after the test would drop the taxonomy and program rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_every_level_or_narrows_it_never_widens() -> None:
    ensure_reference_data()  # an earlier transactional test may have emptied the database
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    OldUser = apps.get_model("accounts", "User")
    OldBackground = apps.get_model("accounts", "Background")
    OldMentee = apps.get_model("accounts", "MenteeProfile")
    OldMentor = apps.get_model("accounts", "MentorProfile")
    levels = {"private": "private", "coordinators": "coordinators", "everyone": "everyone", "": "private"}
    levels |= {"public": "private", "hidden": "private"}  # values no code ever wrote: the narrowest
    people = {}
    for number, level in enumerate(levels):
        person = OldUser.objects.create(email=f"migrated{number}@example.org")
        OldBackground.objects.create(user=person, attribute="lgbtq", value=True, visibility=level)
        people[level] = person.pk
    mentee_user = OldUser.objects.create(email="old-mentee@example.org")
    OldMentee.objects.create(
        user=mentee_user, comfort_preferences={"lgbtq": "must", "rural": "none", "eye_colour": "nice", "urm": "x"}
    )
    mentor_user = OldUser.objects.create(email="old-mentor@example.org")
    OldMentor.objects.create(user=mentor_user, preferred_groups=["women", "martians", "women"])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    # Then every later migration too: the models below (and every later test) read today's tables.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rank = {"private": 0, "coordinators": 1, "everyone": 2}
    for before, user_id in people.items():
        after = Background.objects.get(user_id=user_id).visibility
        assert after == levels[before]
        assert rank[after] <= rank.get(before, 0)
        assert Background.objects.get(user_id=user_id).value is True  # the answer itself is kept
    assert MenteeProfile.objects.get(user__email="old-mentee@example.org").comfort_preferences == {"lgbtq": "must"}
    assert MentorProfile.objects.get(user__email="old-mentor@example.org").preferred_groups == ["women"]
