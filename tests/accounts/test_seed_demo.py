"""manage.py seed_demo: a realistic, diverse, idempotent demo population (PRODUCT §7)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.management import demo
from accounts.models import (
    Background,
    Language,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    User,
    validate_mentee_path,
    validate_mentor_credentials,
    validate_mentor_subspecialties,
)
from accounts.validators import validate_npi, validate_slots
from matching.models import CheckIn, CohortRun, Mentorship, MentorshipRequest, Notification
from matching.services import directory as engine
from matching.services import metrics
from tests.conftest import ensure_reference_data

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
FIXED_LOGINS = (demo.DEMO_MENTEE_EMAIL, demo.DEMO_MENTOR_EMAIL, demo.DEMO_COORDINATOR_EMAIL)


def demo_users() -> Any:
    return User.objects.filter(email__endswith=f"@{demo.DOMAIN}") | User.objects.filter(email__in=FIXED_LOGINS)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Run the command once for the whole module (it takes about a second); clean up after."""
    out = io.StringIO()
    # The same fast hasher as conftest's autouse fixture, which cannot reach a module fixture.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5_HASHER]):
        ensure_reference_data()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        # Every deleted row would bump the matching index version on its own: bump it once.
        with mock.patch.object(engine, "invalidate"):
            CohortRun.objects.filter(created_by__in=demo_users()).delete()
            demo_users().delete()
        engine.invalidate()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "mentors": MentorProfile.objects.count(),
        "mentees": MenteeProfile.objects.count(),
        "background": Background.objects.count(),
        "subspecialties": MentorProfile.subspecialties.through.objects.count(),
        "targets": MenteeProfile.target_specialties.through.objects.count(),
    }


# --- The population --------------------------------------------------------------------------


def test_at_least_150_verified_mentors_across_25_specialties(seeded: str, db: None) -> None:
    program = Program.objects.default()
    verified = MentorProfile.objects.verified().filter(user__memberships__program=program)
    assert verified.count() >= 150
    assert verified.values("specialty").distinct().count() >= 25
    assert verified.filter(subspecialties__slug="orthopaedic-surgery--orthopaedic-sports-medicine").exists()
    assert verified.filter(subspecialties__slug="internal-medicine--cardiovascular-disease").exists()


def test_some_mentors_await_verification(seeded: str, db: None) -> None:
    waiting = MentorProfile.objects.filter(verification=MentorProfile.Verification.UNVERIFIED)
    assert 5 <= waiting.count() <= 20


def test_at_least_300_mentees_at_every_stage(seeded: str, db: None) -> None:
    mentees = MenteeProfile.objects.filter(user__memberships__program=Program.objects.default())
    assert mentees.count() >= 300
    assert set(mentees.values_list("stage", flat=True)) == set(MenteeProfile.Stage.values)


def test_languages_timezones_and_regions_are_varied(seeded: str, db: None) -> None:
    people = [*MentorProfile.objects.select_related("user"), *MenteeProfile.objects.select_related("user")]
    languages = {code for person in people for code in person.languages}
    timezones = {person.user.timezone for person in people}
    assert len(languages) >= 6
    assert {"en", "es", "zh", "hi"} <= languages
    assert languages <= set(Language.values)
    assert len(timezones) >= 5
    assert {"America/New_York", "America/Chicago", "America/Los_Angeles"} <= timezones
    assert timezones - {t for t in timezones if t.startswith(("America/", "Pacific/"))}, "no one abroad"
    english_only = sum(1 for person in people if person.languages == ["en"])
    assert english_only > len(people) / 2


def test_every_background_attribute_appears_with_every_visibility(seeded: str, db: None) -> None:
    rows = set(Background.objects.values_list("attribute", "visibility").distinct())
    assert rows == {(a, v) for a in Background.Attribute.values for v in Background.Visibility.values}


