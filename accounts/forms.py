"""Forms of the account pages: the extra sign-up fields and the steps of the guided profile.

Each profile step is a small ModelForm over the person's profile; the first step also
edits the user's own name and timezone. The background step is a plain form because
its rows live in ``Background`` and are written through ``services.set_background``.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import (
    MENTEE_RULES,
    MENTOR_RULES,
    Background,
    Contribution,
    Importance,
    Kind,
    Language,
    MeetingMode,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    Topic,
    User,
    rule_errors,
)
from accounts.services import join_program, set_background
from accounts.validators import MAX_ID, MAX_LIST_ITEMS, validate_slots, validate_timezone
from accounts.widgets import SpecialtyPicker
from matching.scoring.vocabulary import PREFERENCE_GROUP_NAMES


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth: name and the role the person comes for."""

    ROLE_CHOICES = [
        (Membership.Role.MENTEE, "I'm looking for a mentor (student, resident or fellow)"),
        (Membership.Role.MENTOR, "I want to mentor (physician or health professional)"),
    ]

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput({"autocomplete": "family-name"})
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect, label="I am joining as")
    # timezone: added below, once timezone_field exists; filled from the browser by
    # static/js/timezone.js for the person to confirm.

    field_order = ["first_name", "last_name", "email", "role", "timezone", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User, **kwargs: Any) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["first_name", "last_name", "timezone"])
        join_program(user=user, role=self.cleaned_data["role"])


# --- Shared pieces --------------------------------------------------------------------------

# The zones most of our people live in, grouped as a person looks for them; any other
# valid IANA zone a profile already has (set through the API) is added to the list.
TIMEZONE_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "United States and Canada",
        [
            ("America/New_York", "Eastern — New York, Boston, Atlanta"),
            ("America/Chicago", "Central — Chicago, Houston, Minneapolis"),
            ("America/Denver", "Mountain — Denver, Salt Lake City"),
            ("America/Phoenix", "Arizona — Phoenix (no daylight saving)"),
            ("America/Los_Angeles", "Pacific — Los Angeles, Seattle, San Francisco"),
            ("America/Anchorage", "Alaska — Anchorage"),
            ("Pacific/Honolulu", "Hawaii — Honolulu"),
            ("America/Puerto_Rico", "Atlantic — Puerto Rico"),
            ("America/Halifax", "Atlantic — Halifax"),
            ("America/St_Johns", "Newfoundland — St. John's"),
            ("America/Toronto", "Eastern — Toronto"),
            ("America/Vancouver", "Pacific — Vancouver"),
        ],
    ),
    (
        "Latin America",
        [
            ("America/Mexico_City", "Mexico City"),
            ("America/Bogota", "Bogotá"),
            ("America/Lima", "Lima"),
            ("America/Santiago", "Santiago"),
            ("America/Sao_Paulo", "São Paulo"),
            ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ],
    ),
    (
        "Europe and Africa",
        [
            ("UTC", "UTC (Coordinated Universal Time)"),
            ("Europe/London", "London, Dublin, Lisbon"),
            ("Europe/Paris", "Paris, Berlin, Madrid, Rome"),
            ("Europe/Warsaw", "Warsaw, Prague, Budapest"),
            ("Europe/Athens", "Athens, Bucharest, Helsinki"),
            ("Europe/Istanbul", "Istanbul"),
            ("Europe/Moscow", "Moscow"),
            ("Africa/Lagos", "Lagos, West Africa"),
            ("Africa/Cairo", "Cairo"),
            ("Africa/Johannesburg", "Johannesburg"),
            ("Africa/Nairobi", "Nairobi, East Africa"),
        ],
    ),
    (
        "Asia and Pacific",
        [
            ("Asia/Dubai", "Dubai"),
            ("Asia/Karachi", "Karachi"),
            ("Asia/Kolkata", "India — Kolkata, Mumbai, Delhi"),
            ("Asia/Dhaka", "Dhaka"),
            ("Asia/Bangkok", "Bangkok, Jakarta"),
            ("Asia/Manila", "Manila"),
            ("Asia/Shanghai", "China — Beijing, Shanghai"),
            ("Asia/Singapore", "Singapore, Kuala Lumpur"),
            ("Asia/Seoul", "Seoul"),
            ("Asia/Tokyo", "Tokyo"),
            ("Australia/Perth", "Perth"),
            ("Australia/Sydney", "Sydney, Melbourne"),
            ("Pacific/Auckland", "Auckland"),
        ],
    ),
]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# The weekly grid, all 24 hours (residents on nights meet at 4 am): (start, end, label) in the
# person's own timezone; the labels use en dashes.
TIME_BLOCKS = [
    ("00:00", "03:00", "midnight–3 am"),  # noqa: RUF001
    ("03:00", "06:00", "3–6 am"),  # noqa: RUF001
    ("06:00", "09:00", "6–9 am"),  # noqa: RUF001
    ("09:00", "12:00", "9 am–noon"),  # noqa: RUF001
    ("12:00", "15:00", "noon–3 pm"),  # noqa: RUF001
    ("15:00", "18:00", "3–6 pm"),  # noqa: RUF001
    ("18:00", "21:00", "6–9 pm"),  # noqa: RUF001
    ("21:00", "24:00", "9 pm–midnight"),  # noqa: RUF001
]
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


