"""Confirming an admin import: at once for a small file, by a worker for a large one.

The preview (admin_views) parsed and planned the uploaded file without writing and showed the
plan; its fingerprint travels with the confirmation. Confirming parses the file again, then
plans again inside the transaction that writes, with the questions it changes locked, and
writes only if the plan is still the one previewed: otherwise the editor is told the bank
changed, and nothing is written. A file of more than settings.IMPORT_QUEUE_THRESHOLD questions
waits in an ImportJob for a worker (tasks.apply_import), so that the request returns at once;
its page shows "queued", then the outcome.
"""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from questions.bank import importing
from questions.bank.csv_format import is_csv, parse_csv
from questions.bank.models import ImportJob

logger = logging.getLogger(__name__)


class StalePreview(Exception):
    """The plan is no longer the one the editor saw: nothing was written."""


def parse_upload(name, data, options):
    """Parsed questions of one uploaded file, whatever its format; raises ImportFileError."""
    if is_csv(name):
        return parse_csv(name, data, **options)
    return importing.parse_file(name, data, **options)


def plan_fingerprint(plan):
    """Changes when anything the preview showed would come out differently."""
    summary = [
        (item.action, item.parsed.external_key, sorted(item.changes.items())) for item in plan.items
    ]
    # Whether a topic is still to be created is left out: one made meanwhile under the same
    # name (another import confirmed at the same moment) takes the same questions, so the
    # import goes ahead into it, as get_or_create would.
    return hashlib.sha256(repr(summary).encode()).hexdigest()


def apply_confirmed(name, data, options, fingerprint, user):
    """Write the previewed import if its plan is unchanged; return the counts.

    Raises StalePreview when the bank changed since the preview, ImportFileError when the file
    no longer parses (it cannot, unless the parser changed meanwhile).
    """
    from questions.bank.versions import apply_with_history  # versions imports importing

    parsed = parse_upload(name, data, options)  # no database: before the write lock
    importing.prepare(parsed)
    with transaction.atomic():
        plan = importing.plan_import(parsed, for_update=True)
        if plan_fingerprint(plan) != fingerprint:
            raise StalePreview
        counts = apply_with_history(plan, user, name)
    return counts


def queue_import(job):
    """Hand a previewed job to a worker, once the transaction that queues it has committed."""
    from questions.bank.tasks import apply_import

    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    transaction.on_commit(partial(apply_import.enqueue, str(job.pk)))


def run_import_job(job_id):
    """What the worker does with a queued job; the job records the outcome. An unexpected
    error is recorded too, then raised again so the task is marked failed."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # ran already, or the job is gone
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        # The file's errors in the language of the editor who confirmed it.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            counts = apply_confirmed(
                job.file_name, job.file_data(), job.options, job.fingerprint, job.created_by
            )
    except StalePreview:
        job.finish(ImportJob.Status.STALE)
    except importing.ImportFileError as error:
        job.finish(
            ImportJob.Status.FAILED,
            errors=[{"line": line, "message": message} for _path, line, message in error.errors],
        )
    except Exception as error:
        job.finish(ImportJob.Status.FAILED, errors=[{"line": None, "message": repr(error)}])
        raise
    else:
        job.finish(ImportJob.Status.DONE, counts=counts)
