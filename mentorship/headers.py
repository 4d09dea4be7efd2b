"""Response headers every answer gets: Permissions-Policy, and no caching of anything personal."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response, and
    ``Cache-Control: private, no-store`` on every API answer and every page a signed-in
    person sees, so that no shared cache or browser history keeps one person's data.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        user = getattr(request, "user", None)
        personal = bool(user is not None and user.is_authenticated)
        if personal or request.path.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
