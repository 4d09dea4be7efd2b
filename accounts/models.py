"""Who people are: users, programs and roles, the specialty taxonomy, and profiles.

The ``TextChoices`` below are the one vocabulary. The pure scorer reads a generated copy
of their values (``matching/scoring/vocabulary.py``): after changing a choice, run
``python manage.py write_vocabulary`` (a test fails until you do).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.validators import normalise_email, validate_npi, validate_slots, validate_timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are matched case-insensitively at login.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person, identified by email address; there is no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone], help_text="IANA name, e.g. America/Chicago."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[assignment, misc]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email or "")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a changed password or a deactivation revokes every API token (accounts.tokens)."""
        from accounts.tokens import revoke_tokens

        password_changed = getattr(self, "_password", None) is not None  # set by set_password, cleared by save
        adding = self._state.adding
        if self.email:
            self.email = normalise_email(self.email)
        super().save(*args, **kwargs)
        if adding:
            return
        update_fields = kwargs.get("update_fields")
        if password_changed:
            revoke_tokens(self, reason="password changed")
        elif not self.is_active and (update_fields is None or "is_active" in update_fields):
            revoke_tokens(self, reason="deactivated")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def is_coordinator(self) -> bool:
        """The one coordinator rule, ``accounts.permissions.is_coordinator``."""
        from accounts.permissions import is_coordinator

        return is_coordinator(self)

    @property
    def role(self) -> str | None:
        """The role in the default program: mentee, mentor or coordinator (``accounts.permissions.role_of``)."""
        from accounts.permissions import role_of

        return role_of(self)


# --- Specialty taxonomy ---------------------------------------------------------------


class Family(models.Model):
    """A broad family of fields: surgical, primary care, hospital-based, ..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    """An ABMS member board."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SpecialtyQuerySet(models.QuerySet["Specialty"]):
    def primary(self) -> SpecialtyQuerySet:
        return self.filter(parent__isnull=True)

    def subspecialties(self) -> SpecialtyQuerySet:
        return self.filter(parent__isnull=False)


class Specialty(models.Model):
    """A specialty or, when it has a parent, a subspecialty; loaded from accounts/taxonomy.py."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="specialties")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subspecialties")
    families = models.ManyToManyField(Family, related_name="specialties")
    certificate = models.SlugField(
        max_length=120,
        blank=True,
        help_text="Shared by every board's entry for one certificate (e.g. hospice-and-palliative-medicine); "
        "empty for a certificate of its own.",
    )
    requires = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="leads_to",
        help_text="Certificates required first, any one of them (entry routes); empty means just the parent.",
    )
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text="Links beyond certificates, pathways and domains; they count as the same clinical domain.",
    )
    within = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="special_qualifications",
        help_text="The specialty whose certificate this one is a special qualification in, held as well as "
        "its entry route (Child Neurology: Neurology).",
    )

    objects = SpecialtyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="accounts_specialty_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        # "Sports Medicine (Family Medicine)": the same subspecialty exists under several boards.
        return f"{self.name} ({self.parent.name})" if self.parent_id and self.parent else self.name

    def reachable_from(self, specialty: Specialty) -> bool:
        """Whether a physician certified in ``specialty`` (a primary one) can hold this certificate.

        The roads into a certificate are the taxonomy's own relations (accounts/taxonomy_data.py,
        as the admin left them): its parent specialty and its entry routes (``requires``),
        followed back to where they start. ``specialty`` reaches the certificate when it is on
        one of those roads or certified by the same board as a node on them: Interventional
        Cardiology is reached from Internal Medicine (through Cardiovascular Disease), Hospice
        and Palliative Medicine from each of its ten boards through that board's version,
        Rheumatology never from Dermatology.
        """
        return not unreachable_from(specialty, [self])


def unreachable_from(specialty: Specialty, certificates: Iterable[Specialty]) -> list[Specialty]:
    """The ``certificates`` that ``specialty`` does not reach (``Specialty.reachable_from``), in order.

    Reads the taxonomy's relations once (two queries), however many certificates are asked about.
    A certificate several boards offer is reached through the version of the mentor's own
    road: a psychiatrist holds Sleep Medicine through ABPN, not Sleep Medicine (Anesthesiology).
    """
    rows = {row["pk"]: row for row in Specialty.objects.values("pk", "board_id", "parent_id")}
    requires: dict[int, set[int]] = {}
    for source, target in Specialty.requires.through.objects.values_list("from_specialty_id", "to_specialty_id"):
        requires.setdefault(source, set()).add(target)

    def reached(start: int) -> bool:
        seen, frontier = {start}, [start]
        while frontier:
            row = rows[frontier.pop()]
            if row["pk"] == specialty.pk or row["board_id"] == specialty.board_id:
                return True
            roads = {row["parent_id"]} if row["parent_id"] else set()
            roads |= requires.get(row["pk"], set())
            frontier.extend(roads - seen)
            seen |= roads
        return False

    return [each for each in certificates if each.pk not in rows or not reached(each.pk)]


class ClinicalDomain(models.Model):
    """A clinical domain that cuts across boards: cardiovascular care, child health, ..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, help_text='Lower case, read inside a sentence: "child health".')
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Precedence when a reason must name one of several shared domains (lowest first)."
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="domains")

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


