from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from matching import urls as matching_urls
from matching.api import agreements as agreements_api
from matching.api import circles as circles_api
from matching.api import directory as directory_api
from matching.api import followup as followup_api
from matching.api import meetings as meetings_api
from matching.api import mentorships as mentorships_api
from matching.api import messages as messages_api
from matching.api import requests as requests_api
from mentorship import converters  # noqa: F401  (registers <id:...>)
from mentorship.health import healthz

router = DefaultRouter()
router.register("specialties", accounts_api.SpecialtyViewSet, basename="specialty")
router.register("people", accounts_api.PersonViewSet, basename="person")
router.register("mentors", directory_api.MentorViewSet, basename="mentor")
router.register("mentees", directory_api.MenteeViewSet, basename="mentee")
router.register("requests", requests_api.RequestViewSet, basename="request")
router.register("mentorships", mentorships_api.MentorshipViewSet, basename="mentorship")
router.register("notifications", followup_api.NotificationViewSet, basename="notification")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")
router.register("messages", messages_api.MessageViewSet, basename="message")
router.register("circles", circles_api.CircleViewSet, basename="circle")

# The live mentorship (issue 16): nested under a mentorship, before the router's own routes.
live_mentorship_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "mentorships/<id:mentorship_pk>/meetings/",
        meetings_api.MentorshipMeetingViewSet.as_view({"get": "list", "post": "create"}),
        name="mentorship-meetings",
    ),
    path(
        "mentorships/<id:mentorship_pk>/meetings/slots/",
        # A plain list of a few slots, never paginated (and so documented).
        meetings_api.MentorshipMeetingViewSet.as_view({"get": "slots"}, pagination_class=None),
        name="mentorship-meeting-slots",
    ),
    path(
        "mentorships/<id:mentorship_pk>/messages/",
        messages_api.ConversationViewSet.as_view({"get": "list", "post": "create"}),
        name="mentorship-messages",
    ),
    path(
        "requests/<id:request_pk>/messages/",
        messages_api.ConversationViewSet.as_view({"get": "list", "post": "create"}),
        name="request-messages",
    ),
    path(
        "mentorships/<id:mentorship_pk>/report/",
        messages_api.MentorshipSafetyViewSet.as_view({"post": "report"}),
        name="mentorship-report",
    ),
    path(
        "mentorships/<id:mentorship_pk>/block/",
        messages_api.MentorshipSafetyViewSet.as_view({"post": "block"}),
        name="mentorship-block",
    ),
    path(
        "mentorships/<id:mentorship_pk>/agreement/",
        agreements_api.AgreementViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="mentorship-agreement",
    ),
    path(
        "mentorships/<id:mentorship_pk>/agreement/confirm/",
        agreements_api.AgreementViewSet.as_view({"post": "confirm"}),
        name="mentorship-agreement-confirm",
    ),
    path(
        "mentorships/<id:mentorship_pk>/agreement/reassess/",
        agreements_api.AgreementViewSet.as_view({"post": "reassess"}),
        name="mentorship-agreement-reassess",
    ),
    path("me/calendar/", meetings_api.MyCalendarView.as_view(), name="me-calendar"),
]

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="auth-logout"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("me/profile/", accounts_api.MyProfileView.as_view(), name="me-profile"),
    path(
        "mentorships/<id:mentorship_pk>/check-ins/",
        followup_api.MentorshipCheckInViewSet.as_view({"get": "list", "post": "create"}),
        name="mentorship-checkins",
    ),
    *live_mentorship_urlpatterns,
    path("", include(router.urls)),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("matching.urls")),
    path("admin/coordinator/", include((matching_urls.coordinator_urlpatterns, "coordinator"))),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"))),
]

# API clients get JSON for addresses that match no route (e.g. a non-numeric id), not an HTML page.
handler404 = "mentorship.health.not_found"
