"""The task queue: a real worker on the database backend, and failed tasks shown to editors.

Every other test runs tasks with the immediate backend (settings: TASKS_BACKEND). The first
test here goes through what production runs instead: the database backend's queue table and
`manage.py run_worker` in a process of its own, on an SQLite file both processes open.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks import TaskResultStatus

from questions.bank import similarity
from questions.bank.models import FailedTask
from questions.bank.tasks import find_similar_questions
from tests.servers import manage

BASE_DIR = Path(__file__).resolve().parent.parent

BANK = """\
### Question 1: Attention

**Question:** What is attention?

**Answer:**

1. **Weights:** each token gets a weight.

### Question 2: Dropout

**Question:** What is dropout?

**Answer:** Units are dropped at random while training.
"""

QUEUE_THE_FILE = """
from django.db import transaction
from questions.bank import importing
from questions.bank.import_jobs import parse_upload, plan_fingerprint, queue_import
from questions.bank.models import ImportJob
data = open({path!r}, "rb").read()
plan = importing.plan_import(parse_upload("bank.md", data, {{}}))
job = ImportJob.objects.create(
    file_name="bank.md", fingerprint=plan_fingerprint(plan), question_count=2
)
job.keep_file(data)
with transaction.atomic():
    queue_import(job)
print(job.pk)
"""

SHOW_THE_OUTCOME = """
from questions.bank.models import ImportJob, Question
from django_tasks_db.models import DBTaskResult
job = ImportJob.objects.get(pk={job_id!r})
print(job.status, (job.counts or {{}}).get("created"), Question.objects.count())
print(*DBTaskResult.objects.values_list("status", flat=True))
"""


def test_a_queued_import_is_applied_by_a_real_worker_on_the_database_backend(tmp_path):
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DJANGO_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
        "DJANGO_TASKS_BACKEND": "database",
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    path = tmp_path / "bank.md"
    path.write_text(BANK, encoding="utf-8")
    manage(env, "migrate", "--noinput", "-v", "0")

    job_id = manage(env, "shell", "-c", QUEUE_THE_FILE.format(path=str(path)), "-v", "0").split()[
        -1
    ]
    waiting = manage(env, "shell", "-c", SHOW_THE_OUTCOME.format(job_id=job_id), "-v", "0")
    manage(env, "run_worker", "--batch", "-v", "0")
    done = manage(env, "shell", "-c", SHOW_THE_OUTCOME.format(job_id=job_id), "-v", "0")

    assert waiting.split("\n")[1] == "READY"  # queued, nothing imported before the worker ran
    first, second = done.strip().split("\n")
    assert first == "done 2 2"
    # Two questions: their near-duplicates are updated one by one, with no task of their own.
    assert second.split() == ["SUCCESSFUL"]


@pytest.mark.django_db
def test_a_failed_task_is_kept_with_its_error_for_editors(monkeypatch, editor_client):
    def fail(**kwargs):
        raise RuntimeError("the bank could not be read")

    monkeypatch.setattr(similarity, "find_all_similar", fail)

    result = find_similar_questions.enqueue()

    assert result.status == TaskResultStatus.FAILED
    failure = FailedTask.objects.get()
    assert failure.task_path == "questions.bank.tasks.find_similar_questions"
    assert failure.exception == "builtins.RuntimeError"
    assert "the bank could not be read" in failure.traceback
    listing = editor_client.get(reverse("admin:questions_failedtask_changelist"))
    assert listing.status_code == 200
    assert "find_similar_questions" in listing.content.decode()
    detail = editor_client.get(reverse("admin:questions_failedtask_change", args=[failure.pk]))
    assert "the bank could not be read" in detail.content.decode()


@pytest.mark.django_db
def test_a_task_that_succeeds_leaves_no_failure():
    result = find_similar_questions.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert not FailedTask.objects.exists()


def test_the_worker_command_refuses_the_immediate_backend():
    with pytest.raises(CommandError, match="no queue"):
        call_command("run_worker", "--batch")
