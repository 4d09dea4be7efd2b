"""The JSON shape of people, profiles and the specialty taxonomy (API v1).

Background values are personal: they appear in a response only when the caller owns
them or the owner's visibility allows it, and error messages about them never repeat
the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import (
    MENTEE_RULES,
    MENTOR_RULES,
    Background,
    Board,
    Contribution,
    Family,
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
    validate_background_value,
)
from accounts.services import visible_background
from accounts.validators import FLAG_MESSAGE, MAX_ID, MAX_LIST_ITEMS, parse_flag, validate_npi, validate_slots

Profile = MenteeProfile | MentorProfile


def profile_of(user: User) -> Profile | None:
    """The user's own profile for their role, with what its serializer reads prefetched."""
    role = user.role
    if role == Membership.Role.MENTEE:
        return (
            MenteeProfile.objects.select_related("user")
            .prefetch_related("target_specialties", "user__background")
            .filter(user=user)
            .first()
        )
    if role == Membership.Role.MENTOR:
        return (
            MentorProfile.objects.select_related("user")
            .prefetch_related("subspecialties", "user__background")
            .filter(user=user)
            .first()
        )
    return None


class ErrorSerializer(serializers.Serializer):
    """Every error that is not about one field: ``{"detail": "..."}``."""

    detail = serializers.CharField()


# --- Authentication ------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`; shown once.")
    expiry = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When the token stops working.")


# --- Specialty taxonomy ----------------------------------------------------------------------


class BoardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Board
        fields = ["slug", "name"]
        read_only_fields = fields


class SpecialtySerializer(serializers.ModelSerializer):
    """A specialty, or a subspecialty when ``parent`` is set; ``label`` tells same-named ones apart."""

    board = BoardSerializer(read_only=True)
    related = serializers.SerializerMethodField(
        help_text="Ids of the fields related on the alignment ladder (docs/matching.md): the ones the "
        "directory's related-fields filter adds."
    )
    families: serializers.SlugRelatedField[Family] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )

    class Meta:
        model = Specialty
        fields = ["id", "slug", "name", "label", "board", "parent", "related", "families"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_related(self, specialty: Specialty) -> list[int]:
        related: Mapping[int, list[int]] | None = self.context.get("related") or getattr(self, "_related", None)
        if related is None:
            from matching.services.directory import related_specialty_map

            related = self._related = related_specialty_map()
        return related.get(specialty.pk, [])


class QueryFlagField(serializers.BooleanField):
    """A yes/no query parameter: the words of ``accounts.validators.parse_flag``, any case; others are a 400.

    DRF's own ``BooleanField`` also takes "t" and "y"; the pages do not, so neither does the API.
    """

    default_error_messages = {"invalid": FLAG_MESSAGE}

    def to_internal_value(self, data: Any) -> bool | None:  # type: ignore[override]
        if self.allow_null and data in ("", "null"):
            return None
        try:
            return parse_flag(data) if isinstance(data, bool | str) else self.fail("invalid")
        except DjangoValidationError:
            self.fail("invalid")


class SpecialtyFilterSerializer(serializers.Serializer):
    """Query parameters of the specialty list."""

    # Declared fields shadow Field attributes only in the stubs: the metaclass moves them away.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, max_value=MAX_ID, help_text="Only the subspecialties of this specialty id."
    )
    primary = QueryFlagField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only specialties; false: only subspecialties.",
    )


# --- Background attributes ---------------------------------------------------------------------


def background_json(rows: Iterable[Background]) -> dict[str, dict[str, Any]]:
    return {
        row.attribute: {
            "label": row.get_attribute_display(),
            "value": row.value,
            "display": row.display_value,
            "visibility": row.visibility,
        }
        for row in rows
    }


class BackgroundEntrySerializer(serializers.Serializer):
    """One background attribute: the documented shape of an entry, keyed by attribute."""

    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # see SpecialtyFilterSerializer
    value = serializers.JSONField(
        help_text=(
            "gender_identity: one of woman, man, nonbinary, self_described; race_ethnicity: a list of "
            "american_indian_alaska_native, asian, black, hispanic_latino, middle_eastern_north_african, "
            "native_hawaiian_pacific_islander, white; the other attributes: true or false."
        )
    )
    display = serializers.CharField(read_only=True)
    visibility = serializers.ChoiceField(
        choices=Background.Visibility.choices,
        required=False,
        help_text="Who may see it; when left out, it stays as it was (private for a new attribute).",
    )


