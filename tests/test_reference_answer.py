"""The reference answer is stored once: its text around the key point rows, composed for learners,
exports and snapshots (questions/bank/answers.py)."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from questions.bank import answers, exporting, importing
from questions.bank.models import KeyPoint, Question
from tests.factories import make_topic
from tests.helpers import change_url, form_data, grade

SEED = Path(__file__).resolve().parent.parent / "questions" / "data" / "pretrained-models.md"


@pytest.fixture
def sample_bank(db):
    call_command("load_sample_bank", stdout=io.StringIO())
    return Question.objects.order_by("position")


@pytest.fixture
def first(sample_bank):
    return sample_bank.get(position=1)


def seed_answers():
    """{position: the answer text of that question in the seed file}"""
    text = SEED.read_text(encoding="utf-8")
    found = {}
    for section in re.split(r"^### 题目 ", text, flags=re.MULTILINE)[1:]:
        number = int(section.split(":", 1)[0])
        found[number] = section.split("**答案：**", 1)[1].split("**解析：**", 1)[0].strip()
    return found


def reimport(text, name):
    parsed = importing.parse_file(name, text.encode())
    return importing.plan_import(parsed).counts


# --- The seed ---------------------------------------------------------------------------------


def test_every_seed_answer_is_stored_around_its_key_points_and_reads_exactly_as_written(
    sample_bank,
):
    written = seed_answers()

    assert len(written) == 30
    for question in sample_bank.prefetch_related("key_points"):
        assert question.compose_key_points
        assert "1. **" not in question.answer
        assert question.reference_answer() == written[question.position]


def test_a_markdown_and_a_json_export_of_the_seed_import_back_unchanged(sample_bank):
    for format, name in (("markdown", "bank.md"), ("json", "bank.json")):
        text = exporting.export(exporting.questions_to_export(), format)

        assert reimport(text, name) == {"created": 0, "updated": 0, "unchanged": 30}


# --- Editing the key points in the admin ------------------------------------------------------


def edit_in_admin(client, question, change):
    data = form_data(client.get(change_url(question)))
    change(data)
    response = client.post(change_url(question), data)
    assert response.status_code == 302, response.context["errors"]
    return Question.objects.get(pk=question.pk)


def test_an_admin_edit_of_a_key_point_shows_in_the_reference_answer_on_the_practice_page(
    editor_client, first, alice, client
):
    def relabel(data):
        data["key_points-0-label"] = "泛化能力强"
        data["key_points-0-detail"] = "在新任务上也表现良好。"

    question = edit_in_admin(editor_client, first, relabel)

    assert "1. **泛化能力强：** 在新任务上也表现良好。" in question.reference_answer()
    client.force_login(alice)
    page = client.get(reverse("questions:practice_question", args=[first.pk]))
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode())[1]
    revealed = client.post(
        reverse("questions:reveal", args=[first.pk]), {"token": token, "text": "预训练"}
    ).content.decode()
    assert "泛化能力强" in revealed
    assert "在新任务上也表现良好。" in revealed
    assert "高泛化能力" not in revealed


def test_adding_removing_and_reordering_key_points_in_the_admin_change_the_answer(
    editor_client, first
):
    def add_one(data):
        extra = int(data["key_points-TOTAL_FORMS"]) - 1
        data[f"key_points-{extra}-position"] = 5
        data[f"key_points-{extra}-label"] = "节省资源"
        data[f"key_points-{extra}-detail"] = "不必从零训练。"

    assert (
        "5. **节省资源：** 不必从零训练。"
        in edit_in_admin(editor_client, first, add_one).reference_answer()
    )

    def remove_the_second(data):
        data["key_points-1-DELETE"] = "on"

    answer = edit_in_admin(editor_client, first, remove_the_second).reference_answer()
    assert "减少数据需求" not in answer
    assert "2. **提高模型性能：**" in answer

    def swap_the_first_two(data):
        data["key_points-0-position"], data["key_points-1-position"] = 2, 1

    answer = edit_in_admin(editor_client, first, swap_the_first_two).reference_answer()
    assert "1. **提高模型性能：**" in answer
    assert "2. **高泛化能力：**" in answer


def test_after_an_admin_edit_the_exports_import_back_unchanged(editor_client, first):
    def relabel(data):
        data["key_points-2-label"] = "性能更好"

    edit_in_admin(editor_client, first, relabel)

    for format, name in (("markdown", "bank.md"), ("json", "bank.json")):
        text = exporting.export(exporting.questions_to_export(), format)
        assert reimport(text, name) == {"created": 0, "updated": 0, "unchanged": 30}


def test_the_admin_refuses_a_key_point_that_would_read_back_as_another(editor_client, first):
    data = form_data(editor_client.get(change_url(first)))
    data["key_points-0-detail"] = "第一段。\n\n第二段。"

    response = editor_client.post(change_url(first), data)

    assert response.status_code == 200
    assert "Learners would read other key points" in response.content.decode()
    assert KeyPoint.objects.get(question=first, position=1).detail.startswith("预训练模型通过")


def test_a_new_question_in_the_admin_lists_its_key_points_by_default(editor_client):
    response = editor_client.get(reverse("admin:questions_question_add"))

    assert response.context["adminform"].form.initial["compose_key_points"] is True


# --- What else reads the answer ---------------------------------------------------------------


def test_an_attempt_snapshots_the_answer_as_the_learner_read_it(alice_client, first):
    KeyPoint.objects.filter(question=first, position=1).update(label="改过的标签")

    grade(alice_client, first)

    attempt = first.attempts.get()
    assert attempt.answer_snapshot == first.reference_answer()
    assert "1. **改过的标签：**" in attempt.answer_snapshot


# --- Splitting an answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "1. **甲：** 一。\n\n2. **乙：** 二。",  # a loose list
        "1. **甲**：一。\n2. **乙**：二。",  # the colon outside the bold
        "1. **甲：** 一。\n\n中间的话。\n\n2. **乙：** 二。",  # text between the items
        "前言。\n1. **甲：** 一。\n2. **乙：** 二。",  # no blank line before the list
    ],
)
def test_an_answer_whose_list_is_written_otherwise_stays_whole(answer):
    points = answers.key_points_from_answer(answer)

    assert answers.stored_answer(answer, points, "zh-hans") == {
        "answer": answer,
        "answer_closing": "",
        "compose_key_points": False,
    }


def test_an_answer_splits_into_its_introduction_list_and_closing():
    answer = "Intro.\n\n1. **First:** one\n   more\n2. Second\n\nClosing words."
    points = answers.key_points_from_answer(answer)

    stored = answers.stored_answer(answer, points, "en")

    assert stored == {
        "answer": "Intro.",
        "answer_closing": "Closing words.",
        "compose_key_points": True,
    }
    assert answers.compose_answer("Intro.", points, "Closing words.", "en") == answer


def test_an_imported_answer_kept_whole_exports_and_imports_back_unchanged(db, tmp_path):
    make_topic("Loose", slug="loose")
    bank = (
        "### Question 1: Loose\n\n**Question:** Why?\n\n**Answer:**\n\n"
        "1. **One:** first\n\n2. **Two:** second\n\n**Explanation:** none\n"
    )
    path = tmp_path / "loose.md"
    path.write_text(bank, encoding="utf-8")
    call_command("import_questions", str(path), stdout=io.StringIO())

    question = Question.objects.get()
    assert not question.compose_key_points
    assert question.reference_answer() == "1. **One:** first\n\n2. **Two:** second"
    for format, name in (("markdown", "loose.md"), ("json", "loose.json")):
        text = exporting.export(exporting.questions_to_export(), format)
        assert reimport(text, name) == {"created": 0, "updated": 0, "unchanged": 1}
    exported = json.loads(exporting.export(exporting.questions_to_export(), "json"))
    assert exported["questions"][0]["answer"] == question.reference_answer()
