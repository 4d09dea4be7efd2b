"""HTML pages of the mentorship workflow: directory, requests, inbox and the live mentorship.

Each view parses input with a form, calls one service (or engine) function and renders
or redirects. A broken program rule comes back as ``RuleBroken``; its message is shown
to the person as it is. Objects of other people are a 404, never a hint that they exist.
HTMX requests (``HX-Request``) get the changed fragment instead of the whole page; every
page works the same without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import (
    Background,
    Kind,
    Language,
    MeetingMode,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Topic,
)
from accounts.models import User as UserModel
from matching import engine, scoring, services
from matching.forms import AvailabilityForm, DeclineForm, DirectoryFilterForm, EndForm, GoalForm, RequestForm
from matching.models import Goal, Mentorship, MentorshipRequest, SavedMentor

PAGE_SIZE = 20
FAVOURITES = SavedMentor.Kind.FAVOURITE
HIDDEN = SavedMentor.Kind.HIDDEN

# How each score component is named on the mentor page, and what it means when it earned nothing.
COMPONENTS = {
    "specialty": ("Field", "Works in a field far from the ones you are aiming for."),
    "stage_fit": ("Guidance for your stage", "Does not list the topics people at your stage usually need."),
    "goals": ("Your goals", "Does not list the topics you asked for help with."),
    "availability": ("Shared time", "No overlap with your weekly availability."),
    "mode": ("Meeting mode", "Does not offer the ways you want to meet."),
    "language": ("Language", "Shares none of your languages."),
    "comfort": ("Your comfort preferences", "Does not match the preferences you set."),
    "mentor_preference": ("The mentor's preferences", "Not among the mentees this mentor especially looks for."),
    "capacity": ("Room for you", "Has no room for another mentee right now."),
}


# --- Helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> UserModel:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def role_required(role: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in with ``role`` in the default program; anyone else gets a page saying where to go."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if _user(request).role != role:
                return render(request, "matching/wrong_role.html", {"needed": role}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _saved(request: HttpRequest, kind: str) -> set[int]:
    return set(SavedMentor.objects.filter(mentee=_user(request), kind=kind).values_list("mentor_id", flat=True))


def _save(request: HttpRequest, kind: str, ids: set[int]) -> None:
    """Make the mentee's saved mentors of this kind exactly ``ids``."""
    mentee = _user(request)
    saved = SavedMentor.objects.filter(mentee=mentee, kind=kind)
    saved.exclude(mentor_id__in=ids).delete()
    SavedMentor.objects.bulk_create(
        [SavedMentor(mentee=mentee, mentor_id=mentor_id, kind=kind) for mentor_id in ids],
        ignore_conflicts=True,
    )


def _labels(choices: Any, values: list[str]) -> list[str]:
    return [str(choices(value).label) for value in values or () if value in choices.values]


# --- Mentor directory -----------------------------------------------------------------------


@dataclass
class Card:
    profile: MentorProfile
    score: float
    match: scoring.Match | None
    favourite: bool

    @property
    def top_reasons(self) -> list[scoring.Reason]:
        return self.match.reasons[:3] if self.match else []


def _mentor_profiles() -> QuerySet[MentorProfile]:
    return MentorProfile.objects.verified().select_related("user", "specialty").prefetch_related("subspecialties")


@role_required(Membership.Role.MENTEE)
def directory(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DirectoryFilterForm(request.GET or None)
    favourites, hidden = _saved(request, FAVOURITES), _saved(request, HIDDEN)
    allowed: set[int] | None = None
    if form.narrows():
        allowed = set(form.filter(MentorProfile.objects.verified()).values_list("user_id", flat=True))
    if form.is_bound and form.is_valid() and form.cleaned_data["favourites"]:
        allowed = favourites if allowed is None else allowed & favourites
    try:
        ids, scores = engine.rank_mentors(user, allowed_ids=allowed, include_full=form.include_full)
    except MenteeProfile.DoesNotExist:
        ids, scores = [], []
    ranked = [(mentor_id, score) for mentor_id, score in zip(ids, scores, strict=True) if mentor_id not in hidden]
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    page_ids = [mentor_id for mentor_id, _ in page.object_list]
    profiles = _mentor_profiles().in_bulk(page_ids, field_name="user_id")
    matches = engine.explain_mentors(user, page_ids) if page_ids else {}
    cards = [
        Card(profiles[mentor_id], score, matches.get(mentor_id), mentor_id in favourites)
        for mentor_id, score in page.object_list
        if mentor_id in profiles
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "cards": cards,
        "page": page,
        "query": query.urlencode(),
        "filtered": form.narrows() or "favourites" in request.GET,
        "active_filters": form.active(),
        "hidden_count": len(hidden),
        "include_full": form.include_full,
        "profile": MenteeProfile.objects.filter(user=user).first(),
        "partial": _is_htmx(request),
    }
    template = "matching/_results.html" if _is_htmx(request) else "matching/directory.html"
    return render(request, template, context)


@require_POST
@role_required(Membership.Role.MENTEE)
def favourite(request: HttpRequest, user_id: int) -> HttpResponse:
    mentor = get_object_or_404(_mentor_profiles(), user_id=user_id)
    favourites = _saved(request, FAVOURITES)
    favourites ^= {user_id}
    _save(request, FAVOURITES, favourites)
    if _is_htmx(request):
        return render(request, "matching/_favourite.html", {"mentor": mentor, "favourite": user_id in favourites})
    name = mentor.user.get_full_name()
    messages.success(request, f"Added {name} to your favourites." if user_id in favourites else f"Removed {name}.")
    return redirect(_next_or(request, reverse("matching:directory")))


@require_POST
@role_required(Membership.Role.MENTEE)
def hide(request: HttpRequest, user_id: int) -> HttpResponse:
    mentor = get_object_or_404(_mentor_profiles(), user_id=user_id)
    hidden = _saved(request, HIDDEN)
    undo = request.POST.get("undo") == "1"
    _save(request, HIDDEN, hidden - {user_id} if undo else hidden | {user_id})
    if _is_htmx(request) and not undo:
        return render(request, "matching/_hidden_card.html", {"mentor": mentor})
    if not undo:
        messages.success(request, f"Hid {mentor.user.get_full_name()} from your directory.")
    return redirect(_next_or(request, reverse("matching:directory")))


@require_POST
@role_required(Membership.Role.MENTEE)
def unhide_all(request: HttpRequest) -> HttpResponse:
    _save(request, HIDDEN, set())
    messages.success(request, "Every mentor you hid is back in your directory.")
    return redirect("matching:directory")


# --- Mentor page and the request form --------------------------------------------------------


@dataclass
class Component:
    name: str
    label: str
    points: float
    out_of: float
    reasons: list[scoring.Reason] = field(default_factory=list)
    missing: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.out_of) if self.out_of else 0


