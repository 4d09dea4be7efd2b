from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from matching import urls as matching_urls
from matching.api import directory as directory_api
from matching.api import followup as followup_api
from matching.api import mentorships as mentorships_api
from matching.api import requests as requests_api
from mentorship.health import healthz

router = DefaultRouter()
router.register("specialties", accounts_api.SpecialtyViewSet, basename="specialty")
router.register("people", accounts_api.PersonViewSet, basename="person")
router.register("mentors", directory_api.MentorViewSet, basename="mentor")
router.register("mentees", directory_api.MenteeViewSet, basename="mentee")
router.register("requests", requests_api.RequestViewSet, basename="request")
router.register("mentorships", mentorships_api.MentorshipViewSet, basename="mentorship")
router.register("notifications", followup_api.NotificationViewSet, basename="notification")

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="auth-logout"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("me/profile/", accounts_api.MyProfileView.as_view(), name="me-profile"),
    path(
        "mentorships/<int:mentorship_pk>/check-ins/",
        followup_api.MentorshipCheckInViewSet.as_view({"get": "list", "post": "create"}),
        name="mentorship-checkins",
    ),
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
