"""The JSON shape of the mentorship workflow (API v1): the directory, requests, mentorships, goals.

Shapes only: every rule lives in ``matching/services.py`` and is called from the views.
What one person sees of another is minimal: background attributes only when their owner
shares them with everyone, email addresses only once a mentorship is live.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Background, Kind, MenteeProfile, MentorProfile, Specialty, User
from accounts.permissions import is_coordinator
from accounts.serializers import BackgroundEntrySerializer, background_json
from accounts.validators import MAX_ID, parse_flag
from matching.models import Goal, Mentorship, MentorshipRequest
from matching.scoring.components import Match

# The largest id a filter accepts: anything above is no row, not a database error.


class RuleErrorSerializer(serializers.Serializer):
    """An error that is not about one field: a message, and a code naming the rule or the reason."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="e.g. mentor_full, duplicate_request, invalid_state, not_found.")


# --- Matches -------------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='e.g. "Same certificate: Orthopaedic Sports Medicine".')
    code = serializers.CharField()
    component = serializers.CharField()
    points = serializers.FloatField(help_text="This reason's share of the 0-100 score.")


class MatchSerializer(serializers.Serializer):
    score = serializers.FloatField(min_value=0, max_value=100)
    reasons = ReasonSerializer(many=True, help_text="Best first.")
    components = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1), help_text="Each score component's value in [0, 1]."
    )


def match_json(match: Match | None) -> dict[str, Any] | None:
    """A match as ``MatchSerializer`` documents it, built directly: a serializer per card costs
    more than ranking the whole directory."""
    if match is None:
        return None
    return {
        "score": match.score,
        "reasons": [
            {"text": r.text, "code": r.code, "component": r.component, "points": r.points} for r in match.reasons
        ],
        "components": dict(match.components),
    }


class SpecialtyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["id", "name"]
        read_only_fields = fields


PUBLIC_BACKGROUND = serializers.DictField(
    child=BackgroundEntrySerializer(),
    help_text="Background attributes their owner shares with everyone, keyed by attribute.",
)


def _public_background(user: User) -> dict[str, dict[str, Any]]:
    # ``public_background`` is prefetched with only the rows shared with everyone.
    rows: list[Background] = getattr(user, "public_background", [])
    return background_json(rows)


def _match_from_context(serializer: serializers.Serializer, user_id: int) -> dict[str, Any] | None:
    matches: dict[int, Match] = serializer.context.get("matches", {})
    return match_json(matches.get(user_id))


# --- The directory ---------------------------------------------------------------------------


class MentorCardSerializer(serializers.ModelSerializer):
    """A mentor as a mentee sees them in the directory; ``id`` is the mentor's user id."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    specialty = SpecialtyRefSerializer(read_only=True, allow_null=True)
    subspecialties = SpecialtyRefSerializer(many=True, read_only=True)
    accepting = serializers.SerializerMethodField()
    remaining_capacity = serializers.SerializerMethodField()
    background = serializers.SerializerMethodField()
    match = serializers.SerializerMethodField()

    class Meta:
        model = MentorProfile
        fields = [
            "id",
            "name",
            "profession",
            "research_doctorate",
            "specialty",
            "subspecialties",
            "board_certified",
            "institution",
            "years_in_practice",
            "bio",
            "topics",
            "kinds",
            "meeting_modes",
            "region",
            "languages",
            "accepting",
            "remaining_capacity",
            "background",
            "match",
        ]
        read_only_fields = fields

    def get_accepting(self, profile: MentorProfile) -> bool:
        return profile.is_accepting()

    def get_remaining_capacity(self, profile: MentorProfile) -> int:
        return profile.free_places()  # the view annotates with_active_count(): no query per card

    @extend_schema_field(PUBLIC_BACKGROUND)
    def get_background(self, profile: MentorProfile) -> dict[str, dict[str, Any]]:
        return _public_background(profile.user)

    @extend_schema_field(MatchSerializer(allow_null=True))
    def get_match(self, profile: MentorProfile) -> dict[str, Any] | None:
        return _match_from_context(self, profile.user_id)


@extend_schema_field({"type": "string", "enum": ["true", "false", "all", "1", "0", "yes", "no", "on", "off"]})
class AcceptingField(serializers.Field):
    """``accepting``: a yes/no word (``accounts.validators.parse_flag``) or "all", read as "true" or "false"."""

    default_error_messages = {"invalid": "Must be true, false or all (also 1 or 0, yes or no, on or off)."}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str) and data.strip().lower() == "all":
            return "false"
        try:
            return "true" if parse_flag(data) else "false"
        except DjangoValidationError:
            self.fail("invalid")

    def to_representation(self, value: Any) -> str:
        return str(value)


class DirectoryOptionsSerializer(serializers.Serializer):
    """The API's own query parameters of the mentor directory; the filters are ``matching.filters.MentorFilter``."""

    accepting = AcceptingField(
        required=False,
        default="true",
        help_text="true (default): only mentors who accept requests and have room; false or all: everyone. "
        "Also 1/0, yes/no, on/off; any other word is a 400.",
    )
    ordering = serializers.ChoiceField(
        choices=[("score", "Best match first"), ("name", "By name")], required=False, default="score"
    )


