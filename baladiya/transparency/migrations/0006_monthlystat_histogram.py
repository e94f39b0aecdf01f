"""A covering index of the roll-ups' histogram rows, for the percentiles of a statistics page.

Built CONCURRENTLY on PostgreSQL (case events keep writing their upserts meanwhile), which
cannot run inside a transaction; SQLite builds it plainly, without the INCLUDE it lacks.
"""

from django.db import migrations, models

from baladiya.core.migration_ops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("transparency", "0005_open_backlog")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="monthlystat",
            index=models.Index(
                condition=models.Q(("days__gte", 0)),
                fields=["level", "area_id", "subject_kind", "subject_id", "month", "days"],
                include=("decided",),
                name="monthlystat_histogram",
            ),
        ),
    ]
