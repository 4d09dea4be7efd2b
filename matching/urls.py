from django.urls import URLPattern, URLResolver, path

from matching import followup_views, views

app_name = "matching"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mentors/", views.directory, name="directory"),
    path("mentors/unhide/", views.unhide_all, name="unhide_all"),
    path("mentors/<int:user_id>/", views.mentor_detail, name="mentor"),
    path("mentors/<int:user_id>/favourite/", views.favourite, name="favourite"),
    path("mentors/<int:user_id>/hide/", views.hide, name="hide"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/<int:pk>/accept/", views.accept, name="accept"),
    path("requests/<int:pk>/decline/", views.decline, name="decline"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/availability/", views.availability, name="availability"),
    path("mentorships/", views.mentorships, name="mentorships"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("mentorships/<int:pk>/goals/<int:goal_id>/edit/", views.edit_goal, name="edit_goal"),
    path("mentorships/<int:pk>/goals/<int:goal_id>/done/", views.toggle_goal, name="toggle_goal"),
    path("mentorships/<int:pk>/end/", views.end, name="end"),
    path("mentorships/<int:pk>/rematch/", views.rematch, name="rematch"),
    path("checkins/<int:pk>/", followup_views.checkin_in_app, name="checkin"),
    path("checkins/answer/<str:token>/", followup_views.checkin_answer, name="checkin_answer"),
    path("notifications/", followup_views.notification_centre, name="notifications"),
    path("notifications/read-all/", followup_views.notifications_read_all, name="notifications_read_all"),
    path("notifications/preferences/", followup_views.notification_preferences, name="notification_preferences"),
    path("notifications/<int:pk>/read/", followup_views.notification_read, name="notification_read"),
    path("unsubscribe/<str:token>/", followup_views.unsubscribe, name="unsubscribe"),
]
