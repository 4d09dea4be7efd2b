"""A notification is read once its person reaches the page it points to, by any route.

Whether they opened it from the notification centre, from the e-mail, or went to the inbox on
their own, the in-app notification should not stay unread after they have seen what it was about.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from matching.services.notifications import mark_read


class NotificationsReadOnArrivalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Before the view runs, so the page's own unread badge is already right.
        if request.method == "GET" and user is not None and user.is_authenticated:
            mark_read(user=user, link=request.path)
        return self.get_response(request)
