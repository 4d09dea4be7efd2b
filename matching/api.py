"""API v1 of the mentorship workflow: the directory, suggestions, requests, mentorships and goals.

Views parse input, call one service from ``matching/services.py`` and render the result:
every rule lives in the services, which raise ``RuleBroken``; ``WorkflowViewSet`` turns
that into ``{"detail", "code"}`` with 409 (a conflict with the current state) or 400.
Every queryset starts from ``request.user``: another person's request or mentorship is a
404, never data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Background, MenteeProfile, MentorProfile, Specialty, Topic, User
from matching import engine, services
from matching.models import Goal, Mentorship, MentorshipRequest
from matching.permissions import (
    IsCoordinator,
    IsMentee,
    IsMentor,
    IsMentorshipMentee,
    IsParticipant,
    IsRequestMentee,
    IsRequestMentor,
)
from matching.serializers import (
    MAX_ID,
    DeclineSerializer,
    EndSerializer,
    GoalSerializer,
    MenteeSuggestionSerializer,
    MentorCardSerializer,
    MentorFilterSerializer,
    MentorshipSerializer,
    RejectSerializer,
    RequestCreateSerializer,
    RequestFilterSerializer,
    RequestSerializer,
    RuleErrorSerializer,
)
from matching.services import RuleBroken

SUGGESTIONS = 100  # how many mentees a mentor is offered, best first

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


# --- The directory ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[MentorFilterSerializer],
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
            .annotate(
                active=Count("user__mentorships_as_mentor", filter=Q(user__mentorships_as_mentor__status="active"))
            )
        )

    def list(self, request: Request) -> Response:
        form = MentorFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        filters = form.validated_data
        narrowed = self._filtered(filters)
        allowed = None if narrowed is None else set(narrowed.values_list("user_id", flat=True))
        # engine.rank_mentors and engine.explain_mentors each read the mentee's profile; here
        # it is read once, and the page is ranked and explained from the same index.
        index = engine.directory().mentors
        mentee = engine.features_of_mentee(request.user)  # type: ignore[arg-type]
        ranked_ids, _ = index.rank_mentors(mentee, allowed_ids=allowed, include_full=filters["accepting"] != "true")
        ids: list[int] = ranked_ids.tolist()
        if filters["ordering"] == "name":
            ranked = set(ids)
            by_name = (narrowed if narrowed is not None else MentorProfile.objects.verified()).order_by(
                "user__last_name", "user__first_name", "user_id"
            )
            ids = [i for i in dict.fromkeys(by_name.values_list("user_id", flat=True)) if i in ranked]
        page: list[int] = self.paginate_queryset(ids)  # type: ignore[assignment]
        explained = ((mentor_id, index.explain(mentee, mentor_id)) for mentor_id in page if mentor_id in index)
        context = {**self.get_serializer_context(), "matches": {i: match for i, match in explained if match}}
        cards = MentorCardSerializer(_in_order(self.get_queryset(), page), many=True, context=context)
        return self.get_paginated_response(cards.data)

    def retrieve(self, request: Request, id: str) -> Response:
        profile = self.get_object()
        matches = engine.explain_mentors(request.user, [profile.user_id])  # type: ignore[arg-type]
        return Response(
            MentorCardSerializer(profile, context={**self.get_serializer_context(), "matches": matches}).data
        )

    def _filtered(self, filters: dict[str, Any]) -> QuerySet[MentorProfile] | None:
        """Verified mentors passing the database filters, or None when no filter narrows the list."""
        mentors = MentorProfile.objects.verified()
        narrowed = False
        if "specialty" in filters:
            fields = _specialty_and_related(filters["specialty"], related=filters["include_related"])
            mentors = mentors.filter(Q(specialty_id__in=fields) | Q(pk__in=_with_subspecialty(id__in=fields)))
            narrowed = True
        # Choice lists are JSON arrays of codes: '"es"' matches the code es, and no other.
        for name, column in (("language", "languages"), ("mode", "meeting_modes"), ("kind", "kinds")):
            if name in filters:
                mentors = mentors.filter(**{f"{column}__icontains": f'"{filters[name]}"'})
                narrowed = True
        for word in filters.get("q", "").split()[:5]:
            mentors = mentors.filter(_search(word))
            narrowed = True
        return mentors if narrowed else None


def _specialty_and_related(specialty_id: int, *, related: bool) -> set[int]:
    fields = {specialty_id}
    if related:
        fields |= set(Specialty.objects.filter(parent_id=specialty_id).values_list("id", flat=True))
        fields |= set(Specialty.objects.filter(related__in=fields).values_list("id", flat=True))
    return fields


def _with_subspecialty(**specialty_filter: Any) -> QuerySet[Any]:
    """Mentor profile ids with a subspecialty matching the filter (a subquery, so no duplicate rows)."""
    lookups = {f"specialty__{name}": value for name, value in specialty_filter.items()}
    return MentorProfile.subspecialties.through.objects.filter(**lookups).values("mentorprofile_id")


def _search(word: str) -> Q:
    found = (
        Q(user__first_name__icontains=word)
        | Q(user__last_name__icontains=word)
        | Q(institution__icontains=word)
        | Q(specialty__name__icontains=word)
        | Q(pk__in=_with_subspecialty(name__icontains=word))
    )
    lowered = word.lower()
    for code, label in Topic.choices:
        if lowered in code or lowered in label.lower():
            found |= Q(topics__icontains=f'"{code}"')
    return found


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
            MenteeProfile.objects.filter(user__is_active=True)
            .select_related("user")
            .prefetch_related(
                Prefetch("target_specialties", queryset=Specialty.objects.order_by("name", "id")), _public_background()
            )
        )

    @action(detail=False, methods=["get"])
    def suggested(self, request: Request) -> Response:
        suggestions = engine.suggest_mentees(request.user, k=SUGGESTIONS)  # type: ignore[arg-type]
        page: list[tuple[int, Any]] = self.paginate_queryset(suggestions)  # type: ignore[assignment]
        ids = [mentee_id for mentee_id, _ in page]
        context = {**self.get_serializer_context(), "matches": dict(page)}
        rows = MenteeSuggestionSerializer(_in_order(self.get_queryset(), ids), many=True, context=context)
        return self.get_paginated_response(rows.data)


# --- Requests ------------------------------------------------------------------------------------


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
            MentorshipRequest.objects.for_user(self.request.user)  # type: ignore[arg-type]
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
        mentee: User = request.user  # type: ignore[assignment]
        mentor = User.objects.filter(pk=data.pop("mentor")).first()
        if mentor is None:
            raise RuleBroken("not_a_mentor", "This person is not a verified mentor.", conflict=False)
        created = services.create_request(mentee=mentee, mentor=mentor, score=engine.score_of(mentee, mentor), **data)
        return Response(self._fresh(created), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentor])
    def accept(self, request: Request, pk: str) -> Response:
        """The mentor accepts: `accepted` when the program requires approval, otherwise `matched`."""
        accepted = services.accept_request(request=self.get_object(), by=request.user)  # type: ignore[arg-type]
        return Response(self._fresh(accepted))

    @extend_schema(request=DeclineSerializer, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentor])
    def decline(self, request: Request, pk: str) -> Response:
        """The mentor declines, with a reason and an optional note."""
        answer = self._form(DeclineSerializer)
        declined = services.decline_request(request=self.get_object(), by=request.user, **answer)  # type: ignore[arg-type]
        return Response(self._fresh(declined))

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRequestMentee])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The mentee takes the request back."""
        withdrawn = services.withdraw_request(request=self.get_object(), by=request.user)  # type: ignore[arg-type]
        return Response(self._fresh(withdrawn))

    @extend_schema(request=None, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsCoordinator])
    def approve(self, request: Request, pk: str) -> Response:
        """A coordinator approves an accepted request: `matched`, and the mentorship exists."""
        approved = services.approve_request(request=self.get_object(), by=request.user)  # type: ignore[arg-type]
        return Response(self._fresh(approved))

    @extend_schema(request=RejectSerializer, responses={200: RequestSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsCoordinator])
    def reject(self, request: Request, pk: str) -> Response:
        """A coordinator rejects an accepted request, with an optional note."""
        answer = self._form(RejectSerializer)
        rejected = services.reject_request(request=self.get_object(), by=request.user, **answer)  # type: ignore[arg-type]
        return Response(self._fresh(rejected))

    def _form(self, serializer_class: type[Any]) -> dict[str, Any]:
        form = serializer_class(data=self.request.data)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def _fresh(self, request: MentorshipRequest) -> dict[str, Any]:
        # Re-read with the view's joins: a verb may have created the mentorship.
        fresh = MentorshipRequest.objects.select_related("mentee", "mentor", "mentorship").get(pk=request.pk)
        return RequestSerializer(fresh, context=self.get_serializer_context()).data


# --- Mentorships and goals ------------------------------------------------------------------------------


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
            Mentorship.objects.for_user(self.request.user)  # type: ignore[arg-type]
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
        ended = services.end_mentorship(mentorship=self.get_object(), by=request.user, **form.validated_data)  # type: ignore[arg-type]
        return Response(self._fresh(ended))

    @extend_schema(request=None, responses={200: MentorshipSerializer, **VERB_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsMentorshipMentee])
    def rematch(self, request: Request, pk: str) -> Response:
        """The mentee of a mentorship that ended early asks the coordinators for a new mentor."""
        mentorship = services.request_rematch(mentorship=self.get_object(), by=request.user)  # type: ignore[arg-type]
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
            by=request.user,  # type: ignore[arg-type]
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
            by=request.user,  # type: ignore[arg-type]
            text=form.validated_data.get("text"),
            done=form.validated_data.get("done"),
        )
        return Response(GoalSerializer(goal).data)

    def _fresh(self, mentorship: Mentorship) -> dict[str, Any]:
        return MentorshipSerializer(
            self.get_queryset().get(pk=mentorship.pk), context=self.get_serializer_context()
        ).data
