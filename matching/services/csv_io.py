"""CSV export of matches and participants, and an all-or-nothing import of participants.

What an export may contain is an allowlist (``MATCH_COLUMNS``, ``PARTICIPANT_COLUMNS``),
never "every field but ...", so a field added to a model later stays out until someone
decides it belongs. Left out on purpose (PRODUCT §8, "sensitive attributes minimised and
never exported"):

- background attributes, whatever their visibility, and mentees' comfort preferences
  and mentors' preferred groups (both reveal a person's background by implication);
- free text (bios, goals, messages, feedback), which may hold anything;
- NPI and licence numbers. An NPI is public in the US registry, but nothing a program
  runs from a spreadsheet needs it; coordinators read it on the mentor's admin page.

Every cell is formula-escaped (``escape_cell``), as OWASP advises for CSV files that
are opened in spreadsheets. Every export and import leaves an audit event.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from allauth.account.models import EmailAddress
from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from rest_framework import serializers

from accounts.models import AuditEvent, Membership, Program, Specialty, User
from accounts.serializers import MenteeProfileSerializer, MentorProfileSerializer
from accounts.services import join_program
from accounts.validators import normalise_email, validate_timezone
from matching.models import Mentorship
from matching.services.requests import require_coordinator


class Writable(Protocol):
    """Where CSV goes: a file, a StringIO, or an HttpResponse."""

    def write(self, text: str, /) -> Any: ...


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"

MATCH_COLUMNS = (
    "mentorship_id",
    "status",
    "kind",
    "at_risk",
    "started_at",
    "ended_at",
    "end_reason",
    "mentee_email",
    "mentee_name",
    "mentee_stage",
    "mentor_email",
    "mentor_name",
    "mentor_specialty",
    "mentee_rating",
    "mentor_rating",
)
PARTICIPANT_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "role",
    "timezone",
    "stage",
    "specialty",
    "profession",
    "institution",
    "capacity",
    "verification",
    "accepting",
    "active_mentorships",
    "joined_at",
)


def starts_a_formula(text: str) -> bool:
    """Would a spreadsheet read this cell as a formula?

    Compared after NFKC normalisation, because spreadsheets fold compatibility characters:
    a full-width equals sign (U+FF1D), plus or minus starts a formula as surely as "=" does.
    """
    return unicodedata.normalize("NFKC", text[:8]).startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS)


def escape_cell(value: Any) -> str:
    """The cell as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if starts_a_formula(text) else text


def unescape_cell(text: str) -> str:
    """Undo ``escape_cell`` so an exported file imports back unchanged."""
    return text[1:] if text.startswith("'") and starts_a_formula(text[1:]) else text