def _components(user: UserModel, mentor_id: int, match: scoring.Match) -> list[Component]:
    """Every component of the score with its points out of its maximum, and its reasons."""
    found = engine.directory()
    weights = scoring.effective_weights(engine.features_of_mentee(user), found.mentors.get(mentor_id), found.weights)
    total = sum(weights[name] for name in match.components) or 1.0
    rows = []
    for name, value in match.components.items():
        label, missing = COMPONENTS.get(name, (name, ""))
        out_of = 100.0 * weights[name] / total
        reasons = [reason for reason in match.reasons if reason.component == name]
        rows.append(Component(name, label, round(out_of * value, 1), round(out_of, 1), reasons, missing))
    return sorted(rows, key=lambda row: (-row.out_of, row.name))


@login_required
def mentor_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user(request)
    if user.role != Membership.Role.MENTEE:
        return redirect("accounts:person", user_id=user_id)
    mentor = get_object_or_404(_mentor_profiles(), user_id=user_id)
    form = RequestForm(request.POST or None, kinds=mentor.kinds)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_request(
                mentee=user, mentor=mentor.user, score=engine.score_of(user, mentor.user), **form.cleaned_data
            )
        except services.RuleBroken as broken:
            form.add_error(None, broken.message)
        else:
            messages.success(request, f"Your request is on its way to {mentor.user.get_full_name()}.")
            return redirect("matching:requests")
    match = engine.explain_mentors(user, [user_id]).get(user_id)
    context = {
        "mentor": mentor,
        "form": form,
        "match": match,
        "components": _components(user, user_id, match) if match else [],
        "favourite": user_id in _saved(request, FAVOURITES),
        "open_request": MentorshipRequest.objects.open().filter(mentee=user, mentor_id=user_id).first(),
        "mentorship": Mentorship.objects.active().filter(mentee=user, mentor_id=user_id).first(),
        "topics": _labels(Topic, mentor.topics),
        "kinds": _labels(Kind, mentor.kinds),
        "offers_task": not mentor.kinds or Kind.TASK in mentor.kinds,
        "languages": _labels(Language, mentor.languages),
        "modes": _labels(MeetingMode, mentor.meeting_modes),
        # Only the rows this viewer may see are ever loaded into the page.
        "background": Background.objects.filter(user_id=user_id).visible_to(user),
    }
    return render(request, "matching/mentor_detail.html", context, status=400 if form.errors else 200)


# --- The mentee's requests -----------------------------------------------------------------


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


# --- The mentor's inbox ----------------------------------------------------------------------


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
    found = engine.directory()
    features = engine.features_of_mentor(mentor)
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


# --- Mentorships -----------------------------------------------------------------------------


@login_required
def mentorships(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = Mentorship.objects.for_user(user).select_related("mentee", "mentor").order_by("status", "-started_at")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "matching/mentorships.html", {"page": page})


def _mentorship(request: HttpRequest, pk: int) -> Mentorship:
    user = _user(request)
    return get_object_or_404(Mentorship.objects.for_user(user).select_related("mentee", "mentor", "request"), pk=pk)


def _mentorship_context(request: HttpRequest, mentorship: Mentorship, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    is_participant = mentorship.involves(user)
    return {
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
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    try:
        services.request_rematch(mentorship=mentorship, by=_user(request))
    except services.RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, "A coordinator will help you find a new mentor. You can also browse the directory.")
    return redirect("matching:mentorship", pk=pk)
