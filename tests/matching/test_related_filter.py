"""The directory's "related fields" filter and the score agree: one ladder decides both."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Specialty
from accounts.taxonomy import TAXONOMY, alignment
from matching.scoring.alignment import RELATED_AT_LEAST
from matching.services import directory as engine
from tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"
FIELDS = [
    ("orthopaedic-surgery", ()),
    ("orthopaedic-surgery", ("orthopaedic-surgery--orthopaedic-sports-medicine",)),
    ("family-medicine", ("family-medicine--sports-medicine",)),
    ("family-medicine", ()),
    ("physical-medicine-and-rehabilitation", ()),
    ("internal-medicine", ("internal-medicine--rheumatology",)),
    ("neurological-surgery", ()),
    ("otolaryngology-head-and-neck-surgery", ()),
    ("general-surgery", ("general-surgery--surgery-of-the-hand",)),
    ("dermatology", ()),
    ("psychiatry", ()),
    ("pediatrics", ("pediatrics--sports-medicine",)),
]


@pytest.mark.parametrize(
    "target", ["orthopaedic-surgery--orthopaedic-sports-medicine", "family-medicine", "internal-medicine--rheumatology"]
)
def test_the_related_filter_keeps_exactly_the_mentors_the_score_calls_related(target: str) -> None:
    mentee = make_mentee(stage="ms3", targets=(target,), intended_profession="physician")
    mentors = {make_mentor(specialty=s, subspecialties=subs).user_id: (s, subs) for s, subs in FIELDS}
    client = APIClient()
    client.force_authenticate(mentee.user)

    everyone = client.get(MENTORS, {"accepting": "all"}).json()["results"]
    field_value = {item["id"]: item["match"]["components"]["specialty"] for item in everyone}
    specialty = Specialty.objects.get(slug=target)
    kept = {
        item["id"] for item in client.get(MENTORS, {"specialty": specialty.pk, "related": "true"}).json()["results"]
    }

    assert set(field_value) == set(mentors)
    assert kept == {mentor for mentor, value in field_value.items() if value >= RELATED_AT_LEAST}
    assert 0 < len(kept) < len(mentors)  # the filter narrows, and keeps someone


def test_related_ids_are_the_ladder_for_every_specialty() -> None:
    ids = dict(Specialty.objects.values_list("slug", "pk"))
    related = engine.related_specialty_map()
    for node in TAXONOMY:
        expected = {ids[slug] for slug in ids if slug != node.slug and alignment(node.slug, slug) >= RELATED_AT_LEAST}
        assert set(related[ids[node.slug]]) == expected, node.slug
        assert engine.related_specialty_ids(ids[node.slug]) == expected | {ids[node.slug]}
