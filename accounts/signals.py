"""Verification is a state machine: a verified mentor who changes a verified fact goes back to review.

Watched on every path that saves a mentor profile (the profile pages, the API, the admin,
an import, a shell): ``pre_save`` remembers the facts as stored, ``post_save`` compares,
and a change of subspecialties counts the same. Only a profile *stored* as verified is
watched, so the save that verifies one never resets it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from accounts.models import MentorProfile
from accounts.services import PROFESSIONAL_FACTS, professional_facts, return_to_review


@receiver(pre_save, sender=MentorProfile, dispatch_uid="accounts-verification-before")
def _remember_facts(sender: Any, instance: MentorProfile, raw: bool = False, **kwargs: Any) -> None:
    instance._verified_facts = None  # type: ignore[attr-defined]
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & {f.removesuffix("_id") for f in PROFESSIONAL_FACTS}:
        return
    stored = (
        MentorProfile.objects.filter(pk=instance.pk, verification=MentorProfile.Verification.VERIFIED)
        .values(*PROFESSIONAL_FACTS)
        .first()
    )
    instance._verified_facts = stored  # type: ignore[attr-defined]


@receiver(post_save, sender=MentorProfile, dispatch_uid="accounts-verification-after")
def _compare_facts(sender: Any, instance: MentorProfile, raw: bool = False, **kwargs: Any) -> None:
    stored = getattr(instance, "_verified_facts", None)
    instance._verified_facts = None  # type: ignore[attr-defined]
    if raw or not stored:
        return
    now = professional_facts(instance)
    changed = [name.removesuffix("_id") for name in PROFESSIONAL_FACTS if stored[name] != now[name]]
    if changed:
        return_to_review(profile=instance, changed=changed)


@receiver(m2m_changed, sender=MentorProfile.subspecialties.through, dispatch_uid="accounts-verification-m2m")
def _compare_subspecialties(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not kwargs.get("pk_set"):
        return
    if MentorProfile.objects.filter(pk=instance.pk, verification=MentorProfile.Verification.VERIFIED).exists():
        return_to_review(profile=instance, changed=["subspecialties"])
