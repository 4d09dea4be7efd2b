"""API v1: meetings of a mentorship, suggested slots, the meeting verbs, invites and the calendar feed.

Only a mentorship's two people reach its meetings: anyone else, coordinators included,
gets a 404. Times are ISO 8601 instants; a start must carry its UTC offset.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import user_of
from accounts.models import User
from matching.api.common import FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.serializers import MAX_ID
from matching.models import Meeting, MeetingLog, Mentorship
from matching.services import calendar
from matching.services import meetings as service
from matching.services.requests import RuleBroken


def _user(request: Request) -> User:
    return user_of(request)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that must say its UTC offset ("2026-03-10T18:00:00-04:00" or "...Z")."""

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        text = str(value)
        if not (text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]):
            self.fail("invalid", format="ISO 8601 with a UTC offset, e.g. 2026-03-10T18:00:00-04:00")
        return parsed


class MeetingLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingLog
        fields = ["held", "notes", "logged_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    end = serializers.DateTimeField(read_only=True)
    my_log = serializers.SerializerMethodField(help_text="Your own log of the meeting; the other side's is private.")
    held_by = serializers.SerializerMethodField(help_text="User ids of the people who logged it as held.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "mentorship",
            "circle",
            "status",
            "start",
            "end",
            "duration_minutes",
            "mode",
            "location",
            "agenda",
            "proposed_by",
            "uid",
            "sequence",
            "created_at",
            "updated_at",
            "my_log",
            "held_by",
        ]
        read_only_fields = fields

    def _viewer(self) -> User | None:
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(MeetingLogSerializer(allow_null=True))
    def get_my_log(self, meeting: Meeting) -> dict[str, Any] | None:
        viewer = self._viewer()
        mine = next((log for log in meeting.logs.all() if viewer and log.user_id == viewer.pk), None)
        return MeetingLogSerializer(mine).data if mine else None

    def get_held_by(self, meeting: Meeting) -> list[int]:
        return [log.user_id for log in meeting.logs.all() if log.held]


class MeetingCreateSerializer(serializers.Serializer):
    start = OffsetDateTimeField(help_text="ISO 8601 with offset.")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=30)
    mode = serializers.ChoiceField(choices=Meeting.Mode.choices, default=Meeting.Mode.VIDEO)
    location = serializers.CharField(max_length=500, allow_blank=True, default="", help_text="A link or a place.")
    agenda = serializers.CharField(max_length=2000, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    start = OffsetDateTimeField(help_text="ISO 8601 with offset.")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    mode = serializers.ChoiceField(choices=Meeting.Mode.choices, required=False)
    location = serializers.CharField(max_length=500, allow_blank=True, required=False)
    agenda = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class LogSerializer(serializers.Serializer):
    held = serializers.BooleanField(help_text='true: "we met"; false: "it did not happen".')
    notes = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="",
                                  help_text="Private: only you read them.")  # fmt: skip


class MeetingSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class CalendarUrlSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Your private feed: anyone with the URL reads your meetings.")


def participant_mentorship(request: Request, pk: Any) -> Mentorship:
    """A mentorship of which the signed-in user is the mentee or the mentor; 404 for anyone else."""
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        raise NotFound()
    user = _user(request)
    found = Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor", "program")
    return get_object_or_404(found, pk=pk)


