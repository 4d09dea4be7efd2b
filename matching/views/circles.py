"""Group mentoring pages: a mentor's circles, starting one, bringing mentees in; a member's read-only view.

Who sees what is ``Circle.objects.for_user`` (the circle's mentor, its active members, coordinators);
anyone else gets a 404, never a hint that the circle exists. Only a mentor starts a circle and only
the circle's own mentor brings mentees in: the rules themselves are ``matching.services.circles``',
the same functions the API calls, and each refusal shows as a form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Membership, Program
from accounts.permissions import role_of
from matching.forms import CircleForm, CircleMemberForm
from matching.models import Circle, MentoringPolicy, Mentorship
from matching.services import circles as service
from matching.services.requests import RuleBroken
from matching.views.common import _user


def _only_mentors(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/wrong_role.html", {"needed": "mentor"}, status=403)


@login_required
def circles(request: HttpRequest) -> HttpResponse:
    """The circles a person leads or belongs to (every circle, for coordinators); a mentor starts one here."""
    user = _user(request)
    is_mentor = role_of(user) == Membership.Role.MENTOR
    offered = MentoringPolicy.for_program(Program.objects.default()).group_mentoring
    form = CircleForm() if is_mentor and offered else None
    if request.method == "POST":
        if not is_mentor:
            return _only_mentors(request)
        form = CircleForm(request.POST)  # where circles are not offered, the service says so
        if form.is_valid():
            try:
                circle = service.create_circle(mentor=user, name=form.cleaned_data["name"])
            except RuleBroken as broken:
                form.add_error(None, broken.message)
            else:
                messages.success(request, f"Your circle “{circle.name}” is ready. Bring your mentees in.")
                return redirect("matching:circle", pk=circle.pk)
    found = (
        Circle.objects.for_user(user).select_related("mentor")
        .annotate(size=Count("mentorships", filter=Q(mentorships__status=Mentorship.Status.ACTIVE)))
        .order_by("name", "pk")
    )  # fmt: skip
    context = {"circles": found, "form": form, "offered": offered, "is_mentor": is_mentor}
    return render(request, "matching/circles.html", context, status=400 if form is not None and form.errors else 200)


@login_required
def circle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One circle: its mentor and members, the shared meetings and conversation; its mentor adds mentees."""
    user = _user(request)
    circle = get_object_or_404(Circle.objects.for_user(user).select_related("mentor", "program"), pk=pk)
    leads = circle.mentor_id == user.pk
    if request.method == "POST" and not leads:
        return _only_mentors(request)
    form = CircleMemberForm(request.POST if request.method == "POST" else None, mentor=user) if leads else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            service.add_to_circle(circle=circle, mentorship=form.cleaned_data["mentorship"], by=user)
        except RuleBroken as broken:
            form.add_error("mentorship", broken.message)
        else:
            mentee = form.cleaned_data["mentorship"].mentee
            messages.success(request, f"{mentee.get_full_name() or mentee.display_name} is now in the circle.")
            return redirect("matching:circle", pk=circle.pk)
    members = list(circle.members())
    policy = MentoringPolicy.for_program(circle.program)
    context = {
        "circle": circle,
        "members": members,
        "leads": leads,
        # The conversation and meetings are reached through a member's mentorship: the viewer's own.
        "mine": next((m for m in members if user.pk in (m.mentee_id, m.mentor_id)), None),
        "form": form,
        "offered": policy.group_mentoring,
        "max_mentees": policy.group_max_mentees,
        "full": len(members) >= policy.group_max_mentees,
    }
    return render(request, "matching/circle.html", context, status=400 if form is not None and form.errors else 200)
