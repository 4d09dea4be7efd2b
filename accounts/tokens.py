"""API tokens: django-rest-knox, expiring and revocable.

A token is shown once, when it is made; the database keeps only its SHA-512 digest and
the first 15 characters (``token_key``, for lookup), so neither the admin nor a leaked
backup can give it back. Each token lives ``API_TOKEN_TTL_HOURS`` (settings ``REST_KNOX``)
and a person holds at most ``TOKEN_LIMIT_PER_USER`` at once.

Every token of a person is revoked when their password changes (any path: the password
pages, a reset, the admin, ``set_password`` in a shell), when they sign out of the site,
and when their account is deactivated. ``POST /api/v1/auth/logout/`` revokes the token it
is called with.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.request import Request

logger = logging.getLogger(__name__)


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's ``Authorization: Token <token>``, with a malformed header a 401 (never a 500)."""

    def authenticate(self, request: Request) -> tuple[Any, AuthToken] | None:
        try:
            return super().authenticate(request)
        except (UnicodeError, ValueError, TypeError):
            raise exceptions.AuthenticationFailed("Invalid token.") from None


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``: ``Authorization: Token <token>``, as before the move to knox."""

    target_class = "accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106


def issue_token(user: Any) -> tuple[AuthToken, str]:
    """A new token for this person: (the stored row, the token text to hand over once)."""
    from accounts.models import AuditEvent

    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        # The oldest go first: a person holds at most `limit` tokens at once.
        keep = AuthToken.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)[: limit - 1]
        AuthToken.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    instance, token = AuthToken.objects.create(user=user)
    AuditEvent.record(
        actor=user,
        action=AuditEvent.Action.TOKEN_CREATED,
        target=f"API token of user #{user.pk}",
        expires=instance.expiry.isoformat() if instance.expiry else None,
    )
    return instance, token


def revoke_tokens(user: Any, *, reason: str) -> int:
    """Delete every API token of this person; returns how many there were."""
    if user is None or user.pk is None:
        return 0
    count, _ = AuthToken.objects.filter(user_id=user.pk).delete()
    if count:
        logger.info("user %s: %d API token(s) revoked (%s)", user.pk, count, reason)
    return count


@receiver(user_logged_out, dispatch_uid="accounts-tokens-logout")
def _revoke_on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    revoke_tokens(user, reason="signed out")
