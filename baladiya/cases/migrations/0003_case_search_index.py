"""A full-text index of the cases' search text (PostgreSQL only), for the agent's inbox search.

Without it, a search computes the text vector of every case the agent may see: 50 ms for the
busiest commune at 600,000 cases, growing with its history; with it, a fraction of a
millisecond. The expression is exactly the one ``selectors.search_cases`` filters on, or the
planner would not use it. SQLite searches with LIKE and needs nothing.
"""

from django.db import migrations

INDEX = "cases_case_search_simple"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON cases_case USING gin"
            " (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CONCURRENTLY: building the index at national size must not block case writes, and it
    # cannot run inside a transaction.
    atomic = False
    dependencies = [("cases", "0002_case_kind_and_concerns")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
