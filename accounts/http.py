"""Typed requests for signed-in views, as healthchecks does (``AuthenticatedHttpRequest``).

Django and DRF type ``request.user`` as "a user or an anonymous user". Behind
``login_required`` (or ``role_required``) a function view receives an
``AuthenticatedHttpRequest``, whose ``user`` is our ``User``; where a framework fixes the
signature (DRF viewsets, admin actions), ``user_of(request)`` returns the same ``User``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in people reach."""

    user: User


def user_of(request: Any) -> User:
    """The signed-in user of a Django or DRF request; 403 if nobody is signed in.

    Views call it behind a sign-in check, so the 403 is a safety net, never the normal answer.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
