"""One lockout and one throttle for every way to sign in: the login page, the token endpoint, the admin.

All three call ``django.contrib.auth.authenticate``. ``LockoutBackend`` sits first in
``AUTHENTICATION_BACKENDS`` and refuses (``PermissionDenied``) while the account or the
client address is locked; ``user_login_failed`` counts each failure. Two counters, in
Django's cache, each with a fixed window of ``SIGNIN_WINDOW_SECONDS``:

- per account (the normalised e-mail address, hashed): ``SIGNIN_FAILURES_PER_ACCOUNT``
  failures lock that account only, so one person's typos never lock out anyone else;
- per client address: ``SIGNIN_FAILURES_PER_ADDRESS``, a much higher ceiling, so that one
  address cannot try a few passwords on every account.

The client address is ``client_ip``: ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT``
proxies, the address the outermost trusted proxy saw; entries a client writes into
``X-Forwarded-For`` itself are never used. DRF's throttles (``NUM_PROXIES``) and allauth
(``ALLAUTH_TRUSTED_PROXY_COUNT``) read the same count.

Every cache access goes through ``_cache_*`` below: when the cache is down the guard
fails open (sign-in keeps working) and logs a warning.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from accounts.validators import normalise_email

logger = logging.getLogger(__name__)

LOCKED_MESSAGE = "Too many failed sign-in attempts. Wait {minutes} minutes, or reset your password, and try again."


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting exactly ``settings.TRUSTED_PROXY_COUNT`` proxies.

    With N trusted proxies the client is the N-th address from the right of
    ``X-Forwarded-For`` (each proxy appends the address it received from). Anything
    further left was written by the client and is ignored. A header with fewer entries
    than trusted proxies (a request that bypassed them) falls back to ``REMOTE_ADDR``.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("signin: malformed X-Forwarded-For entry from a trusted proxy")
    return remote or "unknown"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _account_key(login: str) -> str:
    return f"signin:fail:account:{_digest(normalise_email(login))}"


def _address_key(ip: str) -> str:
    return f"signin:fail:address:{_digest(ip)}"


def _window() -> int:
    return int(getattr(settings, "SIGNIN_WINDOW_SECONDS", 15 * 60))


def _cache_get(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:
        logger.warning("signin: cache unreachable; the sign-in lockout is off until it is back")
        return 0


def _cache_count(key: str) -> None:
    try:
        if not cache.add(key, 1, timeout=_window()):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        _cache_count(key)
    except Exception:
        logger.warning("signin: cache unreachable; a failed sign-in was not counted")


def _cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("signin: cache unreachable; could not clear an account's failures")


def login_of(credentials: dict[str, Any]) -> str:
    """The account a sign-in attempt names, whichever keyword its caller used."""
    return str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")


def is_locked(request: HttpRequest | None, login: str) -> bool:
    """Is this account, or this client address, locked out right now?"""
    if login and _cache_get(_account_key(login)) >= settings.SIGNIN_FAILURES_PER_ACCOUNT:
        return True
    ceiling = settings.SIGNIN_FAILURES_PER_ADDRESS
    return request is not None and _cache_get(_address_key(client_ip(request))) >= ceiling


def record_failure(request: HttpRequest | None, login: str) -> None:
    if login:
        _cache_count(_account_key(login))
    if request is not None:
        _cache_count(_address_key(client_ip(request)))


def record_success(login: str) -> None:
    """A correct password clears that account's failures (never the address's)."""
    if login:
        _cache_delete(_account_key(login))


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=max(1, _window() // 60))


class LockoutBackend(ModelBackend):
    """Django's ``ModelBackend``, first in ``AUTHENTICATION_BACKENDS``, behind the lockout.

    While the account or address is locked it raises ``PermissionDenied``, which makes
    ``authenticate()`` stop before any other backend (allauth's included) and send
    ``user_login_failed``, which counts the attempt.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if password is not None and is_locked(request, login_of({"username": username, **kwargs})):
            raise PermissionDenied(locked_message())
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="accounts-signin-failed")
def _count_failure(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    record_failure(request, login_of(credentials))


@receiver(user_logged_in, dispatch_uid="accounts-signin-succeeded")
def _clear_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_success(getattr(user, "email", "") or "")


class SignInRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate (``DEFAULT_THROTTLE_RATES``), keyed by ``client_ip`` like everything here."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


class AccountAdapter(DefaultAccountAdapter):
    """allauth with this module's lockout instead of its own per-address counter, and one e-mail form."""

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        if is_locked(request, login_of(credentials)):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        return None  # counted by the user_login_failed receiver, once

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def clean_email(self, email: str) -> str:
        return normalise_email(super().clean_email(email))
