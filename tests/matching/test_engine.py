"""The bridge from the database to the pure engine: fresh, faithful, and private."""

from typing import Any

import numpy as np
import pytest

from accounts import taxonomy
from accounts.models import Background, Program, Specialty
from accounts.services import verify_mentor
from matching.models import IndexChange
from matching.scoring.components import score_pair
from matching.services import directory as engine
from tests.conftest import ensure_reference_data
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

SPORTS_ORTHO = "orthopaedic-surgery--orthopaedic-sports-medicine"
EVENINGS = [{"day": 1, "start": "18:00", "end": "21:00"}, {"day": 3, "start": "18:00", "end": "21:00"}]


def alike(**fields: Any) -> dict[str, Any]:
    """Profile fields shared by every person in a comparison, so only one thing differs."""
    return {
        "topics": ["residency_applications", "research"],
        "kinds": ["long_term"],
        "availability": EVENINGS,
        "meeting_modes": ["video"],
        "languages": ["en"],
        "capacity": 3,
        **fields,
    }


def mentee_aiming_at_sports_ortho(**fields: Any) -> Any:
    values = alike(**fields)
    values.pop("capacity")
    return make_mentee(stage="ms3", targets=(SPORTS_ORTHO,), **values)


def test_taxonomy_in_the_database_aligns_exactly_like_the_code() -> None:
    slugs = [node.slug for node in taxonomy.TAXONOMY.nodes]
    assert np.array_equal(engine.load_taxonomy().alignment_matrix(slugs), taxonomy.alignment_matrix(slugs))


def test_medical_ordering_for_a_future_orthopaedic_sports_medicine_surgeon(committed: Any) -> None:
    mentee = committed(mentee_aiming_at_sports_ortho)
    sports_ortho = committed(
        lambda: make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike())
    )
    ortho = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    fm_sports = committed(
        lambda: make_mentor(
            specialty="family-medicine", subspecialties=("family-medicine--sports-medicine",), **alike()
        )
    )
    ent = committed(lambda: make_mentor(specialty="otolaryngology-head-and-neck-surgery", **alike()))

    ids, _ = engine.rank_mentors(mentee.user)

    assert ids == [sports_ortho.user.pk, ortho.user.pk, fm_sports.user.pk, ent.user.pk]


def test_ranking_equals_scoring_every_pair_one_by_one(committed: Any) -> None:
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(comfort_preferences={"gender_identity": "important"}))
    give_background(mentee.user, "gender_identity", "woman")
    specialties = list(Specialty.objects.values_list("slug", flat=True)[:40])
    for number, slug in enumerate(specialties):
        committed(lambda slug=slug, number=number: make_mentor(
            specialty=Specialty.objects.get(slug=slug).parent.slug if "--" in slug else slug,
            capacity=1 + number % 4,
            topics=["research"] if number % 2 else ["mock_interview", "residency_applications"],
            availability=EVENINGS[: number % 3],
            meeting_modes=["video", "phone"][: 1 + number % 2],
            languages=["en", "es"][: 1 + number % 2],
        ))  # fmt: skip

    ids, scores = engine.rank_mentors(mentee.user)

    found = engine.directory()
    features = engine.features_of_mentee(mentee.user, viewer="owner", off=found.off)
    expected = []
    for mentor_id in found.mentors.ids.tolist():
        mentor = found.mentors.get(mentor_id)
        match = score_pair(features, mentor, found.weights, found.space)
        if match is not None and mentor.is_open:
            # Equal scores: more free places first, then the earlier verified, then the id.
            expected.append((-match.score, -mentor.open_places, mentor.verified_at, mentor_id))
    expected.sort()
    assert ids == [row[-1] for row in expected]
    assert scores == [-row[0] for row in expected]


