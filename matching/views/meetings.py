"""Meetings pages: plan one from suggested slots, answer, move, cancel, log it; invites and the calendar feed.

Only a mentorship's two people (in a circle, its members) see its meetings: anyone else
gets a 404. Times show in the viewer's zone, with the other side's beside them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.templatetags.zones import local_time
from matching.forms import MeetingForm, MeetingLogForm, NoteForm
from matching.models import CalendarFeed, Meeting, Mentorship
from matching.services import calendar
from matching.services import meetings as service
from matching.services.requests import RuleBroken
from matching.views.common import _user, made_for_someone_else

LOGGABLE = (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NOT_HELD)


def participant_mentorship(request: HttpRequest, pk: int) -> Mentorship:
    user = _user(request)
    found = Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor", "circle")
    return get_object_or_404(found, pk=pk)


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    found = Meeting.objects.for_user(_user(request)).select_related(
        "mentorship__mentee", "mentorship__mentor", "circle__mentor", "proposed_by"
    )
    return get_object_or_404(found, pk=pk)


def _others(people: list[User], viewer: User) -> list[User]:
    return [p for p in people if p.pk != viewer.pk]


def slot_choices(mentorship: Mentorship, viewer: User) -> list[tuple[str, str]]:
    """Suggested slots as form choices: the UTC instant, labelled in the viewer's zone and the others'."""
    people = _others([mentorship.mentee, mentorship.mentor], viewer)
    choices = []
    for slot in service.suggested_slots(mentorship=mentorship):
        theirs = "; ".join(f"{p.display_name}: {local_time(slot.start, p, named=False)}" for p in people)
        choices.append((slot.start.isoformat(), f"{local_time(slot.start, viewer, named=False)} ({theirs})"))
    return choices


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a meeting: pick a suggested slot (shown in both zones) or another time."""
    mentorship = participant_mentorship(request, pk)
    user = _user(request)
    form = MeetingForm(
        request.POST or None,
        slots=slot_choices(mentorship, user),
        tz_name=user.timezone,
        initial={"mode": (mentorship.mentee.mentee_profile.meeting_modes or ["video"])[0]}
        if hasattr(mentorship.mentee, "mentee_profile")
        else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = service.propose_meeting(
                mentorship=mentorship,
                by=user,
                start=data["start"],
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                location=data["location"],
                agenda=data["agenda"],
            )
        except RuleBroken as broken:
            form.add_error(None, broken.message)
        else:
            messages.success(request, "Meeting proposed. We e-mailed an invite to both of you.")
            return redirect("matching:meeting", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
    context = {"mentorship": mentorship, "form": form, "other": other, "title": "Plan a meeting"}
    return render(request, "matching/meeting_plan.html", context, status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "matching/meeting.html", _context(request, meeting))


def _context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    from django.utils import timezone

    user = _user(request)
    mine = meeting.logs.filter(user=user).first()
    started = meeting.start <= timezone.now()
    mentorship = (
        meeting.mentorship or Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user), circle=meeting.circle).first()
    )
    return {
        "meeting": meeting,
        "mentorship": mentorship,
        "others": _others(meeting.participants(), user),
        "can_answer": meeting.status == Meeting.Status.PROPOSED and meeting.proposed_by_id != user.pk,
        "can_change": meeting.is_live and not started,
        "can_log": started
        and meeting.status in (Meeting.Status.ACCEPTED, Meeting.Status.HELD, Meeting.Status.NOT_HELD),
        "my_log": mine,
        "log_form": MeetingLogForm(
            initial={"held": "yes" if mine is None or mine.held else "no", "notes": mine.notes if mine else ""}
        ),
        "note_form": NoteForm(),
        **extra,
    }


@require_POST
@login_required
def answer(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Accept, decline or cancel; each e-mails both sides an updated invite."""
    meeting = _meeting(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    user = _user(request)
    try:
        if verb == "accept":
            service.accept_meeting(meeting=meeting, by=user)
            messages.success(request, "Meeting accepted. The invite is in your e-mail.")
        elif verb == "decline":
            service.decline_meeting(meeting=meeting, by=user, note=note)
            messages.success(request, "Meeting declined.")
        elif verb == "cancel":
            service.cancel_meeting(meeting=meeting, by=user, note=note)
            messages.success(request, "Meeting cancelled. Both of you got a cancellation for your calendars.")
        else:
            raise Http404("No such verb.")
    except RuleBroken as broken:
        messages.error(request, broken.message)
    return redirect("matching:meeting", pk=pk)


@login_required
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user = _user(request)
    context = _context(request, meeting)
    mentorship = context["mentorship"]
    form = MeetingForm(
        request.POST or None,
        slots=slot_choices(mentorship, user) if mentorship else [],
        tz_name=user.timezone,
        initial={
            "duration_minutes": meeting.duration_minutes,
            "mode": meeting.mode,
            "location": meeting.location,
            "agenda": meeting.agenda,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.reschedule_meeting(
                meeting=meeting,
                by=user,
                start=data["start"],
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                location=data["location"],
                agenda=data["agenda"],
            )
        except RuleBroken as broken:
            form.add_error(None, broken.message)
        else:
            messages.success(request, "New time proposed. Both of you got an updated invite.")
            return redirect("matching:meeting", pk=pk)
    status = 400 if request.method == "POST" else 200
    context.update(
        {"form": form, "title": "Move the meeting", "other": context["others"][0] if context["others"] else None}
    )
    return render(request, "matching/meeting_plan.html", context, status=status)


@require_POST
@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MeetingLogForm(request.POST)
    if not form.is_valid():
        return render(request, "matching/meeting.html", _context(request, meeting, log_form=form), status=400)
    try:
        service.log_meeting(meeting=meeting, by=_user(request), **form.cleaned_data)
    except RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, "Thank you: logged." if form.cleaned_data["held"] else "Logged as not held.")
    return redirect("matching:meeting", pk=pk)


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    response = HttpResponse(calendar.invite(meeting, _user(request)), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's private feed, read by calendar programs: the secret in the URL is the only key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("No such calendar feed (it may have been revoked).")
    if (refused := made_for_someone_else(request, feed.user_id)) is not None:
        return refused
    response = HttpResponse(calendar.feed(feed.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        calendar.revoke_feed(user)
        messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
        return redirect("matching:calendar")
    return render(request, "matching/calendar.html", {"url": calendar.feed_url(user)})