def test_background_proportions_look_like_a_real_program(seeded: str, db: None) -> None:
    mentee_ids = list(MenteeProfile.objects.values_list("user_id", flat=True))
    rows = Background.objects.filter(user_id__in=mentee_ids)
    share = {
        attribute: rows.filter(attribute=attribute, value=True).count() / len(mentee_ids)
        for attribute in ("urm", "first_generation", "international", "lgbtq", "rural", "disability")
    }
    women = rows.filter(attribute="gender_identity", value="woman").count()
    men = rows.filter(attribute="gender_identity", value="man").count()
    assert 0.5 < women / (women + men) < 0.7
    assert 0.12 < share["urm"] < 0.35
    assert 0.12 < share["first_generation"] < 0.35
    assert 0.03 < share["international"] < 0.15
    assert min(share["lgbtq"], share["rural"], share["disability"]) > 0
    # Many people leave attributes unset.
    assert rows.count() < 0.75 * len(mentee_ids) * len(Background.Attribute.values)


def test_profiles_pass_model_validation(seeded: str, db: None) -> None:
    for profile in [*MentorProfile.objects.select_related("user"), *MenteeProfile.objects.select_related("user")]:
        profile.full_clean()
        profile.user.full_clean()
        validate_slots(profile.availability)


def test_profiles_state_facts_that_agree(seeded: str, db: None) -> None:
    """What a person could not save on their profile page, the demo does not hold either."""
    for mentee in MenteeProfile.objects.select_related("current_specialty"):
        validate_mentee_path(**{name: getattr(mentee, name) for name in MenteeProfile.PATH_FIELDS})
    for mentor in MentorProfile.objects.select_related("specialty__parent").prefetch_related("subspecialties"):
        validate_mentor_credentials(
            profession=mentor.profession, specialty=mentor.specialty, board_certified=mentor.board_certified
        )
        validate_mentor_subspecialties(
            profession=mentor.profession, specialty=mentor.specialty, subspecialties=mentor.subspecialties.all()
        )


def test_npis_are_valid_and_unique(seeded: str, db: None) -> None:
    npis = list(MentorProfile.objects.values_list("npi", flat=True))
    assert all(npis)
    assert len(set(npis)) == len(npis)
    for npi in npis:
        validate_npi(npi)


def test_mentors_have_capacity_one_to_five_and_varied_availability(seeded: str, db: None) -> None:
    mentors = list(MentorProfile.objects.all())
    assert {m.capacity for m in mentors} == {1, 2, 3, 4, 5}
    days = {slot["day"] for m in mentors for slot in m.availability}
    assert days == set(range(7))
    assert sum(1 for m in mentors if m.availability) > 0.9 * len(mentors)


def test_some_mentees_make_a_comfort_preference_a_must(seeded: str, db: None) -> None:
    preferences = [p.comfort_preferences for p in MenteeProfile.objects.all()]
    assert any("must" in prefs.values() for prefs in preferences)
    assert sum(1 for prefs in preferences if not prefs) > len(preferences) / 3


def test_everyone_has_a_verified_primary_email(seeded: str, db: None) -> None:
    users = demo_users()
    verified = EmailAddress.objects.filter(user__in=users, verified=True, primary=True)
    assert verified.count() == users.count()


# --- The three fixed logins ------------------------------------------------------------------


@pytest.mark.parametrize("email", FIXED_LOGINS)
def test_demo_logins_authenticate(seeded: str, db: None, email: str) -> None:
    assert authenticate(email=email, password=demo.DEFAULT_PASSWORD) is not None


def test_demo_mentee_signs_in_through_the_login_page(seeded: str, db: None, client: Client, settings: Any) -> None:
    # A private cache: failed-login counters in the shared one outlive earlier runs and lock the login out.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.post(
        reverse("account_login"), {"login": demo.DEMO_MENTEE_EMAIL, "password": demo.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=demo.DEMO_MENTEE_EMAIL).pk)


def test_demo_mentor_gets_an_api_token(seeded: str, db: None) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": demo.DEMO_MENTOR_EMAIL, "password": demo.DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"]


def test_demo_coordinator_is_staff_in_the_group_but_not_superuser(seeded: str, db: None) -> None:
    user = User.objects.get(email=demo.DEMO_COORDINATOR_EMAIL)
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Coordinators").exists()
    assert user.role == Membership.Role.COORDINATOR


