"""The coordinator's pages inside the admin: home, dashboard, equity, CSV export and import.

Mounted under ``/admin/coordinator/`` and wrapped in ``admin.site.admin_view`` (see
``coordinator_urls.py``), so they share the admin's login, staff check, CSRF and look.
Figures come from ``matching/coordinator.py``; charts are inline SVG drawn on the server,
each with a title, a description and the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Program, User
from accounts.permissions import is_coordinator
from matching.services import csv_io
from matching.services import metrics as coordinator

View = Callable[..., HttpResponse]


def coordinator_only(view: View) -> View:
    """Coordinators only (``admin_view`` already sends everyone else to the admin login)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def chosen_program(request: HttpRequest) -> Program:
    if program_id := request.GET.get("program", ""):
        return get_object_or_404(Program, pk=program_id) if program_id.isdigit() else Program.objects.default()
    return Program.objects.default()


def page(request: HttpRequest, template: str, title: str, program: Program | None, **context: Any) -> TemplateResponse:
    return TemplateResponse(
        request,
        f"admin/coordinator/{template}",
        {
            **admin.site.each_context(request),
            "title": title,
            "program": program,
            "programs": Program.objects.all() if Program.objects.count() > 1 else [],
            **context,
        },
    )


# --- Home ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCard:
    label: str
    count: int
    url: str
    hint: str


def changelist(name: str, **filters: Any) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{urlencode(filters)}"


@coordinator_only
def home(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    return page(request, "home.html", "Coordinator home", program, cards=work_cards(program))


def work_cards(program: Program) -> list[WorkCard]:
    """What waits for a coordinator, each count linked to the admin list filtered to it."""
    work = coordinator.pending_work(program)
    in_program = {"program__id__exact": program.pk}
    return [
        WorkCard(
            "Matches waiting for approval",
            work.pending_approvals,
            changelist("matching_mentorshiprequest", status__exact="accepted", **in_program),
            "Accepted by the mentor; approve or reject them with the list's actions.",
        ),
        WorkCard(
            "Mentors waiting for verification",
            work.unverified_mentors,
            changelist("accounts_mentorprofile", verification__exact="unverified"),
            "Check the NPI and licence, then verify or reject with a reason.",
        ),
        WorkCard(
            "Mentorships at risk",
            work.at_risk_mentorships,
            changelist("matching_mentorship", status__exact="active", at_risk__exact=1, **in_program),
            "Missed check-ins, a low rating or a raised concern.",
        ),
        WorkCard(
            "Requests without an answer",
            work.unanswered_requests,
            changelist("matching_mentorshiprequest", status__exact="pending", **in_program),
            "Waiting for the mentor; they expire on their own.",
        ),
        WorkCard(
            "Mentees without a mentor",
            work.unmatched_mentees,
            changelist("accounts_menteeprofile", matched="no"),
            "No active mentorship: candidates for the next cohort match.",
        ),
    ]


# --- Charts --------------------------------------------------------------------------------

SERIES_CLASSES = ("chart-series-0", "chart-series-1")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: float
    text: str  # the value as printed beside the bar
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart, already laid out: the template only draws what is here."""

    slug: str
    title: str
    description: str
    columns: list[str]  # header of the table alternative: category, then one per series
    rows: list[tuple[str, list[str]]]
    series: list[tuple[str, str]]  # (name, css class) for the legend
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    vertical: bool
    baseline: float
    plot_left: float
    plot_right: float

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    slug: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    category_heading: str = "Category",
) -> Chart:
    """Horizontal bars: one row per category, one bar per series."""
    label_width, plot_width, value_width = 220.0, 330.0, 50.0
    bar_height, gap, top = 16.0, 10.0, 8.0
    top_value = max((v for _, values in series for v in values), default=0) or 1
    row_height = bar_height * len(series) + gap
    bars, labels = [], []
    for i, category in enumerate(categories):
        y0 = top + i * row_height
        labels.append(Label(shorten(category, 32), label_width - 8, y0 + bar_height * len(series) / 2 + 4))
        for j, (_, values) in enumerate(series):
            value = values[i]
            width = plot_width * value / top_value
            y = y0 + j * bar_height
            bars.append(
                Bar(
                    label_width,
                    y,
                    width,
                    bar_height - 2,
                    SERIES_CLASSES[j % 2],
                    value,
                    fmt(value),
                    label_width + width + 4,
                    y + bar_height - 5,
                )
            )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=[category_heading, *(name for name, _ in series)],
        rows=[(category, [fmt(values[i]) for _, values in series]) for i, category in enumerate(categories)],
        series=[(name, SERIES_CLASSES[j % 2]) for j, (name, _) in enumerate(series)] if len(series) > 1 else [],
        width=int(label_width + plot_width + value_width),
        height=int(top * 2 + row_height * max(len(categories), 1)),
        bars=bars,
        labels=labels,
        vertical=False,
        baseline=0,
        plot_left=label_width,
        plot_right=label_width + plot_width,
    )


def histogram_chart(
    slug: str, title: str, description: str, buckets: Sequence[tuple[str, int]], *, bucket_heading: str
) -> Chart:
    """Vertical columns, one per bucket, touching as a histogram's do."""
    left, plot_width, plot_height, top, bottom = 10.0, 560.0, 160.0, 20.0, 30.0
    top_value = max((n for _, n in buckets), default=0) or 1
    column = plot_width / max(len(buckets), 1)
    baseline = top + plot_height
    bars, labels = [], []
    for i, (label, count) in enumerate(buckets):
        height = plot_height * count / top_value
        x = left + i * column
        bars.append(
            Bar(
                x + 1,
                baseline - height,
                column - 2,
                height,
                SERIES_CLASSES[0],
                count,
                str(count),
                x + column / 2,
                baseline - height - 4,
            )
        )
        labels.append(Label(label, x + column / 2, baseline + 18))
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=[bucket_heading, "Count"],
        rows=[(label, [str(count)]) for label, count in buckets],
        series=[],
        width=int(left * 2 + plot_width),
        height=int(top + plot_height + bottom),
        bars=bars,
        labels=labels,
        vertical=True,
        baseline=baseline,
        plot_left=left,
        plot_right=left + plot_width,
    )


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    note: str = ""


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{24 * value:.0f} hours" if value < 1 else f"{value:.1f} days"


