"""Load the whole national territory (69 wilayas, 591 daïras, 1,541 communes) into every
database, test databases included, from the CSV files shipped in baladiya/territory/data/."""

from django.db import migrations


def load(apps, schema_editor):
    # Imported here so that the migration module loads even if services change shape later.
    from baladiya.territory.services import load_national_territory

    load_national_territory(
        wilaya_model=apps.get_model("territory", "Wilaya"),
        daira_model=apps.get_model("territory", "Daira"),
        commune_model=apps.get_model("territory", "Commune"),
        using=schema_editor.connection.alias,
        notify=False,  # listeners use current models; a migration must not call them
    )


class Migration(migrations.Migration):
    dependencies = [
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
