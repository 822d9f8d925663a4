"""Import files in their own table (so a job's row stays small), the editor's language on a
job, and the key points the estimate ticked on each attempt."""

import django.db.models.deletion
from django.db import migrations, models


def move_files_to_uploads(apps, schema_editor):
    """The files of import jobs still waiting for a preview or a worker move to their own
    table; finished jobs had theirs emptied already."""
    ImportJob = apps.get_model("questions", "ImportJob")
    ImportUpload = apps.get_model("questions", "ImportUpload")
    for job_id in ImportJob.objects.exclude(data=b"").values_list("pk", flat=True).iterator():
        data = ImportJob.objects.filter(pk=job_id).values_list("data", flat=True).get()
        ImportUpload.objects.create(job_id=job_id, data=bytes(data))


def move_uploads_back(apps, schema_editor):
    ImportJob = apps.get_model("questions", "ImportJob")
    ImportUpload = apps.get_model("questions", "ImportUpload")
    for job_id in ImportUpload.objects.values_list("job_id", flat=True).iterator():
        data = ImportUpload.objects.filter(job_id=job_id).values_list("data", flat=True).get()
        ImportJob.objects.filter(pk=job_id).update(data=bytes(data))


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0016_attempt_review_history_index"),
    ]
    operations = [
        migrations.CreateModel(
            name="ImportUpload",
            fields=[
                (
                    "job",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="upload",
                        serialize=False,
                        to="questions.importjob",
                    ),
                ),
                ("data", models.BinaryField(verbose_name="file contents")),
            ],
            options={
                "verbose_name": "uploaded file",
                "verbose_name_plural": "uploaded files",
            },
        ),
        migrations.AddField(
            model_name="attempt",
            name="estimated",
            field=models.JSONField(
                blank=True,
                help_text=(
                    "Positions of the key points the automatic estimate ticked; empty for "
                    "attempts graded before it was recorded."
                ),
                null=True,
                verbose_name="key points estimated covered",
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="language",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="language"),
        ),
        # With a default, so that migrating back can add the column again before the files
        # return to it.
        migrations.AlterField(
            model_name="importjob",
            name="data",
            field=models.BinaryField(default=b"", editable=False, verbose_name="file contents"),
        ),
        migrations.RunPython(move_files_to_uploads, move_uploads_back, elidable=True),
        migrations.RemoveField(
            model_name="importjob",
            name="data",
        ),
    ]
