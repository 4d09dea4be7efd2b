"""Each role defined once, and who may see whom: shared by the admin, the pages, the API and the services.

The roles:

- **coordinator**: an active member of the ``Coordinators`` auth group (superusers, the site's
  operators, count too). Being staff is only the right to sign in to the admin; a staff user
  outside the group is nobody's coordinator. The group also carries the admin's model
  permissions, so "who is a coordinator" and "what a coordinator may change" live together.
- **mentor / mentee of a program**: an active user whose membership of that program (the default
  one unless named) has that role. A **verified mentor** is a mentor whose profile a coordinator
  verified.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import Membership, MenteeProfile, MentorProfile, Program, User

COORDINATORS_GROUP = "Coordinators"

# Asked several times a request (role, querysets, serializers): remembered on the user object.
_COORDINATOR_CACHE = "_is_coordinator_cached"


def is_coordinator(user: Any) -> bool:
    """Is this user a program coordinator? ``user`` may be anonymous or ``None`` (then ``False``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = user.__dict__.get(_COORDINATOR_CACHE)
    if cached is None:
        cached = user.groups.filter(name=COORDINATORS_GROUP).exists()
        user.__dict__[_COORDINATOR_CACHE] = cached
    return bool(cached)


def coordinators() -> QuerySet[User]:
    """Every user for whom ``is_coordinator`` holds, as one query (e.g. the people to alert)."""
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=COORDINATORS_GROUP), is_active=True).distinct()


def role_of(user: Any, program: Program | None = None) -> str | None:
    """``coordinator``, ``mentor``, ``mentee`` or ``None``: the role in the program (by default the default one,
    or for someone only in other programs, the first they joined)."""
    if user is None or not user.is_authenticated:
        return None
    if is_coordinator(user):
        return Membership.Role.COORDINATOR
    # Without a program: the default one, else the first program joined (someone imported into
    # another program has a role there and nowhere else).
    memberships = (
        user.memberships.filter(program=program)
        if program
        else user.memberships.order_by("-program__is_default", "joined_at", "pk")
    )
    membership = memberships.first()
    return membership.role if membership else None


def is_mentee(user: Any, program: Program | None = None) -> bool:
    """A mentee of the program (the default one unless named)."""
    return role_of(user, program) == Membership.Role.MENTEE


def is_mentor(user: Any, program: Program | None = None) -> bool:
    """A mentor of the program (the default one unless named), verified or not."""
    return role_of(user, program) == Membership.Role.MENTOR


def is_verified_mentor(user: Any) -> bool:
    """An active user with a mentor profile a coordinator has verified."""
    if user is None or not user.is_authenticated:
        return False
    return MentorProfile.objects.verified().filter(user_id=user.pk).exists()


class CoordinatorAdmin(admin.ModelAdmin):
    """The base of every ``ModelAdmin``: only coordinators get in, then the group's model permissions apply.

    The admin site itself (``mentorship.admin.AdminSite``) already turns non-coordinators away;
    this keeps each model admin right on its own, whichever site it is registered with.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(request.user) and super().has_delete_permission(request, obj)


def people_visible_to(viewer: Any) -> QuerySet[User]:
    """The people whose page (``/people/<id>/``, ``/api/v1/people/<id>/``) this viewer may open.

    Mentees see verified mentors; verified mentors see mentees and verified mentors; coordinators
    see everyone; everyone signed in sees themselves; anonymous visitors see no one.
    Which of a visible person's background attributes show is a separate rule:
    ``Background.objects.visible_to(viewer)``.
    """
    if viewer is None or not viewer.is_authenticated:
        return User.objects.none()
    if is_coordinator(viewer):
        return User.objects.all()
    visible = Q(pk=viewer.pk)
    role = role_of(viewer)
    if role in (Membership.Role.MENTEE, Membership.Role.MENTOR):
        visible |= Q(pk__in=MentorProfile.objects.verified().values("user_id"))
    # Only a verified mentor sees mentees: anyone can sign up as a mentor.
    if role == Membership.Role.MENTOR and is_verified_mentor(viewer):
        visible |= Q(pk__in=MenteeProfile.objects.visible().values("user_id"))
    return User.objects.filter(visible)


def can_view_person(viewer: Any, owner: User) -> bool:
    """May this viewer open the owner's person page? Callers answer 404 when not, never 403."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == owner.pk or is_coordinator(viewer):
        return True
    return people_visible_to(viewer).filter(pk=owner.pk).exists()


class HasProfile(BasePermission):
    """Mentees and mentors have a profile of their own; coordinators work in the admin."""

    message = "Only mentees and mentors have a profile; coordinators manage theirs in the admin."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return role_of(request.user) in (Membership.Role.MENTEE, Membership.Role.MENTOR)
