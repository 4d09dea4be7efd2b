"""Cohort matching: propose, edit, publish, the task, and the coordinator's admin pages."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Background, MentorProfile, Program, User
from matching.models import CohortPair, CohortRun, Mentorship, MentorshipRequest, Notification
from matching.services import cohort
from matching.services import directory as engine
from matching.services.requests import RuleBroken
from matching.tasks import run_cohort
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

ALWAYS = ["mon-eve"]
EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]
TOPICS = ["residency_applications", "research", "career_planning", "specialty_choice", "mock_interview"]


def mentee(**fields: Any) -> User:
    fields.setdefault("targets", ("orthopaedic-surgery",))
    fields.setdefault("stage", "ms3")
    fields.setdefault("topics", TOPICS[:3])
    fields.setdefault("availability", EVENINGS)
    return make_mentee(**fields).user


def mentor(**fields: Any) -> User:
    fields.setdefault("specialty", "orthopaedic-surgery")
    fields.setdefault("topics", TOPICS)
    fields.setdefault("availability", EVENINGS)
    fields.setdefault("capacity", 1)
    return make_mentor(**fields).user


def proposed(coordinator: User, **settings: Any) -> CohortRun:
    """A run through the real task, as the admin starts it."""
    options: dict[str, Any] = {
        "algorithm": "optimal",
        "min_score": 40.0,
        "max_load": None,
        "mentee_filter": {"unmatched_only": True},
        "mentor_filter": {"accepting_only": True},
    }
    options.update(settings)
    run = cohort.create_run(program=Program.objects.default(), by=coordinator, **options)
    assert run_cohort(run.pk) == "proposed"
    run.refresh_from_db()
    return run


@pytest.fixture
def coordinator() -> User:
    return make_coordinator()


# --- Propose ------------------------------------------------------------------------------


def test_propose_pairs_mentees_within_capacity_and_explains_the_unmatched(coordinator: User) -> None:
    people = [mentee() for _ in range(4)]
    mentors = [mentor(capacity=1), mentor(capacity=1)]

    run = proposed(coordinator)

    assert run.status == CohortRun.Status.PROPOSED
    assert run.progress == 100
    assert run.pairs.count() == 2
    assert {p.mentor_id for p in run.pairs.all()} == {m.pk for m in mentors}
    unmatched = {item["mentee"]: item["reason"] for item in run.report["unmatched"]}
    assert set(unmatched) | {p.mentee_id for p in run.pairs.all()} == {p.pk for p in people}
    assert all("full" in reason for reason in unmatched.values())
    assert run.report["matched"] == 2
    assert run.engine_seconds is not None and run.db_seconds is not None


def test_unmatched_reason_names_the_minimum_score_when_no_mentor_reaches_it(coordinator: User) -> None:
    lonely = mentee(targets=("dermatology",), topics=["global_health"], availability=[])
    mentor(specialty="orthopaedic-surgery", topics=["board_exams"], availability=[])

    run = proposed(coordinator, min_score=95.0)

    [item] = run.report["unmatched"]
    assert item["mentee"] == lonely.pk
    assert item["reason"].startswith("No mentor scores the minimum of 95.0")


def test_every_proposed_pair_scores_at_least_the_minimum(coordinator: User) -> None:
    for target in ("orthopaedic-surgery", "dermatology", "pediatrics", "orthopaedic-surgery"):
        mentee(targets=(target,))
    mentor(specialty="orthopaedic-surgery", capacity=2)
    mentor(specialty="dermatology", capacity=2)

    for algorithm in ("stable", "optimal"):
        run = proposed(coordinator, algorithm=algorithm, min_score=60.0)
        assert run.pairs.exists()
        assert all(pair.score >= 60.0 for pair in run.pairs.all())
        assert run.report["lowest_score"] >= 60.0


def test_max_load_counts_current_mentees_too(coordinator: User) -> None:
    busy = mentor(capacity=4)
    make_mentorship(mentee=mentee(), mentor=busy)
    for _ in range(4):
        mentee()

    run = proposed(coordinator, max_load=2)

    assert run.pairs.filter(mentor=busy).count() == 1  # 2 at most, 1 already taken


def test_unmatched_only_leaves_out_mentees_with_an_active_mentorship(coordinator: User) -> None:
    matched = mentee()
    make_mentorship(mentee=matched, mentor=mentor(capacity=3))
    free = mentee()

    run = proposed(coordinator)

    in_run = {p.mentee_id for p in run.pairs.all()} | {i["mentee"] for i in run.report["unmatched"]}
    assert in_run == {free.pk}


def test_unmatched_only_leaves_out_mentees_whose_match_awaits_approval(coordinator: User) -> None:
    """Issue 14: publishing, then approving the awaited match, gave a mentee two long-term mentors."""
    from matching.services.requests import accept_request

    Program.objects.filter(is_default=True).update(approval_required=True)
    waiting = mentee()
    request = make_request(mentee=waiting, mentor=mentor(capacity=3))
    accept_request(request=request, by=request.mentor)
    free = mentee()

    run = proposed(coordinator)

    in_run = {p.mentee_id for p in run.pairs.all()} | {i["mentee"] for i in run.report["unmatched"]}
    assert in_run == {free.pk}


# --- Privacy of reasons ----------------------------------------------------------------------


def _sensitive_pair(mentee_visibility: str) -> tuple[User, User]:
    person = mentee(comfort_preferences={"gender_identity": "important"})
    give_background(person, "gender_identity", "woman", mentee_visibility)
    guide = mentor(preferred_groups=["women"])
    give_background(guide, "gender_identity", "woman", Background.Visibility.EVERYONE)
    return person, guide


def test_a_mentees_only_me_answer_counts_nowhere_in_a_cohort_run(coordinator: User) -> None:
    person, guide = _sensitive_pair(Background.Visibility.PRIVATE)
    raw, mentee_seen, _ = cohort.pair_match(CohortRun(program=Program.objects.default()), person.pk, guide.pk)
    assert raw is not None
    # Coordinators read the run: the mentee's "only me" gender is not in what they are handed.
    assert mentee_seen.background.gender_identity is None
    assert "comfort" not in raw.components
    assert raw.components["mentor_preference"] == 0.0
    raw_texts = " ".join(r.text for r in raw.reasons)
    assert "gender" not in raw_texts.lower() and "women" not in raw_texts.lower()

    run = proposed(coordinator)

    [pair] = run.pairs.all()
    assert pair.score == raw.score
    shown = " ".join(pair.reasons)
    assert "gender" not in shown.lower() and "women" not in shown.lower()
    assert "Matches the mentee's comfort preferences" not in pair.reasons


def test_pair_reasons_name_what_the_mentee_shows_coordinators(coordinator: User) -> None:
    _sensitive_pair(Background.Visibility.COORDINATORS)

    run = proposed(coordinator)

    [pair] = run.pairs.all()
    assert "Shares your gender identity" in pair.reasons


# --- Edit ----------------------------------------------------------------------------------


def test_remove_puts_the_mentee_in_the_unmatched_list(coordinator: User) -> None:
    mentee(), mentor()
    run = proposed(coordinator)
    pair = run.pairs.get()

    run = cohort.remove_pair(run=run, pair_id=pair.pk, by=coordinator)

    assert not run.pairs.exists()
    assert run.report["unmatched"][0] == {"mentee": pair.mentee_id, "reason": cohort.REMOVED}
    assert run.report["matched"] == 0 and run.report["edited"]


def test_swap_exchanges_mentors_and_rescores_both_pairs(coordinator: User) -> None:
    surgeon_fan = mentee(targets=("orthopaedic-surgery",))
    skin_fan = mentee(targets=("dermatology",))
    surgeon = mentor(specialty="orthopaedic-surgery")
    dermatologist = mentor(specialty="dermatology")
    run = proposed(coordinator, min_score=0.0)
    before = {p.mentee_id: p for p in run.pairs.all()}
    assert before[surgeon_fan.pk].mentor_id == surgeon.pk

    cohort.swap_pairs(run=run, first_id=before[surgeon_fan.pk].pk, second_id=before[skin_fan.pk].pk, by=coordinator)

    after = {p.mentee_id: p for p in run.pairs.all()}
    assert after[surgeon_fan.pk].mentor_id == dermatologist.pk
    assert after[skin_fan.pk].mentor_id == surgeon.pk
    assert after[surgeon_fan.pk].score < before[surgeon_fan.pk].score
    assert after[surgeon_fan.pk].edited and after[skin_fan.pk].edited
    assert run.pairs.values("mentee").annotate(n=Count("pk")).filter(n__gt=1).count() == 0


def test_swap_refuses_a_pair_below_the_minimum_score(coordinator: User) -> None:
    mentee(targets=("orthopaedic-surgery",)), mentee(targets=("dermatology",))
    mentor(specialty="orthopaedic-surgery"), mentor(specialty="dermatology")
    run = proposed(coordinator, min_score=0.0)
    first, second = run.pairs.all()
    best = min(first.score, second.score)
    run.min_score = best  # as if the coordinator had asked for this minimum
    run.save(update_fields=["min_score"])

    with pytest.raises(RuleBroken, match="below the run's minimum"):
        cohort.swap_pairs(run=run, first_id=first.pk, second_id=second.pk, by=coordinator)
    assert {p.pk: p.mentor_id for p in run.pairs.all()} == {first.pk: first.mentor_id, second.pk: second.mentor_id}


def test_reassign_moves_a_mentee_and_keeps_one_pair_per_mentee(coordinator: User) -> None:
    person = mentee()
    first, second = mentor(capacity=1), mentor(capacity=1)
    run = proposed(coordinator)
    pair = run.pairs.get(mentee=person)
    other = second if pair.mentor_id == first.pk else first

    cohort.reassign(run=run, mentee_id=person.pk, mentor_id=other.pk, by=coordinator)

    assert list(run.pairs.values_list("mentee_id", "mentor_id")) == [(person.pk, other.pk)]
    assert run.pairs.get().edited


def test_reassign_an_unmatched_mentee_to_a_mentor_with_room(coordinator: User) -> None:
    first, second = mentee(), mentee()
    guide = mentor(capacity=1)
    run = proposed(coordinator)
    left_out = next(p for p in (first, second) if not run.pairs.filter(mentee=p).exists())

    with pytest.raises(RuleBroken, match="no place left"):
        cohort.reassign(run=run, mentee_id=left_out.pk, mentor_id=guide.pk, by=coordinator)

    MentorProfile.objects.filter(user=guide).update(capacity=2)
    run = cohort.reassign(run=run, mentee_id=left_out.pk, mentor_id=guide.pk, by=coordinator)
    assert run.pairs.filter(mentee=left_out, mentor=guide).exists()
    assert all(item["mentee"] != left_out.pk for item in run.report["unmatched"])
    assert run.report["matched"] == 2


def test_reassign_refuses_a_mentee_outside_the_run(coordinator: User) -> None:
    mentee(), mentor(capacity=2)
    run = proposed(coordinator)
    stranger = make_mentee().user

    with pytest.raises(RuleBroken, match="not part of this cohort run"):
        cohort.reassign(run=run, mentee_id=stranger.pk, mentor_id=run.pairs.get().mentor_id, by=coordinator)


# --- Publish and discard ------------------------------------------------------------------------


def test_publish_starts_mentorships_and_introduces_both_sides(coordinator: User) -> None:
    people = [mentee() for _ in range(3)]
    mentor(capacity=2), mentor(capacity=1)
    run = proposed(coordinator)

    run = cohort.publish(run=run, by=coordinator)

    assert run.status == CohortRun.Status.PUBLISHED
    live = Mentorship.objects.active()
    assert {m.mentee_id for m in live} == {p.pk for p in people}
    assert all(m.request.status == MentorshipRequest.Status.MATCHED for m in live)
    intros = Notification.objects.filter(kind=Notification.Kind.MATCH_LIVE)
    assert intros.count() == 2 * live.count()
    assert run.report["published"] == {"as": "mentorships", "created": 3, "skipped": []}
    event = AuditEvent.objects.get(action=AuditEvent.Action.COHORT_PUBLISHED)
    assert event.actor == coordinator and event.detail["created"] == 3


def test_publish_twice_publishes_once(coordinator: User) -> None:
    mentee(), mentee(), mentor(capacity=2)
    run = proposed(coordinator)

    cohort.publish(run=run, by=coordinator)
    counts = (Mentorship.objects.count(), Notification.objects.count())
    cohort.publish(run=run, by=coordinator)

    assert (Mentorship.objects.count(), Notification.objects.count()) == counts == (2, 4)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COHORT_PUBLISHED).count() == 1


def test_publishing_goes_in_batches_with_progress_on_the_review_page(coordinator: User, client: Any) -> None:
    for _ in range(5):
        mentee()
    mentor(capacity=5)
    run = proposed(coordinator)
    cohort.start_publishing(run=run, by=coordinator)

    assert cohort.publish_batch(run.pk, size=2)
    assert Mentorship.objects.count() == 2  # one batch, one transaction
    run.refresh_from_db()
    assert (run.status, run.progress, run.progress_message) == ("publishing", 40, "Published 2 of 5 pairs")
    client.force_login(coordinator)
    page = client.get(reverse("admin:matching_cohortrun_review", args=[run.pk])).content.decode()
    assert 'aria-valuenow="40"' in page and "Published 2 of 5 pairs" in page
    assert cohort.start_publishing(run=run, by=coordinator).status == "publishing"  # a second click: no restart

    assert cohort.publish_batches(run.pk, size=2)
    run.refresh_from_db()
    assert run.status == "published" and Mentorship.objects.count() == 5
    assert not cohort.publish_batch(run.pk)  # a late task: nothing to do
    assert Mentorship.objects.count() == 5


def test_publish_never_exceeds_capacity_or_max_load(coordinator: User) -> None:
    mentors = [mentor(capacity=c) for c in (1, 3, 3)]
    make_mentorship(mentee=mentee(), mentor=mentors[1])
    for _ in range(8):
        mentee()
    run = proposed(coordinator, max_load=2)
    # Meanwhile the first mentor fills up through the ordinary workflow.
    make_mentorship(mentee=make_mentee().user, mentor=mentors[0])

    run = cohort.publish(run=run, by=coordinator)

    for profile in MentorProfile.objects.filter(user__in=mentors):
        active = Mentorship.objects.active().filter(mentor=profile.user).count()
        assert active <= min(profile.capacity, 2)
    skipped = run.report["published"]["skipped"]
    assert [item["mentor"] for item in skipped] == [mentors[0].pk]
    assert "no place left" in skipped[0]["reason"]


def test_publish_sends_requests_where_only_mentees_may_request(coordinator: User) -> None:
    Program.objects.filter(is_default=True).update(request_mode=Program.RequestMode.MENTEE)
    person = mentee()
    guide = mentor()
    run = proposed(coordinator)

    cohort.publish(run=run, by=coordinator)

    assert not Mentorship.objects.exists()
    request = MentorshipRequest.objects.get()
    assert (request.mentee, request.mentor, request.status) == (person, guide, MentorshipRequest.Status.PENDING)
    assert request.score == run.pairs.get().score
    assert Notification.objects.filter(recipient=guide, kind=Notification.Kind.REQUEST_CREATED).exists()


def test_publish_turns_an_open_request_between_the_pair_into_the_match(coordinator: User) -> None:
    from tests.factories import make_request

    person, guide = mentee(), mentor()
    request = make_request(mentee=person, mentor=guide)
    run = proposed(coordinator)

    cohort.publish(run=run, by=coordinator)

    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.MATCHED
    assert Mentorship.objects.get().request == request


def test_published_or_discarded_runs_cannot_be_edited(coordinator: User) -> None:
    mentee(), mentor()
    run = proposed(coordinator)
    pair = run.pairs.get()
    cohort.publish(run=run, by=coordinator)

    with pytest.raises(RuleBroken, match="can't be edited"):
        cohort.remove_pair(run=run, pair_id=pair.pk, by=coordinator)
    with pytest.raises(RuleBroken, match="can't be discarded"):
        cohort.discard(run=run, by=coordinator)


def test_discard_publishes_nothing(coordinator: User) -> None:
    mentee(), mentor()
    run = proposed(coordinator)

    run = cohort.discard(run=run, by=coordinator)

    assert run.status == CohortRun.Status.DISCARDED
    assert not CohortPair.objects.exists()
    with pytest.raises(RuleBroken):
        cohort.publish(run=run, by=coordinator)
    assert not Mentorship.objects.exists()


# --- The task -----------------------------------------------------------------------------------


def test_task_is_idempotent(coordinator: User) -> None:
    mentee(), mentor()
    run = proposed(coordinator)
    pairs = list(run.pairs.values_list("pk", flat=True))

    assert run_cohort(run.pk) == "nothing to do"
    assert list(run.pairs.values_list("pk", flat=True)) == pairs
    assert run_cohort(999_999) == "nothing to do"


def test_task_records_a_failure_on_the_run(coordinator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(run: CohortRun, **kwargs: Any) -> CohortRun:
        raise ValueError("scores went missing")

    monkeypatch.setattr(cohort, "propose", broken)
    run = cohort.create_run(
        program=Program.objects.default(),
        by=coordinator,
        algorithm="stable",
        min_score=40,
        max_load=None,
        mentee_filter={},
        mentor_filter={},
    )

    assert run_cohort(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == CohortRun.Status.FAILED
    assert "scores went missing" in run.progress_message


def test_task_reports_progress_in_steps(coordinator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    mentee(), mentor()
    seen: list[int] = []
    real = cohort.propose

    def spy(run: CohortRun, *, progress: cohort.Progress) -> CohortRun:
        def record(percent: int, message: str) -> None:
            progress(percent, message)
            seen.append(CohortRun.objects.get(pk=run.pk).progress)

        return real(run, progress=record)

    monkeypatch.setattr(cohort, "propose", spy)
    proposed(coordinator)

    assert seen == [10, 40, 80]


# --- Scale: the whole demo population ---------------------------------------------------------


def test_whole_demo_population_is_matched_and_published_within_the_rules(coordinator: User) -> None:
    call_command("seed_demo", "--quiet", "--no-history")  # the whole population, none matched yet
    engine.reset()
    timings = {}
    for algorithm in ("stable", "optimal"):
        started = time.perf_counter()
        run = proposed(coordinator, algorithm=algorithm, min_score=45.0, max_load=3)
        timings[algorithm] = time.perf_counter() - started
        report = run.report
        assert report["mentees"] > 300 and report["mentors"] > 100
        assert report["matched"] == run.pairs.count() > 250
        assert report["matched"] + len(report["unmatched"]) == report["mentees"]
        assert all(item["reason"] for item in report["unmatched"])
        assert all(pair.score >= 45.0 for pair in run.pairs.all())
        assert max(Counter(run.pairs.values_list("mentor_id", flat=True)).values()) <= 3
    assert report["blocking_pairs"] >= 0
    stable = CohortRun.objects.filter(algorithm="stable").get()
    assert stable.report["blocking_pairs"] == 0
    print(f"\ndemo cohort: stable {timings['stable']:.2f} s, optimal {timings['optimal']:.2f} s")

    cohort.publish(run=run, by=coordinator)

    for profile in MentorProfile.objects.verified():
        active = Mentorship.objects.active().filter(mentor=profile.user).count()
        assert active <= profile.capacity
    assert Mentorship.objects.active().values("mentee").annotate(n=Count("pk")).filter(n__gt=1).count() == 0


# --- Admin pages ----------------------------------------------------------------------------------


def _pages(run: CohortRun) -> list[tuple[str, str]]:
    return [
        ("get", reverse("admin:matching_cohortrun_changelist")),
        ("get", reverse("admin:matching_cohortrun_add")),
        ("get", reverse("admin:matching_cohortrun_progress", args=[run.pk])),
        ("get", reverse("admin:matching_cohortrun_review", args=[run.pk])),
        ("post", reverse("admin:matching_cohortrun_edit", args=[run.pk])),
        ("post", reverse("admin:matching_cohortrun_publish", args=[run.pk])),
        ("post", reverse("admin:matching_cohortrun_discard", args=[run.pk])),
    ]


def test_admin_pages_turn_away_everyone_but_coordinators(client: Any, coordinator: User) -> None:
    mentee(), mentor()
    run = proposed(coordinator)
    for visitor in (None, make_mentee().user, mentor()):
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for method, url in _pages(run):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 403), (visitor, url)
            if response.status_code == 302:
                assert reverse("admin:login") in response["Location"]
    run.refresh_from_db()
    assert run.status == CohortRun.Status.PROPOSED


def test_coordinator_sets_up_reviews_edits_and_publishes_in_the_admin(
    client: Any, coordinator: User, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    people = [mentee() for _ in range(3)]
    mentor(capacity=2), mentor(capacity=1)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:matching_cohortrun_add"),
        {
            "program": Program.objects.default().pk,
            "unmatched_only": "on",
            "accepting_only": "on",
            "algorithm": "stable",
            "min_score": "40",
            "max_load": "",
        },
    )
    run = CohortRun.objects.get()
    assert response["Location"] == reverse("admin:matching_cohortrun_progress", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'aria-valuenow="100"' in page and "Review the proposal" in page

    review = client.get(reverse("admin:matching_cohortrun_review", args=[run.pk])).content.decode()
    for person in people:
        assert person.get_full_name() in review
    pair = run.pairs.order_by("pk").first()
    assert pair is not None
    client.post(reverse("admin:matching_cohortrun_edit", args=[run.pk]), {"remove": pair.pk})
    assert run.pairs.count() == 2
    review = client.get(reverse("admin:matching_cohortrun_review", args=[run.pk])).content.decode()
    assert f'<option value="{pair.mentee_id}">{pair.mentee.get_full_name()}</option>' in review  # unmatched, named

    publish = reverse("admin:matching_cohortrun_publish", args=[run.pk])
    client.post(publish, {"confirmed": "yes"})
    client.post(publish, {"confirmed": "yes"})  # a double click
    assert Mentorship.objects.active().count() == 2
    assert not Mentorship.objects.filter(mentee=pair.mentee).exists()
    run.refresh_from_db()
    assert run.status == CohortRun.Status.PUBLISHED
    assert (
        "2 mentorships created"
        in client.get(reverse("admin:matching_cohortrun_review", args=[run.pk])).content.decode()
    )


def test_admin_setup_rejects_a_bad_minimum_score(client: Any, coordinator: User) -> None:
    client.force_login(coordinator)

    response = client.post(reverse("admin:matching_cohortrun_add"), {"algorithm": "stable", "min_score": "140"})

    assert response.status_code == 200
    assert not CohortRun.objects.exists()
    assert "less than or equal to 100" in response.content.decode()


def test_admin_swap_needs_exactly_two_ticked_pairs(client: Any, coordinator: User) -> None:
    mentee(targets=("orthopaedic-surgery",)), mentee(targets=("dermatology",))
    mentor(specialty="orthopaedic-surgery"), mentor(specialty="dermatology")
    run = proposed(coordinator, min_score=0.0)
    first, second = run.pairs.order_by("pk")
    edit = reverse("admin:matching_cohortrun_edit", args=[run.pk])
    client.force_login(coordinator)

    response = client.post(edit, {"action": "swap", "swap": [first.pk]}, follow=True)
    assert "Tick exactly two pairs" in response.content.decode()

    response = client.post(edit, {"action": "swap", "swap": [first.pk, second.pk]}, follow=True)
    assert "Mentors swapped" in response.content.decode()
    assert run.pairs.get(pk=first.pk).mentor_id == second.mentor_id
    assert run.pairs.get(pk=second.pk).mentor_id == first.mentor_id


def test_admin_assigns_an_unmatched_mentee(client: Any, coordinator: User) -> None:
    first, second = mentee(), mentee()
    guide = mentor(capacity=1)
    run = proposed(coordinator)
    left_out = next(p for p in (first, second) if not run.pairs.filter(mentee=p).exists())
    MentorProfile.objects.filter(user=guide).update(capacity=2)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:matching_cohortrun_edit", args=[run.pk]),
        {"action": "reassign", "mentee": left_out.pk, "mentor": guide.pk},
        follow=True,
    )

    assert "Mentee assigned" in response.content.decode()
    assert run.pairs.filter(mentee=left_out, mentor=guide).exists()


def test_cohort_matches_are_counted_apart_from_answered_requests_on_the_dashboard(coordinator: User) -> None:
    from matching.services import metrics

    people = [mentee() for _ in range(3)]
    mentor(capacity=3)
    cohort.publish(run=proposed(coordinator), by=coordinator)
    assert Mentorship.objects.active().count() == len(people)

    data = metrics.dashboard(Program.objects.default())

    assert data.first_response_days == []  # no mentor answered anything: nothing to time
    assert data.match_days == []
    assert data.cohort_matches == 3
    page = Client()
    page.force_login(coordinator)
    text = page.get(reverse("coordinator:dashboard")).content.decode()
    assert "3 more from cohort runs" in text
    assert "over 3 answered requests" not in text
