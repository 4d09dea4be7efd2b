"""Requests: what a mentee sent, a mentor's inbox, accept and decline, the mentor's availability.

A broken program rule comes back as ``RuleBroken``; its message is shown to the person
as it is. Objects of other people are a 404, never a hint that they exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import (
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
)
from accounts.models import User as UserModel
from matching import scoring, services
from matching.forms import AvailabilityForm, DeclineForm
from matching.models import Mentorship, MentorshipRequest
from matching.services import directory as engine
from matching.views.common import _is_htmx, _user, role_required


@role_required(Membership.Role.MENTEE)
def my_requests(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sent = (
        MentorshipRequest.objects.filter(mentee=user)
        .select_related("mentor", "mentor__mentor_profile__specialty", "mentorship")
        .annotate(
            open_first=Case(
                When(status__in=MentorshipRequest.OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-created_at")
    )
    context = {"sent": sent, "expiry_days": Program.objects.default().request_expiry_days}
    return render(request, "matching/my_requests.html", context)


@require_POST
@role_required(Membership.Role.MENTEE)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    sent = get_object_or_404(MentorshipRequest, pk=pk, mentee=_user(request))
    error = ""
    try:
        sent = services.withdraw_request(request=sent, by=_user(request))
    except services.RuleBroken as broken:
        error = broken.message
    if _is_htmx(request):
        sent.refresh_from_db()
        context = {"sent": sent, "error": error, "announce": True}
        return render(request, "matching/_request_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"You withdrew your request to {sent.mentor.get_full_name()}.")
    return redirect("matching:requests")


@dataclass
class Received:
    request: MentorshipRequest
    match: scoring.Match | None


def _mentee_profiles() -> QuerySet[MenteeProfile]:
    return MenteeProfile.objects.select_related("user").prefetch_related("target_specialties")


@role_required(Membership.Role.MENTOR)
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = get_object_or_404(MentorProfile, user=user)
    received = (
        MentorshipRequest.objects.filter(mentor=user)
        .select_related("mentee", "mentee__mentee_profile", "mentorship")
        .prefetch_related("mentee__mentee_profile__target_specialties")
        .annotate(
            order=Case(
                When(status=MentorshipRequest.Status.PENDING, then=Value(0)),
                When(status=MentorshipRequest.Status.ACCEPTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("order", "-created_at")[:100]
    )
    explain = _mentor_explainer(user) if profile.is_verified else None
    suggested: list[tuple[MenteeProfile, scoring.Match]] = []
    if profile.is_verified:
        # Mentees who already asked, or are already matched, are in the list above: suggest others.
        known = set(MentorshipRequest.objects.open().filter(mentor=user).values_list("mentee_id", flat=True))
        known |= set(Mentorship.objects.active().filter(mentor=user).values_list("mentee_id", flat=True))
        ranked = [pair for pair in engine.suggest_mentees(user, k=5 + len(known)) if pair[0] not in known][:5]
        mentees = _mentee_profiles().in_bulk([mentee_id for mentee_id, _ in ranked], field_name="user_id")
        suggested = [(mentees[mentee_id], match) for mentee_id, match in ranked if mentee_id in mentees]
    context = {
        "profile": profile,
        "received": [Received(item, explain(item.mentee_id) if explain else None) for item in received],
        "suggested": suggested,
        "availability_form": AvailabilityForm(instance=profile),
        "decline_form": DeclineForm(),
    }
    return render(request, "matching/inbox.html", context)


def _mentor_explainer(mentor: UserModel) -> Callable[[int], scoring.Match | None]:
    """Scores of mentees for this mentor, with reasons worded for the mentor."""
    found = engine.directory(engine.program_of(mentor, Membership.Role.MENTOR))
    features = engine.features_of_mentor(mentor, viewer="owner", off=found.off)
    return lambda mentee_id: found.mentees.explain(features, mentee_id) if mentee_id in found.mentees else None


def _received(request: HttpRequest, pk: int) -> MentorshipRequest:
    return get_object_or_404(MentorshipRequest, pk=pk, mentor=_user(request))


@require_POST
@role_required(Membership.Role.MENTOR)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        answered = services.accept_request(request=_received(request, pk), by=_user(request))
    except services.RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        name = answered.mentee.get_full_name()
        if answered.status == MentorshipRequest.Status.MATCHED:
            messages.success(request, f"You are now mentoring {name}.")
            return redirect("matching:mentorship", pk=answered.mentorship.pk)
        messages.success(request, f"You accepted {name}. A coordinator approves the match next.")
    return redirect("matching:inbox")


@require_POST
@role_required(Membership.Role.MENTOR)
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    received = _received(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a reason for declining.")
        return redirect("matching:inbox")
    try:
        services.decline_request(request=received, by=_user(request), **form.cleaned_data)
    except services.RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, f"You declined {received.mentee.get_full_name()}'s request.")
    return redirect("matching:inbox")


@require_POST
@role_required(Membership.Role.MENTOR)
def availability(request: HttpRequest) -> HttpResponse:
    profile = get_object_or_404(MentorProfile, user=_user(request))
    form = AvailabilityForm(request.POST, instance=profile)
    if form.is_valid():
        saved = form.save()
        if saved.is_accepting():
            messages.success(request, "You are accepting new requests.")
        elif saved.paused_until:
            messages.success(request, f"You are paused until {saved.paused_until:%-d %B %Y}.")
        else:
            messages.success(request, "You are not accepting new requests.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("matching:inbox")
