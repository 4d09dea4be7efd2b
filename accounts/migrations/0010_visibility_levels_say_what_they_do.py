"""Background answers move to the non-interference semantics (docs/privacy.md), never wider.

Before, "private" meant "used for matching only": a private answer moved the scores other
people read. Now "only me" (still stored as ``private``) counts only in what its owner
sees, "coordinators" only in what coordinators read. The stored levels keep their
meaning of *who may see*, so each answer keeps its level: private stays private (it was
never shown; it now also stops counting for others), coordinators stays coordinators.
Nothing is ever moved to a wider level.

What the old code tolerated and the new one reads strictly is cleaned the narrow way:

- a visibility outside the three levels (blank, or a legacy value) becomes ``private``;
- comfort preferences keep only known attributes with importance nice, important or must
  ("none" meant no preference);
- preferred groups keep only known groups.
"""

from typing import Any

from django.db import migrations, models

LEVELS = ("private", "coordinators", "everyone")
ATTRIBUTES = (
    "gender_identity",
    "race_ethnicity",
    "first_generation",
    "urm",
    "lgbtq",
    "disability",
    "rural",
    "international",
)
IMPORTANCE = ("nice", "important", "must")
GROUPS = ("women", "first_generation", "urm", "lgbtq", "disability", "rural", "international")


def narrowest(visibility: Any) -> str:
    return visibility if visibility in LEVELS else "private"


def clean_comfort(comfort: Any) -> dict[str, str]:
    if not isinstance(comfort, dict):
        return {}
    return {a: i for a, i in comfort.items() if a in ATTRIBUTES and i in IMPORTANCE}


def clean_groups(groups: Any) -> list[str]:
    if not isinstance(groups, list):
        return []
    return [g for g in dict.fromkeys(groups) if g in GROUPS]


def forwards(apps: Any, schema_editor: Any) -> None:
    Background = apps.get_model("accounts", "Background")
    MenteeProfile = apps.get_model("accounts", "MenteeProfile")
    MentorProfile = apps.get_model("accounts", "MentorProfile")
    Background.objects.exclude(visibility__in=LEVELS).update(visibility="private")
    for profile in MenteeProfile.objects.exclude(comfort_preferences={}).only("pk", "comfort_preferences").iterator():
        cleaned = clean_comfort(profile.comfort_preferences)
        if cleaned != profile.comfort_preferences:
            MenteeProfile.objects.filter(pk=profile.pk).update(comfort_preferences=cleaned)
    for mentor in MentorProfile.objects.exclude(preferred_groups=[]).only("pk", "preferred_groups").iterator():
        cleaned_groups = clean_groups(mentor.preferred_groups)
        if cleaned_groups != mentor.preferred_groups:
            MentorProfile.objects.filter(pk=mentor.pk).update(preferred_groups=cleaned_groups)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_near_peer_professions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="background",
            name="visibility",
            field=models.CharField(
                choices=[
                    ("private", "Only me — counts only in what I see"),
                    ("coordinators", "Coordinators — also counts when coordinators match people"),
                    ("everyone", "Everyone — counts everywhere and may be named"),
                ],
                default="private",
                max_length=20,
            ),
        ),
        # Nothing to undo: every change only narrowed or dropped what no code could read.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
