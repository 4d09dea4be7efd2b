"""Coordinators may read the audit log (it is read-only for everyone)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename="view_auditevent"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_event")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
