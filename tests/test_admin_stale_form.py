"""An editor's save in the admin never silently overwrites what changed since the form was
opened: an import in between is kept, and a save over a newer version is refused."""

from django.utils import timezone

from questions.bank.admin import QuestionAdmin
from questions.bank.models import Question
from tests.helpers import change_url, form_data


def test_saving_a_form_opened_before_an_import_changed_the_question_is_refused_and_keeps_both(
    editor_client, question
):
    data = form_data(editor_client.get(change_url(question)))
    # An import (or another editor) changes the question while the form is open.
    Question.objects.filter(pk=question.pk).update(
        explanation="From the import.", updated_at=timezone.now()
    )

    data["title"] = "The editor's title"
    response = editor_client.post(change_url(question), data)

    assert response.status_code == 200
    assert "changed (by an import or another editor) after you opened it" in (
        response.content.decode()
    )
    assert response.context["adminform"].form["title"].value() == "The editor's title"
    question.refresh_from_db()
    assert (question.title, question.explanation) == ("预训练模型的基本概念", "From the import.")


def test_an_import_that_commits_after_the_form_was_checked_keeps_its_fields(
    editor_client, editor, question, monkeypatch
):
    data = form_data(editor_client.get(change_url(question)))
    save_model = QuestionAdmin.save_model

    def import_lands_first(self, request, obj, form, change):
        Question.objects.filter(pk=question.pk).update(
            explanation="From the import.", updated_at=timezone.now()
        )
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(QuestionAdmin, "save_model", import_lands_first)
    data["title"] = "The editor's title"
    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.title, question.explanation) == ("The editor's title", "From the import.")
    latest = Question.history.filter(id=question.pk).order_by("-history_id").first()
    assert (latest.title, latest.explanation, latest.history_user) == (
        "The editor's title",
        "From the import.",
        editor,
    )


def test_a_form_opened_and_saved_with_no_change_in_between_saves(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["prompt"] = "A clearer prompt."

    assert editor_client.post(change_url(question), data).status_code == 302
    question.refresh_from_db()
    assert question.prompt == "A clearer prompt."
