"""The change counters and the triggers that move them on (questions/changes.py)."""

from django.db import migrations

from questions import changes


def install(apps, schema_editor):
    changes.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    changes.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("questions", "0019_stored_progress_digest")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
