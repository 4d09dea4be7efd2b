"""The coordinator's cohort match in the admin: set up, watch progress, review and edit, publish.

Every page is a view of the ``CohortRun`` admin; every change calls ``matching.services.cohort``,
the same services a script or the API would. Only coordinators
(``accounts.permissions.is_coordinator``) get in: ``admin_view`` sends everyone else to the login
page, and each view checks again.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.admin import AllowListAdmin, confirm_page, confirmed
from accounts.http import user_of
from accounts.models import MenteeProfile, Program, Specialty, User
from accounts.permissions import CoordinatorAdmin, is_coordinator
from matching.models import CohortPair, CohortRun
from matching.services import cohort
from matching.services.requests import RuleBroken
from matching.tasks import publish_cohort, run_cohort

logger = logging.getLogger(__name__)

Status = CohortRun.Status
PAIRS_PER_PAGE = 100
UNMATCHED_PER_PAGE = 100
MENTOR_CHOICES_SHOWN = 500


class CohortSetupForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.all(), empty_label=None)
    unmatched_only = forms.BooleanField(
        label="Only mentees without an active mentorship or one awaiting approval", required=False, initial=True
    )
    stages = forms.MultipleChoiceField(
        label="Mentee stages",
        choices=MenteeProfile.Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every stage.",
    )
    accepting_only = forms.BooleanField(label="Only mentors accepting new mentees", required=False, initial=True)
    specialties = forms.ModelMultipleChoiceField(
        label="Mentor specialties",
        queryset=Specialty.objects.primary().order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Includes their subspecialties. Leave empty for every specialty.",
    )
    algorithm = forms.ChoiceField(
        choices=CohortRun.Algorithm.choices, initial=CohortRun.Algorithm.OPTIMAL, widget=forms.RadioSelect
    )
    min_score = forms.FloatField(
        label="Minimum score", min_value=0, max_value=100, initial=40, help_text="Pairs below it are never proposed."
    )
    max_load = forms.IntegerField(
        label="Maximum load per mentor",
        min_value=1,
        max_value=20,
        required=False,
        help_text="Caps each mentor's mentees, current ones included, below their capacity. Empty: capacity only.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].initial = Program.objects.filter(is_default=True).first()


@admin.register(CohortRun)
class CohortRunAdmin(CoordinatorAdmin, AllowListAdmin):
    list_display = ["id", "program", "algorithm", "status_with_progress", "matched", "created_by", "created_at"]
    list_filter = ["status", "algorithm", "program"]
    list_select_related = ["program", "created_by"]
    date_hierarchy = "created_at"

    # Permissions: CoordinatorAdmin (the coordinator rule, then the Coordinators group's permissions).

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # runs are the record of who matched whom; discard instead

    # --- List ---------------------------------------------------------------------------

    @admin.display(description="Status")
    def status_with_progress(self, run: CohortRun) -> str:
        if run.status in (Status.QUEUED, Status.RUNNING, Status.PUBLISHING):
            return f"{run.get_status_display()} ({run.progress}%)"
        return run.get_status_display()

    @admin.display(description="Matched")
    def matched(self, run: CohortRun) -> str:
        if "matched" not in run.report:
            return "—"
        return format_html("{} of {}", run.report["matched"], run.report.get("mentees", "?"))

    # --- URLs -----------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any, name: str, route: str) -> URLPattern:
            return path(route, self.admin_site.admin_view(function), name=f"matching_cohortrun_{name}")

        return [
            view(self.progress_view, "progress", "<int:run_id>/progress/"),
            view(self.review_view, "review", "<int:run_id>/review/"),
            view(require_POST(self.edit_view), "edit", "<int:run_id>/edit/"),
            view(require_POST(self.publish_view), "publish", "<int:run_id>/publish/"),
            view(require_POST(self.discard_view), "discard", "<int:run_id>/discard/"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        run = self._run(request, int(object_id))
        return HttpResponseRedirect(_page_of(run))

    # --- Setup --------------------------------------------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _require_coordinator(request)
        form = CohortSetupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            run = cohort.create_run(
                program=data["program"],
                by=user_of(request),
                algorithm=data["algorithm"],
                min_score=data["min_score"],
                max_load=data["max_load"],
                mentee_filter={"unmatched_only": data["unmatched_only"], "stages": data["stages"]},
                mentor_filter={
                    "accepting_only": data["accepting_only"],
                    "specialties": [s.slug for s in data["specialties"]],
                },
            )
            _start(run)
            return HttpResponseRedirect(reverse("admin:matching_cohortrun_progress", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Run a cohort match",
            "form": form,
        }
        return TemplateResponse(request, "admin/matching/cohortrun/setup.html", context)

    # --- Progress and review ----------------------------------------------------------------

    def progress_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(request, run_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Cohort match #{run.pk}",
            "run": run,
            "working": run.status in (Status.QUEUED, Status.RUNNING),
        }
        return TemplateResponse(request, "admin/matching/cohortrun/progress.html", context)

    def review_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(request, run_id)
        if run.status in (Status.QUEUED, Status.RUNNING, Status.FAILED):
            return HttpResponseRedirect(reverse("admin:matching_cohortrun_progress", args=[run.pk]))
        report = run.report
        pairs = Paginator(
            run.pairs.select_related("mentee__mentee_profile", "mentor__mentor_profile__specialty")
            .prefetch_related("mentor__mentor_profile__subspecialties")
            .order_by("-score", "pk"),
            PAIRS_PER_PAGE,
        ).get_page(request.GET.get("page"))
        unmatched_page = Paginator(report.get("unmatched", []), UNMATCHED_PER_PAGE).get_page(request.GET.get("upage"))
        people = User.objects.select_related("mentee_profile").in_bulk([item["mentee"] for item in unmatched_page])
        unmatched = [{**item, "mentee": people.get(item["mentee"])} for item in unmatched_page]
        editable = run.status == Status.PROPOSED
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review cohort match #{run.pk}",
            "run": run,
            "report": report,
            "pairs": pairs,
            "unmatched": unmatched,
            "unmatched_page": unmatched_page,
            "editable": editable,
            "mentors_with_room": _mentors_with_room(run) if editable else [],
            "load_rows": sorted(((int(k), v) for k, v in report.get("load_histogram", {}).items())),
            "published": report.get("published"),
            "publishes_mentorships": cohort.publishes_mentorships(run.program),
        }
        return TemplateResponse(request, "admin/matching/cohortrun/review.html", context)

    # --- Changes ----------------------------------------------------------------------------

    def edit_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(request, run_id)
        by: User = user_of(request)
        back = reverse("admin:matching_cohortrun_review", args=[run.pk])
        page = request.POST.get("page", "")
        if page.isdigit():
            back += f"?page={page}"
        try:
            if request.POST.get("remove", "").isdigit():
                cohort.remove_pair(run=run, pair_id=int(request.POST["remove"]), by=by)
                done = "Pair removed; the mentee is now in the unmatched list."
            elif request.POST.get("action") == "swap":
                chosen = [int(v) for v in request.POST.getlist("swap") if v.isdigit()]
                if len(chosen) != 2:
                    raise RuleBroken("pick_two", "Tick exactly two pairs to swap their mentors.")
                cohort.swap_pairs(run=run, first_id=chosen[0], second_id=chosen[1], by=by)
                done = "Mentors swapped and both pairs rescored."
            elif request.POST.get("action") == "reassign":
                mentee, mentor = request.POST.get("mentee", ""), request.POST.get("mentor", "")
                if not (mentee.isdigit() and mentor.isdigit()):
                    raise RuleBroken("pick_both", "Choose a mentee and a mentor to pair.")
                cohort.reassign(run=run, mentee_id=int(mentee), mentor_id=int(mentor), by=by)
                done = "Mentee assigned and the pair scored."
            else:
                raise RuleBroken("unknown_action", "Choose remove, swap or assign.")
        except RuleBroken as broken:
            self.message_user(request, broken.message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(back)

    def _confirm_publish(self, request: HttpRequest, run: CohortRun, review: str) -> HttpResponse:
        live, pairs, summary = _publish_summary(run)
        what = (
            f"{pairs} mentorship{'s' if pairs != 1 else ''}" if live else f"{pairs} request{'s' if pairs != 1 else ''}"
        )
        return confirm_page(
            request, self.admin_site, title=f"Publish cohort match #{run.pk}?", back_label=f"Cohort match #{run.pk}",
            intro=("Publishing starts every proposed mentorship at once." if live else
                   "Publishing sends each mentor a request on the mentee's behalf."),
            summary=summary, cancel_url=review, button=f"Yes, publish: {'start' if live else 'send'} {what}",
            consequence=(f"{what.capitalize()} start{'s' if pairs == 1 else ''} and both sides of each get an "
                         "introduction by e-mail." if live else f"{what.capitalize()} go out to mentors by e-mail."),
        )  # fmt: skip

    def publish_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(request, run_id)
        already = run.status in (Status.PUBLISHING, Status.PUBLISHED)
        review = reverse("admin:matching_cohortrun_review", args=[run.pk])
        if not already and not confirmed(request):
            return self._confirm_publish(request, run, review)
        try:
            run = cohort.start_publishing(run=run, by=user_of(request))
        except RuleBroken as broken:
            self.message_user(request, broken.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:matching_cohortrun_review", args=[run.pk]))
        if already:
            state = run.get_status_display().lower()
            self.message_user(request, f"This cohort match is already {state}.", messages.INFO)
        else:
            _publish(run)
            run.refresh_from_db()
            outcome = run.report.get("published")
            if outcome is not None:  # done already: tasks run eagerly
                skipped = len(outcome.get("skipped", []))
                text = f"Published: {outcome.get('created', 0)} {outcome.get('as', 'pairs')} created"
                self.message_user(
                    request, text + (f", {skipped} skipped (see below)." if skipped else "."), messages.SUCCESS
                )
            else:
                self.message_user(
                    request, "Publishing in the background; this page shows the progress.", messages.SUCCESS
                )
        return HttpResponseRedirect(reverse("admin:matching_cohortrun_review", args=[run.pk]))

    def discard_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(request, run_id)
        try:
            cohort.discard(run=run, by=user_of(request))
        except RuleBroken as broken:
            self.message_user(request, broken.message, messages.ERROR)
            return HttpResponseRedirect(_page_of(run))
        self.message_user(request, f"Cohort match #{run.pk} discarded; nothing was published.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:matching_cohortrun_changelist"))

    def _run(self, request: HttpRequest, run_id: int) -> CohortRun:
        _require_coordinator(request)
        return get_object_or_404(CohortRun.objects.select_related("program", "created_by"), pk=run_id)


def _require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def _page_of(run: CohortRun) -> str:
    name = "progress" if run.status in (Status.QUEUED, Status.RUNNING, Status.FAILED) else "review"
    return reverse(f"admin:matching_cohortrun_{name}", args=[run.pk])


def _start(run: CohortRun) -> None:
    """Run the proposal in the background; inline when tasks run eagerly (tests, no worker)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        run_cohort(run.pk)
        return

    def enqueue() -> None:
        try:
            run_cohort.apply_async((run.pk,), retry=False)
        except Exception as error:  # a dead broker must not become a 500: say so on the run
            logger.warning("cohort run %s: could not reach the task queue: %s", run.pk, error)
            CohortRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
                status=Status.FAILED, progress_message="The task queue is unreachable; discard and try again."
            )

    transaction.on_commit(enqueue)


