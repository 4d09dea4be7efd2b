"""Database workflows: each spans several models and has side effects (notifications, tasks).

``requests`` holds the request and mentorship lifecycle, re-exported here so views read
``services.accept_request(...)``; ``notifications`` the outbox; ``checkins``, ``cohort``,
``directory`` (rankings for the pages and the API), ``metrics`` and ``csv_io`` the rest.
"""

from matching.services.requests import (
    RuleBroken,
    accept_request,
    add_goal,
    approve_request,
    create_request,
    decline_request,
    end_mentorship,
    expire_requests,
    leave_feedback,
    reject_request,
    remind_pending_requests,
    request_rematch,
    update_goal,
    withdraw_request,
)

__all__ = [
    "RuleBroken",
    "accept_request",
    "add_goal",
    "approve_request",
    "create_request",
    "decline_request",
    "end_mentorship",
    "expire_requests",
    "leave_feedback",
    "reject_request",
    "remind_pending_requests",
    "request_rematch",
    "update_goal",
    "withdraw_request",
]
