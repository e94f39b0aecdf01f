"""The open backlog's counting index, now covering the count (supervision reads it alone).

The new index is built before the old one is dropped, both CONCURRENTLY on PostgreSQL.
"""

from django.db import migrations, models

from baladiya.core.migration_ops import (
    AddIndexConcurrentlyOnPostgres,
    RemoveIndexConcurrentlyOnPostgres,
)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("transparency", "0006_monthlystat_histogram")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="openbacklog",
            index=models.Index(
                condition=models.Q(("cases__gt", 0)),
                fields=["commune_id", "kind", "day"],
                include=("cases",),
                name="openbacklog_covering",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="openbacklog", name="openbacklog_counting"),
    ]
