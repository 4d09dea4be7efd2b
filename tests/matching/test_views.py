"""The HTML pages of the mentorship workflow: who may see what, and that forms reach the services."""

from __future__ import annotations

import datetime

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Background, MentorProfile, Program
from matching.models import Goal, Mentorship, MentorshipRequest
from matching.services.requests import accept_request, approve_request, end_mentorship
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_request

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def logged_in(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def live(mentee: object = None, mentor: object = None) -> Mentorship:
    request = make_request(mentee=mentee, mentor=mentor)
    accept_request(request=request, by=request.mentor)
    approve_request(request=request, by=make_coordinator())
    return Mentorship.objects.get(request=request)


# --- Role checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["matching:directory", "matching:requests", "matching:inbox", "matching:mentorships"])
def test_pages_need_a_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_mentors_cannot_browse_the_directory_and_mentees_have_no_inbox(client: Client) -> None:
    mentor = make_mentor()
    response = logged_in(client, mentor.user).get(reverse("matching:directory"))
    assert response.status_code == 403
    assert "inbox" in response.content.decode()
    mentee = make_mentee()
    assert logged_in(Client(), mentee.user).get(reverse("matching:inbox")).status_code == 403


# --- Directory -----------------------------------------------------------------------------


def test_directory_ranks_the_closest_field_first_with_score_and_reasons(client: Client) -> None:
    mentee = make_mentee(targets=("orthopaedic-surgery--orthopaedic-sports-medicine",), stage="ms3")
    ent = make_mentor(specialty="otolaryngology-head-and-neck-surgery")
    ortho = make_mentor(
        specialty="orthopaedic-surgery", subspecialties=("orthopaedic-surgery--orthopaedic-sports-medicine",)
    )
    response = logged_in(client, mentee.user).get(reverse("matching:directory"))
    body = response.content.decode()
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [card.profile.user_id for card in cards] == [ortho.user_id, ent.user_id]
    assert cards[0].score > cards[1].score
    assert "Orthopaedic Sports Medicine" in cards[0].top_reasons[0].text
    assert body.index(ortho.user.get_full_name()) < body.index(ent.user.get_full_name())
    # The page rounds half up (floatformat); Python's format would round 85.5 and 86.5 alike.
    assert f'{floatformat(cards[0].score, 0)}</span><span class="score-unit"> match' in body


def test_directory_filters_by_specialty_including_related_fields(client: Client) -> None:
    mentee = make_mentee(targets=("orthopaedic-surgery--orthopaedic-sports-medicine",))
    ortho = make_mentor(specialty="orthopaedic-surgery")
    rehab = make_mentor(specialty="physical-medicine-and-rehabilitation")
    make_mentor(specialty="dermatology")
    client = logged_in(client, mentee.user)
    specialty = ortho.specialty.pk  # type: ignore[union-attr]
    only = client.get(reverse("matching:directory"), {"specialty": specialty})
    assert [c.profile.user_id for c in only.context["cards"]] == [ortho.user_id]
    wider = client.get(reverse("matching:directory"), {"specialty": specialty, "related": "on"})
    assert {c.profile.user_id for c in wider.context["cards"]} == {ortho.user_id, rehab.user_id}


def test_directory_filters_by_language_and_search(client: Client) -> None:
    mentee = make_mentee()
    spanish = make_mentor(languages=["en", "es"], institution="Lakeside Hospital")
    english = make_mentor(languages=["en"])
    client = logged_in(client, mentee.user)
    found = client.get(reverse("matching:directory"), {"language": "es"}).context["cards"]
    assert [c.profile.user_id for c in found] == [spanish.user_id]
    found = client.get(reverse("matching:directory"), {"q": "lakeside"}).context["cards"]
    assert [c.profile.user_id for c in found] == [spanish.user_id]
    found = client.get(reverse("matching:directory"), {"q": english.user.last_name}).context["cards"]
    assert [c.profile.user_id for c in found] == [english.user_id]


def test_directory_hides_full_mentors_unless_asked(client: Client) -> None:
    mentee = make_mentee()
    paused = make_mentor(accepting=False)
    client = logged_in(client, mentee.user)
    assert client.get(reverse("matching:directory")).context["cards"] == []
    everyone = client.get(reverse("matching:directory"), {"show": "everyone"})
    assert [c.profile.user_id for c in everyone.context["cards"]] == [paused.user_id]
    assert "Not accepting right now" in everyone.content.decode()


def test_directory_pages_by_twenty(client: Client) -> None:
    mentee = make_mentee()
    for _ in range(21):
        make_mentor()
    client = logged_in(client, mentee.user)
    first = client.get(reverse("matching:directory"))
    assert len(first.context["cards"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("matching:directory"), {"page": 2})
    assert len(second.context["cards"]) == 1


def test_directory_answers_htmx_with_the_results_only(client: Client) -> None:
    mentee = make_mentee()
    make_mentor()
    response = logged_in(client, mentee.user).get(reverse("matching:directory"), {"q": "x"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert 'hx-swap-oob="true"' in body


def test_empty_directory_says_why(client: Client) -> None:
    mentee = make_mentee(targets=("dermatology",))
    make_mentor()
    body = logged_in(client, mentee.user).get(reverse("matching:directory"), {"language": "yo"}).content.decode()
    assert "No mentor matches these filters" in body
    assert "clear all filters" in body


def test_favourite_and_hide_a_mentor(client: Client) -> None:
    mentee = make_mentee()
    liked, hidden = make_mentor(), make_mentor()
    client = logged_in(client, mentee.user)
    client.post(reverse("matching:favourite", args=[liked.user_id]))
    client.post(reverse("matching:hide", args=[hidden.user_id]))
    listed = client.get(reverse("matching:directory")).context["cards"]
    assert [(c.profile.user_id, c.favourite) for c in listed] == [(liked.user_id, True)]
    favourites = client.get(reverse("matching:directory"), {"favourites": "on"}).context["cards"]
    assert [c.profile.user_id for c in favourites] == [liked.user_id]
    client.post(reverse("matching:unhide_all"))
    assert len(client.get(reverse("matching:directory")).context["cards"]) == 2


# --- Mentor page and requests ------------------------------------------------------------


def test_mentor_page_explains_every_component_and_shows_only_public_background(client: Client) -> None:
    mentee = make_mentee(targets=("orthopaedic-surgery--orthopaedic-sports-medicine",), topics=["research"])
    mentor = make_mentor(specialty="orthopaedic-surgery", topics=["research"])
    give_background(mentor.user, Background.Attribute.FIRST_GENERATION, True, Background.Visibility.EVERYONE)
    give_background(mentor.user, Background.Attribute.GENDER_IDENTITY, "woman", Background.Visibility.PRIVATE)
    response = logged_in(client, mentee.user).get(reverse("matching:mentor", args=[mentor.user_id]))
    body = response.content.decode()
    assert response.status_code == 200
    names = [part.name for part in response.context["components"]]
    assert {"specialty", "goals", "capacity"} <= set(names)
    total = sum(part.points for part in response.context["components"])
    assert abs(total - response.context["match"].score) < 1
    assert "First-generation college student" in body
    assert "Gender identity" not in body


def test_unverified_mentors_have_no_page(client: Client) -> None:
    mentee = make_mentee()
    waiting = make_mentor(verified=False)
    assert logged_in(client, mentee.user).get(reverse("matching:mentor", args=[waiting.user_id])).status_code == 404


def test_requesting_a_mentor_calls_the_service_and_lands_on_my_requests(client: Client) -> None:
    mentee = make_mentee(targets=("orthopaedic-surgery",))
    mentor = make_mentor(specialty="orthopaedic-surgery")
    response = logged_in(client, mentee.user).post(
        reverse("matching:mentor", args=[mentor.user_id]),
        {"kind": "long_term", "message": "I love sports medicine.", "goals": "Residency applications"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("matching:requests")
    sent = MentorshipRequest.objects.get(mentee=mentee.user, mentor=mentor.user)
    assert sent.status == MentorshipRequest.Status.PENDING
    assert sent.score is not None and sent.score > 0
    assert "Your request is on its way" in response.content.decode()
    assert mentor.user.email not in response.content.decode()  # contact details wait for a live match


def test_a_broken_rule_is_shown_on_the_request_form(client: Client) -> None:
    mentee = make_mentee()
    mentor = make_mentor()
    make_request(mentee=mentee, mentor=mentor)
    MentorProfile.objects.filter(pk=mentor.pk).update(accepting=False)
    response = logged_in(client, mentee.user).post(
        reverse("matching:mentor", args=[mentor.user_id]), {"kind": "long_term", "message": "Hello again"}
    )
    # The open request is shown instead of the form; a direct post gets the service's message.
    assert response.status_code == 400
    assert "This mentor is not accepting requests right now." in response.content.decode()


def test_a_task_request_needs_a_task_and_a_due_date(client: Client) -> None:
    mentee = make_mentee()
    mentor = make_mentor()
    client = logged_in(client, mentee.user)
    url = reverse("matching:mentor", args=[mentor.user_id])
    response = client.post(url, {"kind": "task", "message": "Please review my statement"})
    assert response.status_code == 400
    assert "Say what the task is." in response.content.decode()
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    client.post(url, {"kind": "task", "message": "Please", "task": "Personal statement", "due_date": due})
    assert MentorshipRequest.objects.get(mentee=mentee.user).task == "Personal statement"


def test_my_requests_lists_only_my_own_and_withdraws_them(client: Client) -> None:
    mine = make_request()
    theirs = make_request()
    client = logged_in(client, mine.mentee)
    response = client.get(reverse("matching:requests"))
    assert list(response.context["sent"]) == [mine]
    assert client.post(reverse("matching:withdraw", args=[theirs.pk])).status_code == 404
    row = client.post(reverse("matching:withdraw", args=[mine.pk]), **HTMX)
    assert "<html" not in row.content.decode() and "Withdrawn" in row.content.decode()
    mine.refresh_from_db()
    assert mine.status == MentorshipRequest.Status.WITHDRAWN
    again = client.post(reverse("matching:withdraw", args=[mine.pk]), follow=True)
    assert "it can no longer be withdrawn" in again.content.decode()


def test_empty_requests_page_links_to_the_directory(client: Client) -> None:
    body = logged_in(client, make_mentee().user).get(reverse("matching:requests")).content.decode()
    assert "No requests yet" in body and reverse("matching:directory") in body


# --- Inbox -------------------------------------------------------------------------------------


def test_inbox_lists_pending_first_with_score_and_suggestions(client: Client) -> None:
    mentor = make_mentor(specialty="orthopaedic-surgery")
    old = make_request(mentor=mentor)
    accept_request(request=old, by=mentor.user)
    new = make_request(mentor=mentor, mentee=make_mentee(targets=("orthopaedic-surgery",)))
    not_yet = make_mentee(targets=("orthopaedic-surgery",))
    response = logged_in(client, mentor.user).get(reverse("matching:inbox"))
    received = response.context["received"]
    assert [item.request for item in received] == [new, old]
    assert received[0].match is not None and received[0].match.score > 0
    # Suggestions leave out mentees who already asked.
    assert [profile.user_id for profile, _ in response.context["suggested"]] == [not_yet.user_id]


def test_mentor_accepts_and_declines_with_a_reason(client: Client) -> None:
    mentor = make_mentor()
    first, second = make_request(mentor=mentor), make_request(mentor=mentor)
    client = logged_in(client, mentor.user)
    client.post(reverse("matching:accept", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == MentorshipRequest.Status.ACCEPTED
    missing = client.post(reverse("matching:decline", args=[second.pk]), {"reason": ""}, follow=True)
    assert "Choose a reason for declining." in missing.content.decode()
    client.post(reverse("matching:decline", args=[second.pk]), {"reason": "schedule", "note": "Try Dr B"})
    second.refresh_from_db()
    assert (second.status, second.decline_reason, second.response_note) == ("declined", "schedule", "Try Dr B")


def test_mentors_cannot_answer_requests_to_someone_else(client: Client) -> None:
    other = make_request()
    client = logged_in(client, make_mentor().user)
    assert client.post(reverse("matching:accept", args=[other.pk])).status_code == 404
    assert client.post(reverse("matching:decline", args=[other.pk]), {"reason": "other"}).status_code == 404


def test_accepting_when_full_shows_the_rule(client: Client) -> None:
    mentor = make_mentor(capacity=1)
    waiting = make_request(mentor=mentor)  # sent while there was room
    live(mentor=mentor)
    response = logged_in(client, mentor.user).post(reverse("matching:accept", args=[waiting.pk]), follow=True)
    assert "You have no room for another mentee" in response.content.decode()


def test_mentor_pauses_accepting_until_a_date(client: Client) -> None:
    mentor = make_mentor()
    until = timezone.localdate() + datetime.timedelta(days=30)
    client = logged_in(client, mentor.user)
    client.post(reverse("matching:availability"), {"accepting": "on", "paused_until": until.isoformat()})
    mentor.refresh_from_db()
    assert mentor.paused_until == until and not mentor.is_accepting()
    past = client.post(reverse("matching:availability"), {"paused_until": "2000-01-01"}, follow=True)
    assert "Choose a date after today." in past.content.decode()


# --- The live mentorship -------------------------------------------------------------------


def test_contact_details_show_only_while_the_match_is_live(client: Client) -> None:
    mentorship = live()
    url = reverse("matching:mentorship", args=[mentorship.pk])
    as_mentee = logged_in(client, mentorship.mentee).get(url).content.decode()
    assert mentorship.mentor.email in as_mentee
    as_mentor = logged_in(Client(), mentorship.mentor).get(url).content.decode()
    assert mentorship.mentee.email in as_mentor
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met")
    assert mentorship.mentor.email not in logged_in(Client(), mentorship.mentee).get(url).content.decode()


def test_strangers_get_404_and_coordinators_can_look(client: Client) -> None:
    mentorship = live()
    url = reverse("matching:mentorship", args=[mentorship.pk])
    assert logged_in(client, make_mentee().user).get(url).status_code == 404
    assert logged_in(Client(), make_coordinator()).get(url).status_code == 200


def test_participants_add_edit_and_complete_goals(client: Client) -> None:
    mentorship = live()
    client = logged_in(client, mentorship.mentee)
    added = client.post(reverse("matching:add_goal", args=[mentorship.pk]), {"text": "Draft a CV"}, **HTMX)
    assert "<html" not in added.content.decode() and "Draft a CV" in added.content.decode()
    goal = Goal.objects.get(mentorship=mentorship)
    assert goal.created_by == mentorship.mentee
    form = client.get(reverse("matching:edit_goal", args=[mentorship.pk, goal.pk]), **HTMX)
    assert f'name="goal-{goal.pk}-text"' in form.content.decode()
    client.post(reverse("matching:edit_goal", args=[mentorship.pk, goal.pk]), {f"goal-{goal.pk}-text": "Final CV"})
    client.post(reverse("matching:toggle_goal", args=[mentorship.pk, goal.pk]))
    goal.refresh_from_db()
    assert (goal.text, goal.done) == ("Final CV", True) and goal.completed_at is not None
    empty = client.post(reverse("matching:add_goal", args=[mentorship.pk]), {"text": ""})
    assert empty.status_code == 400


def test_goals_of_other_mentorships_cannot_be_touched(client: Client) -> None:
    mentorship = live()
    goal = Goal.objects.create(mentorship=mentorship, text="Mine")
    client = logged_in(client, make_mentee().user)
    assert client.post(reverse("matching:add_goal", args=[mentorship.pk]), {"text": "x"}).status_code == 404
    assert client.post(reverse("matching:toggle_goal", args=[mentorship.pk, goal.pk])).status_code == 404
    coordinator = logged_in(Client(), make_coordinator())
    assert coordinator.post(reverse("matching:add_goal", args=[mentorship.pk]), {"text": "x"}).status_code == 404


def test_mentee_ends_early_with_feedback_then_asks_for_a_rematch(client: Client) -> None:
    mentorship = live()
    client = logged_in(client, mentorship.mentee)
    response = client.post(
        reverse("matching:end", args=[mentorship.pk]),
        {"outcome": "ended", "reason": "schedule", "feedback": "Kind, but too busy.", "rating": "3"},
        follow=True,
    )
    assert "Ask for a rematch" in response.content.decode()
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.mentee_rating, mentorship.mentee_feedback) == (
        "ended",
        3,
        "Kind, but too busy.",
    )
    again = client.post(
        reverse("matching:end", args=[mentorship.pk]), {"outcome": "ended", "reason": "other"}, follow=True
    )
    assert "it can no longer be ended" in again.content.decode()
    client.post(reverse("matching:rematch", args=[mentorship.pk]))
    mentorship.refresh_from_db()
    assert mentorship.rematch_requested


def test_only_the_mentee_can_ask_for_a_rematch(client: Client) -> None:
    mentorship = live()
    end_mentorship(mentorship=mentorship, by=mentorship.mentor, outcome="ended", reason="personal")
    response = logged_in(client, mentorship.mentor).post(reverse("matching:rematch", args=[mentorship.pk]), follow=True)
    assert "Only the mentee can ask for a rematch." in response.content.decode()


def test_mentorships_list_is_scoped_to_the_user(client: Client) -> None:
    mine, other = live(), live()
    listed = logged_in(client, mine.mentee).get(reverse("matching:mentorships")).context["page"].object_list
    assert list(listed) == [mine]
    everything = logged_in(Client(), make_coordinator()).get(reverse("matching:mentorships"))
    assert set(everything.context["page"].object_list) == {mine, other}


def test_program_without_approval_matches_on_accept(client: Client) -> None:
    Program.objects.filter(is_default=True).update(approval_required=False)
    sent = make_request()
    response = logged_in(client, sent.mentor).post(reverse("matching:accept", args=[sent.pk]))
    mentorship = Mentorship.objects.get(request=sent)
    assert response["Location"] == reverse("matching:mentorship", args=[mentorship.pk])


def test_favourites_and_hidden_mentors_outlive_the_session(client: Client) -> None:
    mentee = make_mentee()
    liked, disliked = make_mentor(), make_mentor()
    client.force_login(mentee.user)
    client.post(reverse("matching:favourite", args=[liked.user_id]))
    client.post(reverse("matching:hide", args=[disliked.user_id]))
    client.logout()

    client.force_login(mentee.user)
    cards = client.get(reverse("matching:directory")).context["cards"]
    assert [(c.profile.user_id, c.favourite) for c in cards if c.profile.user_id == liked.user_id] == [
        (liked.user_id, True)
    ]
    assert disliked.user_id not in [c.profile.user_id for c in cards]
