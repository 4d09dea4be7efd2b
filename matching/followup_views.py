"""Pages of the follow-up: one-click check-ins, the notification centre, unsubscribing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import User
from matching.checkins import answer_checkin, read_checkin_token
from matching.models import CheckIn, EmailOptOut, Notification
from matching.notifications import read_unsubscribe_token
from matching.services import RuleBroken


class CheckInForm(forms.Form):
    met = forms.TypedChoiceField(
        label="Have you met since the last check-in?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label="How is it going?",
        choices=[(n, f"{n} — {label}") for n, label in enumerate(["Poorly", "Not well", "OK", "Well", "Very well"], 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    progress = forms.CharField(label="Progress on your goals", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    concern = forms.CharField(
        label="Any concern?",
        required=False,
        help_text="Your coordinator will see it and may reach out. Leave empty if all is well.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _answer(request: HttpRequest, checkin: CheckIn, user: User) -> HttpResponse:
    already = checkin.responses.filter(user=user).exists()
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            answer_checkin(checkin=checkin, user=user, **form.cleaned_data)
        except RuleBroken as broken:
            form.add_error(None, broken.message)
        else:
            return render(request, "matching/checkin_thanks.html", {"checkin": checkin}, status=200)
    status = 400 if form.errors else 200
    context = {"form": form, "checkin": checkin, "mentorship": checkin.mentorship, "already": already}
    return render(request, "matching/checkin_answer.html", context, status=status)


def checkin_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link from a check-in email: the signed token is the authorisation."""
    try:
        checkin_id, user_id = read_checkin_token(token)
    except signing.SignatureExpired:
        return render(request, "matching/checkin_link_expired.html", status=410)
    except signing.BadSignature:
        raise Http404("This check-in link is not valid.") from None
    checkin = get_object_or_404(
        CheckIn.objects.select_related("mentorship__mentee", "mentorship__mentor"), pk=checkin_id
    )
    user = get_object_or_404(User, pk=user_id, is_active=True)
    if not checkin.mentorship.involves(user):
        raise Http404("This check-in link is not valid.")
    return _answer(request, checkin, user)


@login_required
def checkin_in_app(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    checkin = get_object_or_404(CheckIn.objects.select_related("mentorship__mentee", "mentorship__mentor"), pk=pk)
    if not checkin.mentorship.involves(user):
        raise Http404("No such check-in.")
    return _answer(request, checkin, user)


@login_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "matching/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.link or "matching:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    user.notifications.unread().update(read_at=timezone.now())
    messages.success(request, "All notifications marked as read.")
    return redirect("matching:notifications")


# Mail clients POST one-click unsubscribes (RFC 8058) with no CSRF token: the signed token authorises.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Every email's unsubscribe link: one click (POST, as mail clients send it) or a confirm page."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("This unsubscribe link is not valid.") from None
    user = get_object_or_404(User, pk=user_id)
    if kind not in Notification.Kind.values:
        raise Http404("This unsubscribe link is not valid.")
    label = Notification.Kind(kind).label
    if request.method == "POST":
        EmailOptOut.objects.get_or_create(user=user, kind=kind)
        return render(request, "matching/unsubscribed.html", {"label": label})
    return render(request, "matching/unsubscribe_confirm.html", {"label": label, "token": token})


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    """Context processor: the unread count for the nav badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
