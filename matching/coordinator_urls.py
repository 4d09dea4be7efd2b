"""The coordinator's pages, mounted at ``admin/coordinator/`` (before ``admin/``) in mentorship/urls.py.

Each view goes through ``admin.site.admin_view``: the admin's login, staff check and
never-cache headers apply exactly as on any admin page.
"""

from django.contrib import admin
from django.urls import path

from matching import coordinator_views as views

app_name = "coordinator"

urlpatterns = [
    path("", admin.site.admin_view(views.home), name="home"),
    path("dashboard/", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("equity/", admin.site.admin_view(views.equity), name="equity"),
    path("export/matches.csv", admin.site.admin_view(views.export_matches), name="export_matches"),
    path("export/participants.csv", admin.site.admin_view(views.export_participants), name="export_participants"),
    path("import/", admin.site.admin_view(views.import_participants), name="import"),
]
