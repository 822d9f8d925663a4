"""The table of the rate limits' counters when no Redis is configured (settings: the "throttle"
cache), so that every gunicorn worker and server counts in one place.

Created here rather than only by `manage.py createcachetable`, so that every deployment that
migrates has it; createcachetable skips a table that exists.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "questions_throttle_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("questions", "0013_recordings_and_answer_times")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
