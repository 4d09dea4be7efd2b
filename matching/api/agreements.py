"""API v1: the mentoring agreement of a mentorship: read, change, confirm, and reassess at the end.

Only the mentorship's two people reach it; anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import user_of
from accounts.models import User
from matching.api.common import FORBIDDEN, NOT_FOUND, VERB_ERRORS, WorkflowViewSet
from matching.api.meetings import participant_mentorship
from matching.models import Agreement, Meeting
from matching.services import agreement as service


def _user(request: Request) -> User:
    return user_of(request)


class AgreementSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Meeting.Mode.choices)
    confirmed = serializers.BooleanField(read_only=True, help_text="Both sides have confirmed these terms.")
    goals_met = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "mentorship",
            "frequency",
            "channel",
            "goals",
            "confidentiality",
            "planned_end",
            "mentee_confirmed_at",
            "mentor_confirmed_at",
            "confirmed",
            "updated_at",
            "goals_met",
        ]
        read_only_fields = ["id", "mentorship", "mentee_confirmed_at", "mentor_confirmed_at", "updated_at"]
        extra_kwargs = {
            "frequency": {"required": False},
            "goals": {"required": False},
            "confidentiality": {"required": False},
            "planned_end": {"required": False},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].required = False

    def get_goals_met(self, agreement: Agreement) -> dict[str, Any]:
        """The reassessment at the end: {"mentee": {"goals_met", "would_recommend"}, "mentor": {...}}."""
        return {
            side: {
                "goals_met": getattr(agreement, f"{side}_goals_met") or None,
                "would_recommend": getattr(agreement, f"{side}_would_recommend"),
            }
            for side in ("mentee", "mentor")
        }


class ReassessSerializer(serializers.Serializer):
    goals_met = serializers.ChoiceField(choices=Agreement.GoalsMet.choices)
    would_recommend = serializers.BooleanField()


class AgreementViewSet(WorkflowViewSet):
    serializer_class = AgreementSerializer

    def get_queryset(self) -> Any:
        return Agreement.objects.none()

    def _agreement(self) -> Agreement:
        return service.agreement_for(participant_mentorship(self.request, self.kwargs["mentorship_pk"]))

    @extend_schema(responses={200: AgreementSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The agreement, made from the program's template when first read."""
        return Response(AgreementSerializer(self._agreement()).data)

    @extend_schema(request=AgreementSerializer, responses={200: AgreementSerializer, **VERB_ERRORS})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change terms (any of frequency, channel, goals, confidentiality, planned_end); both confirm again."""
        agreement = self._agreement()
        form = AgreementSerializer(agreement, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        terms = {k: v for k, v in form.validated_data.items() if k in service.TERMS}
        return Response(
            AgreementSerializer(service.update_agreement(agreement=agreement, by=_user(request), **terms)).data
        )

    @extend_schema(request=None, responses={200: AgreementSerializer, **VERB_ERRORS})
    def confirm(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Confirm the agreement as it stands."""
        agreement = service.confirm_agreement(agreement=self._agreement(), by=_user(request))
        return Response(AgreementSerializer(agreement).data)

    @extend_schema(request=ReassessSerializer, responses={200: AgreementSerializer, **VERB_ERRORS})
    def reassess(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Once the mentorship has ended: were the goals met, and would you recommend it?"""
        agreement = self._agreement()
        form = ReassessSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        agreement = service.reassess_agreement(agreement=agreement, by=_user(request), **form.validated_data)
        return Response(AgreementSerializer(agreement).data)
