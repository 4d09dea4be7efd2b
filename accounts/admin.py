from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import (
    Background,
    Board,
    Family,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
)
from accounts.services import reject_mentor, verify_mentor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "board"]
    list_filter = [("parent", admin.EmptyFieldListFilter), "families", "board"]
    search_fields = ["name", "slug", "parent__name"]
    list_select_related = ["parent", "board"]
    filter_horizontal = ["families", "related"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
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
        ("Matching", {"fields": ("weights",)}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "joined_at"]
    list_filter = ["role", "program"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "program"]
    autocomplete_fields = ["user"]


@admin.register(MenteeProfile)
class MenteeProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "stage", "school", "completeness_display", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "school"]
    list_select_related = ["user"]
    autocomplete_fields = ["target_specialties"]
    readonly_fields = ["user"]
    # Comfort preferences reveal the mentee's own background: matching only.
    exclude = ["comfort_preferences"]

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: MenteeProfile) -> str:
        return obj.user.get_full_name()

    @admin.display(description="Profile complete")
    def completeness_display(self, obj: MenteeProfile) -> str:
        return f"{obj.completeness}%"


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
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
    readonly_fields = ["user", "verified_at", "verified_by"]
    actions = ["verify_mentors", "reject_mentors"]
    fieldsets = (
        (None, {"fields": ("user", "profession", "specialty", "subspecialties", "board_certified")}),
        ("Credentials", {"fields": ("npi", "license_state", "license_number", "institution", "years_in_practice")}),
        (
            "Verification",
            {"fields": ("verification", "verified_at", "verified_by", "rejection_reason")},
        ),
        ("Mentoring", {"fields": ("capacity", "accepting", "paused_until", "topics", "kinds", "bio")}),
    )

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj: MentorProfile) -> str:
        return obj.user.get_full_name()

    @admin.action(description="Verify selected mentors", permissions=["change"])
    def verify_mentors(self, request: HttpRequest, queryset: QuerySet[MentorProfile]) -> None:
        assert isinstance(request.user, User)
        for profile in queryset:
            verify_mentor(profile=profile, by=request.user)
        self.message_user(request, f"Verified {len(queryset)} mentor(s).", messages.SUCCESS)

    @admin.action(description="Reject selected mentors", permissions=["change"])
    def reject_mentors(self, request: HttpRequest, queryset: QuerySet[MentorProfile]) -> None:
        assert isinstance(request.user, User)
        for profile in queryset:
            reject_mentor(profile=profile, by=request.user, reason="Credentials could not be verified.")
        self.message_user(request, f"Rejected {len(queryset)} mentor(s).", messages.WARNING)


@admin.register(Background)
class BackgroundAdmin(admin.ModelAdmin):
    """Coordinators see only what people shared with coordinators; private rows never appear."""

    list_display = ["user", "attribute", "shown_value", "visibility"]
    list_filter = ["attribute", "visibility"]
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

    @admin.display(description="Value")
    def shown_value(self, obj: Background) -> str:
        if obj.visibility == Background.Visibility.PRIVATE:
            return "(private)"
        return obj.display_value