def test_demo_mentor_is_a_verified_accepting_orthopaedic_sports_medicine_surgeon(seeded: str, db: None) -> None:
    profile = MentorProfile.objects.get(user__email=demo.DEMO_MENTOR_EMAIL)
    assert profile.user.role == Membership.Role.MENTOR
    assert profile.is_verified and profile.is_accepting()
    assert profile.specialty is not None and profile.specialty.slug == "orthopaedic-surgery"
    assert list(profile.subspecialties.values_list("slug", flat=True)) == [
        "orthopaedic-surgery--orthopaedic-sports-medicine"
    ]
    assert profile.capacity == 3
    assert profile.completeness == 100


def test_demo_mentee_is_an_ms3_aiming_at_orthopaedic_sports_medicine(seeded: str, db: None) -> None:
    profile = MenteeProfile.objects.get(user__email=demo.DEMO_MENTEE_EMAIL)
    assert profile.user.role == Membership.Role.MENTEE
    assert profile.stage == MenteeProfile.Stage.MS3
    assert list(profile.target_specialties.values_list("slug", flat=True)) == [
        "orthopaedic-surgery--orthopaedic-sports-medicine"
    ]
    assert profile.completeness == 100


def test_demo_mentee_finds_the_demo_mentor_first(seeded: str, db: None) -> None:
    mentee = User.objects.get(email=demo.DEMO_MENTEE_EMAIL)
    mentor = User.objects.get(email=demo.DEMO_MENTOR_EMAIL)

    ids, _ = engine.rank_mentors(mentee)

    assert ids[0] == mentor.pk
    reasons = [reason.text for reason in engine.explain_mentors(mentee, [mentor.pk])[mentor.pk].reasons]
    assert "Same certificate: Orthopaedic Sports Medicine" in reasons


def test_default_program_requires_approval(seeded: str, db: None) -> None:
    assert Program.objects.default().approval_required


def test_prints_the_logins_and_a_summary(seeded: str) -> None:
    for email in FIXED_LOGINS:
        assert email in seeded
    assert demo.DEFAULT_PASSWORD in seeded
    assert "created 160 mentors and 320 mentees" in seeded


# --- The past months: every page has content on first run ----------------------------------------


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_history_has_requests_in_every_state(seeded: str, db: None) -> None:
    program = Program.objects.default()
    statuses = set(MentorshipRequest.objects.filter(program=program).values_list("status", flat=True))
    assert statuses == set(MentorshipRequest.Status.values)
    oldest = MentorshipRequest.objects.filter(program=program).order_by("created_at").first()
    assert oldest is not None and (timezone.now() - oldest.created_at).days > 120  # months, not minutes


def test_history_has_live_at_risk_and_ended_mentorships_with_goals_and_check_ins(seeded: str, db: None) -> None:
    mentorships = Mentorship.objects.filter(program=Program.objects.default())
    assert set(mentorships.values_list("status", flat=True)) == set(Mentorship.Status.values)
    live = mentorships.active()
    assert live.filter(goals__done=True).exists() and live.filter(goals__done=False).exists()
    assert live.filter(at_risk=True).exists() and live.filter(at_risk=False).exists()
    checkins = set(CheckIn.objects.filter(mentorship__in=mentorships).values_list("status", flat=True))
    assert checkins == set(CheckIn.Status.values)
    ended = mentorships.exclude(status=Mentorship.Status.ACTIVE)
    assert ended.exclude(mentee_feedback="").exists() and ended.exclude(end_reason="").count() == ended.count()
    for profile in MentorProfile.objects.all():  # history never overbooks anyone
        assert live.filter(mentor=profile.user).count() <= profile.capacity


def test_history_has_a_published_cohort_run_counted_apart(seeded: str, db: None) -> None:
    run = CohortRun.objects.get(program=Program.objects.default(), status=CohortRun.Status.PUBLISHED)
    assert run.pairs.count() == run.report["matched"] > 0
    data = metrics.dashboard(Program.objects.default())
    assert data.cohort_matches == run.pairs.count()
    assert len(data.first_response_days) > 50
    assert data.median_first_response_days is not None and data.median_first_response_days > 0.1


def test_history_notifications_were_delivered_already(seeded: str, db: None) -> None:
    mine = Notification.objects.filter(recipient__email__in=FIXED_LOGINS)
    assert mine.filter(read_at__isnull=True).exists()
    assert not Notification.objects.email_pending().exists()  # make run sends no e-mail for the past


