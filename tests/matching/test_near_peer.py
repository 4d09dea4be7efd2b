"""Near-peer mentors (medical students, residents) mentor premed students only, where the program offers it.

``check_pair`` refuses anything else (tests/matching/test_follow_through.py); here, every
ranking follows the same rule, so no one is shown a mentor they cannot have: the directory
page and API, a mentor's suggested mentees and cohort runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import MentorProfile, Program, User
from accounts.services import verify_mentor
from matching.models import CohortRun, MentoringPolicy
from matching.services import cohort
from matching.services import directory as engine
from matching.services.requests import RuleBroken
from tests.factories import api_client, make_coordinator, make_mentee, make_mentor
from tests.matching.test_cohort import proposed as cohort_run

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"
SUGGESTED = "/api/v1/mentees/suggested/"
NEAR_PEERS = (MentorProfile.Profession.MEDICAL_STUDENT, MentorProfile.Profession.RESIDENT)


signed_in = api_client


def listed(user: User) -> set[int]:
    """The mentors ``user`` finds in the directory, through the API and on the page, which agree."""
    response = signed_in(user).get(MENTORS, {"accepting": "true"})
    assert response.status_code == 200, response.json()
    from_api = {item["id"] for item in response.json()["results"]}
    page = Client()
    page.force_login(user)
    from_page = {card.profile.user_id for card in page.get(reverse("matching:directory")).context["cards"]}
    assert from_api == from_page
    return from_api


def suggested(mentor: MentorProfile) -> set[int]:
    response = signed_in(mentor.user).get(SUGGESTED)
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


Committed = Callable[[Callable[[], Any]], Any]


def set_near_peer(on: bool) -> None:
    """The coordinator's switch in the admin: the program's mentoring policy, saved."""
    policy = MentoringPolicy.for_program(Program.objects.default())
    policy.near_peer = on
    policy.save()


def near_peers() -> dict[str, MentorProfile]:
    return {profession: make_mentor(profession=profession, capacity=2) for profession in NEAR_PEERS}


# --- The directory and suggestions ----------------------------------------------------------


def test_a_medical_student_mentee_never_sees_a_near_peer_mentor() -> None:
    set_near_peer(True)
    peers = near_peers()
    physician = make_mentor(capacity=2)
    for stage in ("ms2", "ms4", "resident"):
        mentee = make_mentee(stage=stage)
        assert listed(mentee.user) == {physician.user_id}, stage
    assert all(engine.explain_mentors(mentee.user, [p.user_id]) == {} for p in peers.values())


def test_a_premed_sees_near_peer_mentors_only_while_the_program_offers_them(committed: Committed) -> None:
    # Each change committed on its own, as in the app: the feed writes a key once per transaction.
    premed, peers, physician = committed(lambda: (make_mentee(stage="undergraduate"), near_peers(), make_mentor()))
    everyone = {physician.user_id} | {p.user_id for p in peers.values()}
    assert listed(premed.user) == {physician.user_id}  # no policy: the option is off by default

    committed(lambda: set_near_peer(True))
    assert listed(premed.user) == everyone  # the same process: the change feed, no restart
    committed(lambda: set_near_peer(False))
    assert listed(premed.user) == {physician.user_id}
    committed(lambda: set_near_peer(True))
    assert listed(premed.user) == everyone
    committed(MentoringPolicy.objects.get().delete)  # no policy: the defaults, near-peer mentoring off
    assert listed(premed.user) == {physician.user_id}


def test_a_mentor_who_becomes_a_near_peer_leaves_a_program_without_near_peer_mentoring(committed: Committed) -> None:
    premed, mentor = committed(lambda: (make_mentee(stage="gap_year"), make_mentor(capacity=2)))
    assert listed(premed.user) == {mentor.user_id}

    def become_a_resident() -> None:
        mentor.profession = MentorProfile.Profession.RESIDENT
        mentor.save()  # back to review, until a coordinator verifies the new profession
        verify_mentor(profile=mentor, by=make_coordinator())

    committed(become_a_resident)
    assert MentorProfile.objects.verified().filter(pk=mentor.pk).exists()
    assert listed(premed.user) == set()
    assert engine.score_of(premed.user, mentor.user) is None


def test_a_near_peer_is_suggested_premed_mentees_only_and_none_where_the_program_does_not_offer_it(
    committed: Committed,
) -> None:
    premed, student = committed(lambda: (make_mentee(stage="post_bacc"), make_mentee(stage="ms1")))
    peer = committed(near_peers)[MentorProfile.Profession.MEDICAL_STUDENT]
    physician = committed(lambda: make_mentor(capacity=2))
    assert suggested(peer) == set()
    assert suggested(physician) == {premed.user_id, student.user_id}
    committed(lambda: set_near_peer(True))
    assert suggested(peer) == {premed.user_id}
    assert suggested(physician) == {premed.user_id, student.user_id}


# --- Cohort matching ----------------------------------------------------------------------------


def proposed(coordinator: User) -> CohortRun:
    """Every mentee and mentor of the program, any score: only the rule keeps a pair out."""
    return cohort_run(coordinator, min_score=0.0, mentee_filter={}, mentor_filter={})


def pairs(run: CohortRun) -> set[tuple[int, int]]:
    return set(run.pairs.values_list("mentee_id", "mentor_id"))


@pytest.mark.parametrize("offered", [True, False])
def test_cohort_matching_never_proposes_a_near_peer_for_a_non_premed(offered: bool) -> None:
    set_near_peer(offered)
    coordinator = make_coordinator()
    # Near peers are the only mentors with room: a run that ignored the rule would pair them all.
    peers = {p.user_id for p in near_peers().values()}
    students = {make_mentee(stage=stage).user_id for stage in ("ms1", "ms3", "resident")}
    premed = make_mentee(stage="high_school").user_id

    run = proposed(coordinator)

    assert not {pair for pair in pairs(run) if pair[0] in students}
    unmatched = {item["mentee"]: item["reason"] for item in run.report["unmatched"]}
    if offered:
        assert {mentor for mentee, mentor in pairs(run) if mentee == premed} <= peers
        assert premed not in unmatched
        assert all(unmatched[s] == cohort.EXCLUDED_BY_FILTERS for s in students)
        assert run.report["mentors"] == 2
    else:  # not even for the premed: the program's pool has no near peers
        assert pairs(run) == set()
        assert run.report["mentors"] == 0


def test_a_coordinator_cannot_reassign_a_non_premed_or_an_off_programs_mentee_to_a_near_peer() -> None:
    coordinator = make_coordinator()
    peer = near_peers()[MentorProfile.Profession.RESIDENT]
    physician = make_mentor(capacity=2)
    student, premed = make_mentee(stage="ms2"), make_mentee(stage="undergraduate")
    run = proposed(coordinator)
    with pytest.raises(RuleBroken) as off:
        cohort.reassign(run=run, mentee_id=premed.user_id, mentor_id=peer.user_id, by=coordinator)
    assert off.value.code == "not_in_pool"

    set_near_peer(True)
    run = proposed(coordinator)
    with pytest.raises(RuleBroken) as excluded:
        cohort.reassign(run=run, mentee_id=student.user_id, mentor_id=peer.user_id, by=coordinator)
    assert excluded.value.code == "excluded"
    assert physician.user_id in {mentor for _, mentor in pairs(run)}
