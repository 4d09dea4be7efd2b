"""API v1: mentorships, their goals, and ending one.

Every queryset starts from ``request.user``: another person's mentorship is a 404, never data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from matching import services
from matching.api.common import ERRORS, FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.serializers import (
    EndSerializer,
    FeedbackSerializer,
    GoalSerializer,
    MentorshipSerializer,
)
from matching.models import Goal, Mentorship
from matching.permissions import (
    IsMentorshipMentee,
    IsParticipant,
)


@extend_schema_view(
    list=extend_schema(responses={200: MentorshipSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: MentorshipSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class MentorshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkflowViewSet):
    """Mentorships: participants see their own, coordinators every one. Emails show while live."""

    serializer_class = MentorshipSerializer

    def get_queryset(self) -> QuerySet[Mentorship]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Mentorship.objects.none()
        return (
            Mentorship.objects.for_user(user_of(self.request))
            .select_related("mentee", "mentor")
            .prefetch_related("goals")
            .order_by("-started_at", "-pk")
        )

    @extend_schema(request=EndSerializer, responses={200: MentorshipSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        """End the mentorship: outcome completed or ended (early), a reason, feedback and a 1-5 rating."""
        form = EndSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ended = services.end_mentorship(mentorship=self.get_object(), by=user_of(request), **form.validated_data)
        return Response(self._fresh(ended))

    @extend_schema(request=FeedbackSerializer, responses={200: MentorshipSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsParticipant])
    def feedback(self, request: Request, pk: str) -> Response:
        """Your feedback on a mentorship that has ended, whoever ended it: once, a text and a 1-5 rating."""
        form = FeedbackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        given = services.leave_feedback(mentorship=self.get_object(), by=user_of(request), **form.validated_data)
        return Response(self._fresh(given))

    @extend_schema(request=None, responses={200: MentorshipSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsMentorshipMentee])
    def rematch(self, request: Request, pk: str) -> Response:
        """The mentee of a mentorship that ended early asks the coordinators for a new mentor."""
        mentorship = services.request_rematch(mentorship=self.get_object(), by=user_of(request))
        return Response(self._fresh(mentorship))

    @extend_schema(responses={200: GoalSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated, IsParticipant])
    def goals(self, request: Request, pk: str) -> Response:
        """The shared goals of a mentorship, open ones first."""
        goals = self.paginate_queryset(self.get_object().goals.order_by("done", "created_at", "pk"))
        return self.get_paginated_response(GoalSerializer(goals, many=True).data)

    @extend_schema(request=GoalSerializer, responses={201: GoalSerializer, **VERB_ERRORS})
    @goals.mapping.post
    def add_goal(self, request: Request, pk: str) -> Response:
        """Add a shared goal to a live mentorship."""
        mentorship = self.get_object()
        form = GoalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        goal = services.add_goal(
            mentorship=mentorship,
            by=user_of(request),
            text=form.validated_data["text"],
            done=form.validated_data.get("done", False),
        )
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GoalSerializer,
        responses={200: GoalSerializer, **VERB_ERRORS},
        parameters=[OpenApiParameter("goal_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"goals/(?P<goal_id>[^/.]+)",
        url_name="goal",
        permission_classes=[IsAuthenticated, IsParticipant],
    )
    def goal(self, request: Request, pk: str, goal_id: str) -> Response:
        """Edit a goal's text, or mark it done (or not done)."""
        mentorship = self.get_object()
        goal = get_object_or_404(Goal, mentorship=mentorship, pk=goal_id)
        form = GoalSerializer(goal, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        goal = services.update_goal(
            goal=goal,
            by=user_of(request),
            text=form.validated_data.get("text"),
            done=form.validated_data.get("done"),
        )
        return Response(GoalSerializer(goal).data)

    def _fresh(self, mentorship: Mentorship) -> dict[str, Any]:
        return MentorshipSerializer(
            self.get_queryset().get(pk=mentorship.pk), context=self.get_serializer_context()
        ).data
