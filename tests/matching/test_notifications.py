"""The outbox: a notification per workflow event, written in the event's transaction,
emailed after commit exactly once, with text, HTML and a working unsubscribe link."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.template.loader import get_template
from django.test import Client
from django.utils import timezone

from accounts.models import Program, User
from matching.models import EmailOptOut, MentorshipRequest, Notification
from matching.services import notifications
from matching.services.requests import (
    accept_request,
    decline_request,
    end_mentorship,
    expire_requests,
    reject_request,
    withdraw_request,
)
from tests.factories import make_coordinator, make_mentee, make_mentor, make_mentorship, make_request

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Sent = Notification.EmailStatus


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Notification ids handed to Celery after commit (recorded instead of reaching a broker)."""
    ids: list[int] = []
    monkeypatch.setattr(notifications, "enqueue", ids.append)
    return ids


def kinds_for(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def deliver_all() -> None:
    for pk in Notification.objects.email_pending().values_list("pk", flat=True):
        notifications.deliver(pk)


def kind_of(email: mail.EmailMessage) -> str:
    return Notification.objects.get(pk=email.extra_headers["X-Notification-Id"]).kind


def link_in(text: str, path_part: str) -> str:
    match = re.search(rf"https?://[^\s\"<>]+{path_part}[^\s\"<>]*", text)
    assert match, f"no {path_part} link in {text!r}"
    return match.group(0).replace("&amp;", "&")


# --- One notification per event --------------------------------------------------------------


def test_a_new_request_notifies_the_mentor() -> None:
    request = make_request()
    assert kinds_for(request.mentor) == [Kind.REQUEST_CREATED]
    assert kinds_for(request.mentee) == []


def test_an_accepted_request_tells_the_mentee_and_asks_coordinators_for_approval() -> None:
    coordinators = [make_coordinator(), make_coordinator()]
    request = make_request()
    accept_request(request=request, by=request.mentor)
    assert kinds_for(request.mentee) == [Kind.REQUEST_ACCEPTED]
    for coordinator in coordinators:
        assert kinds_for(coordinator) == [Kind.APPROVAL_NEEDED]


def test_a_live_match_introduces_both_sides_with_each_others_email() -> None:
    mentorship = make_mentorship()
    mentee, mentor = mentorship.mentee, mentorship.mentor
    assert kinds_for(mentee)[-1] == Kind.MATCH_LIVE
    assert kinds_for(mentor)[-1] == Kind.MATCH_LIVE
    deliver_all()
    for person, other in ((mentee, mentor), (mentor, mentee)):
        [email] = [m for m in mail.outbox if m.to == [person.email] and kind_of(m) == Kind.MATCH_LIVE]
        html = email.alternatives[0][0]
        assert other.email in email.body
        assert other.email in html
        assert other.get_full_name() in email.body
        assert other.get_full_name() in html


def test_when_approval_is_not_required_accepting_makes_the_match_live() -> None:
    Program.objects.filter(is_default=True).update(approval_required=False)
    request = make_request()
    accept_request(request=request, by=request.mentor)
    assert kinds_for(request.mentee)[-1] == Kind.MATCH_LIVE
    assert kinds_for(request.mentor)[-1] == Kind.MATCH_LIVE


@pytest.mark.parametrize(
    ("act", "who_hears", "kind"),
    [
        (lambda r: decline_request(request=r, by=r.mentor, reason="schedule"), "mentee", Kind.REQUEST_DECLINED),
        (lambda r: withdraw_request(request=r, by=r.mentee), "mentor", Kind.REQUEST_WITHDRAWN),
    ],
    ids=["declined", "withdrawn"],
)
def test_a_closed_request_tells_the_other_side(act: Any, who_hears: str, kind: str) -> None:
    request = make_request()
    act(request)
    assert kinds_for(getattr(request, who_hears))[-1] == kind


def test_an_expired_request_tells_both_sides() -> None:
    request = make_request()
    expire_requests(now=request.expires_at + datetime.timedelta(seconds=1))
    assert kinds_for(request.mentee) == [Kind.REQUEST_EXPIRED]
    assert kinds_for(request.mentor) == [Kind.REQUEST_CREATED, Kind.REQUEST_EXPIRED]


def test_a_rejected_match_tells_both_sides() -> None:
    request = make_request()
    accept_request(request=request, by=request.mentor)
    reject_request(request=request, by=make_coordinator(), note="Let us find a closer field.")
    assert kinds_for(request.mentee)[-1] == Kind.MATCH_REJECTED
    assert kinds_for(request.mentor)[-1] == Kind.MATCH_REJECTED


def test_an_ended_mentorship_tells_the_other_side_only() -> None:
    mentorship = make_mentorship()
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met")
    assert kinds_for(mentorship.mentor)[-1] == Kind.MENTORSHIP_ENDED
    assert Kind.MENTORSHIP_ENDED not in kinds_for(mentorship.mentee)


# --- Transactions and exactly-once delivery -------------------------------------------------------


def test_the_email_is_handed_to_celery_only_after_commit(
    django_capture_on_commit_callbacks: Any, enqueued: list[int]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    assert enqueued == []  # not while the transaction is open
    for callback in callbacks:
        callback()
    assert enqueued == [notification.pk]


def test_a_rolled_back_transaction_writes_and_sends_nothing(
    django_capture_on_commit_callbacks: Any, enqueued: list[int]
) -> None:
    mentee, mentor = make_mentee().user, make_mentor().user
    make_coordinator()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        request = make_request(mentee=mentee, mentor=mentor)
        accept_request(request=request, by=mentor)
        assert Notification.objects.count() == 3  # to the mentor, the mentee and the coordinator
        raise RuntimeError("the event fails after its notifications were written")
    assert callbacks == []
    assert enqueued == []
    assert not Notification.objects.exists()
    assert not MentorshipRequest.objects.exists()
    assert notifications.sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_deliver_sends_once_however_often_it_is_called() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    assert notifications.deliver(notification.pk) is True
    assert notifications.deliver(notification.pk) is False
    assert notifications.sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == Sent.SENT
    assert notification.attempts == 1


def test_a_task_finding_the_row_claimed_by_another_worker_sends_nothing() -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    # Another worker won the conditional UPDATE and is sending right now.
    Notification.objects.filter(pk=notification.pk).update(email_status=Sent.SENDING, claimed_at=timezone.now())
    assert notifications.deliver(notification.pk) is False
    assert notifications.sweep() == 0  # its claim is fresh: not taken back
    assert mail.outbox == []


def test_a_claim_abandoned_by_a_killed_worker_is_sent_once_by_the_sweeper(settings: Any) -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)
    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT + 1)
    Notification.objects.filter(pk=notification.pk).update(email_status=Sent.SENDING, claimed_at=stale)
    later = timezone.now() + datetime.timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE + 1)
    assert notifications.sweep(now=later) == 1
    assert notifications.sweep(now=later) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_goes_back_to_pending_and_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    request = make_request()
    notification = Notification.objects.get(recipient=request.mentor)

    def smtp_down(*args: Any, **kwargs: Any) -> int:
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", smtp_down)
    with pytest.raises(ConnectionError):
        notifications.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Sent.PENDING
    assert "SMTP down" in notification.last_error
    monkeypatch.undo()
    assert notifications.deliver(notification.pk) is True
    assert len(mail.outbox) == 1


