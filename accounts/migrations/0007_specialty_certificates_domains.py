"""The certification system's relations: shared certificates, prerequisites, clinical domains.

Loads them from accounts/taxonomy_data.py (through accounts.taxonomy, keyed by slug) and
replaces the old hand-made related links, which these relations now express, with the
few links the data still lists. Coordinators may edit clinical domains like specialties.
"""

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
        specialty.certificate = node.certificate
        specialty.save(update_fields=["certificate"])
        specialty.requires.set([nodes[slug] for slug in node.requires if slug in nodes])
        specialty.related.clear()
    for a, b in TAXONOMY.links:
        if a in nodes and b in nodes:
            # Historical models do not mirror a symmetrical relation on their own.
            nodes[a].related.add(nodes[b])
            nodes[b].related.add(nodes[a])
    for position, domain in enumerate(TAXONOMY.domains):
        row, _ = ClinicalDomain.objects.update_or_create(
            slug=domain.slug, defaults={"name": domain.name, "position": position}
        )
        row.specialties.set([nodes[slug] for slug in domain.members if slug in nodes])


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    codenames = ["view_clinicaldomain", "add_clinicaldomain", "change_clinicaldomain"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_coordinators_are_the_group'),
    ]

    operations = [
        migrations.AddField(
            model_name='specialty',
            name='certificate',
            field=models.SlugField(blank=True, help_text="Shared by every board's entry for one certificate (e.g. hospice-and-palliative-medicine); empty for a certificate of its own.", max_length=120),
        ),
        migrations.AddField(
            model_name='specialty',
            name='requires',
            field=models.ManyToManyField(blank=True, help_text='Certificates required first, any one of them (entry routes); empty means just the parent.', related_name='leads_to', to='accounts.specialty'),
        ),
        migrations.AlterField(
            model_name='specialty',
            name='related',
            field=models.ManyToManyField(blank=True, help_text='Links beyond certificates, pathways and domains; they count as the same clinical domain.', to='accounts.specialty'),
        ),
        migrations.CreateModel(
            name='ClinicalDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True)),
                ('name', models.CharField(help_text='Lower case, read inside a sentence: "child health".', max_length=100)),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Precedence when a reason must name one of several shared domains (lowest first).')),
                ('specialties', models.ManyToManyField(blank=True, related_name='domains', to='accounts.specialty')),
            ],
            options={
                'ordering': ['position', 'slug'],
            },
        ),
        migrations.RunPython(load_relations, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