def test_coordinator_dashboard_has_figures_and_charts(seeded: str, db: None) -> None:
    page = signed_in(demo.DEMO_COORDINATOR_EMAIL).get(reverse("coordinator:dashboard")).content.decode()
    assert "Nothing to show yet" not in page
    assert "more from cohort runs" in page
    home = signed_in(demo.DEMO_COORDINATOR_EMAIL).get(reverse("coordinator:home")).content.decode()
    assert "approval" in home.lower()


def test_equity_view_shows_groups_with_figures(seeded: str, db: None) -> None:
    tables = metrics.equity(Program.objects.default())
    shown = [row for table in tables for row in table.rows if not row.suppressed]
    assert any(row.figures.get("match_rate") and row.figures["match_rate"].value for row in shown)
    page = signed_in(demo.DEMO_COORDINATOR_EMAIL).get(reverse("coordinator:equity")).content.decode()
    assert "%" in page


def test_demo_mentor_inbox_has_requests_waiting(seeded: str, db: None) -> None:
    mentor = User.objects.get(email=demo.DEMO_MENTOR_EMAIL)
    assert MentorshipRequest.objects.filter(mentor=mentor, status=MentorshipRequest.Status.PENDING).count() >= 3
    page = signed_in(demo.DEMO_MENTOR_EMAIL).get(reverse("matching:inbox")).content.decode()
    assert "No requests yet" not in page
    assert "Accept" in page


def test_demo_mentees_mentorship_page_shows_goals_and_a_check_in_to_answer(seeded: str, db: None) -> None:
    mentee = User.objects.get(email=demo.DEMO_MENTEE_EMAIL)
    mentorship = Mentorship.objects.active().get(mentee=mentee, mentor__email=demo.DEMO_MENTOR_EMAIL)
    page = signed_in(demo.DEMO_MENTEE_EMAIL).get(reverse("matching:mentorship", args=[mentorship.pk]))
    text = page.content.decode()
    assert "Choose two away rotations" in text
    assert "Answered" in text and "Answer check-in" in text
    held = mentorship.meetings.filter(status="held")
    upcoming = mentorship.meetings.filter(status__in=["accepted", "proposed"], start__gt=timezone.now())
    assert held.count() >= 2 and upcoming.count() == 2
    for meeting in upcoming:
        assert reverse("matching:meeting", args=[meeting.pk]) in text
    assert mentorship.conversation.messages.count() >= 6
    assert mentorship.agreement.confirmed


def test_live_mentorships_that_go_well_are_not_silent(seeded: str, db: None) -> None:
    from matching.services.inactivity import last_activity

    calm = Mentorship.objects.active().filter(at_risk=False, program=Program.objects.default())
    assert calm.exists()
    for mentorship in calm:
        assert (timezone.now() - last_activity(mentorship)).days < 21, mentorship


def test_history_is_written_once(seeded: str, db: None) -> None:
    before = (MentorshipRequest.objects.count(), Mentorship.objects.count(), CheckIn.objects.count())
    run("--quiet")
    assert (MentorshipRequest.objects.count(), Mentorship.objects.count(), CheckIn.objects.count()) == before


# --- Running again ------------------------------------------------------------------------------


def test_running_twice_changes_nothing(seeded: str, db: None) -> None:
    before = table_counts()
    stamps = dict(MentorProfile.objects.values_list("id", "updated_at"))

    output = run()

    assert table_counts() == before
    assert dict(MentorProfile.objects.values_list("id", "updated_at")) == stamps
    assert "created 0 mentors and 0 mentees" in output
    assert demo.DEMO_MENTOR_EMAIL in output


def test_running_again_puts_the_fixed_logins_back_in_their_roles(seeded: str, db: None) -> None:
    coordinator = User.objects.get(email=demo.DEMO_COORDINATOR_EMAIL)
    coordinator.is_superuser = True
    coordinator.save()
    coordinator.groups.clear()
    MentorProfile.objects.filter(user__email=demo.DEMO_MENTOR_EMAIL).update(
        verification=MentorProfile.Verification.UNVERIFIED, accepting=False
    )
    EmailAddress.objects.filter(email=demo.DEMO_MENTEE_EMAIL).update(verified=False)

    run("--quiet")

    coordinator.refresh_from_db()
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.groups.filter(name="Coordinators").exists()
    mentor = MentorProfile.objects.get(user__email=demo.DEMO_MENTOR_EMAIL)
    assert mentor.is_verified and mentor.accepting
    assert EmailAddress.objects.get(email=demo.DEMO_MENTEE_EMAIL).verified


