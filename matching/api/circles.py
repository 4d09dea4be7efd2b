"""API v1: group mentoring circles. A mentor leads a circle of some of their mentees; its members
share one conversation and its meetings (through each member's own mentorship endpoints).

Only the circle's mentor and its members see it (404 for anyone else); only its mentor adds members.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import User
from matching.api.common import FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.serializers import MAX_ID
from matching.models import Circle, Mentorship
from matching.services import circles as service


def _user(request: Request) -> User:
    return user_of(request)


class CircleSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField(help_text="The active mentorships in the circle (ids).")

    class Meta:
        model = Circle
        fields = ["id", "name", "mentor", "program", "created_at", "members"]
        read_only_fields = ["id", "mentor", "program", "created_at", "members"]

    def get_members(self, circle: Circle) -> list[int]:
        return [m.pk for m in circle.mentorships.all() if m.status == Mentorship.Status.ACTIVE]


class MemberSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="One of your live mentorships.")


@extend_schema_view(
    list=extend_schema(responses={200: CircleSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: CircleSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
    create=extend_schema(
        summary="A mentor starts a circle (where the program offers group mentoring)",
        request=CircleSerializer,
        responses={201: CircleSerializer, **VERB_ERRORS},
    ),
)
class CircleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, WorkflowViewSet):
    serializer_class = CircleSerializer

    def get_queryset(self) -> QuerySet[Circle]:
        if getattr(self, "swagger_fake_view", False):
            return Circle.objects.none()
        return Circle.objects.involving(_user(self.request)).prefetch_related("mentorships").order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = CircleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        circle = service.create_circle(mentor=_user(request), name=form.validated_data["name"])
        return Response(CircleSerializer(circle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberSerializer, responses={200: CircleSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        """The mentor brings one of their live mentorships into the circle (at most the program's circle size)."""
        circle = self.get_object()
        form = MemberSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _user(request)
        mentorship = get_object_or_404(Mentorship.objects.filter(mentor=user), pk=form.validated_data["mentorship"])
        service.add_to_circle(circle=circle, mentorship=mentorship, by=user)
        return Response(CircleSerializer(self.get_queryset().get(pk=circle.pk)).data)
