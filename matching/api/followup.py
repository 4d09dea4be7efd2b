"""API v1 of the follow-up: one's own notifications, and the check-ins of a mentorship.

Every queryset starts from ``request.user``: another person's notification or
mentorship is a 404. Answering a check-in calls ``checkins.answer_checkin``; a broken
rule becomes ``{"detail", "code"}`` with 409 or 400, as everywhere in the workflow API.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import User
from matching.api.common import ERRORS, FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.followup_serializers import (
    CheckInAnswerSerializer,
    CheckInSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
)
from matching.api.serializers import MAX_ID
from matching.models import CheckIn, CheckInResponse, Mentorship, Notification
from matching.services.checkins import answer_checkin


def _user(request: Request) -> User:
    return user_of(request)


@extend_schema_view(
    list=extend_schema(
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True), 400: ERRORS[400], 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, WorkflowViewSet):
    """Your own notifications, newest first."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        notifications = Notification.objects.filter(recipient=_user(self.request))
        if self.action == "list":
            # A plain dict: from a QueryDict, DRF reads an absent boolean as false.
            filters = NotificationFilterSerializer(data=self.request.query_params.dict())
            filters.is_valid(raise_exception=True)
            if filters.validated_data.get("unread") is True:
                notifications = notifications.unread()
            elif filters.validated_data.get("unread") is False:
                notifications = notifications.filter(read_at__isnull=False)
        return notifications

    @extend_schema(request=None, responses={200: NotificationSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)


@extend_schema_view(
    list=extend_schema(
        summary="The check-ins of a mentorship, newest first, with both sides' answers",
        responses={200: CheckInSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Answer one of the mentorship's check-ins (the mentee or the mentor)",
        request=CheckInAnswerSerializer,
        responses={201: CheckInSerializer, **VERB_ERRORS},
    ),
)
class MentorshipCheckInViewSet(mixins.ListModelMixin, WorkflowViewSet):
    """Nested under a mentorship: participants and coordinators read, participants answer."""

    serializer_class = CheckInSerializer

    def mentorship(self) -> Mentorship:
        pk = self.kwargs["mentorship_pk"]
        if not 0 < pk <= MAX_ID:
            raise NotFound()
        return get_object_or_404(Mentorship.objects.for_user(_user(self.request)), pk=pk)

    def get_queryset(self) -> QuerySet[CheckIn]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return CheckIn.objects.none()
        responses = CheckInResponse.objects.select_related("checkin__mentorship")
        return self.mentorship().checkins.prefetch_related(Prefetch("responses", queryset=responses))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = self.mentorship()
        if not mentorship.involves(_user(request)):
            raise PermissionDenied("Only the mentee and the mentor answer a check-in.")
        answer = CheckInAnswerSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        data = dict(answer.validated_data)
        checkin = mentorship.checkins.filter(pk=data.pop("checkin")).first()
        if checkin is None:
            raise NotFound("This mentorship has no such check-in.")
        answer_checkin(checkin=checkin, user=_user(request), **data)
        answered = self.get_queryset().get(pk=checkin.pk)
        return Response(self.get_serializer(answered).data, status=status.HTTP_201_CREATED)
