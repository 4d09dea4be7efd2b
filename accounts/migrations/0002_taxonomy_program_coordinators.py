"""Load the ABMS specialty taxonomy, the default program and the Coordinators group.

The taxonomy comes from accounts/taxonomy.py, keyed by slug, so running this again
(or after the data grows) only adds what is missing. Coordinators get exactly the admin
permissions their work needs; the permissions of models from later migrations are
granted by the migrations that create them.
"""

from django.db import migrations

COORDINATOR_PERMISSIONS = {
    "accounts": [
        "view_user",
        "view_program",
        "change_program",
        "view_membership",
        "add_membership",
        "change_membership",
        "view_menteeprofile",
        "view_mentorprofile",
        "change_mentorprofile",
        "view_background",
        "view_specialty",
        "add_specialty",
        "change_specialty",
        "view_board",
        "view_family",
    ],
}


def load_taxonomy(apps, schema_editor):
    from accounts.taxonomy import TAXONOMY

    Family = apps.get_model("accounts", "Family")
    Board = apps.get_model("accounts", "Board")
    Specialty = apps.get_model("accounts", "Specialty")

    families = {
        f.slug: Family.objects.update_or_create(slug=f.slug, defaults={"name": f.name})[0]
        for f in TAXONOMY.families
    }
    boards = {
        b.slug: Board.objects.update_or_create(slug=b.slug, defaults={"name": b.name})[0] for b in TAXONOMY.boards
    }
    nodes = {}
    for node in TAXONOMY.nodes:  # parents come before their subspecialties
        specialty, _ = Specialty.objects.update_or_create(
            slug=node.slug,
            defaults={
                "name": node.name,
                "board": boards[node.board],
                "parent": nodes[node.parent] if node.parent else None,
            },
        )
        specialty.families.set([families[slug] for slug in sorted(node.families)])
        nodes[node.slug] = specialty
    # Historical models do not mirror a symmetrical relation on their own: add both directions.
    for a, b in TAXONOMY.links:
        nodes[a].related.add(nodes[b])
        nodes[b].related.add(nodes[a])


# The scoring defaults when this migration was written (matching/scoring.py may change them).
INITIAL_WEIGHTS = {
    "specialty": 30,
    "stage_fit": 15,
    "goals": 15,
    "availability": 15,
    "language": 8,
    "mode": 7,
    "comfort": 12,
    "mentor_preference": 5,
    "capacity": 8,
}


def create_default_program(apps, schema_editor):
    Program = apps.get_model("accounts", "Program")
    Program.objects.get_or_create(
        is_default=True,
        defaults={
            "name": "Medical Mentorship Program",
            "slug": "default",
            "approval_required": True,
            "weights": INITIAL_WEIGHTS,
        },
    )


def create_coordinators_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    for app_label, codenames in COORDINATOR_PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop),
        migrations.RunPython(create_default_program, migrations.RunPython.noop),
        migrations.RunPython(create_coordinators_group, migrations.RunPython.noop),
    ]
