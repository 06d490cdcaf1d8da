"""On PostgreSQL, trigram indexes for the dashboard's search (name, connectors, links contain the
text, any case): without them a search reads every draft. SQLite has no such index; its search
stays a scan, fast enough at the sizes SQLite serves."""

from django.db import migrations

COLUMNS = ("name", "from_connector", "to_connector", "from_link", "to_link")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database's owner may create it without superuser rights.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS draft_search_{column}_trgm ON jobs_jobdraft "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS draft_search_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0011_target_encrypted_secret")]
    operations = [migrations.RunPython(forwards, backwards)]
