"""Coordinators set each program's mentoring policy, follow meetings and circles, and handle reports."""

from django.db import migrations

COORDINATOR_PERMISSIONS = [
    "view_mentoringpolicy",
    "add_mentoringpolicy",
    "change_mentoringpolicy",
    "view_meeting",
    "view_circle",
    "add_circle",
    "change_circle",
    "view_agreement",
    "view_report",
    "change_report",
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
    dependencies = [("matching", "0009_live_mentorship")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