LEGACY_ZONES = ("posix", "right", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/", "SystemV/")


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone this machine knows, the common ones first with the places people look for.

    Each label carries the zone's UTC offset today, so "UTC-08:00" (with a minus sign) finds Los Angeles as well as
    "Los Angeles" does. Legacy aliases ("EST5EDT", "Japan", "US/Pacific") are left out; "UTC" stays.
    """
    friendly = {value: label for _, zones in TIMEZONE_CHOICES for value, label in zones}
    names = sorted(name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(LEGACY_ZONES))
    now = timezone.now()

    def label(name: str) -> str:
        offset = now.astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
        sign = "−" if offset.startswith("-") else "+"  # noqa: RUF001 - a real minus sign reads better
        place = friendly.get(name) or name.split("/", 1)[-1].replace("_", " ").replace("/", ", ")
        return f"{place} (UTC{sign}{offset[1:3]}:{offset[3:]})"

    common = [value for value in friendly if value != "UTC"]
    rest = [name for name in names if name not in friendly]
    return (
        [(name, label(name)) for name in common]
        + [("UTC", "UTC (Coordinated Universal Time)")]
        + [(name, label(name)) for name in rest]
    )


class ZoneInput(forms.TextInput):
    """A text box with the full list of zones as suggestions (a ``datalist``): searchable by any part
    of the name, the place or the offset, without JavaScript. static/js/timezone.js adds the
    browser's own zone, for the person to confirm."""

    template_name = "accounts/widgets/zone_input.html"

    def __init__(self, *, detect: bool = False) -> None:
        attrs = {"autocomplete": "off", "spellcheck": "false", "data-timezone-input": ""}
        if detect:
            attrs["data-detect-timezone"] = ""
        super().__init__(attrs)
        self.choices: Any = []  # set by the ChoiceField

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["zones"] = list(self.choices)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}_zones"
        return context


def timezone_field(current: str | None = None, *, detect: bool = False) -> forms.ChoiceField:
    def choices() -> list[tuple[str, str]]:  # a callable: offsets as of each form, not of start-up
        found = zone_choices()
        if current and current not in {value for value, _ in found}:
            found.insert(0, (current, current))  # a zone set elsewhere (the API) stays selectable
        return found

    return forms.ChoiceField(
        label="Your time zone",
        choices=choices,
        widget=ZoneInput(detect=detect),
        validators=[validate_timezone],
        help_text="Type a city or region and pick it from the list, e.g. America/Chicago. Every time "
        "on the site is shown in this zone, and your availability is in it.",
        error_messages={"invalid_choice": "Pick your time zone from the list, e.g. America/New_York."},
    )


SignupForm.base_fields["timezone"] = timezone_field(detect=True)
SignupForm.declared_fields["timezone"] = SignupForm.base_fields["timezone"]


def checkboxes(choices: Any, *, label: str, help_text: str = "", required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
        required=required,
        error_messages={"invalid_choice": "%(value)s is not one of the choices."},
    )