@extend_schema_field(
    serializers.DictField(
        child=BackgroundEntrySerializer(allow_null=True),
        help_text=(
            "Attribute -> entry; " + ", ".join(Background.Attribute.values) + ". In a PATCH, null removes "
            "the attribute and attributes not named are left as they are."
        ),
    )
)
class BackgroundField(serializers.Field):
    """The owner's own background: every attribute, with its visibility.

    Reads as ``{attribute: {label, value, display, visibility}}``; writes as
    ``{attribute: {value, visibility} | null}`` into what ``accounts.services.set_background``
    takes. The owner is the profile's user.
    """

    default_error_messages = {
        "not_a_dict": "Background must be an object of attribute: {{value, visibility}} or null.",
    }

    def get_attribute(self, instance: Profile) -> Any:
        return instance.user.background.all()

    def to_representation(self, value: Iterable[Background]) -> dict[str, dict[str, Any]]:
        return background_json(value)

    def to_internal_value(self, data: Any) -> dict[str, tuple[Any, str] | None]:
        if not isinstance(data, Mapping):
            self.fail("not_a_dict")
        instance = getattr(self.parent, "instance", None)
        current = {row.attribute: row.visibility for row in instance.user.background.all()} if instance else {}
        values: dict[str, tuple[Any, str] | None] = {}
        errors: dict[str, str] = {}
        for attribute, entry in data.items():
            if attribute not in Background.Attribute.values:
                errors[attribute] = "Unknown background attribute; use one of " + ", ".join(Background.Attribute.values)
                continue
            if entry is None:
                values[attribute] = None
                continue
            if not isinstance(entry, Mapping) or "value" not in entry or set(entry) - {"value", "visibility"}:
                errors[attribute] = 'Give {"value": ..., "visibility": ...}, or null to remove it.'
                continue
            visibility = entry.get("visibility", current.get(attribute, Background.Visibility.PRIVATE))
            if visibility not in Background.Visibility.values:
                errors[attribute] = "Visibility is one of " + ", ".join(Background.Visibility.values) + "."
                continue
            try:
                validate_background_value(attribute, entry["value"])
            except DjangoValidationError as exc:
                # The model's messages name the attribute, never the value.
                errors[attribute] = " ".join(message for messages in exc.message_dict.values() for message in messages)
                continue
            values[attribute] = (entry["value"], visibility)
        if errors:
            raise serializers.ValidationError(errors)
        return values


# --- Own profiles --------------------------------------------------------------------------------


