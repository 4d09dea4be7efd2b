"""Check-ins: scheduled on the cadence (once per period however often the scheduler runs),
reminded after 3 days, missed when the next falls due, and the at-risk rule."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from matching.models import CheckIn, Mentorship, Notification
from matching.services import notifications
from matching.services.checkins import (
    answer_checkin,
    create_due_checkins,
    remind_and_close_checkins,
    send_weekly_digest,
)
from matching.services.requests import RuleBroken
from tests.factories import make_coordinator, make_mentorship

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(notifications, "enqueue", ids.append)
    return ids


def start_of(mentorship: Mentorship) -> datetime.date:
    return timezone.localdate(mentorship.started_at)


def period_day(mentorship: Mentorship, n: int) -> datetime.date:
    return start_of(mentorship) + n * mentorship.program.checkin_cadence_days * DAY


def count(user: User, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def answer(checkin: CheckIn, user: User, rating: int = 4, concern: str = "") -> Any:
    return answer_checkin(checkin=checkin, user=user, met=True, rating=rating, progress="Drafted", concern=concern)


# --- Scheduling ------------------------------------------------------------------------------------


def test_no_check_in_before_the_first_period() -> None:
    mentorship = make_mentorship()
    assert create_due_checkins(today=period_day(mentorship, 1) - DAY) == 0
    assert not CheckIn.objects.exists()


def test_the_scheduler_run_three_times_creates_one_check_in_per_mentorship_per_period() -> None:
    first, second = make_mentorship(), make_mentorship()
    today = period_day(first, 1)
    runs = [create_due_checkins(today=today) for _ in range(3)]
    assert runs == [2, 0, 0]
    for mentorship in (first, second):
        [checkin] = mentorship.checkins.all()
        assert (checkin.period, checkin.due_on) == (1, today)
    # Days later, still inside period 1: nothing new; a whole cadence later: period 2, once.
    assert create_due_checkins(today=today + 5 * DAY) == 0
    assert [create_due_checkins(today=period_day(first, 2)) for _ in range(3)] == [2, 0, 0]
    assert sorted(first.checkins.values_list("period", flat=True)) == [1, 2]


def test_a_due_check_in_is_sent_to_both_sides_with_a_one_click_link() -> None:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    create_due_checkins(today=period_day(mentorship, 1))
    for person in (mentorship.mentee, mentorship.mentor):
        [notification] = Notification.objects.filter(recipient=person, kind=Kind.CHECKIN_DUE)
        assert "/checkins/answer/" in notification.body_text
        assert "/checkins/answer/" in notification.body_html


def test_the_programs_cadence_sets_the_period() -> None:
    mentorship = make_mentorship()
    mentorship.program.checkin_cadence_days = 7
    mentorship.program.save()
    assert create_due_checkins(today=start_of(mentorship) + 7 * DAY) == 1
    assert CheckIn.objects.get().due_on == start_of(mentorship) + 7 * DAY


def test_a_task_mentorship_gets_one_check_in_at_its_due_date() -> None:
    due = timezone.localdate() + 10 * DAY
    mentorship = make_mentorship(kind="task", task="Review my personal statement", due_date=due)
    assert create_due_checkins(today=due - DAY) == 0
    assert create_due_checkins(today=due) == 1
    assert create_due_checkins(today=due + 30 * DAY) == 0
    [checkin] = mentorship.checkins.all()
    assert checkin.due_on == due


def test_ended_mentorships_get_no_check_ins() -> None:
    mentorship = make_mentorship()
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.COMPLETED)
    assert create_due_checkins(today=period_day(mentorship, 3)) == 0


# --- Reminders and misses ------------------------------------------------------------------------


def test_a_reminder_goes_after_three_days_once_and_only_to_who_has_not_answered() -> None:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    checkin = CheckIn.objects.get()
    answer(checkin, mentorship.mentor)
    remind_and_close_checkins(today=checkin.due_on + 2 * DAY)
    assert count(mentorship.mentee, Kind.CHECKIN_REMINDER) == 0
    for _ in range(3):
        remind_and_close_checkins(today=checkin.due_on + 3 * DAY)
    remind_and_close_checkins(today=checkin.due_on + 6 * DAY)
    assert count(mentorship.mentee, Kind.CHECKIN_REMINDER) == 1
    assert count(mentorship.mentor, Kind.CHECKIN_REMINDER) == 0


def test_an_unanswered_check_in_is_missed_when_the_next_falls_due() -> None:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    remind_and_close_checkins(today=period_day(mentorship, 2) - DAY)
    assert CheckIn.objects.get().status == CheckIn.Status.OPEN
    remind_and_close_checkins(today=period_day(mentorship, 2))
    remind_and_close_checkins(today=period_day(mentorship, 2))
    assert CheckIn.objects.get().status == CheckIn.Status.MISSED
    assert count(mentorship.mentee, Kind.CHECKIN_MISSED) == 1
    assert count(mentorship.mentor, Kind.CHECKIN_MISSED) == 1
    mentorship.refresh_from_db()
    assert not mentorship.at_risk  # one miss is not yet a pattern


def test_two_misses_in_a_row_mark_the_mentorship_at_risk_and_alert_coordinators() -> None:
    coordinator = make_coordinator()
    mentorship = make_mentorship()
    for n in (1, 2, 3):
        create_due_checkins(today=period_day(mentorship, n))
        remind_and_close_checkins(today=period_day(mentorship, n + 1))
    mentorship.refresh_from_db()
    assert mentorship.at_risk
    assert count(coordinator, Kind.AT_RISK) == 1  # once, not again for the third miss
    assert "missed" in Notification.objects.get(recipient=coordinator, kind=Kind.AT_RISK).body_text


def test_a_miss_followed_by_an_answered_check_in_is_not_at_risk() -> None:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    remind_and_close_checkins(today=period_day(mentorship, 2))
    create_due_checkins(today=period_day(mentorship, 2))
    second = mentorship.checkins.get(period=2)
    answer(second, mentorship.mentee)
    answer(second, mentorship.mentor)
    create_due_checkins(today=period_day(mentorship, 3))
    remind_and_close_checkins(today=period_day(mentorship, 4))
    mentorship.refresh_from_db()
    assert mentorship.checkins.get(period=2).status == CheckIn.Status.COMPLETED
    assert not mentorship.at_risk


# --- Answers and the at-risk rule -------------------------------------------------------------------


@pytest.fixture
def due() -> tuple[Mentorship, CheckIn]:
    mentorship = make_mentorship()
    create_due_checkins(today=period_day(mentorship, 1))
    return mentorship, mentorship.checkins.get()


def test_both_answers_complete_the_check_in(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer(checkin, mentorship.mentee)
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.OPEN
    answer(checkin, mentorship.mentor)
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.COMPLETED


def test_each_side_answers_once(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer(checkin, mentorship.mentee)
    with pytest.raises(RuleBroken) as broken:
        answer(checkin, mentorship.mentee)
    assert broken.value.code == "already_answered"


def test_only_the_two_people_answer(due: tuple[Mentorship, CheckIn]) -> None:
    _, checkin = due
    with pytest.raises(RuleBroken) as broken:
        answer(checkin, make_coordinator())
    assert broken.value.code == "not_your_mentorship"


@pytest.mark.parametrize(("rating", "concern", "at_risk"), [(2, "", True), (1, "", True), (3, "", False),
                                                            (5, "We have not been able to meet.", True)])  # fmt: skip
def test_a_low_rating_or_a_concern_marks_the_mentorship_at_risk(
    due: tuple[Mentorship, CheckIn], rating: int, concern: str, at_risk: bool
) -> None:
    coordinator = make_coordinator()
    mentorship, checkin = due
    answer(checkin, mentorship.mentee, rating=rating, concern=concern)
    mentorship.refresh_from_db()
    assert mentorship.at_risk is at_risk
    assert count(coordinator, Kind.AT_RISK) == int(at_risk)


def test_coordinators_are_alerted_once_until_the_flag_is_cleared(due: tuple[Mentorship, CheckIn]) -> None:
    coordinator = make_coordinator()
    mentorship, checkin = due
    answer(checkin, mentorship.mentee, rating=1)
    answer(checkin, mentorship.mentor, rating=2)
    assert count(coordinator, Kind.AT_RISK) == 1


# --- The weekly digest ----------------------------------------------------------------------------------


def test_coordinators_get_one_digest_a_week() -> None:
    make_mentorship()  # approved by a coordinator
    make_coordinator()
    coordinators = list(User.objects.filter(is_staff=True))
    monday = datetime.date(2030, 3, 4)
    assert send_weekly_digest(today=monday) == 2
    assert send_weekly_digest(today=monday) == 0
    assert send_weekly_digest(today=monday + 6 * DAY) == 0  # the same ISO week
    assert send_weekly_digest(today=monday + 7 * DAY) == 2
    for coordinator in coordinators:
        assert count(coordinator, Kind.DIGEST) == 2
    digest = Notification.objects.filter(kind=Kind.DIGEST).first()
    assert digest is not None
    notifications.deliver(digest.pk)
    assert mail.outbox[0].alternatives


@pytest.mark.django_db
def test_an_ended_mentorship_takes_no_more_check_in_answers() -> None:
    from matching.models import CheckIn, Mentorship
    from matching.services.checkins import answer_checkin
    from matching.services.requests import RuleBroken, accept_request, approve_request, end_mentorship
    from tests.factories import make_coordinator, make_request

    request = make_request()
    accept_request(request=request, by=request.mentor)
    approve_request(request=request, by=make_coordinator())
    mentorship = Mentorship.objects.get()
    checkin = CheckIn.objects.create(mentorship=mentorship, period=1, due_on=mentorship.started_at.date())
    end_mentorship(mentorship=mentorship, by=request.mentee, outcome="completed", reason="goals_met")

    with pytest.raises(RuleBroken) as broken:
        answer_checkin(checkin=checkin, user=request.mentee, met=True, rating=4)
    assert broken.value.code == "mentorship_not_active"