def test_no_stale_ranking_after_a_profile_edit(committed: Any) -> None:
    mentee = committed(mentee_aiming_at_sports_ortho)
    coordinator = committed(make_coordinator)
    psychiatrist = committed(lambda: make_mentor(specialty="psychiatry", **alike()))
    ortho = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    assert engine.rank_mentors(mentee.user)[0][0] == ortho.user.pk
    before = engine.counts()

    def retrain() -> None:
        psychiatrist.specialty = Specialty.objects.get(slug="orthopaedic-surgery")
        psychiatrist.save()
        psychiatrist.subspecialties.set([Specialty.objects.get(slug=SPORTS_ORTHO)])
        # A verified mentor's new specialty goes back to review; a coordinator verifies it.
        verify_mentor(profile=psychiatrist, by=coordinator, notify=False)

    committed(retrain)

    assert engine.rank_mentors(mentee.user)[0][0] == psychiatrist.user.pk
    after = engine.counts()
    assert after["builds"] == before["builds"] == 1  # one row updated, nothing rebuilt
    assert after["rows"] == before.get("rows", 0) + 1


def test_no_stale_ranking_after_a_program_weight_change(committed: Any) -> None:
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(languages=["en", "es"]))
    spanish = committed(lambda: make_mentor(specialty="psychiatry", **alike(languages=["en", "es"])))
    ortho = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    assert engine.rank_mentors(mentee.user)[0][0] == ortho.user.pk
    before = engine.counts()

    def only_language_matters() -> None:
        program = Program.objects.default()
        program.weights = {name: 0 for name in program.weights} | {"language": 10}
        program.save()

    committed(only_language_matters)

    assert engine.rank_mentors(mentee.user)[0][0] == spanish.user.pk
    assert engine.counts()["builds"] == before["builds"]  # new weights swapped in, no rebuild
    assert engine.counts()["weights"] == 1


def test_a_full_mentor_drops_out_once_a_mentorship_starts(committed: Any) -> None:
    from matching.services.requests import accept_request

    Program.objects.filter(is_default=True).update(approval_required=False)
    mentee = committed(mentee_aiming_at_sports_ortho)
    mentor = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike(capacity=1)))
    assert mentor.user.pk in engine.rank_mentors(mentee.user)[0]

    from tests.factories import make_request

    request = committed(lambda: make_request(mentor=mentor))
    committed(lambda: accept_request(request=request, by=mentor.user))

    assert mentor.user.pk not in engine.rank_mentors(mentee.user)[0]
    assert mentor.user.pk in engine.rank_mentors(mentee.user, include_full=True)[0]
    assert engine.counts()["builds"] == 1


@pytest.mark.parametrize(
    ("visibility", "named"),
    [(Background.Visibility.PRIVATE, False), (Background.Visibility.COORDINATORS, False), ("everyone", True)],
)
def test_a_mentors_attribute_counts_but_is_named_only_when_public(committed: Any, visibility: str, named: bool) -> None:
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(comfort_preferences={"lgbtq": "important"}))
    give_background(mentee.user, "lgbtq", True)
    sharing = committed(lambda: make_mentor(specialty="psychiatry", **alike()))
    other = committed(lambda: make_mentor(specialty="psychiatry", **alike()))
    committed(lambda: give_background(sharing.user, "lgbtq", True, visibility))

    ids, _ = engine.rank_mentors(mentee.user)
    assert ids.index(sharing.user.pk) < ids.index(other.user.pk)  # it counts, whatever the visibility

    reasons = " ".join(r.text for r in engine.explain_mentors(mentee.user, [sharing.user.pk])[sharing.user.pk].reasons)
    assert ("LGBTQ" in reasons) is named


def test_must_preference_excludes_mentors_who_do_not_share_it(committed: Any) -> None:
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(comfort_preferences={"gender_identity": "must"}))
    give_background(mentee.user, "gender_identity", "woman")
    woman = committed(lambda: make_mentor(specialty="psychiatry", **alike()))
    man = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    committed(lambda: give_background(woman.user, "gender_identity", "woman", "everyone"))
    committed(lambda: give_background(man.user, "gender_identity", "man", "everyone"))

    ids, _ = engine.rank_mentors(mentee.user)

    assert woman.user.pk in ids and man.user.pk not in ids


