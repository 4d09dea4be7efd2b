"""Pair scoring: components, hard filters, reasons and the visibility rule (PRODUCT §5)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.scoring.availability import describe_shared_hours, hours, local_hours, slots_to_utc_mask
from matching.scoring.components import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    Background,
    Match,
    MenteeFeatures,
    MentorFeatures,
    Weights,
    score_pair,
)
from matching.scoring.reasons import GENERIC_COMFORT, GENERIC_MENTOR_PREFERENCE, MENTOR_FLAG_TEXT
from matching.scoring.vocabulary import (
    BACKGROUND_ATTRIBUTES,
    FLAG_ATTRIBUTES,
    GENDER_IDENTITIES,
    IMPORTANCE,
    INTENDED_PROFESSIONS,
    KINDS,
    MODES,
    NEAR_PEER_PROFESSIONS,
    PREFERENCE_GROUPS,
    PREMED_STAGES,
    PROFESSIONS,
    RACE_ETHNICITIES,
    RACE_ETHNICITY_LABELS,
    STAGES,
    TOPICS,
    VISIBILITY,
)

# --- A tiny fake taxonomy with the real grades ------------------------------------------

OSM = "orthopaedic-surgery--orthopaedic-sports-medicine"
ORTHO = "orthopaedic-surgery"
FM = "family-medicine"
FM_SPORTS = "family-medicine--sports-medicine"
ENT = "otolaryngology"
DERM = "dermatology"
FAKE_SLUGS = (OSM, ORTHO, FM, FM_SPORTS, ENT, DERM)
_PARENT = {OSM: ORTHO, FM_SPORTS: FM}
_RELATED = {frozenset({OSM, FM_SPORTS}), frozenset({ORTHO, FM})}
_SURGICAL = {OSM, ORTHO, ENT}


def fake_alignment(a: str, b: str) -> float:
    """Same node 1, parent/child 0.75, related 0.55, same family (surgical) 0.3, else 0."""
    if a == b:
        return 1.0
    if _PARENT.get(a) == b or _PARENT.get(b) == a:
        return 0.75
    if frozenset({a, b}) in _RELATED:
        return 0.55
    return 0.3 if a in _SURGICAL and b in _SURGICAL else 0.0


def fake_reason(a: str, b: str, audience: str = "mentee") -> str:
    return f"{fake_alignment(a, b):.2f}: {b}"


# --- Factories ----------------------------------------------------------------------------

EVENINGS = slots_to_utc_mask([(1, "18:00", "21:00"), (3, "18:00", "21:00")], "America/New_York")


def make_mentee(**overrides: Any) -> MenteeFeatures:
    """A third-year student aiming at orthopaedic sports medicine; override what a test needs."""
    values: dict[str, Any] = {
        "id": 1,
        "stage": "ms3",
        "target_specialties": (OSM,),
        "goals": frozenset({"residency_applications", "research"}),
        "availability": EVENINGS,
        "timezone": "America/New_York",
        "modes": frozenset({"video"}),
    }
    return MenteeFeatures(**{**values, **overrides})


def make_mentor(**overrides: Any) -> MentorFeatures:
    """An open orthopaedic sports-medicine mentor who suits make_mentee() on every count."""
    values: dict[str, Any] = {
        "id": 100,
        "specialties": (ORTHO, OSM),
        "topics": frozenset({"residency_applications", "research", "career_planning"}),
        "availability": EVENINGS,
        "timezone": "America/New_York",
        "modes": frozenset({"video", "phone"}),
        "capacity": 3,
        "active": 1,
    }
    return MentorFeatures(**{**values, **overrides})


def score(mentee: MenteeFeatures, mentor: MentorFeatures, **kwargs: Any) -> Match:
    match = score_pair(mentee, mentor, kwargs.pop("weights", DEFAULT_WEIGHTS), fake_alignment, **kwargs)
    assert match is not None
    return match


def texts(match: Match) -> list[str]:
    return [reason.text for reason in match.reasons]


def public(*attributes: str) -> dict[str, str]:
    return dict.fromkeys(attributes, "everyone")


# --- The score --------------------------------------------------------------------------


def test_perfect_on_every_weighted_component_scores_100() -> None:
    match = score(make_mentee(), make_mentor(active=0))
    assert match.score == 100.0
    assert set(match.components) == {"specialty", "stage_fit", "goals", "availability", "mode", "capacity"}


def test_score_is_the_weighted_mean_of_components() -> None:
    match = score(make_mentee(), make_mentor(active=2))  # capacity 1/3, all else perfect
    weights = {"specialty": 30.0, "stage_fit": 7.5, "goals": 15.0, "availability": 15.0, "mode": 7.0, "capacity": 8.0}
    expected = 100 * (sum(weights.values()) - 8.0 * 2 / 3) / sum(weights.values())
    assert match.score == pytest.approx(expected, abs=0.05)
    assert match.components["capacity"] == pytest.approx(1 / 3)


def test_a_component_with_zero_weight_contributes_nothing() -> None:
    weights = dataclasses.replace(DEFAULT_WEIGHTS, goals=0.0)
    no_goals_met = make_mentor(topics=frozenset({"career_planning", "mock_interview"}))  # same stage fit
    match = score(make_mentee(), no_goals_met, weights=weights)
    assert "goals" not in match.components
    assert match.score == score(make_mentee(), make_mentor(), weights=weights).score


def test_reasons_are_sorted_by_points_and_add_up_to_about_the_score() -> None:
    match = score(make_mentee(), make_mentor())
    points = [reason.points for reason in match.reasons]
    assert points == sorted(points, reverse=True)
    assert sum(points) == pytest.approx(match.score, abs=0.1 * len(points))


def test_weights_reject_negative_and_unknown_components() -> None:
    with pytest.raises(ValueError, match="specialty"):
        Weights(specialty=-1)
    with pytest.raises(ValueError, match="capacity"):  # 1000 / the total would overflow: a NaN score
        Weights(**{**dict.fromkeys(COMPONENTS, 0.0), "capacity": 2.2e-309})
    with pytest.raises(ValueError, match="unknown weight"):
        Weights.from_mapping({"charisma": 3})
    assert Weights.from_mapping({"goals": 40}).goals == 40.0
    assert list(DEFAULT_WEIGHTS.as_dict()) == list(COMPONENTS)


def test_features_reject_values_outside_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="stage"):
        make_mentee(stage="ms5")
    with pytest.raises(ValueError, match="topic"):
        make_mentor(topics=frozenset({"golf"}))
    with pytest.raises(ValueError, match="visibility"):
        Background(visibility={"urm": "friends"})
    with pytest.raises(ValueError, match="168-bit"):
        make_mentee(availability=1 << 168)


# --- Specialty and stage ----------------------------------------------------------------


def test_orthopaedic_sports_medicine_ordering_with_fake_taxonomy() -> None:
    mentee = make_mentee()
    scores = [
        score(mentee, make_mentor(specialties=fields)).score
        for fields in [(ORTHO, OSM), (ORTHO,), (FM, FM_SPORTS), (ENT,), (DERM,)]
    ]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_orthopaedic_sports_medicine_ordering_with_real_taxonomy() -> None:
    taxonomy = pytest.importorskip("accounts.taxonomy")
    mentee = make_mentee(target_specialties=("orthopaedic-surgery--orthopaedic-sports-medicine",))
    mentors = {
        "osm": ("orthopaedic-surgery", "orthopaedic-surgery--orthopaedic-sports-medicine"),
        "ortho": ("orthopaedic-surgery",),
        "fm-sports": ("family-medicine", "family-medicine--sports-medicine"),
        "ent": ("otolaryngology-head-and-neck-surgery",),
    }
    matches = {
        name: score_pair(
            mentee,
            make_mentor(specialties=fields),
            DEFAULT_WEIGHTS,
            taxonomy.alignment,
            reason_for=lambda a, b, audience: taxonomy.alignment_reason(a, b, audience=audience).reason,
        )
        for name, fields in mentors.items()
    }
    scores = [match.score for match in matches.values() if match]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    assert texts(matches["osm"])[0] == "Same certificate: Orthopaedic Sports Medicine"  # type: ignore[arg-type]
    assert texts(matches["fm-sports"])[0] == "Same clinical domain: musculoskeletal and sports medicine"  # type: ignore[arg-type]
    assert texts(matches["ent"])[0] == "Same broad field: surgical specialties"  # type: ignore[arg-type]


def test_residents_weigh_specialty_most_and_premeds_least() -> None:
    def specialty_share(stage: str) -> float:
        match = score(make_mentee(stage=stage), make_mentor())
        return next(reason.points for reason in match.reasons if reason.component == "specialty")

    assert specialty_share("undergraduate") < specialty_share("ms1") < specialty_share("ms3")
    assert specialty_share("ms3") < specialty_share("resident")


def test_premed_prefers_a_general_guide_and_resident_prefers_the_specialist() -> None:
    specialist = make_mentor(id=1, topics=frozenset({"research", "residency_applications"}))
    guide = make_mentor(
        id=2,
        specialties=(FM,),
        topics=frozenset(
            {"research", "residency_applications", "med_school_admissions", "personal_statement", "career_planning"}
        ),
    )
    premed = make_mentee(stage="undergraduate")
    resident = make_mentee(stage="resident")
    assert score(premed, guide).score > score(premed, specialist).score
    assert score(resident, specialist).score > score(resident, guide).score
    assert "Guides premed students on medical school admissions and personal statement" in texts(score(premed, guide))


def test_undecided_mentee_gives_specialty_no_weight() -> None:
    undecided = make_mentee(target_specialties=())
    match = score(undecided, make_mentor(specialties=(DERM,)))
    assert "specialty" not in match.components
    assert match.score == score(undecided, make_mentor(specialties=(OSM,))).score


# --- Goals, availability, mode, language ----------------------------------------------


def test_goals_reason_names_the_topics_in_common() -> None:
    match = score(make_mentee(), make_mentor())
    assert "Helps with residency applications and research" in texts(match)
    partial = score(make_mentee(), make_mentor(topics=frozenset({"research"})))
    assert partial.components["goals"] == 0.5


def test_availability_overlap_is_timezone_aware() -> None:
    # 18:00-21:00 in New York on Tuesday is 23:00-02:00 in London.
    london = slots_to_utc_mask([(1, "23:00", "23:59"), (2, "00:00", "02:00")], "Europe/London")
    match = score(make_mentee(), make_mentor(availability=london, timezone="Europe/London"))
    assert match.components["availability"] == 1.0
    assert "3 shared evening hours a week (Tue)" in texts(match)
    # The mentor reads the same overlap in London time.
    as_mentor = score(make_mentee(), make_mentor(availability=london, timezone="Europe/London"), audience="mentor")
    assert "3 shared night hours a week (Tue and Wed)" in texts(as_mentor)


def test_availability_credit_grows_with_shared_hours_up_to_three() -> None:
    one_hour = slots_to_utc_mask([(1, "18:00", "19:00")], "America/New_York")
    match = score(make_mentee(), make_mentor(availability=one_hour))
    assert match.components["availability"] == pytest.approx(1 / 3)
    assert "1 shared evening hour a week (Tue)" in texts(match)
    assert score(make_mentee(), make_mentor(availability=0)).components["availability"] == 0.0


def test_in_person_counts_only_within_the_same_region() -> None:
    mentee = make_mentee(modes=frozenset({"in_person"}), region="US-MA")
    near = make_mentor(modes=frozenset({"in_person"}), region="US-MA")
    far = make_mentor(modes=frozenset({"in_person"}), region="US-CA")
    assert score(mentee, near).components["mode"] == 1.0
    assert score(mentee, far).components["mode"] == 0.0
    assert "Offers in-person meetings" in texts(score(mentee, near))
    nowhere = make_mentee(modes=frozenset({"in_person"}), region="")
    assert score(nowhere, make_mentor(modes=frozenset({"in_person"}), region="")).components["mode"] == 0.0


def test_mode_credit_is_the_share_of_wanted_modes_offered() -> None:
    mentee = make_mentee(modes=frozenset({"video", "phone"}))
    match = score(mentee, make_mentor(modes=frozenset({"video"})))
    assert match.components["mode"] == 0.5
    assert "Offers video meetings" in texts(match)


def test_shared_language_beyond_english_is_named() -> None:
    mentee = make_mentee(languages=frozenset({"en", "es"}))
    spanish = score(mentee, make_mentor(languages=frozenset({"en", "es"})))
    english = score(mentee, make_mentor(languages=frozenset({"en"})))
    assert "Speaks Spanish" in texts(spanish)
    assert (spanish.components["language"], english.components["language"]) == (1.0, 0.5)
    assert spanish.score > english.score
    only_spanish = make_mentee(languages=frozenset({"es"}))
    assert score(only_spanish, make_mentor(languages=frozenset({"en"}))).components["language"] == 0.0


def test_english_only_mentee_gives_language_no_weight() -> None:
    match = score(make_mentee(), make_mentor(languages=frozenset({"en", "zh"})))
    assert "language" not in match.components


# --- Hard filters, capacity, two-sided preferences --------------------------------------


def test_kind_not_offered_excludes_the_pair() -> None:
    mentee = make_mentee(kind="task")
    assert score_pair(mentee, make_mentor(kinds=frozenset({"long_term"}))) is None
    assert score_pair(mentee, make_mentor(kinds=frozenset({"task", "short_term"}))) is not None
    assert score_pair(mentee, make_mentor(kinds=frozenset())) is not None  # offers every kind


def test_near_peer_mentors_are_for_premed_mentees_only() -> None:
    for profession in NEAR_PEER_PROFESSIONS:
        near_peer = make_mentor(profession=profession)
        for stage in STAGES:
            match = score_pair(make_mentee(stage=stage), near_peer)
            assert (match is not None) == (stage in PREMED_STAGES), (profession, stage)
        # No stage given: scored as an undergraduate, but not known to be premed.
        assert score_pair(make_mentee(stage="undergraduate", stage_given=False), near_peer) is None
    for stage in STAGES:  # the other professions mentor every stage
        assert score_pair(make_mentee(stage=stage), make_mentor(profession="md")) is not None


def test_full_or_paused_mentor_is_scorable_with_no_capacity_credit() -> None:
    full = score(make_mentee(), make_mentor(capacity=2, active=2))
    paused = score(make_mentee(), make_mentor(accepting=False))
    assert full.components["capacity"] == paused.components["capacity"] == 0.0
    assert not make_mentor(capacity=2, active=2).is_open and not make_mentor(accepting=False).is_open
    assert "Has room for 2 more mentees" in texts(score(make_mentee(), make_mentor()))
    assert "Has room for 1 more mentee" in texts(score(make_mentee(), make_mentor(active=2)))


def test_mentor_preferences_count_two_sided() -> None:
    mentee = make_mentee(background=Background(first_generation=True))
    likes = make_mentor(preferred_stages=frozenset({"ms3"}), preferred_groups=frozenset({"first_generation"}))
    half = make_mentor(preferred_stages=frozenset({"resident"}), preferred_groups=frozenset({"first_generation"}))
    other = make_mentor(preferred_stages=frozenset({"resident"}))
    values = [score(mentee, mentor).components["mentor_preference"] for mentor in (likes, half, other)]
    assert values == [1.0, 0.5, 0.0]
    assert "Especially wants to mentor first-generation students" in texts(score(mentee, likes))
    assert "Especially wants to mentor medical students" in texts(score(mentee, likes))
    assert "mentor_preference" not in score(mentee, make_mentor()).components


def test_mentor_sees_a_private_mentee_group_only_generically() -> None:
    private = make_mentee(background=Background(first_generation=True))
    shown = make_mentee(background=Background(first_generation=True, visibility=public("first_generation")))
    mentor = make_mentor(preferred_groups=frozenset({"first_generation"}))
    hidden_texts = texts(score(private, mentor, audience="mentor"))
    assert GENERIC_MENTOR_PREFERENCE in hidden_texts
    assert not any("first-generation" in text for text in hidden_texts)
    assert "In a group you especially want to mentor: first-generation students" in texts(
        score(shown, mentor, audience="mentor")
    )


# --- Comfort ------------------------------------------------------------------------------


WOMAN = Background(gender_identity="woman")


def test_must_excludes_a_mentor_who_does_not_share_the_attribute() -> None:
    mentee = make_mentee(background=WOMAN, comfort={"gender_identity": "must"})
    man = make_mentor(background=Background(gender_identity="man", visibility=public("gender_identity")))
    woman = make_mentor(background=Background(gender_identity="woman", visibility=public("gender_identity")))
    unknown = make_mentor(background=Background())
    assert score_pair(mentee, man) is None
    assert score_pair(mentee, unknown) is None
    assert score_pair(mentee, woman) is not None


def test_must_is_never_satisfied_by_a_private_attribute() -> None:
    # A filter on a private attribute would reveal it by elimination (PRODUCT §5).
    mentee = make_mentee(background=WOMAN, comfort={"gender_identity": "must"})
    for visibility in ("private", "coordinators"):
        hidden = Background(gender_identity="woman", visibility={"gender_identity": visibility})
        assert score_pair(mentee, make_mentor(background=hidden)) is None


def test_important_preference_counts_more_than_nice() -> None:
    both = make_mentee(
        background=Background(gender_identity="woman", race_ethnicity=frozenset({"black"})),
        comfort={"gender_identity": "important", "race_ethnicity": "nice"},
    )
    shares_gender = make_mentor(background=Background(gender_identity="woman"))
    shares_race = make_mentor(background=Background(gender_identity="man", race_ethnicity=frozenset({"black"})))
    assert score(both, shares_gender).score > score(both, shares_race).score
    assert score(both, shares_gender).components["comfort"] == pytest.approx(2.5 / 3.5)


def test_important_preference_moves_a_mentor_up() -> None:
    mentee = make_mentee(background=Background(lgbtq=True))
    lgbtq = make_mentor(id=1, background=Background(lgbtq=True), active=2)  # less capacity left
    other = make_mentor(id=2, background=Background(lgbtq=False))
    assert score(mentee, other).score > score(mentee, lgbtq).score
    cares = dataclasses.replace(mentee, comfort={"lgbtq": "important"})
    assert score(cares, lgbtq).score > score(cares, other).score


def test_similar_experience_earns_half_credit() -> None:
    mentee = make_mentee(background=Background(urm=True), comfort={"urm": "important"})
    urm = make_mentor(background=Background(urm=True))
    first_gen = make_mentor(background=Background(first_generation=True, visibility=public("first_generation")))
    neither = make_mentor(background=Background(lgbtq=True))
    values = [score(mentee, mentor).components["comfort"] for mentor in (urm, first_gen, neither)]
    assert values == [1.0, 0.5, 0.0]
    assert "Similar experience: first-generation" in texts(score(mentee, first_gen))


def test_similar_experience_does_not_apply_to_gender_or_lgbtq() -> None:
    mentee = make_mentee(background=Background(lgbtq=True), comfort={"lgbtq": "nice"})
    assert score(mentee, make_mentor(background=Background(urm=True))).components["comfort"] == 0.0


def test_unknown_attribute_never_matches_and_never_penalises_beyond_no_credit() -> None:
    mentee = make_mentee(comfort={"first_generation": "nice"})
    unknown = score(mentee, make_mentor(background=Background()))
    said_no = score(mentee, make_mentor(background=Background(first_generation=False)))
    assert unknown.components["comfort"] == said_no.components["comfort"] == 0.0
    assert unknown.score == said_no.score


def test_gender_preference_needs_the_mentees_own_gender() -> None:
    mentee = make_mentee(comfort={"gender_identity": "must"})  # own gender not given
    assert score_pair(mentee, make_mentor()) is not None
    assert "comfort" not in score(mentee, make_mentor()).components


def test_private_attribute_counts_but_is_never_named() -> None:
    mentee = make_mentee(background=WOMAN, comfort={"gender_identity": "important"})
    private = make_mentor(background=Background(gender_identity="woman"))
    shown = make_mentor(background=Background(gender_identity="woman", visibility=public("gender_identity")))
    stranger = make_mentor(background=Background(gender_identity="man"))
    assert score(mentee, private).score == score(mentee, shown).score > score(mentee, stranger).score
    assert GENERIC_COMFORT["mentee"] in texts(score(mentee, private))
    assert "Shares your gender identity" not in texts(score(mentee, private))
    assert "Shares your gender identity" in texts(score(mentee, shown))
    assert all(reason.code == "comfort" for reason in score(mentee, private).reasons if reason.component == "comfort")


def test_named_reasons_for_public_race_and_flags() -> None:
    mentee = make_mentee(
        background=Background(race_ethnicity=frozenset({"hispanic_latino"}), first_generation=True),
        comfort={"race_ethnicity": "nice", "first_generation": "nice"},
    )
    mentor = make_mentor(
        background=Background(
            race_ethnicity=frozenset({"hispanic_latino", "white"}),
            first_generation=True,
            visibility=public("race_ethnicity", "first_generation"),
        )
    )
    found = texts(score(mentee, mentor))
    assert "Shares your race/ethnicity: Hispanic or Latino" in found
    assert MENTOR_FLAG_TEXT["first_generation"] in found
    assert not any("White" in text for text in found)


# --- The visibility rule, for any background --------------------------------------------

backgrounds = st.builds(
    Background,
    gender_identity=st.none() | st.sampled_from(GENDER_IDENTITIES[:2]),
    race_ethnicity=st.frozensets(st.sampled_from(RACE_ETHNICITIES[:3]), max_size=2),
    first_generation=st.none() | st.booleans(),
    urm=st.none() | st.booleans(),
    lgbtq=st.none() | st.booleans(),
    disability=st.none() | st.booleans(),
    rural=st.none() | st.booleans(),
    international=st.none() | st.booleans(),
    visibility=st.dictionaries(st.sampled_from(BACKGROUND_ATTRIBUTES), st.sampled_from(VISIBILITY)),
)
comfort_preferences = st.dictionaries(st.sampled_from(BACKGROUND_ATTRIBUTES), st.sampled_from(IMPORTANCE[:3]))


def hide_private(background: Background, replacement: Background) -> Background:
    """``background`` with every attribute not shown to everyone taken from ``replacement``."""
    changes = {
        attribute: getattr(replacement, attribute)
        for attribute in BACKGROUND_ATTRIBUTES
        if not background.is_public(attribute)
    }
    return dataclasses.replace(background, **changes)


def named(match: Match | None) -> set[tuple[str, str]]:
    """The reasons that may name someone: everything but the generic comfort reasons."""
    assert match is not None
    generic = {GENERIC_COMFORT["mentee"], GENERIC_COMFORT["mentor"], GENERIC_MENTOR_PREFERENCE}
    return {(reason.code, reason.text) for reason in match.reasons if reason.text not in generic}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    own=backgrounds,
    theirs=backgrounds,
    replacement=backgrounds,
    comfort=comfort_preferences,
    groups=st.frozensets(st.sampled_from(PREFERENCE_GROUPS), max_size=2),
)
def test_reasons_never_depend_on_the_other_sides_hidden_attributes(
    own: Background, theirs: Background, replacement: Background, comfort: dict[str, str], groups: frozenset[str]
) -> None:
    mentee = make_mentee(background=own, comfort=comfort)
    mentor = make_mentor(background=theirs, preferred_groups=groups)
    # Shown to the mentee: change what the mentor hides, and nothing named may change.
    masked_mentor = dataclasses.replace(mentor, background=hide_private(theirs, replacement))
    as_mentee = score(mentee, mentor)
    assert named(as_mentee) == named(score(mentee, masked_mentor))
    # Shown to the mentor: the same for what the mentee hides.
    masked_mentee = dataclasses.replace(mentee, background=hide_private(own, replacement))
    as_mentor = score(mentee, mentor, audience="mentor")
    masked = score_pair(masked_mentee, mentor, DEFAULT_WEIGHTS, fake_alignment, audience="mentor")
    if masked is not None:  # hiding can turn an evaluable preference into an unmet must
        assert named(as_mentor) == named(masked)
    for attribute in BACKGROUND_ATTRIBUTES:
        if not theirs.is_public(attribute):
            assert not any(reason.code == f"comfort.{attribute}" for reason in as_mentee.reasons)
        if not own.is_public(attribute):
            assert not any(reason.code == f"comfort.{attribute}" for reason in as_mentor.reasons)


@settings(max_examples=200, deadline=None)
@given(theirs=backgrounds, comfort=comfort_preferences, own=backgrounds)
def test_private_race_or_flag_values_never_appear_in_text(
    theirs: Background, comfort: dict[str, str], own: Background
) -> None:
    match = score_pair(make_mentee(background=own, comfort=comfort), make_mentor(background=theirs))
    if match is None:
        return
    found = " | ".join(texts(match))
    if not theirs.is_public("race_ethnicity"):
        assert not any(RACE_ETHNICITY_LABELS[race] in found for race in theirs.race_ethnicity)
        assert "race/ethnicity" not in found
    if not theirs.is_public("gender_identity"):
        assert "gender identity" not in found
    for flag in FLAG_ATTRIBUTES:
        if not theirs.is_public(flag):
            assert MENTOR_FLAG_TEXT[flag] not in found


# --- Any pair ------------------------------------------------------------------------------

mentees = st.builds(
    make_mentee,
    stage=st.sampled_from(STAGES),
    target_specialties=st.lists(st.sampled_from(FAKE_SLUGS), max_size=2).map(tuple),
    goals=st.frozensets(st.sampled_from(TOPICS), max_size=4),
    kind=st.none() | st.sampled_from(KINDS),
    availability=st.integers(0, (1 << 168) - 1),
    modes=st.frozensets(st.sampled_from(MODES)),
    languages=st.frozensets(st.sampled_from(("en", "es", "zh"))),
    background=backgrounds,
    comfort=comfort_preferences,
    profession=st.sampled_from(("", *INTENDED_PROFESSIONS)),
    md_phd=st.booleans(),
    stage_given=st.booleans(),
)
mentors = st.builds(
    make_mentor,
    specialties=st.lists(st.sampled_from(FAKE_SLUGS), max_size=3).map(tuple),
    topics=st.frozensets(st.sampled_from(TOPICS), max_size=6),
    kinds=st.frozensets(st.sampled_from(KINDS)),
    availability=st.integers(0, (1 << 168) - 1),
    modes=st.frozensets(st.sampled_from(MODES)),
    languages=st.frozensets(st.sampled_from(("en", "es", "zh"))),
    background=backgrounds,
    preferred_stages=st.frozensets(st.sampled_from(STAGES), max_size=3),
    preferred_groups=st.frozensets(st.sampled_from(PREFERENCE_GROUPS), max_size=2),
    capacity=st.integers(0, 4),
    active=st.integers(0, 4),
    accepting=st.booleans(),
    # Near peers (premed mentees only: a hard filter) drawn as often as every other profession together.
    profession=st.sampled_from(("", *PROFESSIONS)) | st.sampled_from(NEAR_PEER_PROFESSIONS),
    research_doctorate=st.booleans(),
    verified_at=st.sampled_from((math.inf, 1.7e9, 1.8e9)),
)


@settings(max_examples=300, deadline=None)
@given(mentee=mentees, mentor=mentors)
def test_any_pair_scores_between_0_and_100_with_components_in_range(
    mentee: MenteeFeatures, mentor: MentorFeatures
) -> None:
    match = score_pair(mentee, mentor, DEFAULT_WEIGHTS, fake_alignment, reason_for=fake_reason)
    if match is None:
        return
    assert 0.0 <= match.score <= 100.0
    assert round(match.score, 1) == match.score
    assert all(0.0 <= value <= 1.0 for value in match.components.values())
    # The field reason leads whenever the mentee has a target, then the physician-scientist
    # reason an MD/PhD mentee asked for; the rest are best first.
    rest = match.reasons[1:] if mentee.target_specialties else match.reasons
    if mentee.target_specialties:
        assert match.reasons[0].component == "specialty"
    asked = [r for r in rest if r.code == "profession.research"]
    others = [r for r in rest if r.code != "profession.research"]
    assert rest == asked + others and (not asked or mentee.md_phd)
    assert [r.points for r in others] == sorted((r.points for r in others), reverse=True)
    assert all(reason.text and reason.points > 0 for reason in rest)


# --- Availability helpers ---------------------------------------------------------------


def test_slots_wrap_around_midnight_and_the_end_of_the_week() -> None:
    mask = slots_to_utc_mask([(6, "23:00", "01:00")], "UTC")
    assert mask == (1 << 167) | 1
    assert local_hours(mask, "UTC") == [(0, 0), (6, 23)]


def test_slots_convert_to_utc_and_back() -> None:
    mask = slots_to_utc_mask([(0, "09:00", "12:00")], "America/Los_Angeles")  # UTC-8 in January
    assert mask == 0b111 << 17
    assert local_hours(mask, "America/Los_Angeles") == [(0, 9), (0, 10), (0, 11)]


def test_half_hour_timezones_keep_the_slot_length() -> None:
    assert hours(slots_to_utc_mask([(0, "09:00", "17:00")], "Asia/Kolkata")) == 8


def test_bad_slots_raise() -> None:
    with pytest.raises(ValueError, match="timezone"):
        slots_to_utc_mask([(0, "09:00", "10:00")], "Mars/Olympus")
    with pytest.raises(ValueError, match="weekday"):
        slots_to_utc_mask([(7, "09:00", "10:00")], "UTC")
    with pytest.raises(ValueError, match="out of range"):
        slots_to_utc_mask([(0, "25:00", "26:00")], "UTC")


def test_shared_hours_are_described_in_the_readers_timezone() -> None:
    mask = slots_to_utc_mask([(1, "18:00", "20:00"), (3, "18:00", "21:00")], "America/New_York")
    assert describe_shared_hours(mask, "America/New_York") == "5 shared evening hours a week (Tue and Thu)"
    weekday_mornings = slots_to_utc_mask([(day, "07:00", "08:00") for day in range(5)], "UTC")
    evening = slots_to_utc_mask([(5, "19:00", "20:00")], "UTC")
    assert describe_shared_hours(weekday_mornings | evening, "UTC") == (
        "6 shared hours a week (weekday mornings and Sat evenings)"
    )