class AvailabilityField(forms.MultipleChoiceField):
    """The weekly grid: one checkbox per day and time block, cleaned into ``validate_slots`` slots."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        choices = [(f"{day}-{start}", label) for day in range(7) for start, _, label in TIME_BLOCKS]
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Pick times from the grid (%(value)s is not one of them)."}
        )
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        # Stored slots -> the blocks they touch, so slots set elsewhere still show up.
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return [
                f"{slot['day']}-{start}"
                for slot in value
                for start, end, _ in TIME_BLOCKS
                if isinstance(slot, dict) and slot.get("start", "") < end and slot.get("end", "") > start
            ]
        return value

    def clean(self, value: Any) -> list[dict[str, Any]]:
        codes = super().clean(value)
        ends = {start: end for start, end, _ in TIME_BLOCKS}
        slots = []
        for code in sorted(codes, key=lambda c: (int(c.split("-")[0]), c.split("-")[1])):
            day, start = code.split("-")
            slots.append({"day": int(day), "start": start, "end": ends[start]})
        validate_slots(slots)
        return slots

    def has_changed(self, initial: Any, data: Any) -> bool:
        return sorted(self.prepare_value(initial) or []) != sorted(data or [])


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ids checked at the edge: at most ``MAX_LIST_ITEMS`` of them, each a number up to ``MAX_ID``.

    Django hands the raw values to the database, where an id past 64 bits overflows (a 500)
    and 10,000 of them make one enormous query.
    """

    def _check_values(self, value: Any) -> Any:
        values = list(value)
        if len(values) > MAX_LIST_ITEMS:
            raise ValidationError(f"Choose at most {MAX_LIST_ITEMS}.", code="list")
        if self.to_field_name is None:
            for item in values:
                text = str(item)
                if not (text.isdecimal() and text.isascii() and 0 < int(text) <= MAX_ID):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:20]}
                    )
        return super()._check_values(values)  # type: ignore[misc]


class SpecialtiesField(BoundedModelMultipleChoiceField):
    """Several specialties: checkboxes grouped under their parent specialty, with a search box."""

    widget = SpecialtyPicker(multiple=True)

    def label_from_instance(self, obj: Specialty) -> str:
        return obj.name if obj.parent_id else f"{obj.name}, any area"


# --- Facts that must agree ---------------------------------------------------------------------


class AgreeingFactsForm(forms.ModelForm):
    """A profile form that checks facts together with ``accounts.models`` rules (the API's too).

    ``rules`` is ``MENTEE_RULES`` or ``MENTOR_RULES``; a field the form leaves out is read from
    the profile as stored, and a rule reading a field with an error of its own is skipped.
    Used by the profile pages and the admin, so both refuse what the API refuses.
    """

    rules: ClassVar[tuple[tuple[Any, tuple[str, ...]], ...]] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}

        def value_of(name: str) -> Any:
            if name in self.fields:
                return cleaned.get(name)
            if name == "subspecialties":
                return list(self.instance.subspecialties.all()) if self.instance.pk else []
            return getattr(self.instance, name)

        for name, messages in rule_errors(self.rules, value_of, skip=self.errors).items():
            self.add_error(name if name in self.fields else None, messages)
        return cleaned


# --- Profile steps ----------------------------------------------------------------------------


class ProfileStepForm(forms.ModelForm):
    """One step of the guided profile. ``user_fields`` are saved on the user rather than the profile."""

    user_fields: ClassVar[tuple[str, ...]] = ()
    # Fields drawn by a template of their own rather than accounts/_field.html.
    field_templates: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        initial = {name: getattr(user, name) for name in self.user_fields}
        initial.update(kwargs.pop("initial", None) or {})
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if "timezone" in self.fields:
            self.fields["timezone"] = timezone_field(user.timezone)
        # Fields that count towards completeness are not labelled "(optional)".
        for name in self.instance.completeness_fields:
            if name in self.fields:
                self.fields[name].show_optional = False  # type: ignore[attr-defined]

    def save(self, commit: bool = True) -> Any:
        if self.user_fields:
            for name in self.user_fields:
                setattr(self.user, name, self.cleaned_data[name])
            self.user.save(update_fields=list(self.user_fields))
        return super().save(commit=commit)

    def layout(self) -> list[tuple[str, BoundField]]:
        """(template, bound field) pairs in order, for the step template to include."""
        return [(self.field_templates.get(name, "accounts/_field.html"), self[name]) for name in self.fields]

    def availability_grid(self) -> list[dict[str, Any]]:
        options = list(self["availability"].subwidgets)
        per_day = len(TIME_BLOCKS)
        return [{"day": day, "options": options[i * per_day : (i + 1) * per_day]} for i, day in enumerate(DAYS)]

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip().upper().replace(" ", "")
        if region and not _REGION.match(region):
            raise ValidationError("Use a country code and, if you like, a state: e.g. US-MA, US, or CA-ON.")
        return region


