from django.contrib import admin
from django.urls import URLPattern, URLResolver, path

from matching.views import coordinator, directory, followup, mentorships, requests

app_name = "matching"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mentors/", directory.directory, name="directory"),
    path("mentors/unhide/", directory.unhide_all, name="unhide_all"),
    path("mentors/<int:user_id>/", directory.mentor_detail, name="mentor"),
    path("mentors/<int:user_id>/favourite/", directory.favourite, name="favourite"),
    path("mentors/<int:user_id>/hide/", directory.hide, name="hide"),
    path("requests/", requests.my_requests, name="requests"),
    path("requests/<int:pk>/withdraw/", requests.withdraw, name="withdraw"),
    path("requests/<int:pk>/accept/", requests.accept, name="accept"),
    path("requests/<int:pk>/decline/", requests.decline, name="decline"),
    path("inbox/", requests.inbox, name="inbox"),
    path("inbox/availability/", requests.availability, name="availability"),
    path("mentorships/", mentorships.mentorships, name="mentorships"),
    path("mentorships/<int:pk>/", mentorships.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/goals/", mentorships.add_goal, name="add_goal"),
    path("mentorships/<int:pk>/goals/<int:goal_id>/edit/", mentorships.edit_goal, name="edit_goal"),
    path("mentorships/<int:pk>/goals/<int:goal_id>/done/", mentorships.toggle_goal, name="toggle_goal"),
    path("mentorships/<int:pk>/end/", mentorships.end, name="end"),
    path("mentorships/<int:pk>/rematch/", mentorships.rematch, name="rematch"),
    path("checkins/<int:pk>/", followup.checkin_in_app, name="checkin"),
    path("checkins/answer/<str:token>/", followup.checkin_answer, name="checkin_answer"),
    path("notifications/", followup.notification_centre, name="notifications"),
    path("notifications/read-all/", followup.notifications_read_all, name="notifications_read_all"),
    path("notifications/preferences/", followup.notification_preferences, name="notification_preferences"),
    path("notifications/<int:pk>/read/", followup.notification_read, name="notification_read"),
    path("unsubscribe/<str:token>/", followup.unsubscribe, name="unsubscribe"),
]

# The coordinator's pages, mounted at ``admin/coordinator/`` (before ``admin/``) in mentorship/urls.py.
# Each view goes through ``admin.site.admin_view``: the admin's login, staff check and
# never-cache headers apply exactly as on any admin page.
coordinator_urlpatterns: list[URLPattern | URLResolver] = [
    path("", admin.site.admin_view(coordinator.home), name="home"),
    path("dashboard/", admin.site.admin_view(coordinator.dashboard), name="dashboard"),
    path("equity/", admin.site.admin_view(coordinator.equity), name="equity"),
    path("export/matches.csv", admin.site.admin_view(coordinator.export_matches), name="export_matches"),
    path("export/participants.csv", admin.site.admin_view(coordinator.export_participants), name="export_participants"),
    path("import/", admin.site.admin_view(coordinator.import_participants), name="import"),
]
