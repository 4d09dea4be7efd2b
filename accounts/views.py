"""HTML pages about people: the dashboard, the guided profile and a person's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import TextChoices
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.forms import (
    BackgroundForm,
    MenteeAboutForm,
    MenteeAvailabilityForm,
    MenteeGoalsForm,
    MentorAvailabilityForm,
    MentorMentoringForm,
    MentorProfessionalForm,
)
from accounts.http import AuthenticatedHttpRequest
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
    User,
)
from accounts.permissions import can_view_person, is_coordinator
from matching.services import hub
from matching.views import coordinator as coordinator_views


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None  # None: the background step, which is not a ModelForm
    fills: tuple[str, ...]  # the completeness fields this step asks for
    intro: str = ""


MENTEE_STEPS = (
    Step("about", "About you", MenteeAboutForm, ("stage", "school", "bio"), "Who you are and where you are now."),
    Step(
        "goals",
        "Goals",
        MenteeGoalsForm,
        ("target_specialties", "topics", "kinds"),
        "What you are aiming for, so we can find mentors in closely aligned fields.",
    ),
    Step(
        "availability",
        "Availability",
        MenteeAvailabilityForm,
        ("availability", "meeting_modes", "languages"),
        "When, how and in which languages you can meet.",
    ),
    Step("background", "Background (optional)", None, ()),
)
MENTOR_STEPS = (
    Step(
        "professional",
        "Professional details",
        MentorProfessionalForm,
        ("profession", "specialty", "institution", "years_in_practice", "npi"),
        "Your training and practice. A coordinator checks these before mentees can see you.",
    ),
    Step(
        "mentoring", "Mentoring", MentorMentoringForm, ("topics", "kinds", "bio"), "What you offer, and how much time."
    ),
    Step(
        "availability",
        "Availability",
        MentorAvailabilityForm,
        ("availability", "meeting_modes", "languages"),
        "When, how and in which languages you can meet.",
    ),
    Step("background", "Background (optional)", None, ()),
)
BACKGROUND_INTRO = (
    "Every question here is optional. Many mentees look for a mentor whose experience mirrors their own; "
    "answering helps us find those matches. You decide who may see each answer."
)

FIELD_LABELS = {
    "stage": "Your stage",
    "school": "School or institution",
    "bio": "A few sentences about you",
    "target_specialties": "Specialties you are aiming for",
    "topics": "Topics",
    "kinds": "Kinds of mentorship",
    "availability": "Weekly availability",
    "meeting_modes": "How you meet",
    "languages": "Languages",
    "profession": "Profession",
    "specialty": "Specialty",
    "institution": "Institution",
    "years_in_practice": "Years in practice",
    "npi": "NPI number",
}


def _own_profile(user: User) -> tuple[MenteeProfile | MentorProfile | None, tuple[Step, ...]]:
    """The signed-in person's profile and its steps; (None, ()) for people without one (e.g. coordinators)."""
    role = user.role
    if role == Membership.Role.MENTEE:
        return MenteeProfile.objects.get_or_create(user=user)[0], MENTEE_STEPS
    if role == Membership.Role.MENTOR:
        return MentorProfile.objects.get_or_create(user=user)[0], MENTOR_STEPS
    return None, ()


