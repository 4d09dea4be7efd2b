"""Conversation pages: a mentorship's (or an open request's) messages, reporting, blocking; the agreement's verbs.

Participants only (404 for anyone else). Coordinators read a reported conversation
from their own report page, where each read is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching.forms import AgreementForm, MessageForm, ReasonForm, ReassessForm
from matching.models import Mentorship, MentorshipRequest, Message
from matching.services import agreement as agreements
from matching.services import messages as service
from matching.services.requests import RuleBroken
from matching.views.common import _next_or, _user
from matching.views.meetings import participant_mentorship


def _page(
    request: HttpRequest, thing: object, *, back: str, title: str, form: MessageForm | None = None
) -> HttpResponse:
    conversation = service.conversation_of(thing)  # type: ignore[arg-type]
    user = _user(request)
    if request.method == "POST" and form is None:
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                service.post_message(conversation=conversation, by=user, body=form.cleaned_data["body"])
            except RuleBroken as broken:
                form.add_error("body", broken.message)
            else:
                return redirect(request.path + "#latest")
    found = service.read_conversation(conversation=conversation, by=user)
    context = {
        "conversation": conversation,
        "found": found,
        "form": form or MessageForm(),
        "report_form": ReasonForm(),
        "back": back,
        "back_label": "Your mentorship" if isinstance(thing, Mentorship) else "Your requests",
        "title": title,
        "thing": thing,
        "others": [p for p in conversation.participants() if p.pk != user.pk],
        "open": service._open_for_messages(conversation),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/conversation.html", context, status=status)


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = participant_mentorship(request, pk)
    other = mentorship.mentor if _user(request).pk == mentorship.mentee_id else mentorship.mentee
    title = f"{mentorship.circle.name}: messages" if mentorship.circle_id else f"Messages with {other.display_name}"  # type: ignore[union-attr]
    return _page(request, mentorship, back=reverse("matching:mentorship", args=[pk]), title=title)


@login_required
def request_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related("mentee", "mentor")
    mentorship_request = get_object_or_404(found, pk=pk)
    other = mentorship_request.mentor if user.pk == mentorship_request.mentee_id else mentorship_request.mentee
    back = reverse("matching:requests" if user.pk == mentorship_request.mentee_id else "matching:inbox")
    return _page(request, mentorship_request, back=back, title=f"Messages with {other.display_name} about the request")


@require_POST
@login_required
def report_message(request: HttpRequest, message_id: int) -> HttpResponse:
    user = _user(request)
    message = get_object_or_404(Message.objects.select_related("conversation"), pk=message_id)
    if not message.conversation.involves(user):
        raise Http404("No such message.")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service.report(conversation=message.conversation, by=user, message=message,
                           reason=form.cleaned_data["reason"])  # fmt: skip
        except RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            messages.success(request, "Thank you. A coordinator has been alerted and will look at it.")
    else:
        messages.error(request, "Say what is wrong with the message.")
    return redirect(_next_or(request, reverse("matching:mentorships")))


@require_POST
@login_required
def report_or_block(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in ("report", "block"):
        raise Http404("No such safety action.")
    mentorship = participant_mentorship(request, pk)
    user = _user(request)
    other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason.")
        return redirect("matching:messages", pk=pk)
    try:
        if verb == "block":
            service.block(by=user, other=other, reason=form.cleaned_data["reason"])
            messages.success(request, f"You blocked {other.display_name}. The mentorship has ended.")
        else:  # "report"
            service.report(conversation=service.conversation_of(mentorship), by=user, person=other,
                           reason=form.cleaned_data["reason"])  # fmt: skip
            messages.success(request, "Thank you. A coordinator has been alerted and will look at it.")
    except RuleBroken as broken:
        messages.error(request, broken.message)
    return redirect("matching:mentorship", pk=pk)


@require_POST
@login_required
def agreement_change(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = participant_mentorship(request, pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            agreements.update_agreement(agreement=agreements.agreement_for(mentorship), by=_user(request),
                                        **form.cleaned_data)  # fmt: skip
        except RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            messages.success(request, "Agreement changed. You both confirm it again.")
    else:
        messages.error(request, "Fill in every term of the agreement.")
    return redirect(reverse("matching:mentorship", args=[pk]) + "#agreement")


@require_POST
@login_required
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = participant_mentorship(request, pk)
    try:
        agreements.confirm_agreement(agreement=agreements.agreement_for(mentorship), by=_user(request))
    except RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, "You confirmed the agreement.")
    return redirect(reverse("matching:mentorship", args=[pk]) + "#agreement")


@require_POST
@login_required
def agreement_reassess(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = participant_mentorship(request, pk)
    form = ReassessForm(request.POST)
    if form.is_valid():
        try:
            agreements.reassess_agreement(agreement=agreements.agreement_for(mentorship), by=_user(request),
                                          **form.cleaned_data)  # fmt: skip
        except RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            messages.success(request, "Thank you for looking back on the agreement.")
    else:
        messages.error(request, "Answer both questions.")
    return redirect(reverse("matching:mentorship", args=[pk]) + "#agreement")


# --- Coordinators: reports, and reading a reported conversation (audited) -----------------------


def coordinator_reports(request: HttpRequest) -> HttpResponse:
    from matching.models import Report

    reports = Report.objects.select_related("reporter", "reported_user", "message").order_by(
        "resolved_at", "-created_at"
    )
    return render(request, "admin/coordinator/reports.html", {"reports": reports[:200], "title": "Reports"})


def coordinator_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One report and its conversation; opening it writes an audit event (who read which conversation)."""
    from django.utils import timezone

    from matching.models import Report

    found = get_object_or_404(Report.objects.select_related("conversation", "reporter", "reported_user"), pk=pk)
    user = _user(request)
    if request.method == "POST" and found.resolved_at is None:
        Report.objects.filter(pk=pk, resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=user)
        messages.success(request, "Marked as dealt with.")
        return redirect("coordinator:report", pk=pk)
    conversation_messages = service.read_conversation(conversation=found.conversation, by=user)
    context = {
        "report": found,
        "found": conversation_messages,
        "participants": found.conversation.participants(),
        "title": f"Report #{found.pk}",
    }
    return render(request, "admin/coordinator/report.html", context)
