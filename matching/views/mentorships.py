"""The live mentorship: the list, one mentorship's page, shared goals, ending and rematching.

Objects of other people are a 404, never a hint that they exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching import services
from matching.forms import EndForm, FeedbackForm, GoalForm
from matching.models import Goal, Mentorship
from matching.views.common import _is_htmx, _user


@login_required
def mentorships(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = Mentorship.objects.for_user(user).select_related("mentee", "mentor").order_by("status", "-started_at")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "matching/mentorships.html", {"page": page})


def _mentorship(request: HttpRequest, pk: int) -> Mentorship:
    user = _user(request)
    found = Mentorship.objects.for_user(user).select_related("mentee", "mentor", "request", "circle")
    return get_object_or_404(found, pk=pk)


def _mentorship_context(request: HttpRequest, mentorship: Mentorship, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    is_participant = mentorship.involves(user)
    side = "mentee" if user.pk == mentorship.mentee_id else "mentor"
    owes_feedback = (
        is_participant
        and mentorship.status != Mentorship.Status.ACTIVE
        and not getattr(mentorship, f"{side}_feedback")
        and getattr(mentorship, f"{side}_rating") is None
    )
    # Group mentoring: a live member's page names the circle and its members (``_circle_members.html``).
    circle = mentorship.circle if mentorship.status == Mentorship.Status.ACTIVE else None
    return {
        "circle": circle,
        "members": list(circle.members()) if circle is not None else [],
        "feedback_form": FeedbackForm() if owes_feedback else None,
        "mentorship": mentorship,
        "other": mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee,
        "is_participant": is_participant,
        "is_mentee": user.pk == mentorship.mentee_id,
        "is_live": mentorship.status == Mentorship.Status.ACTIVE,
        "can_edit_goals": is_participant and mentorship.status == Mentorship.Status.ACTIVE,
        "goals": mentorship.goals.all(),
        "goal_form": GoalForm(),
        "editing": None,
        **extra,
    }


@login_required
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    context = _mentorship_context(request, mentorship, end_form=EndForm())
    if edit := request.GET.get("edit", ""):
        context["editing"] = _goal_form_for(mentorship, edit)
    return render(request, "matching/mentorship.html", context)


def _goal_form_for(mentorship: Mentorship, goal_id: str) -> GoalForm | None:
    goal = mentorship.goals.filter(pk=goal_id).first() if goal_id.isdigit() else None
    return GoalForm(instance=goal, prefix=f"goal-{goal.pk}") if goal else None


def _goals_response(request: HttpRequest, mentorship: Mentorship, **extra: Any) -> HttpResponse:
    """The goals section for HTMX, or the page again (errors) or a redirect (done) without it."""
    context = _mentorship_context(request, mentorship, **extra)
    if _is_htmx(request):
        return render(request, "matching/_goals.html", context)
    if "goal_form" in extra or "editing" in extra:
        context["end_form"] = EndForm()
        return render(request, "matching/mentorship.html", context, status=400)
    return redirect(reverse("matching:mentorship", args=[mentorship.pk]) + "#goals")


def _live_participant(request: HttpRequest, pk: int) -> Mentorship:
    mentorship = _mentorship(request, pk)
    if not mentorship.involves(_user(request)) or mentorship.status != Mentorship.Status.ACTIVE:
        # The rule itself is services.add_goal/update_goal's; a page hides such goals behind a 404.
        raise Http404("Goals change only while the mentorship is live, and only by its two people.")
    return mentorship


@require_POST
@login_required
def add_goal(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _live_participant(request, pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _goals_response(request, mentorship, goal_form=form)
    services.add_goal(mentorship=mentorship, by=_user(request), text=form.cleaned_data["text"])
    return _goals_response(request, mentorship)


@login_required
def edit_goal(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    mentorship = _live_participant(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, mentorship=mentorship)
    form = GoalForm(request.POST or None, instance=goal, prefix=f"goal-{goal.pk}")
    if request.method == "POST" and form.is_valid():
        services.update_goal(goal=goal, by=_user(request), text=form.cleaned_data["text"])
        return _goals_response(request, mentorship)
    if request.method == "GET" and not _is_htmx(request):
        return redirect(reverse("matching:mentorship", args=[pk]) + f"?edit={goal.pk}#goal-{goal.pk}")
    return _goals_response(request, mentorship, editing=form)


@require_POST
@login_required
def toggle_goal(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    mentorship = _live_participant(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, mentorship=mentorship)
    services.update_goal(goal=goal, by=_user(request), done=not goal.done)
    return _goals_response(request, mentorship)


@require_POST
@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.end_mentorship(mentorship=mentorship, by=_user(request), **form.cleaned_data)
        except services.RuleBroken as broken:
            messages.error(request, broken.message)  # e.g. already ended: the form is gone from the page
        else:
            messages.success(request, "The mentorship has ended. Thank you for your feedback.")
        return redirect("matching:mentorship", pk=pk)
    context = _mentorship_context(request, mentorship, end_form=form)
    return render(request, "matching/mentorship.html", context, status=400)


@require_POST
@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """Either side's feedback once the mentorship has ended, e.g. the mentor's after the mentee ended it."""
    mentorship = _mentorship(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.leave_feedback(mentorship=mentorship, by=_user(request), **form.cleaned_data)
        except services.RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            messages.success(request, "Thank you for your feedback.")
        return redirect("matching:mentorship", pk=pk)
    context = _mentorship_context(request, mentorship, end_form=EndForm(), feedback_form=form)
    return render(request, "matching/mentorship.html", context, status=400)


@require_POST
@login_required
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    try:
        services.request_rematch(mentorship=mentorship, by=_user(request))
    except services.RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, "A coordinator will help you find a new mentor. You can also browse the directory.")
    return redirect("matching:mentorship", pk=pk)