def _step_states(profile: MenteeProfile | MentorProfile, steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    missing = set(profile.missing_fields())
    return [
        {"step": step, "done": bool(step.fills) and not missing & set(step.fills), "optional": not step.fills}
        for step in steps
    ]


def _missing(profile: MenteeProfile | MentorProfile, steps: tuple[Step, ...]) -> list[dict[str, str]]:
    step_of = {name: step.slug for step in steps for name in step.fills}
    return [
        {"label": FIELD_LABELS.get(name, name), "url": reverse("accounts:profile_step", args=[step_of[name]])}
        for name in profile.missing_fields()
        if name in step_of
    ]


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile, steps = _own_profile(user)
    context: dict[str, Any] = {"role": user.role, "profile": profile}
    if profile is not None:
        context["missing"] = _missing(profile, steps)
        context["next_url"] = reverse("accounts:profile")
        context["is_mentor"] = isinstance(profile, MentorProfile)
    # The dashboard is the person's hub: what comes next, each item linked to where they act on it.
    if isinstance(profile, MenteeProfile):
        context["hub"] = hub.mentee_hub(user)
    elif isinstance(profile, MentorProfile):
        context["hub"] = hub.mentor_hub(user, profile)
    elif is_coordinator(user):
        context["cards"] = coordinator_views.work_cards(Program.objects.default())
    return render(request, "accounts/dashboard.html", context)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the person to the first step still missing something, or to the first step."""
    user = request.user
    own, steps = _own_profile(user)
    if own is None:
        return render(request, "accounts/no_profile.html")
    for state in _step_states(own, steps):
        if not state["done"] and not state["optional"]:
            return redirect("accounts:profile_step", step=state["step"].slug)
    return redirect("accounts:profile_step", step=steps[0].slug)


@login_required
def profile_step(request: AuthenticatedHttpRequest, step: str) -> HttpResponse:
    user = request.user
    own, steps = _own_profile(user)
    if own is None:
        return render(request, "accounts/no_profile.html")
    index = next((i for i, s in enumerate(steps) if s.slug == step), None)
    if index is None:
        raise Http404("No such step.")
    current = steps[index]
    form = _step_form(current, own, user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if isinstance(form, BackgroundForm):
            form.save(profile=own)
        else:
            form.save()
        if request.POST.get("go") == "back" and index > 0:
            messages.success(request, f"Saved “{current.title}”.")
            return redirect("accounts:profile_step", step=steps[index - 1].slug)
        if index + 1 < len(steps):
            messages.success(request, f"Saved “{current.title}”.")
            return redirect("accounts:profile_step", step=steps[index + 1].slug)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:dashboard")
    context = {
        "form": form,
        "step": current,
        "intro": current.intro or BACKGROUND_INTRO,
        "states": _step_states(own, steps),
        "number": index + 1,
        "total": len(steps),
        "previous": steps[index - 1] if index > 0 else None,
        "is_last": index + 1 == len(steps),
        "profile": own,
    }
    template = "accounts/profile_background.html" if current.form_class is None else "accounts/profile_step.html"
    return render(request, template, context, status=400 if form.is_bound else 200)


def _step_form(step: Step, own: MenteeProfile | MentorProfile, user: User, data: Any) -> Any:
    if step.form_class is None:
        comfort = own.comfort_preferences if isinstance(own, MenteeProfile) else None
        return BackgroundForm(data, user=user, comfort=comfort)
    return step.form_class(data, instance=own, user=user)


# --- A person's page ------------------------------------------------------------------------


def _labels(choices: type[TextChoices], values: list[str]) -> list[str]:
    return [str(choices(value).label) for value in values if value in choices.values]


@login_required
def person(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    viewer = request.user
    owner = get_object_or_404(User, pk=user_id)
    if not can_view_person(viewer, owner):
        # The same answer as for nobody at all: a page must not confirm who is in the program.
        raise Http404("No such person.")
    mentee = MenteeProfile.objects.filter(user=owner).prefetch_related("target_specialties").first()
    mentor = (
        MentorProfile.objects.filter(user=owner).select_related("specialty").prefetch_related("subspecialties").first()
    )
    shown = mentee or mentor
    context = {
        "owner": owner,
        "role": owner.role,
        "mentee": mentee,
        "mentor": mentor,
        "is_self": viewer.pk == owner.pk,
        "bio": shown.bio if shown else "",
        "topics": _labels(Topic, shown.topics) if shown else [],
        "kinds": _labels(Kind, shown.kinds) if shown else [],
        "languages": _labels(Language, shown.languages) if shown else [],
        "meeting_modes": _labels(MeetingMode, shown.meeting_modes) if shown else [],
        # Only the rows this viewer may see are ever loaded into the page.
        "background": Background.objects.filter(user=owner).visible_to(viewer),
        "show_verification": viewer.pk == owner.pk or is_coordinator(viewer),
    }
    return render(request, "accounts/person.html", context)
