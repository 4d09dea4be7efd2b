"""Template tags of the live mentorship: the meetings and agreement sections of a mentorship page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from matching.forms import AgreementForm, ReasonForm, ReassessForm
from matching.models import ConversationMember, Meeting, Mentorship
from matching.services import agreement as agreements
from matching.services import meetings as service
from matching.services.messages import conversation_of

register = template.Library()


@register.inclusion_tag("matching/_meetings.html", takes_context=True)
def meetings_section(context: template.Context, mentorship: Mentorship) -> dict[str, Any]:
    viewer = context["request"].user
    now = timezone.now()
    meetings = list(service.meetings_of(mentorship).select_related("proposed_by").prefetch_related("logs"))
    upcoming = [m for m in meetings if m.is_live and m.end >= now]
    logged = {m.pk for m in meetings for log in m.logs.all() if log.user_id == viewer.pk}
    to_log = [m for m in meetings if m.start <= now and m.status == Meeting.Status.ACCEPTED and m.pk not in logged]
    past = [m for m in meetings if m not in upcoming and m not in to_log][-5:]
    conversation = conversation_of(mentorship)
    member = ConversationMember.objects.filter(conversation=conversation, user=viewer).first()
    unread = conversation.messages.exclude(sender=viewer)
    if member and member.read_at:
        unread = unread.filter(created_at__gt=member.read_at)
    is_participant = mentorship.involves(viewer)
    return {
        "mentorship": mentorship,
        "user": viewer,
        "upcoming": upcoming,
        "to_log": to_log,
        "past": past[::-1],
        "held": sum(1 for m in meetings if m.status == Meeting.Status.HELD),
        "is_participant": is_participant,
        "is_live": mentorship.status == Mentorship.Status.ACTIVE,
        "unread": unread.count() if is_participant else 0,
        "message_count": conversation.messages.count(),
        "other": mentorship.mentor if viewer.pk == mentorship.mentee_id else mentorship.mentee,
        "report_form": ReasonForm(),
    }


@register.inclusion_tag("matching/_agreement.html", takes_context=True)
def agreement_section(context: template.Context, mentorship: Mentorship) -> dict[str, Any]:
    viewer = context["request"].user
    agreement = agreements.agreement_for(mentorship)
    is_mentee = viewer.pk == mentorship.mentee_id
    side = "mentee" if is_mentee else "mentor"
    form = AgreementForm(
        initial={name: getattr(agreement, name) for name in agreements.TERMS}, auto_id="id_agreement_%s"
    )
    return {
        "mentorship": mentorship,
        "agreement": agreement,
        "is_participant": mentorship.involves(viewer),
        "is_live": mentorship.status == Mentorship.Status.ACTIVE,
        "i_confirmed": agreement.confirmed_by(viewer),
        "form": form,
        "reassess_form": ReassessForm(auto_id="id_reassess_%s"),
        "my_goals_met": getattr(agreement, f"{side}_goals_met"),
        "channel_label": dict(Meeting.Mode.choices).get(agreement.channel, agreement.channel),
    }
