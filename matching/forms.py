"""Forms of the matching pages: the directory filters, requests, answers and the live mentorship.

Forms only parse and validate input; every rule and state change stays in
``matching/services.py``, which the views call with ``cleaned_data``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Kind, MeetingMode, MentorProfile, User
from accounts.validators import parse_flag
from matching.models import Goal, Mentorship, MentorshipRequest


class DateInput(forms.DateInput):
    input_type = "date"


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox that hands the field the word sent (``CheckboxInput`` makes any word but "false" True)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_checked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def _checked(value: Any) -> bool:
    try:
        return value not in (None, "") and parse_flag(value)
    except forms.ValidationError:
        return False


class FlagField(forms.Field):
    """An optional yes/no query parameter: a ticked checkbox ("on") or ``accounts.validators.parse_flag``'s words.

    Missing or empty is False; a word it does not know is a form error.
    """

    widget = FlagCheckbox

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool:
        if value in (None, ""):
            return False
        return parse_flag(value)


class DirectoryFilterForm(forms.Form):
    """The mentor directory page's GET form: the page's own options, plus ``MentorFilter``'s filters.

    ``matching.filters.DirectoryFilter`` adds the shared filters (search, specialty, language,
    mode, kind) to this form; it filters nothing itself. Every field is optional.
    """

    ACCEPTING = "accepting"
    EVERYONE = "everyone"

    show = forms.ChoiceField(
        label="Show",
        choices=[(ACCEPTING, "Accepting new mentees now"), (EVERYONE, "Everyone, including mentors who are full")],
        required=False,
        initial=ACCEPTING,
        widget=forms.RadioSelect,
    )
    favourites = FlagField(label="Only my favourites")

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("show"):
            data = data.copy()
            data["show"] = self.ACCEPTING  # a link with only ?q= still shows the radio as chosen
        super().__init__(data, **kwargs)
        for each in self.fields.values():
            each.show_optional = False  # type: ignore[attr-defined]  # every filter is optional
        if "specialty" in self.fields:
            # Subspecialties share names across boards: "Sports Medicine (Family Medicine)".
            self.fields["specialty"].label_from_instance = lambda s: s.label  # type: ignore[attr-defined]

    @property
    def include_full(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data.get("show") == self.EVERYONE

    def active(self) -> int:
        """How many filters besides the search box are on."""
        if not self.is_bound or not self.is_valid():
            return 0
        data = self.cleaned_data
        names = ("specialty", "language", "mode", "kind", "favourites")
        return sum(1 for name in names if data.get(name)) + (data.get("show") == self.EVERYONE)


class RequestForm(forms.Form):
    """A mentee asks a mentor: kind, a message and goals; a task also needs what and when."""

    kind = forms.ChoiceField(label="What kind of mentorship?", choices=Kind.choices, widget=forms.RadioSelect)
    task = forms.CharField(
        label="The task",
        max_length=200,
        required=False,
        help_text="For example: review my personal statement.",
    )
    due_date = forms.DateField(label="Due date", required=False, widget=DateInput)
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        help_text="Introduce yourself and say why you would like this mentor. Up to 2,000 characters.",
        widget=forms.Textarea({"rows": 5, "data-counter": ""}),
    )
    goals = forms.CharField(
        label="Your goals",
        max_length=2000,
        required=False,
        help_text="What you hope to achieve together, one per line. Up to 2,000 characters.",
        widget=forms.Textarea({"rows": 3, "data-counter": ""}),
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds:
            field = self.fields["kind"]
            field.choices = [(value, label) for value, label in Kind.choices if value in kinds]  # type: ignore[attr-defined]
            if len(kinds) == 1:
                field.initial = kinds[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.TASK:
            if not data.get("task"):
                self.add_error("task", "Say what the task is.")
            due = data.get("due_date")
            if due is None:
                self.add_error("due_date", "Give the date the task is due.")
            elif due < timezone.localdate():
                self.add_error("due_date", "The due date cannot be in the past.")
        return data


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason"), *MentorshipRequest.DeclineReason.choices]
    )
    note = forms.CharField(
        label="A note to the mentee",
        max_length=2000,
        required=False,
        help_text="Optional, but a kind word or a pointer to someone else helps.",
        widget=forms.Textarea({"rows": 3}),
    )


class AvailabilityForm(forms.ModelForm):
    """The mentor opens or pauses their inbox; a single-model change, saved by the view."""

    accepting = forms.BooleanField(label="I am accepting new requests", required=False)

    class Meta:
        model = MentorProfile
        fields = ["accepting", "paused_until"]
        labels = {"paused_until": "Pause until"}
        help_texts = {"paused_until": "Mentees can request you again from this date."}
        widgets = {"paused_until": DateInput}

    def clean_paused_until(self) -> datetime.date | None:
        date: datetime.date | None = self.cleaned_data.get("paused_until")
        if date is not None and date <= timezone.localdate():
            raise forms.ValidationError("Choose a date after today.")
        return date


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text"]
        labels = {"text": "Goal"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["text"].label = "New goal"


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?",
        choices=[
            (Mentorship.Status.COMPLETED, "Completed — we did what we set out to do"),
            (Mentorship.Status.ENDED, "Ended early"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(label="Main reason", choices=[("", "Choose a reason"), *Mentorship.EndReason.choices])
    feedback = forms.CharField(
        label="Feedback",
        max_length=4000,
        required=False,
        help_text="What went well, and what could have gone better. Coordinators read this.",
        widget=forms.Textarea({"rows": 4}),
    )
    rating = forms.TypedChoiceField(
        label="Overall rating",
        choices=[
            (str(n), f"{n} — {label}") for n, label in enumerate(("poor", "fair", "good", "very good", "excellent"), 1)
        ],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class FeedbackForm(forms.Form):
    """Feedback after the mentorship ended, for the side that has not given it yet."""

    feedback = EndForm.base_fields["feedback"]
    rating = EndForm.base_fields["rating"]


# --- The live mentorship: meetings, messages, reports, the agreement -------------------------


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


MODES = MeetingMode.choices


class MeetingForm(forms.Form):
    """Propose (or move) a meeting: a suggested slot, or another time in the viewer's own time zone."""

    DURATIONS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes")]
    OTHER = "other"

    slot = forms.ChoiceField(label="When", widget=forms.RadioSelect, required=False)
    start_local = forms.DateTimeField(
        label="Another time",
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.TypedChoiceField(label="Length", choices=DURATIONS, coerce=int, initial=60)
    mode = forms.ChoiceField(
        label="How", choices=[("video", "Video call"), ("phone", "Phone"), ("in_person", "In person")]
    )
    location = forms.CharField(
        label="Link or place", required=False, max_length=500, help_text="A video link, a phone number or an address."
    )
    agenda = forms.CharField(label="Agenda", required=False, max_length=2000, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, slots: list[tuple[str, str]], tz_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ChoiceField)
        slot.choices = [*slots, (self.OTHER, "Another time")]
        self.fields["start_local"].help_text = f"In your time zone, {tz_name}."
        if not slots:
            self.fields["slot"].initial = self.OTHER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slot = data.get("slot") or self.OTHER
        if slot != self.OTHER:
            try:
                data["start"] = datetime.datetime.fromisoformat(slot)
            except ValueError:
                self.add_error("slot", "Choose one of the suggested times.")
        elif data.get("start_local"):
            from zoneinfo import ZoneInfo

            naive = data["start_local"].replace(tzinfo=None)
            data["start"] = naive.replace(tzinfo=ZoneInfo(self.tz_name))
        elif "start_local" not in self.errors:
            self.add_error("start_local", "Choose a suggested time, or give another time.")
        return data


class MeetingLogForm(forms.Form):
    held = forms.TypedChoiceField(
        label="Did the meeting happen?",
        choices=[("yes", "We met"), ("no", "It did not happen")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 3}),
        help_text="Only you read these.",
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="Note to the other side", required=False, max_length=1000)