DAY_EDGES = (0, 1, 2, 3, 7, 14, 30)
SUPPLY_DEMAND_ROWS = 12


@coordinator_only
def dashboard(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    data = coordinator.dashboard(program)
    ratings = data.mentee_ratings.total() + data.mentor_ratings.total()
    stats = [
        Stat("Match rate", percent(data.match_rate), f"{data.matched_mentees} of {data.mentees} mentees ever matched"),
        Stat(
            "Time to first response",
            days(data.median_first_response_days),
            f"median over {len(data.first_response_days)} answered requests; {data.never_answered} expired unanswered",
        ),
        Stat(
            "Time to match",
            days(data.median_match_days),
            f"median from request to live match, {len(data.match_days)} matches from requests; "
            f"{data.cohort_matches} more from cohort runs",
        ),
        Stat(
            "Check-in completion",
            percent(data.checkin_completion),
            f"{data.checkins_completed} answered, {data.checkins_missed} missed",
        ),
        Stat("Active mentorships", str(data.active + data.at_risk), f"{data.at_risk} of them at risk"),
        Stat(
            "Feedback rating",
            "—"
            if not ratings
            else f"{fmt(round(data.mean_mentee_rating or 0, 1))} / {fmt(round(data.mean_mentor_rating or 0, 1))}",
            "mean of 1 to 5, mentees / mentors, from endings",
        ),
    ]
    supply_demand = data.supply_demand[:SUPPLY_DEMAND_ROWS]
    load = data.workload
    load_buckets = coordinator.histogram(load.loads, (0, 1, 2, 3, 4, 5))
    charts = {
        "status": bar_chart(
            "status",
            "Mentorships by status",
            f"{data.active} active and on track, {data.at_risk} at risk, {data.completed} completed, "
            f"{data.ended} ended early.",
            ["Active, on track", "At risk", "Completed", "Ended early"],
            [("Mentorships", [data.active, data.at_risk, data.completed, data.ended])],
            category_heading="Status",
        ),
        "first_response": histogram_chart(
            "first-response",
            "Time to first response",
            "How many requests the mentor answered within each number of days.",
            coordinator.histogram(data.first_response_days, DAY_EDGES),
            bucket_heading="Days",
        ),
        "match_time": histogram_chart(
            "match-time",
            "Time from request to match",
            "How many live matches took each number of days from the request.",
            coordinator.histogram(data.match_days, DAY_EDGES),
            bucket_heading="Days",
        ),
        "outcomes": bar_chart(
            "outcomes",
            "Outcomes of ended mentorships",
            "Why mentorships ended, by the reason given.",
            [label for label, _ in data.outcomes],
            [("Mentorships", [n for _, n in data.outcomes])],
            category_heading="Reason",
        ),
        "ratings": bar_chart(
            "ratings",
            "Feedback ratings",
            "How many endings were rated 1 to 5, by mentees and by mentors.",
            ["5", "4", "3", "2", "1"],
            [
                ("Mentees", [data.mentee_ratings.get(r, 0) for r in (5, 4, 3, 2, 1)]),
                ("Mentors", [data.mentor_ratings.get(r, 0) for r in (5, 4, 3, 2, 1)]),
            ],
            category_heading="Rating",
        ),
        "supply_demand": bar_chart(
            "supply-demand",
            "Supply against demand by specialty",
            "For each specialty, unmatched mentees who want it against open places with verified, accepting "
            f"mentors in it. The {len(supply_demand)} specialties with the widest shortfall first.",
            [b.specialty for b in supply_demand],
            [
                ("Mentees wanting it", [b.demand for b in supply_demand]),
                ("Open mentor places", [b.supply for b in supply_demand]),
            ],
            category_heading="Specialty",
        ),
        "workload": histogram_chart(
            "workload",
            "Mentors by number of active mentorships",
            "How many verified mentors have each number of active mentorships.",
            load_buckets,
            bucket_heading="Active mentorships",
        ),
    }
    return page(
        request,
        "dashboard.html",
        "Program dashboard",
        program,
        stats=stats,
        charts=charts,
        workload=load,
        top_share=percent(load.top_share),
        supply_demand=data.supply_demand,
        min_mentors_for_flag=coordinator.MIN_MENTORS_FOR_FLAG,
    )


# --- Equity --------------------------------------------------------------------------------


@coordinator_only
def equity(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    tables = []
    for table in coordinator.equity(program):
        headings = coordinator.MENTEE_FIGURES if table.role == "Mentees" else coordinator.MENTOR_FIGURES
        rows = []
        for row in table.rows:
            cells = [show_figure(key, row.figures[key]) for key in headings] if not row.suppressed else []
            rows.append({"label": row.label, "suppressed": row.suppressed, "people": row.people, "cells": cells})
        tables.append(
            {"attribute": table.attribute, "role": table.role, "headings": list(headings.values()), "rows": rows}
        )
    return page(
        request,
        "equity.html",
        "Equity by background group",
        program,
        tables=tables,
        min_size=coordinator.MIN_GROUP_SIZE,
    )


def show_figure(key: str, figure: coordinator.Figure) -> str:
    if figure.value is None:
        # Zero and one-to-four read the same, so a blank never tells "nobody" from "a few".
        return f"fewer than {coordinator.MIN_GROUP_SIZE}"
    if key in ("match_rate", "troubled_share", "load_share", "at_capacity_share"):
        return percent(figure.value)
    if key == "median_match_days":
        return days(figure.value)
    return f"{figure.value:.1f}"


# --- CSV -----------------------------------------------------------------------------------


def csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: never in a shared cache
    return response


@coordinator_only
def export_matches(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    response = csv_response(f"matches-{program.slug}-{timezone.localdate():%Y-%m-%d}.csv")
    assert isinstance(request.user, User)
    csv_io.export_matches(response, program=program, by=request.user)
    return response


@coordinator_only
def export_participants(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    response = csv_response(f"participants-{program.slug}-{timezone.localdate():%Y-%m-%d}.csv")
    assert isinstance(request.user, User)
    csv_io.export_participants(response, program=program, by=request.user)
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, with a header row. Required columns: email, role (mentee or mentor).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(label="Only check the file; import nothing", required=False)


@coordinator_only
def import_participants(request: HttpRequest) -> HttpResponse:
    program = chosen_program(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        data = form.cleaned_data["file"].read(csv_io.MAX_IMPORT_BYTES + 1)
        report = csv_io.import_participants(
            data, program=program, by=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    return page(
        request,
        "import.html",
        "Import participants",
        program,
        form=form,
        report=report,
        mentee=Membership.Role.MENTEE,
        mentor=Membership.Role.MENTOR,
        required_columns=csv_io.IMPORT_REQUIRED,
        optional_columns=csv_io.IMPORT_OPTIONAL,
        max_rows=csv_io.MAX_IMPORT_ROWS,
    )
