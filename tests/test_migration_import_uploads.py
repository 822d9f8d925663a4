"""Migration 0017 moves the files of waiting import jobs to their own table and adds the
estimate's ticks to attempts, keeping every job and attempt; it reverses."""

import pytest

from tests.helpers import latest_migration, migrate

BEFORE = ("questions", "0016_attempt_review_history_index")
AFTER = ("questions", "0017_import_uploads_language_attempt_estimate")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def old_jobs():
    apps = migrate(BEFORE)
    ImportJob = apps.get_model("questions", "ImportJob")
    waiting = ImportJob.objects.create(
        file_name="bank.md", data=b"### 1. A\n", fingerprint="f", question_count=1, status="queued"
    )
    done = ImportJob.objects.create(
        file_name="old.md", data=b"", fingerprint="g", question_count=3, status="done"
    )
    yield {"waiting": waiting.pk, "done": done.pk}
    migrate(latest_migration())


def test_a_waiting_job_keeps_its_file_in_the_uploads_table_and_a_finished_one_has_none(old_jobs):
    apps = migrate(AFTER)
    ImportJob = apps.get_model("questions", "ImportJob")
    ImportUpload = apps.get_model("questions", "ImportUpload")
    assert ImportJob.objects.count() == 2
    assert bytes(ImportUpload.objects.get(job_id=old_jobs["waiting"]).data) == b"### 1. A\n"
    assert not ImportUpload.objects.filter(job_id=old_jobs["done"]).exists()
    assert ImportJob.objects.get(pk=old_jobs["waiting"]).language == ""


def test_migrating_back_puts_the_file_in_its_job_again(old_jobs):
    migrate(AFTER)
    apps = migrate(BEFORE)
    ImportJob = apps.get_model("questions", "ImportJob")
    assert bytes(ImportJob.objects.get(pk=old_jobs["waiting"]).data) == b"### 1. A\n"
    assert bytes(ImportJob.objects.get(pk=old_jobs["done"]).data) == b""
