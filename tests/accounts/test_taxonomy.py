import itertools
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.taxonomy import (
    BOARDS,
    DOMAINS,
    FAMILIES,
    REQUIRES,
    TAXONOMY,
    Board,
    Domain,
    Specialty,
    Subspecialty,
    alignment,
    alignment_matrix,
    alignment_reason,
    build_taxonomy,
)
from matching.scoring import alignment as ladder
from matching.scoring.alignment import (
    DIFFERENT,
    DOMAIN,
    FAMILY,
    LADDER,
    OTHER_ROUTE,
    PREREQUISITE,
    RELATED_AT_LEAST,
    SAME,
    SAME_PATHWAY,
    SHARED_CERTIFICATE,
    SUBSPECIALTY,
    SYMMETRIC_RUNGS,
    WIDER_PATHWAY,
)
from matching.scoring.components import MenteeFeatures, MentorFeatures, best_alignment

SLUGS = [node.slug for node in TAXONOMY]
GRADES = {rung.grade for rung in LADDER}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

ORTHO_SPORTS = "orthopaedic-surgery--orthopaedic-sports-medicine"


# --- The data ---------------------------------------------------------------------------


def test_has_every_abms_member_board():
    assert {board.name for board in TAXONOMY.boards} == {
        "American Board of Allergy and Immunology",
        "American Board of Anesthesiology",
        "American Board of Colon and Rectal Surgery",
        "American Board of Dermatology",
        "American Board of Emergency Medicine",
        "American Board of Family Medicine",
        "American Board of Internal Medicine",
        "American Board of Medical Genetics and Genomics",
        "American Board of Neurological Surgery",
        "American Board of Nuclear Medicine",
        "American Board of Obstetrics and Gynecology",
        "American Board of Ophthalmology",
        "American Board of Orthopaedic Surgery",
        "American Board of Otolaryngology \u2013 Head and Neck Surgery",
        "American Board of Pathology",
        "American Board of Pediatrics",
        "American Board of Physical Medicine and Rehabilitation",
        "American Board of Plastic Surgery",
        "American Board of Preventive Medicine",
        "American Board of Psychiatry and Neurology",
        "American Board of Radiology",
        "American Board of Surgery",
        "American Board of Thoracic Surgery",
        "American Board of Urology",
    }


def test_has_enough_specialties_and_subspecialties():
    assert len(TAXONOMY.specialties()) >= 35
    assert len(TAXONOMY.subspecialties()) >= 80
    assert all(board.specialties for board in TAXONOMY.boards)


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("orthopaedic-surgery--orthopaedic-sports-medicine", "Orthopaedic Sports Medicine"),
        (
            "internal-medicine--advanced-heart-failure-and-transplant-cardiology",
            "Advanced Heart Failure and Transplant Cardiology",
        ),
        ("pediatrics--neonatal-perinatal-medicine", "Neonatal-Perinatal Medicine"),
        ("physical-medicine-and-rehabilitation--sports-medicine", "Sports Medicine"),
        ("child-neurology", "Child Neurology"),
        ("thoracic-and-cardiac-surgery", "Thoracic and Cardiac Surgery"),
    ],
)
def test_real_fields_are_present_under_their_names(slug, name):
    assert TAXONOMY.get(slug).name == name


def test_slugs_are_unique_and_well_formed():
    for slugs in (SLUGS, [board.slug for board in BOARDS], [family.slug for family in FAMILIES]):
        assert len(slugs) == len(set(slugs))
    for node in TAXONOMY:
        if node.parent is None:
            assert SLUG_PATTERN.match(node.slug), node.slug
        else:
            prefix, key = node.slug.split("--")
            assert prefix == node.parent
            assert SLUG_PATTERN.match(key), node.slug


def test_nodes_list_each_specialty_before_its_subspecialties():
    seen: set[str] = set()
    for node in TAXONOMY:
        assert node.parent is None or node.parent in seen
        seen.add(node.slug)


def test_the_same_subspecialty_under_two_boards_is_two_nodes():
    sports = [node for node in TAXONOMY.subspecialties() if node.name == "Sports Medicine"]
    assert {node.parent for node in sports} == {
        "family-medicine",
        "emergency-medicine",
        "internal-medicine",
        "pediatrics",
        "physical-medicine-and-rehabilitation",
    }
    assert TAXONOMY.get("family-medicine--sports-medicine").label == "Sports Medicine (Family Medicine)"


