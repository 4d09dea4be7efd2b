"""The coordinator's admin for people: verification, program settings, background, audit log."""

from __future__ import annotations

import json
from typing import Any

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from knox.models import AuthToken

from accounts.forms import AgreeingFactsForm
from accounts.models import (
    MENTEE_RULES,
    MENTOR_RULES,
    AuditEvent,
    Background,
    Board,
    ClinicalDomain,
    Family,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
)
from accounts.permissions import CoordinatorAdmin
from accounts.services import reject_mentor, verify_mentor
from matching.scoring.components import COMPONENTS, DEFAULT_WEIGHTS

# Query-string lookups an allowed field may take: what Django's own list filters and date
# hierarchy write. Nothing that compares a prefix, a substring or a pattern.
SAFE_LOOKUP_SUFFIXES = frozenset({"exact", "isnull", "isempty", "id__exact", "gte", "lt", "year", "month", "day"})


# Identity is never an eligibility filter (PRODUCT §5, docs/privacy.md): no list filter,
# search or query-string lookup may touch a background answer, a comfort preference or a
# preferred group, whatever an admin declares. Any path with one of these parts is refused.
IDENTITY_PARTS = frozenset({"background", "comfort_preferences", "preferred_groups", "value", "attribute"})
# The Background admin lists answers shared with coordinators; it may narrow by visibility
# (who may see a row), never by which attribute or value a row holds.
IDENTITY_MODELS = frozenset({"accounts.background"})


def is_identity_path(model: type[Any], path: str) -> bool:
    """Whether a lookup path (``user__background__value``, ``comfort_preferences__has_key``)
    reaches a background answer, a comfort preference or a preferred group of ``model``."""
    parts = path.lstrip("^=@").split("__")
    if model._meta.label_lower in IDENTITY_MODELS and parts[0] != "visibility":
        return parts[0] not in {"user", "id", "pk"} or any(part in IDENTITY_PARTS for part in parts)
    return any(part in IDENTITY_PARTS for part in parts)


class IdentityGuardAdmin(admin.ModelAdmin):
    """Refuses any changelist filter, search or lookup on identity (``IDENTITY_PARTS``).

    At run time a query-string lookup on identity is refused with 400, even if a list
    filter names it; at start-up (``manage.py check``) an admin declaring such a list
    filter or search field is an error, ``accounts.E011``.
    """

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if is_identity_path(self.model, lookup):
            return False
        return bool(super().lookup_allowed(lookup, value, request))  # type: ignore[arg-type]

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = list(super().check(**kwargs))
        declared = [item[0] if isinstance(item, list | tuple) else item for item in self.list_filter]
        paths = [spec for spec in declared if isinstance(spec, str)]
        paths += [
            str(spec.parameter_name) for spec in declared if isinstance(spec, type) and hasattr(spec, "parameter_name")
        ]
        paths += list(self.search_fields)
        for lookup in paths:
            if is_identity_path(self.model, lookup):
                errors.append(
                    checks.Error(
                        f"{type(self).__name__} filters or searches on identity ({lookup!r}): identity is never an "
                        "eligibility filter (docs/privacy.md).",
                        obj=type(self),
                        id="accounts.E011",
                    )
                )
        return errors


