"""Every time in the viewer's own zone, the zone named; the full IANA list; a 24-hour availability grid."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from accounts.forms import LEGACY_ZONES, zone_choices
from accounts.models import User
from matching.models import MentorshipRequest, Notification
from tests.factories import make_coordinator, make_mentee, make_mentor, make_user

pytestmark = pytest.mark.django_db

# 00:17 UTC on 30 November is 19:17 on 29 November in New York and 16:17 in Los Angeles.
INSTANT = datetime.datetime(2026, 11, 30, 0, 17, tzinfo=datetime.UTC)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notification_page(zone: str) -> str:
    user = make_user(timezone=zone)
    Notification.objects.create(
        recipient=user, kind=Notification.Kind.MATCH_LIVE, subject="Your match is live", body_text=".",
        body_html=".", created_at=INSTANT, email_status=Notification.EmailStatus.SENT,
    )  # fmt: skip
    return signed_in(user).get(reverse("matching:notifications")).content.decode()


@pytest.mark.parametrize(
    ("zone", "shown", "abbreviation"),
    [
        ("America/New_York", "29 November 2026, 19:17 EST", "EST"),
        ("America/Los_Angeles", "29 November 2026, 16:17 PST", "PST"),
        ("Asia/Kolkata", "30 November 2026, 05:47 IST", "IST"),
    ],
)
def test_times_are_shown_in_the_viewers_zone_with_the_zone_named(zone: str, shown: str, abbreviation: str) -> None:
    html = notification_page(zone)
    assert shown in html
    assert "00:17" not in html
    assert f"Times are shown in {zone} ({abbreviation})" in html


def test_visitors_and_unknown_zones_get_utc() -> None:
    assert "Times are shown in UTC" in Client().get("/").content.decode()
    user = make_user()
    User.objects.filter(pk=user.pk).update(timezone="Mars/Olympus")  # a zone that no longer exists
    assert "Times are shown in UTC" in signed_in(user).get(reverse("accounts:dashboard")).content.decode()


def test_dates_of_instants_follow_the_viewers_zone() -> None:
    mentee = make_mentee().user
    mentor = make_mentor().user
    MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, message="Hello", created_at=INSTANT,
        program_id=mentee.memberships.get().program_id, expires_at=INSTANT + datetime.timedelta(days=14),
    )  # fmt: skip
    User.objects.filter(pk=mentee.pk).update(timezone="America/Los_Angeles")
    mentee.refresh_from_db()
    html = signed_in(mentee).get(reverse("matching:requests")).content.decode()
    assert "sent 29 November 2026" in html


def test_the_admin_shows_times_in_the_coordinators_zone_with_the_zone_named() -> None:
    coordinator = make_coordinator()
    User.objects.filter(pk=coordinator.pk).update(timezone="America/Chicago")
    coordinator.refresh_from_db()
    mentee, mentor = make_mentee().user, make_mentor().user
    MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, message="Hello", created_at=INSTANT,
        program_id=mentee.memberships.get().program_id, expires_at=INSTANT + datetime.timedelta(days=14),
    )  # fmt: skip
    html = signed_in(coordinator).get("/admin/matching/mentorshiprequest/").content.decode()
    assert "29 Nov 2026, 18:17 CST" in html


def test_the_zone_list_is_every_iana_zone_with_its_offset() -> None:
    offered = dict(zone_choices())
    expected = {
        name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(LEGACY_ZONES)
    } | {"UTC"}
    assert set(offered) == expected
    assert len(offered) > 400
    assert offered["Asia/Kathmandu"] == "Kathmandu (UTC+05:45)"
    assert offered["America/Los_Angeles"].startswith("Pacific — Los Angeles")


def test_the_zone_field_is_searchable_without_javascript(client: Client) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    assert 'list="id_timezone_zones"' in html and '<datalist id="id_timezone_zones">' in html
    assert '<option value="Pacific/Chatham">' in html
    assert "data-detect-timezone" in html
    assert "/static/js/timezone.js" in html and "<script>" not in html  # a static file, no inline script


def test_sign_up_saves_the_time_zone(client: Client) -> None:
    form = {
        "first_name": "Lee", "last_name": "Park", "email": "lee@example.com", "role": "mentee",
        "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42",
    }  # fmt: skip
    missing = client.post(reverse("account_signup"), form)
    assert missing.status_code == 200 and not User.objects.filter(email="lee@example.com").exists()
    response = client.post(reverse("account_signup"), {**form, "timezone": "America/Los_Angeles"})
    assert response.status_code == 302
    assert User.objects.get(email="lee@example.com").timezone == "America/Los_Angeles"


def test_availability_grid_covers_all_24_hours() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(
        reverse("accounts:profile_step", args=["availability"]),
        {"availability": ["0-00:00", "0-03:00", "6-21:00"], "meeting_modes": ["video"], "languages": ["en"]},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.availability == [
        {"day": 0, "start": "00:00", "end": "03:00"},
        {"day": 0, "start": "03:00", "end": "06:00"},
        {"day": 6, "start": "21:00", "end": "24:00"},
    ]
    html = signed_in(profile.user).get(reverse("accounts:profile_step", args=["availability"])).content.decode()
    assert "midnight–3 am" in html and "3–6 am" in html  # noqa: RUF001


def test_emails_are_written_in_the_recipients_zone_whoever_caused_them() -> None:
    from django.utils import timezone

    from matching.services.notifications import notify

    mentee, mentor = make_mentee().user, make_mentor().user
    User.objects.filter(pk=mentor.pk).update(timezone="Asia/Tokyo")
    mentor.refresh_from_db()
    request = MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, message="Hello", program_id=mentee.memberships.get().program_id,
        expires_at=datetime.datetime(2026, 12, 14, 20, 0, tzinfo=datetime.UTC),  # 15 December in Tokyo
    )  # fmt: skip
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):  # the mentee's request, in their zone
        sent = notify(recipient=mentor, kind=Notification.Kind.REQUEST_CREATED, context={"request": request})
    assert sent is not None
    assert "by 15 December 2026" in sent.body_text