def _publish_summary(run: CohortRun) -> tuple[bool, int, list[tuple[str, object]]]:
    report = run.report or {}
    pairs = run.pairs.count()
    live = cohort.publishes_mentorships(run.program)
    summary: list[tuple[str, object]] = [
        ("Pairs", pairs),
        ("Unmatched mentees", len(report.get("unmatched", []))),
        ("Mean score", report.get("mean_score", "—")),
        ("Lowest score", report.get("lowest_score", "—")),
        ("Edited by hand", "yes" if report.get("edited") else "no"),
        ("E-mails sent", 2 * pairs if live else pairs),
    ]
    return live, pairs, summary


def _publish(run: CohortRun) -> None:
    """Publish in the background; inline when tasks run eagerly. A dead broker is no error:
    the run stays publishing, and the beat's resume sweep hands it to a worker later."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        publish_cohort(run.pk)
        return

    def enqueue() -> None:
        try:
            publish_cohort.apply_async((run.pk,), retry=False)
        except Exception as error:
            logger.warning("cohort run %s: could not reach the task queue; the resume sweep will: %s", run.pk, error)

    transaction.on_commit(enqueue)


def _mentors_with_room(run: CohortRun) -> list[dict[str, Any]]:
    """The run's mentors who can take one more mentee, for the assign control."""
    taken: dict[int, int] = {}
    for mentor_id in CohortPair.objects.filter(run=run).values_list("mentor_id", flat=True):
        taken[mentor_id] = taken.get(mentor_id, 0) + 1
    found = []
    for profile in cohort.chosen_mentors(run).select_related("user", "specialty"):
        free = profile.free_places(max_load=run.max_load) - taken.get(profile.user_id, 0)
        if free > 0:
            found.append(
                {"id": profile.user_id, "name": profile.user.get_full_name(), "profile": profile, "free": free}
            )
        if len(found) >= MENTOR_CHOICES_SHOWN:
            break
    return sorted(found, key=lambda item: item["name"])
