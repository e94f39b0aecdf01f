"""The open backlog of each commune (``backlog.py``), and a covering index of the commune totals
rows of the monthly roll-ups for supervision: a page of 100 communes x 12 months is read by an
index-only scan (~1 ms) instead of ~1,000 scattered heap pages. The index is declared here by SQL
(the MonthlyStat model is not changed); SQLite has no INCLUDE, it gets the plain partial index."""

from django.db import migrations, models

_COMMUNE_TOTALS = "level = 3 AND subject_id = 0 AND days = -1"
_INCLUDED = "subject_kind, received, decided, with_deadline, within_deadline, rated, score_sum"


def _create_commune_totals_index(apps, schema_editor):
    include = f" INCLUDE ({_INCLUDED})" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS transparency_commune_totals ON transparency_monthlystat"
        f" (area_id, month){include} WHERE {_COMMUNE_TOTALS}"
    )


def _drop_commune_totals_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS transparency_commune_totals")


class Migration(migrations.Migration):

    dependencies = [
        ('transparency', '0004_export'),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenBacklog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('commune_id', models.IntegerField()),
                ('kind', models.PositiveSmallIntegerField(choices=[(0, 'submitted on'), (1, 'due on')])),
                ('day', models.DateField()),
                ('cases', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': 'open backlog',
                'verbose_name_plural': 'open backlog',
                'indexes': [models.Index(condition=models.Q(('cases__gt', 0)), fields=['commune_id', 'kind', 'day'], name='openbacklog_counting')],
                'constraints': [models.UniqueConstraint(fields=('commune_id', 'kind', 'day'), name='openbacklog_key')],
            },
        ),
        migrations.RunPython(_create_commune_totals_index, _drop_commune_totals_index),
    ]
