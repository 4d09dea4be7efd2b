"""Every registered admin narrows its list only by an explicit allow-list (issue 13).

The finding: ``/admin/accounts/user/?auth_token__key__startswith=…`` answered 1 or 0 users,
so a coordinator could read anyone's API token one character at a time. The kind: any
query-string lookup Django allows by default (every local field, and a field one relation
away). Here every registered admin is walked, and for each a lookup outside its allow-list
on each of its fields, and on secrets one or two relations away, must be refused (400).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.admin import AllowListAdmin
from accounts.models import User
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_user

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]
# Field names whose values must never be searchable, filterable or reachable through a relation.
SECRET_NAMES = ("password", "digest", "token_key", "key", "value", "comfort_preferences", "preferred_groups")


def forbidden_lookups(model: type[models.Model], model_admin: AllowListAdmin) -> list[str]:
    """Lookups outside the allow-list: a prefix test on every field, and secrets through relations."""
    allowed = model_admin.allowed_lookup_paths(None)
    lookups = []
    for field in model._meta.get_fields():
        name = field.name
        if name in allowed:
            continue
        if field.is_relation:
            lookups.append(f"{name}__pk__gte")
            related = field.related_model
            if related is User:
                lookups += [f"{name}__password__startswith", f"{name}__auth_token_set__token_key__startswith"]
        else:
            lookups.append(f"{name}__startswith")
    if model is User:
        lookups += ["password__startswith", "auth_token_set__digest__startswith", "emailaddress__email__startswith"]
    return lookups


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_admin_uses_the_allow_list(model: type[models.Model], model_admin: Any) -> None:
    assert isinstance(model_admin, AllowListAdmin)
    for field in model_admin.search_fields:
        assert not any(part in SECRET_NAMES for part in field.lstrip("^=@").split("__")), field


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_lookups_outside_the_allow_list_are_refused(model: type[models.Model], model_admin: Any) -> None:
    superuser = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for lookup in forbidden_lookups(model, model_admin):
        assert not model_admin.lookup_allowed(lookup, "a", None), lookup
        response = client.get(url, {lookup: "a"})
        assert response.status_code == 400, (lookup, response.status_code)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_the_admins_own_filters_still_work(model: type[models.Model], model_admin: Any) -> None:
    make_mentorship(mentee=make_mentee(), mentor=make_mentor())
    superuser = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    changelist = response.context["cl"]
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            assert client.get(url + choice["query_string"]).status_code == 200, choice["query_string"]
    if changelist.date_hierarchy:
        assert client.get(url, {f"{changelist.date_hierarchy}__year": "2026"}).status_code == 200


def test_a_coordinator_cannot_read_a_token_through_the_user_list() -> None:
    victim = make_mentee().user
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=victim)
    client = Client()
    client.force_login(make_coordinator())
    for lookup in ("auth_token_set__token_key__startswith", "auth_token_set__digest__startswith"):
        response = client.get(reverse("admin:accounts_user_changelist"), {lookup: token[:1]})
        assert response.status_code == 400
    assert client.get("/admin/knox/authtoken/").status_code == 404
