"""Give the ministry, every wilaya, daïra and commune (APC) its structure."""

from django.db import migrations


def forwards(apps, schema_editor):
    from baladiya.organisation.services import sync_territorial_structures

    sync_territorial_structures(
        structure_model=apps.get_model("organisation", "Structure"),
        wilaya_model=apps.get_model("territory", "Wilaya"),
        daira_model=apps.get_model("territory", "Daira"),
        commune_model=apps.get_model("territory", "Commune"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("territory", "0002_load_national_territory"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
