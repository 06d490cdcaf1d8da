"""The shared cache's table (CACHES "default" is a database table unless REDIS_URL is set), made
by `migrate` itself so that an upgrade needs no extra command. createcachetable is idempotent
and does nothing for a non-database cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0012_search_trigram_indexes")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
