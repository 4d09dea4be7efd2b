"""Who may see whom, and who may edit a profile: one rule each, shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import Membership, MenteeProfile, MentorProfile, User


def people_visible_to(viewer: Any) -> QuerySet[User]:
    """The people whose page (``/people/<id>/``, ``/api/v1/people/<id>/``) this viewer may open.

    Mentees see verified mentors; verified mentors see mentees and verified mentors; coordinators
    see everyone; everyone signed in sees themselves; anonymous visitors see no one.
    Which of a visible person's background attributes show is a separate rule:
    ``Background.objects.visible_to(viewer)``.
    """
    if viewer is None or not viewer.is_authenticated:
        return User.objects.none()
    if viewer.is_coordinator:
        return User.objects.all()
    visible = Q(pk=viewer.pk)
    role = viewer.role
    if role in (Membership.Role.MENTEE, Membership.Role.MENTOR):
        visible |= Q(pk__in=MentorProfile.objects.verified().values("user_id"))
    # Only a verified mentor sees mentees: anyone can sign up as a mentor.
    if role == Membership.Role.MENTOR and MentorProfile.objects.verified().filter(user=viewer).exists():
        visible |= Q(pk__in=MenteeProfile.objects.filter(user__is_active=True).values("user_id"))
    return User.objects.filter(visible)


def can_view_person(viewer: Any, owner: User) -> bool:
    """May this viewer open the owner's person page? Callers answer 404 when not, never 403."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == owner.pk or viewer.is_coordinator:
        return True
    return people_visible_to(viewer).filter(pk=owner.pk).exists()


class HasProfile(BasePermission):
    """Mentees and mentors have a profile of their own; coordinators work in the admin."""

    message = "Only mentees and mentors have a profile; coordinators manage theirs in the admin."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in (Membership.Role.MENTEE, Membership.Role.MENTOR))
