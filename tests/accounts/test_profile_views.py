"""The HTML side of profiles: dashboard, guided steps, and who may see whose page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Background, MenteeProfile, MentorProfile, Specialty, User
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_user

pytestmark = pytest.mark.django_db

VALID_NPI = "1234567893"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(step: str) -> str:
    return reverse("accounts:profile_step", args=[step])


def bare_mentee() -> MenteeProfile:
    """A mentee who has only signed up: nothing filled in yet."""
    profile = make_mentee(stage="")
    return profile


# --- Dashboard ------------------------------------------------------------------------------


def test_dashboard_requires_login(client: Client) -> None:
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_dashboard_shows_completeness_and_links_each_missing_field_to_its_step() -> None:
    profile = bare_mentee()
    response = signed_in(profile.user).get(reverse("accounts:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress id="completeness" max="100" value="0">' in html
    assert f'href="{step_url("about")}">Your stage</a>' in html
    assert f'href="{step_url("availability")}">Weekly availability</a>' in html
    assert f'href="{step_url("goals")}">Topics</a>' in html


def test_mentor_dashboard_says_verification_is_pending() -> None:
    mentor = make_mentor(verified=False)
    html = signed_in(mentor.user).get(reverse("accounts:dashboard")).content.decode()
    assert "Awaiting verification by a coordinator" in html


def test_verified_mentor_dashboard_says_verified() -> None:
    mentor = make_mentor(verified=True)
    html = signed_in(mentor.user).get(reverse("accounts:dashboard")).content.decode()
    assert "Awaiting verification" not in html
    assert "Verified" in html


def test_coordinator_has_no_profile_steps_but_a_friendly_page() -> None:
    client = signed_in(make_coordinator())
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "No mentoring profile to fill in" in response.content.decode()
    assert "No mentoring profile" in client.get(step_url("about")).content.decode()


def test_nav_has_a_post_logout_form_for_signed_in_people() -> None:
    html = signed_in(make_mentee().user).get(reverse("accounts:dashboard")).content.decode()
    assert f'<form method="post" action="{reverse("account_logout")}"' in html
    assert "csrfmiddlewaretoken" in html


# --- Guided profile: mentee -----------------------------------------------------------------


def test_profile_redirects_to_the_first_incomplete_step() -> None:
    profile = make_mentee(school="Tufts", bio="Hello")  # about is done (stage MS2 by default)
    response = signed_in(profile.user).get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == step_url("goals")


def test_step_indicator_marks_the_current_step() -> None:
    html = signed_in(make_mentee().user).get(step_url("goals")).content.decode()
    assert f'<a href="{step_url("goals")}" aria-current="step">' in html
    assert 'aria-current="step"' not in html.replace(f'<a href="{step_url("goals")}" aria-current="step">', "")


def test_about_step_saves_the_user_and_the_profile_then_continues() -> None:
    profile = bare_mentee()
    response = signed_in(profile.user).post(
        step_url("about"),
        {
            "first_name": "Ana",
            "last_name": "Lopez",
            "timezone": "America/Chicago",
            "stage": "undergraduate",
            "school": "UT Austin",
            "bio": "First in my family to study medicine.",
            "go": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == step_url("goals")
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert (profile.user.first_name, profile.user.last_name, profile.user.timezone) == (
        "Ana",
        "Lopez",
        "America/Chicago",
    )
    assert (profile.stage, profile.school) == ("undergraduate", "UT Austin")


def test_about_step_rejects_an_unknown_timezone_with_a_clear_message() -> None:
    profile = bare_mentee()
    response = signed_in(profile.user).post(
        step_url("about"), {"first_name": "A", "last_name": "B", "timezone": "Mars/Olympus", "stage": "ms1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Pick your time zone from the list" in html
    assert 'role="alert"' in html
    assert 'aria-describedby="id_timezone_helptext id_timezone_error"' in html
    profile.user.refresh_from_db()
    assert profile.user.timezone == "UTC"


def test_about_step_requires_a_stage() -> None:
    response = signed_in(bare_mentee().user).post(
        step_url("about"), {"first_name": "A", "last_name": "B", "timezone": "UTC", "stage": ""}
    )
    assert "Choose the stage you are at now." in response.content.decode()


def test_a_timezone_set_elsewhere_stays_selectable() -> None:
    profile = bare_mentee()
    profile.user.timezone = "US/Pacific"  # a legacy alias the list leaves out, set through the API
    profile.user.save()
    html = signed_in(profile.user).get(step_url("about")).content.decode()
    assert '<option value="US/Pacific">' in html
    assert 'value="US/Pacific"' in html.split("<datalist")[0]


def test_goals_step_saves_specialties_topics_kinds_and_offers() -> None:
    profile = make_mentee()
    sports = Specialty.objects.get(slug="orthopaedic-surgery--orthopaedic-sports-medicine")
    response = signed_in(profile.user).post(
        step_url("goals"),
        {
            "target_specialties": [sports.pk],
            "topics": ["research", "mock_interview"],
            "kinds": ["long_term"],
            "goals_text": "Match into orthopaedics.",
            "can_offer": ["research"],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert list(profile.target_specialties.all()) == [sports]
    assert profile.topics == ["research", "mock_interview"]
    assert profile.kinds == ["long_term"]
    assert profile.can_offer == ["research"]


def test_goals_step_groups_specialties_under_their_specialty() -> None:
    html = signed_in(make_mentee().user).get(step_url("goals")).content.decode()
    assert "<summary>Orthopaedic Surgery" in html
    assert "Orthopaedic Surgery, any area" in html
    assert "Leave empty if you are undecided" in html


def test_goals_step_rejects_unknown_topics() -> None:
    response = signed_in(make_mentee().user).post(step_url("goals"), {"topics": ["astrology"]})
    assert response.status_code == 400
    assert "astrology is not one of the choices" in response.content.decode()


def test_availability_step_stores_weekly_slots() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(
        step_url("availability"),
        {
            "availability": ["0-18:00", "0-21:00", "5-09:00"],
            "meeting_modes": ["video"],
            "region": "us-ma",
            "languages": ["en", "es"],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.availability == [
        {"day": 0, "start": "18:00", "end": "21:00"},
        {"day": 0, "start": "21:00", "end": "24:00"},
        {"day": 5, "start": "09:00", "end": "12:00"},
    ]
    assert profile.region == "US-MA"
    assert profile.languages == ["en", "es"]


def test_availability_grid_shows_stored_slots_checked() -> None:
    profile = make_mentee(availability=[{"day": 2, "start": "19:00", "end": "20:00"}])
    html = signed_in(profile.user).get(step_url("availability")).content.decode()
    assert 'value="2-18:00" id="id_availability_22" checked>' in html
    assert 'value="2-15:00" id="id_availability_21">' in html


def test_availability_step_rejects_slots_outside_the_grid() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(step_url("availability"), {"availability": ["9-25:00"]})
    assert response.status_code == 400
    assert "Pick times from the grid" in response.content.decode()
    profile.refresh_from_db()
    assert profile.availability == []


def test_availability_step_rejects_a_malformed_region() -> None:
    response = signed_in(make_mentee().user).post(step_url("availability"), {"region": "Massachusetts!"})
    assert "Use a country code" in response.content.decode()


def test_back_saves_and_returns_to_the_previous_step() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(step_url("goals"), {"topics": ["research"], "go": "back"})
    assert response["Location"] == step_url("about")
    profile.refresh_from_db()
    assert profile.topics == ["research"]


def test_last_step_finishes_on_the_dashboard() -> None:
    response = signed_in(make_mentee().user).post(step_url("background"), {"go": "next"})
    assert response["Location"] == reverse("accounts:dashboard")


def test_completeness_reaches_100_after_every_step() -> None:
    profile = bare_mentee()
    client = signed_in(profile.user)
    client.post(
        step_url("about"),
        {"first_name": "A", "last_name": "B", "timezone": "UTC", "stage": "ms3", "school": "BU", "bio": "Hi"},
    )
    profile.refresh_from_db()
    assert profile.completeness == 33
    client.post(
        step_url("goals"),
        {
            "target_specialties": [Specialty.objects.get(slug="pediatrics").pk],
            "topics": ["research"],
            "kinds": ["task"],
        },
    )
    client.post(
        step_url("availability"), {"availability": ["1-18:00"], "meeting_modes": ["phone"], "languages": ["en"]}
    )
    profile.refresh_from_db()
    assert profile.completeness == 100
    assert 'value="100"' in client.get(reverse("accounts:dashboard")).content.decode()


# --- Guided profile: background -------------------------------------------------------------


def test_background_step_explains_visibility_and_defaults_to_private() -> None:
    html = signed_in(make_mentee().user).get(step_url("background")).content.decode()
    assert "it counts only in what you see: your own ranking of mentors" in html
    assert '<option value="private" selected>' in html


def test_background_step_saves_values_visibility_and_comfort_preferences() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(
        step_url("background"),
        {
            "gender_identity": "woman",
            "gender_identity_visibility": "everyone",
            "gender_identity_importance": "important",
            "race_ethnicity": ["hispanic_latino"],
            "race_ethnicity_visibility": "private",
            "first_generation": "yes",
            "first_generation_visibility": "coordinators",
            "first_generation_importance": "must",
            "rural": "no",
            "urm": "",
        },
    )
    assert response.status_code == 302
    rows = {row.attribute: (row.value, row.visibility) for row in Background.objects.filter(user=profile.user)}
    assert rows == {
        "gender_identity": ("woman", "everyone"),
        "race_ethnicity": (["hispanic_latino"], "private"),
        "first_generation": (True, "coordinators"),
        "rural": (False, "private"),
    }
    profile.refresh_from_db()
    assert profile.comfort_preferences == {"gender_identity": "important", "first_generation": "must"}


def test_background_step_removes_an_answer_set_back_to_prefer_not_to_say() -> None:
    profile = make_mentee()
    give_background(profile.user, "lgbtq", True)
    signed_in(profile.user).post(step_url("background"), {"lgbtq": ""})
    assert not Background.objects.filter(user=profile.user, attribute="lgbtq").exists()


def test_comfort_preference_on_gender_needs_the_mentees_own_answer() -> None:
    profile = make_mentee()
    response = signed_in(profile.user).post(step_url("background"), {"gender_identity_importance": "must"})
    assert response.status_code == 400
    assert "Tell us your own gender identity above" in response.content.decode()


def test_mentor_background_step_has_no_comfort_preferences() -> None:
    html = signed_in(make_mentor().user).get(step_url("background")).content.decode()
    assert "gender_identity_importance" not in html
    assert "gender_identity_visibility" in html


# --- Guided profile: mentor -----------------------------------------------------------------


def professional(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Grace",
        "last_name": "Ho",
        "timezone": "America/New_York",
        "profession": "md",
        "specialty": Specialty.objects.get(slug="orthopaedic-surgery").pk,
        "subspecialties": [Specialty.objects.get(slug="orthopaedic-surgery--orthopaedic-sports-medicine").pk],
        "board_certified": "on",
        "institution": "Mass General",
        "years_in_practice": "12",
        "npi": VALID_NPI,
        "license_state": "MA",
        "license_number": "12345",
    }
    data.update(overrides)
    return data


def test_professional_step_saves_a_valid_mentor() -> None:
    mentor = make_mentor(verified=False)
    response = signed_in(mentor.user).post(step_url("professional"), professional())
    assert response.status_code == 302
    assert response["Location"] == step_url("mentoring")
    mentor.refresh_from_db()
    assert mentor.npi == VALID_NPI
    assert mentor.specialty and mentor.specialty.slug == "orthopaedic-surgery"
    assert [s.slug for s in mentor.subspecialties.all()] == ["orthopaedic-surgery--orthopaedic-sports-medicine"]
    assert mentor.board_certified is True
    assert mentor.years_in_practice == 12


@pytest.mark.parametrize(
    ("npi", "message"),
    [
        ("1234567890", "its check digit does not match"),
        ("12345", "An NPI is exactly 10 digits."),
        ("3234567893", "An NPI starts with 1 or 2."),
    ],
)
def test_professional_step_explains_a_bad_npi(npi: str, message: str) -> None:
    mentor = make_mentor()
    response = signed_in(mentor.user).post(step_url("professional"), professional(npi=npi))
    assert response.status_code == 400
    assert message in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.npi == ""


def test_professional_step_refuses_another_mentors_npi() -> None:
    make_mentor(npi=VALID_NPI)
    response = signed_in(make_mentor().user).post(step_url("professional"), professional())
    assert "Another mentor already uses this NPI" in response.content.decode()


def test_professional_step_takes_only_primary_specialties_as_specialty() -> None:
    sub = Specialty.objects.get(slug="orthopaedic-surgery--orthopaedic-sports-medicine")
    response = signed_in(make_mentor().user).post(step_url("professional"), professional(specialty=sub.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_mentoring_step_saves_capacity_preferences_and_pause() -> None:
    mentor = make_mentor()
    until = datetime.date.today() + datetime.timedelta(days=30)
    response = signed_in(mentor.user).post(
        step_url("mentoring"),
        {
            "capacity": "4",
            "accepting": "on",
            "paused_until": until.isoformat(),
            "topics": ["residency_applications"],
            "kinds": ["long_term", "task"],
            "preferred_stages": ["ms3", "ms4"],
            "preferred_groups": ["women", "first_generation"],
            "bio": "Sports medicine at MGH.",
        },
    )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.accepting, mentor.paused_until) == (4, True, until)
    assert mentor.preferred_stages == ["ms3", "ms4"]
    assert mentor.preferred_groups == ["women", "first_generation"]


def test_mentoring_step_rejects_a_pause_in_the_past_and_a_huge_capacity() -> None:
    response = signed_in(make_mentor().user).post(
        step_url("mentoring"), {"capacity": "99", "paused_until": "2000-01-01"}
    )
    html = response.content.decode()
    assert "Choose a date in the future" in html
    assert "less than or equal to 20" in html


def test_mentor_completeness_reaches_100() -> None:
    mentor = make_mentor()
    client = signed_in(mentor.user)
    client.post(step_url("professional"), professional())
    client.post(step_url("mentoring"), {"capacity": "2", "topics": ["research"], "kinds": ["task"], "bio": "Hi"})
    client.post(
        step_url("availability"), {"availability": ["3-06:00"], "meeting_modes": ["video"], "languages": ["en"]}
    )
    mentor.refresh_from_db()
    assert mentor.completeness == 100


@pytest.mark.parametrize(("role", "foreign_step"), [("mentee", "professional"), ("mentor", "goals")])
def test_people_get_only_their_own_roles_steps(role: str, foreign_step: str) -> None:
    profile = make_mentee() if role == "mentee" else make_mentor()
    assert signed_in(profile.user).get(step_url(foreign_step)).status_code == 404


def test_steps_require_login(client: Client) -> None:
    assert client.get(step_url("about")).status_code == 302
    assert client.post(step_url("about"), {"first_name": "X"}).status_code == 302


# --- A person's page: who may see whom ------------------------------------------------------


def person_url(user: User) -> str:
    return reverse("accounts:person", args=[user.pk])


def test_person_page_sends_anonymous_visitors_to_log_in(client: Client) -> None:
    response = client.get(person_url(make_mentor().user))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_mentee_sees_a_verified_mentor() -> None:
    mentor = make_mentor(verified=True, institution="Mass General", topics=["research"], bio="I love teaching.")
    response = signed_in(make_mentee().user).get(person_url(mentor.user))
    html = response.content.decode()
    assert response.status_code == 200
    assert mentor.user.get_full_name() in html
    assert "Mass General" in html
    assert "I love teaching." in html
    assert "Research" in html
    assert mentor.npi == "" or mentor.npi not in html


@pytest.mark.parametrize("verification", [MentorProfile.Verification.UNVERIFIED, MentorProfile.Verification.REJECTED])
def test_mentee_cannot_see_an_unverified_mentor(verification: str) -> None:
    mentor = make_mentor(verified=False, verification=verification)
    assert signed_in(make_mentee().user).get(person_url(mentor.user)).status_code == 404


def test_mentee_cannot_see_another_mentee() -> None:
    assert signed_in(make_mentee().user).get(person_url(make_mentee().user)).status_code == 404


def test_mentee_cannot_see_a_coordinator_or_an_unknown_id() -> None:
    client = signed_in(make_mentee().user)
    assert client.get(person_url(make_coordinator())).status_code == 404
    assert client.get(reverse("accounts:person", args=[999_999])).status_code == 404


def test_verified_mentor_sees_mentees_and_verified_mentors_only() -> None:
    client = signed_in(make_mentor(verified=True).user)
    assert client.get(person_url(make_mentee().user)).status_code == 200
    assert client.get(person_url(make_mentor(verified=True).user)).status_code == 200
    assert client.get(person_url(make_mentor(verified=False).user)).status_code == 404


def test_unverified_mentor_sees_no_mentee() -> None:
    client = signed_in(make_mentor(verified=False).user)
    assert client.get(person_url(make_mentee().user)).status_code == 404


def test_deactivated_mentor_is_hidden_from_mentees() -> None:
    mentor = make_mentor(verified=True)
    mentor.user.is_active = False
    mentor.user.save()
    assert signed_in(make_mentee().user).get(person_url(mentor.user)).status_code == 404


def test_coordinator_sees_anyone_and_the_verification_state() -> None:
    client = signed_in(make_coordinator())
    mentor = make_mentor(verified=False, npi=VALID_NPI)
    response = client.get(person_url(mentor.user))
    assert response.status_code == 200
    assert "Awaiting verification" in response.content.decode()
    assert client.get(person_url(make_mentee().user)).status_code == 200


def test_a_person_without_a_role_sees_only_themselves() -> None:
    user = make_user()
    client = signed_in(user)
    assert client.get(person_url(user)).status_code == 200
    assert client.get(person_url(make_mentor().user)).status_code == 404


# --- A person's page: background visibility -------------------------------------------------

# A distinctive value per attribute, and how the page prints it.
SHOWN = {
    "gender_identity": ("nonbinary", "Non-binary"),
    "race_ethnicity": (["native_hawaiian_pacific_islander"], "Native Hawaiian or Pacific Islander"),
    "first_generation": (True, "First-generation college student"),
    "disability": (True, "Disability"),
}


def viewer_of(kind: str) -> User:
    if kind == "mentee":
        return make_mentee().user
    if kind == "mentor":
        return make_mentor().user
    return make_coordinator()


@pytest.mark.parametrize("attribute", sorted(SHOWN))
@pytest.mark.parametrize(
    ("visibility", "viewer_kind", "visible"),
    [
        ("private", "mentee", False),
        ("private", "mentor", False),
        ("private", "coordinator", False),
        ("coordinators", "mentee", False),
        ("coordinators", "mentor", False),
        ("coordinators", "coordinator", True),
        ("everyone", "mentee", True),
        ("everyone", "mentor", True),
        ("everyone", "coordinator", True),
    ],
)
def test_person_page_shows_a_background_attribute_only_to_those_allowed(
    attribute: str, visibility: str, viewer_kind: str, visible: bool
) -> None:
    mentor = make_mentor(verified=True)
    value, printed = SHOWN[attribute]
    give_background(mentor.user, attribute, value, visibility)
    html = signed_in(viewer_of(viewer_kind)).get(person_url(mentor.user)).content.decode()
    label = str(Background.Attribute(attribute).label)
    assert (label in html) is visible
    assert (printed in html) is visible


def test_private_values_never_reach_the_html_in_any_form() -> None:
    mentee = make_mentee()
    give_background(mentee.user, "race_ethnicity", ["american_indian_alaska_native"], "private")
    give_background(mentee.user, "gender_identity", "self_described", "private")
    html = signed_in(make_coordinator()).get(person_url(mentee.user)).content.decode()
    for secret in ("american_indian_alaska_native", "American Indian", "self_described", "Self-described"):
        assert secret not in html
    assert "Background" not in html


def test_owner_sees_their_own_private_answers_marked_private() -> None:
    mentee = make_mentee()
    give_background(mentee.user, "rural", True, "private")
    html = signed_in(mentee.user).get(person_url(mentee.user)).content.decode()
    assert "Rural background" in html
    assert "Only me — counts only in what I see" in html


# --- allauth's pages in the site's layout -----------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password", "account_email_verification_sent"]
)
def test_account_pages_use_the_site_layout(client: Client, url_name: str) -> None:
    html = client.get(reverse(url_name)).content.decode()
    assert 'class="skip-link"' in html
    assert "css/app.css" in html
    assert "— Medical Mentorship</title>" in html


def test_signup_offers_both_roles_in_a_fieldset(client: Client) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    assert "<legend>I am joining as</legend>" in html
    assert 'value="mentee"' in html
    assert 'value="mentor"' in html


def test_failed_login_is_summarised_in_an_alert(client: Client, settings: Any) -> None:
    # A private cache: failed logins are throttled per IP, and must not throttle other tests.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    make_user(email="someone@example.org")
    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": "wrong"})
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "not correct" in html