def test_the_sweeper_delivers_what_a_dead_broker_left_behind(settings: Any) -> None:
    make_request()
    make_request()
    later = timezone.now() + datetime.timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE + 1)
    assert notifications.sweep(now=later) == 2
    assert len(mail.outbox) == 2


# --- Preferences and unsubscribing ------------------------------------------------------------------


def test_an_opted_out_kind_is_not_emailed_but_still_shows_in_the_app(client: Client) -> None:
    mentor = make_mentor().user
    EmailOptOut.objects.create(user=mentor, kind=Kind.REQUEST_CREATED)
    make_request(mentor=mentor)
    notification = Notification.objects.get(recipient=mentor)
    assert notification.email_status == Sent.SKIPPED
    assert notifications.deliver(notification.pk) is False
    assert mail.outbox == []
    client.force_login(mentor)
    assert notification.subject in client.get("/notifications/").content.decode()


def test_opting_out_of_one_kind_keeps_the_others() -> None:
    mentee = make_mentee().user
    EmailOptOut.objects.create(user=mentee, kind=Kind.REQUEST_DECLINED)
    request = make_request(mentee=mentee)
    accept_request(request=request, by=request.mentor)
    assert Notification.objects.get(recipient=mentee, kind=Kind.REQUEST_ACCEPTED).email_status == Sent.PENDING


