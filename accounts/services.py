"""Workflows about people that touch several models or have side effects."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AuditEvent,
    Background,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    User,
    validate_background_value,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def join_program(*, user: User, role: str, program: Program | None = None) -> Membership:
    """Give the user a role in a program (the default one unless named) and the matching profile."""
    program = program or Program.objects.default()
    membership, _ = Membership.objects.get_or_create(user=user, program=program, defaults={"role": role})
    if membership.role == Membership.Role.MENTEE:
        MenteeProfile.objects.get_or_create(user=user)
    elif membership.role == Membership.Role.MENTOR:
        MentorProfile.objects.get_or_create(user=user)
    return membership


@transaction.atomic
def verify_mentor(*, profile: MentorProfile, by: User, notify: bool = True) -> MentorProfile:
    """Mark the mentor verified, record who did it, and tell the mentor (unless seeding demo data)."""
    profile.verification = MentorProfile.Verification.VERIFIED
    profile.verified_at = timezone.now()
    profile.verified_by = by
    profile.rejection_reason = ""
    profile.save(update_fields=["verification", "verified_at", "verified_by", "rejection_reason", "updated_at"])
    AuditEvent.record(actor=by, action=AuditEvent.Action.VERIFIED, target=f"mentor profile #{profile.pk}")
    if notify:
        _notify_verification(profile)
    logger.info("mentor profile %s verified by user %s", profile.pk, by.pk)
    return profile


@transaction.atomic
def reject_mentor(*, profile: MentorProfile, by: User, reason: str) -> MentorProfile:
    profile.verification = MentorProfile.Verification.REJECTED
    profile.verified_at = timezone.now()
    profile.verified_by = by
    profile.rejection_reason = reason
    profile.save(update_fields=["verification", "verified_at", "verified_by", "rejection_reason", "updated_at"])
    AuditEvent.record(
        actor=by, action=AuditEvent.Action.REJECTED_MENTOR, target=f"mentor profile #{profile.pk}", reason=reason
    )
    _notify_verification(profile)
    logger.info("mentor profile %s rejected by user %s", profile.pk, by.pk)
    return profile


# A mentor's verified facts: changing any of them sends the profile back to review. A research
# doctorate counts: it is scored for MD/PhD mentees and shown as "Physician-scientist".
PROFESSIONAL_FACTS = (
    "profession",
    "research_doctorate",
    "specialty_id",
    "board_certified",
    "npi",
    "license_state",
    "license_number",
)


def professional_facts(profile: MentorProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in PROFESSIONAL_FACTS}


@transaction.atomic
def return_to_review(*, profile: MentorProfile, changed: list[str]) -> MentorProfile:
    """A verified mentor changed what coordinators verified: unverified again, coordinators told.

    The mentor drops out of the directory and suggestions at once (``verified()``) and sees
    no mentee until a coordinator verifies them again. Which facts changed is audited; their
    values are not (a coordinator reads them on the profile).
    """
    from matching.models import IndexChange, Notification
    from matching.services.directory import record_change
    from matching.services.notifications import coordinators, notify_all

    MentorProfile.objects.filter(pk=profile.pk).update(
        verification=MentorProfile.Verification.UNVERIFIED, verified_at=None, verified_by=None
    )
    profile.verification = MentorProfile.Verification.UNVERIFIED
    profile.verified_at = None
    profile.verified_by = None
    record_change(IndexChange.Scope.PERSON, profile.user_id)
    AuditEvent.record(
        actor=profile.user,
        action=AuditEvent.Action.VERIFICATION_RESET,
        target=f"mentor profile #{profile.pk}",
        changed=sorted(changed),
    )
    notify_all(
        recipients=coordinators(),
        kind=Notification.Kind.VERIFICATION_NEEDED,
        context={"profile": profile, "changed": [_label(name) for name in sorted(changed)]},
        link=reverse("admin:accounts_mentorprofile_change", args=[profile.pk]),
        dedupe_key=f"verification_needed:{profile.pk}:{timezone.now().isoformat()}",
    )
    logger.info("mentor profile %s returned to review after changing %s", profile.pk, sorted(changed))
    return profile


def _label(field: str) -> str:
    found = MentorProfile._meta.get_field(field)
    return str(getattr(found, "verbose_name", field))


def _notify_verification(profile: MentorProfile) -> None:
    """Tell the mentor the outcome, in the same transaction (the outbox sends it after commit)."""
    # Imported here: matching imports accounts, so a module-level import would be a cycle.
    from matching.models import Notification
    from matching.services.notifications import notify

    assert profile.verified_at is not None
    notify(
        recipient=profile.user,
        kind=Notification.Kind.MENTOR_VERIFIED,
        context={"profile": profile, "verified": profile.is_verified, "reason": profile.rejection_reason},
        link=reverse("accounts:dashboard"),
        # One message per decision: re-running the same decision never notifies twice.
        dedupe_key=f"mentor_verification:{profile.pk}:{profile.verification}:{profile.verified_at.isoformat()}",
    )


@transaction.atomic
def set_background(*, user: User, values: dict[str, tuple[Any, str] | None]) -> None:
    """Replace the given background attributes: attribute -> (value, visibility), or None to remove.

    Attributes not named are left as they are. Values are validated; nothing about them
    is logged, only which attributes changed.
    """
    for attribute, entry in values.items():
        if entry is None:
            Background.objects.filter(user=user, attribute=attribute).delete()
            continue
        value, visibility = entry
        validate_background_value(attribute, value)
        if visibility not in Background.Visibility.values:
            raise ValueError(f"unknown visibility {visibility!r}")
        Background.objects.update_or_create(
            user=user, attribute=attribute, defaults={"value": value, "visibility": visibility}
        )
    logger.info("user %s updated background attributes %s", user.pk, sorted(values))


def visible_background(*, owner: User, viewer: Any) -> list[Background]:
    """The owner's background attributes that this viewer may see (all of them for the owner)."""
    return list(Background.objects.filter(user=owner).visible_to(viewer))
