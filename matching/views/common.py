"""Helpers shared by the mentorship pages: the signed-in user, HTMX detection, role checks, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.http import user_of
from accounts.models import User as UserModel
from accounts.permissions import role_of


def _user(request: HttpRequest) -> UserModel:
    return user_of(request)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def role_required(role: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in with ``role`` in the default program; anyone else gets a page saying where to go."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) != role:
                return render(request, "matching/wrong_role.html", {"needed": role}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def made_for_someone_else(request: HttpRequest, user_id: int) -> HttpResponse | None:
    """Every one-click link acts only for the person it was made for.

    Signed out, the signed token is the authorisation. Signed in as someone else, the link
    refuses (403) and changes nothing: a forwarded email must never record one person's
    answer as another's.
    """
    viewer = getattr(request, "user", None)
    if viewer is not None and viewer.is_authenticated and viewer.pk != user_id:
        return render(request, "matching/link_for_someone_else.html", status=403)
    return None