class AllowListAdmin(IdentityGuardAdmin):
    """A ModelAdmin whose list may be narrowed only by what it declares.

    Django lets any local field (``?password__startswith=``) and a field one relation away
    (``?auth_token__key__startswith=``) be filtered through the changelist's query string:
    an oracle that recovers a secret one character at a time. Here a query-string lookup
    is allowed only on the paths of ``list_filter``, ``date_hierarchy`` and
    ``extra_lookups``, with one of ``SAFE_LOOKUP_SUFFIXES``; anything else is refused with
    400 (``DisallowedModelAdminLookup``). Search covers ``search_fields`` only, which never
    name a secret or a background value (tests/accounts/test_admin_allowlist.py checks
    every registered admin).
    """

    extra_lookups: tuple[str, ...] = ()

    def allowed_lookup_paths(self, request: HttpRequest | None) -> set[str]:
        paths = set(self.extra_lookups)
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        for item in filters:
            spec = item[0] if isinstance(item, list | tuple) else item
            if isinstance(spec, str):
                paths.add(spec)
            elif isinstance(spec, type) and issubclass(spec, admin.SimpleListFilter):
                paths.add(str(spec.parameter_name))
        if self.date_hierarchy:
            paths.add(self.date_hierarchy)
        return paths

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if is_identity_path(self.model, lookup):
            return False
        for allowed in self.allowed_lookup_paths(request):
            if lookup == allowed:
                return True
            if lookup.startswith(f"{allowed}__") and lookup[len(allowed) + 2 :] in SAFE_LOOKUP_SUFFIXES:
                return True
        return False


# API tokens are stored hashed and never shown again; nobody manages them by hand.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)

# The third-party admins, under the same allow-list.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)


