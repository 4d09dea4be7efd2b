import itertools
import re
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.taxonomy import (
    BOARDS,
    FAMILIES,
    RELATED,
    RELATED_GROUPS,
    RELATED_INDIRECT,
    SAME,
    SAME_FAMILY,
    SAME_SPECIALTY,
    TAXONOMY,
    UNRELATED,
    Board,
    Specialty,
    Subspecialty,
    alignment,
    alignment_matrix,
    alignment_reason,
    build_taxonomy,
)

SLUGS = [node.slug for node in TAXONOMY]
GRADES = {SAME, SAME_SPECIALTY, RELATED, RELATED_INDIRECT, SAME_FAMILY, UNRELATED}
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


def test_related_links_resolve_are_symmetric_and_plentiful():
    assert len(TAXONOMY.links) >= 40
    for a, b in TAXONOMY.links:
        assert a < b
        assert a in TAXONOMY and b in TAXONOMY
        assert b in {node.slug for node in TAXONOMY.related(a)}
        assert a in {node.slug for node in TAXONOMY.related(b)}
    for node in TAXONOMY:
        for other in TAXONOMY.related(node.slug):
            assert node.slug in {n.slug for n in TAXONOMY.related(other.slug)}
            assert other.slug != node.slug


REQUIRED_LINKS = [
    *(
        (ORTHO_SPORTS, f"{parent}--sports-medicine")
        for parent in (
            "family-medicine",
            "emergency-medicine",
            "internal-medicine",
            "pediatrics",
            "physical-medicine-and-rehabilitation",
        )
    ),
    ("orthopaedic-surgery", "physical-medicine-and-rehabilitation"),
    ("orthopaedic-surgery--surgery-of-the-hand", "plastic-surgery--surgery-of-the-hand"),
    ("plastic-surgery--surgery-of-the-hand", "general-surgery--surgery-of-the-hand"),
    ("orthopaedic-surgery--surgery-of-the-hand", "general-surgery--surgery-of-the-hand"),
    ("anesthesiology--critical-care-medicine", "internal-medicine--critical-care-medicine"),
    ("general-surgery--surgical-critical-care", "internal-medicine--pulmonary-disease"),
    ("emergency-medicine--critical-care-medicine", "obstetrics-and-gynecology--critical-care-medicine"),
    ("family-medicine--hospice-and-palliative-medicine", "internal-medicine--hospice-and-palliative-medicine"),
    ("anesthesiology--pain-medicine", "physical-medicine-and-rehabilitation--pain-medicine"),
    ("neurology--sleep-medicine", "otolaryngology-head-and-neck-surgery--sleep-medicine"),
    ("neurology", "neurological-surgery"),
    ("neurological-surgery", "child-neurology"),
    ("neurology", "child-neurology"),
    ("diagnostic-radiology", "interventional-radiology"),
    ("interventional-radiology", "nuclear-medicine"),
    ("psychiatry", "neurology"),
    ("emergency-medicine", "pediatrics--pediatric-emergency-medicine"),
    ("internal-medicine--cardiovascular-disease", "thoracic-and-cardiac-surgery"),
    ("thoracic-and-cardiac-surgery", "pediatrics--pediatric-cardiology"),
    ("internal-medicine--medical-oncology", "radiation-oncology"),
    ("radiation-oncology", "obstetrics-and-gynecology--gynecologic-oncology"),
    ("obstetrics-and-gynecology--gynecologic-oncology", "pediatrics--pediatric-hematology-oncology"),
]


@pytest.mark.parametrize(("a", "b"), REQUIRED_LINKS)
def test_medically_related_fields_are_linked(a, b):
    assert alignment(a, b) == RELATED
    assert alignment_reason(a, b).reason == f"Related field: {TAXONOMY.get(b).label}"


def test_a_subspecialty_certified_by_several_boards_is_related_across_them():
    by_name = defaultdict(list)
    for node in TAXONOMY.subspecialties():
        by_name[node.name].append(node.slug)
    twins = {name: slugs for name, slugs in by_name.items() if len(slugs) > 1}
    assert {
        "Sports Medicine",
        "Hospice and Palliative Medicine",
        "Sleep Medicine",
        "Pain Medicine",
        "Critical Care Medicine",
        "Surgery of the Hand",
    } <= twins.keys()
    for slugs in twins.values():
        for a, b in itertools.combinations(slugs, 2):
            assert alignment(a, b) == RELATED, (a, b)


# --- Alignment --------------------------------------------------------------------------