class MenteeAboutForm(AgreeingFactsForm, ProfileStepForm):
    user_fields = ("first_name", "last_name", "timezone")
    rules = MENTEE_RULES

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput({"autocomplete": "family-name"})
    )
    timezone = forms.ChoiceField(choices=())  # replaced in __init__ with the person's zone included
    current_specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.select_related("parent"),
        required=False,
        empty_label="None: not in residency or fellowship",
        widget=SpecialtyPicker(),
        label="Specialty you train in now",
        help_text="Residents and fellows only; put the fellowships you aim for under your goals.",
    )
    stage = forms.ChoiceField(
        label="Where are you on the road to medicine?",
        choices=[("", "Choose your stage"), *MenteeProfile.Stage.choices],
        error_messages={"required": "Choose the stage you are at now."},
    )

    class Meta:
        model = MenteeProfile
        fields = [
            "first_name",
            "last_name",
            "timezone",
            "stage",
            "intended_profession",
            "md_phd",
            "school",
            "current_specialty",
            "training_year",
            "bio",
        ]
        labels = {
            "bio": "A few sentences about you",
            "intended_profession": "Which profession are you heading for?",
            "md_phd": "I am on (or aiming for) the MD/PhD physician-scientist path",
            "training_year": "Postgraduate year (PGY)",
        }
        help_texts = {
            "intended_profession": "Mentors of that profession rank first. Leave empty if you are not sure yet.",
            "training_year": "Residents and fellows only, e.g. 2 for PGY-2.",
            "school": "Your college, medical school or residency program.",
            "bio": "Shown to mentors you contact: where you come from, what drew you to medicine.",
        }
        widgets = {"bio": forms.Textarea({"rows": 4})}


class MenteeGoalsForm(ProfileStepForm):
    target_specialties = SpecialtiesField(
        queryset=Specialty.objects.select_related("parent"),
        required=False,
        label="Specialties you are aiming for",
        help_text="Leave empty if you are undecided — many mentees are, and mentors help with exactly that.",
    )
    topics = checkboxes(Topic.choices, label="What would you like help with?")
    kinds = checkboxes(Kind.choices, label="Kinds of mentorship you are open to")
    can_offer = checkboxes(
        Contribution.choices,
        label="What could you offer a mentor in return?",
        help_text="Mentorship is two-way: many mentors welcome help with their projects.",
    )

    class Meta:
        model = MenteeProfile
        fields = ["target_specialties", "topics", "kinds", "goals_text", "can_offer"]
        help_texts = {"goals_text": "What do you hope to achieve in the next year or two?"}
        widgets = {"goals_text": forms.Textarea({"rows": 4})}


class AvailabilityStepForm(ProfileStepForm):
    field_templates = {"availability": "accounts/_availability.html"}

    availability = AvailabilityField(
        label="When are you usually free to meet?",
        help_text="Tick every block that usually works, in your own timezone.",
    )
    meeting_modes = checkboxes(MeetingMode.choices, label="How would you like to meet?")
    languages = checkboxes(Language.choices, label="Languages you can meet in")

    class Meta:
        fields = ["availability", "meeting_modes", "region", "languages"]
        labels = {"region": "Where could you meet in person?"}
        help_texts = {"region": "Country and state code, e.g. US-MA. Leave empty if you only meet remotely."}


