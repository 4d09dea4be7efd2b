"""``manage.py seed_demo``: fill the default program with demo people (PRODUCT §7).

Safe to run again: demo people are found by email and never touched twice, and the
three fixed logins are only nudged back to their role (never given a new password).
The people themselves come from ``accounts.management.demo``; this module only writes them, in
bulk, because hashing and saving hundreds of users one by one takes minutes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.management import demo
from accounts.management import history as past
from accounts.models import (
    Background,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
    validate_background_value,
)
from accounts.permissions import COORDINATORS_GROUP
from accounts.services import verify_mentor
from accounts.validators import validate_npi, validate_slots, validate_timezone
from matching.services import directory as engine

BATCH = 500
T = TypeVar("T")
P = TypeVar("P", bound=demo.PersonSpec)


class Command(BaseCommand):
    help = "Fill the default program with demo mentors and mentees, and create the three demo logins. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentors", type=int, default=160, help="Demo mentors to have (default 160).")
        parser.add_argument("--mentees", type=int, default=320, help="Demo mentees to have (default 320).")
        parser.add_argument("--quiet", action="store_true", help="Print nothing unless something goes wrong.")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Only people: no past requests, mentorships, check-ins or cohort run.",
        )
        parser.add_argument("--logins-only", action="store_true", help="Change nothing; print the demo logins.")
        parser.add_argument("--url", default="", help="The address the site is served on, printed with the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        mentors, mentees = options["mentors"], options["mentees"]
        if mentors < 0 or mentees < 0:
            raise CommandError("--mentors and --mentees must be 0 or more.")
        if options["logins_only"]:
            self.stdout.write(self._logins(from_environment="DEMO_PASSWORD" in os.environ, existed=[]))
            if options["url"]:
                self.stdout.write(self.style.SUCCESS(f"\nOpen {options['url']} and sign in with one of them."))
            return
        password = os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_PASSWORD
        started = time.monotonic()
        seeder = Seeder(password_hash=make_password(password))
        with transaction.atomic():
            seeder.run(mentors=mentors, mentees=mentees, history=not options["no_history"])
        if options["quiet"] or options["verbosity"] == 0:
            return
        self.stdout.write(seeder.summary(seconds=time.monotonic() - started))
        self.stdout.write(self._logins(from_environment="DEMO_PASSWORD" in os.environ, existed=seeder.existing_logins))

    def _logins(self, *, from_environment: bool, existed: list[str]) -> str:
        password = "the value of $DEMO_PASSWORD" if from_environment else f'"{demo.DEFAULT_PASSWORD}"'
        lines = [
            "",
            self.style.SUCCESS(f"Demo logins (password {password}):"),
            f"  {demo.DEMO_MENTEE_EMAIL:<26} mentee: third-year student aiming at orthopaedic sports medicine",
            f"  {demo.DEMO_MENTOR_EMAIL:<26} mentor: verified, accepting orthopaedic sports-medicine surgeon",
            f"  {demo.DEMO_COORDINATOR_EMAIL:<26} coordinator: staff, verifies mentors and approves matches in /admin/",
        ]
        if existed:
            lines.append(f"  ({', '.join(existed)} already existed and kept their passwords.)")
        return "\n".join(lines)


class Seeder:
    """Creates what is missing of the demo population, counting what it did."""

    def __init__(self, *, password_hash: str) -> None:
        self.password_hash = password_hash
        self.program = Program.objects.default()
        self.specialties = dict(Specialty.objects.values_list("slug", "id"))
        self.now = timezone.now()
        self.created = {"mentors": 0, "mentees": 0}
        self.existing_logins: list[str] = []
        self.notes: list[str] = []
        self.history: past.Counts | None = None

    def run(self, *, mentors: int, mentees: int, history: bool = True) -> None:
        if not self.program.approval_required:
            self.program.approval_required = True
            self.program.save(update_fields=["approval_required"])
            self.notes.append("The default program requires coordinator approval again.")
        coordinator = self.ensure_coordinator()
        self.ensure_mentor(demo.demo_mentor(), verifier=coordinator)
        self.ensure_mentee(demo.demo_mentee())
        self.created["mentors"] = self.create_mentors(
            [demo.mentor_spec(n) for n in range(1, mentors + 1)], verifier=coordinator
        )
        self.created["mentees"] = self.create_mentees([demo.mentee_spec(n) for n in range(1, mentees + 1)])
        if history and not past.has_history(self.program):
            self.history = past.write_history(program=self.program, coordinator=coordinator, now=self.now)
        if any(self.created.values()) or self.history is not None:
            # bulk_create sends no post_save, so the matching indexes would not notice the newcomers
            # (nor the places the history's mentorships take).
            engine.invalidate()

    # --- The three fixed logins ------------------------------------------------------

    def ensure_coordinator(self) -> User:
        user = self._ensure_user(
            demo.DEMO_COORDINATOR_EMAIL, first_name="Casey", last_name="Morgan", tz="America/Chicago", is_staff=True
        )
        user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
        self._ensure_membership(user, Membership.Role.COORDINATOR)
        return user

    def ensure_mentor(self, spec: demo.MentorSpec, *, verifier: User) -> None:
        user = self._ensure_user(spec.email, first_name=spec.first_name, last_name=spec.last_name, tz=spec.timezone)
        self._ensure_membership(user, Membership.Role.MENTOR)
        profile, created = MentorProfile.objects.get_or_create(user=user)
        if created or profile.specialty_id is None:  # never filled in: give it the whole demo profile
            _check_mentor(spec)
            for name, value in _mentor_fields(spec, self.specialties).items():
                setattr(profile, name, value)
            profile.save()
            profile.subspecialties.set([self.specialties[slug] for slug in spec.subspecialties])
            self._ensure_background(user, spec.background)
        if not profile.is_verified:
            verify_mentor(profile=profile, by=verifier, notify=False)
        if not profile.is_accepting():
            profile.accepting, profile.paused_until = True, None
            profile.save(update_fields=["accepting", "paused_until", "updated_at"])

    def ensure_mentee(self, spec: demo.MenteeSpec) -> None:
        user = self._ensure_user(spec.email, first_name=spec.first_name, last_name=spec.last_name, tz=spec.timezone)
        self._ensure_membership(user, Membership.Role.MENTEE)
        profile, created = MenteeProfile.objects.get_or_create(user=user)
        if created or not profile.stage:  # never filled in
            _check_person(spec)
            for name, value in _mentee_fields(spec, self.specialties).items():
                setattr(profile, name, value)
            profile.save()
            profile.target_specialties.set([self.specialties[slug] for slug in spec.targets])
            self._ensure_background(user, spec.background)

    def _ensure_user(self, email: str, *, first_name: str, last_name: str, tz: str, is_staff: bool = False) -> User:
        """The user, created with the demo password if missing, else only put back in their role."""
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create(
                email=email,
                password=self.password_hash,
                first_name=first_name,
                last_name=last_name,
                timezone=tz,
                is_staff=is_staff,
            )
        else:
            self.existing_logins.append(email)
            wanted = {"is_active": True, "is_staff": is_staff, "is_superuser": False}
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, wanted[name])
                user.save(update_fields=changed)
                self.notes.append(f"{email}: reset {', '.join(changed)} to fit the demo role.")
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif not (address.verified and address.primary):
            EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        return user

    def _ensure_membership(self, user: User, role: str) -> None:
        membership, _ = Membership.objects.get_or_create(user=user, program=self.program, defaults={"role": role})
        if membership.role != role:
            self.notes.append(f"{user.email}: role in {self.program} was {membership.role}, now {role}.")
            membership.role = role
            membership.save(update_fields=["role"])

    def _ensure_background(self, user: User, background: demo.Background) -> None:
        for attribute, (value, visibility) in background.items():
            Background.objects.get_or_create(
                user=user, attribute=attribute, defaults={"value": value, "visibility": visibility}
            )

    # --- The generated population, in bulk ---------------------------------------------

    def create_mentors(self, specs: Sequence[demo.MentorSpec], *, verifier: User) -> int:
        specs = self._missing(specs)
        if not specs:
            return 0
        for spec in specs:
            _check_mentor(spec)
        # An NPI someone real already uses is left blank rather than failing the run.
        taken = set()
        for chunk in _chunks([s.npi for s in specs]):
            taken |= set(MentorProfile.objects.filter(npi__in=chunk).values_list("npi", flat=True))
        users = self._create_users(specs, Membership.Role.MENTOR)
        profiles = []
        for spec in specs:
            fields = _mentor_fields(spec, self.specialties)
            if spec.npi in taken:
                fields["npi"] = ""
            if spec.verified:
                fields.update(
                    verification=MentorProfile.Verification.VERIFIED, verified_at=self.now, verified_by=verifier
                )
            profiles.append(MentorProfile(user_id=users[spec.email], **fields))
        self._bulk(MentorProfile, profiles)
        ids = self._profile_ids(MentorProfile, users)
        through = MentorProfile.subspecialties.through
        self._bulk(
            through,
            [
                through(mentorprofile_id=ids[spec.email], specialty_id=self.specialties[slug])
                for spec in specs
                for slug in spec.subspecialties
            ],
        )
        self._create_background(specs, users)
        return len(specs)

    def create_mentees(self, specs: Sequence[demo.MenteeSpec]) -> int:
        specs = self._missing(specs)
        if not specs:
            return 0
        for spec in specs:
            _check_person(spec)
        users = self._create_users(specs, Membership.Role.MENTEE)
        fields = {spec.email: _mentee_fields(spec, self.specialties) for spec in specs}
        profiles = [MenteeProfile(user_id=users[email], **values) for email, values in fields.items()]
        self._bulk(MenteeProfile, profiles)
        ids = self._profile_ids(MenteeProfile, users)
        through = MenteeProfile.target_specialties.through
        self._bulk(
            through,
            [
                through(menteeprofile_id=ids[spec.email], specialty_id=self.specialties[slug])
                for spec in specs
                for slug in spec.targets
            ],
        )
        self._create_background(specs, users)
        return len(specs)

    def _missing(self, specs: Sequence[P]) -> list[P]:
        emails = [spec.email for spec in specs]
        existing = set()
        for chunk in _chunks(emails):
            existing |= {
                email.lower() for email in User.objects.filter(email__in=chunk).values_list("email", flat=True)
            }
        return [spec for spec in specs if spec.email not in existing]

    def _create_users(self, specs: Sequence[demo.PersonSpec], role: str) -> dict[str, int]:
        """Users, verified addresses and memberships; returns email -> user id."""
        self._bulk(
            User,
            [
                User(
                    email=spec.email,
                    password=self.password_hash,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    timezone=spec.timezone,
                )
                for spec in specs
            ],
        )
        users: dict[str, int] = {}
        for chunk in _chunks([spec.email for spec in specs]):
            users.update(User.objects.filter(email__in=chunk).values_list("email", "id"))
        self._bulk(
            EmailAddress,
            [EmailAddress(user_id=users[s.email], email=s.email, verified=True, primary=True) for s in specs],
        )
        self._bulk(
            Membership,
            [Membership(user_id=users[spec.email], program=self.program, role=role) for spec in specs],
        )
        return users

    def _profile_ids(self, model: type[MentorProfile] | type[MenteeProfile], users: dict[str, int]) -> dict[str, int]:
        email_of = {user_id: email for email, user_id in users.items()}
        found: dict[str, int] = {}
        for chunk in _chunks(list(email_of)):
            for profile_id, user_id in model.objects.filter(user_id__in=chunk).values_list("id", "user_id"):
                found[email_of[user_id]] = profile_id
        return found

    def _create_background(self, specs: Iterable[demo.PersonSpec], users: dict[str, int]) -> None:
        self._bulk(
            Background,
            [
                Background(user_id=users[spec.email], attribute=attribute, value=value, visibility=visibility)
                for spec in specs
                for attribute, (value, visibility) in spec.background.items()
            ],
        )

    def _bulk(self, model: Any, objects: list[Any]) -> None:
        model.objects.bulk_create(objects, batch_size=BATCH)

    # --- Reporting -------------------------------------------------------------------------

    def summary(self, *, seconds: float) -> str:
        mentors = MentorProfile.objects.filter(user__memberships__program=self.program)
        mentees = MenteeProfile.objects.filter(user__memberships__program=self.program)
        verified = mentors.verified()
        lines = [
            f"Demo data for {self.program.name} (approval required: {self.program.approval_required}):",
            f"  created {self.created['mentors']} mentors and {self.created['mentees']} mentees"
            + (" - everything was already there" if not any(self.created.values()) else "")
            + f", in {seconds:.1f} s",
            f"  mentors: {mentors.count()} ({verified.count()} verified, "
            f"{mentors.filter(verification=MentorProfile.Verification.UNVERIFIED).count()} awaiting verification), "
            f"{verified.values('specialty').distinct().count()} specialties among the verified",
            f"  mentees: {mentees.count()}, at {mentees.exclude(stage='').values('stage').distinct().count()} stages",
        ]
        if self.history is not None:
            lines.append(self.history.summary())
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


# --- Spec -> model fields -------------------------------------------------------------------------


def _person_fields(spec: demo.PersonSpec) -> dict[str, Any]:
    return {
        "bio": spec.bio,
        "kinds": spec.kinds,
        "topics": spec.topics,
        "availability": spec.availability,
        "meeting_modes": spec.meeting_modes,
        "region": spec.region,
        "languages": spec.languages,
    }


def _mentor_fields(spec: demo.MentorSpec, specialties: dict[str, int]) -> dict[str, Any]:
    return {
        **_person_fields(spec),
        "profession": spec.profession,
        "specialty_id": specialties[spec.specialty],
        "board_certified": spec.board_certified,
        "institution": spec.institution,
        "years_in_practice": spec.years_in_practice,
        "npi": spec.npi,
        "license_state": spec.license_state,
        "license_number": spec.license_number,
        "capacity": spec.capacity,
        "accepting": spec.accepting,
        "preferred_stages": spec.preferred_stages,
        "preferred_groups": spec.preferred_groups,
    }


def _mentee_fields(spec: demo.MenteeSpec, specialties: dict[str, int]) -> dict[str, Any]:
    return {
        **_person_fields(spec),
        "stage": spec.stage,
        "intended_profession": spec.intended_profession,
        "md_phd": spec.md_phd,
        "current_specialty_id": specialties[spec.current_specialty] if spec.current_specialty else None,
        "training_year": spec.training_year,
        "school": spec.school,
        "goals_text": spec.goals_text,
        "can_offer": spec.can_offer,
        "comfort_preferences": spec.comfort_preferences,
    }


def _check_person(spec: demo.PersonSpec) -> None:
    """bulk_create skips model validation: run the field validators on generated values instead."""
    try:
        validate_timezone(spec.timezone)
        validate_slots(spec.availability)
        for attribute, (value, visibility) in spec.background.items():
            validate_background_value(attribute, value)
            if visibility not in Background.Visibility.values:
                raise ValidationError(f"unknown visibility {visibility!r}")
    except ValidationError as error:
        raise CommandError(f"demo data for {spec.email} is invalid: {error}") from error


def _check_mentor(spec: demo.MentorSpec) -> None:
    _check_person(spec)
    try:
        validate_npi(spec.npi)
    except ValidationError as error:
        raise CommandError(f"demo data for {spec.email} is invalid: {error}") from error


def _chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
