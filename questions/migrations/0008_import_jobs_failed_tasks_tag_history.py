"""Admin imports kept as ImportJob rows (applied at once or by a worker), failed background tasks
for editors to see, and the tags of every question version (m2m history).

Editors may view both new tables. Versions recorded before this migration get the question's
tags as they are now: the best that is known, as key_points_of_version() does for key points
never recorded.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def let_editors_view(apps, schema_editor):
    # As in 0004: the permissions are made now, so that the group can be given them.
    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if group is None:
        return
    group.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="questions",
            codename__in=["view_importjob", "view_failedtask"],
        )
    )


def record_current_tags(apps, schema_editor):
    Through = apps.get_model("questions", "Question").tags.through
    HistoricalTags = apps.get_model("questions", "HistoricalQuestion_tags")
    HistoricalQuestion = apps.get_model("questions", "HistoricalQuestion")
    tags = {}
    for pk, question_id, tag_id in Through.objects.values_list("pk", "question_id", "tag_id"):
        tags.setdefault(question_id, []).append((pk, tag_id))
    versions = HistoricalQuestion.objects.filter(id__in=list(tags)).values_list("history_id", "id")
    HistoricalTags.objects.bulk_create(
        (
            HistoricalTags(id=pk, history_id=history_id, question_id=question_id, tag_id=tag_id)
            for history_id, question_id in versions.iterator()
            for pk, tag_id in tags[question_id]
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0007_question_unpublished_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="FailedTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("task_path", models.CharField(max_length=200, verbose_name="task")),
                ("task_id", models.CharField(max_length=64, verbose_name="task id")),
                ("arguments", models.JSONField(default=dict, verbose_name="arguments")),
                (
                    "exception",
                    models.CharField(blank=True, max_length=200, verbose_name="exception"),
                ),
                ("traceback", models.TextField(blank=True, verbose_name="traceback")),
                (
                    "failed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="failed"),
                ),
            ],
            options={
                "verbose_name": "failed task",
                "verbose_name_plural": "failed tasks",
                "ordering": ["-failed_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalQuestion_tags",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="questions.historicalquestion",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="questions.question",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="questions.tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalQuestion_tags",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file")),
                ("data", models.BinaryField(verbose_name="file contents")),
                ("options", models.JSONField(default=dict, verbose_name="options")),
                ("fingerprint", models.CharField(max_length=64, verbose_name="plan fingerprint")),
                (
                    "question_count",
                    models.PositiveIntegerField(verbose_name="questions in the file"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="uploaded"
                    ),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("previewed", "Previewed, not confirmed"),
                            ("queued", "Queued"),
                            ("running", "Importing"),
                            ("done", "Imported"),
                            ("stale", "Not imported: the bank changed since the preview"),
                            ("failed", "Failed"),
                        ],
                        default="previewed",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("counts", models.JSONField(blank=True, null=True, verbose_name="counts")),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="errors")),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "import",
                "verbose_name_plural": "imports",
                "ordering": ["-created_at"],
            },
        ),
        migrations.RunPython(let_editors_view, migrations.RunPython.noop),
        migrations.RunPython(record_current_tags, migrations.RunPython.noop),
    ]
