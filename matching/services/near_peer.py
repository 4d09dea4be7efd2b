"""Near-peer mentoring: a medical student or resident mentoring premed students.

A mentor whose profession is a near-peer one (``MentorProfile.NEAR_PEER_PROFESSIONS``)
mentors only in programs whose ``MentoringPolicy.near_peer`` is on, and only mentees at a
premed stage (``MenteeProfile.PREMED_STAGES``). Every path to a mentorship (a request, an
acceptance, an approval, a cohort run) passes ``check_pair``, the authoritative guard.

Ranking follows the same rule, so nobody is shown a mentor they cannot have: the scorer's
hard filter (``matching.scoring.components.is_excluded``) uses the same ``is_near_peer`` and
``is_premed`` as ``check_pair``, and a program without near-peer mentoring leaves those
mentors out of its directory and its cohort runs (``matching.services.directory``,
``matching.services.cohort.chosen_mentors``).
"""

from __future__ import annotations

from accounts.models import MenteeProfile, MentorProfile, Program, User
from matching.models import MentoringPolicy
from matching.scoring.components import is_near_peer as is_near_peer_profession
from matching.scoring.components import is_premed
from matching.services.requests import RuleBroken


def is_near_peer(mentor: User) -> bool:
    profession = MentorProfile.objects.filter(user=mentor).values_list("profession", flat=True).first()
    return is_near_peer_profession(profession or "")


def offers_near_peer(program: Program) -> bool:
    """Whether ``program`` lets near-peer mentors mentor (its ``MentoringPolicy``; off by default)."""
    return MentoringPolicy.for_program(program).near_peer


def check_pair(*, mentee: User, mentor: User, program: Program) -> None:
    """Raise ``RuleBroken`` (409) when this mentor may not mentor this mentee as a near peer."""
    if not is_near_peer(mentor):
        return
    if not offers_near_peer(program):
        raise RuleBroken("near_peer_off", "This program does not offer near-peer mentoring.")
    stage = MenteeProfile.objects.filter(user=mentee).values_list("stage", flat=True).first()
    if not is_premed(stage or ""):
        raise RuleBroken("near_peer_premeds_only", "Near-peer mentors (students and residents) mentor premed students.")
