"""Trigram indexes for search on PostgreSQL (/questions/?q=…).

pg_trgm makes `ILIKE '%term%'` use an index, which keeps substring search (also for Chinese)
fast on a large bank. SQLite has no such index type; search there scans, which is fine for
the bank sizes a single machine holds.
"""

from django.db import migrations

INDEXED = [
    ("questions_question", "title"),
    ("questions_question", "prompt"),
    ("questions_question", "answer"),
    ("questions_keypoint", "label"),
    ("questions_keypoint", "detail"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm "
            f"ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("questions", "0002_study_controls_mock_notes_reports_history")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
