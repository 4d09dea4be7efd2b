from django.urls import path

from accounts import views
from mentorship import converters  # noqa: F401  (registers <id:...>)

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("people/<id:user_id>/", views.person, name="person"),
]
