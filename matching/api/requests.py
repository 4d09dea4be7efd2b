"""API v1: mentorship requests and their verbs (accept, decline, withdraw, approve, reject).

Every queryset starts from ``request.user``: another person's request is a 404, never data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import User
from matching import services
from matching.api.common import ERRORS, FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.serializers import (
    DeclineSerializer,
    RejectSerializer,
    RequestCreateSerializer,
    RequestFilterSerializer,
    RequestSerializer,
)
from matching.models import MentorshipRequest
from matching.permissions import (
    IsCoordinator,
    IsMentee,
    IsRequestMentee,
    IsRequestMentor,
)
from matching.services import directory as engine
from matching.services.requests import RuleBroken


@extend_schema_view(
    list=extend_schema(parameters=[RequestFilterSerializer], responses={200: RequestSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: RequestSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Requests: a mentee's sent ones, a mentor's received ones, every one for coordinators."""

    serializer_class = RequestSerializer

    def get_queryset(self) -> QuerySet[MentorshipRequest]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return MentorshipRequest.objects.none()
        requests = (
            MentorshipRequest.objects.for_user(user_of(self.request))
            .select_related("mentee", "mentor", "mentorship")
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            form = RequestFilterSerializer(data=self.request.query_params)
            form.is_valid(raise_exception=True)
            if "status" in form.validated_data:
                requests = requests.filter(status=form.validated_data["status"])
        return requests

    def get_permissions(self) -> Sequence[Any]:
        if self.action == "create":
            return [IsAuthenticated(), IsMentee()]
        return super().get_permissions()

    @extend_schema(
        request=RequestCreateSerializer,
        responses={201: RequestSerializer, **VERB_ERRORS},
        description="Send a request to a mentor. 409 when the mentor is full or not accepting, for a duplicate, "
        "or past the program's limit of open requests.",
    )
    def create(self, request: Request) -> Response:
        form = RequestCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        mentee: User = user_of(request)
        mentor = User.objects.filter(pk=data.pop("mentor")).first()
        if mentor is None:
            raise RuleBroken("not_a_mentor", "This person is not a verified mentor.", conflict=False)
        created = services.create_request(mentee=mentee, mentor=mentor, score=engine.score_of(mentee, mentor), **data)
        return Response(self._fresh(created), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentor])
    def accept(self, request: Request, pk: str) -> Response:
        """The mentor accepts: `accepted` when the program requires approval, otherwise `matched`."""
        accepted = services.accept_request(request=self.get_object(), by=user_of(request))
        return Response(self._fresh(accepted))

    @extend_schema(request=DeclineSerializer, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentor])
    def decline(self, request: Request, pk: str) -> Response:
        """The mentor declines, with a reason and an optional note."""
        answer = self._form(DeclineSerializer)
        declined = services.decline_request(request=self.get_object(), by=user_of(request), **answer)
        return Response(self._fresh(declined))

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentee])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The mentee takes the request back."""
        withdrawn = services.withdraw_request(request=self.get_object(), by=user_of(request))
        return Response(self._fresh(withdrawn))

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsCoordinator])
    def approve(self, request: Request, pk: str) -> Response:
        """A coordinator approves an accepted request: `matched`, and the mentorship exists."""
        approved = services.approve_request(request=self.get_object(), by=user_of(request))
        return Response(self._fresh(approved))

    @extend_schema(request=RejectSerializer, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsCoordinator])
    def reject(self, request: Request, pk: str) -> Response:
        """A coordinator rejects an accepted request, with an optional note."""
        answer = self._form(RejectSerializer)
        rejected = services.reject_request(request=self.get_object(), by=user_of(request), **answer)
        return Response(self._fresh(rejected))

    def _form(self, serializer_class: type[Any]) -> dict[str, Any]:
        form = serializer_class(data=self.request.data)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def _fresh(self, request: MentorshipRequest) -> dict[str, Any]:
        # Re-read with the view's joins: a verb may have created the mentorship.
        fresh = MentorshipRequest.objects.select_related("mentee", "mentor", "mentorship").get(pk=request.pk)
        return RequestSerializer(fresh, context=self.get_serializer_context()).data
