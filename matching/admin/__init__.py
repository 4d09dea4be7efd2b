"""The Django admin of the workflow: requests and mentorships, and cohort runs."""

from matching.admin import cohort, live, requests  # noqa: F401  (each registers its admin classes)