# --- Programs and roles ---------------------------------------------------------------


def default_weights() -> dict[str, float]:
    from matching.scoring.components import DEFAULT_WEIGHTS

    return DEFAULT_WEIGHTS.as_dict()


class ProgramQuerySet(models.QuerySet["Program"]):
    def default(self) -> Program:
        return self.get(is_default=True)


class Program(models.Model):
    """A mentorship program with its own rules; one default program exists out of the box."""

    class RequestMode(models.TextChoices):
        MENTEE = "mentee", "Mentees request mentors"
        COORDINATOR = "coordinator", "Coordinators match only"
        BOTH = "both", "Both"

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    approval_required = models.BooleanField(
        default=True, help_text="Accepted requests wait for a coordinator's approval."
    )
    request_mode = models.CharField(max_length=20, choices=RequestMode.choices, default=RequestMode.BOTH)
    max_open_requests = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    checkin_cadence_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    withdraw_other_long_term_requests = models.BooleanField(
        default=True, help_text="When a long-term match goes live, withdraw the mentee's other long-term requests."
    )
    weights = models.JSONField(default=default_weights, help_text="Matching weight of each score component.")
    matching_attributes_off = models.JSONField(
        "background attributes not used for matching",
        default=list,
        blank=True,
        help_text="Background attributes this program does not match on: neither mentees' comfort preferences "
        "nor mentors' preferred groups on them count (e.g. where race or its proxies may not be used).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="accounts_program_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from matching.scoring.components import COMPONENTS, MIN_WEIGHT

        if not isinstance(self.weights, dict):
            raise ValidationError({"weights": "Weights must be an object of component: number."})
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValidationError({"weights": f"Unknown components: {', '.join(sorted(unknown))}."})
        for name, value in self.weights.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValidationError({"weights": f"The weight of {name} must be a number of 0 or more."})
            if 0 < value < MIN_WEIGHT:  # what the scorer refuses (Weights): it would use the defaults
                raise ValidationError({"weights": f"The weight of {name} must be 0 or at least {MIN_WEIGHT:g}."})
        if not any(self.weights.values()):
            raise ValidationError({"weights": "At least one weight must be above 0."})
        off = self.matching_attributes_off
        if not isinstance(off, list) or any(a not in Background.Attribute.values for a in off):
            raise ValidationError({"matching_attributes_off": "Choose background attributes from the list (or none)."})


class Membership(models.Model):
    """One user, one role per program."""

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"
        COORDINATOR = "coordinator", "Coordinator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="accounts_membership_one_role_per_program"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.program}"


# --- Shared vocabulary ------------------------------------------------------------------


class Topic(models.TextChoices):
    SPECIALTY_CHOICE = "specialty_choice", "Choosing a specialty"
    MED_SCHOOL_ADMISSIONS = "med_school_admissions", "Medical school admissions"
    RESIDENCY_APPLICATIONS = "residency_applications", "Residency applications"
    FELLOWSHIP_APPLICATIONS = "fellowship_applications", "Fellowship applications"
    PERSONAL_STATEMENT = "personal_statement", "Personal statement"
    MOCK_INTERVIEW = "mock_interview", "Mock interviews"
    RESEARCH = "research", "Research"
    GRANT_WRITING = "grant_writing", "Grant writing"
    PRESENTATIONS = "presentations", "Presentations"
    BOARD_EXAMS = "board_exams", "Board exams"
    CLINICAL_SKILLS = "clinical_skills", "Clinical skills"
    CAREER_PLANNING = "career_planning", "Career planning"
    WORK_LIFE_BALANCE = "work_life_balance", "Work-life balance"
    LEADERSHIP = "leadership", "Leadership"
    WELLNESS = "wellness", "Wellness"
    DIVERSITY_EQUITY = "diversity_equity", "Diversity and equity in medicine"
    GLOBAL_HEALTH = "global_health", "Global health"
    ACADEMIC_MEDICINE = "academic_medicine", "Academic medicine"
    PRIVATE_PRACTICE = "private_practice", "Private practice"
    NETWORKING = "networking", "Networking and introductions"


class Kind(models.TextChoices):
    LONG_TERM = "long_term", "Long-term mentorship"
    SHORT_TERM = "short_term", "Short-term mentorship"
    TASK = "task", "A single task"


class MeetingMode(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"
    ZH = "zh", "Chinese"
    HI = "hi", "Hindi"
    AR = "ar", "Arabic"
    FR = "fr", "French"
    VI = "vi", "Vietnamese"
    KO = "ko", "Korean"
    TL = "tl", "Tagalog"
    PT = "pt", "Portuguese"
    RU = "ru", "Russian"
    UR = "ur", "Urdu"
    BN = "bn", "Bengali"
    FA = "fa", "Persian"
    HT = "ht", "Haitian Creole"
    PL = "pl", "Polish"
    DE = "de", "German"
    JA = "ja", "Japanese"
    YO = "yo", "Yoruba"
    ASL = "asl", "American Sign Language"


class Contribution(models.TextChoices):
    """What a mentee can offer a mentor in return."""

    RESEARCH = "research", "Help with research and lab projects"
    CLINICAL = "clinical", "Help with clinical work"
    GRANTS = "grants", "Grant writing"
    PRESENTATIONS = "presentations", "Preparing presentations"
    DATA_ANALYSIS = "data_analysis", "Data analysis"
    TEACHING = "teaching", "Teaching and outreach"


class Importance(models.TextChoices):
    NONE = "none", "Doesn't matter"
    NICE = "nice", "Nice to have"
    IMPORTANT = "important", "Important"
    MUST = "must", "Must"


# --- Profiles ---------------------------------------------------------------------------


class ProfileBase(models.Model):
    """Fields both sides share: when, how and in which languages they meet."""

    bio = models.TextField(blank=True, max_length=2000)
    kinds = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    availability = models.JSONField(
        default=list, blank=True, validators=[validate_slots], help_text="Weekly slots in the user's timezone."
    )
    meeting_modes = models.JSONField(default=list, blank=True)
    region = models.CharField(
        max_length=40, blank=True, help_text="Where you could meet in person, e.g. US-MA (country-state)."
    )
    languages = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # (field name, is it filled) pairs that make up the completeness indicator.
    completeness_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def completeness(self) -> int:
        """Percentage of the profile's important fields that are filled."""
        fields = self.completeness_fields
        filled = sum(1 for name in fields if self._is_filled(name))
        return round(100 * filled / len(fields)) if fields else 100

    def missing_fields(self) -> list[str]:
        return [name for name in self.completeness_fields if not self._is_filled(name)]

    def _is_filled(self, name: str) -> bool:
        if name == "target_specialties":
            return self.pk is not None and self.target_specialties.exists()  # type: ignore[attr-defined]
        value = getattr(self, name)
        return value not in (None, "", [], {})


def email_confirmed(user_field: str = "user") -> models.Exists:
    """True for rows whose person has confirmed an e-mail address (allauth's ``verified``).

    An unconfirmed sign-up is seen by nobody: not in the directory, suggestions, cohort
    runs or person pages. People a coordinator imports are vouched for (their address is
    stored confirmed; they still prove it by resetting their password to sign in).
    """
    from allauth.account.models import EmailAddress

    return models.Exists(EmailAddress.objects.filter(user_id=models.OuterRef(user_field), verified=True))


class MenteeProfileQuerySet(models.QuerySet["MenteeProfile"]):
    def visible(self) -> MenteeProfileQuerySet:
        """Mentees others may see and match: active, with a confirmed address."""
        return self.filter(email_confirmed(), user__is_active=True)


class MenteeProfile(ProfileBase):
    class Stage(models.TextChoices):
        HIGH_SCHOOL = "high_school", "High school"
        UNDERGRADUATE = "undergraduate", "Undergraduate (premed)"
        POST_BACC = "post_bacc", "Post-baccalaureate"
        GAP_YEAR = "gap_year", "Gap year"
        MS1 = "ms1", "Medical student, year 1"
        MS2 = "ms2", "Medical student, year 2"
        MS3 = "ms3", "Medical student, year 3"
        MS4 = "ms4", "Medical student, year 4"
        RESIDENT = "resident", "Resident"
        FELLOW = "fellow", "Fellow"
        ALLIED_HEALTH = "allied_health", "Allied-health student"

    class IntendedProfession(models.TextChoices):
        """The profession a mentee is heading for (matching.scoring.vocabulary.INTENDED_PROFESSIONS)."""

        PHYSICIAN = "physician", "Physician (MD or DO, either)"
        MD = "md", "Physician, MD"
        DO = "do", "Osteopathic physician, DO"
        PA = "pa", "Physician assistant"
        NP = "np", "Nurse practitioner"
        NURSING = "nursing", "Nursing"
        PHARMACY = "pharmacy", "Pharmacy"
        PT_OT = "pt_ot", "Physical or occupational therapy"
        DENTISTRY = "dentistry", "Dentistry"
        OTHER = "other", "Another health profession"

    PREMED_STAGES = frozenset({Stage.HIGH_SCHOOL, Stage.UNDERGRADUATE, Stage.POST_BACC, Stage.GAP_YEAR})
    IN_TRAINING = frozenset({Stage.RESIDENT, Stage.FELLOW})
    # Stages already on the physician road: medical school, residency, fellowship.
    PHYSICIAN_STAGES = frozenset({Stage.MS1, Stage.MS2, Stage.MS3, Stage.MS4, Stage.RESIDENT, Stage.FELLOW})
    PHYSICIAN_PATHS = frozenset({IntendedProfession.PHYSICIAN, IntendedProfession.MD, IntendedProfession.DO})
    # The facts ``validate_mentee_path`` checks together.
    PATH_FIELDS = ("stage", "intended_profession", "md_phd", "current_specialty", "training_year")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profile")
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    school = models.CharField("school or institution", max_length=200, blank=True)
    target_specialties = models.ManyToManyField(
        Specialty,
        blank=True,
        related_name="aspiring_mentees",
        help_text="Leave empty if you are undecided. Residents and fellows: the fellowships you aim for. "
        "A combined residency (e.g. Med-Peds): choose both specialties.",
    )
    intended_profession = models.CharField(
        max_length=20, choices=IntendedProfession.choices, blank=True, help_text="Leave empty if you are undecided."
    )
    md_phd = models.BooleanField("MD/PhD path", default=False, help_text="Aiming to be a physician-scientist.")
    current_specialty = models.ForeignKey(
        Specialty,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainees",
        help_text="Residents and fellows: the specialty you train in now.",
    )
    training_year = models.PositiveSmallIntegerField(
        "postgraduate year",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Residents and fellows: your PGY year.",
    )
    goals_text = models.TextField("goals in your own words", blank=True, max_length=2000)
    can_offer = models.JSONField(default=list, blank=True)
    comfort_preferences = models.JSONField(
        default=dict, blank=True, help_text="Background attribute -> importance of a mentor who shares it."
    )

    objects = MenteeProfileQuerySet.as_manager()

    completeness_fields = (
        "stage",
        "school",
        "target_specialties",
        "topics",
        "kinds",
        "availability",
        "meeting_modes",
        "languages",
        "bio",
    )

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"Mentee {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")


class MentorProfileQuerySet(models.QuerySet["MentorProfile"]):
    def verified(self) -> MentorProfileQuerySet:
        """Mentors others may see and match: verified, active, with a confirmed address."""
        return self.filter(email_confirmed(), verification=MentorProfile.Verification.VERIFIED, user__is_active=True)

    def accepting(self, *, today: datetime.date | None = None) -> MentorProfileQuerySet:
        today = today or timezone.localdate()
        return self.filter(accepting=True).exclude(paused_until__gt=today)

    def with_active_count(self, *, program: Any = None) -> MentorProfileQuerySet:
        """Annotate ``active``: each mentor's active mentorships (only ``program``'s when given).

        What counts against capacity; ``MentorProfile.free_places`` reads it.
        """
        return self.annotate(active=active_mentorships(program=program))


def active_mentorships(*, program: Any = None) -> models.Count:
    """The count of a mentor profile's active mentorships, as an expression for ``annotate``."""
    held = models.Q(user__mentorships_as_mentor__status="active")  # matching.Mentorship.Status.ACTIVE
    if program is not None:
        held &= models.Q(user__mentorships_as_mentor__program=program)
    return models.Count("user__mentorships_as_mentor", filter=held)


class MentorProfile(ProfileBase):
    class Profession(models.TextChoices):
        MD = "md", "MD"
        DO = "do", "DO"
        MBBS = "mbbs", "MBBS / MBChB"
        NP = "np", "Nurse practitioner"
        PA = "pa", "Physician assistant"
        RN = "rn", "Registered nurse"
        PHARMD = "pharmd", "PharmD"
        DPT = "dpt", "Physical therapist (DPT)"
        OT = "ot", "Occupational therapist"
        DENTIST = "dentist", "Dentist (DDS / DMD)"
        OTHER = "other", "Other health professional"
        MEDICAL_STUDENT = "medical_student", "Medical student (near-peer mentor)"
        RESIDENT = "resident", "Resident or fellow (near-peer mentor)"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    class PreferredGroup(models.TextChoices):
        """Mentee groups a mentor may especially want to mentor (matching.scoring.vocabulary.PREFERENCE_GROUPS)."""

        WOMEN = "women", "Women"
        FIRST_GENERATION = "first_generation", "First-generation students"
        URM = "urm", "Students under-represented in medicine"
        LGBTQ = "lgbtq", "LGBTQ+ students"
        DISABILITY = "disability", "Students with disabilities"
        RURAL = "rural", "Students from rural backgrounds"
        INTERNATIONAL = "international", "International students"

    PHYSICIAN_PROFESSIONS = frozenset({Profession.MD, Profession.DO, Profession.MBBS})
    # Near-peer mentors mentor premed students only, in programs that offer it (MentoringPolicy.near_peer).
    NEAR_PEER_PROFESSIONS = frozenset({Profession.MEDICAL_STUDENT, Profession.RESIDENT})
    # The facts ``validate_mentor_credentials`` and ``validate_mentor_subspecialties`` check together.
    CREDENTIAL_FIELDS = ("profession", "specialty", "subspecialties", "board_certified")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    profession = models.CharField(max_length=20, choices=Profession.choices, blank=True)
    specialty = models.ForeignKey(Specialty, null=True, blank=True, on_delete=models.PROTECT, related_name="mentors")
    subspecialties = models.ManyToManyField(Specialty, blank=True, related_name="subspecialty_mentors")
    board_certified = models.BooleanField(default=False)
    research_doctorate = models.BooleanField(
        "research doctorate", default=False, help_text="Also a PhD or another research doctorate (physician-scientist)."
    )
    institution = models.CharField(max_length=200, blank=True)
    years_in_practice = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(70)])
    npi = models.CharField(
        "NPI number",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="10-digit National Provider Identifier.",
    )
    license_state = models.CharField("licence state", max_length=40, blank=True)
    license_number = models.CharField("licence number", max_length=40, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(0), MaxValueValidator(20)], help_text="Mentees at a time."
    )
    accepting = models.BooleanField(default=True, help_text="Open to new requests.")
    paused_until = models.DateField(null=True, blank=True, help_text="Not accepting requests until this date.")
    preferred_stages = models.JSONField(default=list, blank=True)
    preferred_groups = models.JSONField(
        default=list, blank=True, help_text="Groups you especially want to mentor (PreferredGroup values)."
    )
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED, db_index=True
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    objects = MentorProfileQuerySet.as_manager()

    completeness_fields = (
        "profession",
        "specialty",
        "institution",
        "years_in_practice",
        "npi",
        "topics",
        "kinds",
        "availability",
        "meeting_modes",
        "languages",
        "bio",
    )

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["npi"], condition=~models.Q(npi=""), name="accounts_mentorprofile_npi_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor {self.user}"

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    def is_accepting(self, *, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.accepting and not (self.paused_until and self.paused_until > today)

    def active_count(self) -> int:
        """Active mentorships held: the ``with_active_count()`` annotation when loaded, else one query."""
        annotated = getattr(self, "active", None)
        if annotated is not None:
            return int(annotated)
        return int(self.user.mentorships_as_mentor.filter(status="active").count())

    def free_places(self, *, max_load: int | None = None) -> int:
        """How many more mentees this mentor may take: capacity (capped by ``max_load``) minus active ones."""
        cap = self.capacity if max_load is None else min(self.capacity, max_load)
        return max(0, cap - self.active_count())


# --- Facts that must agree ----------------------------------------------------------------
#
# One rule for every way a profile is written: the profile pages and the admin (their forms'
# ``clean``), the API and the CSV import (the profile serializers' ``validate``). Each raises a
# ``ValidationError`` keyed by the field to fix, with a message that says how.


def validate_mentee_path(
    *,
    stage: str,
    intended_profession: str,
    md_phd: bool,
    current_specialty: Specialty | None,
    training_year: int | None,
) -> None:
    """Check that a mentee's stage, intended profession, MD/PhD path and residency facts agree.

    - A current specialty and a PGY year are residents' and fellows' only.
    - Medical students, residents and fellows are on the physician path: their intended
      profession is physician, MD, DO or empty (undecided).
    - An allied-health student is heading for another profession: not physician, MD or DO.
    - MD/PhD is a physician-scientist path: it goes with physician, MD, DO or an empty
      profession, which it then implies (so not with an allied-health stage either).

    Raises ``ValidationError({field: message})`` naming every field that disagrees.
    """
    errors: dict[str, str] = {}
    in_training = stage in MenteeProfile.IN_TRAINING
    if current_specialty is not None and not in_training:
        errors["current_specialty"] = (
            "Only residents and fellows train in a specialty now: leave this empty, or choose resident or "
            "fellow as your stage (the specialties you aim for go under your goals)."
        )
    elif current_specialty is not None and stage == MenteeProfile.Stage.RESIDENT and current_specialty.parent_id:
        errors["current_specialty"] = (
            f"{current_specialty.label}: a fellowship, and residents train in a specialty. Choose the "
            "specialty of your residency, or fellow as your stage (the fellowships you aim for go under your goals)."
        )
    if training_year is not None and not in_training:
        errors["training_year"] = (
            "Only residents and fellows have a postgraduate year (PGY): leave it empty, or choose resident or "
            "fellow as your stage."
        )
    stage_label = MenteeProfile.Stage(stage).label if stage in MenteeProfile.Stage.values else ""
    heading = (
        MenteeProfile.IntendedProfession(intended_profession).label
        if intended_profession in MenteeProfile.IntendedProfession.values
        else intended_profession
    )
    physician_path = intended_profession in MenteeProfile.PHYSICIAN_PATHS
    if intended_profession and not physician_path and stage in MenteeProfile.PHYSICIAN_STAGES:
        errors["intended_profession"] = (
            f"{stage_label} is on the physician path: choose physician, MD or DO as the profession you are "
            f"heading for (or leave it empty), or change your stage if you are heading for {heading.lower()}."
        )
    if stage == MenteeProfile.Stage.ALLIED_HEALTH and physician_path:
        errors["intended_profession"] = (
            "An allied-health student is heading for a profession other than physician: choose it, or leave "
            "this empty; if you are on the way to medical school, change your stage instead."
        )
    if md_phd and intended_profession and not physician_path:
        errors["md_phd"] = (
            f"MD/PhD is a physician-scientist path and you are heading for {heading.lower()}: untick it, or "
            "choose physician, MD or DO as the profession you are heading for."
        )
    elif md_phd and stage == MenteeProfile.Stage.ALLIED_HEALTH:
        errors["md_phd"] = (
            "MD/PhD is a physician-scientist path, not an allied-health one: untick it, or change your stage."
        )
    if errors:
        raise ValidationError(errors)


def _profession_label(profession: str) -> str:
    if profession in MentorProfile.Profession.values:
        return str(MentorProfile.Profession(profession).label)
    return "health professional"


def validate_mentor_credentials(*, profession: str, specialty: Specialty | None, board_certified: bool) -> None:
    """Check a mentor's profession, specialty and board certification agree.

    The specialty is a primary one (a subspecialty goes under subspecialties), and board
    certification (ABMS or AOA) is a physician's: MD, DO or MBBS. Near-peer mentors
    (medical students, residents) are not certified yet. Raises ``ValidationError({field: message})``.
    """
    errors: dict[str, str] = {}
    if specialty is not None and specialty.parent_id is not None and specialty.parent is not None:
        errors["specialty"] = (
            f"{specialty.label} is a subspecialty: choose {specialty.parent.name} as the specialty and put "
            "the subspecialty under subspecialties."
        )
    if board_certified and profession not in MentorProfile.PHYSICIAN_PROFESSIONS:
        errors["board_certified"] = (
            "Choose your profession first: board certification (ABMS or AOA) is a physician's."
            if not profession
            else f"Board certification (ABMS or AOA) is a physician's, and the profession given is "
            f"{_profession_label(profession)}: leave it unticked."
        )
    if errors:
        raise ValidationError(errors)


def validate_mentor_subspecialties(
    *, profession: str, specialty: Specialty | None, subspecialties: Iterable[Specialty]
) -> None:
    """Check a mentor's subspecialty certificates: a physician's, each reachable from their specialty.

    Subspecialty certificates are physicians' (MD, DO, MBBS); they need a specialty, and each
    must be reachable from it (``Specialty.reachable_from``): Rheumatology without Internal
    Medicine, or Interventional Cardiology with Dermatology, is refused. Raises
    ``ValidationError({"subspecialties": message})``.
    """
    chosen = list(subspecialties)
    if not chosen:
        return
    message = ""
    primary = [each.name for each in chosen if each.parent_id is None]
    if profession not in MentorProfile.PHYSICIAN_PROFESSIONS:
        message = (
            "Choose your profession first: subspecialty certificates are physicians'."
            if not profession
            else f"Subspecialty certificates (ABMS or AOA) are physicians', and the profession given is "
            f"{_profession_label(profession)}: choose the field you work in as your specialty and leave "
            "subspecialties empty."
        )
    elif primary:
        message = f"{', '.join(primary)}: a specialty, not a subspecialty; set it as the specialty instead."
    elif specialty is None:
        message = "Choose your specialty first: a subspecialty certificate is reached from one."
    else:
        unreachable = [each.label for each in unreachable_from(specialty, chosen)]
        if unreachable:
            message = (
                f"{', '.join(unreachable)} cannot be reached from {specialty.name}: a subspecialty certificate "
                "comes after its own specialty or one of its entry routes, and a certificate several boards "
                "offer is held through your own board's version. Choose that version, change your specialty, "
                "or remove the subspecialty."
            )
    if message:
        raise ValidationError({"subspecialties": message})


Rule = Callable[..., None]
# (rule, the fields it reads) for each side: what the forms and serializers run.
MENTEE_RULES: tuple[tuple[Rule, tuple[str, ...]], ...] = ((validate_mentee_path, MenteeProfile.PATH_FIELDS),)
MENTOR_RULES: tuple[tuple[Rule, tuple[str, ...]], ...] = (
    (validate_mentor_credentials, ("profession", "specialty", "board_certified")),
    (validate_mentor_subspecialties, ("profession", "specialty", "subspecialties")),
)


def rule_errors(
    rules: Iterable[tuple[Rule, tuple[str, ...]]], value_of: Callable[[str], Any], *, skip: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Run ``rules`` over the values ``value_of(field)`` gives: {field: messages}, empty when they agree.

    A rule that reads a field in ``skip`` (one with an error of its own already) is not run.
    """
    skipped = set(skip)
    errors: dict[str, list[str]] = {}
    for rule, names in rules:
        if skipped & set(names):
            continue
        try:
            rule(**{name: value_of(name) for name in names})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    return errors


# --- Background attributes ----------------------------------------------------------------


class BackgroundQuerySet(models.QuerySet["Background"]):
    def visible_to(self, viewer: Any) -> BackgroundQuerySet:
        """The rows of *other* people's backgrounds this viewer may see.

        Everyone signed in sees attributes shared with everyone; coordinators also see
        those shared with coordinators. Private attributes are for matching only: no
        viewer but their owner ever sees them.
        """
        from accounts.permissions import is_coordinator

        if viewer is None or not viewer.is_authenticated:
            return self.none()
        levels = [Background.Visibility.EVERYONE]
        if is_coordinator(viewer):
            levels.append(Background.Visibility.COORDINATORS)
        return self.filter(models.Q(visibility__in=levels) | models.Q(user=viewer))


class Background(models.Model):
    """One optional background attribute of a person, with who may see it.

    The value is never logged, printed in ``__str__``, exported, or shown to anyone the
    visibility does not allow.
    """

    class Attribute(models.TextChoices):
        GENDER_IDENTITY = "gender_identity", "Gender identity"
        RACE_ETHNICITY = "race_ethnicity", "Race / ethnicity"
        FIRST_GENERATION = "first_generation", "First-generation college student"
        URM = "urm", "Under-represented in medicine"
        LGBTQ = "lgbtq", "LGBTQ+"
        DISABILITY = "disability", "Disability"
        RURAL = "rural", "Rural background"
        INTERNATIONAL = "international", "International"

    class Visibility(models.TextChoices):
        # What each level does (docs/privacy.md): an answer counts only where it may be seen.
        PRIVATE = "private", "Only me — counts only in what I see"
        COORDINATORS = "coordinators", "Coordinators — also counts when coordinators match people"
        EVERYONE = "everyone", "Everyone — counts everywhere and may be named"

    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NONBINARY = "nonbinary", "Non-binary"
        SELF_DESCRIBED = "self_described", "Self-described"

    class Race(models.TextChoices):
        AMERICAN_INDIAN = "american_indian_alaska_native", "American Indian or Alaska Native"
        ASIAN = "asian", "Asian"
        BLACK = "black", "Black or African American"
        HISPANIC = "hispanic_latino", "Hispanic or Latino"
        MENA = "middle_eastern_north_african", "Middle Eastern or North African"
        PACIFIC_ISLANDER = "native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"
        WHITE = "white", "White"

    BOOLEAN_ATTRIBUTES = frozenset(
        {
            Attribute.FIRST_GENERATION,
            Attribute.URM,
            Attribute.LGBTQ,
            Attribute.DISABILITY,
            Attribute.RURAL,
            Attribute.INTERNATIONAL,
        }
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="background")
    attribute = models.CharField(max_length=30, choices=Attribute.choices)
    value = models.JSONField(help_text="A choice, a list of choices, or true/false.")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE)

    objects = BackgroundQuerySet.as_manager()

    class Meta:
        ordering = ["user", "attribute"]
        constraints = [
            models.UniqueConstraint(fields=["user", "attribute"], name="accounts_background_one_per_attribute"),
        ]

    def __str__(self) -> str:
        # Never the value: this string ends up in logs and admin history.
        return f"{self.get_attribute_display()} of user #{self.user_id} ({self.visibility})"

    def __repr__(self) -> str:
        return f"<Background #{self.pk} {self.attribute} user={self.user_id} {self.visibility}>"

    def clean(self) -> None:
        validate_background_value(self.attribute, self.value)

    @property
    def display_value(self) -> str:
        if self.attribute == self.Attribute.GENDER_IDENTITY:
            return str(self.Gender(self.value).label) if self.value in self.Gender.values else str(self.value)
        if self.attribute == self.Attribute.RACE_ETHNICITY:
            return ", ".join(str(self.Race(v).label) for v in self.value if v in self.Race.values)
        return "Yes" if self.value else "No"


def validate_background_value(attribute: str, value: Any) -> None:
    if attribute == Background.Attribute.GENDER_IDENTITY:
        if value not in Background.Gender.values:
            raise ValidationError({"value": "Choose a gender identity from the list."})
    elif attribute == Background.Attribute.RACE_ETHNICITY:
        if not isinstance(value, list) or not value or any(v not in Background.Race.values for v in value):
            raise ValidationError({"value": "Choose one or more races or ethnicities from the list."})
    elif attribute in Background.BOOLEAN_ATTRIBUTES:
        if not isinstance(value, bool):
            raise ValidationError({"value": "This attribute is yes or no."})
    else:
        raise ValidationError({"attribute": "Unknown background attribute."})


class AuditEvent(models.Model):
    """Who viewed or changed sensitive data, and who approved what. Never holds a private value."""

    class Action(models.TextChoices):
        VIEWED_SENSITIVE = "viewed_sensitive", "Viewed sensitive data"
        CHANGED = "changed", "Changed"
        VERIFIED = "verified", "Verified a mentor"
        REJECTED_MENTOR = "rejected_mentor", "Rejected a mentor"
        APPROVED = "approved", "Approved a match"
        REJECTED_MATCH = "rejected_match", "Rejected a match"
        EXPORTED = "exported", "Exported data"
        IMPORTED = "imported", "Imported data"
        COHORT_PUBLISHED = "cohort_published", "Published a cohort match"
        SETTINGS_CHANGED = "settings_changed", "Changed program settings"
        VERIFICATION_RESET = "verification_reset", "Returned a mentor to review"
        TOKEN_CREATED = "token_created", "Created an API token"
        ERASED = "erased", "Erased a person's data"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    target = models.CharField(max_length=200, help_text='What it was about, e.g. "mentorship request #12".')
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display().lower()}: {self.target}"

    @classmethod
    def record(cls, *, actor: Any, action: str, target: str, **detail: Any) -> AuditEvent:
        return cls.objects.create(
            actor=actor if getattr(actor, "pk", None) else None, action=action, target=target, detail=detail
        )
