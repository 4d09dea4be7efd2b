"""The JSON shape of the follow-up (API v1): notifications and check-ins.

Shapes only: answering a check-in is ``checkins.answer_checkin``, called from the view.
A concern raised in a check-in is shown only to its author and to coordinators.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import is_coordinator
from accounts.serializers import QueryFlagField
from accounts.validators import MAX_ID
from matching.models import CheckIn, CheckInResponse, Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "subject", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class NotificationFilterSerializer(serializers.Serializer):
    unread = QueryFlagField(required=False, help_text="true: only unread notifications.")


class CheckInResponseSerializer(serializers.ModelSerializer):
    side = serializers.SerializerMethodField()
    concern = serializers.SerializerMethodField()

    class Meta:
        model = CheckInResponse
        fields = ["id", "user", "side", "met", "rating", "progress", "concern", "answered_at"]
        read_only_fields = fields

    def get_side(self, response: CheckInResponse) -> str:
        return "mentee" if response.user_id == response.checkin.mentorship.mentee_id else "mentor"

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Only for its author and coordinators."))
    def get_concern(self, response: CheckInResponse) -> str | None:
        viewer = self.context["request"].user
        return response.concern if response.user_id == viewer.pk or is_coordinator(viewer) else None


class CheckInSerializer(serializers.ModelSerializer):
    responses = CheckInResponseSerializer(many=True, read_only=True)
    answered_by_me = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = ["id", "mentorship", "period", "due_on", "status", "closed_at", "answered_by_me", "responses"]
        read_only_fields = fields

    def get_answered_by_me(self, checkin: CheckIn) -> bool:
        viewer_pk = self.context["request"].user.pk
        return any(response.user_id == viewer_pk for response in checkin.responses.all())


class CheckInAnswerSerializer(serializers.Serializer):
    checkin = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of one of this mentorship's check-ins."
    )
    met = serializers.BooleanField(help_text="Met since the last check-in?")
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="How it is going, 1 (poorly) to 5.")
    progress = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    concern = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Alerts the coordinator."
    )