def _meetings(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.select_related(
        "mentorship__mentee", "mentorship__mentor", "circle__mentor", "proposed_by"
    ).prefetch_related("logs")


@extend_schema_view(
    list=extend_schema(
        summary="The meetings of a mentorship (its circle's in group mentoring), soonest first",
        responses={200: MeetingSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Propose a meeting; every participant is e-mailed an invite",
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, **VERB_ERRORS},
    ),
)
class MentorshipMeetingViewSet(mixins.ListModelMixin, WorkflowViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Meeting.objects.none()
        mentorship = participant_mentorship(self.request, self.kwargs["mentorship_pk"])
        return _meetings(service.meetings_of(mentorship)).order_by("start", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = participant_mentorship(request, self.kwargs["mentorship_pk"])
        form = MeetingCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        meeting = service.propose_meeting(mentorship=mentorship, by=_user(request), **form.validated_data)
        fresh = _meetings(Meeting.objects.filter(pk=meeting.pk)).get()
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Suggested times over the next 14 days in both people's weekly availability",
        description="A plain JSON array (not paginated): at most a few slots.",
        filters=False,
        responses={200: MeetingSlotSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND, 409: VERB_ERRORS[409]},
    )
    def slots(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = participant_mentorship(request, self.kwargs["mentorship_pk"])
        if mentorship.status != Mentorship.Status.ACTIVE:
            raise RuleBroken("mentorship_not_active", "Meetings are planned while the mentorship is live.")
        found = service.suggested_slots(mentorship=mentorship)
        return Response(MeetingSlotSerializer([{"start": s.start, "end": s.end} for s in found], many=True).data)


class CalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # Only errors come through here (the invite itself is returned as is).
        return data.encode() if isinstance(data, str) else json.dumps(data).encode()


@extend_schema_view(
    retrieve=extend_schema(responses={200: MeetingSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class MeetingViewSet(mixins.RetrieveModelMixin, WorkflowViewSet):
    """One meeting and its verbs; participants only."""

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return _meetings(Meeting.objects.for_user(_user(self.request)))

    def _answer(self, meeting: Meeting) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    def _verb(self, request: Request, form_class: type[serializers.Serializer[Any]], verb: Any) -> Response:
        """Load the meeting first (a stranger's is a 404 whatever the body), validate, call the service."""
        meeting = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        verb(meeting=meeting, by=_user(request), **form.validated_data)
        return self._answer(meeting)

    @extend_schema(request=None, responses={200: MeetingSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The other side accepts a proposed time."""
        return self._answer(service.accept_meeting(meeting=self.get_object(), by=_user(request)))

    @extend_schema(request=NoteSerializer, responses={200: MeetingSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """The other side declines a proposed time, optionally saying why."""
        return self._verb(request, NoteSerializer, service.decline_meeting)

    @extend_schema(request=NoteSerializer, responses={200: MeetingSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Either side calls a proposed or accepted meeting off (invites go out with METHOD:CANCEL)."""
        return self._verb(request, NoteSerializer, service.cancel_meeting)

    @extend_schema(request=RescheduleSerializer, responses={200: MeetingSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """A new time: the meeting is proposed again, with the same UID and a higher SEQUENCE."""
        return self._verb(request, RescheduleSerializer, service.reschedule_meeting)

    @extend_schema(request=LogSerializer, responses={200: MeetingSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def log(self, request: Request, pk: str) -> Response:
        """Say whether the meeting happened, with optional private notes."""
        return self._verb(request, LogSerializer, service.log_meeting)

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="An RFC 5545 VCALENDAR."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CalendarRenderer])
    def ics(self, request: Request, pk: str) -> HttpResponse:
        """The meeting as an iCalendar invite, in your time zone (METHOD:CANCEL once it is off)."""
        meeting = self.get_object()
        response = HttpResponse(calendar.invite(meeting, _user(request)), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class MyCalendarView(APIView):
    """Your private calendar feed: subscribe to its URL in Google Calendar, Outlook or Apple Calendar."""

    def get_permissions(self) -> list[Any]:
        from rest_framework.permissions import IsAuthenticated

        return [IsAuthenticated()]

    @extend_schema(responses={200: CalendarUrlSerializer, 403: FORBIDDEN})
    def get(self, request: Request) -> Response:
        return Response({"url": calendar.feed_url(_user(request))})

    @extend_schema(
        summary="Revoke the feed's secret: the old URL stops working; the answer is the new one",
        request=None,
        responses={200: CalendarUrlSerializer, 403: FORBIDDEN},
    )
    def delete(self, request: Request) -> Response:
        return Response({"url": calendar.revoke_feed(_user(request))})
