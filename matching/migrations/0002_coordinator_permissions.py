"""Give the Coordinators group what it needs to follow and decide requests and mentorships.

"change" on requests is what the approve and reject actions need; every status field is
read-only in the admin, so the state machine is never bypassed.
"""

from django.db import migrations

COORDINATOR_PERMISSIONS = [
    "view_mentorshiprequest",
    "change_mentorshiprequest",
    "view_mentorship",
    "change_mentorship",
    "view_transition",
    "view_goal",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="matching", codename__in=COORDINATOR_PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Coordinators").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="matching", codename__in=COORDINATOR_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("accounts", "0002_taxonomy_program_coordinators"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
