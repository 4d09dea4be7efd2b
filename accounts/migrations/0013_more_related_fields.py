"""Newer links and domain members from accounts/taxonomy_data.py, added to an existing database.

The links psychiatry–child neurology (one board, ABPN), neurology–internal medicine (the
PGY-1 of a neurology residency) and radiation oncology–diagnostic radiology (one board,
ABR), and general surgery in the digestive disease domain. Adds only, like 0012 (whose
loader it runs again for the domains): nothing a coordinator added is taken away.
"""

import importlib

from django.db import migrations


def load_links(apps, schema_editor):
    from accounts.taxonomy import TAXONOMY

    importlib.import_module("accounts.migrations.0012_specialty_within_and_relations").load_relations(
        apps, schema_editor
    )
    Specialty = apps.get_model("accounts", "Specialty")
    nodes = {specialty.slug: specialty for specialty in Specialty.objects.all()}
    for a, b in TAXONOMY.links:
        if a in nodes and b in nodes:
            # Historical models do not mirror a symmetrical relation on their own.
            nodes[a].related.add(nodes[b])
            nodes[b].related.add(nodes[a])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_specialty_within_and_relations"),
    ]

    operations = [
        migrations.RunPython(load_links, migrations.RunPython.noop),
    ]
