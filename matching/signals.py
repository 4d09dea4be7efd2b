"""Keep the in-memory recommendation indexes in step with everything a score reads."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import Background, MenteeProfile, MentorProfile, Program, Specialty, User
from matching.models import Mentorship
from matching.services import directory as engine

# The only User fields a score reads; a login saves last_login and must not rebuild anything.
USER_FIELDS_THAT_SCORE = frozenset({"timezone", "is_active"})


def _stale(**kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if kwargs.get("sender") is User and update_fields is not None and not USER_FIELDS_THAT_SCORE & set(update_fields):
        return
    engine.invalidate()


def connect() -> None:
    for model in (MentorProfile, MenteeProfile, Background, Program, Specialty, Mentorship, User):
        post_save.connect(_stale, sender=model, dispatch_uid=f"matching-stale-save-{model.__name__}")
        post_delete.connect(_stale, sender=model, dispatch_uid=f"matching-stale-delete-{model.__name__}")
    for through in (
        MentorProfile.subspecialties.through,
        MenteeProfile.target_specialties.through,
        Specialty.related.through,
        Specialty.families.through,
    ):
        m2m_changed.connect(_stale, sender=through, dispatch_uid=f"matching-stale-m2m-{through.__name__}")
