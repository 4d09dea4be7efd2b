"""Near-peer mentoring: a medical student or resident mentoring premed students.

A mentor whose profession is a near-peer one (``MentorProfile.NEAR_PEER_PROFESSIONS``)
mentors only in programs whose ``MentoringPolicy.near_peer`` is on, and only mentees at a
premed stage (``MenteeProfile.PREMED_STAGES``). Every path to a mentorship (a request, an
acceptance, an approval, a cohort run) passes ``check_pair``.
"""

from __future__ import annotations

from accounts.models import MenteeProfile, MentorProfile, Program, User
from matching.models import MentoringPolicy
from matching.services.requests import RuleBroken


def is_near_peer(mentor: User) -> bool:
    profession = MentorProfile.objects.filter(user=mentor).values_list("profession", flat=True).first()
    return profession in MentorProfile.NEAR_PEER_PROFESSIONS


def check_pair(*, mentee: User, mentor: User, program: Program) -> None:
    """Raise ``RuleBroken`` (409) when this mentor may not mentor this mentee as a near peer."""
    if not is_near_peer(mentor):
        return
    if not MentoringPolicy.for_program(program).near_peer:
        raise RuleBroken("near_peer_off", "This program does not offer near-peer mentoring.")
    stage = MenteeProfile.objects.filter(user=mentee).values_list("stage", flat=True).first()
    if stage not in MenteeProfile.PREMED_STAGES:
        raise RuleBroken("near_peer_premeds_only", "Near-peer mentors (students and residents) mentor premed students.")
