"""Edit history of questions and key points, and restoring an earlier version."""

from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from questions.bank import search
from questions.bank.models import KeyPoint, Question
from tests.factories import make_question, make_user
from tests.helpers import change_url, form_data, key_points


def history_url(question):
    return reverse("admin:questions_question_history", args=[question.pk])


def restore_url(question, version):
    return reverse("admin:questions_question_restore", args=[question.pk, version.history_id])


def versions(question):
    return list(Question.history.filter(id=question.pk).order_by("history_date", "history_id"))


def edit(client, question, **changes):
    """Save the change form with some fields and key points changed, as an editor would."""
    data = form_data(client.get(change_url(question)))
    data.update(changes)
    response = client.post(change_url(question), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def test_a_change_in_the_admin_is_recorded_with_who_and_when(editor_client, editor, question):
    edit(editor_client, question, title="A better title", **{"key_points-0-label": "泛化"})

    latest = versions(question)[-1]
    assert latest.title == "A better title"
    assert latest.history_user == editor
    point = KeyPoint.history.filter(question_id=question.pk, label="泛化").get()
    assert point.history_user == editor
    assert point.history_type == "~"


def test_the_history_page_lists_versions_with_a_restore_link(editor_client, question):
    edit(editor_client, question, title="Second title")

    response = editor_client.get(history_url(question))

    assert response.status_code == 200
    content = response.content.decode()
    for version in versions(question):
        assert restore_url(question, version) in content
    assert "Restore this version" in content


def test_restoring_brings_back_the_fields_and_the_key_points(editor_client, editor, question):
    edit(editor_client, question, title="First edit")
    first = versions(question)[-1]
    # Then: another title, point 1 relabelled, point 2 deleted, points 3 and 4 swapped, and a
    # new point 5.
    data = form_data(editor_client.get(change_url(question)))
    extra = int(data["key_points-TOTAL_FORMS"]) - 1
    data.update(
        {
            "title": "Second edit",
            "prompt": "A new prompt",
            "key_points-0-label": "改过的",
            "key_points-1-DELETE": "on",
            "key_points-2-position": 4,
            "key_points-3-position": 3,
            f"key_points-{extra}-position": 5,
            f"key_points-{extra}-label": "新的一点",
            f"key_points-{extra}-detail": "新的说明",
        }
    )
    assert editor_client.post(change_url(question), data).status_code == 302
    assert key_points(question) == [
        (1, "改过的"),
        (3, "加速训练过程"),
        (4, "提高模型性能"),
        (5, "新的一点"),
    ]

    page = editor_client.get(restore_url(question, first))
    assert page.status_code == 200
    assert "Second edit" in page.content.decode()  # what would change
    response = editor_client.post(restore_url(question, first))

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "First edit"
    assert question.prompt == first.prompt
    assert key_points(question) == [
        (1, "高泛化能力"),
        (2, "减少数据需求"),
        (3, "提高模型性能"),
        (4, "加速训练过程"),
    ]
    restored = versions(question)[-1]
    assert restored.history_user == editor
    assert restored.history_change_reason.startswith("Restored the version of")


def test_a_restore_can_itself_be_undone(editor_client, question):
    edit(editor_client, question, title="One", **{"key_points-0-label": "一"})
    edit(editor_client, question, title="Two", **{"key_points-0-label": "二"})
    one, two = versions(question)[-2:]

    editor_client.post(restore_url(question, one))
    editor_client.post(restore_url(question, two))

    question.refresh_from_db()
    assert question.title == "Two"
    assert key_points(question)[0] == (1, "二")


def test_search_finds_the_restored_version(editor_client, question):
    edit(editor_client, question, title="First edit", answer="见要点")
    first = versions(question)[-1]
    edit(editor_client, question, title="Second edit", **{"key_points-0-label": "泛化更强"})

    editor_client.post(restore_url(question, first))

    def search_finds(term):
        return list(search.matching(Question.objects.all(), [term]))

    assert search_finds("first") == search_finds("高泛化能力") == [question]
    assert search_finds("second") == search_finds("泛化更强") == []


def test_restoring_the_state_before_the_first_admin_edit_of_an_imported_question(editor_client):
    # The import is recorded as the system's, with the file's name: the version to go back to.
    call_command("load_sample_bank", verbosity=0)
    question = Question.objects.get(external_key="pretrained-models:1")
    (imported,) = versions(question)
    assert imported.history_user is None
    assert "pretrained-models.md" in imported.history_change_reason

    edit(editor_client, question, title="Edited", **{"key_points-1-DELETE": "on"})
    before = versions(question)[0]
    assert before.title == "预训练模型的基本概念"

    editor_client.post(restore_url(question, before))

    question.refresh_from_db()
    assert question.title == "预训练模型的基本概念"
    assert [label for _, label in key_points(question)] == [
        "高泛化能力",
        "减少数据需求",
        "提高模型性能",
        "加速训练过程",
    ]


def test_simple_historys_field_only_revert_is_refused(editor_client, question):
    edit(editor_client, question, title="Changed")
    first = versions(question)[0]
    url = reverse("admin:questions_question_simple_history", args=[question.pk, first.history_id])

    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"title": "Sneaky"})

    assert response.status_code == 405
    question.refresh_from_db()
    assert question.title == "Changed"


def test_restoring_needs_the_change_permission(client, question):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    client.force_login(viewer)
    version = versions(question)[0]

    assert client.post(restore_url(question, version)).status_code == 403
    assert "Restore this version" not in client.get(history_url(question)).content.decode()


def test_an_unknown_version_is_not_found(editor_client, question):
    other = make_question()
    version = versions(other)[0]

    assert editor_client.get(restore_url(question, version)).status_code == 404


def test_a_version_page_shows_that_versions_key_points(editor_client, question):
    edit(editor_client, question, **{"key_points-0-label": "改名了"})
    edit(editor_client, question, **{"key_points-0-label": "又改了"})
    middle = versions(question)[-2]
    url = reverse("admin:questions_question_simple_history", args=[question.pk, middle.history_id])

    content = editor_client.get(url).content.decode()

    assert "<strong>改名了:</strong>" in content
    assert "又改了" not in content
    assert restore_url(question, middle) in content