def test_existing_logins_keep_their_password(seeded: str, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "something-else-entirely")

    output = run()

    assert authenticate(email=demo.DEMO_MENTEE_EMAIL, password=demo.DEFAULT_PASSWORD) is not None
    assert "something-else-entirely" not in output


def test_new_logins_take_the_password_from_the_environment(
    seeded: str, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    User.objects.filter(email=demo.DEMO_COORDINATOR_EMAIL).delete()
    monkeypatch.setenv("DEMO_PASSWORD", "a-local-demo-password")

    run("--quiet", "--mentors", "0", "--mentees", "0")

    assert authenticate(email=demo.DEMO_COORDINATOR_EMAIL, password="a-local-demo-password") is not None


def test_a_bigger_run_extends_a_smaller_one(seeded: str, db: None) -> None:
    first = MentorProfile.objects.get(user__email=demo.mentor_email(1))

    output = run("--mentors", "165", "--mentees", "330")

    assert "created 5 mentors and 10 mentees" in output
    assert MentorProfile.objects.get(user__email=demo.mentor_email(165)).npi == demo.make_npi(165)
    assert MentorProfile.objects.get(pk=first.pk).updated_at == first.updated_at


def test_new_mentors_reach_the_directory(seeded: str, db: None, django_capture_on_commit_callbacks: Any) -> None:
    mentee = User.objects.get(email=demo.DEMO_MENTEE_EMAIL)
    engine.rank_mentors(mentee)  # build the index before the newcomers exist

    with django_capture_on_commit_callbacks(execute=True):
        run("--quiet", "--mentors", "175", "--mentees", "0")

    newcomers = set(
        MentorProfile.objects.verified()
        .filter(user__email__in=[demo.mentor_email(n) for n in range(161, 176)])
        .values_list("user_id", flat=True)
    )
    ids, _ = engine.rank_mentors(mentee, include_full=True)
    assert newcomers & set(ids)


def test_quiet_prints_nothing(seeded: str, db: None) -> None:
    assert run("--quiet") == ""


# --- The generator -------------------------------------------------------------------------------


def test_people_are_the_same_on_every_run() -> None:
    assert demo.mentor_spec(42) == demo.mentor_spec(42)
    assert demo.mentee_spec(42) == demo.mentee_spec(42)
    assert demo.mentee_spec(42) != demo.mentee_spec(43)


def test_bios_mention_only_what_the_person_shows_everyone() -> None:
    phrases = {
        "first_generation": "first in my family",
        "rural": ("small town", "rural town"),
        "international": ("trained abroad", "international student"),
    }
    specs = [demo.mentor_spec(n) for n in range(1, 200)] + [demo.mentee_spec(n) for n in range(1, 400)]
    mentioned = 0
    for spec in specs:
        for attribute, words in phrases.items():
            if any(word in spec.bio.lower() for word in ((words,) if isinstance(words, str) else words)):
                mentioned += 1
                assert spec.background.get(attribute) == (True, "everyone"), (spec.email, attribute)
    assert mentioned > 10


def test_the_demo_mentees_say_where_they_are_heading() -> None:
    """Allied-health students name their profession; some name the DO or MD/PhD path; trainees their field and PGY."""
    specs = [demo.mentee_spec(number) for number in range(1, 322)]
    allied = [spec for spec in specs if spec.stage == "allied_health"]
    assert allied and {spec.intended_profession for spec in allied} <= set(demo.ALLIED_HEALTH_PROFESSIONS)
    assert any(spec.intended_profession == "do" for spec in specs)
    assert any(spec.md_phd and spec.intended_profession == "md" for spec in specs)
    trainees = [spec for spec in specs if spec.stage in {"resident", "fellow"} and spec.targets]
    assert trainees and all(spec.current_specialty and spec.training_year for spec in trainees)
    premeds = [spec for spec in specs if spec.stage in MenteeProfile.PREMED_STAGES]
    assert not any(spec.current_specialty or spec.training_year for spec in premeds)
