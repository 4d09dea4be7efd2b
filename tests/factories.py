"""Plain keyword-only factory functions: each test states only the data it depends on.

Helpers may append new functions at the end of this file; re-read it before editing.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import Group

from accounts.models import (
    Background,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
    validate_mentee_path,
    validate_mentor_credentials,
    validate_mentor_subspecialties,
)
from accounts.services import join_program, set_background

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(*, email: str | None = None, password: str = PASSWORD, **fields: Any) -> User:
    email = email or f"person{next(_sequence)}@example.org"
    user = User.objects.create_user(email=email, password=password, **fields)
    # allauth requires a verified address before sign-in.
    user.emailaddress_set.create(email=email, verified=True, primary=True)
    return user


def make_mentee(
    *,
    email: str | None = None,
    stage: str = MenteeProfile.Stage.MS2,
    targets: tuple[str, ...] = (),
    program: Program | None = None,
    **profile_fields: Any,
) -> MenteeProfile:
    user = make_user(email=email, first_name="Mia", last_name=f"Mentee{next(_sequence)}")
    join_program(user=user, role=Membership.Role.MENTEE, program=program)
    profile = user.mentee_profile
    profile.stage = stage
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    # Only profiles a person could save: the rules of the profile page and the API.
    validate_mentee_path(**{name: getattr(profile, name) for name in MenteeProfile.PATH_FIELDS})
    profile.save()
    if targets:
        profile.target_specialties.set(Specialty.objects.filter(slug__in=targets))
    return profile


def make_mentor(
    *,
    email: str | None = None,
    specialty: str = "internal-medicine",
    subspecialties: tuple[str, ...] = (),
    verified: bool = True,
    program: Program | None = None,
    **profile_fields: Any,
) -> MentorProfile:
    user = make_user(email=email, first_name="Max", last_name=f"Mentor{next(_sequence)}")
    join_program(user=user, role=Membership.Role.MENTOR, program=program)
    profile = user.mentor_profile
    profile.profession = profile_fields.pop("profession", MentorProfile.Profession.MD)
    profile.specialty = Specialty.objects.get(slug=specialty)
    if verified:
        profile.verification = MentorProfile.Verification.VERIFIED
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    chosen = list(Specialty.objects.filter(slug__in=subspecialties))
    # Only profiles a person could save: the rules of the profile page and the API.
    validate_mentor_credentials(
        profession=profile.profession, specialty=profile.specialty, board_certified=profile.board_certified
    )
    validate_mentor_subspecialties(profession=profile.profession, specialty=profile.specialty, subspecialties=chosen)
    if chosen:  # before the save that verifies: a verified mentor's change goes back to review
        profile.subspecialties.set(chosen)
    profile.save()
    return profile


def api_client(user: Any) -> Any:
    """A DRF ``APIClient`` authenticated as ``user`` (no sign-in round trip)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def make_coordinator(*, email: str | None = None) -> User:
    user = make_user(email=email, is_staff=True, first_name="Cora", last_name="Coordinator")
    user.groups.add(Group.objects.get(name="Coordinators"))
    return user


def give_background(user: User, attribute: str, value: Any, visibility: str = Background.Visibility.PRIVATE) -> None:
    set_background(user=user, values={attribute: (value, visibility)})


def make_request(
    *, mentee: Any = None, mentor: Any = None, kind: str = "long_term", message: str = "Hello!", **fields: Any
) -> Any:
    """A pending request sent through the real service (so every rule applies)."""
    from matching.services.requests import create_request

    mentee_user = mentee.user if hasattr(mentee, "user") else mentee or make_mentee().user
    mentor_user = mentor.user if hasattr(mentor, "user") else mentor or make_mentor().user
    return create_request(mentee=mentee_user, mentor=mentor_user, kind=kind, message=message, **fields)


def make_mentorship(*, mentee: Any = None, mentor: Any = None, kind: str = "long_term", **fields: Any) -> Any:
    """A live mentorship, reached the real way: a request, accepted, then approved by a coordinator."""
    from matching.models import Mentorship
    from matching.services.requests import accept_request, approve_request

    request = make_request(mentee=mentee, mentor=mentor, kind=kind, **fields)
    accepted = accept_request(request=request, by=request.mentor)
    if accepted.status != "matched":
        approve_request(request=accepted, by=make_coordinator())
    return Mentorship.objects.get(request=request)