def test_lookups_by_parent_and_children():
    assert TAXONOMY.parent(ORTHO_SPORTS).slug == "orthopaedic-surgery"  # type: ignore[union-attr]
    assert TAXONOMY.parent("orthopaedic-surgery") is None
    assert {node.slug for node in TAXONOMY.children("orthopaedic-surgery")} == {
        ORTHO_SPORTS,
        "orthopaedic-surgery--surgery-of-the-hand",
    }
    assert TAXONOMY.board(TAXONOMY.get(ORTHO_SPORTS).board).name == "American Board of Orthopaedic Surgery"
    with pytest.raises(KeyError, match="no-such-field"):
        TAXONOMY.get("no-such-field")


def test_every_node_belongs_to_a_known_family():
    known = {family.slug for family in FAMILIES}
    assert 6 <= len(known) <= 8
    for node in TAXONOMY:
        assert node.families, node.slug
        assert node.families <= known


def test_subspecialties_inherit_families_except_primary_care_from_internal_medicine():
    assert "surgical" in TAXONOMY.get(ORTHO_SPORTS).families
    assert "pediatric" in TAXONOMY.get("pediatrics--pediatric-cardiology").families
    cardiology = TAXONOMY.get("internal-medicine--cardiovascular-disease")
    assert cardiology.families == {"medical"}
    assert "primary-care" in TAXONOMY.get("internal-medicine").families


# --- Certificates, prerequisites, domains -------------------------------------------------


def boards_offering(key: str) -> set[str]:
    return {TAXONOMY.get(slug).board for slug in TAXONOMY.graph.boards_of(_any_node(key))}


def _any_node(key: str) -> str:
    return next(node.slug for node in TAXONOMY if node.certificate == key)


@pytest.mark.parametrize(
    ("certificate", "boards"),
    [
        (
            "hospice-and-palliative-medicine",
            {
                "anesthesiology",
                "emergency-medicine",
                "family-medicine",
                "internal-medicine",
                "obstetrics-and-gynecology",
                "pediatrics",
                "physical-medicine-and-rehabilitation",
                "psychiatry-and-neurology",
                "radiology",
                "surgery",
            },
        ),
        (
            "sports-medicine",
            {
                "emergency-medicine",
                "family-medicine",
                "internal-medicine",
                "pediatrics",
                "physical-medicine-and-rehabilitation",
            },
        ),
        (
            "pain-medicine",
            {
                "anesthesiology",
                "emergency-medicine",
                "family-medicine",
                "physical-medicine-and-rehabilitation",
                "psychiatry-and-neurology",
            },
        ),
        (
            "sleep-medicine",
            {
                "anesthesiology",
                "family-medicine",
                "internal-medicine",
                "otolaryngology-head-and-neck-surgery",
                "pediatrics",
                "psychiatry-and-neurology",
            },
        ),
        (
            "critical-care-medicine",
            {"anesthesiology", "emergency-medicine", "internal-medicine", "obstetrics-and-gynecology"},
        ),
        (
            "neurocritical-care",
            {
                "anesthesiology",
                "emergency-medicine",
                "internal-medicine",
                "neurological-surgery",
                "psychiatry-and-neurology",
            },
        ),
        ("surgery-of-the-hand", {"orthopaedic-surgery", "plastic-surgery", "surgery"}),
        ("pediatric-emergency-medicine", {"emergency-medicine", "pediatrics"}),
    ],
)
def test_a_shared_certificate_lists_every_sponsoring_board(certificate, boards):
    assert boards_offering(certificate) == {f"american-board-of-{board}" for board in boards}


def test_prerequisites_are_the_certification_rules():
    cardiology = "internal-medicine--cardiovascular-disease"
    for key in (
        "interventional-cardiology",
        "clinical-cardiac-electrophysiology",
        "advanced-heart-failure-and-transplant-cardiology",
        "adult-congenital-heart-disease",
    ):
        assert cardiology in TAXONOMY.get(f"internal-medicine--{key}").requires
    assert TAXONOMY.get("internal-medicine--transplant-hepatology").requires == ("internal-medicine--gastroenterology",)
    assert set(TAXONOMY.get("allergy-and-immunology").requires) == {"internal-medicine", "pediatrics"}
    assert all(slug in TAXONOMY for slug in REQUIRES)


