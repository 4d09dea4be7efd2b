"""Who may call which workflow endpoint; which rows they may see is each view's ``get_queryset``.

Role checks answer 403 ("you may not do this at all"); an object outside the caller's
queryset is a 404, so its existence never leaks. The roles are ``accounts.permissions``'s one
definition each; the services check the same rules again: these classes only turn them into
the right status before anything is loaded.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.http import user_of
from accounts.permissions import is_coordinator, is_mentee, is_mentor, is_verified_mentor
from matching.models import Mentorship, MentorshipRequest


class IsMentee(BasePermission):
    message = "Only mentees can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_mentee(request.user)


class IsMentor(BasePermission):
    message = "Only mentors can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_mentor(request.user)


class IsVerifiedMentor(BasePermission):
    """A mentor coordinators have verified: an unverified or returned-to-review mentor sees no mentee."""

    message = "Only verified mentors see mentees; your profile is waiting for a coordinator's review."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_mentor(request.user) and is_verified_mentor(request.user)


class IsCoordinator(BasePermission):
    message = "Only program coordinators can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_coordinator(request.user)


class IsRequestMentor(BasePermission):
    """The mentor a request was sent to: the one who accepts or declines it."""

    message = "Only the mentor this request was sent to can answer it."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return isinstance(obj, MentorshipRequest) and obj.mentor_id == request.user.pk


class IsRequestMentee(BasePermission):
    """The mentee who sent a request: the one who may withdraw it."""

    message = "Only the mentee who sent this request can withdraw it."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return isinstance(obj, MentorshipRequest) and obj.mentee_id == request.user.pk


class IsParticipant(BasePermission):
    """The mentee or the mentor of a mentorship (coordinators watch, they don't take part)."""

    message = "Only the mentee and the mentor of this mentorship can do this."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return isinstance(obj, Mentorship) and obj.involves(user_of(request))


class IsMentorshipMentee(BasePermission):
    message = "Only the mentee of this mentorship can ask for a rematch."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return isinstance(obj, Mentorship) and obj.mentee_id == request.user.pk