def test_grades_are_ordered():
    assert SAME == 1.0 > SAME_SPECIALTY > RELATED > RELATED_INDIRECT > SAME_FAMILY > UNRELATED == 0.0


def test_orthopaedic_sports_medicine_mentee_ranks_mentors_as_a_physician_would():
    mentors = [
        ORTHO_SPORTS,
        "orthopaedic-surgery",
        "family-medicine--sports-medicine",
        "otolaryngology-head-and-neck-surgery",
        "psychiatry",
    ]
    scores = [alignment(ORTHO_SPORTS, mentor) for mentor in mentors]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[0] == SAME
    assert scores[-1] == UNRELATED


@pytest.mark.parametrize(
    ("a", "b", "grade"),
    [
        ("internal-medicine--cardiovascular-disease", "internal-medicine--interventional-cardiology", SAME_SPECIALTY),
        ("internal-medicine", "internal-medicine--gastroenterology", SAME_SPECIALTY),
        ("pediatrics--neonatal-perinatal-medicine", "pediatrics--pediatric-critical-care-medicine", SAME_SPECIALTY),
        ("emergency-medicine", "pediatrics--pediatric-emergency-medicine", RELATED),
        ("family-medicine--sports-medicine", "emergency-medicine--sports-medicine", RELATED),
        ("internal-medicine--medical-oncology", "radiation-oncology", RELATED),
        ("pediatrics--pediatric-cardiology", "internal-medicine--cardiovascular-disease", RELATED),
        # Linked to the other's parent specialty.
        (ORTHO_SPORTS, "physical-medicine-and-rehabilitation", RELATED_INDIRECT),
        ("orthopaedic-surgery", "physical-medicine-and-rehabilitation--spinal-cord-injury-medicine", RELATED_INDIRECT),
        (
            "internal-medicine--cardiovascular-disease",
            "thoracic-and-cardiac-surgery--congenital-cardiac-surgery",
            RELATED_INDIRECT,
        ),
        # Both subspecialties of linked specialties: not related through that link.
        ("psychiatry--forensic-psychiatry", "neurology--epilepsy", SAME_FAMILY),
        (ORTHO_SPORTS, "otolaryngology-head-and-neck-surgery", SAME_FAMILY),
        ("general-surgery", "ophthalmology", SAME_FAMILY),
        ("family-medicine", "internal-medicine", SAME_FAMILY),
        ("internal-medicine--nephrology", "pediatrics--pediatric-gastroenterology", SAME_FAMILY),
        ("dermatology", "urology", UNRELATED),
        (ORTHO_SPORTS, "psychiatry", UNRELATED),
        ("family-medicine", "internal-medicine--cardiovascular-disease", UNRELATED),
        ("anatomic-and-clinical-pathology--cytopathology", "pediatrics--adolescent-medicine", UNRELATED),
    ],
)
def test_real_pairs(a, b, grade):
    assert alignment(a, b) == grade
    assert alignment(b, a) == grade


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (ORTHO_SPORTS, ORTHO_SPORTS, "Same subspecialty: Orthopaedic Sports Medicine"),
        ("orthopaedic-surgery", "orthopaedic-surgery", "Same specialty: Orthopaedic Surgery"),
        (ORTHO_SPORTS, "orthopaedic-surgery", "Same specialty: Orthopaedic Surgery"),
        ("orthopaedic-surgery", ORTHO_SPORTS, "Same specialty: Orthopaedic Surgery"),
        (ORTHO_SPORTS, "orthopaedic-surgery--surgery-of-the-hand", "Same specialty: Orthopaedic Surgery"),
        (ORTHO_SPORTS, "family-medicine--sports-medicine", "Related field: Sports Medicine (Family Medicine)"),
        (ORTHO_SPORTS, "physical-medicine-and-rehabilitation", "Related field: Physical Medicine and Rehabilitation"),
        (ORTHO_SPORTS, "otolaryngology-head-and-neck-surgery", "Same broad field: surgical specialties"),
        ("general-surgery--pediatric-surgery", "child-neurology", "Same broad field: care of children"),
        (ORTHO_SPORTS, "psychiatry", "Different field: Psychiatry"),
    ],
)
def test_reasons_name_the_shared_field(a, b, reason):
    assert alignment_reason(a, b).reason == reason
    assert alignment_reason(a, b).score == alignment(a, b)


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_alignment_is_symmetric_graded_and_in_range(a, b):
    score = alignment(a, b)
    assert score == alignment(b, a)
    assert 0.0 <= score <= 1.0
    assert score in GRADES
    assert (score == SAME) == (a == b)