def test_clinical_domains_cut_across_boards():
    assert {"cardiovascular", "musculoskeletal-and-sports", "neurosciences", "mental-health", "child-health",
            "womens-health", "critical-care", "image-guided-intervention", "oncology", "primary-care"} <= {
        domain.slug for domain in DOMAINS
    }  # fmt: skip
    for domain in DOMAINS:
        boards = {TAXONOMY.get(slug).board for slug in domain.members}
        assert len(boards) >= 2 or domain.slug == "surgical-training", domain.slug
    assert "image-guided-intervention" in TAXONOMY.get("internal-medicine--interventional-cardiology").domains
    assert "child-health" in TAXONOMY.get("family-medicine").domains


# --- The ladder ---------------------------------------------------------------------------

ORTHO = "orthopaedic-surgery"
CARDIOLOGY = "internal-medicine--cardiovascular-disease"
INTERVENTIONAL = "internal-medicine--interventional-cardiology"


def test_grades_strictly_decrease_down_the_ladder():
    grades = [rung.grade for rung in LADDER]
    assert grades == sorted(grades, reverse=True)
    assert len(set(grades)) == len(grades)
    assert grades[0] == 1.0 and grades[-1] == 0.0
    assert [rung.key for rung in LADDER] == [
        "same", "shared_certificate", "subspecialty", "prerequisite", "same_pathway",
        "other_route", "wider_pathway", "domain", "family", "different",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "field", "rung", "reason"),
    [
        (ORTHO_SPORTS, ORTHO_SPORTS, SAME, "Same certificate: Orthopaedic Sports Medicine"),
        (
            "internal-medicine--hospice-and-palliative-medicine",
            "family-medicine--hospice-and-palliative-medicine",
            SHARED_CERTIFICATE,
            "Same certificate: Hospice and Palliative Medicine (Family Medicine)",
        ),
        (CARDIOLOGY, INTERVENTIONAL, SUBSPECIALTY, "Subspecialty of your target: Interventional Cardiology"),
        ("internal-medicine", INTERVENTIONAL, SUBSPECIALTY, "Subspecialty of your target: Interventional Cardiology"),
        ("general-surgery", "vascular-surgery", SUBSPECIALTY, "Builds on your target: Vascular Surgery"),
        ("pediatrics", "child-neurology", SUBSPECIALTY, "Builds on your target: Child Neurology"),
        ("neurology", "child-neurology", SUBSPECIALTY, "Certified in your target too: Child Neurology"),
        (
            "diagnostic-radiology",
            "interventional-radiology",
            SUBSPECIALTY,
            "Certified in your target too: Interventional Radiology and Diagnostic Radiology",
        ),
        (
            "interventional-radiology",
            "diagnostic-radiology",
            PREREQUISITE,
            "Your target's parent specialty: Diagnostic Radiology",
        ),
        ("child-neurology", "neurology", PREREQUISITE, "Your target's parent specialty: Neurology"),
        ("neurology", "neurology--epilepsy", SUBSPECIALTY, "Subspecialty of your target: Epilepsy"),
        # One of several entry routes into the mentor's certificate: a wider road, not "builds on".
        ("pediatrics", "allergy-and-immunology", WIDER_PATHWAY, "Open after your target: Allergy and Immunology"),
        (ORTHO, "plastic-surgery", WIDER_PATHWAY, "Open after your target: Plastic Surgery"),
        ("neurology--sleep-medicine", "psychiatry", PREREQUISITE, "Entry route to your target: Psychiatry"),
        ("neurology--pain-medicine", "psychiatry", PREREQUISITE, "Entry route to your target: Psychiatry"),
        ("neurology--epilepsy", "child-neurology", PREREQUISITE, "Entry route to your target: Child Neurology"),
        ("emergency-medicine", "family-medicine", DOMAIN, "Same clinical domain: emergency care"),
        ("emergency-medicine", "general-surgery", DOMAIN, "Same clinical domain: trauma care"),
        ("family-medicine", "emergency-medicine", DOMAIN, "Same clinical domain: emergency care"),
        ("family-medicine", "internal-medicine", DOMAIN, "Same clinical domain: primary care"),
        (INTERVENTIONAL, CARDIOLOGY, PREREQUISITE, "Required before your target: Cardiovascular Disease"),
        (CARDIOLOGY, "internal-medicine", PREREQUISITE, "Required before your target: Internal Medicine"),
        ("allergy-and-immunology", "pediatrics", PREREQUISITE, "Entry route to your target: Pediatrics"),
        (CARDIOLOGY, "internal-medicine--rheumatology", SAME_PATHWAY, "Same training pathway: Internal Medicine"),
        (
            INTERVENTIONAL,
            "internal-medicine--clinical-cardiac-electrophysiology",
            SAME_PATHWAY,
            "Same training pathway: Cardiovascular Disease",
        ),
        (INTERVENTIONAL, "internal-medicine", WIDER_PATHWAY, "Earlier on your target's pathway: Internal Medicine"),
        (INTERVENTIONAL, "internal-medicine--rheumatology", WIDER_PATHWAY, "Same training pathway: Internal Medicine"),
        (
            "neurology--sleep-medicine",
            "internal-medicine",
            OTHER_ROUTE,
            "Another route into your target: Internal Medicine",
        ),
        # Shared roads count only where required: the mentor's own road did not pass through the target.
        (
            "internal-medicine",
            "neurology--sleep-medicine",
            DOMAIN,
            "Open after your target: Sleep Medicine (Neurology)",
        ),
        (
            "anesthesiology",
            "family-medicine--hospice-and-palliative-medicine",
            DOMAIN,
            "Open after your target: Hospice and Palliative Medicine (Family Medicine)",
        ),
        ("urology--pediatric-urology", "plastic-surgery", FAMILY, "Same broad field: surgical specialties"),
        (ORTHO_SPORTS, "plastic-surgery", FAMILY, "Same broad field: surgical specialties"),
        (
            ORTHO,
            "family-medicine--sports-medicine",
            DOMAIN,
            "Same clinical domain: musculoskeletal and sports medicine",
        ),
        ("pediatrics--pediatric-cardiology", "family-medicine", DOMAIN, "Same clinical domain: child health"),
        ("interventional-radiology", INTERVENTIONAL, DOMAIN, "Same clinical domain: image-guided intervention"),
        ("psychiatry", "neurology", DOMAIN, "Related field: Neurology"),
        (ORTHO, "otolaryngology-head-and-neck-surgery", FAMILY, "Same broad field: surgical specialties"),
        (ORTHO_SPORTS, "psychiatry", DIFFERENT, "Different field: Psychiatry"),
        (ORTHO, "dermatology", DIFFERENT, "Different field: Dermatology"),
        ("interventional-radiology", "dermatology", DIFFERENT, "Different field: Dermatology"),
    ],
)
def test_real_pairs_land_on_the_rung_a_clinician_would_name(target, field, rung, reason):
    found = alignment_reason(target, field)
    assert (found.rung, found.reason) == (rung, reason)
    assert found.score == alignment(target, field) == rung.grade


