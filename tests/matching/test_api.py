"""API v1 of the mentorship workflow: the contract of PRODUCT §6, endpoint by endpoint."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Background, Program, Specialty, User
from matching.models import Goal, Mentorship, MentorshipRequest, Notification
from matching.services.requests import accept_request, end_mentorship
from tests.factories import (
    PASSWORD,
    give_background,
    make_coordinator,
    make_mentee,
    make_mentor,
    make_mentorship,
    make_request,
)

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"
SUGGESTED = "/api/v1/mentees/suggested/"
REQUESTS = "/api/v1/requests/"
MENTORSHIPS = "/api/v1/mentorships/"
SPORTS_ORTHO = "orthopaedic-surgery--orthopaedic-sports-medicine"
FM_SPORTS = "family-medicine--sports-medicine"
ENT = "otolaryngology-head-and-neck-surgery"
EVENINGS = [{"day": 1, "start": "18:00", "end": "21:00"}, {"day": 3, "start": "18:00", "end": "21:00"}]


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def alike(**fields: Any) -> dict[str, Any]:
    """Profile fields every mentor shares, so a test varies only what it is about."""
    return {
        "topics": ["residency_applications", "research"],
        "kinds": ["long_term", "short_term", "task"],
        "availability": EVENINGS,
        "meeting_modes": ["video"],
        "languages": ["en"],
        "capacity": 3,
        **fields,
    }


def sports_ortho_mentee(**fields: Any) -> Any:
    values = {k: v for k, v in alike(**fields).items() if k != "capacity"}
    values["kinds"] = ["long_term"]
    return make_mentee(stage="ms3", targets=(SPORTS_ORTHO,), **values)


def specialty_id(slug: str) -> int:
    return Specialty.objects.get(slug=slug).pk


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def no_approval() -> None:
    Program.objects.filter(is_default=True).update(approval_required=False)


def rule_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


# --- The directory ----------------------------------------------------------------------------


def test_directory_lists_best_match_first_with_score_and_reasons() -> None:
    mentee = sports_ortho_mentee()
    ent = make_mentor(specialty=ENT, **alike())
    sports = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    ortho = make_mentor(specialty="orthopaedic-surgery", **alike())

    response = signed_in(mentee.user).get(MENTORS)

    assert ids(response) == [sports.user.pk, ortho.user.pk, ent.user.pk]
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    first = body["results"][0]
    assert set(first) >= {
        "id", "name", "profession", "specialty", "subspecialties", "institution", "years_in_practice", "topics",
        "kinds", "meeting_modes", "languages", "accepting", "remaining_capacity", "match", "research_doctorate",
    }  # fmt: skip
    assert first["specialty"] == {"id": specialty_id("orthopaedic-surgery"), "name": "Orthopaedic Surgery"}
    assert first["subspecialties"][0]["id"] == specialty_id(SPORTS_ORTHO)
    assert (first["accepting"], first["remaining_capacity"]) == (True, 3)
    scores = [item["match"]["score"] for item in body["results"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    reasons = first["match"]["reasons"]
    assert reasons and {"text", "code", "component", "points"} <= set(reasons[0])
    assert any("Orthopaedic Sports Medicine" in reason["text"] for reason in reasons)
    assert set(first["match"]["components"]) >= {"specialty", "availability"}


def test_directory_pages_with_page_size() -> None:
    mentee = sports_ortho_mentee()
    for _ in range(5):
        make_mentor(**alike())

    client = signed_in(mentee.user)
    first = client.get(MENTORS, {"page_size": 2}).json()
    last = client.get(MENTORS, {"page_size": 2, "page": 3}).json()

    assert (first["count"], len(first["results"]), len(last["results"])) == (5, 2, 1)
    assert "page=2" in first["next"] and last["next"] is None
    assert client.get(MENTORS, {"page": 9}).status_code == 404


def test_specialty_filter_with_and_without_related_fields() -> None:
    mentee = sports_ortho_mentee()
    sports = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    ortho = make_mentor(specialty="orthopaedic-surgery", **alike())
    fm_sports = make_mentor(specialty="family-medicine", subspecialties=(FM_SPORTS,), **alike())
    make_mentor(specialty=ENT, **alike())
    client = signed_in(mentee.user)

    assert ids(client.get(MENTORS, {"specialty": specialty_id(SPORTS_ORTHO)})) == [sports.user.pk]
    # Related fields, on the alignment ladder: Orthopaedic Surgery is required before the target,
    # Sports Medicine (Family Medicine) shares its clinical domain.
    related = ids(client.get(MENTORS, {"specialty": specialty_id(SPORTS_ORTHO), "related": "true"}))
    assert set(related) == {sports.user.pk, fm_sports.user.pk, ortho.user.pk}
    surgery = ids(client.get(MENTORS, {"specialty": specialty_id("orthopaedic-surgery")}))
    assert set(surgery) == {sports.user.pk, ortho.user.pk}


def test_language_mode_and_kind_filters() -> None:
    mentee = sports_ortho_mentee()
    spanish = make_mentor(**alike(languages=["en", "es"], kinds=["long_term"]))
    in_person = make_mentor(**alike(meeting_modes=["video", "in_person"], kinds=["long_term"]))
    also_tasks = make_mentor(**alike(kinds=["long_term", "task"]))
    short_only = make_mentor(**alike(kinds=["short_term"]))
    client = signed_in(mentee.user)

    assert ids(client.get(MENTORS, {"language": "es"})) == [spanish.user.pk]
    assert ids(client.get(MENTORS, {"mode": "in_person"})) == [in_person.user.pk]
    assert ids(client.get(MENTORS, {"kind": "task"})) == [also_tasks.user.pk]
    assert short_only.user.pk not in ids(client.get(MENTORS, {"kind": "long_term"}))
    response = client.get(MENTORS, {"language": "klingon"})
    assert response.status_code == 400 and "language" in response.json()


def test_only_open_mentors_by_default_and_everyone_with_accepting_false() -> None:
    mentee = sports_ortho_mentee()
    open_mentor = make_mentor(**alike())
    full = make_mentor(**alike(capacity=1))
    make_mentorship(mentor=full)
    paused = make_mentor(**alike(paused_until=timezone.localdate() + datetime.timedelta(days=7)))
    client = signed_in(mentee.user)

    assert ids(client.get(MENTORS)) == [open_mentor.user.pk]
    assert ids(client.get(MENTORS, {"accepting": "true"})) == [open_mentor.user.pk]
    everyone = client.get(MENTORS, {"accepting": "false"})
    assert set(ids(everyone)) == {open_mentor.user.pk, full.user.pk, paused.user.pk}
    cards = {card["id"]: card for card in everyone.json()["results"]}
    assert (cards[full.user.pk]["remaining_capacity"], cards[paused.user.pk]["accepting"]) == (0, False)
    assert set(ids(client.get(MENTORS, {"accepting": "all"}))) == set(cards)


def test_search_by_name_institution_specialty_and_topic() -> None:
    mentee = sports_ortho_mentee()
    by_name = make_mentor(**alike())
    by_name.user.last_name = "Okonkwo"
    by_name.user.save()
    at_mayo = make_mentor(institution="Mayo Clinic", **alike())
    ent = make_mentor(specialty=ENT, **alike())
    grants = make_mentor(**alike(topics=["grant_writing"]))
    client = signed_in(mentee.user)

    assert ids(client.get(MENTORS, {"q": "okonk"})) == [by_name.user.pk]
    assert ids(client.get(MENTORS, {"q": "mayo clinic"})) == [at_mayo.user.pk]
    assert ids(client.get(MENTORS, {"q": "otolaryngology"})) == [ent.user.pk]
    assert ids(client.get(MENTORS, {"q": "grant"})) == [grants.user.pk]
    assert ids(client.get(MENTORS, {"q": "nobody-matches-this"})) == []


def test_ordering_by_name() -> None:
    mentee = sports_ortho_mentee()
    made = [make_mentor(**alike()) for _ in range(3)]
    for profile, last_name in zip(made, ["Zhou", "Adeyemi", "Moreno"], strict=True):
        profile.user.last_name = last_name
        profile.user.save()

    response = signed_in(mentee.user).get(MENTORS, {"ordering": "name"})

    assert [card["name"].split()[-1] for card in response.json()["results"]] == ["Adeyemi", "Moreno", "Zhou"]
    assert all(card["match"]["reasons"] for card in response.json()["results"])


def test_directory_shows_only_background_shared_with_everyone() -> None:
    mentee = sports_ortho_mentee()
    mentor = make_mentor(**alike())
    give_background(mentor.user, "gender_identity", "woman", Background.Visibility.EVERYONE)
    give_background(mentor.user, "race_ethnicity", ["hispanic_latino"], Background.Visibility.PRIVATE)
    give_background(mentor.user, "lgbtq", True, Background.Visibility.COORDINATORS)
    client = signed_in(mentee.user)

    for response in (client.get(MENTORS), client.get(f"{MENTORS}{mentor.user.pk}/")):
        card = response.json()["results"][0] if "results" in response.json() else response.json()
        assert set(card["background"]) == {"gender_identity"}
        assert "hispanic" not in response.content.decode().lower()
        assert "lgbtq" not in response.content.decode().lower()


def test_mentor_page_has_the_full_explanation() -> None:
    mentee = sports_ortho_mentee()
    mentor = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    client = signed_in(mentee.user)

    response = client.get(f"{MENTORS}{mentor.user.pk}/")

    assert response.status_code == 200
    card = response.json()
    assert card["id"] == mentor.user.pk
    listed = client.get(MENTORS).json()["results"][0]["match"]
    assert card["match"] == listed
    assert len(card["match"]["reasons"]) >= 3


def test_mentor_page_is_404_for_unverified_mentors_and_other_people() -> None:
    mentee = sports_ortho_mentee()
    unverified = make_mentor(verified=False, **alike())
    other_mentee = make_mentee()
    client = signed_in(mentee.user)

    for user_id in (unverified.user.pk, other_mentee.user.pk, 999_999, 2**70):
        response = client.get(f"{MENTORS}{user_id}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert unverified.user.pk not in ids(client.get(MENTORS, {"accepting": "all"}))


def test_directory_is_for_mentees_only() -> None:
    make_mentor(**alike())
    for user in (make_mentor(**alike()).user, make_coordinator()):
        response = signed_in(user).get(MENTORS)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert APIClient().get(MENTORS).status_code in (401, 403)


# --- Suggested mentees ------------------------------------------------------------------------------


def test_mentor_sees_suggested_mentees_ranked_without_private_details() -> None:
    mentor = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    aligned = sports_ortho_mentee(goals_text="Become a sports surgeon", comfort_preferences={"lgbtq": "important"})
    give_background(aligned.user, "lgbtq", True, Background.Visibility.PRIVATE)
    give_background(aligned.user, "first_generation", True, Background.Visibility.EVERYONE)
    other = make_mentee(stage="ms1", targets=(ENT,))

    response = signed_in(mentor.user).get(SUGGESTED)

    assert ids(response) == [aligned.user.pk, other.user.pk]
    first = response.json()["results"][0]
    assert set(first) >= {"id", "name", "stage", "target_specialties", "goals", "topics", "match"}
    assert first["target_specialties"] == [{"id": specialty_id(SPORTS_ORTHO), "name": "Orthopaedic Sports Medicine"}]
    assert first["goals"] == "Become a sports surgeon"
    assert first["match"]["reasons"]
    assert set(first["background"]) == {"first_generation"}
    assert "comfort_preferences" not in first and "lgbtq" not in response.content.decode().lower()
    assert signed_in(aligned.user).get(SUGGESTED).status_code == 403


# --- Requests ----------------------------------------------------------------------------------------


def send(mentee: Any, mentor: Any, **fields: Any) -> Any:
    body = {
        "mentor": mentor.user.pk,
        "kind": "long_term",
        "message": "Could you mentor me?",
        "goals": "Match",
        **fields,
    }
    return signed_in(mentee.user).post(REQUESTS, body, format="json")


def test_mentee_sends_a_request_and_gets_it_back_pending_with_the_score() -> None:
    mentee = sports_ortho_mentee()
    mentor = make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    listed_score = signed_in(mentee.user).get(MENTORS).json()["results"][0]["match"]["score"]

    response = send(mentee, mentor, goals="Research year")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert (body["mentor"]["id"], body["mentee"]["id"], body["kind"]) == (mentor.user.pk, mentee.user.pk, "long_term")
    assert body["score"] == listed_score
    assert body["goals"] == "Research year" and body["mentorship"] is None
    assert "@" not in response.content.decode()  # no email before a match is live
    assert MentorshipRequest.objects.get(pk=body["id"]).score == listed_score


def test_task_request_needs_a_task_and_a_due_date() -> None:
    mentee, mentor = sports_ortho_mentee(), make_mentor(**alike())

    rule_error(send(mentee, mentor, kind="task"), 400, "task_details")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = send(mentee, mentor, kind="task", task="Review my personal statement", due_date=due)
    assert response.status_code == 201
    assert (response.json()["task"], response.json()["due_date"]) == ("Review my personal statement", due)


def test_bad_input_is_a_400_naming_the_field() -> None:
    mentee, mentor = sports_ortho_mentee(), make_mentor(**alike())

    response = send(mentee, mentor, kind="forever")
    assert response.status_code == 400 and "kind" in response.json()
    response = signed_in(mentee.user).post(REQUESTS, {"mentor": mentor.user.pk}, format="json")
    assert response.status_code == 400 and {"kind", "message"} <= set(response.json())
    rule_error(send(mentee, make_mentor(verified=False)), 400, "not_a_mentor")
    rule_error(send(mentee, type("Nobody", (), {"user": type("U", (), {"pk": 987_654})})()), 400, "not_a_mentor")


def test_rules_broken_by_a_request_are_409_with_their_code() -> None:
    mentee = sports_ortho_mentee()
    mentor = make_mentor(**alike())
    assert send(mentee, mentor).status_code == 201
    rule_error(send(mentee, mentor), 409, "duplicate_request")

    full = make_mentor(**alike(capacity=1))
    make_mentorship(mentor=full)
    rule_error(send(mentee, full), 409, "mentor_full")

    paused = make_mentor(**alike(accepting=False))
    rule_error(send(mentee, paused), 409, "not_accepting")

    Program.objects.filter(is_default=True).update(max_open_requests=1)
    rule_error(send(mentee, make_mentor(**alike())), 409, "too_many_open_requests")


def test_request_lists_are_scoped_to_the_caller() -> None:
    mentee, other_mentee = make_mentee(), make_mentee()
    mentor, other_mentor = make_mentor(), make_mentor()
    mine = make_request(mentee=mentee, mentor=mentor)
    theirs = make_request(mentee=other_mentee, mentor=other_mentor)
    to_my_mentor = make_request(mentee=other_mentee, mentor=mentor)

    assert ids(signed_in(mentee.user).get(REQUESTS)) == [mine.pk]
    assert set(ids(signed_in(mentor.user).get(REQUESTS))) == {mine.pk, to_my_mentor.pk}
    assert set(ids(signed_in(make_coordinator()).get(REQUESTS))) == {mine.pk, theirs.pk, to_my_mentor.pk}
    assert signed_in(mentee.user).get(f"{REQUESTS}{theirs.pk}/").status_code == 404
    assert signed_in(mentee.user).get(f"{REQUESTS}{mine.pk}/").json()["id"] == mine.pk


def test_request_list_filters_by_status() -> None:
    mentor = make_mentor()
    pending = make_request(mentor=mentor)
    accepted = accept_request(request=make_request(mentor=mentor), by=mentor.user)
    client = signed_in(mentor.user)

    assert ids(client.get(REQUESTS, {"status": "pending"})) == [pending.pk]
    assert ids(client.get(REQUESTS, {"status": "accepted"})) == [accepted.pk]
    assert ids(client.get(REQUESTS, {"status": "matched"})) == []
    assert client.get(REQUESTS, {"status": "lost"}).status_code == 400


def test_mentor_accepts_then_coordinator_approves() -> None:
    request = make_request()
    coordinator = make_coordinator()

    accepted = signed_in(request.mentor).post(f"{REQUESTS}{request.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["mentorship"]) == ("accepted", None)

    approved = signed_in(coordinator).post(f"{REQUESTS}{request.pk}/approve/")
    assert approved.status_code == 200
    mentorship = Mentorship.objects.get(request=request)
    assert (approved.json()["status"], approved.json()["mentorship"]) == ("matched", mentorship.pk)


def test_accept_matches_at_once_when_the_program_needs_no_approval() -> None:
    no_approval()
    request = make_request()

    response = signed_in(request.mentor).post(f"{REQUESTS}{request.pk}/accept/")

    assert response.json()["status"] == "matched"
    assert response.json()["mentorship"] == Mentorship.objects.get(request=request).pk


def test_mentor_declines_with_a_reason() -> None:
    request = make_request()
    client = signed_in(request.mentor)

    response = client.post(f"{REQUESTS}{request.pk}/decline/", {"note": "Sorry"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()

    body = {"reason": "no_capacity", "note": "Full until spring"}
    response = client.post(f"{REQUESTS}{request.pk}/decline/", body, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "no_capacity")
    assert response.json()["response_note"] == "Full until spring"


def test_mentee_withdraws_and_a_second_verb_on_it_is_a_409() -> None:
    request = make_request()
    mentee = signed_in(request.mentee)

    response = mentee.post(f"{REQUESTS}{request.pk}/withdraw/")
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")

    rule_error(mentee.post(f"{REQUESTS}{request.pk}/withdraw/"), 409, "invalid_state")
    rule_error(signed_in(request.mentor).post(f"{REQUESTS}{request.pk}/accept/"), 409, "invalid_state")


def test_coordinator_rejects_with_a_note_and_cannot_approve_a_pending_request() -> None:
    coordinator = make_coordinator()
    pending = make_request()
    rule_error(signed_in(coordinator).post(f"{REQUESTS}{pending.pk}/approve/"), 409, "invalid_state")

    request = make_request()
    accept_request(request=request, by=request.mentor)
    response = signed_in(coordinator).post(f"{REQUESTS}{request.pk}/reject/", {"note": "Not this term"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["response_note"]) == ("rejected", "Not this term")


def test_approving_past_capacity_is_a_409_mentor_full_that_closes_the_request_and_tells_the_mentee() -> None:
    mentor = make_mentor(capacity=2)
    first, second = make_request(mentor=mentor), make_request(mentor=mentor)
    for request in (first, second):
        accept_request(request=request, by=mentor.user)
    type(mentor).objects.filter(pk=mentor.pk).update(capacity=1)  # the mentor lowered it meanwhile
    coordinator = signed_in(make_coordinator())

    assert coordinator.post(f"{REQUESTS}{first.pk}/approve/").status_code == 200
    rule_error(coordinator.post(f"{REQUESTS}{second.pk}/approve/"), 409, "mentor_full")
    # Issue 14: it used to stay "accepted" forever, holding one of the mentee's open places.
    second.refresh_from_db()
    assert second.status == "rejected"
    assert Notification.objects.filter(recipient=second.mentee, kind="match_rejected").count() == 1


# --- Mentorships and goals --------------------------------------------------------------------------------


def test_live_mentorship_shares_contact_details_with_both_sides() -> None:
    mentorship = make_mentorship()
    Goal.objects.create(mentorship=mentorship, text="Draft a personal statement", created_by=mentorship.mentee)

    for viewer in (mentorship.mentee, mentorship.mentor):
        response = signed_in(viewer).get(f"{MENTORSHIPS}{mentorship.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert set(body) >= {"id", "status", "mentor", "mentee", "kind", "started_at", "at_risk", "goals"}
        assert body["status"] == "active" and body["at_risk"] is False
        assert body["mentor"] == {
            "id": mentorship.mentor.pk,
            "name": mentorship.mentor.display_name,
            "email": mentorship.mentor.email,
        }
        assert body["mentee"]["email"] == mentorship.mentee.email
        assert [goal["text"] for goal in body["goals"]] == ["Draft a personal statement"]
        assert ids(signed_in(viewer).get(MENTORSHIPS)) == [mentorship.pk]


def test_contact_details_are_gone_once_the_mentorship_ends_but_coordinators_keep_them() -> None:
    mentorship = make_mentorship()
    end_mentorship(mentorship=mentorship, by=mentorship.mentee, outcome="completed", reason="goals_met")

    body = signed_in(mentorship.mentee).get(f"{MENTORSHIPS}{mentorship.pk}/").json()
    assert body["status"] == "completed"
    assert body["mentor"]["email"] is None and body["mentee"]["email"] is None
    coordinator_view = signed_in(make_coordinator()).get(f"{MENTORSHIPS}{mentorship.pk}/").json()
    assert coordinator_view["mentor"]["email"] == mentorship.mentor.email


def test_request_never_reveals_an_email_until_matched() -> None:
    request = make_request()
    accept_request(request=request, by=request.mentor)
    for viewer in (request.mentee, request.mentor):
        response = signed_in(viewer).get(f"{REQUESTS}{request.pk}/")
        assert response.status_code == 200 and "@" not in response.content.decode()


def test_mentee_ends_with_feedback_and_asks_for_a_rematch() -> None:
    mentorship = make_mentorship()
    mentee = signed_in(mentorship.mentee)
    rule_error(mentee.post(f"{MENTORSHIPS}{mentorship.pk}/rematch/"), 409, "invalid_state")

    response = mentee.post(
        f"{MENTORSHIPS}{mentorship.pk}/end/",
        {"outcome": "ended", "reason": "schedule", "feedback": "Our weeks never lined up", "rating": 3},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["end_reason"]) == ("ended", "schedule")
    mentorship.refresh_from_db()
    assert (mentorship.mentee_feedback, mentorship.mentee_rating) == ("Our weeks never lined up", 3)

    rematch = mentee.post(f"{MENTORSHIPS}{mentorship.pk}/rematch/")
    assert (rematch.status_code, rematch.json()["rematch_requested"]) == (200, True)
    rule_error(mentee.post(f"{MENTORSHIPS}{mentorship.pk}/end/", {"outcome": "completed", "reason": "other"},
                           format="json"), 409, "invalid_state")  # fmt: skip


def test_ending_needs_a_known_outcome_reason_and_rating() -> None:
    mentorship = make_mentorship()
    client = signed_in(mentorship.mentor)
    url = f"{MENTORSHIPS}{mentorship.pk}/end/"

    for body, field in (
        ({"outcome": "paused", "reason": "other"}, "outcome"),
        ({"outcome": "completed", "reason": "bored"}, "reason"),
        ({"outcome": "completed", "reason": "other", "rating": 6}, "rating"),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()


def test_participants_add_list_and_complete_goals() -> None:
    mentorship = make_mentorship()
    mentee, mentor = signed_in(mentorship.mentee), signed_in(mentorship.mentor)
    url = f"{MENTORSHIPS}{mentorship.pk}/goals/"

    created = mentee.post(url, {"text": "Finish the research abstract"}, format="json")
    assert created.status_code == 201, created.json()
    goal = created.json()
    assert (goal["done"], goal["created_by"], goal["completed_at"]) == (False, mentorship.mentee.pk, None)

    listed = mentor.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == goal["id"]

    done = mentor.patch(f"{url}{goal['id']}/", {"done": True}, format="json")
    assert done.status_code == 200 and done.json()["done"] is True and done.json()["completed_at"]
    renamed = mentee.patch(f"{url}{goal['id']}/", {"text": "Submit the abstract"}, format="json")
    assert renamed.json()["text"] == "Submit the abstract" and renamed.json()["completed_at"]
    undone = mentee.patch(f"{url}{goal['id']}/", {"done": False}, format="json")
    assert undone.json()["completed_at"] is None
    assert mentee.post(url, {"text": ""}, format="json").status_code == 400


def test_goals_of_an_ended_mentorship_no_longer_change() -> None:
    mentorship = make_mentorship()
    goal = Goal.objects.create(mentorship=mentorship, text="Mock interview")
    end_mentorship(mentorship=mentorship, by=mentorship.mentor, outcome="completed", reason="goals_met")
    mentee = signed_in(mentorship.mentee)

    rule_error(mentee.post(f"{MENTORSHIPS}{mentorship.pk}/goals/", {"text": "More"}, format="json"), 409,
               "invalid_state")  # fmt: skip
    rule_error(mentee.patch(f"{MENTORSHIPS}{mentorship.pk}/goals/{goal.pk}/", {"done": True}, format="json"), 409,
               "invalid_state")  # fmt: skip
    assert mentee.get(f"{MENTORSHIPS}{mentorship.pk}/goals/").json()["count"] == 1


def test_a_goal_of_another_mentorship_is_404() -> None:
    mine, theirs = make_mentorship(), make_mentorship()
    their_goal = Goal.objects.create(mentorship=theirs, text="Theirs")

    response = signed_in(mine.mentee).patch(
        f"{MENTORSHIPS}{mine.pk}/goals/{their_goal.pk}/", {"done": True}, format="json"
    )

    assert response.status_code == 404
    assert Goal.objects.get(pk=their_goal.pk).done is False


# --- The whole journey, as a client would drive it ----------------------------------------------------------


@pytest.fixture
def isolated_cache(settings: Any) -> None:
    # The login throttle counts in the cache: a fresh one, so earlier tests' logins don't count.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "flow"}}
    from django.core.cache import cache

    cache.clear()


def token_client(email: str) -> APIClient:
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_demo_like_journey_with_tokens(isolated_cache: None) -> None:
    assert Program.objects.default().approval_required
    sports_ortho_mentee(email="mentee@example.com")
    best = make_mentor(
        email="mentor@example.com", specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike()
    )
    for slug in ("orthopaedic-surgery", ENT, "internal-medicine"):
        make_mentor(specialty=slug, **alike())
    make_coordinator(email="coordinator@example.com")
    as_mentee = token_client("mentee@example.com")
    as_mentor = token_client("mentor@example.com")
    as_coordinator = token_client("coordinator@example.com")

    directory = as_mentee.get(MENTORS).json()
    first = directory["results"][0]
    assert first["id"] == best.user.pk == as_mentor.get("/api/v1/me/").json()["id"]
    assert first["match"]["score"] == max(card["match"]["score"] for card in directory["results"])
    assert first["match"]["reasons"]

    sent = as_mentee.post(
        REQUESTS, {"mentor": first["id"], "kind": "long_term", "message": "Hi!", "goals": "Residency"}, format="json"
    )
    assert (sent.status_code, sent.json()["status"]) == (201, "pending")
    request_id = sent.json()["id"]
    assert ids(as_mentor.get(REQUESTS, {"status": "pending"})) == [request_id]

    assert as_mentor.post(f"{REQUESTS}{request_id}/accept/").json()["status"] == "accepted"
    assert ids(as_coordinator.get(REQUESTS, {"status": "accepted"})) == [request_id]
    approved = as_coordinator.post(f"{REQUESTS}{request_id}/approve/").json()
    assert approved["status"] == "matched"

    for client, other_email in ((as_mentee, "mentor@example.com"), (as_mentor, "mentee@example.com")):
        listed = client.get(MENTORSHIPS).json()["results"]
        assert [m["id"] for m in listed] == [approved["mentorship"]]
        other = listed[0]["mentor"] if other_email.startswith("mentor") else listed[0]["mentee"]
        assert other["email"] == other_email and other["name"]

    ended = as_mentee.post(
        f"{MENTORSHIPS}{approved['mentorship']}/end/",
        {"outcome": "completed", "reason": "goals_met", "feedback": "Matched in orthopaedics!", "rating": 5},
        format="json",
    )
    assert (ended.status_code, ended.json()["status"]) == (200, "completed")
    assert Mentorship.objects.get().mentee_feedback == "Matched in orthopaedics!"


def test_an_md_phd_mentee_sees_the_physician_scientist_on_the_card() -> None:
    """The reason the mentee asked for by name comes right after the field, whatever its points."""
    mentee = make_mentee(stage="undergraduate", md_phd=True, targets=("internal-medicine--cardiovascular-disease",))
    scientist = make_mentor(specialty="internal-medicine", research_doctorate=True)
    response = signed_in(mentee.user).get("/api/v1/mentors/")
    assert response.status_code == 200
    card = next(card for card in response.json()["results"] if card["id"] == scientist.user_id)
    assert card["research_doctorate"] is True
    texts = [reason["text"] for reason in card["match"]["reasons"]]
    assert texts[1] == "Physician-scientist: holds a research doctorate too", texts
    assert "Physician (MD): the profession you are heading for" in texts
