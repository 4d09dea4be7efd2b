from django.contrib import admin
from django.urls import URLPattern, URLResolver, path

from matching.views import circles, coordinator, directory, followup, meetings, mentorships, messages, requests
from mentorship import converters  # noqa: F401  (registers <id:...>)

app_name = "matching"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mentors/", directory.directory, name="directory"),
    path("mentors/unhide/", directory.unhide_all, name="unhide_all"),
    path("mentors/<id:user_id>/", directory.mentor_detail, name="mentor"),
    path("mentors/<id:user_id>/favourite/", directory.favourite, name="favourite"),
    path("mentors/<id:user_id>/hide/", directory.hide, name="hide"),
    path("requests/", requests.my_requests, name="requests"),
    path("requests/<id:pk>/withdraw/", requests.withdraw, name="withdraw"),
    path("requests/<id:pk>/accept/", requests.accept, name="accept"),
    path("requests/<id:pk>/decline/", requests.decline, name="decline"),
    path("inbox/", requests.inbox, name="inbox"),
    path("inbox/availability/", requests.availability, name="availability"),
    path("mentorships/", mentorships.mentorships, name="mentorships"),
    path("mentorships/<id:pk>/", mentorships.mentorship_detail, name="mentorship"),
    path("mentorships/<id:pk>/goals/", mentorships.add_goal, name="add_goal"),
    path("mentorships/<id:pk>/goals/<id:goal_id>/edit/", mentorships.edit_goal, name="edit_goal"),
    path("mentorships/<id:pk>/goals/<id:goal_id>/done/", mentorships.toggle_goal, name="toggle_goal"),
    path("mentorships/<id:pk>/end/", mentorships.end, name="end"),
    path("mentorships/<id:pk>/rematch/", mentorships.rematch, name="rematch"),
    path("mentorships/<id:pk>/feedback/", mentorships.feedback, name="feedback"),
    path("circles/", circles.circles, name="circles"),
    path("circles/<id:pk>/", circles.circle_detail, name="circle"),
    path("checkins/<id:pk>/", followup.checkin_in_app, name="checkin"),
    path("checkins/answer/<str:token>/", followup.checkin_answer, name="checkin_answer"),
    path("notifications/", followup.notification_centre, name="notifications"),
    path("notifications/read-all/", followup.notifications_read_all, name="notifications_read_all"),
    path("notifications/preferences/", followup.notification_preferences, name="notification_preferences"),
    path("notifications/<id:pk>/read/", followup.notification_read, name="notification_read"),
    path("unsubscribe/<str:token>/", followup.unsubscribe, name="unsubscribe"),
    # The live mentorship: meetings, the calendar feed, messages, reports, the agreement.
    path("mentorships/<id:pk>/meetings/new/", meetings.plan, name="plan_meeting"),
    path("meetings/<id:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<id:pk>/reschedule/", meetings.reschedule, name="reschedule_meeting"),
    path("meetings/<id:pk>/log/", meetings.log, name="log_meeting"),
    path("meetings/<id:pk>/invite.ics", meetings.meeting_ics, name="meeting_ics"),
    path("meetings/<id:pk>/<str:verb>/", meetings.answer, name="answer_meeting"),
    path("calendar/", meetings.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
    path("mentorships/<id:pk>/messages/", messages.conversation, name="messages"),
    path("requests/<id:pk>/messages/", messages.request_conversation, name="request_messages"),
    path("messages/<id:message_id>/report/", messages.report_message, name="report_message"),
    path("mentorships/<id:pk>/safety/<str:verb>/", messages.report_or_block, name="report_or_block"),
    path("mentorships/<id:pk>/agreement/", messages.agreement_change, name="agreement_change"),
    path("mentorships/<id:pk>/agreement/confirm/", messages.agreement_confirm, name="agreement_confirm"),
    path("mentorships/<id:pk>/agreement/reassess/", messages.agreement_reassess, name="agreement_reassess"),
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
    path("reports/", admin.site.admin_view(messages.coordinator_reports), name="reports"),
    path("reports/<id:pk>/", admin.site.admin_view(messages.coordinator_report), name="report"),
]