def test_the_issue_failures_are_ordered_as_a_program_director_would():
    def order(target, fields):
        return sorted(fields, key=lambda field: -alignment(target, field))

    hpm = "internal-medicine--hospice-and-palliative-medicine"
    assert alignment(hpm, "family-medicine--hospice-and-palliative-medicine") > alignment(
        hpm, "internal-medicine--rheumatology"
    )
    assert order(CARDIOLOGY, ["internal-medicine--rheumatology", "internal-medicine", INTERVENTIONAL]) == [
        INTERVENTIONAL, "internal-medicine", "internal-medicine--rheumatology",
    ]  # fmt: skip
    assert alignment("pediatrics--pediatric-cardiology", "family-medicine") > alignment(
        "pediatrics--pediatric-cardiology", "dermatology"
    )
    assert alignment(ORTHO, "family-medicine--sports-medicine") > alignment(
        ORTHO, "otolaryngology-head-and-neck-surgery"
    )
    assert alignment("interventional-radiology", INTERVENTIONAL) > alignment("interventional-radiology", "dermatology")
    assert alignment("allergy-and-immunology", "pediatrics") > alignment("allergy-and-immunology", "dermatology")


# --- Properties ---------------------------------------------------------------------------


@given(st.sampled_from(SLUGS))
def test_every_specialty_reaches_itself_at_the_top_grade(slug):
    assert alignment(slug, slug) == 1.0
    assert alignment_reason(slug, slug).rung == SAME


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_alignment_is_symmetric_where_it_should_be(a, b):
    forward, backward = alignment_reason(a, b), alignment_reason(b, a)
    assert forward.score in GRADES
    assert (forward.score == 1.0) == (a == b)
    if OTHER_ROUTE in (forward.rung, backward.rung):
        # Its converse: the mentor's certificate open after the target through another board,
        # at the domain grade (or higher where a closer relation holds that way round).
        converse = backward if forward.rung == OTHER_ROUTE else forward
        assert converse.score >= DOMAIN.grade
    elif forward.rung in SYMMETRIC_RUNGS or backward.rung in SYMMETRIC_RUNGS:
        assert forward.rung == backward.rung
    if forward.rung == SUBSPECIALTY:  # the converse of "builds on" is a prerequisite, near or far
        assert backward.rung in {PREREQUISITE, WIDER_PATHWAY}


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_each_relation_earns_at_least_its_rung(a, b):
    """Monotone: whatever relations hold, the grade is at least the best of their rungs."""
    graph = TAXONOMY.graph
    t, f = graph.fields[a], graph.fields[b]
    score = alignment(a, b)
    if t.certificate_key == f.certificate_key:
        assert score >= SHARED_CERTIFICATE.grade
    if a in graph.required(b):
        assert score >= SUBSPECIALTY.grade
    if b in t.direct or b == t.within:
        assert score >= PREREQUISITE.grade
    if a in f.direct:
        assert score >= WIDER_PATHWAY.grade
    # Shared roads count where required on every road (one of several entry routes does not).
    if set(t.direct) & set(f.direct) & graph.required(a) & graph.required(b):
        assert score >= SAME_PATHWAY.grade
    if graph.required(a) & (graph.required(b) | {b}):
        assert score >= WIDER_PATHWAY.grade
    if b in {route for node in graph.boards_of(a) for route in graph.fields[node].direct}:
        assert score >= OTHER_ROUTE.grade
    if a in {route for node in graph.boards_of(b) for route in graph.fields[node].direct}:
        assert score >= DOMAIN.grade
    if t.domains & f.domains:
        assert score >= DOMAIN.grade
    if t.families & f.families:
        assert score >= FAMILY.grade


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS), st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_adding_a_relation_never_lowers_an_alignment(a, b, c, d):
    """Put c and d into a new shared domain: no pair's grade goes down, and c-d reaches DOMAIN."""
    extra = Domain("extra", "extra", (c, d) if c != d else (c,))
    wider = build_taxonomy(domains=(*DOMAINS, extra))
    assert wider.alignment(a, b) >= alignment(a, b)
    assert wider.alignment(c, d) >= DOMAIN.grade


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_builds_on_only_where_every_road_passes_through_the_target(a, b):
    """Subspecialty (0.85) needs the target on every road to the mentor's field, not on one of several."""
    graph = TAXONOMY.graph
    if alignment_reason(a, b).rung == SUBSPECIALTY:
        assert a in graph.required(b)
    elif a in graph.fields[b].direct:  # one of several roads into the mentor's field
        assert alignment(a, b) in {PREREQUISITE.grade, SAME_PATHWAY.grade, OTHER_ROUTE.grade, WIDER_PATHWAY.grade}


