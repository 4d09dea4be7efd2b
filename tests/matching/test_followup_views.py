"""The follow-up pages: one-click check-ins, the mentorship's check-ins, the notification
centre, email preferences."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import CheckIn, CheckInResponse, EmailOptOut, Mentorship, Notification
from matching.services import notifications
from matching.services.checkins import answer_checkin, checkin_token, create_due_checkins
from tests.factories import make_coordinator, make_mentee, make_mentorship, make_request

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(notifications, "enqueue", ids.append)
    return ids


@pytest.fixture
def due() -> tuple[Mentorship, CheckIn]:
    mentorship = make_mentorship()
    cadence = mentorship.program.checkin_cadence_days
    create_due_checkins(today=timezone.localdate(mentorship.started_at) + datetime.timedelta(days=cadence))
    return mentorship, mentorship.checkins.get()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_path(user: User, checkin: CheckIn) -> str:
    return reverse("matching:checkin_answer", args=[checkin_token(checkin, user)])


ANSWER = {"met": "yes", "rating": "4", "progress": "Finished the first draft.", "concern": ""}


# --- The one-click check-in link ---------------------------------------------------------------------


def test_the_emailed_link_opens_the_form_without_logging_in(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    [notification] = Notification.objects.filter(recipient=mentorship.mentee, kind=Kind.CHECKIN_DUE)
    notifications.deliver(notification.pk)
    url = re.search(r"https?://\S+/checkins/answer/\S+/", mail.outbox[0].body)
    assert url
    page = Client().get("/" + url.group(0).split("://", 1)[1].split("/", 1)[1])
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Check-in {checkin.period}" in html
    # Radio groups are fieldsets with legends; text areas have labels.
    assert "<legend>Have you met since the last check-in?</legend>" in html
    assert "<legend>How is it going?</legend>" in html
    assert 'for="id_progress"' in html and 'for="id_concern"' in html


def test_answering_through_the_link_records_the_links_owner(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    response = Client().post(link_path(mentorship.mentee, checkin), ANSWER)
    assert response.status_code == 200
    assert "Thank you for checking in" in response.content.decode()
    assert reverse("matching:mentorship", args=[mentorship.pk]) in response.content.decode()
    answer = CheckInResponse.objects.get()
    assert (answer.user, answer.met, answer.rating, answer.progress) == (mentorship.mentee, True, 4, ANSWER["progress"])


def test_the_link_works_with_csrf_checks_on(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    client = Client(enforce_csrf_checks=True)
    form = client.get(link_path(mentorship.mentor, checkin)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token
    response = client.post(link_path(mentorship.mentor, checkin), {**ANSWER, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert CheckInResponse.objects.filter(user=mentorship.mentor).exists()


def test_a_low_rating_through_the_link_marks_the_mentorship_at_risk(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    response = Client().post(link_path(mentorship.mentee, checkin), {**ANSWER, "rating": "2"})
    assert "Your coordinator has been told" in response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.at_risk


def test_an_answered_check_in_shows_the_answer_instead_of_the_form(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    Client().post(link_path(mentorship.mentee, checkin), ANSWER)
    again = Client().post(link_path(mentorship.mentee, checkin), {**ANSWER, "rating": "1"})
    assert "You have answered this check-in" in again.content.decode()
    assert CheckInResponse.objects.get().rating == 4


def test_an_incomplete_answer_shows_the_errors(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    response = Client().post(link_path(mentorship.mentee, checkin), {"progress": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There are 2 problems" in html
    assert 'href="#wrap_id_met"' in html
    assert not CheckInResponse.objects.exists()


def test_an_expired_link_says_so_and_offers_to_log_in(
    due: tuple[Mentorship, CheckIn], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    mentorship, checkin = due
    path = link_path(mentorship.mentee, checkin)
    later = time.time() + (settings.CHECKIN_LINK_MAX_AGE_DAYS + 1) * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = Client().post(path, ANSWER)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This check-in link has expired" in html
    assert reverse("matching:mentorships") in html
    assert not CheckInResponse.objects.exists()


def test_a_link_expires_after_the_configured_days(due: tuple[Mentorship, CheckIn], settings: Any) -> None:
    mentorship, checkin = due
    path = link_path(mentorship.mentee, checkin)
    settings.CHECKIN_LINK_MAX_AGE_DAYS = 1
    assert Client().get(path).status_code == 200
    settings.CHECKIN_LINK_MAX_AGE_DAYS = -1
    assert Client().get(path).status_code == 410


def test_a_tampered_link_is_not_found(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    path = link_path(mentorship.mentee, checkin)
    assert Client().get(path[:-3] + "xx/").status_code == 404
    assert Client().get("/checkins/answer/garbage/").status_code == 404


def test_a_link_for_someone_outside_the_mentorship_is_not_found(due: tuple[Mentorship, CheckIn]) -> None:
    _, checkin = due
    assert Client().get(link_path(make_mentee().user, checkin)).status_code == 404


# --- In the app ---------------------------------------------------------------------------------------


def test_the_in_app_check_in_needs_a_login(due: tuple[Mentorship, CheckIn]) -> None:
    _, checkin = due
    response = Client().get(reverse("matching:checkin", args=[checkin.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_participant_answers_in_the_app(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    client = signed_in(mentorship.mentor)
    assert client.get(reverse("matching:checkin", args=[checkin.pk])).status_code == 200
    client.post(reverse("matching:checkin", args=[checkin.pk]), ANSWER)
    assert CheckInResponse.objects.get().user == mentorship.mentor


def test_someone_elses_check_in_is_not_found(due: tuple[Mentorship, CheckIn]) -> None:
    _, checkin = due
    client = signed_in(make_mentee().user)
    assert client.get(reverse("matching:checkin", args=[checkin.pk])).status_code == 404
    assert client.post(reverse("matching:checkin", args=[checkin.pk]), ANSWER).status_code == 404


def test_the_mentorship_page_lists_check_ins_with_both_ratings(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    url = reverse("matching:mentorship", args=[mentorship.pk])
    before = signed_in(mentorship.mentee).get(url).content.decode()
    assert reverse("matching:checkin", args=[checkin.pk]) in before
    assert f"Answer check-in {checkin.period}" in before
    answer_checkin(checkin=checkin, user=mentorship.mentee, met=True, rating=4, concern="")
    answer_checkin(checkin=checkin, user=mentorship.mentor, met=True, rating=5, concern="Hard to schedule.")
    for viewer in (mentorship.mentee, mentorship.mentor):
        html = signed_in(viewer).get(url).content.decode()
        assert "rated </span>4" in html
        assert "rated </span>5" in html
        assert reverse("matching:checkin", args=[checkin.pk]) not in html
    assert "Hard to schedule." not in signed_in(mentorship.mentee).get(url).content.decode()
    assert "Hard to schedule." in signed_in(mentorship.mentor).get(url).content.decode()


def test_the_coordinator_sees_concerns_and_the_at_risk_flag(due: tuple[Mentorship, CheckIn]) -> None:
    mentorship, checkin = due
    answer_checkin(checkin=checkin, user=mentorship.mentee, met=False, rating=2, concern="My mentor cancels.")
    html = signed_in(make_coordinator()).get(reverse("matching:mentorship", args=[mentorship.pk])).content.decode()
    assert "My mentor cancels." in html
    assert "At risk" in html
    assert "Answer check-in" not in html  # coordinators read, never answer


def test_before_the_first_check_in_the_page_says_when_it_comes() -> None:
    mentorship = make_mentorship()
    html = signed_in(mentorship.mentee).get(reverse("matching:mentorship", args=[mentorship.pk])).content.decode()
    assert "Check-ins start soon" in html
    assert "Next check-in:" in html


# --- The notification centre --------------------------------------------------------------------------


def test_the_centre_needs_a_login() -> None:
    assert Client().get(reverse("matching:notifications")).status_code == 302


def test_the_centre_lists_own_notifications_unread_first_highlighted() -> None:
    request = make_request()
    make_request()  # someone else's
    html = signed_in(request.mentor).get(reverse("matching:notifications")).content.decode()
    assert html.count('class="card notification notification-unread"') == 1
    assert "Unread: </span>New mentorship request" in html
    assert '<span class="visually-hidden">, 1 unread</span>' in html


def test_the_nav_badge_reads_as_notifications_n_unread_with_the_visible_text_as_its_name() -> None:
    mentor = make_request().mentor
    for _ in range(2):
        make_request(mentor=mentor)
    html = signed_in(mentor).get(reverse("matching:notifications")).content.decode()
    link = re.search(r'<a href="/notifications/" class="nav-notifications"[^>]*>(.*?)</a>', html)
    assert link
    # No aria-label: the name is the visible text plus hidden words (WCAG 2.5.3, axe's
    # label-content-name-mismatch), read as "Notifications, 3 unread".
    assert "aria-label" not in link.group(0)
    assert re.sub(r"<[^>]+>", "", link.group(1)) == "Notifications3, 3 unread"
    visible = re.sub(r'<span class="visually-hidden">.*?</span>', "", link.group(1))
    assert re.sub(r"<[^>]+>", "", visible) == "Notifications3"


def test_opening_a_notification_marks_it_read_and_follows_its_link() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    client = signed_in(request.mentor)
    assert client.get(reverse("matching:notification_read", args=[notification.pk])).status_code == 405
    response = client.post(reverse("matching:notification_read", args=[notification.pk]))
    assert response["Location"] == reverse("matching:inbox")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_as_read_from_the_list_stays_on_the_list() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    response = signed_in(request.mentor).post(
        reverse("matching:notification_read", args=[notification.pk]), {"next": "list"}
    )
    assert response["Location"] == reverse("matching:notifications")


def test_an_outside_link_is_never_followed() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    Notification.objects.filter(pk=notification.pk).update(link="https://evil.example/")
    response = signed_in(request.mentor).post(reverse("matching:notification_read", args=[notification.pk]))
    assert response["Location"] == reverse("matching:notifications")


def test_someone_elses_notification_is_not_found() -> None:
    notification = Notification.objects.get(recipient=make_request().mentor)
    client = signed_in(make_mentee().user)
    assert client.post(reverse("matching:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_touches_only_mine() -> None:
    mine = make_request().mentor
    make_request(mentor=mine)
    theirs = make_request().mentor
    response = signed_in(mine).post(reverse("matching:notifications_read_all"), follow=True)
    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=mine, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=theirs, read_at__isnull=True).count() == 1


def test_the_centre_pages_and_filters_unread() -> None:
    mentor = make_request().mentor
    Notification.objects.bulk_create(
        [Notification(recipient=mentor, kind=Kind.REQUEST_REMINDER, subject=f"Old {n}", body_text="x", body_html="x",
                      read_at=timezone.now(), email_status=Notification.EmailStatus.SENT) for n in range(25)]
    )  # fmt: skip
    client = signed_in(mentor)
    first = client.get(reverse("matching:notifications")).content.decode()
    assert "Page 1 of 2" in first
    assert client.get(reverse("matching:notifications") + "?page=2").status_code == 200
    unread = client.get(reverse("matching:notifications") + "?show=unread").content.decode()
    assert "New mentorship request" in unread
    assert "Old 1" not in unread


def test_an_empty_centre_says_so() -> None:
    html = signed_in(make_mentee().user).get(reverse("matching:notifications")).content.decode()
    assert "No notifications yet" in html
    assert "Mark all as read" not in html


# --- Email preferences ---------------------------------------------------------------------------------


def test_preferences_need_a_login() -> None:
    assert Client().get(reverse("matching:notification_preferences")).status_code == 302


def test_preferences_list_the_kinds_of_my_role_all_ticked() -> None:
    mentee = make_mentee().user
    html = signed_in(mentee).get(reverse("matching:notification_preferences")).content.decode()
    assert "<legend>Email me about</legend>" in html
    assert 'value="match_live"' in html and 'value="checkin_due"' in html
    assert 'value="digest"' not in html  # coordinators only
    assert html.count("checked") == html.count('type="checkbox"')


def test_unticking_a_kind_opts_out_and_ticking_it_again_opts_back_in() -> None:
    mentee = make_mentee().user
    client = signed_in(mentee)
    url = reverse("matching:notification_preferences")
    wanted = [Kind.REQUEST_ACCEPTED, Kind.MATCH_LIVE]
    response = client.post(url, {"email": wanted}, follow=True)
    assert "Your email preferences are saved." in response.content.decode()
    opted_out = set(EmailOptOut.objects.filter(user=mentee).values_list("kind", flat=True))
    assert Kind.CHECKIN_DUE in opted_out
    assert not opted_out & set(wanted)
    client.post(url, {"email": [*wanted, Kind.CHECKIN_DUE]})
    assert not EmailOptOut.objects.filter(user=mentee, kind=Kind.CHECKIN_DUE).exists()
    page = client.get(url).content.decode()
    assert re.search(r'value="checkin_due"[^>]*checked', page)
    assert not re.search(r'value="checkin_missed"[^>]*checked', page)


def test_an_unknown_kind_is_refused() -> None:
    mentee = make_mentee().user
    response = signed_in(mentee).post(reverse("matching:notification_preferences"), {"email": ["digest"]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not EmailOptOut.objects.exists()