@admin.register(Group)
class GroupAdmin(AllowListAdmin, BaseGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(AllowListAdmin, BaseEmailAddressAdmin):
    search_fields = ["email", "user__email"]


@admin.register(User)
class UserAdmin(CoordinatorAdmin, AllowListAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "timezone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["export_personal_data", "erase_people"]

    # Access and erasure are the data controller's acts: superusers only, not coordinators.
    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(description="Export personal data (JSON)", permissions=["export"])
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        """Every row that refers to each selected person, as one JSON file (the right of access)."""
        from matching.services.exits import export_person, json_default

        people = {str(user.pk): export_person(user) for user in queryset.order_by("pk")}
        body = json.dumps(people, indent=2, default=json_default)
        AuditEvent.record(
            actor=request.user,
            action=AuditEvent.Action.EXPORTED,
            target="personal-data.json",
            people=[int(pk) for pk in people],
        )
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    @admin.action(description="Erase selected people (anonymise)…", permissions=["erase"])
    def erase_people(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        """After a confirmation page: close each account, tell the other sides, and anonymise it."""
        from matching.services.exits import erase_person

        people = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            for user in people:
                erase_person(user)
                AuditEvent.record(actor=request.user, action=AuditEvent.Action.ERASED, target=f"user #{user.pk}")
            self.message_user(request, f"Erased {len(people)} person(s); their figures remain, anonymised.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase people",
            "opts": self.opts,
            "people": people,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/erase_confirm.html", context)


@admin.register(Family)
class FamilyAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ClinicalDomain)
class ClinicalDomainAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["specialties"]


@admin.register(Board)
class BoardAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Specialty)
class SpecialtyAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["name", "parent", "board", "certificate"]
    list_filter = [("parent", admin.EmptyFieldListFilter), "families", "domains", "board"]
    search_fields = ["name", "slug", "parent__name", "certificate"]
    list_select_related = ["parent", "board"]
    filter_horizontal = ["families", "requires", "related"]
    autocomplete_fields = ["parent", "within"]
    prepopulated_fields = {"slug": ["name"]}


class ProgramSettingsForm(forms.ModelForm):
    """Program settings with one number input per matching weight instead of raw JSON.

    The weight inputs are declared by ``ProgramAdminForm`` below, one per component.
    """

    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "description",
            "is_default",
            "approval_required",
            "request_mode",
            "max_open_requests",
            "request_expiry_days",
            "checkin_cadence_days",
            "withdraw_other_long_term_requests",
            "matching_attributes_off",
        ]
        widgets = {"matching_attributes_off": forms.CheckboxSelectMultiple}

    matching_attributes_off = forms.MultipleChoiceField(
        label="Not used for matching",
        choices=Background.Attribute.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked attributes count for nobody's match in this program: neither mentees' comfort "
        "preferences nor mentors' preferred groups on them, nor people's answers. Use it where the law or "
        "policy forbids using e.g. race or its proxies in program operations. People still see the question, "
        "and their forms say the program does not use it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {**DEFAULT_WEIGHTS.as_dict(), **(self.instance.weights or {})}
        for name in COMPONENTS:
            self.initial.setdefault(weight_field(name), current[name])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(weight_field(name) in self.errors for name in COMPONENTS):
            return cleaned
        weights = {name: float(cleaned[weight_field(name)]) for name in COMPONENTS}
        try:
            # The model's own rule (Program.clean), checked on a scratch copy so that an
            # invalid mapping never reaches the instance the admin would save.
            Program(weights=weights).clean()
        except ValidationError as error:
            for message in error.message_dict.get("weights", error.messages):
                self.add_error(None, message)
        else:
            self.instance.weights = weights
        return cleaned


def weight_field(component: str) -> str:
    return f"weight_{component}"


def weight_input(component: str) -> forms.FloatField:
    return forms.FloatField(
        label=WEIGHT_LABELS.get(component, component.replace("_", " ").capitalize()),
        min_value=0,
        max_value=1000,
        help_text=f"Default {getattr(DEFAULT_WEIGHTS, component):g}.",
        widget=forms.NumberInput(attrs={"step": "any", "class": "vIntegerField"}),
    )


WEIGHT_LABELS = {
    "specialty": "Specialty alignment",
    "stage_fit": "Stage fit",
    "goals": "Goals vs mentor's topics",
    "availability": "Availability overlap",
    "mode": "Meeting mode and location",
    "language": "Language",
    "comfort": "Comfort preferences",
    "mentor_preference": "Mentor's own preferences",
    "capacity": "Remaining capacity",
}


ProgramAdminForm: type[ProgramSettingsForm] = type(
    "ProgramAdminForm", (ProgramSettingsForm,), {weight_field(name): weight_input(name) for name in COMPONENTS}
)


@admin.register(Program)
class ProgramAdmin(CoordinatorAdmin, AllowListAdmin):
    form = ProgramAdminForm
    list_display = ["name", "is_default", "approval_required", "request_mode", "max_open_requests"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "is_default")}),
        (
            "Rules",
            {
                "fields": (
                    "approval_required",
                    "request_mode",
                    "max_open_requests",
                    "request_expiry_days",
                    "checkin_cadence_days",
                    "withdraw_other_long_term_requests",
                )
            },
        ),
        (
            "Identity-based matching",
            {
                "fields": ("matching_attributes_off",),
                "description": "Background answers never filter anyone out for coordinators, and only what people "
                "show to everyone is ever named. Here the program can switch any attribute off for matching.",
            },
        ),
        (
            "Matching weights",
            {
                "fields": tuple(weight_field(name) for name in COMPONENTS),
                "description": "How much each part of the match score counts. Only the proportions matter: "
                "doubling every weight changes nothing. At least one weight must be above 0.",
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Program, form: forms.ModelForm, change: bool) -> None:
        before = Program.objects.filter(pk=obj.pk).values(*SETTINGS_AUDITED).first() if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            AuditEvent.record(actor=request.user, action=AuditEvent.Action.SETTINGS_CHANGED, target=f"program {obj}")
            return
        changes = {
            name: {"from": before[name], "to": getattr(obj, name)}
            for name in SETTINGS_AUDITED
            if before[name] != getattr(obj, name)
        }
        if changes:
            AuditEvent.record(
                actor=request.user,
                action=AuditEvent.Action.SETTINGS_CHANGED,
                target=f"program {obj}",
                changes=changes,
            )


# Every setting is plain, non-personal configuration, so old and new values are kept.
SETTINGS_AUDITED = (
    "name",
    "slug",
    "is_default",
    "approval_required",
    "request_mode",
    "max_open_requests",
    "request_expiry_days",
    "checkin_cadence_days",
    "withdraw_other_long_term_requests",
    "weights",
    "matching_attributes_off",
)


@admin.register(Membership)
class MembershipAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["user", "program", "role", "joined_at"]
    list_filter = ["role", "program"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "program"]
    autocomplete_fields = ["user"]


class MatchedFilter(admin.SimpleListFilter):
    """Mentees with or without a live mentorship: "unmatched" is the coordinator's to-do list."""

    title = "matched"
    parameter_name = "matched"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "In an active mentorship"), ("no", "Unmatched")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from matching.models import Mentorship

        active = Mentorship.objects.active().values("mentee_id")
        if self.value() == "yes":
            return queryset.filter(user_id__in=active)
        if self.value() == "no":
            return queryset.exclude(user_id__in=active)
        return queryset