def test_every_kind_has_a_subject_a_text_and_an_html_template() -> None:
    for kind in Kind.values:
        for part in ("subject", "body-text", "body-html"):
            assert get_template(f"emails/{kind}-{part}.html"), (kind, part)


def _emails_of_a_whole_journey() -> list[mail.EmailMessage]:
    make_coordinator()
    declined = make_request()
    decline_request(request=declined, by=declined.mentor, reason="schedule")
    request = make_request()
    accept_request(request=request, by=request.mentor)
    mentorship = make_mentorship()
    end_mentorship(mentorship=mentorship, by=mentorship.mentor, outcome="ended", reason="schedule")
    deliver_all()
    return list(mail.outbox)


def test_every_email_has_text_html_and_a_working_unsubscribe_link() -> None:
    emails = _emails_of_a_whole_journey()
    kinds = {kind_of(email) for email in emails}
    assert {Kind.REQUEST_CREATED, Kind.REQUEST_DECLINED, Kind.REQUEST_ACCEPTED, Kind.APPROVAL_NEEDED} <= kinds
    assert {Kind.MATCH_LIVE, Kind.MENTORSHIP_ENDED} <= kinds
    for email in emails:
        [(html, mimetype)] = email.alternatives
        assert mimetype == "text/html"
        assert email.body.strip() and "<" not in email.body.split("\n")[0]
        text_link = link_in(email.body, "/unsubscribe/")
        assert text_link == link_in(html, "/unsubscribe/")
        assert email.extra_headers["List-Unsubscribe"] == f"<{text_link}>"


def test_following_the_unsubscribe_link_confirms_then_opts_out() -> None:
    request = make_request()
    deliver_all()
    [email] = mail.outbox
    path = link_in(email.body, "/unsubscribe/").split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    confirm = client.get(f"/{path}")
    assert confirm.status_code == 200
    assert "Stop these emails" in confirm.content.decode()
    assert not EmailOptOut.objects.exists()  # a GET (a link scanner) changes nothing
    csrf = confirm.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.content.decode())
    assert token
    done = client.post(f"/{path}", {"csrfmiddlewaretoken": token.group(1)}, HTTP_COOKIE=f"csrftoken={csrf}")
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert EmailOptOut.objects.filter(user=request.mentor, kind=Kind.REQUEST_CREATED).exists()
    # The next request of that kind is in-app only.
    make_request(mentor=request.mentor)
    assert Notification.objects.filter(recipient=request.mentor).first().email_status == Sent.SKIPPED


def test_one_click_unsubscribe_works_without_a_csrf_token() -> None:
    request = make_request()
    deliver_all()
    [email] = mail.outbox
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailOptOut.objects.filter(user=request.mentor, kind=Kind.REQUEST_CREATED).count() == 1
    Client(enforce_csrf_checks=True).post(path)  # twice is fine
    assert EmailOptOut.objects.count() == 1


def test_a_forged_unsubscribe_link_is_not_found(client: Client) -> None:
    assert client.get("/unsubscribe/not-a-token/").status_code == 404
    assert client.post("/unsubscribe/not-a-token/").status_code == 404
    assert not EmailOptOut.objects.exists()
