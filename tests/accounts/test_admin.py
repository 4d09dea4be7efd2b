import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Background, MentorProfile
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    client.force_login(make_coordinator())
    return client


def test_coordinator_verifies_mentors_with_the_admin_action(coordinator_client: Client) -> None:
    waiting = make_mentor(verified=False)
    response = coordinator_client.post(
        reverse("admin:accounts_mentorprofile_changelist"),
        {"action": "verify_mentors", "_selected_action": [waiting.pk], "confirmed": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.verification == MentorProfile.Verification.VERIFIED
    assert waiting.verified_by is not None and waiting.verified_at is not None


def test_coordinator_can_reject_a_mentor(coordinator_client: Client) -> None:
    doubtful = make_mentor(verified=False)
    coordinator_client.post(
        reverse("admin:accounts_mentorprofile_changelist"),
        {"action": "reject_mentors", "_selected_action": [doubtful.pk]},
    )
    doubtful.refresh_from_db()
    assert doubtful.verification == MentorProfile.Verification.REJECTED
    assert doubtful.rejection_reason


def test_coordinator_admin_lists_are_searchable(coordinator_client: Client) -> None:
    mentor = make_mentor(institution="Lakeside University Hospital")
    response = coordinator_client.get(reverse("admin:accounts_mentorprofile_changelist"), {"q": "Lakeside"})
    assert response.status_code == 200
    assert mentor.user.email in response.content.decode()
    assert coordinator_client.get(reverse("admin:accounts_menteeprofile_changelist")).status_code == 200
    assert coordinator_client.get(reverse("admin:accounts_specialty_changelist"), {"q": "sports"}).status_code == 200


@pytest.mark.parametrize(
    ("visibility", "listed"),
    [(Background.Visibility.PRIVATE, False), (Background.Visibility.COORDINATORS, True), ("everyone", True)],
)
def test_background_admin_hides_private_attributes_from_coordinators(
    coordinator_client: Client, visibility: str, listed: bool
) -> None:
    mentee = make_mentee()
    give_background(mentee.user, Background.Attribute.GENDER_IDENTITY, "nonbinary", visibility)
    response = coordinator_client.get(reverse("admin:accounts_background_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Non-binary" in page) is listed
    assert (mentee.user.email in page) is listed


def test_mentee_profile_admin_never_shows_comfort_preferences(coordinator_client: Client) -> None:
    mentee = make_mentee(comfort_preferences={"race_ethnicity": "must"})
    response = coordinator_client.get(reverse("admin:accounts_menteeprofile_change", args=[mentee.pk]))
    assert response.status_code == 200
    assert "comfort_preferences" not in response.content.decode()


def test_people_without_staff_status_cannot_open_the_admin(client: Client) -> None:
    client.force_login(make_mentor().user)
    response = client.get(reverse("admin:accounts_mentorprofile_changelist"))
    assert response.status_code == 302
