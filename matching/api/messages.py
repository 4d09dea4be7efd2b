"""API v1: the conversation of a mentorship (or of an open request), reporting and blocking.

Participants read and write; a coordinator reads a conversation only once something in
it was reported (each read audited); anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import User
from matching.api.common import FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.meetings import participant_mentorship
from matching.api.serializers import MAX_ID
from matching.models import Conversation, Mentorship, MentorshipRequest, Message, Report
from matching.services import messages as service


def _user(request: Request) -> User:
    return user_of(request)


class MessageSerializer(serializers.ModelSerializer):
    sender_name = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "conversation", "sender", "sender_name", "body", "created_at"]
        read_only_fields = fields

    def get_sender_name(self, message: Message) -> str:
        return message.sender.display_name if message.sender else ""


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class ReportReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "conversation", "message", "reported_user", "reason", "created_at"]
        read_only_fields = fields


class BlockResultSerializer(serializers.Serializer):
    blocked = serializers.IntegerField(help_text="The user id of the person blocked.")
    mentorship_status = serializers.CharField(help_text="The mentorship's status now: ended.")


def _readable(request: Request, thing: Mentorship | MentorshipRequest) -> Conversation:
    conversation = service.conversation_of(thing)
    if not service.may_read(conversation, _user(request)):
        raise NotFound()
    return conversation


def _mentorship_for_messages(request: Request, pk: Any) -> Mentorship:
    """Participants' mentorships, and, for coordinators, any (the conversation's own rule decides then)."""
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        raise NotFound()
    user = _user(request)
    found = (
        Mentorship.objects.all() if user.is_coordinator else Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
    )
    return get_object_or_404(found.select_related("mentee", "mentor"), pk=pk)


def _request_for_messages(request: Request, pk: Any) -> MentorshipRequest:
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        raise NotFound()
    user = _user(request)
    found = MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor")
    return get_object_or_404(found, pk=pk)


@extend_schema_view(
    list=extend_schema(
        summary="The conversation, oldest message first (a coordinator's read is audited)",
        responses={200: MessageSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Write a message; the others are e-mailed at most once an hour",
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **VERB_ERRORS},
    ),
)
class ConversationViewSet(mixins.ListModelMixin, WorkflowViewSet):
    """Nested under a mentorship (``mentorship_pk``) or a request (``request_pk``)."""

    serializer_class = MessageSerializer

    def _thing(self) -> Mentorship | MentorshipRequest:
        if "request_pk" in self.kwargs:
            return _request_for_messages(self.request, self.kwargs["request_pk"])
        return _mentorship_for_messages(self.request, self.kwargs["mentorship_pk"])

    def get_queryset(self) -> QuerySet[Message]:
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return Message.objects.none()  # list() below reads through the service

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        conversation = _readable(request, self._thing())
        found = service.read_conversation(conversation=conversation, by=_user(request))
        page = self.paginate_queryset(found)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        conversation = service.conversation_of(self._thing())
        if not conversation.involves(_user(request)):
            raise NotFound()
        form = MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        message = service.post_message(conversation=conversation, by=_user(request), body=form.validated_data["body"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(responses={200: MessageSerializer, 403: FORBIDDEN, 404: NOT_FOUND}))
class MessageViewSet(mixins.RetrieveModelMixin, WorkflowViewSet):
    """One message of a conversation you are in; report it."""

    serializer_class = MessageSerializer

    def get_queryset(self) -> QuerySet[Message]:
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        user = _user(self.request)
        mine = (
            Q(conversation__mentorship__mentee=user)
            | Q(conversation__mentorship__mentor=user)
            | Q(conversation__request__mentee=user)
            | Q(conversation__request__mentor=user)
            | Q(conversation__circle__mentor=user)
            | Q(conversation__circle__mentorships__mentee=user, conversation__circle__mentorships__status="active")
        )
        return Message.objects.filter(mine).distinct().select_related("sender", "conversation")

    @extend_schema(request=ReportReasonSerializer, responses={201: ReportSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        """Report a message with a reason; coordinators are alerted at once."""
        message = self.get_object()
        form = ReportReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        made = service.report(
            conversation=message.conversation, by=_user(request), message=message, reason=form.validated_data["reason"]
        )
        return Response(ReportSerializer(made).data, status=status.HTTP_201_CREATED)


class MentorshipSafetyViewSet(WorkflowViewSet):
    """Report the other person of a mentorship, or block them (which ends the mentorship)."""

    serializer_class = ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        return Report.objects.none()

    @extend_schema(
        summary="Report the other person, with a reason; coordinators are alerted at once",
        request=ReportReasonSerializer,
        responses={201: ReportSerializer, **VERB_ERRORS},
    )
    def report(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = participant_mentorship(request, self.kwargs["mentorship_pk"])
        form = ReportReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _user(request)
        other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
        made = service.report(
            conversation=service.conversation_of(mentorship),
            by=user,
            person=other,
            reason=form.validated_data["reason"],
        )
        return Response(ReportSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Block the other person: contact ends, and so does the mentorship (reason: blocked)",
        request=ReportReasonSerializer,
        responses={200: BlockResultSerializer, **VERB_ERRORS},
    )
    def block(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = participant_mentorship(request, self.kwargs["mentorship_pk"])
        form = ReportReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _user(request)
        other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
        service.block(by=user, other=other, reason=form.validated_data["reason"])
        mentorship.refresh_from_db(fields=["status"])
        return Response({"blocked": other.pk, "mentorship_status": mentorship.status})
