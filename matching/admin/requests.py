"""The coordinator's admin for requests and mentorships.

Statuses move only through ``matching/services.py``: the admin shows them read-only and
offers the same verbs as actions, so coordinators cannot step around the state machine.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.admin import AllowListAdmin, confirm_page, confirmed, selection
from accounts.http import user_of
from accounts.permissions import CoordinatorAdmin
from matching import services
from matching.models import Goal, Mentorship, MentorshipRequest, Transition

TRANSITION_FIELDS = ("at", "from_status", "to_status", "by", "note")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestTransitionInline(ReadOnlyInline):
    model = Transition
    fk_name = "request"
    fields = readonly_fields = TRANSITION_FIELDS


class MentorshipTransitionInline(ReadOnlyInline):
    model = Transition
    fk_name = "mentorship"
    fields = readonly_fields = TRANSITION_FIELDS


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = readonly_fields = ("text", "done", "created_by", "created_at", "completed_at")


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(CoordinatorAdmin, AllowListAdmin):
    # No score: the one stored is the mentee's own reading, which counts their "only me" answers.
    list_display = ["id", "mentee", "mentor", "kind", "status", "created_at", "expires_at"]
    list_display_links = ["id"]
    list_filter = ["status", "kind", "program"]
    search_fields = [
        "mentee__email",
        "mentee__first_name",
        "mentee__last_name",
        "mentor__email",
        "mentor__first_name",
        "mentor__last_name",
    ]
    list_select_related = ["mentee", "mentor"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected"]
    inlines = [RequestTransitionInline]
    fieldsets = (
        (None, {"fields": ("program", "mentee", "mentor", "status")}),
        ("Request", {"fields": ("kind", "task", "due_date", "message", "goals")}),
        ("Answer", {"fields": ("decline_reason", "response_note")}),
        ("Dates", {"fields": ("created_at", "responded_at", "decided_at", "expires_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Every field: a status changes only through the actions, which call the services.
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # mentees send requests; coordinators match through the cohort tools

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history of who asked whom must stay

    @admin.action(description="Approve selected requests", permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[MentorshipRequest]) -> TemplateResponse | None:
        if not confirmed(request):
            chosen = list(queryset.select_related("mentee", "mentor").order_by("created_at"))
            waiting = [item for item in chosen if item.status == MentorshipRequest.Status.ACCEPTED]
            return confirm_page(
                request, self.admin_site, title=f"Approve {len(chosen)} request{'s' if len(chosen) != 1 else ''}?",
                intro="Approving turns each accepted request into a live mentorship.", items_heading="Requests",
                items=[f"{item.mentee.get_full_name()} with {item.mentor.get_full_name()} "
                       f"({item.get_status_display().lower()})" for item in chosen],
                summary=[("Selected", len(chosen)), ("Accepted, ready to approve", len(waiting)),
                         ("Other states (will be refused)", len(chosen) - len(waiting)),
                         ("E-mails sent", 2 * len(waiting))],
                consequence=f"{len(waiting)} mentorship{'s' if len(waiting) != 1 else ''} start at once; both "
                "sides of each get an introduction by e-mail.",
                button="Yes, approve and start them", hidden=selection(request, "approve_selected", queryset),
                cancel_url=reverse("admin:matching_mentorshiprequest_changelist"), back_label="Mentorship requests",
            )  # fmt: skip
        self._apply(
            request, queryset, "approved", lambda item: services.approve_request(request=item, by=user_of(request))
        )
        return None

    @admin.action(description="Reject selected requests", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[MentorshipRequest]) -> None:
        self._apply(
            request, queryset, "rejected", lambda item: services.reject_request(request=item, by=user_of(request))
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet[MentorshipRequest], done: str, verb: Any) -> None:
        """Run the service once per request; one broken rule never stops the others."""
        succeeded = 0
        for item in queryset.select_related("mentee", "mentor").order_by("created_at"):
            try:
                verb(item)
            except services.RuleBroken as broken:
                self.message_user(request, f"{item}: {broken.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            noun = "request" if succeeded == 1 else "requests"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)


@admin.register(Mentorship)
class MentorshipAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["id", "mentee", "mentor", "kind", "status", "at_risk", "started_at", "ended_at"]
    list_filter = ["status", "at_risk", "kind", "program", "rematch_requested"]
    search_fields = [
        "mentee__email",
        "mentee__first_name",
        "mentee__last_name",
        "mentor__email",
        "mentor__first_name",
        "mentor__last_name",
    ]
    list_select_related = ["mentee", "mentor"]
    date_hierarchy = "started_at"
    inlines = [GoalInline, MentorshipTransitionInline]
    fieldsets = (
        (None, {"fields": ("program", "mentee", "mentor", "request", "status", "at_risk")}),
        ("Kind", {"fields": ("kind", "task", "due_date")}),
        (
            "Ending",
            {
                "fields": (
                    "started_at",
                    "ended_at",
                    "ended_by",
                    "end_reason",
                    "mentee_rating",
                    "mentee_feedback",
                    "mentor_rating",
                    "mentor_feedback",
                    "rematch_requested",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Only the at-risk flag is the coordinator's to set or clear by hand.
        return [f.name for f in self.model._meta.fields if f.name != "at_risk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a mentorship starts only by approving or accepting a request

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transition)
class TransitionAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["at", "request", "mentorship", "from_status", "to_status", "by", "note"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["request", "mentorship", "by"]
    search_fields = ["by__email", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
