"""The admin of the live mentorship: each program's mentoring policy, meetings, circles, agreements, reports.

Messages and meeting notes are not here on purpose: a coordinator reads a conversation
only from a report's page (``coordinator:report``), where each read is audited, and a
meeting's notes belong to their author alone.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import AllowListAdmin
from matching.models import Agreement, Circle, Meeting, MentoringPolicy, Report


@admin.register(MentoringPolicy)
class MentoringPolicyAdmin(AllowListAdmin):
    list_display = ["program", "inactivity_days", "no_meeting_weeks", "group_mentoring", "near_peer"]
    fieldsets = [
        (None, {"fields": ["program"]}),
        ("Agreement template", {"fields": ["frequency", "channel", "goals", "confidentiality", "planned_weeks"]}),
        ("Follow-through", {"fields": ["inactivity_days", "inactivity_step_days", "no_meeting_weeks"]}),
        ("Formats", {"fields": ["group_mentoring", "group_max_mentees", "near_peer"]}),
    ]


class ReadOnlyAdmin(AllowListAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "start", "duration_minutes", "mode", "status", "mentorship", "circle"]
    list_filter = ["status", "mode"]
    date_hierarchy = "start"
    fields = ["mentorship", "circle", "proposed_by", "start", "duration_minutes", "mode", "status", "sequence"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["mentorship", "planned_end", "mentee_confirmed_at", "mentor_confirmed_at"]
    exclude = ["updated_by"]


@admin.register(Circle)
class CircleAdmin(AllowListAdmin):
    list_display = ["name", "mentor", "program", "created_at"]
    raw_id_fields = ["mentor"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "reporter", "reported_user", "resolved_at", "open_link"]
    list_filter = ["resolved_at"]
    fields = ["reporter", "reported_user", "reason", "created_at", "resolved_at", "resolved_by"]

    @admin.display(description="Conversation")
    def open_link(self, report: Report) -> str:
        return format_html('<a href="{}">Open (audited)</a>', reverse("coordinator:report", args=[report.pk]))