class ChoiceListField(serializers.ListField):
    """A list of choice values, each at most once (in the order given)."""

    def __init__(self, choices: Iterable[tuple[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.ChoiceField(choices=list(choices)), **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        return list(dict.fromkeys(super().to_internal_value(data)))


# The stage enum is already named after MenteeProfile.stage; an inline schema avoids a second name.
@extend_schema_field({"type": "array", "items": {"type": "string", "enum": MenteeProfile.Stage.values}})
class StageListField(ChoiceListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(MenteeProfile.Stage.choices, **kwargs)


class SlotSerializer(serializers.Serializer):
    """A weekly slot in the user's own timezone; documents ``availability``."""

    day = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday ... 6 = Sunday.")
    start = serializers.CharField(help_text="HH:MM, e.g. 18:00.")
    end = serializers.CharField(help_text="HH:MM after start; 24:00 for midnight.")


@extend_schema_field(SlotSerializer(many=True))
class SlotsField(serializers.JSONField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_slots])
        super().__init__(**kwargs)


class StrictInputMixin:
    """Refuse unknown and read-only keys with a message instead of silently ignoring them."""

    read_only_messages: ClassVar[dict[str, str]] = {}
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = ["Unknown field for this profile."]
                elif field.read_only:
                    errors[name] = [self.read_only_messages.get(name, "This field is read-only.")]
                elif isinstance(data[name], list | dict) and len(data[name]) > MAX_LIST_ITEMS:
                    # Before any item is looked at: 10,000 ids would be 10,000 queries.
                    errors[name] = [f"At most {MAX_LIST_ITEMS} items."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


COMMON_PROFILE_FIELDS = [
    "bio",
    "topics",
    "kinds",
    "availability",
    "meeting_modes",
    "region",
    "languages",
]


def validate_facts(serializer: serializers.ModelSerializer, attrs: dict[str, Any], rules: Any) -> None:
    """Run ``accounts.models`` rules over ``attrs`` on top of what the profile holds (defaults for a new one).

    Only when ``attrs`` writes one of the facts the rules read, so a profile stored before a
    rule can still change its bio; its profile page shows the facts together to fix them.
    """
    names = {name for _, fields in rules for name in fields}
    if not names & set(attrs):
        return
    instance = serializer.instance
    model: Any = serializer.Meta.model

    def value_of(name: str) -> Any:
        if name in attrs:
            return attrs[name]
        if name == "subspecialties":
            return list(instance.subspecialties.all()) if instance is not None and instance.pk else []
        return getattr(instance, name) if instance is not None else model._meta.get_field(name).get_default()

    if errors := rule_errors(rules, value_of):
        raise serializers.ValidationError(errors)


class MenteeProfileSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A mentee's own profile, as they read and edit it."""

    role = serializers.SerializerMethodField()
    target_specialties = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Specialty.objects.all(),
        required=False,
        help_text="Specialty ids; empty if undecided. Residents and fellows: the fellowships aimed for.",
    )
    current_specialty = serializers.PrimaryKeyRelatedField(
        queryset=Specialty.objects.all(),
        allow_null=True,
        required=False,
        help_text="Residents and fellows: the specialty id they train in now.",
    )
    topics = ChoiceListField(Topic.choices)
    kinds = ChoiceListField(Kind.choices)
    availability = SlotsField()
    meeting_modes = ChoiceListField(MeetingMode.choices)
    languages = ChoiceListField(Language.choices)
    can_offer = ChoiceListField(Contribution.choices)
    comfort_preferences = serializers.DictField(
        child=serializers.ChoiceField(choices=Importance.choices),
        required=False,
        help_text="Background attribute -> importance of a mentor who shares it.",
    )
    background = BackgroundField(required=False)
    completeness = serializers.IntegerField(read_only=True, help_text="Percentage of the profile filled in.")
    missing_fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MenteeProfile
        fields = [
            "role",
            "stage",
            "intended_profession",
            "md_phd",
            "school",
            "current_specialty",
            "training_year",
            "target_specialties",
            "goals_text",
            *COMMON_PROFILE_FIELDS,
            "can_offer",
            "comfort_preferences",
            "background",
            "completeness",
            "missing_fields",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    @extend_schema_field({"type": "string", "enum": ["mentee"]})  # a constant, so oneOf can tell
    def get_role(self, profile: MenteeProfile) -> str:
        return Membership.Role.MENTEE

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        validate_facts(self, attrs, MENTEE_RULES)
        return attrs

    def validate_comfort_preferences(self, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(Background.Attribute.values))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown background attribute: {', '.join(unknown)}. Use one of {', '.join(Background.Attribute)}."
            )
        return value


class MentorProfileSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A mentor's own profile, as they read and edit it; verification is the coordinators' to set."""

    read_only_messages: ClassVar[dict[str, str]] = dict.fromkeys(
        ["verification", "verified_at", "verified_by", "rejection_reason"],
        "Verification is set by a program coordinator, not from your profile.",
    )

    role = serializers.SerializerMethodField()
    specialty = serializers.PrimaryKeyRelatedField(
        queryset=Specialty.objects.select_related("parent"),
        allow_null=True,
        required=False,
        help_text="A primary specialty id (no parent).",
    )
    subspecialties = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Specialty.objects.select_related("parent"),
        required=False,
        help_text="Subspecialty ids (each with a parent).",
    )
    npi = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        validators=[
            validate_npi,
            UniqueValidator(
                queryset=MentorProfile.objects.exclude(npi=""),
                message="This NPI is already on another mentor's profile.",
            ),
        ],
        help_text="10-digit National Provider Identifier.",
    )
    topics = ChoiceListField(Topic.choices)
    kinds = ChoiceListField(Kind.choices)
    availability = SlotsField()
    meeting_modes = ChoiceListField(MeetingMode.choices)
    languages = ChoiceListField(Language.choices)
    preferred_stages = StageListField()
    preferred_groups = ChoiceListField(MentorProfile.PreferredGroup.choices)
    background = BackgroundField(required=False)
    completeness = serializers.IntegerField(read_only=True, help_text="Percentage of the profile filled in.")
    missing_fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MentorProfile
        fields = [
            "role",
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
            "capacity",
            "accepting",
            "paused_until",
            *COMMON_PROFILE_FIELDS,
            "preferred_stages",
            "preferred_groups",
            "background",
            "verification",
            "verified_at",
            "verified_by",
            "rejection_reason",
            "completeness",
            "missing_fields",
            "updated_at",
        ]
        read_only_fields = ["verification", "verified_at", "verified_by", "rejection_reason", "updated_at"]

    @extend_schema_field({"type": "string", "enum": ["mentor"]})
    def get_role(self, profile: MentorProfile) -> str:
        return Membership.Role.MENTOR

    def validate_specialty(self, value: Specialty | None) -> Specialty | None:
        if value is not None and value.parent is not None:
            raise serializers.ValidationError(
                f"{value.label} is a subspecialty: choose {value.parent.name} as the specialty "
                "and put the subspecialty in subspecialties."
            )
        return value

    def validate_subspecialties(self, value: list[Specialty]) -> list[Specialty]:
        primary = [specialty.name for specialty in value if specialty.parent is None]
        if primary:
            raise serializers.ValidationError(
                f"{', '.join(primary)}: a specialty, not a subspecialty; set it as the specialty instead."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        validate_facts(self, attrs, MENTOR_RULES)
        return attrs


OWN_PROFILE = PolymorphicProxySerializer(
    component_name="OwnProfile",
    serializers={
        Membership.Role.MENTEE.value: MenteeProfileSerializer,
        Membership.Role.MENTOR.value: MentorProfileSerializer,
    },
    resource_type_field_name="role",
)


def own_profile_serializer_class(profile: Profile) -> type[MenteeProfileSerializer | MentorProfileSerializer]:
    return MentorProfileSerializer if isinstance(profile, MentorProfile) else MenteeProfileSerializer


# --- Me and other people ---------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user; ``id`` is the user id, the one the directory lists people by."""

    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True, allow_null=True)
    program = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "timezone", "role", "program", "profile"]
        read_only_fields = fields

    @extend_schema_field(ProgramSerializer(allow_null=True))
    def get_program(self, user: User) -> dict[str, Any] | None:
        membership = user.memberships.select_related("program").filter(program__is_default=True).first()
        return ProgramSerializer(membership.program).data if membership else None

    # Null for coordinators and people without a role: they have no profile.
    @extend_schema_field({"oneOf": [{"$ref": "#/components/schemas/OwnProfile"}], "nullable": True})
    def get_profile(self, user: User) -> dict[str, Any] | None:
        profile = profile_of(user)
        if profile is None:
            return None
        return own_profile_serializer_class(profile)(profile, context=self.context).data


class PublicMenteeProfileSerializer(serializers.ModelSerializer):
    """What others may see of a mentee: never comfort preferences, which hint at their background."""

    role = serializers.SerializerMethodField()
    target_specialties: serializers.PrimaryKeyRelatedField[Specialty] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = MenteeProfile
        fields = [
            "role",
            "stage",
            "intended_profession",
            "md_phd",
            "school",
            "current_specialty",
            "training_year",
            "target_specialties",
            "goals_text",
            *COMMON_PROFILE_FIELDS,
            "can_offer",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": ["mentee"]})  # a constant, so oneOf can tell
    def get_role(self, profile: MenteeProfile) -> str:
        return Membership.Role.MENTEE


class PublicMentorProfileSerializer(serializers.ModelSerializer):
    """What others may see of a mentor: no NPI or licence, no verification paperwork."""

    role = serializers.SerializerMethodField()
    subspecialties: serializers.PrimaryKeyRelatedField[Specialty] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = MentorProfile
        fields = [
            "role",
            "profession",
            "research_doctorate",
            "specialty",
            "subspecialties",
            "board_certified",
            "institution",
            "years_in_practice",
            "capacity",
            "accepting",
            "paused_until",
            *COMMON_PROFILE_FIELDS,
            "preferred_stages",
            "preferred_groups",
            "verification",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": ["mentor"]})
    def get_role(self, profile: MentorProfile) -> str:
        return Membership.Role.MENTOR


PUBLIC_PROFILE = PolymorphicProxySerializer(
    component_name="PublicProfile",
    serializers={
        Membership.Role.MENTEE.value: PublicMenteeProfileSerializer,
        Membership.Role.MENTOR.value: PublicMentorProfileSerializer,
    },
    resource_type_field_name="role",
)


class PersonSerializer(serializers.ModelSerializer):
    """Another person as the viewer may see them; ``background`` holds only what its visibility allows."""

    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True, allow_null=True)
    profile = serializers.SerializerMethodField()
    background = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "first_name", "last_name", "display_name", "timezone", "role", "profile", "background"]
        read_only_fields = fields

    @extend_schema_field(PUBLIC_PROFILE)
    def get_profile(self, person: User) -> dict[str, Any] | None:
        role = person.role
        if role == Membership.Role.MENTOR and hasattr(person, "mentor_profile"):
            return PublicMentorProfileSerializer(person.mentor_profile, context=self.context).data
        if role == Membership.Role.MENTEE and hasattr(person, "mentee_profile"):
            return PublicMenteeProfileSerializer(person.mentee_profile, context=self.context).data
        return None

    @extend_schema_field(
        serializers.DictField(
            child=BackgroundEntrySerializer(),
            help_text="The background attributes this viewer may see, keyed by attribute.",
        )
    )
    def get_background(self, person: User) -> dict[str, dict[str, Any]]:
        return background_json(visible_background(owner=person, viewer=self.context["request"].user))
