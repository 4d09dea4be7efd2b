"""API v1: the mentor directory ranked for a mentee, and mentees suggested to a mentor."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import MenteeProfile, MentorProfile, Specialty
from matching.api.common import ERRORS, FORBIDDEN, NOT_FOUND, WorkflowViewSet, _in_order, _public_background
from matching.api.serializers import (
    DirectoryOptionsSerializer,
    MenteeSuggestionSerializer,
    MentorCardSerializer,
)
from matching.filters import MentorFilter
from matching.permissions import (
    IsMentee,
    IsMentor,
    IsVerifiedMentor,
)
from matching.services import directory as engine

SUGGESTIONS = 100  # how many mentees a mentor is offered, best first


@extend_schema_view(
    list=extend_schema(
        parameters=[DirectoryOptionsSerializer],
        responses={200: MentorCardSerializer(many=True), **ERRORS},
        description="Verified mentors for the signed-in mentee, best match first, each with the score and reasons.",
    ),
    retrieve=extend_schema(
        responses={200: MentorCardSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        description="One verified mentor with the full explanation of the score (`match` is null when a "
        "must-have preference rules the pair out).",
    ),
)
class MentorViewSet(WorkflowViewSet):
    """The mentor directory, for mentees."""

    serializer_class = MentorCardSerializer
    permission_classes = [IsAuthenticated, IsMentee]
    filter_backends = [DjangoFilterBackend]  # the query parameters of matching.filters.MentorFilter
    filterset_class = MentorFilter
    lookup_field = "user_id"
    lookup_url_kwarg = "id"

    def get_queryset(self) -> QuerySet[MentorProfile]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return MentorProfile.objects.none()
        # What a mentee may see of mentors: the verified ones (accounts.permissions.people_visible_to).
        return (
            MentorProfile.objects.verified()
            .select_related("user", "specialty")
            .prefetch_related(
                Prefetch("subspecialties", queryset=Specialty.objects.order_by("name", "id")), _public_background()
            )
            .with_active_count()
        )

    def list(self, request: Request) -> Response:
        form = DirectoryOptionsSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        options = form.validated_data
        filters = MentorFilter(request.query_params, queryset=MentorProfile.objects.verified())
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        allowed = filters.allowed_ids()
        ranking = engine.rank_mentors_for(
            user_of(request), allowed_ids=allowed, include_full=options["accepting"] != "true"
        )
        ids = ranking.ids
        if options["ordering"] == "name":
            ranked = set(ids)
            by_name = (filters.qs if allowed is not None else MentorProfile.objects.verified()).order_by(
                "user__last_name", "user__first_name", "user_id"
            )
            ids = [i for i in dict.fromkeys(by_name.values_list("user_id", flat=True)) if i in ranked]
        page: list[int] = self.paginate_queryset(ids)  # type: ignore[assignment]
        context = {**self.get_serializer_context(), "matches": ranking.explain(page)}
        cards = MentorCardSerializer(_in_order(self.get_queryset(), page), many=True, context=context)
        return self.get_paginated_response(cards.data)

    def retrieve(self, request: Request, id: str) -> Response:
        profile = self.get_object()
        matches = engine.explain_mentors(user_of(request), [profile.user_id])
        return Response(
            MentorCardSerializer(profile, context={**self.get_serializer_context(), "matches": matches}).data
        )


@extend_schema_view(
    suggested=extend_schema(
        responses={200: MenteeSuggestionSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
        description="Mentees ranked for the signed-in mentor, best match first, reasons worded for the mentor.",
    ),
)
class MenteeViewSet(WorkflowViewSet):
    """Mentees, as mentors see them: only the suggestions ranked for them."""

    serializer_class = MenteeSuggestionSerializer
    permission_classes = [IsAuthenticated, IsMentor]

    def get_queryset(self) -> QuerySet[MenteeProfile]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return MenteeProfile.objects.none()
        return (
            MenteeProfile.objects.visible()
            .select_related("user")
            .prefetch_related(
                Prefetch("target_specialties", queryset=Specialty.objects.order_by("name", "id")), _public_background()
            )
        )

    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated, IsVerifiedMentor])
    def suggested(self, request: Request) -> Response:
        suggestions = engine.suggest_mentees(user_of(request), k=SUGGESTIONS)
        page: list[tuple[int, Any]] = self.paginate_queryset(suggestions)  # type: ignore[assignment]
        ids = [mentee_id for mentee_id, _ in page]
        context = {**self.get_serializer_context(), "matches": dict(page)}
        rows = MenteeSuggestionSerializer(_in_order(self.get_queryset(), ids), many=True, context=context)
        return self.get_paginated_response(rows.data)
