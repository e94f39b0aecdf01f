"""A partial index of open cases by commune, for the supervision dashboard's live aggregate
(overdue, backlog age) at national scale. It indexes cases_case from this app so the cases app
needs no migration on this branch; the lead may move it into cases at merge (same SQL)."""

from django.db import migrations

OPEN = "('submitted', 'received', 'in_review', 'waiting_citizen')"


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_monthly_statistics"), ("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS transparency_open_cases ON cases_case"
            f" (commune_id, due_date, submitted_at) WHERE status IN {OPEN}",
            "DROP INDEX IF EXISTS transparency_open_cases",
        )
    ]