class MenteeAvailabilityForm(AvailabilityStepForm):
    class Meta(AvailabilityStepForm.Meta):
        model = MenteeProfile


class MentorAvailabilityForm(AvailabilityStepForm):
    class Meta(AvailabilityStepForm.Meta):
        model = MentorProfile


class MentorProfessionalForm(AgreeingFactsForm, ProfileStepForm):
    user_fields = ("first_name", "last_name", "timezone")
    rules = MENTOR_RULES

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput({"autocomplete": "family-name"})
    )
    timezone = forms.ChoiceField(choices=())
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose your profession"), *MentorProfile.Profession.choices],
        error_messages={"required": "Choose your profession."},
    )
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.primary(),
        required=False,
        empty_label="Choose your specialty",
        widget=SpecialtyPicker(),
        label="Specialty",
        help_text="Your main specialty. Other health professionals: the field closest to your work.",
    )
    subspecialties = SpecialtiesField(
        queryset=Specialty.objects.subspecialties().select_related("parent"),
        widget=SpecialtyPicker(multiple=True, search_label="Search subspecialties"),
        required=False,
        label="Subspecialties",
        help_text="Any subspecialties you practise, under their specialty.",
    )

    class Meta:
        model = MentorProfile
        fields = [
            "first_name",
            "last_name",
            "timezone",
            "profession",
            "research_doctorate",
            "specialty",
            "subspecialties",
            "board_certified",
            "institution",
            "years_in_practice",
            "npi",
            "license_state",
            "license_number",
        ]
        labels = {"board_certified": "I am board certified", "npi": "NPI number"}
        help_texts = {
            "institution": "Hospital, practice or university.",
            "npi": "Your 10-digit National Provider Identifier; coordinators use it to verify you.",
            "license_state": "e.g. MA",
        }
        widgets = {
            "npi": forms.TextInput({"inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}),
            "years_in_practice": forms.NumberInput({"min": "0", "max": "70"}),
        }

    def clean_npi(self) -> str:
        npi = self.cleaned_data["npi"]
        if npi and MentorProfile.objects.filter(npi=npi).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Another mentor already uses this NPI. If it is yours, please contact a coordinator.")
        return npi


class MentorMentoringForm(ProfileStepForm):
    topics = checkboxes(Topic.choices, label="What do you help with?")
    kinds = checkboxes(
        Kind.choices, label="Kinds of mentorship you offer", help_text="Tick every kind you are open to."
    )
    preferred_stages = checkboxes(
        MenteeProfile.Stage.choices,
        label="Stages you would most like to mentor",
        help_text="Leave empty if every stage is welcome.",
    )
    preferred_groups = checkboxes(
        [(value, label[:1].upper() + label[1:]) for value, label in PREFERENCE_GROUP_NAMES.items()],
        label="Who you especially want to mentor",
        help_text="Only you and coordinators see this. Mentees from these groups get a small boost in your "
        "suggestions when they show the group to everyone, and in coordinators' matching when they show it to "
        "coordinators; mentees never see it, and it never moves their directory.",
    )

    class Meta:
        model = MentorProfile
        fields = [
            "capacity",
            "accepting",
            "paused_until",
            "topics",
            "kinds",
            "preferred_stages",
            "preferred_groups",
            "bio",
        ]
        labels = {
            "capacity": "How many mentees can you take at a time?",
            "accepting": "I am accepting new mentees",
            "paused_until": "Pause new requests until",
            "bio": "A few sentences about you",
        }
        help_texts = {
            "capacity": "We never send you more active mentees than this. 0 to 20.",
            "paused_until": "A date when you will be back, e.g. after a busy rotation.",
            "bio": "Shown to mentees: your path, what you enjoy helping with.",
        }
        widgets = {
            "capacity": forms.NumberInput({"min": "0", "max": "20"}),
            "paused_until": forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
            "bio": forms.Textarea({"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notes = []
        for program in Program.objects.filter(memberships__user=self.user).distinct().order_by("name"):
            off = set(program.matching_attributes_off or [])
            groups = [
                label[:1].upper() + label[1:] for value, label in PREFERENCE_GROUP_NAMES.items()
                if ("gender_identity" if value == "women" else value) in off
            ]  # fmt: skip
            if groups:
                notes.append(f"{program.name} does not use these for matching: {', '.join(groups)}.")
        if notes:
            self.fields["preferred_groups"].help_text += " " + " ".join(notes)

    def clean_paused_until(self) -> datetime.date | None:
        paused_until = self.cleaned_data["paused_until"]
        if paused_until and paused_until <= timezone.localdate():
            raise ValidationError("Choose a date in the future, or leave it empty.")
        return paused_until


# --- Background -------------------------------------------------------------------------------

YES_NO = [("yes", "Yes"), ("no", "No"), ("", "Prefer not to say")]
BACKGROUND_QUESTIONS = {
    Background.Attribute.GENDER_IDENTITY: "Your gender identity",
    Background.Attribute.RACE_ETHNICITY: "Your race or ethnicity",
    Background.Attribute.FIRST_GENERATION: "Are you the first in your family to go to college?",
    Background.Attribute.URM: "Are you from a group under-represented in medicine?",
    Background.Attribute.LGBTQ: "Do you identify as LGBTQ+?",
    Background.Attribute.DISABILITY: "Do you have a disability?",
    Background.Attribute.RURAL: "Did you grow up in a rural area?",
    Background.Attribute.INTERNATIONAL: "Are you an international student or graduate?",
}
VISIBILITY_HELP = {
    Background.Visibility.PRIVATE: "only you see it, and it counts only in what you see (your own ranking).",
    Background.Visibility.COORDINATORS: "coordinators see it, and it also counts when they match people; "
    "mentors and mentees never see it and it never moves what they read.",
    Background.Visibility.EVERYONE: "everyone in the program sees it; it counts everywhere and may be named "
    "in match reasons.",
}
# Said at the point of choice: what showing an answer to everyone does for the other side.
# "women" is the one group not named like its attribute.
WHO_FINDS_YOU = {
    Background.Attribute.GENDER_IDENTITY: "a woman mentor",
    Background.Attribute.RACE_ETHNICITY: "a mentor who shares their race or ethnicity",
    Background.Attribute.FIRST_GENERATION: "a first-generation mentor",
    Background.Attribute.URM: "a mentor under-represented in medicine",
    Background.Attribute.LGBTQ: "an LGBTQ+ mentor",
    Background.Attribute.DISABILITY: "a mentor with lived experience of disability",
    Background.Attribute.RURAL: "a mentor with a rural background",
    Background.Attribute.INTERNATIONAL: "a mentor with an international background",
}
WHO_SUGGESTS_YOU = {
    Background.Attribute.GENDER_IDENTITY: "women",
    Background.Attribute.FIRST_GENERATION: "first-generation students",
    Background.Attribute.URM: "students under-represented in medicine",
    Background.Attribute.LGBTQ: "LGBTQ+ students",
    Background.Attribute.DISABILITY: "students with disabilities",
    Background.Attribute.RURAL: "students from rural backgrounds",
    Background.Attribute.INTERNATIONAL: "international students",
}


def visibility_help(attribute: str, *, mentee: bool, off_in: list[str]) -> str:
    """What choosing who sees ``attribute`` does, said where it is chosen."""
    if off_in:
        return f"{' and '.join(off_in)} does not use this for matching: it counts in nobody's match."
    if not mentee:
        return (
            f"Mentees looking for {WHO_FINDS_YOU[Background.Attribute(attribute)]} will find you only if you "
            "show this to everyone; coordinators' matching counts it if you show it to them."
        )
    group = WHO_SUGGESTS_YOU.get(Background.Attribute(attribute))
    if group is None:
        return "Only you and the people you show it to see it. Your own ranking of mentors counts it either way."
    return (
        f"Mentors who especially want to mentor {group} see you among their suggestions only if you show this "
        "to everyone. Your own ranking of mentors counts it either way."
    )


class BackgroundForm(forms.Form):
    """Optional background attributes, each with who may see it; mentees also say what matters in a mentor."""

    def __init__(self, *args: Any, user: User, comfort: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.with_comfort = comfort is not None
        existing = {row.attribute: row for row in Background.objects.filter(user=user)}
        programs = list(Program.objects.filter(memberships__user=user).distinct().order_by("name"))
        for attribute in Background.Attribute:
            row = existing.get(attribute.value)
            off_in = [p.name for p in programs if attribute.value in (p.matching_attributes_off or [])]
            self.fields[attribute.value] = self._value_field(attribute, row)
            # Not required: a missing choice means the safe default (only me; doesn't matter).
            self.fields[f"{attribute.value}_visibility"] = forms.TypedChoiceField(
                label="Who may see this",
                choices=Background.Visibility.choices,
                initial=row.visibility if row else Background.Visibility.PRIVATE,
                required=False,
                empty_value=Background.Visibility.PRIVATE,
                help_text=visibility_help(attribute.value, mentee=comfort is not None, off_in=off_in),
            )
            if comfort is not None:
                self.fields[f"{attribute.value}_importance"] = forms.TypedChoiceField(
                    label="Importance of a mentor who shares this",
                    choices=Importance.choices,
                    initial=comfort.get(attribute.value, Importance.NONE),
                    required=False,
                    empty_value=Importance.NONE,
                    help_text=f"{' and '.join(off_in)} does not use this for matching."
                    if off_in
                    else "Only you and coordinators see this. Mentors count only what they show to everyone.",
                )
        for field in self.fields.values():
            field.show_optional = False  # type: ignore[attr-defined]  # the whole step is optional

    @staticmethod
    def _value_field(attribute: str, row: Background | None) -> forms.Field:
        label = BACKGROUND_QUESTIONS[Background.Attribute(attribute)]
        if attribute == Background.Attribute.GENDER_IDENTITY:
            return forms.ChoiceField(
                label=label,
                choices=[("", "Prefer not to say"), *Background.Gender.choices],
                required=False,
                initial=row.value if row else "",
            )
        if attribute == Background.Attribute.RACE_ETHNICITY:
            field = checkboxes(Background.Race.choices, label=label, help_text="Choose all that apply, or none.")
            field.initial = row.value if row else []
            return field
        initial = "" if row is None else ("yes" if row.value else "no")
        return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=False, initial=initial)

    def attributes(self) -> list[dict[str, Any]]:
        """Per attribute: its label, value field, visibility field and importance field (mentees only)."""
        return [
            {
                "label": attribute.label,
                "value": self[attribute.value],
                "visibility": self[f"{attribute.value}_visibility"],
                "importance": self[f"{attribute.value}_importance"] if self.with_comfort else None,
            }
            for attribute in Background.Attribute
        ]

    def values(self) -> dict[str, tuple[Any, str] | None]:
        values: dict[str, tuple[Any, str] | None] = {}
        for attribute in Background.Attribute:
            raw = self.cleaned_data.get(attribute.value)
            visibility = self.cleaned_data[f"{attribute.value}_visibility"]
            if attribute in Background.BOOLEAN_ATTRIBUTES:
                values[attribute.value] = None if raw in (None, "") else (raw == "yes", visibility)
            else:
                values[attribute.value] = (raw, visibility) if raw else None
        return values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.with_comfort:
            # Sharing a gender identity or race needs the mentee's own answer; a flag does not.
            for attribute in (Background.Attribute.GENDER_IDENTITY, Background.Attribute.RACE_ETHNICITY):
                importance = cleaned.get(f"{attribute.value}_importance")
                if importance and importance != Importance.NONE and not cleaned.get(attribute.value):
                    self.add_error(
                        f"{attribute.value}_importance",
                        f"Tell us your own {attribute.label.lower()} above, or set this to “Doesn't matter”.",
                    )
        return cleaned

    def save(self, *, profile: MenteeProfile | MentorProfile) -> None:
        set_background(user=self.user, values=self.values())
        if self.with_comfort and isinstance(profile, MenteeProfile):
            profile.comfort_preferences = {
                attribute.value: self.cleaned_data[f"{attribute.value}_importance"]
                for attribute in Background.Attribute
                if self.cleaned_data[f"{attribute.value}_importance"] != Importance.NONE
            }
            profile.save(update_fields=["comfort_preferences", "updated_at"])