ROUTED = [slug for slug in SLUGS if TAXONOMY.graph.fields[slug].direct or TAXONOMY.graph.fields[slug].within]


@given(st.sampled_from(ROUTED), st.data(), st.sampled_from(SLUGS))
def test_a_mentees_own_route_never_ranks_below_another_route(target, data, other):
    """A resident whose own specialty leads into the target ranks a mentor holding it above any
    other route (and anything graded no higher), and still below a subspecialist of the target."""
    field = TAXONOMY.graph.fields[target]
    current = data.draw(st.sampled_from([*field.direct, *([field.within] if field.within else [])]))
    assert alignment(target, current) == PREREQUISITE.grade
    mentee = MenteeFeatures(id=1, stage="resident", target_specialties=(target,), current_specialty=current)
    own = best_alignment(mentee, MentorFeatures(id=2, specialties=(current,)), alignment)[0]
    if other == current:
        return
    theirs = best_alignment(mentee, MentorFeatures(id=3, specialties=(other,)), alignment)[0]
    if alignment(target, other) <= PREREQUISITE.grade:
        assert own > theirs
    else:
        assert own < theirs


def test_the_matrix_is_the_pairwise_alignment_with_the_target_as_row():
    matrix = TAXONOMY.matrix
    assert matrix.shape == (len(SLUGS), len(SLUGS))
    assert set(np.unique(matrix).tolist()) <= {float(np.float32(grade)) for grade in GRADES}
    assert np.all(np.diag(matrix) == 1.0)
    i, j = TAXONOMY.index[CARDIOLOGY], TAXONOMY.index[INTERVENTIONAL]
    assert matrix[i, j] == np.float32(SUBSPECIALTY.grade)
    assert matrix[j, i] == np.float32(PREREQUISITE.grade)