class MenteeSuggestionSerializer(serializers.ModelSerializer):
    """A mentee as a mentor sees them among suggestions: never comfort preferences or private attributes."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    target_specialties = SpecialtyRefSerializer(many=True, read_only=True)
    goals = serializers.CharField(source="goals_text", read_only=True, help_text="Goals in the mentee's words.")
    background = serializers.SerializerMethodField()
    match = serializers.SerializerMethodField()

    class Meta:
        model = MenteeProfile
        fields = [
            "id",
            "name",
            "stage",
            "school",
            "target_specialties",
            "goals",
            "topics",
            "kinds",
            "meeting_modes",
            "languages",
            "background",
            "match",
        ]
        read_only_fields = fields

    @extend_schema_field(PUBLIC_BACKGROUND)
    def get_background(self, profile: MenteeProfile) -> dict[str, dict[str, Any]]:
        return _public_background(profile.user)

    @extend_schema_field(MatchSerializer(allow_null=True))
    def get_match(self, profile: MenteeProfile) -> dict[str, Any] | None:
        return _match_from_context(self, profile.user_id)


# --- Requests ----------------------------------------------------------------------------------


class PersonRefSerializer(serializers.ModelSerializer):
    """Another person by id and name: no contact details before a match is live."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    decline_reason = serializers.ChoiceField(
        choices=MentorshipRequest.DeclineReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty unless declined.",
    )
    mentee = PersonRefSerializer(read_only=True)
    mentor = PersonRefSerializer(read_only=True)
    score = serializers.SerializerMethodField()
    mentorship = serializers.SerializerMethodField()

    class Meta:
        model = MentorshipRequest
        fields = [
            "id",
            "status",
            "kind",
            "mentee",
            "mentor",
            "message",
            "goals",
            "task",
            "due_date",
            "score",
            "decline_reason",
            "response_note",
            "created_at",
            "responded_at",
            "decided_at",
            "expires_at",
            "mentorship",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.FloatField(
            allow_null=True,
            help_text="The match score the mentee read when sending: shown to that mentee only, since it counts "
            "their own private answers (null for everyone else).",
        )
    )
    def get_score(self, request: MentorshipRequest) -> float | None:
        viewer = getattr(self.context.get("request"), "user", None)
        return request.score if viewer is not None and viewer.pk == request.mentee_id else None

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="The mentorship, once matched."))
    def get_mentorship(self, request: MentorshipRequest) -> int | None:
        mentorship = getattr(request, "mentorship", None)
        return mentorship.pk if mentorship is not None else None


class RequestCreateSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The mentor's user id.")
    kind = serializers.ChoiceField(choices=Kind.choices)
    message = serializers.CharField(max_length=2000)
    goals = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    task = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="For kind task: what it is."
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="For kind task: when it is due."
    )


class RequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MentorshipRequest.Status.choices, required=False)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=MentorshipRequest.DeclineReason.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- Mentorships and goals ------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "text", "done", "created_by", "created_at", "completed_at"]
        read_only_fields = ["id", "created_by", "created_at", "completed_at"]


class ContactSerializer(serializers.Serializer):
    """A participant; ``email`` only while the mentorship is live (or for coordinators)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)


class MentorshipSerializer(serializers.ModelSerializer):
    end_reason = serializers.ChoiceField(
        choices=Mentorship.EndReason.choices, allow_blank=True, read_only=True, help_text="Empty while active."
    )
    mentee = serializers.SerializerMethodField()
    mentor = serializers.SerializerMethodField()
    at_risk = serializers.SerializerMethodField()
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "status",
            "kind",
            "task",
            "due_date",
            "mentee",
            "mentor",
            "request",
            "started_at",
            "at_risk",
            "ended_at",
            "end_reason",
            "rematch_requested",
            "goals",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.BooleanField(
            help_text="Flagged for a coordinator's attention. Participants do not see a flag raised only by a "
            "check-in concern, which is for coordinators only."
        )
    )
    def get_at_risk(self, mentorship: Mentorship) -> bool:
        if is_coordinator(self.context["request"].user):
            return mentorship.at_risk
        return mentorship.at_risk_shown

    @extend_schema_field(ContactSerializer)
    def get_mentee(self, mentorship: Mentorship) -> dict[str, Any]:
        return self._contact(mentorship, mentorship.mentee)

    @extend_schema_field(ContactSerializer)
    def get_mentor(self, mentorship: Mentorship) -> dict[str, Any]:
        return self._contact(mentorship, mentorship.mentor)

    def _contact(self, mentorship: Mentorship, person: User) -> dict[str, Any]:
        # The shape of ContactSerializer, built directly (a serializer per person is slow).
        viewer = self.context["request"].user
        live = mentorship.status == Mentorship.Status.ACTIVE
        share = is_coordinator(viewer) or (live and mentorship.involves(viewer))
        return {"id": person.pk, "name": person.display_name, "email": person.email if share else None}


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=4000, allow_blank=True)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)


class EndSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Mentorship.Status.COMPLETED, Mentorship.Status.ENDED])
    reason = serializers.ChoiceField(choices=Mentorship.EndReason.choices)
    feedback = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
