"""The coordinator's home, dashboard and equity figures, and the program settings admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Background, Program
from matching.scoring.components import COMPONENTS
from matching.services import metrics as coordinator
from matching.services.checkins import mark_at_risk
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    client.force_login(make_coordinator())
    return client


# --- Access --------------------------------------------------------------------------------

COORDINATOR_PAGES = ["coordinator:home", "coordinator:dashboard", "coordinator:equity", "coordinator:import"]


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_send_anonymous_visitors_to_the_admin_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", [*COORDINATOR_PAGES, "coordinator:export_matches", "coordinator:export_participants"])
def test_coordinator_pages_are_closed_to_mentors(client: Client, name: str) -> None:
    client.force_login(make_mentor().user)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_render_with_no_data(coordinator_client: Client, name: str) -> None:
    assert coordinator_client.get(reverse(name)).status_code == 200


# --- Home ----------------------------------------------------------------------------------


def test_home_counts_each_kind_of_waiting_work_and_links_to_the_filtered_list(coordinator_client: Client) -> None:
    make_mentor(verified=False, npi="1234567893")
    make_request()  # pending, unanswered
    at_risk = make_mentorship()
    mark_at_risk(mentorship=at_risk, reason="test")
    program = Program.objects.default()

    work = coordinator.pending_work(program)
    assert work.unverified_mentors == 1
    assert work.unanswered_requests == 1
    assert work.at_risk_mentorships == 1
    assert work.pending_approvals == 0
    # The mentee of the pending request has no mentor yet; the at-risk one has.
    assert work.unmatched_mentees == 1

    page = coordinator_client.get(reverse("coordinator:home")).content.decode()
    unverified_link = reverse("admin:accounts_mentorprofile_changelist") + "?verification__exact=unverified"
    assert unverified_link in page
    at_risk_list = coordinator_client.get(
        reverse("admin:matching_mentorship_changelist"),
        {"status__exact": "active", "at_risk__exact": "1", "program__id__exact": program.pk},
    )
    assert at_risk_list.status_code == 200
    assert at_risk.mentee.email in at_risk_list.content.decode()


def test_unmatched_mentee_filter_lists_only_mentees_without_an_active_mentorship(coordinator_client: Client) -> None:
    lonely = make_mentee()
    matched = make_mentorship()
    response = coordinator_client.get(reverse("admin:accounts_menteeprofile_changelist"), {"matched": "no"})
    page = response.content.decode()
    assert lonely.user.email in page
    assert matched.mentee.email not in page


def test_admin_index_links_to_the_coordinator_home(coordinator_client: Client) -> None:
    page = coordinator_client.get(reverse("admin:index")).content.decode()
    assert reverse("coordinator:home") in page


# --- Dashboard -----------------------------------------------------------------------------


def test_dashboard_figures_count_matches_check_ins_and_ratings() -> None:
    make_mentee()
    live = make_mentorship()
    data = coordinator.dashboard(Program.objects.default())
    assert data.mentees == 2
    assert data.matched_mentees == 1
    assert data.match_rate == 0.5
    assert data.active == 1 and data.at_risk == 0
    assert len(data.match_days) == 1
    assert data.first_response_days and data.median_first_response_days is not None
    assert live.pk


def test_dashboard_renders_svg_charts_with_title_description_and_a_data_table(coordinator_client: Client) -> None:
    make_mentorship()
    page = coordinator_client.get(reverse("coordinator:dashboard")).content.decode()
    assert page.count('<svg role="img"') >= 4
    assert '<title id="chart-status-title">Mentorships by status</title>' in page
    assert 'id="chart-status-desc"' in page
    assert "<table>" in page and '<th scope="row">Active, on track</th>' in page


def test_supply_and_demand_counts_unmatched_mentees_against_open_places() -> None:
    make_mentee(targets=("orthopaedic-surgery--orthopaedic-sports-medicine",))
    make_mentee(targets=("orthopaedic-surgery",))
    mentor = make_mentor(specialty="orthopaedic-surgery", capacity=2)
    make_mentorship(mentor=mentor)  # takes one place, and its mentee is matched (no demand)
    balances = {b.specialty: b for b in coordinator.supply_and_demand(Program.objects.default())}
    orthopaedics = balances["Orthopaedic Surgery"]
    # Both unmatched mentees count once under the primary specialty; one place is left.
    assert (orthopaedics.demand, orthopaedics.supply) == (2, 1)


def test_workload_is_flagged_when_the_busiest_tenth_carries_over_half() -> None:
    concentrated = coordinator.summarise_workload([6, 0, 0, 0, 0, 1, 1, 1, 0, 0])
    assert concentrated.top_count == 1
    assert concentrated.top_share == pytest.approx(6 / 9)
    assert concentrated.concentrated
    assert not coordinator.summarise_workload([1] * 10).concentrated
    # Too few mentors to say anything about concentration.
    assert not coordinator.summarise_workload([5, 0, 0]).concentrated


def test_histogram_puts_values_in_half_open_buckets() -> None:
    assert coordinator.histogram([0, 0.5, 1, 2.5, 40], (0, 1, 2)) == [("0 to 1", 2), ("1 to 2", 1), ("2+", 2)]


# --- Equity --------------------------------------------------------------------------------


def _mentees_with(attribute: str, value: object, visibility: str, count: int) -> list[str]:
    emails = []
    for _ in range(count):
        mentee = make_mentee()
        give_background(mentee.user, attribute, value, visibility)
        emails.append(mentee.user.email)
    return emails


def _table(attribute: str, role: str = "Mentees") -> coordinator.EquityTable | None:
    tables = coordinator.equity(Program.objects.default())
    return next((t for t in tables if t.attribute == attribute and t.role == role), None)


def test_equity_suppresses_groups_smaller_than_five() -> None:
    _mentees_with("gender_identity", "woman", Background.Visibility.COORDINATORS, 5)
    _mentees_with("gender_identity", "nonbinary", Background.Visibility.EVERYONE, 4)
    table = _table("Gender identity")
    assert table is not None
    rows = {row.label: row for row in table.rows}
    assert not rows["Woman"].suppressed and rows["Woman"].people == 5
    assert rows["Woman"].figures["match_rate"].value == 0
    assert rows["Non-binary"].suppressed
    assert rows["Non-binary"].people is None and rows["Non-binary"].figures == {}


def test_equity_counts_private_attributes_nowhere() -> None:
    _mentees_with("race_ethnicity", ["black"], Background.Visibility.PRIVATE, 6)
    assert _table("Race / ethnicity") is None


def test_equity_suppresses_a_figure_that_rests_on_fewer_than_five_people() -> None:
    emails = _mentees_with("first_generation", True, Background.Visibility.COORDINATORS, 6)
    from accounts.models import User

    make_mentorship(mentee=User.objects.get(email=emails[0]))
    table = _table("First-generation college student")
    assert table is not None
    row = table.rows[0]
    assert row.people == 6
    assert row.figures["match_rate"].value == pytest.approx(1 / 6)
    # One matched person: their time to match would be their own number.
    assert row.figures["median_match_days"].suppressed


def test_equity_page_shows_no_individual(coordinator_client: Client) -> None:
    emails = _mentees_with("gender_identity", "woman", Background.Visibility.COORDINATORS, 5)
    small = _mentees_with("lgbtq", True, Background.Visibility.COORDINATORS, 2)
    response = coordinator_client.get(reverse("coordinator:equity"))
    page = response.content.decode()
    assert "Woman" in page
    assert "Fewer than 5 people: not shown" in page
    from accounts.models import User

    for email in emails + small:
        user = User.objects.get(email=email)
        assert email not in page
        assert user.last_name not in page


def test_equity_shows_mentor_load_by_group() -> None:
    mentors = []
    for _ in range(5):
        mentor = make_mentor(capacity=1)
        give_background(mentor.user, "urm", True, Background.Visibility.EVERYONE)
        mentors.append(mentor)
    make_mentorship(mentor=mentors[0])
    table = _table("Under-represented in medicine", role="Mentors")
    assert table is not None
    figures = table.rows[0].figures
    assert figures["mean_load"].value == pytest.approx(0.2)
    assert figures["load_share"].value == 1.0
    assert figures["at_capacity_share"].value == pytest.approx(0.2)


# --- Program settings ----------------------------------------------------------------------


def _program_form(program: Program, **weights: float) -> dict[str, object]:
    data: dict[str, object] = {
        "name": program.name,
        "slug": program.slug,
        "description": program.description,
        "is_default": "on" if program.is_default else "",
        "approval_required": "on" if program.approval_required else "",
        "request_mode": program.request_mode,
        "max_open_requests": program.max_open_requests,
        "request_expiry_days": program.request_expiry_days,
        "checkin_cadence_days": program.checkin_cadence_days,
        "withdraw_other_long_term_requests": "on",
    }
    for name in COMPONENTS:
        data[f"weight_{name}"] = weights.get(name, program.weights.get(name, 1))
    return data


def test_program_admin_has_one_number_input_per_weight(coordinator_client: Client) -> None:
    program = Program.objects.default()
    page = coordinator_client.get(reverse("admin:accounts_program_change", args=[program.pk])).content.decode()
    for name in COMPONENTS:
        assert f'name="weight_{name}"' in page
    assert 'name="weights"' not in page


def test_program_admin_saves_weights_and_records_the_change(coordinator_client: Client) -> None:
    program = Program.objects.default()
    data = _program_form(program, specialty=50)
    data["checkin_cadence_days"] = 21
    response = coordinator_client.post(reverse("admin:accounts_program_change", args=[program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.weights["specialty"] == 50
    assert program.checkin_cadence_days == 21
    event = AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGED)
    assert event.detail["changes"]["checkin_cadence_days"] == {"from": 14, "to": 21}
    assert event.detail["changes"]["weights"]["to"]["specialty"] == 50


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({name: 0 for name in COMPONENTS}, "At least one weight must be above 0."),
        ({"goals": -1}, "Ensure this value is greater than or equal to 0."),
        ({"goals": 1e-9}, "The weight of goals must be 0 or at least 1e-06."),
        ({"goals": "many"}, "Enter a number."),
    ],
)
def test_program_admin_rejects_bad_weights_and_changes_nothing(
    coordinator_client: Client, weights: dict[str, object], message: str
) -> None:
    program = Program.objects.default()
    before = dict(program.weights)
    response = coordinator_client.post(
        reverse("admin:accounts_program_change", args=[program.pk]),
        _program_form(program, **weights),  # type: ignore[arg-type]
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    program.refresh_from_db()
    assert program.weights == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGED).exists()


# --- Audit log -----------------------------------------------------------------------------


def test_viewing_background_pages_is_audited(coordinator_client: Client) -> None:
    mentee = make_mentee()
    give_background(mentee.user, "rural", True, Background.Visibility.COORDINATORS)
    row = Background.objects.get(user=mentee.user)
    # Never filtered by attribute (identity is not a filter: the allow-list refuses it); by visibility.
    listing = coordinator_client.get(
        reverse("admin:accounts_background_changelist"), {"visibility__exact": "coordinators"}
    )
    assert listing.status_code == 200
    assert (
        coordinator_client.get(
            reverse("admin:accounts_background_changelist"), {"attribute__exact": "rural"}
        ).status_code
        == 400
    )
    coordinator_client.get(reverse("admin:accounts_background_change", args=[row.pk]))
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED_SENSITIVE).order_by("at", "pk"))
    assert [e.target for e in events] == ["background list", f"background #{row.pk}"]
    assert events[0].detail == {"query": {"visibility__exact": "coordinators"}}
    assert all(e.actor and e.actor.is_staff for e in events)


def test_audit_log_is_readable_by_coordinators_and_editable_by_nobody(coordinator_client: Client) -> None:
    event = AuditEvent.record(actor=None, action=AuditEvent.Action.EXPORTED, target="matches.csv", rows=3)
    listing = coordinator_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert listing.status_code == 200
    assert "matches.csv" in listing.content.decode()
    assert coordinator_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    detail = coordinator_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="target"' not in detail.content.decode()  # shown, not editable
    coordinator_client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