def test_suggested_mentees_for_a_mentor_are_ranked_with_reasons(committed: Any) -> None:
    mentor = committed(lambda: make_mentor(specialty="orthopaedic-surgery", subspecialties=(SPORTS_ORTHO,), **alike()))
    aligned = committed(mentee_aiming_at_sports_ortho)
    mentee_fields = {k: v for k, v in alike().items() if k != "capacity"}
    elsewhere = committed(lambda: make_mentee(stage="ms3", targets=("psychiatry",), **mentee_fields))

    suggestions = engine.suggest_mentees(mentor.user, k=5)

    assert [mentee_id for mentee_id, _ in suggestions][:2] == [aligned.user.pk, elsewhere.user.pk]
    assert suggestions[0][1].reasons


def test_a_login_does_not_make_the_index_stale(committed: Any, client: Any) -> None:
    mentee = committed(mentee_aiming_at_sports_ortho)
    engine.rank_mentors(mentee.user)
    feed = IndexChange.objects.count()

    committed(lambda: client.force_login(mentee.user))  # saves last_login
    engine.rank_mentors(mentee.user)

    assert IndexChange.objects.count() == feed
    assert engine.counts()["builds"] == 1 and "rows" not in engine.counts()


# --- Per-program indexes and the change feed ---------------------------------------------------


def second_program(**fields: Any) -> Program:
    return Program.objects.create(name="Surgery track", slug="surgery-track", **fields)


def test_per_program_weights_change_the_order_in_that_program_only(committed: Any) -> None:
    from accounts.services import join_program

    track = committed(second_program)
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(languages=["en", "es"]))
    spanish = committed(lambda: make_mentor(specialty="psychiatry", **alike(languages=["en", "es"])))
    ortho = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    for person, role in ((mentee.user, "mentee"), (spanish.user, "mentor"), (ortho.user, "mentor")):
        committed(lambda person=person, role=role: join_program(user=person, role=role, program=track))
    features = engine.features_of_mentee(mentee.user, viewer="owner", off=frozenset())

    def order(program: Program | None) -> list[int]:
        return engine.directory(program).mentors.rank_mentors(features)[0].tolist()

    assert order(None) == order(track) == [ortho.user.pk, spanish.user.pk]

    def only_language_matters_in_the_track() -> None:
        track.weights = {name: 0 for name in track.weights} | {"language": 10}
        track.save()

    committed(only_language_matters_in_the_track)

    assert order(track) == [spanish.user.pk, ortho.user.pk]
    assert order(None) == [ortho.user.pk, spanish.user.pk]  # the default program keeps its weights
    assert engine.counts()["builds"] == 2  # one per program, none after the weight change


def test_each_program_ranks_its_own_members_and_a_person_may_be_in_several(committed: Any) -> None:
    from accounts.services import join_program

    track = committed(second_program)
    mentee = committed(lambda: mentee_aiming_at_sports_ortho(program=track))  # only in the track
    everywhere = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))
    committed(lambda: join_program(user=everywhere.user, role="mentor", program=track))
    default_only = committed(lambda: make_mentor(specialty="orthopaedic-surgery", **alike()))

    assert engine.rank_mentors(mentee.user)[0] == [everywhere.user.pk]  # the mentee's own program
    assert set(engine.directory().mentors.ids.tolist()) == {everywhere.user.pk, default_only.user.pk}

    def full() -> None:
        everywhere.capacity = 0
        everywhere.save()

    committed(full)  # one edit reaches the person's row in both programs' indexes

    assert engine.rank_mentors(mentee.user)[0] == []
    assert set(
        engine.directory().mentors.rank_mentors(
            engine.features_of_mentee(mentee.user, viewer="owner", off=frozenset())
        )[0]
    ) == {default_only.user.pk}
    assert engine.counts()["builds"] == 2