class MenteeProfileAdminForm(AgreeingFactsForm):
    """The admin refuses what the profile page and the API refuse (``accounts.models.validate_mentee_path``)."""

    rules = MENTEE_RULES

    class Meta:
        model = MenteeProfile
        fields = "__all__"


class MentorProfileAdminForm(AgreeingFactsForm):
    """The admin refuses what the profile page and the API refuse (``validate_mentor_credentials`` and co.)."""

    rules = MENTOR_RULES

    class Meta:
        model = MentorProfile
        fields = "__all__"


@admin.register(MenteeProfile)
class MenteeProfileAdmin(CoordinatorAdmin, AllowListAdmin):
    form = MenteeProfileAdminForm
    list_display = ["user", "full_name", "stage", "intended_profession", "school", "completeness_display", "updated_at"]
    list_filter = [MatchedFilter, "stage", "intended_profession", "md_phd"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "school"]
    list_select_related = ["user"]
    autocomplete_fields = ["target_specialties", "current_specialty"]
    readonly_fields = ["user"]
    # Comfort preferences reveal the mentee's own background: matching only.
    exclude = ["comfort_preferences"]

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: MenteeProfile) -> str:
        return obj.user.get_full_name()

    @admin.display(description="Profile complete")
    def completeness_display(self, obj: MenteeProfile) -> str:
        return f"{obj.completeness}%"


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="The mentor reads this. Say what is missing and how to fix it.",
    )


NPI_REGISTRY_URL = "https://npiregistry.cms.hhs.gov/provider-view/{npi}"