def test_alignment_matrix_matches_pairwise_alignment():
    slugs = [ORTHO_SPORTS, "orthopaedic-surgery", "psychiatry", ORTHO_SPORTS]
    matrix = alignment_matrix(slugs)
    assert matrix.dtype == np.float32
    for (i, a), (j, b) in itertools.product(enumerate(slugs), repeat=2):
        assert matrix[i, j] == np.float32(alignment(a, b))
    assert alignment_matrix([ORTHO_SPORTS], ["psychiatry", ORTHO]).shape == (1, 2)


def test_alignment_matrix_is_a_copy():
    matrix = alignment_matrix(["psychiatry"])
    matrix[0, 0] = 0.0
    assert alignment_matrix(["psychiatry"])[0, 0] == 1.0


def test_unknown_slugs_are_refused():
    with pytest.raises(KeyError, match="cardiology"):
        alignment("cardiology", "psychiatry")
    with pytest.raises(KeyError, match="cardiology"):
        alignment_matrix(["psychiatry", "cardiology"])


def test_related_fields_are_the_ladder_from_the_domain_rung_up():
    related = TAXONOMY.related_fields(ORTHO)
    assert {ORTHO, ORTHO_SPORTS, "family-medicine--sports-medicine", "physical-medicine-and-rehabilitation"} <= related
    assert "otolaryngology-head-and-neck-surgery" not in related
    for slug in SLUGS:
        assert (slug in related) == (alignment(ORTHO, slug) >= RELATED_AT_LEAST)
    assert related == ladder.related_fields(TAXONOMY.graph, ORTHO)


def test_best_alignment_takes_the_closest_pair():
    best = TAXONOMY.best_alignment([ORTHO_SPORTS, "general-surgery"], ["family-medicine", "orthopaedic-surgery"])
    assert best.score == SUBSPECIALTY.grade or best.score == PREREQUISITE.grade
    assert best.reason == "Required before your target: Orthopaedic Surgery"
    assert TAXONOMY.best_alignment([], ["psychiatry"]).score == 0.0


# --- Building checks the data -----------------------------------------------------------

ORTHO_BOARD = Board(
    "bos",
    "Board of Orthopaedic Surgery",
    (Specialty("ortho", "Orthopaedic Surgery", ("surgical",), (Subspecialty("hand", "Surgery of the Hand"),)),),
)


def test_build_accepts_small_valid_data():
    taxonomy = build_taxonomy([ORTHO_BOARD], FAMILIES, (), {}, (), {})
    assert [node.slug for node in taxonomy] == ["ortho", "ortho--hand"]
    assert taxonomy.alignment("ortho", "ortho--hand") == SUBSPECIALTY.grade


@pytest.mark.parametrize(
    ("boards", "domains", "requires", "related", "message"),
    [
        ([ORTHO_BOARD, ORTHO_BOARD], (), {}, (), "duplicate board"),
        ([ORTHO_BOARD, Board("other", "Other", ORTHO_BOARD.specialties)], (), {}, (), "duplicate specialty"),
        ([ORTHO_BOARD], (Domain("d", "d", ("ortho", "missing")),), {}, (), "unknown specialty"),
        ([ORTHO_BOARD], (), {"ortho": ("missing",)}, (), "unknown specialty"),
        ([ORTHO_BOARD], (), {"ortho": ("ortho--hand",)}, (), "requires itself"),
        ([ORTHO_BOARD], (), {}, (("ortho", "missing"),), "unknown specialty"),
        ([ORTHO_BOARD], (), {}, (("ortho", "ortho"),), "itself"),
        ([Board("b", "B", (Specialty("s", "S", ("nonsense",)),))], (), {}, (), "unknown families"),
        ([Board("b", "B", (Specialty("s", "S", ()),))], (), {}, (), "no family"),
    ],
)
def test_build_refuses_broken_data(boards, domains, requires, related, message):
    with pytest.raises(ValueError, match=message):
        build_taxonomy(boards, FAMILIES, domains, requires, related, {})


def test_build_refuses_a_broken_special_qualification():
    with pytest.raises(ValueError, match="special qualification names an unknown specialty"):
        build_taxonomy([ORTHO_BOARD], FAMILIES, (), {}, (), {"ortho": "missing"})
    with pytest.raises(ValueError, match="requires itself"):
        build_taxonomy([ORTHO_BOARD], FAMILIES, (), {}, (), {"ortho": "ortho--hand"})
