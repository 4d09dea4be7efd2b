"""One vocabulary: the scorer knows exactly the values of the TextChoices, no more and no fewer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from accounts.management.commands.write_vocabulary import current_text, rewritten
from accounts.models import Background, Importance, Kind, Language, MeetingMode, MenteeProfile, MentorProfile, Topic
from matching.scoring import vocabulary

# Each list the scorer reads, and the choices it must equal (in order: the order is the display order).
PAIRS: list[tuple[str, Any]] = [
    ("STAGES", MenteeProfile.Stage),
    ("TOPICS", Topic),
    ("KINDS", Kind),
    ("MODES", MeetingMode),
    ("LANGUAGES", Language),
    ("IMPORTANCE", Importance),
    ("VISIBILITY", Background.Visibility),
    ("GENDER_IDENTITIES", Background.Gender),
    ("RACE_ETHNICITIES", Background.Race),
    ("BACKGROUND_ATTRIBUTES", Background.Attribute),
    ("PREFERENCE_GROUPS", MentorProfile.PreferredGroup),
]
LABELS: list[tuple[str, Any]] = [
    ("STAGE_LABELS", MenteeProfile.Stage),
    ("TOPIC_LABELS", Topic),
    ("LANGUAGE_NAMES", Language),
    ("RACE_ETHNICITY_LABELS", Background.Race),
]
# How the reasons word a value inside a sentence: keyed by exactly the choice values.
WORDING: list[tuple[str, Any]] = [
    ("STAGE_GROUP_NAMES", MenteeProfile.Stage),
    ("MODE_LABELS", MeetingMode),
    ("PREFERENCE_GROUP_NAMES", MentorProfile.PreferredGroup),
]


@pytest.mark.parametrize(("name", "choices"), PAIRS, ids=[name for name, _ in PAIRS])
def test_every_value_the_scorer_knows_is_a_choice_and_the_reverse(name: str, choices: Any) -> None:
    assert list(getattr(vocabulary, name)) == list(choices.values)


@pytest.mark.parametrize(("name", "choices"), LABELS, ids=[name for name, _ in LABELS])
def test_the_scorer_names_values_with_the_choice_labels(name: str, choices: Any) -> None:
    assert getattr(vocabulary, name) == {value: str(label) for value, label in choices.choices}


@pytest.mark.parametrize(("name", "choices"), WORDING, ids=[name for name, _ in WORDING])
def test_sentence_wording_covers_exactly_the_choice_values(name: str, choices: Any) -> None:
    assert set(getattr(vocabulary, name)) == set(choices.values)


def test_subsets_are_choices_too() -> None:
    assert set(vocabulary.PREMED_STAGES) == set(MenteeProfile.PREMED_STAGES)
    assert set(vocabulary.NEAR_PEER_PROFESSIONS) == set(MentorProfile.NEAR_PEER_PROFESSIONS)
    assert set(vocabulary.FLAG_ATTRIBUTES) == set(Background.BOOLEAN_ATTRIBUTES)
    assert vocabulary.COMMON_LANGUAGE in Language.values


def test_the_generated_part_is_up_to_date() -> None:
    assert rewritten(current_text()) == current_text(), "run: python manage.py write_vocabulary"
    call_command("write_vocabulary", "--check")