def write_rows(out: Writable, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([escape_cell(row.get(column)) for column in columns])
        count += 1
    return count


# --- Export ------------------------------------------------------------------------------


def export_matches(out: Writable, *, program: Program, by: User) -> int:
    require_coordinator(by, to="export matches")
    mentorships = (
        Mentorship.objects.filter(program=program)
        .select_related("mentee__mentee_profile", "mentor__mentor_profile__specialty")
        .order_by("started_at", "pk")
    )
    count = write_rows(out, MATCH_COLUMNS, (match_row(m) for m in mentorships.iterator(chunk_size=500)))
    AuditEvent.record(actor=by, action=AuditEvent.Action.EXPORTED, target="matches.csv", rows=count)
    return count


def match_row(mentorship: Mentorship) -> dict[str, Any]:
    mentee_profile = getattr(mentorship.mentee, "mentee_profile", None)
    mentor_profile = getattr(mentorship.mentor, "mentor_profile", None)
    return {
        "mentorship_id": mentorship.pk,
        "status": mentorship.status,
        "kind": mentorship.kind,
        "at_risk": yes_no(mentorship.at_risk),
        "started_at": mentorship.started_at.isoformat(),
        "ended_at": mentorship.ended_at.isoformat() if mentorship.ended_at else "",
        "end_reason": mentorship.end_reason,
        "mentee_email": mentorship.mentee.email,
        "mentee_name": mentorship.mentee.get_full_name(),
        "mentee_stage": mentee_profile.stage if mentee_profile else "",
        "mentor_email": mentorship.mentor.email,
        "mentor_name": mentorship.mentor.get_full_name(),
        "mentor_specialty": mentor_profile.specialty.slug if mentor_profile and mentor_profile.specialty else "",
        "mentee_rating": mentorship.mentee_rating,
        "mentor_rating": mentorship.mentor_rating,
    }


def export_participants(out: Writable, *, program: Program, by: User) -> int:
    require_coordinator(by, to="export participants")
    memberships = (
        Membership.objects.filter(program=program, role__in=[Membership.Role.MENTEE, Membership.Role.MENTOR])
        .select_related("user__mentee_profile", "user__mentor_profile__specialty")
        .prefetch_related("user__mentee_profile__target_specialties")
        .annotate(
            as_mentee=Count("user__mentorships_as_mentee", filter=Q(user__mentorships_as_mentee__status="active")),
            as_mentor=Count("user__mentorships_as_mentor", filter=Q(user__mentorships_as_mentor__status="active")),
        )
        .order_by("role", "user__email")
    )
    count = write_rows(out, PARTICIPANT_COLUMNS, (participant_row(m) for m in memberships))
    AuditEvent.record(actor=by, action=AuditEvent.Action.EXPORTED, target="participants.csv", rows=count)
    return count


def participant_row(membership: Any) -> dict[str, Any]:
    user = membership.user
    row: dict[str, Any] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": membership.role,
        "timezone": user.timezone,
        "joined_at": membership.joined_at.isoformat(),
    }
    if membership.role == Membership.Role.MENTEE and hasattr(user, "mentee_profile"):
        profile = user.mentee_profile
        row |= {
            "stage": profile.stage,
            "specialty": LIST_SEPARATOR.join(sorted(s.slug for s in profile.target_specialties.all())),
            "institution": profile.school,
            "active_mentorships": membership.as_mentee,
        }
    elif membership.role == Membership.Role.MENTOR and hasattr(user, "mentor_profile"):
        mentor = user.mentor_profile
        row |= {
            "specialty": mentor.specialty.slug if mentor.specialty else "",
            "profession": mentor.profession,
            "institution": mentor.institution,
            "capacity": mentor.capacity,
            "verification": mentor.verification,
            "accepting": yes_no(mentor.accepting),
            "active_mentorships": membership.as_mentor,
        }
    return row


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- Import ------------------------------------------------------------------------------

IMPORT_REQUIRED = ("email", "role")
IMPORT_OPTIONAL = ("first_name", "last_name", "timezone", "stage", "specialty", "profession", "institution", "capacity")
# Columns an export writes that an import reads past, so an exported file re-imports as is.
EXPORT_ONLY = ("verification", "accepting", "active_mentorships", "joined_at")
IMPORT_ROLES = (Membership.Role.MENTEE, Membership.Role.MENTOR)
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
UNREADABLE = "This row cannot be read: a cell is longer than 131,072 characters, or a quoted cell is never closed."


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header; 0 is the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class Participant:
    line: int
    email: str
    role: str
    first_name: str = ""
    last_name: str = ""
    timezone: str = "UTC"
    stage: str = ""
    specialties: tuple[Specialty, ...] = ()
    profession: str = ""
    institution: str = ""
    capacity: int | None = None


@dataclass
class ImportReport:
    rows: list[Participant] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, role: str) -> int:
        return sum(1 for row in self.rows if row.role == role)


def import_participants(data: bytes, *, program: Program, by: User, dry_run: bool = False) -> ImportReport:
    """Validate every row first; import all of them in one transaction, or none.

    New people get an unusable password and an address the coordinator vouches for: they set
    a password through "forgot password". Imported mentors wait for verification like any other.
    """
    require_coordinator(by, to="import participants")
    report = parse_participants(data)
    if not report.ok or dry_run or not report.rows:
        return report
    try:
        with transaction.atomic():
            for row in report.rows:
                create_participant(row, program=program)
            AuditEvent.record(
                actor=by,
                action=AuditEvent.Action.IMPORTED,
                target=f"participants of {program}",
                mentees=report.count(Membership.Role.MENTEE),
                mentors=report.count(Membership.Role.MENTOR),
            )
    except IntegrityError:
        # Someone registered one of these addresses while the file was being checked.
        report.errors.append(RowError(0, "email", "An address in the file was registered meanwhile; nothing imported."))
        return report
    report.imported = True
    return report


