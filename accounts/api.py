"""API v1 about people: tokens, the signed-in user and their profile, other people, the taxonomy."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox.models import AuthToken
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import user_of
from accounts.models import Specialty, User
from accounts.permissions import HasProfile, people_visible_to
from accounts.serializers import (
    OWN_PROFILE,
    ErrorSerializer,
    MenteeProfileSerializer,
    MentorProfileSerializer,
    MeSerializer,
    PersonSerializer,
    Profile,
    SpecialtyFilterSerializer,
    SpecialtySerializer,
    TokenRequestSerializer,
    TokenSerializer,
    own_profile_serializer_class,
    profile_of,
)
from accounts.services import set_background
from accounts.signin import SignInRateThrottle, is_locked, locked_message, record_success
from accounts.tokens import issue_token

BAD_CREDENTIALS = "Unable to sign in with this email address and password."
UNVERIFIED_EMAIL = "Confirm your email address first: follow the link in the email we sent you, then try again."

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not signed in, or not allowed.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or not one you may see.")


class TokenView(APIView):
    """Exchange an email address and password for an API token (``Authorization: Token <token>``).

    Each call makes a new token that expires after ``API_TOKEN_TTL_HOURS`` (``expiry``);
    the sign-in lockout of ``accounts.signin`` applies exactly as on the login page.
    """

    # No session authentication here: a token request needs no CSRF token.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            # {"detail", "code"} for wrong credentials; {"<field>": [messages]} for a missing field.
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Wrong credentials, the email is not confirmed, or a field is missing."
            ),
            429: OpenApiResponse(
                ErrorSerializer, description="Too many attempts, or the account is locked; wait and try again."
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        email = form.validated_data["email"]
        if is_locked(request._request, email):
            raise Throttled(detail=locked_message())
        # Email matching is case-insensitive (UserManager.get_by_natural_key); inactive users fail here.
        user = authenticate(request._request, username=email, password=form.validated_data["password"])
        if user is None:
            raise serializers.ValidationError({"detail": BAD_CREDENTIALS}, code="authorization")
        record_success(email)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            raise serializers.ValidationError({"detail": UNVERIFIED_EMAIL}, code="unverified_email")
        instance, token = issue_token(user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    """Revoke the API token this request is signed with (``Authorization: Token <token>``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout_create",
        request=None,
        responses={204: None, 400: OpenApiResponse(ErrorSerializer), 403: FORBIDDEN},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.auth, AuthToken):
            raise serializers.ValidationError(
                {"detail": "This request is not signed with an API token; sign out of the site instead."}
            )
        request.auth.delete()
        return Response(status=204)


class MeView(GenericAPIView[User]):
    """The signed-in user, their role in the program and their own profile."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return user_of(self.request)

    @extend_schema(operation_id="me_retrieve", responses={200: MeSerializer, 403: FORBIDDEN}, tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


class MyProfileView(GenericAPIView[Any]):
    """The signed-in mentee's or mentor's own profile, background attributes included."""

    permission_classes = [IsAuthenticated, HasProfile]
    # Background entries are nested objects: JSON only.
    parser_classes = [JSONParser]

    def get_serializer_class(self) -> type[MenteeProfileSerializer | MentorProfileSerializer]:
        # The class depends on the role; the handlers pick it from the profile they load.
        if getattr(self, "swagger_fake_view", False):
            return MenteeProfileSerializer
        return own_profile_serializer_class(self.get_object())

    def get_object(self) -> Profile:
        profile = profile_of(user_of(self.request))
        if profile is None:
            raise Http404("You have no profile yet.")
        return profile

    @extend_schema(
        operation_id="me_profile_retrieve", responses={200: OWN_PROFILE, 403: FORBIDDEN, 404: NOT_FOUND}, tags=["me"]
    )
    def get(self, request: Request) -> Response:
        profile = self.get_object()
        serializer_class = own_profile_serializer_class(profile)
        return Response(serializer_class(profile, context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="me_profile_partial_update",
        request=OWN_PROFILE,
        responses={200: OWN_PROFILE, 400: OpenApiResponse(description="Field errors, keyed by field."), 403: FORBIDDEN},
        description=(
            "Change any of the own profile's fields; fields left out stay as they are. Background attributes "
            "are written as `{attribute: {value, visibility} | null}`."
        ),
        tags=["me"],
    )
    def patch(self, request: Request) -> Response:
        profile = self.get_object()
        serializer_class = own_profile_serializer_class(profile)
        context = self.get_serializer_context()
        serializer = serializer_class(profile, data=request.data, partial=True, context=context)
        serializer.is_valid(raise_exception=True)
        background = serializer.validated_data.pop("background", None)
        with transaction.atomic():
            serializer.save()
            if background:
                set_background(user=user_of(request), values=background)
        fresh = self.get_object()
        return Response(serializer_class(fresh, context=context).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[SpecialtyFilterSerializer],
        responses={200: SpecialtySerializer(many=True), 404: NOT_FOUND},  # 404: a page past the last
        auth=[],
        tags=["specialties"],
    ),
    retrieve=extend_schema(responses={200: SpecialtySerializer, 404: NOT_FOUND}, auth=[], tags=["specialties"]),
)
class SpecialtyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Specialty]):
    """The specialty taxonomy: ABMS specialties and subspecialties, with related fields and families."""

    serializer_class = SpecialtySerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Specialty]:
        queryset = (
            Specialty.objects.select_related("board", "parent").prefetch_related("families").order_by("name", "id")
        )
        if self.action != "list":
            return queryset
        filters = SpecialtyFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        if "parent" in filters.validated_data:
            queryset = queryset.filter(parent_id=filters.validated_data["parent"])
        primary = filters.validated_data.get("primary")
        if primary is not None:
            queryset = queryset.filter(parent__isnull=primary)
        return queryset


@extend_schema_view(
    retrieve=extend_schema(responses={200: PersonSerializer, 403: FORBIDDEN, 404: NOT_FOUND}, tags=["people"]),
)
class PersonViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]):
    """Another person as the viewer may see them; 404 for people they may not see.

    Same access rule as the person page (``accounts.permissions.people_visible_to``) and
    the same background filter (``Background.objects.visible_to``).
    """

    serializer_class = PersonSerializer
    permission_classes = [IsAuthenticated]
    lookup_url_kwarg = "user_id"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[User]:
        return (
            people_visible_to(self.request.user)
            .select_related("mentee_profile", "mentor_profile")
            .prefetch_related(
                Prefetch("mentee_profile__target_specialties", queryset=Specialty.objects.order_by("id")),
                Prefetch("mentor_profile__subspecialties", queryset=Specialty.objects.order_by("id")),
            )
        )
