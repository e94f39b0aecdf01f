"""Each commune's standing row (``transparency.standing``), filled from the per-day backlog and
this month's commune totals as they are when the migration runs.

Old web and worker processes must be stopped first (docs/deployment.md): an event they record
after this fill would not reach the new rows (``manage.py rebuild_statistics`` repairs it).
"""

import zoneinfo

from django.db import migrations, models
from django.utils import timezone

# The tables and constants as they are at this migration (not imported: the app may change).
_BACKLOG, _MONTHLY, _STANDING = (
    "transparency_openbacklog",
    "transparency_monthlystat",
    "transparency_communestanding",
)
_SUBMITTED_ON, _DUE_ON, _COMMUNE, _TOTALS = 0, 1, 3, -1


def fill(apps, schema_editor):
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Africa/Algiers")).date()
    month = today.replace(day=1)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_STANDING} (commune_id, open_cases, oldest_open, overdue_before,"
            " due_from, month, received, decided, with_deadline, within_deadline, rated,"
            f" score_sum) SELECT commune_id,"
            f" COALESCE(SUM(cases) FILTER (WHERE kind = {_SUBMITTED_ON}), 0),"
            f" MIN(day) FILTER (WHERE kind = {_SUBMITTED_ON}),"
            f" COALESCE(SUM(cases) FILTER (WHERE kind = {_DUE_ON} AND day < %s), 0),"
            f" %s, NULL, 0, 0, 0, 0, 0, 0 FROM {_BACKLOG} WHERE cases > 0 GROUP BY commune_id",
            [today, today],
        )
        cursor.execute(
            f"SELECT area_id, subject_kind, received, decided, with_deadline, within_deadline,"
            f" COALESCE(rated, 0), COALESCE(score_sum, 0) FROM {_MONTHLY}"
            f" WHERE level = {_COMMUNE} AND subject_id = 0 AND days = {_TOTALS} AND month = %s"
            " AND subject_kind IN ('all', 'all_concerns')",
            [month],
        )
        totals = cursor.fetchall()
        for area_id, kind, received, decided, with_deadline, within, rated, score in totals:
            cursor.execute(
                f"INSERT INTO {_STANDING} (commune_id, due_from, open_cases, overdue_before,"
                " received, decided, with_deadline, within_deadline, rated, score_sum)"
                " VALUES (%s, %s, 0, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (commune_id) DO NOTHING",
                [area_id, today],
            )
            if kind == "all":
                sets, values = (
                    "received = %s, decided = %s, with_deadline = %s, within_deadline = %s",
                    [received, decided, with_deadline, within],
                )
            else:
                sets, values = "rated = %s, score_sum = %s", [rated, score]
            cursor.execute(
                f"UPDATE {_STANDING} SET month = %s, {sets} WHERE commune_id = %s",
                [month, *values, area_id],
            )


class Migration(migrations.Migration):
    dependencies = [("transparency", "0007_openbacklog_covering")]

    operations = [
        migrations.CreateModel(
            name="CommuneStanding",
            fields=[
                ("commune_id", models.IntegerField(primary_key=True, serialize=False)),
                ("open_cases", models.IntegerField(default=0)),
                ("oldest_open", models.DateField(blank=True, null=True)),
                ("overdue_before", models.IntegerField(default=0)),
                ("due_from", models.DateField()),
                ("month", models.DateField(blank=True, null=True)),
                ("received", models.IntegerField(default=0)),
                ("decided", models.IntegerField(default=0)),
                ("with_deadline", models.IntegerField(default=0)),
                ("within_deadline", models.IntegerField(default=0)),
                ("rated", models.IntegerField(default=0)),
                ("score_sum", models.IntegerField(default=0)),
            ],
            options={
                "verbose_name": "commune standing",
                "verbose_name_plural": "commune standings",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