@given(st.sampled_from(SLUGS), st.sampled_from(SLUGS))
def test_alignment_follows_the_tree(a, b):
    """A parent, a sibling and a direct link each earn at least their grade."""
    node_a, node_b = TAXONOMY.get(a), TAXONOMY.get(b)
    if a != b and (node_a.parent == b or node_b.parent == a or (node_a.parent and node_a.parent == node_b.parent)):
        assert alignment(a, b) == SAME_SPECIALTY
    if b in {node.slug for node in TAXONOMY.related(a)}:
        assert alignment(a, b) >= RELATED
    if node_a.families & node_b.families:
        assert alignment(a, b) >= SAME_FAMILY


def test_every_pair_is_symmetric_and_graded():
    matrix = TAXONOMY.matrix
    assert matrix.shape == (len(SLUGS), len(SLUGS))
    assert np.array_equal(matrix, matrix.T)
    assert set(np.unique(matrix).tolist()) <= {float(np.float32(grade)) for grade in GRADES}
    assert np.all(np.diag(matrix) == SAME)


def test_alignment_matrix_matches_pairwise_alignment():
    slugs = [ORTHO_SPORTS, "orthopaedic-surgery", "psychiatry", ORTHO_SPORTS]
    matrix = alignment_matrix(slugs)
    assert matrix.dtype == np.float32
    assert matrix.shape == (4, 4)
    for (i, a), (j, b) in itertools.product(enumerate(slugs), repeat=2):
        assert matrix[i, j] == np.float32(alignment(a, b))


def test_alignment_matrix_can_be_rectangular():
    targets = [ORTHO_SPORTS]
    mentors = ["family-medicine--sports-medicine", "psychiatry", "orthopaedic-surgery"]
    matrix = alignment_matrix(targets, mentors)
    assert matrix.shape == (1, 3)
    assert matrix.tolist() == [[np.float32(RELATED), UNRELATED, SAME_SPECIALTY]]


def test_alignment_matrix_is_a_copy():
    matrix = alignment_matrix(["psychiatry"])
    matrix[0, 0] = 0.0
    assert alignment_matrix(["psychiatry"])[0, 0] == SAME


def test_unknown_slugs_are_refused():
    with pytest.raises(KeyError, match="cardiology"):
        alignment("cardiology", "psychiatry")
    with pytest.raises(KeyError, match="cardiology"):
        alignment_matrix(["psychiatry", "cardiology"])


def test_best_alignment_takes_the_closest_pair():
    best = TAXONOMY.best_alignment(
        [ORTHO_SPORTS, "general-surgery"], ["family-medicine", "family-medicine--sports-medicine"]
    )
    assert best.score == RELATED
    assert best.reason == "Related field: Sports Medicine (Family Medicine)"
    assert TAXONOMY.best_alignment([], ["psychiatry"]).score == UNRELATED


# --- Building checks the data -----------------------------------------------------------

ORTHO_BOARD = Board(
    "bos",
    "Board of Orthopaedic Surgery",
    (Specialty("ortho", "Orthopaedic Surgery", ("surgical",), (Subspecialty("hand", "Surgery of the Hand"),)),),
)


def test_build_accepts_small_valid_data():
    taxonomy = build_taxonomy([ORTHO_BOARD], FAMILIES, ())
    assert [node.slug for node in taxonomy] == ["ortho", "ortho--hand"]


@pytest.mark.parametrize(
    ("boards", "groups", "message"),
    [
        ([ORTHO_BOARD, ORTHO_BOARD], (), "duplicate board"),
        ([ORTHO_BOARD, Board("other", "Other", ORTHO_BOARD.specialties)], (), "duplicate specialty"),
        ([ORTHO_BOARD], (("ortho", "missing"),), "unknown specialty"),
        ([ORTHO_BOARD], (("ortho",),), "two or more"),
        ([ORTHO_BOARD], (("ortho", "ortho--hand"),), "its own subspecialty"),
        ([Board("b", "B", (Specialty("s", "S", ("nonsense",)),))], (), "unknown families"),
        ([Board("b", "B", (Specialty("s", "S", ()),))], (), "no family"),
    ],
)
def test_build_refuses_broken_data(boards, groups, message):
    with pytest.raises(ValueError, match=message):
        build_taxonomy(boards, FAMILIES, groups)


def test_shipped_related_groups_build_cleanly():
    assert build_taxonomy(BOARDS, FAMILIES, RELATED_GROUPS).links == TAXONOMY.links
