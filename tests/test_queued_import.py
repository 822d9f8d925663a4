"""A large admin import goes to a worker: the editor sees it queued, then its outcome, and a
learner grades meanwhile. The worker here is the immediate backend, run when the test runs the
confirmation's on-commit callbacks (as a worker picks the task up once it is committed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from questions.bank.importing.records import CJK_RE as CJK
from questions.bank.models import FailedTask, ImportJob, ImportUpload, Question
from questions.study.models import Attempt
from tests.factories import make_question
from tests.helpers import grade

IMPORT = reverse("admin:questions_question_import")

BANK = """\
### Question 1: Attention

**Question:** What is attention?

**Answer:**

1. **Weights:** each token gets a weight.

### Question 2: Dropout

**Question:** What is dropout?

**Answer:** Units are dropped at random while training.
"""


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.IMPORT_QUEUE_THRESHOLD = 1


def preview(client, text=BANK, name="bank.md"):
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, text.encode())})
    assert response.status_code == 200
    return response


def confirm(client, preview):
    data = {
        "confirm": "1",
        "token": preview.context["token"],
        "fingerprint": preview.context["fingerprint"],
    }
    return client.post(IMPORT, data)


def job_page(client, job):
    return client.get(reverse("admin:questions_question_import_job", args=[job.pk]))


def test_the_preview_says_a_large_file_goes_to_a_worker(editor_client):
    assert "background worker" in preview(editor_client).content.decode()


def test_confirming_a_large_file_queues_it_and_its_page_reloads_until_it_is_done(
    editor_client, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = confirm(editor_client, preview(editor_client))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:questions_question_import_job", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED
    assert not Question.objects.exists()
    waiting = job_page(editor_client, job).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert "Queued" in waiting

    for callback in queued:  # the worker runs the task
        callback()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert job.file_data() == b""
    done = job_page(editor_client, job).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert 'data-created="2"' in done
    first = Question.objects.get(external_key="bank:1")
    assert first.history.get().history_user == editor


def test_a_learner_grades_while_an_import_waits_for_the_worker(
    editor_client, client, alice, question, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        confirm(editor_client, preview(editor_client))
    client.force_login(alice)

    response = grade(client, question)

    assert response.status_code == 200
    assert Attempt.objects.filter(user=alice, question=question).count() == 1
    for callback in queued:
        callback()
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert Question.objects.filter(external_key__startswith="bank:").count() == 2


def test_a_queued_import_after_which_the_bank_changed_writes_nothing_and_says_so(
    editor_client, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        confirm(editor_client, preview(editor_client))
    make_question(topic=topic, external_key="bank:2", title="Made meanwhile")

    for callback in queued:
        callback()

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.STALE
    assert not Question.objects.filter(external_key="bank:1").exists()
    assert Question.objects.get(external_key="bank:2").title == "Made meanwhile"
    page = job_page(editor_client, job).content.decode()
    assert "nothing was written" in page
    again = editor_client.post(IMPORT, {"preview_again": "1", "token": str(job.pk)})
    assert again.context["counts"] == {"created": 1, "updated": 1, "unchanged": 0}


def test_a_queued_file_that_no_longer_parses_shows_its_lines(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        confirm(editor_client, preview(editor_client))
    # As if the parser had changed between the preview and the worker's turn.
    ImportUpload.objects.update(data=BANK.replace("**Answer:** Units", "Units").encode())

    for callback in queued:
        callback()

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors and all(error["line"] for error in job.errors)
    page = job_page(editor_client, job).content.decode()
    assert "Nothing was written." in page
    assert str(job.errors[0]["line"]) in page
    assert not Question.objects.exists()


def test_the_worker_reports_a_files_errors_in_the_language_of_the_editor_who_confirmed_it(
    editor_client, django_capture_on_commit_callbacks
):
    editor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with django_capture_on_commit_callbacks() as queued:
        confirm(editor_client, preview(editor_client))
    ImportUpload.objects.update(data=BANK.replace("**Answer:** Units", "Units").encode())
    translation.activate("en")  # the worker's own language

    for callback in queued:
        callback()

    job = ImportJob.objects.get()
    assert job.language == "zh-hans"
    assert job.errors and all(CJK.search(error["message"]) for error in job.errors)


def test_an_import_that_breaks_in_the_worker_is_a_failed_task_and_a_failed_job(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("questions.bank.import_jobs.apply_confirmed", broken)
    with django_capture_on_commit_callbacks() as queued:
        confirm(editor_client, preview(editor_client))

    for callback in queued:
        callback()

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "disk full" in job.errors[0]["message"]
    assert "disk full" in FailedTask.objects.get().traceback


def test_another_editors_job_cannot_be_confirmed_or_previewed_again(
    editor_client, client, django_user_model
):
    other = django_user_model.objects.create_superuser("other", password="x")
    response = preview(editor_client)
    client.force_login(other)

    confirmed = confirm(client, response)

    assert confirmed.status_code == 302 and confirmed.url == IMPORT
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_an_unknown_job_is_a_404(editor_client):
    url = reverse(
        "admin:questions_question_import_job", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert editor_client.get(url).status_code == 404


def test_make_run_twice_after_an_admin_edit_keeps_the_edit(editor_client):
    """make run loads the sample bank at every start; an editor's change in between stays."""
    call_command("load_sample_bank", verbosity=0)
    question = Question.objects.get(external_key="pretrained-models:1")
    change = reverse("admin:questions_question_change", args=[question.pk])
    form = editor_client.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("tags",) and value is not None
    }
    data.update(_inline_data(editor_client.get(change)))
    data.update(title="An editor's better title", topic=question.topic_id)
    assert editor_client.post(change, data).status_code == 302

    call_command("load_sample_bank", verbosity=0)

    question.refresh_from_db()
    assert question.title == "An editor's better title"
    assert question.history.latest().title == "An editor's better title"


def _inline_data(response):
    """The key point inline's management form and rows, as the change page holds them."""
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for form in formset.formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[f"{form.prefix}-{name}"] = value
    return data