@pytest.mark.django_db(transaction=True)  # real transactions, as in production
def test_one_transaction_writes_one_feed_row_per_person() -> None:
    from django.db import transaction

    ensure_reference_data()
    mentor = make_mentor(specialty="psychiatry")
    start = IndexChange.objects.count()
    with transaction.atomic():
        for capacity in (1, 2, 3):
            mentor.capacity = capacity
            mentor.save()
        give_background(mentor.user, "rural", True)

    assert list(IndexChange.objects.values_list("scope", "key"))[start:] == [("person", mentor.user.pk)]


@pytest.mark.django_db(transaction=True)  # real transactions, as in production
def test_a_change_rolled_back_in_a_savepoint_is_written_again_when_it_happens_for_real() -> None:
    from django.db import transaction

    ensure_reference_data()
    mentor = make_mentor(specialty="psychiatry")
    start = IndexChange.objects.count()
    with transaction.atomic():
        try:
            with transaction.atomic():
                mentor.capacity = 5
                mentor.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert IndexChange.objects.count() == start
        mentor.capacity = 6
        mentor.save()

    assert IndexChange.objects.count() == start + 1


@pytest.mark.django_db(transaction=True)  # real transactions, as in production
def test_a_bulk_change_asks_for_one_rebuild_instead_of_thousands_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import transaction

    monkeypatch.setattr(engine, "MAX_CHANGES_PER_TRANSACTION", 3)
    ensure_reference_data()
    mentors = [make_mentor(specialty="psychiatry") for _ in range(6)]
    start = IndexChange.objects.count()
    with transaction.atomic():
        for mentor in mentors:
            mentor.capacity = 4
            mentor.save()

    assert [scope for (scope,) in IndexChange.objects.values_list("scope")[start:]] == [
        "person",
        "person",
        "person",
        "taxonomy",
    ]


def test_a_taxonomy_change_rebuilds_every_program(committed: Any) -> None:
    mentee = committed(mentee_aiming_at_sports_ortho)
    engine.rank_mentors(mentee.user)

    def rename() -> None:
        psychiatry = Specialty.objects.get(slug="psychiatry")
        psychiatry.name = "Psychiatry and mental health"
        psychiatry.save()

    committed(rename)
    engine.rank_mentors(mentee.user)

    assert engine.counts()["builds"] == 2 and engine.counts()["taxonomy"] == 1


def test_bulk_loading_gives_the_same_features_as_one_profile_at_a_time() -> None:
    from tests.factories import make_mentorship

    mentors = [
        make_mentor(
            specialty="orthopaedic-surgery",
            subspecialties=(SPORTS_ORTHO, "orthopaedic-surgery--hand-surgery"),
            **alike(preferred_groups=["women"]),
        ),
        make_mentor(specialty="psychiatry", **alike(languages=["en", "es"], capacity=2)),
    ]
    mentees = [
        mentee_aiming_at_sports_ortho(comfort_preferences={"gender_identity": "must"}),
        make_mentee(stage="ms1", targets=("psychiatry", "family-medicine")),
    ]
    give_background(mentors[0].user, "gender_identity", "woman", "everyone")
    give_background(mentees[0].user, "first_generation", True, "coordinators")
    make_mentorship(mentee=mentees[1], mentor=mentors[1])

    loaded = engine.load_mentors([m.user.pk for m in mentors], viewer="owner")
    assert loaded == {m.user.pk: engine.features_of_mentor(m.user, viewer="owner", off=frozenset()) for m in mentors}
    assert loaded[mentors[1].user.pk].active == 1
    assert engine.load_mentees([m.user.pk for m in mentees], viewer="owner") == {
        m.user.pk: engine.features_of_mentee(m.user, viewer="owner", off=frozenset()) for m in mentees
    }
