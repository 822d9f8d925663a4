"""The bank's background tasks (Django's tasks API; `manage.py run_worker` runs them).

Arguments are ids: a task is stored as JSON (database backend) or sent to Redis, and may run on
another machine after the transaction that queued it has committed (queue them from
transaction.on_commit, so that a worker never looks for a row that is not there yet).

A task that raises is recorded as a FailedTask, which editors see in the admin with its
traceback, whatever the backend (record_failure below).
"""

import logging

from django.dispatch import receiver
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)


@task()
def apply_import(job_id):
    """Apply an import an editor confirmed in the admin (one transaction: all or nothing)."""
    from questions.bank.import_jobs import run_import_job

    run_import_job(job_id)


@task()
def find_similar_questions():
    """Recompute every question's near-duplicates, as `manage.py find_similar_questions` does:
    queued after every import of more questions than similarity.PER_QUESTION_LIMIT."""
    from questions.bank import similarity

    return similarity.find_all_similar()


@receiver(task_finished)
def record_failure(sender, task_result, **kwargs):
    """Keep a failed task where editors look (the admin), not only in a worker's log."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    from questions.bank.models import FailedTask

    error = task_result.errors[-1] if task_result.errors else None
    try:
        FailedTask.objects.create(
            task_id=str(task_result.id)[:64],
            task_path=task_result.task.module_path[:200],
            arguments={"args": list(task_result.args), "kwargs": dict(task_result.kwargs)},
            exception=error.exception_class_path[:200] if error else "",
            traceback=error.traceback if error else "",
        )
    except Exception:
        # The failure is logged by django-tasks already; recording it must not hide it.
        logger.exception("could not record failed task id=%s", task_result.id)
