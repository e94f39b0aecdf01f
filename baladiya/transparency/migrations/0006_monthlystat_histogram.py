"""A covering index of the roll-ups' histogram rows, for the percentiles of a statistics page.

Built CONCURRENTLY on PostgreSQL (case events keep writing their upserts meanwhile), which
cannot run inside a transaction; SQLite builds it plainly, without the INCLUDE it lacks.
"""

from django.db import migrations, models
from django.db.migrations.operations import AddIndex


class AddIndexConcurrentlyOnPostgres(AddIndex):
    atomic = False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            concurrently = schema_editor.connection.vendor == "postgresql"
            schema_editor.add_index(model, self.index, **({"concurrently": True} if concurrently else {}))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            concurrently = schema_editor.connection.vendor == "postgresql"
            schema_editor.remove_index(model, self.index, **({"concurrently": True} if concurrently else {}))


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
