"""Work done by a worker (questions/bank/tasks.py): import jobs and failed tasks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """An uploaded file in the admin's import, from its preview to its outcome.

    The preview keeps the file here (not in the session: a large bank is tens of MB); confirming
    applies it at once or queues it for a worker (questions/bank/import_jobs.py), and the
    outcome is recorded here for the editor's page.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not confirmed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        STALE = "stale", _("Not imported: the bank changed since the preview")
        FAILED = "failed", _("Failed")

    FINISHED = frozenset({Status.DONE, Status.STALE, Status.FAILED})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(_("file"), max_length=255)
    options = models.JSONField(_("options"), default=dict)
    fingerprint = models.CharField(_("plan fingerprint"), max_length=64)
    question_count = models.PositiveIntegerField(_("questions in the file"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    counts = models.JSONField(_("counts"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The editor's interface language: a worker reports the file's errors in it.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def file_data(self) -> bytes:
        """The uploaded file, b"" once the job no longer keeps it."""
        data = ImportUpload.objects.filter(job=self).values_list("data", flat=True).first()
        return bytes(data or b"")

    def keep_file(self, data):
        ImportUpload.objects.update_or_create(job=self, defaults={"data": data})

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    def finish(self, status, *, counts=None, errors=()):
        """Record the outcome. The file is kept only when the editor may preview it again."""
        self.status, self.counts, self.errors = status, counts, list(errors)
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "counts", "errors", "finished_at"])
        if status != self.Status.STALE:
            ImportUpload.objects.filter(job=self).delete()


class ImportUpload(models.Model):
    """The uploaded file of an import job, in a table of its own: reading or updating a job
    (its status, the editor's page polling it) never carries a file of tens of MB."""

    job = models.OneToOneField(
        ImportJob, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    data = models.BinaryField(_("file contents"))

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self):
        return str(self.job)


class FailedTask(models.Model):
    """A background task that raised, kept for editors with its traceback, whichever backend
    ran it (questions/bank/tasks.py records it)."""

    task_path = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    arguments = models.JSONField(_("arguments"), default=dict)
    exception = models.CharField(_("exception"), max_length=200, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")

    def __str__(self):
        return f"{self.task_path} ({self.failed_at:%Y-%m-%d %H:%M})"
