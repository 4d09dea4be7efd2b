"""The mentor directory and a mentor's page, ranked for the signed-in mentee with reasons.

HTMX requests (``HX-Request``) get the changed fragment instead of the whole page; every
page works the same without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import (
    Background,
    Kind,
    Language,
    MeetingMode,
    Membership,
    MenteeProfile,
    MentorProfile,
    Topic,
)
from accounts.models import User as UserModel
from matching import scoring, services
from matching.filters import DirectoryFilter
from matching.forms import DirectoryFilterForm, RequestForm
from matching.models import Mentorship, MentorshipRequest, SavedMentor
from matching.services import directory as engine
from matching.services.requests import request_obstacle
from matching.views.common import _is_htmx, _next_or, _user, role_required

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
    filters = DirectoryFilter(request.GET or None, queryset=MentorProfile.objects.verified())
    form: DirectoryFilterForm = filters.form
    favourites, hidden = _saved(request, FAVOURITES), _saved(request, HIDDEN)
    allowed = filters.allowed_ids()
    if form.is_bound and form.is_valid() and form.cleaned_data["favourites"]:
        allowed = favourites if allowed is None else allowed & favourites
    try:
        ranking: engine.MentorRanking | None = engine.rank_mentors_for(
            user, allowed_ids=allowed, include_full=form.include_full
        )
    except MenteeProfile.DoesNotExist:
        ranking = None
    ids, scores = (ranking.ids, ranking.scores) if ranking else ([], [])
    ranked = [(mentor_id, score) for mentor_id, score in zip(ids, scores, strict=True) if mentor_id not in hidden]
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    page_ids = [mentor_id for mentor_id, _ in page.object_list]
    profiles = _mentor_profiles().in_bulk(page_ids, field_name="user_id")
    matches = ranking.explain(page_ids) if ranking else {}
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
        "filtered": filters.narrows() or "favourites" in request.GET,
        "active_filters": form.active(),
        "hidden_count": len(hidden),
        "include_full": form.include_full,
        "profile": MenteeProfile.objects.filter(user=user).first(),
        "partial": _is_htmx(request),
    }
    template = "matching/_results.html" if _is_htmx(request) else "matching/directory.html"
    # A filter that makes no sense (?related=maybe) is shown as a form error, as any bad input is.
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


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
    found = engine.directory(engine.program_of(user, Membership.Role.MENTEE))
    mentee = engine.features_of_mentee(user, viewer="owner", off=found.off)
    weights = scoring.effective_weights(mentee, found.mentors.get(mentor_id), found.weights)
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
        # Said before the mentee writes a message: a request that cannot succeed gets no form.
        "obstacle": request_obstacle(mentee=user, mentor=mentor.user),
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
