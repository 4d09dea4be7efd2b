"""Coordinators follow check-ins and run cohort matches from the admin."""

from django.db import migrations

COORDINATOR_PERMISSIONS = [
    "view_checkin",
    "view_checkinresponse",
    "view_cohortrun",
    "add_cohortrun",
    "change_cohortrun",
    "view_cohortpair",
    "change_cohortpair",
    "delete_cohortpair",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

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


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_saved_mentors")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
