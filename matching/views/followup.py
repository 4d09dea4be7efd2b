"""Pages of the follow-up: one-click check-ins, the notification centre, email preferences, unsubscribing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.http import user_of
from accounts.models import Membership, User
from matching.models import CheckIn, EmailOptOut, Notification
from matching.services.checkins import answer_checkin, read_checkin_token
from matching.services.notifications import read_unsubscribe_token
from matching.services.requests import RuleBroken
from matching.views.common import made_for_someone_else

Kind = Notification.Kind
RATINGS = ["Poorly", "Not well", "OK", "Well", "Very well"]

# The kinds of email each role can receive, in the order the preferences page lists them.
_PARTICIPANT_KINDS = [
    Kind.MATCH_LIVE,
    Kind.MATCH_REJECTED,
    Kind.MENTORSHIP_ENDED,
    Kind.CHECKIN_DUE,
    Kind.CHECKIN_REMINDER,
    Kind.CHECKIN_MISSED,
    Kind.MEETING_PROPOSED,
    Kind.MEETING_ACCEPTED,
    Kind.MEETING_DECLINED,
    Kind.MEETING_CHANGED,
    Kind.MEETING_CANCELLED,
    Kind.MEETING_REMINDER,
    Kind.NEW_MESSAGES,
    Kind.AGREEMENT,
    Kind.INACTIVE_NUDGE,
    Kind.INACTIVE_WARNING,
]
KINDS_BY_ROLE: dict[str | None, list[str]] = {
    Membership.Role.MENTEE: [Kind.REQUEST_ACCEPTED, Kind.REQUEST_DECLINED, Kind.REQUEST_EXPIRED, *_PARTICIPANT_KINDS],
    Membership.Role.MENTOR: [
        Kind.REQUEST_CREATED,
        Kind.REQUEST_REMINDER,
        Kind.REQUEST_WITHDRAWN,
        Kind.REQUEST_EXPIRED,
        *_PARTICIPANT_KINDS,
        Kind.MENTOR_VERIFIED,
    ],
    Membership.Role.COORDINATOR: [
        Kind.APPROVAL_NEEDED,
        Kind.VERIFICATION_NEEDED,
        Kind.AT_RISK,
        Kind.REPORTED,
        Kind.INACTIVE_ALERT,
        Kind.DIGEST,
    ],
}


class CheckInForm(forms.Form):
    met = forms.TypedChoiceField(
        label="Have you met since the last check-in?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label="How is it going?",
        help_text="1 is poorly, 5 is very well.",
        choices=[(n, f"{n} — {label}") for n, label in enumerate(RATINGS, 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    progress = forms.CharField(
        label="Progress on your goals",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    concern = forms.CharField(
        label="Any concern?",
        required=False,
        max_length=2000,
        help_text="Only your coordinator sees this, and may reach out. Leave it empty if all is well.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EmailPreferencesForm(forms.Form):
    email = forms.MultipleChoiceField(
        label="Email me about",
        required=False,
        help_text="Untick a kind to stop its emails. You still see every notification here in the app.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["email"].choices = [(kind, Kind(kind).label) for kind in kinds]  # type: ignore[attr-defined]
        self.fields["email"].show_optional = False  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return user_of(request)


def _answer(request: HttpRequest, checkin: CheckIn, user: User, *, via_link: bool) -> HttpResponse:
    mentorship = checkin.mentorship
    mine = checkin.responses.filter(user=user).first()
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and mine is None and form.is_valid():
        try:
            answer = answer_checkin(checkin=checkin, user=user, **form.cleaned_data)
        except RuleBroken as broken:
            form.add_error(None, broken.message)
        else:
            context = {"checkin": checkin, "mentorship": mentorship, "answer": answer, "via_link": via_link}
            return render(request, "matching/checkin_thanks.html", context)
    other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
    context = {
        "form": form,
        "checkin": checkin,
        "mentorship": mentorship,
        "other": other,
        "mine": mine,
        "person": user,
        "via_link": via_link,
    }
    return render(request, "matching/checkin_answer.html", context, status=400 if form.errors else 200)


def checkin_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link from a check-in email: the signed token is the authorisation."""
    try:
        checkin_id, user_id = read_checkin_token(token)
    except signing.SignatureExpired:
        return render(request, "matching/checkin_link_expired.html", status=410)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("This check-in link is not valid.") from None
    if (refused := made_for_someone_else(request, user_id)) is not None:
        return refused
    checkin = get_object_or_404(
        CheckIn.objects.select_related("mentorship__mentee", "mentorship__mentor"), pk=checkin_id
    )
    user = get_object_or_404(User, pk=user_id, is_active=True)
    if not checkin.mentorship.involves(user):
        raise Http404("This check-in link is not valid.")
    return _answer(request, checkin, user, via_link=True)


@login_required
def checkin_in_app(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    checkin = get_object_or_404(CheckIn.objects.select_related("mentorship__mentee", "mentorship__mentor"), pk=pk)
    if not checkin.mentorship.involves(user):
        raise Http404("No such check-in.")
    return _answer(request, checkin, user, via_link=False)


@login_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    only_unread = request.GET.get("show") == "unread"
    notifications = user.notifications.unread() if only_unread else user.notifications.all()
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    context = {"page": page, "only_unread": only_unread, "has_unread": user.notifications.unread().exists()}
    return render(request, "matching/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=_user(request))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.POST.get("next") == "list":
        return redirect("matching:notifications")
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("matching:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = _user(request).notifications.unread().update(read_at=timezone.now())
    messages.success(request, f"Marked {marked} notification{'' if marked == 1 else 's'} as read.")
    return redirect("matching:notifications")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    kinds = KINDS_BY_ROLE.get(user.role, Kind.values)
    opted_out = set(user.email_opt_outs.values_list("kind", flat=True))
    initial = {"email": [kind for kind in kinds if kind not in opted_out]}
    form = EmailPreferencesForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["email"])
        user.email_opt_outs.filter(kind__in=wanted).delete()
        for kind in set(kinds) - wanted - opted_out:
            EmailOptOut.objects.get_or_create(user=user, kind=kind)
        messages.success(request, "Your email preferences are saved.")
        return redirect("matching:notification_preferences")
    status = 400 if form.errors else 200
    return render(request, "matching/notification_preferences.html", {"form": form}, status=status)


# Mail clients POST one-click unsubscribes (RFC 8058) with no CSRF token: the signed token authorises.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Every email's unsubscribe link: one click (POST, as mail clients send it) or a confirm page."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("This unsubscribe link is not valid.") from None
    if (refused := made_for_someone_else(request, user_id)) is not None:
        return refused
    user = get_object_or_404(User, pk=user_id)
    if kind not in Kind.values:
        raise Http404("This unsubscribe link is not valid.")
    context = {"label": Kind(kind).label, "token": token, "email": user.email}
    if request.method == "POST":
        EmailOptOut.objects.get_or_create(user=user, kind=kind)
        return render(request, "matching/unsubscribed.html", context)
    return render(request, "matching/unsubscribe_confirm.html", context)


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    """Context processor: the unread count for the nav badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
