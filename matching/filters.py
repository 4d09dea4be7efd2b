"""The mentor directory's filters: one ``FilterSet`` for the page (``/mentors/``) and the API (``/api/v1/mentors/``).

Both list the same mentors for the same filters; only the order (the match score, computed by
``matching.services.directory``) and each interface's own options (the page's favourites and
"show", the API's ``accepting`` and ``ordering``) live elsewhere. No filter or search ever
touches a background value (PRODUCT §5).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from accounts.models import Kind, Language, MeetingMode, MentorProfile, Specialty, Topic
from accounts.widgets import SpecialtyPicker
from matching.forms import DirectoryFilterForm, FlagField
from matching.services import directory as engine

SPECIALTY_HELP = "Specialty id: mentors in it or in one of its subspecialties."
MAX_SEARCH_WORDS = 5  # a search box rarely needs more; each word is one more OR over five columns


def specialties_for(specialty: Specialty, *, related: bool) -> set[int]:
    """The ids of the specialties a directory filter on ``specialty`` accepts.

    Always the specialty and its subspecialties; with ``related``, every field related to it on
    the alignment ladder (``matching.services.directory.related_specialty_ids``: the score's own
    test, so a mentor the filter adds earns at least the "same clinical domain" grade on field
    for a mentee aiming at ``specialty``, and one it leaves out earns less).
    """
    found = {specialty.pk, *specialty.subspecialties.values_list("pk", flat=True)}
    if related:
        found |= engine.related_specialty_ids(specialty.pk)
    return found


def _with_subspecialty(**specialty_filter: Any) -> QuerySet[Any]:
    """Mentor profile ids with a subspecialty matching the filter (a subquery, so no duplicate rows)."""
    lookups = {f"specialty__{name}": value for name, value in specialty_filter.items()}
    return MentorProfile.subspecialties.through.objects.filter(**lookups).values("mentorprofile_id")


def _matches_word(word: str) -> Q:
    found = (
        Q(user__first_name__icontains=word)
        | Q(user__last_name__icontains=word)
        | Q(institution__icontains=word)
        | Q(specialty__name__icontains=word)
        | Q(pk__in=_with_subspecialty(name__icontains=word))
    )
    lowered = word.lower()
    for code, label in Topic.choices:
        if lowered in code or lowered in str(label).lower():
            found |= Q(topics__icontains=f'"{code}"')
    return found


class CheckboxFilter(django_filters.BooleanFilter):
    """A yes/no filter: a checkbox ("on") or a word of ``accounts.validators.parse_flag``; others are errors."""

    field_class = FlagField


class MentorFilter(django_filters.FilterSet):
    """Which verified mentors the directory lists. Every filter is optional; each narrows the list."""

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=100,
        help_text="Name, institution, specialty or topic.",
        widget=forms.TextInput({"type": "search", "autocomplete": "off"}),
    )
    specialty = django_filters.ModelChoiceFilter(
        queryset=Specialty.objects.select_related("parent").order_by("name"),
        method="in_specialty",
        empty_label="Any specialty",
        help_text=SPECIALTY_HELP,
        widget=SpecialtyPicker(),
    )
    related = CheckboxFilter(
        label="Include related fields",
        method="with_related",
        help_text="With specialty: also the fields related to it on the alignment ladder (docs/matching.md).",
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        choices=Language.choices,
        method="offers",
        empty_label="Any language",
        help_text="A language code.",
    )
    mode = django_filters.ChoiceFilter(
        label="Meeting mode", choices=MeetingMode.choices, method="offers", empty_label="Any way"
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of mentorship", choices=Kind.choices, method="offers", empty_label="Any kind"
    )

    NARROWING = ("q", "specialty", "language", "mode", "kind")
    LIST_FIELDS = {"language": "languages", "mode": "meeting_modes", "kind": "kinds"}

    class Meta:
        model = MentorProfile
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
        # Only the filters: a form may carry options of its own (the page's "show", "favourites").
        for name, each in self.filters.items():
            queryset = each.filter(queryset, self.form.cleaned_data.get(name))
        return queryset

    def narrows(self) -> bool:
        """Whether a valid filter that limits which mentors show is set."""
        return self.is_valid() and any(self.form.cleaned_data.get(name) for name in self.NARROWING)

    def search(self, queryset: QuerySet[MentorProfile], name: str, value: str) -> QuerySet[MentorProfile]:
        # Every word must match something: "sports boston" finds a sports physician in Boston.
        for word in value.split()[:MAX_SEARCH_WORDS]:
            queryset = queryset.filter(_matches_word(word))
        return queryset

    @extend_schema_field({"type": "integer", "description": SPECIALTY_HELP})
    def in_specialty(
        self, queryset: QuerySet[MentorProfile], name: str, value: Specialty | None
    ) -> QuerySet[MentorProfile]:
        if value is None:
            return queryset
        ids = specialties_for(value, related=bool(self.form.cleaned_data.get("related")))
        return queryset.filter(Q(specialty_id__in=ids) | Q(pk__in=_with_subspecialty(id__in=ids)))

    def with_related(self, queryset: QuerySet[MentorProfile], name: str, value: bool) -> QuerySet[MentorProfile]:
        return queryset  # read by in_specialty

    def offers(self, queryset: QuerySet[MentorProfile], name: str, value: str) -> QuerySet[MentorProfile]:
        # The list fields hold short codes: a quoted code matches one whole element, and
        # icontains on JSON works on SQLite and PostgreSQL alike (contains does not).
        return queryset.filter(**{f"{self.LIST_FIELDS[name]}__icontains": f'"{value}"'})

    def allowed_ids(self) -> set[int] | None:
        """User ids of the mentors the filters let through, or ``None`` when no filter narrows the list."""
        if not self.narrows():
            return None
        return set(self.qs.values_list("user_id", flat=True))


class DirectoryFilter(MentorFilter):
    """``MentorFilter`` on the page's form, which adds the page's own options (show, favourites)."""

    class Meta(MentorFilter.Meta):
        form = DirectoryFilterForm
