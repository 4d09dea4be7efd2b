"""Child Neurology as a special qualification in Neurology, and the data's newer relations.

Adds ``Specialty.within`` and brings an existing database up to accounts/taxonomy_data.py
(through accounts.taxonomy, keyed by slug): ABPN's entry routes (psychiatry and child
neurology into its shared certificates, pediatrics into Neurodevelopmental Disabilities),
the emergency care domain's wider membership and the trauma care domain. It only adds:
a route, domain member or link a coordinator removed since stays removed unless the data
names it, and nothing a coordinator added is taken away. On a fresh database 0002 and
0007 already load the current data and this adds ``within``; running it again changes
nothing.
"""

import django.db.models.deletion
from django.db import migrations, models


def load_relations(apps, schema_editor):
    from accounts.taxonomy import TAXONOMY

    Specialty = apps.get_model("accounts", "Specialty")
    ClinicalDomain = apps.get_model("accounts", "ClinicalDomain")
    nodes = {specialty.slug: specialty for specialty in Specialty.objects.all()}
    for node in TAXONOMY.nodes:
        specialty = nodes.get(node.slug)
        if specialty is None:
            continue  # removed by an editor: leave it removed
        specialty.requires.add(*[nodes[slug] for slug in node.requires if slug in nodes])
        if node.within in nodes:
            specialty.within = nodes[node.within]
            specialty.save(update_fields=["within"])
    for position, domain in enumerate(TAXONOMY.domains):
        row, _ = ClinicalDomain.objects.update_or_create(
            slug=domain.slug, defaults={"name": domain.name, "position": position}
        )
        row.specialties.add(*[nodes[slug] for slug in domain.members if slug in nodes])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_profession_and_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="specialty",
            name="within",
            field=models.ForeignKey(
                blank=True,
                help_text="The specialty whose certificate this one is a special qualification in, held as well as its entry route (Child Neurology: Neurology).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="special_qualifications",
                to="accounts.specialty",
            ),
        ),
        migrations.RunPython(load_relations, migrations.RunPython.noop),
    ]
