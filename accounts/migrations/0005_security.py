"""Security: new audit actions, one form of every stored e-mail address, DRF's plain tokens gone.

E-mail addresses are stored trimmed and lowercased (accounts.validators.normalise_email)
on every path from now on; this rewrites the rows written before. Users are unique by
lowercased address already (accounts_user_email_ci_unique), so no two collide. A
duplicate allauth address row of the same user is dropped.

API tokens moved from DRF's authtoken (plain keys that never expired) to django-rest-knox
(hashed, expiring): the old table is dropped, and clients ask for a new token once.
"""

from typing import Any

from django.db import migrations, models


def normalise_addresses(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        normal = user.email.strip().lower()
        if normal != user.email:
            User.objects.filter(pk=user.pk).update(email=normal)
    seen: set[tuple[int, str]] = set()
    for address in EmailAddress.objects.order_by("-verified", "-primary", "pk").iterator():
        normal = address.email.strip().lower()
        if (address.user_id, normal) in seen:
            address.delete()
            continue
        seen.add((address.user_id, normal))
        if normal != address.email:
            EmailAddress.objects.filter(pk=address.pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_coordinators_view_audit_log"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("viewed_sensitive", "Viewed sensitive data"),
                    ("changed", "Changed"),
                    ("verified", "Verified a mentor"),
                    ("rejected_mentor", "Rejected a mentor"),
                    ("approved", "Approved a match"),
                    ("rejected_match", "Rejected a match"),
                    ("exported", "Exported data"),
                    ("imported", "Imported data"),
                    ("cohort_published", "Published a cohort match"),
                    ("settings_changed", "Changed program settings"),
                    ("verification_reset", "Returned a mentor to review"),
                    ("token_created", "Created an API token"),
                    ("erased", "Erased a person's data"),
                ],
                db_index=True,
                max_length=30,
            ),
        ),
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop),
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