def parse_participants(data: bytes) -> ImportReport:
    report = ImportReport()
    if len(data) > MAX_IMPORT_BYTES:
        report.errors.append(RowError(0, "", f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB."))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append(RowError(0, "", "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        return report
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error:
        report.errors.append(RowError(1, "", UNREADABLE))
        return report
    header = [name.strip().lower() for name in fieldnames]
    reader.fieldnames = header
    missing = [name for name in IMPORT_REQUIRED if name not in header]
    unknown = [name for name in header if name not in (*IMPORT_REQUIRED, *IMPORT_OPTIONAL, *EXPORT_ONLY)]
    for name in missing:
        report.errors.append(RowError(1, name, f"The header has no “{name}” column."))
    for name in unknown:
        report.errors.append(RowError(1, name, f"Unknown column “{name}”."))
    if report.errors:
        return report

    specialties = {s.slug: s for s in Specialty.objects.all()}
    seen: dict[str, int] = {}
    records = iter(reader)
    while True:
        try:
            raw = next(records)
        except StopIteration:
            break
        except csv.Error:
            # The reader cannot go on past this point: report it and check no further.
            report.errors.append(RowError(reader.line_num, "", UNREADABLE))
            break
        line = reader.line_num  # the physical line the record ends on, as an editor shows it
        if len(report.rows) + len(report.errors) >= MAX_IMPORT_ROWS:
            report.errors.append(RowError(line, "", f"More than {MAX_IMPORT_ROWS} rows: split the file."))
            break
        if None in raw:  # more cells than header columns
            report.errors.append(RowError(line, "", "This row has more cells than the header."))
            continue
        cells = {key: unescape_cell((value or "").strip()) for key, value in raw.items()}
        if not any(cells.values()):
            continue  # blank line
        participant, errors = parse_row(line, cells, specialties)
        if participant and (first := seen.get(participant.email.lower())):
            errors.append(RowError(line, "email", f"The same address is on line {first}."))
        if errors:
            report.errors.extend(errors)
        elif participant:
            seen[participant.email.lower()] = line
            report.rows.append(participant)

    # Addresses are unique whatever their case (accounts_user_email_ci_unique).
    taken = set(
        User.objects.annotate(lowered=Lower("email")).filter(lowered__in=list(seen)).values_list("lowered", flat=True)
    )
    for participant in report.rows:
        if participant.email.lower() in taken:
            report.errors.append(
                RowError(participant.line, "email", "Someone already has an account with this address.")
            )
    report.errors.sort(key=lambda error: error.line)
    return report


def _user_field(name: str, **kwargs: Any) -> forms.Field:
    model_field = User._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    field = model_field.formfield(**kwargs)
    assert field is not None
    return field


class ParticipantForm(forms.Form):
    """A row's person, with the User model's own fields and limits (254-character address, no NUL).

    Addresses already taken are checked once for the whole file (``parse_participants``).
    """

    email = _user_field("email")
    first_name = _user_field("first_name", required=False)
    last_name = _user_field("last_name", required=False)
    timezone = _user_field("timezone", validators=[validate_timezone])


# Which import column each profile serializer field reads, for error messages.
PROFILE_COLUMNS = {"school": "institution", "target_specialties": "specialty", "specialty": "specialty"}


def parse_row(
    line: int, cells: dict[str, str], specialties: dict[str, Specialty]
) -> tuple[Participant | None, list[RowError]]:
    """One row, checked by the same form and serializers as the profile pages and the API.

    The person's fields go through ``ParticipantForm`` (the User model's limits), the
    profile's through ``MenteeProfileSerializer`` or ``MentorProfileSerializer``, so an
    import can hold nothing a person could not type into their own profile (a subspecialty
    as a mentor's specialty, an unknown stage, a capacity past the limit).
    """
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    email = normalise_email(cells.get("email", ""))
    person = ParticipantForm(
        {
            "email": email,
            "first_name": cells.get("first_name", ""),
            "last_name": cells.get("last_name", ""),
            "timezone": cells.get("timezone") or "UTC",
        }
    )
    if not person.is_valid():
        for column, messages in person.errors.items():
            value = cells.get(column, "")
            if column == "email" and not email:
                fail(column, "An email address is required.")
            elif column == "email":
                fail(column, f"“{value[:80]}” is not an email address (at most 254 characters).")
            elif column == "timezone":
                fail(column, f"“{value[:80]}” is not a timezone name such as America/Chicago.")
            else:
                fail(column, " ".join(str(message) for message in messages))
    role = cells.get("role", "").lower()
    if role not in IMPORT_ROLES:
        fail("role", "The role must be mentee or mentor.")
    stage = cells.get("stage", "")
    if stage and role == Membership.Role.MENTOR:
        fail("stage", "Only mentees have a stage.")
    slugs = [slug.strip() for slug in cells.get("specialty", "").split(LIST_SEPARATOR) if slug.strip()]
    unknown = [slug for slug in slugs if slug not in specialties]
    if unknown:
        fail("specialty", f"Unknown specialty {', '.join(unknown)[:200]} (use the slugs of the taxonomy).")
    if role == Membership.Role.MENTOR and len(slugs) > 1:
        fail("specialty", "A mentor has one specialty.")
    profession = cells.get("profession", "")
    if profession and role == Membership.Role.MENTEE:
        fail("profession", "Only mentors have a profession.")
    raw_capacity = cells.get("capacity", "")
    if raw_capacity and role == Membership.Role.MENTEE:
        fail("capacity", "Only mentors have a capacity.")
    institution = cells.get("institution", "")
    if errors:
        return None, errors

    profile: dict[str, Any]
    serializer: serializers.Serializer
    if role == Membership.Role.MENTOR:
        profile = {"institution": institution}
        if profession:
            profile["profession"] = profession
        if slugs:
            profile["specialty"] = specialties[slugs[0]].pk
        if raw_capacity:
            profile["capacity"] = raw_capacity
        serializer = MentorProfileSerializer(data=profile, partial=True)
    else:
        profile = {"school": institution, "target_specialties": [specialties[slug].pk for slug in slugs]}
        if stage:
            profile["stage"] = stage
        serializer = MenteeProfileSerializer(data=profile, partial=True)
    if not serializer.is_valid():
        for name, messages in serializer.errors.items():
            column = PROFILE_COLUMNS.get(name, name)
            text = " ".join(str(message) for message in (messages if isinstance(messages, list) else [messages]))
            fail(column, text)
        return None, errors
    valid = serializer.validated_data
    return (
        Participant(
            line=line,
            email=person.cleaned_data["email"],
            role=role,
            first_name=person.cleaned_data["first_name"],
            last_name=person.cleaned_data["last_name"],
            timezone=person.cleaned_data["timezone"],
            stage=valid.get("stage", ""),
            specialties=tuple(specialties[slug] for slug in slugs),
            profession=valid.get("profession", ""),
            institution=institution,
            capacity=valid.get("capacity"),
        ),
        [],
    )


def create_participant(row: Participant, *, program: Program) -> User:
    user = User.objects.create_user(
        email=row.email, password=None, first_name=row.first_name, last_name=row.last_name, timezone=row.timezone
    )
    # Vouched for by the coordinator: seen and matched at once (email_confirmed); signing in still
    # takes a password reset through this mailbox.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    join_program(user=user, role=row.role, program=program)
    if row.role == Membership.Role.MENTEE:
        mentee = user.mentee_profile
        mentee.stage = row.stage
        mentee.school = row.institution
        mentee.save()
        mentee.target_specialties.set(row.specialties)
    else:
        mentor = user.mentor_profile
        mentor.profession = row.profession
        mentor.institution = row.institution
        mentor.specialty = row.specialties[0] if row.specialties else None
        if row.capacity is not None:
            mentor.capacity = row.capacity
        mentor.save()
    return user
