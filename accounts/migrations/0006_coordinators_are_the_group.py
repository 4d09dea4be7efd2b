"""One coordinator rule: the Coordinators group. Put every coordinator member of a program in it.

Until now "coordinator" meant an active staff user in some places, the group in others and a
coordinator membership in none; ``accounts.permissions.is_coordinator`` now asks only the group.
Whoever holds a coordinator membership joins the group, so nobody who was made a coordinator of
a program loses the role. Staff users who are in neither stay out: staff status alone is only
the right to sign in to the admin (this is the fix). Reversing leaves the group as it is.
"""

from django.db import migrations


def coordinator_members_join_the_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("accounts", "Membership")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    user_ids = Membership.objects.filter(role="coordinator").values_list("user_id", flat=True).distinct()
    group.user_set.add(*user_ids)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_security")]

    operations = [migrations.RunPython(coordinator_members_join_the_group, migrations.RunPython.noop)]
