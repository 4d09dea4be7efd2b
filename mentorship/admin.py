"""The admin site: the coordinators' workplace, so only coordinators get in.

Django's own site lets every active staff user in; ours also asks the one coordinator rule
(``accounts.permissions.is_coordinator``), so a staff user outside it is sent to the login page
on every admin path, the coordinator pages under ``/admin/coordinator/`` included.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is read while INSTALLED_APPS load, before models exist.
        from accounts.permissions import is_coordinator

        return super().has_permission(request) and is_coordinator(request.user)


class AdminConfig(DjangoAdminConfig):
    default_site = "mentorship.admin.AdminSite"
