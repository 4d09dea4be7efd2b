"""Vectorised recommendations: the same numbers as score_pair, for a whole directory at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.taxonomy import TAXONOMY
from matching.scoring.availability import slots_to_utc_mask
from matching.scoring.components import (
    DEFAULT_WEIGHTS,
    MIN_WEIGHT,
    Background,
    MenteeFeatures,
    MentorFeatures,
    Weights,
    score_pair,
)
from matching.scoring.index import MenteeIndex, MentorIndex, SpecialtySpace
from matching.scoring.reasons import GENERIC_COMFORT
from tests.matching.test_scoring import (
    DERM,
    ENT,
    FAKE_SLUGS,
    FM,
    FM_SPORTS,
    ORTHO,
    OSM,
    fake_alignment,
    fake_reason,
    make_mentee,
    make_mentor,
    mentees,
    mentors,
)

SPACE = SpecialtySpace.build(FAKE_SLUGS, fake_alignment, fake_reason)
REGIONS = ("", "US-MA", "US-CA")
# A few realistic masks, so overlaps are partial and scores tie often.
MASKS = (
    0,
    slots_to_utc_mask([(1, "18:00", "21:00"), (3, "18:00", "21:00")], "America/New_York"),
    slots_to_utc_mask([(1, "19:00", "20:00")], "America/New_York"),
    slots_to_utc_mask([(5, "09:00", "13:00")], "Europe/London"),
    slots_to_utc_mask([(day, "07:00", "08:00") for day in range(5)], "America/Los_Angeles"),
)


def pair_ranking(
    mentee: MenteeFeatures, population: Sequence[MentorFeatures], weights: Weights, *, include_full: bool = False
) -> list[tuple[int, float]]:
    """The reference: score every pair one by one, drop the excluded, sort by score then the tie rule.

    The stated tie rule: more free places first, then the earlier verified, then the id.
    """
    found = []
    for mentor in population:
        match = score_pair(mentee, mentor, weights, SPACE, explain=False)
        if match is not None and (include_full or mentor.is_open):
            found.append((match.score, mentor))
    found.sort(key=lambda pair: (-pair[0], -pair[1].open_places, pair[1].verified_at, pair[1].id))
    return [(mentor.id, score) for score, mentor in found]


def as_pairs(ids: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
    return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]


# --- Strategies ---------------------------------------------------------------------------

weights = st.builds(
    Weights,
    **{name: st.sampled_from([0.0, 1.0, 7.5, 30.0]) | st.floats(MIN_WEIGHT, 50) for name in DEFAULT_WEIGHTS.as_dict()},
)
placed_mentees = st.builds(
    lambda mentee, region, mask, timezone: dataclasses.replace(
        mentee, region=region, availability=mask, timezone=timezone
    ),
    mentees,
    st.sampled_from(REGIONS),
    st.sampled_from(MASKS) | st.integers(0, (1 << 168) - 1),
    st.sampled_from(("UTC", "America/New_York", "Asia/Kolkata")),
)
placed_mentors = st.builds(
    lambda mentor, region, mask: dataclasses.replace(mentor, region=region, availability=mask),
    mentors,
    st.sampled_from(REGIONS),
    st.sampled_from(MASKS) | st.integers(0, (1 << 168) - 1),
)


def numbered(people: list[MentorFeatures]) -> list[MentorFeatures]:
    return [dataclasses.replace(person, id=number) for number, person in enumerate(people, start=1)]


SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Equal to scoring every pair ----------------------------------------------------------


@SLOW
@given(mentee=placed_mentees, population=st.lists(placed_mentors, min_size=1, max_size=40), weights=weights)
def test_vectorised_scores_equal_pair_scores(
    mentee: MenteeFeatures, population: list[MentorFeatures], weights: Weights
) -> None:
    population = numbered(population)
    index = MentorIndex.build(population, space=SPACE, weights=weights)
    ids, scores, excluded = index.scores(mentee)
    for mentor_id, value, is_excluded in zip(ids, scores, excluded, strict=True):
        match = score_pair(mentee, index.get(int(mentor_id)), weights, SPACE, explain=False)
        assert is_excluded == (match is None)
        if match is not None:
            assert value == match.score  # bit for bit, not approximately
    for include_full in (False, True):
        expected = pair_ranking(mentee, population, weights, include_full=include_full)
        assert as_pairs(*index.rank_mentors(mentee, include_full=include_full)) == expected
        assert as_pairs(*index.rank_mentors(mentee, limit=3, include_full=include_full)) == expected[:3]
        top = index.top_mentors(mentee, 5, include_full=include_full)
        assert [(r.id, r.match.score) for r in top] == expected[:5]


@SLOW
@given(mentor=placed_mentors, population=st.lists(placed_mentees, min_size=1, max_size=40), weights=weights)
def test_suggested_mentees_equal_pair_scores(
    mentor: MentorFeatures, population: list[MenteeFeatures], weights: Weights
) -> None:
    population = [dataclasses.replace(mentee, id=number) for number, mentee in enumerate(population, start=1)]
    index = MenteeIndex.build(population, space=SPACE, weights=weights)
    expected = []
    for mentee in population:
        match = score_pair(mentee, mentor, weights, SPACE, explain=False)
        if match is not None:
            expected.append((mentee.id, match.score))
    expected.sort(key=lambda pair: (-pair[1], pair[0]))
    assert as_pairs(*index.rank_mentees(mentor)) == expected
    top = index.top_mentees(mentor, 3)
    assert [(r.id, r.match.score) for r in top] == expected[:3]
    assert all(GENERIC_COMFORT["mentee"] not in [x.text for x in r.match.reasons] for r in top)


@SLOW
@given(
    mentee=placed_mentees,
    population=st.lists(placed_mentors, min_size=1, max_size=30),
    edits=st.lists(st.tuples(st.integers(1, 40), st.none() | placed_mentors), max_size=30),
)
def test_edits_leave_the_index_equal_to_a_fresh_build(
    mentee: MenteeFeatures,
    population: list[MentorFeatures],
    edits: list[tuple[int, MentorFeatures | None]],
) -> None:
    index = MentorIndex.build(numbered(population), space=SPACE)
    current = {mentor.id: mentor for mentor in numbered(population)}
    for mentor_id, replacement in edits:
        if replacement is None:
            index.remove(mentor_id)
            current.pop(mentor_id, None)
        else:
            edited = dataclasses.replace(replacement, id=mentor_id)
            index.update(edited)
            current[mentor_id] = edited
    assert len(index) == len(current) and sorted(index.ids.tolist()) == sorted(current)
    fresh = MentorIndex.build(current.values(), space=SPACE)
    assert as_pairs(*index.rank_mentors(mentee)) == as_pairs(*fresh.rank_mentors(mentee))
    assert as_pairs(*index.rank_mentors(mentee)) == pair_ranking(mentee, list(current.values()), DEFAULT_WEIGHTS)


# --- Ranking behaviour --------------------------------------------------------------------


def build(*population: MentorFeatures, weights: Weights = DEFAULT_WEIGHTS) -> MentorIndex:
    return MentorIndex.build(population, space=SPACE, weights=weights)


def ranked_ids(index: MentorIndex, mentee: MenteeFeatures, **kwargs: object) -> list[int]:
    ids, _ = index.rank_mentors(mentee, **kwargs)  # type: ignore[arg-type]
    return [int(mentor_id) for mentor_id in ids]


def test_ties_break_by_id_ascending() -> None:
    index = build(*(make_mentor(id=number) for number in (30, 10, 20)))
    assert ranked_ids(index, make_mentee()) == [10, 20, 30]
    assert [r.id for r in index.top_mentors(make_mentee(), 2)] == [10, 20]


def test_top_k_handles_small_directories_and_zero() -> None:
    index = build(make_mentor(id=1), make_mentor(id=2, specialties=(DERM,)))
    assert [r.id for r in index.top_mentors(make_mentee(), 10)] == [1, 2]
    assert index.top_mentors(make_mentee(), 0) == []
    assert build().top_mentors(make_mentee(), 10) == []
    with pytest.raises(ValueError, match="k must be"):
        index.top_mentors(make_mentee(), -1)


def test_top_mentors_come_with_reasons_for_the_mentee() -> None:
    index = build(make_mentor(id=1), make_mentor(id=2, specialties=(DERM,)))
    best = index.top_mentors(make_mentee(), 1)[0]
    assert best.id == 1
    assert best.match.reasons[0].text == f"1.00: {OSM}"  # fake_reason of the best pair
    assert "Has room for 2 more mentees" in [reason.text for reason in best.match.reasons]


def test_full_and_paused_mentors_are_left_out_unless_asked_for() -> None:
    index = build(
        make_mentor(id=1),
        make_mentor(id=2, active=3),
        make_mentor(id=3, accepting=False),
        make_mentor(id=4, capacity=0),
    )
    assert ranked_ids(index, make_mentee()) == [1]
    assert ranked_ids(index, make_mentee(), include_full=True) == [1, 2, 3, 4]


def test_directory_filters_narrow_the_ranking() -> None:
    index = build(*(make_mentor(id=number) for number in range(1, 6)))
    assert ranked_ids(index, make_mentee(), allowed_ids=[4, 2, 99]) == [2, 4]
    mask = np.isin(index.ids, [1, 5])
    assert ranked_ids(index, make_mentee(), mask=mask) == [1, 5]


def test_no_stale_ranking_after_a_profile_edit() -> None:
    mentee = make_mentee()
    index = build(make_mentor(id=1), make_mentor(id=2, specialties=(ENT,)))
    assert ranked_ids(index, mentee) == [1, 2]
    index.update(make_mentor(id=1, specialties=(DERM,)))  # mentor 1 changes field
    assert ranked_ids(index, mentee) == [2, 1]
    index.update(make_mentor(id=2, active=3))  # mentor 2 fills up
    assert ranked_ids(index, mentee) == [1]
    index.remove(1)
    assert ranked_ids(index, mentee) == []
    index.update(make_mentor(id=1))
    assert ranked_ids(index, mentee) == [1]
    assert index.get(1).specialties == (ORTHO, OSM)


def test_new_specialty_combinations_and_regions_are_picked_up_by_edits() -> None:
    mentee = make_mentee(target_specialties=(FM_SPORTS,), modes=frozenset({"in_person"}), region="US-NY")
    index = build(make_mentor(id=1, specialties=(ORTHO,)), make_mentor(id=2, specialties=(ENT,)))
    index.update(
        make_mentor(id=2, specialties=(FM, FM_SPORTS), modes=frozenset({"in_person"}), region="US-NY", active=0)
    )
    assert ranked_ids(index, mentee) == [2, 1]
    assert index.top_mentors(mentee, 1)[0].match.score == 100.0


def test_weight_change_changes_the_ranking() -> None:
    mentee = make_mentee()
    specialist = make_mentor(id=1, active=2)  # one place left
    roomy = make_mentor(id=2, specialties=(ORTHO,), capacity=10)
    index = build(specialist, roomy)
    assert ranked_ids(index, mentee) == [1, 2]
    index.weights = Weights(specialty=1.0, capacity=50.0)
    assert ranked_ids(index, mentee) == [2, 1]


# --- Medical and comfort cases, through the index -----------------------------------------


def test_orthopaedic_sports_medicine_ordering_through_the_index() -> None:
    mentee = make_mentee()
    index = build(
        make_mentor(id=1, specialties=(ENT,)),
        make_mentor(id=2, specialties=(FM, FM_SPORTS)),
        make_mentor(id=3, specialties=(ORTHO,)),
        make_mentor(id=4, specialties=(ORTHO, OSM)),
    )
    assert ranked_ids(index, mentee) == [4, 3, 2, 1]


def test_orthopaedic_sports_medicine_ordering_with_the_real_taxonomy() -> None:
    taxonomy = pytest.importorskip("accounts.taxonomy")
    space = SpecialtySpace.from_taxonomy(taxonomy.TAXONOMY)
    mentee = make_mentee(target_specialties=("orthopaedic-surgery--orthopaedic-sports-medicine",))
    population = [
        make_mentor(id=1, specialties=("otolaryngology-head-and-neck-surgery",)),
        make_mentor(id=2, specialties=("family-medicine", "family-medicine--sports-medicine")),
        make_mentor(id=3, specialties=("orthopaedic-surgery",)),
        make_mentor(id=4, specialties=("orthopaedic-surgery", "orthopaedic-surgery--orthopaedic-sports-medicine")),
        make_mentor(id=5, specialties=("dermatology",)),
    ]
    index = MentorIndex.build(population, space=space)
    assert ranked_ids(index, mentee) == [4, 3, 2, 1, 5]
    top = index.top_mentors(mentee, 3)
    assert [r.match.reasons[0].text for r in top] == [
        "Same certificate: Orthopaedic Sports Medicine",
        "Required before your target: Orthopaedic Surgery",
        "Same clinical domain: musculoskeletal and sports medicine",
    ]
    for mentor in population:  # the index and score_pair agree on the real matrix too
        match = score_pair(mentee, mentor, DEFAULT_WEIGHTS, space)
        assert match is not None and match.score in index.rank_mentors(mentee)[1]


# Real fields where a resident's own specialty is a route into a target (and others are not).
ROUTES = (
    "allergy-and-immunology",
    "pediatrics",
    "internal-medicine",
    "internal-medicine--cardiovascular-disease",
    "internal-medicine--interventional-cardiology",
    "pediatrics--pediatric-cardiology",
    "internal-medicine--adult-congenital-heart-disease",
    "neurology--sleep-medicine",
    "psychiatry",
    "neurology",
)
REAL_SPACE = SpecialtySpace.from_taxonomy(TAXONOMY)


@SLOW
@given(
    mentee=placed_mentees,
    targets=st.lists(st.sampled_from(ROUTES), min_size=1, max_size=2).map(tuple),
    current=st.sampled_from(("", "pediatrics", "internal-medicine", "psychiatry", *ROUTES)),
    population=st.lists(
        st.tuples(placed_mentors, st.lists(st.sampled_from(ROUTES), max_size=2).map(tuple)), min_size=1, max_size=25
    ),
)
def test_own_routes_score_the_same_vectorised_and_pair_by_pair(
    mentee: MenteeFeatures,
    targets: tuple[str, ...],
    current: str,
    population: list[tuple[MentorFeatures, tuple[str, ...]]],
) -> None:
    """The own-route lift (alignment.own_route) is tabulated exactly: both indexes equal score_pair."""
    # No hard filter in the way: the point is the field component.
    mentee = dataclasses.replace(mentee, target_specialties=targets, current_specialty=current, kind=None, comfort={})
    holders = [(population[0][0], (current,)), (population[0][0], (current, *targets))]  # always someone on the route
    mentors = numbered([dataclasses.replace(mentor, specialties=fields) for mentor, fields in [*population, *holders]])
    index = MentorIndex.build(mentors, space=REAL_SPACE)
    found = index.scores(mentee)
    for mentor_id, value, is_excluded in zip(*found, strict=True):
        match = score_pair(mentee, index.get(int(mentor_id)), DEFAULT_WEIGHTS, REAL_SPACE, explain=False)
        assert is_excluded == (match is None)
        assert match is None or value == match.score
    for mentor in mentors:
        suggested = MenteeIndex.build([mentee], space=REAL_SPACE)
        match = score_pair(mentee, mentor, DEFAULT_WEIGHTS, REAL_SPACE, explain=False)
        expected = [] if match is None else [(mentee.id, match.score)]
        assert as_pairs(*suggested.rank_mentees(mentor)) == expected


def test_a_residents_own_route_ranks_above_the_other_routes_but_below_subspecialists() -> None:
    resident = make_mentee(
        stage="resident", target_specialties=("allergy-and-immunology",), current_specialty="pediatrics"
    )
    population = [
        make_mentor(id=1, specialties=("internal-medicine",)),
        make_mentor(id=2, specialties=("internal-medicine", "internal-medicine--clinical-cardiac-electrophysiology")),
        make_mentor(id=3, specialties=("pediatrics",)),
        make_mentor(id=4, specialties=("allergy-and-immunology",)),
    ]
    index = MentorIndex.build(population, space=REAL_SPACE)
    assert ranked_ids(index, resident) == [4, 3, 1, 2]
    reasons = {r.id: r.match.reasons[0].text for r in index.top_mentors(resident, 4)}
    assert reasons[3] == "Your own route to your target: Pediatrics"
    assert reasons[1] == "Entry route to your target: Internal Medicine"
    mentor_view = MenteeIndex.build([resident], space=REAL_SPACE).top_mentees(population[2], 1)
    assert (
        mentor_view[0].match.reasons[0].text
        == "Aims for Allergy and Immunology: their own route, through your certificate"
    )
    # An internal-medicine resident aiming at cardiology: the hospitalist's lift stays under a subspecialist.
    im_resident = dataclasses.replace(
        resident,
        target_specialties=("internal-medicine--cardiovascular-disease",),
        current_specialty="internal-medicine",
    )
    population = [
        make_mentor(id=1, specialties=("internal-medicine",)),
        make_mentor(id=2, specialties=("internal-medicine", "internal-medicine--interventional-cardiology")),
    ]
    assert ranked_ids(MentorIndex.build(population, space=REAL_SPACE), im_resident) == [2, 1]


def test_a_resident_with_no_target_reads_about_their_specialty() -> None:
    resident = make_mentee(stage="resident", target_specialties=("pediatrics",), current_specialty="pediatrics")
    population = [
        make_mentor(id=1, specialties=("allergy-and-immunology",)),
        make_mentor(id=2, specialties=("family-medicine", "family-medicine--sports-medicine")),
        make_mentor(id=3, specialties=("pediatrics",)),
    ]
    index = MentorIndex.build(population, space=REAL_SPACE)
    reasons = {r.id: r.match.reasons[0].text for r in index.top_mentors(resident, 3)}
    assert reasons == {
        1: "Open after your specialty: Allergy and Immunology",
        2: "Same clinical domain: child health",  # another board's certificate is no road of the mentor's
        3: "Same certificate: Pediatrics",
    }
    mentor_view = MenteeIndex.build([resident], space=REAL_SPACE).top_mentees(population[0], 1)
    assert mentor_view[0].match.reasons[0].text.startswith("Trains in Pediatrics: ")


def test_must_excludes_and_important_moves_up_through_the_index() -> None:
    woman = Background(gender_identity="woman", visibility={"gender_identity": "everyone"})
    man = Background(gender_identity="man", visibility={"gender_identity": "everyone"})
    population = [make_mentor(id=1, background=man), make_mentor(id=2, background=woman, active=2)]
    index = build(*population)
    indifferent = make_mentee(background=Background(gender_identity="woman"))
    assert ranked_ids(index, indifferent) == [1, 2]  # mentor 1 has more room
    important = dataclasses.replace(indifferent, comfort={"gender_identity": "important"})
    assert ranked_ids(index, important) == [2, 1]
    must = dataclasses.replace(indifferent, comfort={"gender_identity": "must"})
    assert ranked_ids(index, must) == [2]


def test_private_attribute_counts_but_never_appears_in_recommendations() -> None:
    mentee = make_mentee(background=Background(first_generation=True), comfort={"first_generation": "important"})
    private = make_mentor(id=1, background=Background(first_generation=True), active=2)
    other = make_mentor(id=2)
    index = build(private, other)
    top = index.top_mentors(mentee, 2)
    assert [r.id for r in top] == [1, 2]  # the private attribute still counts
    shown = [reason.text for reason in top[0].match.reasons]
    assert GENERIC_COMFORT["mentee"] in shown
    assert not any("irst-generation" in text for text in shown)
    assert all("first_generation" not in reason.code for reason in top[0].match.reasons)


def test_suggested_mentees_explain_to_the_mentor_without_naming_hidden_attributes() -> None:
    mentor = make_mentor(preferred_groups=frozenset({"first_generation"}))
    hidden = make_mentee(id=1, background=Background(first_generation=True))
    plain = make_mentee(id=2)
    index = MenteeIndex.build([plain, hidden], space=SPACE)
    top = index.top_mentees(mentor, 2)
    assert [r.id for r in top] == [1, 2]
    texts = [reason.text for reason in top[0].match.reasons]
    assert "Matches what you look for in a mentee" in texts
    assert "Wants help with residency applications and research" in texts
    assert not any("first-generation" in text for text in texts)
