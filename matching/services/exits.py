"""Every way a person leaves, handled, and the other side told: deactivation, pause, erasure, export.

- ``close_account(user)`` — the account was deactivated (by an admin, or on erasure). Her
  open requests are withdrawn (the mentor is told), requests sent to him are declined or
  withdrawn (the mentee is told), and every active mentorship ends with the reason
  ``account_closed`` (the other side is told). ``matching.signals`` calls it whenever
  ``is_active`` goes from true to false, so no path that deactivates can forget it.
- ``pause_mentor(profile)`` — a mentor stopped accepting (``accepting`` off or
  ``paused_until`` set): his pending requests are declined as "no room right now" with a
  note saying until when, so each mentee hears at once and can ask someone else, instead
  of waiting for the request to expire.
- ``erase_person(user)`` — the right to erasure: the account is closed as above, then
  anonymised. Rows that feed the program's figures stay (requests, mentorships, check-ins,
  their statuses and dates); everything that names or describes the person goes (name,
  email, sign-in addresses, tokens, free text she wrote, her notifications).
- ``export_person(user)`` — the right of access: every row that refers to the person, as
  a JSON-ready dict, found through the model graph so new models are included unasked.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from accounts.models import MenteeProfile, MentorProfile, User
from matching.models import Mentorship, MentorshipRequest, Message, Notification
from matching.services.requests import (
    _locked,
    _tell,
    _transition,
    end_mentorship,
    withdraw_request,
)

Status = MentorshipRequest.Status
Note = Notification.Kind
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never delivers
# Rows that only identify the person or let her in: deleted on erasure, not anonymised.
ERASED_WITH_THE_PERSON = frozenset(
    {"account.emailaddress", "authtoken.token", "knox.authtoken", "matching.calendarfeed", "matching.emailoptout"}
)


def _rows_about(user: User) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every foreign key or one-to-one that points at a user, hidden ones too."""
    found = []
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        model = relation.related_model
        if isinstance(model, type) and issubclass(model, models.Model):
            found.append((model, relation.field.name))  # type: ignore[union-attr]
    return found


@transaction.atomic
def close_account(user: User) -> dict[str, int]:
    """Settle everything open of a deactivated person; returns counts of what was closed."""
    closed = {"withdrawn": 0, "declined": 0, "ended": 0}
    for request in MentorshipRequest.objects.open().filter(mentee=user).order_by("pk"):
        withdraw_request(request=request, by=None, note="The mentee's account was closed")
        closed["withdrawn"] += 1
    for request in MentorshipRequest.objects.open().filter(mentor=user).order_by("pk"):
        _close_for_mentor(request, note="The mentor's account was closed")
        closed["declined"] += 1
    for mentorship in Mentorship.objects.active().filter(Q(mentee=user) | Q(mentor=user)).order_by("pk"):
        end_mentorship(
            mentorship=mentorship,
            by=user,
            outcome=Mentorship.Status.ENDED,
            reason=Mentorship.EndReason.ACCOUNT_CLOSED,
        )
        closed["ended"] += 1
    return closed


def _close_for_mentor(request: MentorshipRequest, *, note: str) -> None:
    """The mentor can no longer answer: pending → declined, accepted → withdrawn; the mentee is told."""
    request = _locked(request)
    if request.status == Status.PENDING:
        _transition(request, Status.DECLINED, by=None, note=note)
        request.decline_reason = MentorshipRequest.DeclineReason.NO_CAPACITY
        request.response_note = note
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "decline_reason", "response_note", "responded_at"])
        _tell(request.mentee, Note.REQUEST_DECLINED, request, link=reverse("matching:directory"))
    elif request.status == Status.ACCEPTED:
        _transition(request, Status.WITHDRAWN, by=None, note=note)
        request.response_note = note
        request.save(update_fields=["status", "response_note"])
        _tell(request.mentee, Note.MATCH_REJECTED, request, link=reverse("matching:directory"))


@transaction.atomic
def pause_mentor(profile: MentorProfile) -> int:
    """Decline the pending requests of a mentor who stopped accepting; returns how many."""
    until = profile.paused_until
    note = f"The mentor paused new requests until {until:%d %B %Y}." if until else "The mentor stopped taking requests."
    declined = 0
    for request in MentorshipRequest.objects.filter(mentor_id=profile.user_id, status=Status.PENDING).order_by("pk"):
        _close_for_mentor(request, note=note)
        declined += 1
    return declined


# --- Erasure and export ---------------------------------------------------------------------


def _text_fields(model: type[models.Model]) -> list[str]:
    """Free-text fields a person fills in (blank allowed, no choices): what erasure empties."""
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField) and f.blank and not f.choices and f.name != "slug"
    ]


@transaction.atomic
def erase_person(user: User) -> User:
    """Close the account, then anonymise it; aggregates (counts, statuses, dates) survive."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])  # the signal runs close_account()
    else:
        close_account(user)
    for profile_model in (MenteeProfile, MentorProfile):
        fields = _text_fields(profile_model)
        profile_model.objects.filter(user=user).update(**dict.fromkeys(fields, ""))
    MentorshipRequest.objects.filter(mentee=user).update(message="", goals="")
    Mentorship.objects.filter(mentee=user).update(mentee_feedback="")
    Mentorship.objects.filter(mentor=user).update(mentor_feedback="")
    Notification.objects.filter(recipient=user).delete()
    Message.objects.filter(sender=user).update(body="[erased]")
    for model, field in _rows_about(user):
        if model._meta.label_lower in ERASED_WITH_THE_PERSON:
            model._default_manager.filter(**{field: user}).delete()
    user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
    user.first_name, user.last_name = "Erased", "person"
    user.set_unusable_password()
    user.save()
    return user


def export_person(user: User) -> dict[str, Any]:
    """Every row that refers to ``user``, by model label: ``{"user": {...}, "app.model": [{...}, ...]}``."""
    data: dict[str, Any] = {
        "exported_at": timezone.now(),
        "user": model_to_dict(user, exclude=["password", "groups", "user_permissions"]),
    }
    for model, field in _rows_about(user):
        rows = model._default_manager.filter(**{field: user}).order_by("pk")[:10_000]
        found = [model_to_dict(row) for row in rows]
        if found:
            data.setdefault(model._meta.label_lower, []).extend(found)
    return data


def export_json(user: User) -> str:
    return json.dumps(export_person(user), indent=2, default=json_default)


def json_default(value: object) -> object:
    """``json.dumps(default=...)`` for exports: dates as ISO 8601, related rows as their ids."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):  # many-to-many values come as instances
        return value.pk
    return str(value)
