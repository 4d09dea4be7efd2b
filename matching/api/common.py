"""What every API v1 view of the workflow shares: rule errors as 409/400, pagination, documented errors.

Every rule lives in the services, which raise ``RuleBroken``; ``WorkflowViewSet`` turns
that into ``{"detail", "code"}`` with 409 (a conflict with the current state) or 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Background
from matching.api.serializers import (
    MAX_ID,
    RuleErrorSerializer,
)
from matching.services.requests import RuleBroken

FORBIDDEN = OpenApiResponse(RuleErrorSerializer, description="Not signed in, or not allowed for this role.")


NOT_FOUND = OpenApiResponse(RuleErrorSerializer, description="No such record, or not one you may see.")


CONFLICT = OpenApiResponse(
    RuleErrorSerializer, description="A program rule or the current state forbids it; `code` names the rule."
)


BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Field errors keyed by field, or `{detail, code}` naming a broken rule (e.g. task_details).",
)


ERRORS = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND}


VERB_ERRORS = {**ERRORS, 409: CONFLICT}


class RuleError(APIException):
    """A ``RuleBroken`` from a service as an HTTP error: 409 for a conflict, otherwise 400."""

    def __init__(self, rule: RuleBroken) -> None:
        self.status_code = status.HTTP_409_CONFLICT if rule.conflict else status.HTTP_400_BAD_REQUEST
        super().__init__({"detail": rule.message, "code": rule.code}, code=rule.code)


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class WorkflowViewSet(viewsets.GenericViewSet[Any]):
    """Errors as ``{"detail", "code"}``: the service's rule code, or DRF's (``not_found``, ...)."""

    pagination_class = Pages
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def get_object(self) -> Any:
        # Ids are positive integers: anything else, or one past any row, is no row (and
        # never an integer overflow in the database driver).
        for name in (self.lookup_url_kwarg or self.lookup_field, "goal_id"):
            value = self.kwargs.get(name)
            if value is not None and not (value.isdecimal() and value.isascii() and 0 < int(value) <= MAX_ID):
                raise NotFound()
        return super().get_object()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RuleBroken):
            exc = RuleError(exc)
        response = super().handle_exception(exc)
        data = response.data
        if isinstance(data, dict) and "detail" in data and "code" not in data:
            data["code"] = getattr(data["detail"], "code", None) or "error"
        return response


def _public_background() -> Prefetch:
    # Other people's background attributes show only when their owner shares them with everyone.
    return Prefetch(
        "user__background",
        queryset=Background.objects.filter(visibility=Background.Visibility.EVERYONE),
        to_attr="public_background",
    )


def _in_order(rows: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The rows of a page of user ids, in the page's order (rows gone since ranking are skipped)."""
    by_id = {row.user_id: row for row in rows.filter(user_id__in=ids)}
    return [by_id[user_id] for user_id in ids if user_id in by_id]
