"""Group mentoring: a mentor gathers some of their mentees in a circle sharing one conversation and meetings.

Each mentee keeps their own mentorship with the mentor (``Mentorship.circle`` points to
the circle), so the circle counts against the mentor's capacity one mentee at a time;
a program offers circles only when its ``MentoringPolicy.group_mentoring`` is on, and
caps their size at ``group_max_mentees``.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Program, User
from matching.models import Circle, MentoringPolicy, Mentorship
from matching.services.requests import _require


@transaction.atomic
def create_circle(*, mentor: User, name: str, program: Program | None = None) -> Circle:
    """A new, empty circle led by ``mentor`` in ``program`` (the default one unless named).

    Raises ``RuleBroken``: ``no_group_mentoring`` (409) where the program does not offer circles;
    ``not_a_mentor``, ``name_required`` (400).
    """
    program = program or Program.objects.default()
    _require(MentoringPolicy.for_program(program).group_mentoring, "no_group_mentoring",
             "This program does not offer group mentoring.")  # fmt: skip
    _require(hasattr(mentor, "mentor_profile"), "not_a_mentor", "Only a mentor leads a circle.", conflict=False)
    _require(bool(name.strip()), "name_required", "Name the circle.", conflict=False)
    return Circle.objects.create(program=program, mentor=mentor, name=name.strip()[:120])


@transaction.atomic
def add_to_circle(*, circle: Circle, mentorship: Mentorship, by: User) -> Mentorship:
    """Bring a live mentorship of the circle's mentor into the circle (the mentor or a coordinator).

    Raises ``RuleBroken``: ``not_your_circle``, ``other_mentor`` (400); ``mentorship_not_active``,
    ``in_a_circle``, ``no_group_mentoring`` (the program no longer offers it), ``circle_full`` (409).
    """
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    _require(by.pk == circle.mentor_id or by.is_coordinator, "not_your_circle",
             "Only the circle's mentor or a coordinator adds mentees.", conflict=False)  # fmt: skip
    _require(mentorship.mentor_id == circle.mentor_id, "other_mentor", "The mentee is not this mentor's mentee.",
             conflict=False)  # fmt: skip
    _require(mentorship.status == Mentorship.Status.ACTIVE, "mentorship_not_active", "The mentorship has ended.")
    _require(mentorship.circle_id is None, "in_a_circle", "This mentee is in a circle already.")
    policy = MentoringPolicy.for_program(circle.program)
    # A program that stops offering group mentoring keeps its circles as they are, but they grow no more.
    _require(policy.group_mentoring, "no_group_mentoring", "This program does not offer group mentoring.")
    size = circle.mentorships.filter(status=Mentorship.Status.ACTIVE).count()
    _require(size < policy.group_max_mentees, "circle_full",
             f"A circle has at most {policy.group_max_mentees} mentees in this program.")  # fmt: skip
    mentorship.circle = circle
    mentorship.save(update_fields=["circle"])
    return mentorship
