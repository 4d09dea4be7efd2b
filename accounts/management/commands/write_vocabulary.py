"""Write ``matching/scoring/vocabulary.py`` from the ``TextChoices`` in ``accounts/models.py``.

The choices are the one vocabulary; the pure scorer may not import Django, so it reads a
generated copy of their values and labels. Run this after changing a choice:
``python manage.py write_vocabulary`` (``--check`` fails when the file is out of date, as
``tests/matching/test_vocabulary.py`` does).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Background, Importance, Kind, Language, MeetingMode, MenteeProfile, MentorProfile, Topic

TARGET = Path(__file__).resolve().parents[3] / "matching" / "scoring" / "vocabulary.py"
BEGIN = "# --- Generated from accounts/models.py by `manage.py write_vocabulary`: do not edit by hand ---"
END = "# --- End of generated part ---"


def _values(choices: Any) -> tuple[str, ...]:
    return tuple(str(value) for value in choices.values)


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _in_a_sentence(label: str) -> str:
    """A label inside a sentence: "First-generation students" becomes "first-generation students"; "LGBTQ+" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def generated_vocabulary() -> str:
    """The generated part of ``matching/scoring/vocabulary.py``, between its markers."""
    attributes = _values(Background.Attribute)
    flags = tuple(a for a in attributes if a in Background.BOOLEAN_ATTRIBUTES)
    premed = tuple(s for s in _values(MenteeProfile.Stage) if s in MenteeProfile.PREMED_STAGES)
    constants: list[tuple[str, Any]] = [
        ("STAGE_LABELS", _labels(MenteeProfile.Stage)),
        ("STAGES", _values(MenteeProfile.Stage)),
        ("PREMED_STAGES", premed),
        ("TOPIC_LABELS", _labels(Topic)),
        ("TOPICS", _values(Topic)),
        ("KINDS", _values(Kind)),
        ("MODES", _values(MeetingMode)),
        ("LANGUAGE_NAMES", _labels(Language)),
        ("LANGUAGES", _values(Language)),
        ("IMPORTANCE", _values(Importance)),
        ("VISIBILITY", _values(Background.Visibility)),
        ("GENDER_IDENTITIES", _values(Background.Gender)),
        ("RACE_ETHNICITY_LABELS", _labels(Background.Race)),
        ("RACE_ETHNICITIES", _values(Background.Race)),
        ("FLAG_ATTRIBUTES", flags),
        ("BACKGROUND_ATTRIBUTES", attributes),
        (
            "PREFERENCE_GROUP_NAMES",
            {value: _in_a_sentence(label) for value, label in _labels(MentorProfile.PreferredGroup).items()},
        ),
        ("PREFERENCE_GROUPS", _values(MentorProfile.PreferredGroup)),
        ("INTENDED_PROFESSIONS", _values(MenteeProfile.IntendedProfession)),
        ("PROFESSIONS", _values(MentorProfile.Profession)),
        (
            "PHYSICIAN_PROFESSIONS",
            tuple(p for p in _values(MentorProfile.Profession) if p in MentorProfile.PHYSICIAN_PROFESSIONS),
        ),
        (
            "NEAR_PEER_PROFESSIONS",
            tuple(p for p in _values(MentorProfile.Profession) if p in MentorProfile.NEAR_PEER_PROFESSIONS),
        ),
    ]
    lines = [BEGIN]
    for name, value in constants:
        if isinstance(value, dict):
            lines.append(f"{name} = {{")
            lines += [f"    {_quoted(key)}: {_quoted(label)}," for key, label in value.items()]
            lines.append("}")
        else:
            lines.append(f"{name} = (")
            lines += [f"    {_quoted(item)}," for item in value]
            lines.append(")")
    lines.append(END)
    return "\n".join(lines) + "\n"


def current_text() -> str:
    return TARGET.read_text()


def rewritten(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    return text[:start] + generated_vocabulary() + text[end:]


class Command(BaseCommand):
    help = "Write the scorer's copy of the vocabulary (matching/scoring/vocabulary.py) from the TextChoices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date; write nothing.")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        text = current_text()
        wanted = rewritten(text)
        if wanted == text:
            self.stdout.write("matching/scoring/vocabulary.py is up to date.")
            return
        if check:
            raise CommandError("matching/scoring/vocabulary.py is out of date: run manage.py write_vocabulary.")
        TARGET.write_text(wanted)
        self.stdout.write("Wrote matching/scoring/vocabulary.py.")
