"""Keep the in-memory recommendation indexes in step with everything a score reads.

Each change that can move a score is written to the change feed (``IndexChange``) in the
same transaction, as the narrowest scope that covers it: a person (profile, background,
memberships, mentorships: their row in every index), a program (its weights, the attributes
it matches on, its mentoring policy's near-peer option) or the taxonomy (every index is
rebuilt). ``matching.services.directory`` applies the feed.
Every new mentorship also gets its mentoring agreement from the program's template.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from accounts.models import (
    Background,
    ClinicalDomain,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
)
from matching.models import IndexChange, MentoringPolicy, Mentorship
from matching.services import directory as engine

Scope = IndexChange.Scope

# The only User fields a score reads; a login saves last_login and must not touch any index.
USER_FIELDS_THAT_SCORE = frozenset({"timezone", "is_active"})


def _person(**kwargs: Any) -> None:
    instance, sender = kwargs["instance"], kwargs["sender"]
    if sender is User:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not USER_FIELDS_THAT_SCORE & set(update_fields):
            return
        engine.record_change(Scope.PERSON, instance.pk)
    elif sender is Mentorship:  # the mentor's free places
        engine.record_change(Scope.PERSON, instance.mentor_id)
    else:
        engine.record_change(Scope.PERSON, instance.user_id)


def _profile_specialties(**kwargs: Any) -> None:
    if kwargs["action"] not in ("post_add", "post_remove", "post_clear"):
        return
    instance = kwargs["instance"]
    if isinstance(instance, MenteeProfile | MentorProfile):
        engine.record_change(Scope.PERSON, instance.user_id)
    else:  # specialty.subspecialty_mentors.add(...): rare, from the admin; rebuild
        engine.record_change(Scope.TAXONOMY, 0)


def _program(**kwargs: Any) -> None:
    engine.record_change(Scope.PROGRAM, kwargs["instance"].pk)


def _policy(**kwargs: Any) -> None:
    # Near-peer mentoring switched on or off: the program's near-peer mentors join or leave its directory.
    engine.record_change(Scope.PROGRAM, kwargs["instance"].program_id)


def _taxonomy(**kwargs: Any) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        engine.record_change(Scope.TAXONOMY, 0)


def _agreement_for_new_mentorship(sender: type[Mentorship], instance: Mentorship, created: bool, **kwargs: Any) -> None:
    # Whatever path made the mentorship (a request, a cohort run, an import), both sides
    # find an agreement to confirm from its first page view.
    if created and not kwargs.get("raw"):
        from matching.services.agreement import agreement_for

        agreement_for(instance)


def _remember_before(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """Note what an account or a mentor's availability was before this save (one indexed read)."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or kwargs.get("raw"):
        return
    if sender is User:
        if update_fields is not None and "is_active" not in update_fields:
            return  # a login saving last_login
        instance._was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    else:
        if update_fields is not None and not {"accepting", "paused_until"} & set(update_fields):
            return
        before = MentorProfile.objects.filter(pk=instance.pk).first()
        instance._was_accepting = before.is_accepting() if before is not None else None


def _settle_exits(sender: type[Any], instance: Any, created: bool, **kwargs: Any) -> None:
    """Deactivation and pause are exits too: settle what is open and tell the other side."""
    if created or kwargs.get("raw"):
        return
    from matching.services import exits

    if sender is User:
        if getattr(instance, "_was_active", None) and not instance.is_active:
            exits.close_account(instance)
    elif getattr(instance, "_was_accepting", None) and not instance.is_accepting():
        exits.pause_mentor(instance)


def connect() -> None:
    for exit_model in (User, MentorProfile):
        name = exit_model.__name__
        pre_save.connect(_remember_before, sender=exit_model, dispatch_uid=f"matching-exits-before-{name}")
        post_save.connect(_settle_exits, sender=exit_model, dispatch_uid=f"matching-exits-{name}")
    post_save.connect(_agreement_for_new_mentorship, sender=Mentorship, dispatch_uid="matching-new-agreement")
    # EmailAddress: confirming an address makes a person visible (accounts.models.email_confirmed).
    for model in (MentorProfile, MenteeProfile, Background, Membership, Mentorship, User, EmailAddress):
        post_save.connect(_person, sender=model, dispatch_uid=f"matching-feed-save-{model.__name__}")
        post_delete.connect(_person, sender=model, dispatch_uid=f"matching-feed-delete-{model.__name__}")
    post_save.connect(_program, sender=Program, dispatch_uid="matching-feed-save-Program")
    post_delete.connect(_program, sender=Program, dispatch_uid="matching-feed-delete-Program")
    post_save.connect(_policy, sender=MentoringPolicy, dispatch_uid="matching-feed-save-MentoringPolicy")
    post_delete.connect(_policy, sender=MentoringPolicy, dispatch_uid="matching-feed-delete-MentoringPolicy")
    for taxonomy_model in (Specialty, ClinicalDomain):
        name = taxonomy_model.__name__
        post_save.connect(_taxonomy, sender=taxonomy_model, dispatch_uid=f"matching-feed-save-{name}")
        post_delete.connect(_taxonomy, sender=taxonomy_model, dispatch_uid=f"matching-feed-delete-{name}")
    for through in (MentorProfile.subspecialties.through, MenteeProfile.target_specialties.through):
        m2m_changed.connect(_profile_specialties, sender=through, dispatch_uid=f"matching-feed-m2m-{through.__name__}")
    for taxonomy_through in (
        Specialty.related.through,
        Specialty.requires.through,
        Specialty.families.through,
        ClinicalDomain.specialties.through,
    ):
        m2m_changed.connect(
            _taxonomy, sender=taxonomy_through, dispatch_uid=f"matching-feed-m2m-{taxonomy_through.__name__}"
        )