@admin.register(MentorProfile)
class MentorProfileAdmin(CoordinatorAdmin, AllowListAdmin):
    form = MentorProfileAdminForm
    list_display = [
        "user",
        "full_name",
        "specialty",
        "institution",
        "npi",
        "verification",
        "accepting",
        "capacity",
    ]
    list_filter = ["verification", "accepting", "profession", "board_certified", "specialty__board"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "institution", "npi", "specialty__name"]
    list_select_related = ["user", "specialty"]
    autocomplete_fields = ["specialty", "subspecialties"]
    # Verification changes only through verify / reject (buttons and actions), which notify
    # the mentor and leave an audit event; the select box would step around both.
    readonly_fields = ["user", "npi_registry", "verification", "verified_at", "verified_by", "rejection_reason"]
    actions = ["verify_mentors", "reject_with_reason", "reject_mentors"]
    change_form_template = "admin/accounts/mentorprofile/change_form.html"
    fieldsets = (
        (
            "Credentials",
            {
                "fields": (
                    "user",
                    "npi",
                    "npi_registry",
                    ("license_state", "license_number"),
                    "profession",
                    "research_doctorate",
                    "board_certified",
                    "specialty",
                    "subspecialties",
                    "institution",
                    "years_in_practice",
                )
            },
        ),
        (
            "Verification",
            {"fields": ("verification", "verified_at", "verified_by", "rejection_reason")},
        ),
        ("Mentoring", {"fields": ("capacity", "accepting", "paused_until", "topics", "kinds", "bio")}),
    )

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: MentorProfile) -> str:
        return obj.user.get_full_name()

    @admin.display(description="NPI registry")
    def npi_registry(self, obj: MentorProfile) -> str:
        if not obj.npi:
            return "No NPI given: ask for a licence document before verifying."
        url = NPI_REGISTRY_URL.format(npi=obj.npi)
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">Look up NPI {} in the NPPES registry'
            '<span class="visually-hidden"> (opens in a new tab)</span></a>',
            url,
            obj.npi,
        )

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/verify/", self.admin_site.admin_view(self.verify_view), name=f"{prefix}_verify"),
            path("<path:object_id>/reject/", self.admin_site.admin_view(self.reject_view), name=f"{prefix}_reject"),
            *super().get_urls(),
        ]

    def verify_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._profile_to_decide(request, object_id)
        change_url = reverse("admin:accounts_mentorprofile_change", args=[profile.pk])
        if request.method != "POST":
            return redirect(change_url)
        if not confirmed(request):
            return confirm_page(
                request, self.admin_site, title="Verify this mentor?", back_label=str(profile.user),
                intro="You checked the NPI and the licence. Verifying makes this mentor visible to mentees.",
                summary=_mentor_summary(profile), consequence=f"{profile.user} gets an e-mail and appears in the "
                "directory at once.", button="Yes, verify and notify", cancel_url=change_url,
            )  # fmt: skip
        assert isinstance(request.user, User)
        verify_mentor(profile=profile, by=request.user)
        self.message_user(request, f"{profile.user} is verified and was notified.", messages.SUCCESS)
        return redirect(reverse("admin:accounts_mentorprofile_change", args=[profile.pk]))

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._profile_to_decide(request, object_id)
        form = RejectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            assert isinstance(request.user, User)
            reject_mentor(profile=profile, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"{profile.user} was rejected and notified.", messages.WARNING)
            return redirect(reverse("admin:accounts_mentorprofile_change", args=[profile.pk]))
        return self._render_rejection(request, form, [profile], action=None)

    def _profile_to_decide(self, request: HttpRequest, object_id: str) -> MentorProfile:
        profile = self.get_object(request, object_id)
        if profile is None:
            raise Http404("No such mentor profile.")
        if not self.has_change_permission(request, profile):
            raise PermissionDenied
        return profile

    def _render_rejection(
        self, request: HttpRequest, form: RejectionForm, profiles: list[MentorProfile], *, action: str | None
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject mentors" if len(profiles) > 1 else "Reject a mentor",
            "opts": self.opts,
            "form": form,
            "profiles": profiles,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/mentorprofile/reject_with_reason.html", context)

    @admin.action(description="Verify selected mentors", permissions=["change"])
    def verify_mentors(self, request: HttpRequest, queryset: QuerySet[MentorProfile]) -> TemplateResponse | None:
        if not confirmed(request):
            people = list(queryset.select_related("user", "specialty"))
            return confirm_page(
                request, self.admin_site, title=f"Verify {len(people)} mentor{'s' if len(people) != 1 else ''}?",
                intro="Verifying makes these mentors visible to mentees.", items_heading="Mentors",
                items=[f"{p.user.get_full_name() or p.user.email} ({p.user.email}), NPI {p.npi or 'not given'}, "
                       f"{p.specialty or 'no specialty'}" for p in people],
                consequence=f"Each of the {len(people)} gets an e-mail and appears in the directory at once.",
                button="Yes, verify and notify", hidden=selection(request, "verify_mentors", queryset),
                cancel_url=reverse("admin:accounts_mentorprofile_changelist"), back_label="Mentor profiles",
            )  # fmt: skip
        assert isinstance(request.user, User)
        for profile in queryset:
            verify_mentor(profile=profile, by=request.user)
        self.message_user(request, f"Verified {len(queryset)} mentor(s); each was notified.", messages.SUCCESS)
        return None

    @admin.action(description="Reject selected mentors, with a reason…", permissions=["change"])
    def reject_with_reason(self, request: HttpRequest, queryset: QuerySet[MentorProfile]) -> TemplateResponse | None:
        """An intermediate page asks for the reason, then rejects every selected mentor with it."""
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            assert isinstance(request.user, User)
            for profile in queryset:
                reject_mentor(profile=profile, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Rejected {len(queryset)} mentor(s); each was notified.", messages.WARNING)
            return None
        return self._render_rejection(request, form, list(queryset.select_related("user")), action="reject_with_reason")

    @admin.action(description="Reject selected mentors (standard reason)", permissions=["change"])
    def reject_mentors(self, request: HttpRequest, queryset: QuerySet[MentorProfile]) -> None:
        assert isinstance(request.user, User)
        for profile in queryset:
            reject_mentor(profile=profile, by=request.user, reason=STANDARD_REJECTION)
        self.message_user(request, f"Rejected {len(queryset)} mentor(s); each was notified.", messages.WARNING)


STANDARD_REJECTION = "Credentials could not be verified."


def confirm_page(
    request: HttpRequest,
    site: admin.AdminSite,
    *,
    title: str,
    intro: str,
    consequence: str,
    button: str,
    cancel_url: str,
    back_label: str,
    items: list[str] | None = None,
    items_heading: str = "",
    summary: list[tuple[str, object]] | None = None,
    hidden: list[tuple[str, object]] | None = None,
    action_url: str = "",
) -> TemplateResponse:
    """The page shown before an action that cannot be undone (verify, approve, publish): what it
    does, to whom and what it sends, with the same POST again plus ``confirmed=yes`` to go ahead."""
    context = {
        **site.each_context(request),
        "title": title,
        "intro": intro,
        "consequence": consequence,
        "button": button,
        "cancel_url": cancel_url,
        "back_label": back_label,
        "items": items or [],
        "items_heading": items_heading,
        "summary": summary or [],
        "hidden": hidden or [],
        "action_url": action_url or request.get_full_path(),
    }
    return TemplateResponse(request, "admin/confirm_action.html", context)


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "yes"


def selection(request: HttpRequest, action: str, queryset: QuerySet[Any]) -> list[tuple[str, object]]:
    """The hidden fields that repeat an admin action on the same selection."""
    return [("action", action), *((helpers.ACTION_CHECKBOX_NAME, pk) for pk in queryset.values_list("pk", flat=True))]


@admin.register(Background)
class BackgroundAdmin(CoordinatorAdmin, AllowListAdmin):
    """Coordinators see only what people shared with coordinators; private rows never appear.

    Every look at these pages is written to the audit log (who, when, which filter or row).
    """

    list_display = ["user", "attribute", "shown_value", "visibility"]
    # Never by attribute or value: identity is not an eligibility filter (IdentityGuardAdmin).
    list_filter = ["visibility"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Background]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(visibility=Background.Visibility.PRIVATE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people edit their own background; nobody else may

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            query = {key: value for key, value in request.GET.items() if key != "p"}
            AuditEvent.record(
                actor=request.user, action=AuditEvent.Action.VIEWED_SENSITIVE, target="background list", query=query
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            AuditEvent.record(
                actor=request.user,
                action=AuditEvent.Action.VIEWED_SENSITIVE,
                target=f"background #{object_id}"[:200],
            )
        return response

    @admin.display(description="Value")
    def shown_value(self, obj: Background) -> str:
        if obj.visibility == Background.Visibility.PRIVATE:
            return "(private)"
        return obj.display_value


@admin.register(AuditEvent)
class AuditEventAdmin(CoordinatorAdmin, AllowListAdmin):
    """The audit log: read-only for everyone, coordinators included, so nobody edits history."""

    list_display = ["at", "actor", "action", "target"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["target", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    fields = ("at", "actor", "action", "target", "detail_display")
    readonly_fields = fields

    @admin.display(description="Detail")
    def detail_display(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.detail, indent=2, sort_keys=True, default=str))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _mentor_summary(profile: MentorProfile) -> list[tuple[str, object]]:
    return [
        ("Mentor", f"{profile.user.get_full_name()} ({profile.user.email})"),
        ("NPI", profile.npi or "not given"),
        ("Licence", f"{profile.license_state} {profile.license_number}".strip() or "not given"),
        ("Specialty", profile.specialty or "not given"),
        ("Institution", profile.institution or "not given"),
    ]