class MessageForm(forms.Form):
    body = forms.CharField(label="Message", max_length=4000, widget=forms.Textarea({"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea({"rows": 2}))


class AgreementForm(forms.Form):
    frequency = forms.CharField(label="How often we meet", max_length=200)
    channel = forms.ChoiceField(label="Preferred channel", choices=MODES)
    goals = forms.CharField(label="Goals", max_length=2000, widget=forms.Textarea({"rows": 3}))
    confidentiality = forms.CharField(label="Confidentiality", max_length=2000, widget=forms.Textarea({"rows": 2}))
    planned_end = forms.DateField(label="Planned end", widget=DateInput())


class ReassessForm(forms.Form):
    goals_met = forms.ChoiceField(
        label="Did you meet the agreement's goals?",
        choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend this mentoring to a friend?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


# --- Group mentoring ----------------------------------------------------------------------------


class CircleForm(forms.Form):
    name = forms.CharField(
        label="Name of the circle",
        max_length=120,
        help_text="Members see it on their mentorship page, e.g. “Surgery hopefuls” or “Personal statements”.",
    )


class CircleMemberForm(forms.Form):
    """The circle's mentor picks one of their own live mentorships that is in no circle yet."""

    mentorship = forms.ModelChoiceField(
        label="Mentee to bring in",
        queryset=Mentorship.objects.none(),
        empty_label="Choose one of your mentees",
        error_messages={"invalid_choice": "Choose one of your own live mentorships that is in no circle yet."},
    )

    def __init__(self, *args: Any, mentor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship"]
        field.queryset = (  # type: ignore[attr-defined]
            Mentorship.objects.active().filter(mentor=mentor, circle__isnull=True).select_related("mentee")
            .order_by("mentee__first_name", "mentee__last_name", "pk")
        )  # fmt: skip
        field.label_from_instance = lambda mentorship: (  # type: ignore[attr-defined]
            f"{mentorship.mentee.get_full_name() or mentorship.mentee.display_name}"
            f" (since {mentorship.started_at:%d %B %Y})"
        )

    @property
    def has_choices(self) -> bool:
        return self.fields["mentorship"].queryset.exists()  # type: ignore[attr-defined]
