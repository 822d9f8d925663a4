"""The question admin: list, change page with its key point inline, and actions."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from questions.bank import search
from questions.bank.models import (
    KeyPoint,
    Question,
    QuestionReport,
    ReportStatus,
    SimilarQuestion,
    Tag,
)
from questions.study.models import Attempt
from tests.factories import make_attempt, make_question, make_questions, make_topic, make_user
from tests.helpers import change_url, form_data, key_points

CHANGELIST = reverse("admin:questions_question_changelist")


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_each_questions_figures(editor_client, question, alice, bob):
    make_attempt(alice, question, rating=1)
    make_attempt(bob, question, rating=4)
    make_attempt(bob, question, rating=3)
    QuestionReport.objects.create(user=alice, question=question, kind="unclear")
    QuestionReport.objects.create(
        user=bob, question=question, kind="wrong", status=ReportStatus.RESOLVED
    )

    response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert row.key_point_count == 4
    assert row.attempt_count == 3
    assert row.average_rating == pytest.approx(8 / 3)
    assert row.again_rate == pytest.approx(1 / 3)
    assert row.open_report_count == 1
    content = response.content.decode()
    assert "33%" in content
    assert "2.7" in content


def test_the_list_counts_key_points_and_attempts_without_multiplying_them(
    editor_client, question, alice
):
    # 4 key points × 2 attempts × 1 report: a join of all three would count 8 of each.
    make_attempt(alice, question, rating=1)
    make_attempt(alice, question, rating=1)
    QuestionReport.objects.create(user=alice, question=question, kind="unclear")

    row = editor_client.get(CHANGELIST).context["cl"].result_list[0]

    assert (row.key_point_count, row.attempt_count, row.open_report_count) == (4, 2, 1)
    assert row.again_rate == 1.0


def test_the_list_sorts_by_again_rate(editor_client, topic, alice):
    easy = make_question(topic=topic, title="Easy one")
    hard = make_question(topic=topic, title="Hard one")
    make_attempt(alice, easy, rating=4)
    make_attempt(alice, hard, rating=1)
    column = QuestionAdminColumns.index("again_rate") + 1  # the checkbox is column 0

    response = editor_client.get(CHANGELIST, {"o": f"-{column}"})

    assert [q.title for q in response.context["cl"].result_list] == ["Hard one", "Easy one"]


QuestionAdminColumns = [
    "title",
    "topic",
    "difficulty",
    "is_published",
    "key_point_count",
    "attempt_count",
    "average_rating",
    "again_rate",
    "average_coverage",
    "open_report_count",
]


def test_the_list_searches_prompt_and_answer(editor_client, topic):
    make_question(topic=topic, title="One", prompt="Explain attention.")
    make_question(topic=topic, title="Two", answer="1. **Dropout:** regularises.")
    make_question(topic=topic, title="Three")

    by_prompt = editor_client.get(CHANGELIST, {"q": "attention"}).context["cl"].result_list
    by_answer = editor_client.get(CHANGELIST, {"q": "Dropout"}).context["cl"].result_list

    assert [q.title for q in by_prompt] == ["One"]
    assert [q.title for q in by_answer] == ["Two"]


def test_the_list_filters_by_tag_language_and_publication(editor_client, topic):
    tagged = make_question(topic=topic, title="Tagged", language="en")
    make_question(topic=topic, title="Hidden", is_published=False)
    tag = Tag.objects.create(name="transformers")
    tagged.tags.add(tag)

    def titles(**params):
        return sorted(
            q.title for q in editor_client.get(CHANGELIST, params).context["cl"].result_list
        )

    assert titles(tags__id__exact=tag.pk) == ["Tagged"]
    assert titles(language__exact="en") == ["Tagged"]
    assert titles(is_published__exact="0") == ["Hidden"]


def test_the_list_filters_questions_with_near_duplicates(editor_client, topic):
    first, second, alone = (make_question(topic=topic, title=t) for t in ("A", "B", "C"))
    SimilarQuestion.objects.create(question=first, other=second, score=0.8)
    SimilarQuestion.objects.create(question=second, other=first, score=0.8)
    SimilarQuestion.objects.create(question=alone, other=first, score=0.3)

    def titles(value):
        response = editor_client.get(CHANGELIST, {"near_duplicates": value})
        return sorted(q.title for q in response.context["cl"].result_list)

    assert titles("yes") == ["A", "B"]
    assert titles("no") == ["C"]


def test_the_list_links_to_import_and_export(editor_client, question):
    content = editor_client.get(CHANGELIST).content.decode()

    assert reverse("admin:questions_question_import") in content
    assert reverse("admin:questions_question_export") in content


def test_the_list_takes_the_same_number_of_queries_for_a_large_bank(
    client, editor, django_assert_max_num_queries
):
    client.force_login(editor)

    def fill(question_count, attempts_per_question):
        topic = make_topic()
        questions = make_questions(question_count, topic=topic)
        users = [make_user() for _ in range(5)]
        Attempt.objects.bulk_create(
            Attempt(
                user=users[n % 5],
                question=question,
                rating=1 + n % 4,
                coverage=0.5,
                answer_snapshot="",
            )
            for question in questions
            for n in range(attempts_per_question)
        )
        QuestionReport.objects.bulk_create(
            QuestionReport(user=users[0], question=question, kind="unclear")
            for question in questions[::10]
        )

    fill(30, 10)
    # Session, user, the editor's permissions (user's and group's), the topic and tag filter
    # choices, the filtered count and the full count, the page of questions with every figure
    # as a subquery, and the language filter's choices: 10, and nothing per row.
    with django_assert_max_num_queries(10):
        small = client.get(CHANGELIST)
    assert small.status_code == 200

    fill(270, 10)  # 300 questions, 3,000 attempts
    with django_assert_max_num_queries(10):
        large = client.get(CHANGELIST)
    assert large.status_code == 200
    assert large.context["cl"].result_count == 300


# --- The change page ----------------------------------------------------------------------------


def test_the_change_page_previews_the_question_as_users_see_it(editor_client, topic):
    question = make_question(
        topic=topic, prompt="What is **BERT**?", explanation="<script>alert(1)</script>*why*"
    )

    content = editor_client.get(change_url(question)).content.decode()

    assert "What is <strong>BERT</strong>?" in content
    assert "<em>why</em>" in content
    assert "<script>alert(1)</script>" not in content


def test_the_change_page_shows_how_users_fare(editor_client, question, alice, bob):
    # Both miss point 2 (减少数据需求); alice also misses point 4.
    make_attempt(alice, question, rating=1, coverage=0.5, ticked=[1, 3])
    make_attempt(bob, question, rating=3, coverage=0.75, ticked=[1, 3, 4])

    content = editor_client.get(change_url(question)).content.decode()

    assert "2 attempts" in content
    assert "Again rate: 50%" in content
    assert "Average coverage: 62%" in content or "Average coverage: 63%" in content
    assert "减少数据需求: missed 2 times in 2 attempts" in content


def test_the_change_page_lists_open_reports(editor_client, question, alice, bob):
    QuestionReport.objects.create(
        user=alice, question=question, kind="unclear", comment="Which model?"
    )
    QuestionReport.objects.create(
        user=bob, question=question, kind="wrong", comment="Fixed already", status="resolved"
    )

    content = editor_client.get(change_url(question)).content.decode()

    assert "Which model?" in content
    assert "Fixed already" not in content


def test_the_change_page_lists_similar_questions(editor_client, topic):
    question = make_question(topic=topic)
    twin = make_question(topic=topic, title="The twin")
    SimilarQuestion.objects.create(question=question, other=twin, score=0.76)

    content = editor_client.get(change_url(question)).content.decode()

    assert "The twin" in content
    assert "0.76" in content


def test_saving_without_changes_keeps_everything(editor_client, question):
    page = editor_client.get(change_url(question))

    response = editor_client.post(change_url(question), form_data(page))

    assert response.status_code == 302
    assert key_points(question) == [
        (1, "高泛化能力"),
        (2, "减少数据需求"),
        (3, "提高模型性能"),
        (4, "加速训练过程"),
    ]


def test_the_inline_adds_a_key_point(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    extra = int(data["key_points-TOTAL_FORMS"]) - 1  # the empty extra form
    data.update(
        {
            f"key_points-{extra}-position": 5,
            f"key_points-{extra}-label": "节省资源",
            f"key_points-{extra}-detail": "不必从零训练。",
        }
    )

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    assert key_points(question)[-1] == (5, "节省资源")


def test_the_inline_removes_a_key_point(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["key_points-1-DELETE"] = "on"

    editor_client.post(change_url(question), data)

    assert [label for _, label in key_points(question)] == [
        "高泛化能力",
        "提高模型性能",
        "加速训练过程",
    ]


def test_the_inline_swaps_two_key_points(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["key_points-0-position"], data["key_points-1-position"] = 2, 1

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    assert key_points(question)[:2] == [(1, "减少数据需求"), (2, "高泛化能力")]


def test_the_inline_moves_a_point_into_the_place_of_a_removed_one(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["key_points-0-DELETE"] = "on"
    data["key_points-3-position"] = 1

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    assert key_points(question) == [(1, "加速训练过程"), (2, "减少数据需求"), (3, "提高模型性能")]


def test_the_inline_refuses_two_points_in_one_position(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["key_points-1-position"] = 1

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for position." in response.content.decode()
    assert key_points(question)[1] == (2, "减少数据需求")


def test_tags_are_chosen_with_autocomplete(editor_client, question):
    Tag.objects.create(name="transformers")
    autocomplete = reverse("admin:autocomplete")

    page = editor_client.get(change_url(question)).content.decode()
    found = editor_client.get(
        autocomplete,
        {"term": "trans", "app_label": "questions", "model_name": "question", "field_name": "tags"},
    )

    assert "admin-autocomplete" in page
    assert [result["text"] for result in found.json()["results"]] == ["transformers"]


# --- Actions ------------------------------------------------------------------------------------


def run_action(client, action, questions):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [q.pk for q in questions]}
    )


def test_publish_and_unpublish_change_only_the_selected(editor_client, topic):
    first = make_question(topic=topic, is_published=False)
    second = make_question(topic=topic, is_published=False)

    run_action(editor_client, "publish", [first])
    assert Question.objects.get(pk=first.pk).is_published
    assert not Question.objects.get(pk=second.pk).is_published

    response = run_action(editor_client, "unpublish", [first])
    assert response.status_code == 302
    assert not Question.objects.get(pk=first.pk).is_published


def test_publishing_is_recorded_in_the_history(editor_client, editor, topic):
    question = make_question(topic=topic, is_published=False)

    run_action(editor_client, "publish", [question])

    latest = question.history.order_by("-history_date", "-history_id").first()
    assert latest.is_published
    assert latest.history_user == editor
    assert latest.history_change_reason == "Published"


def test_duplicate_copies_key_points_and_tags_under_a_new_key(editor_client, question):
    question.tags.add(Tag.objects.create(name="basics"))

    run_action(editor_client, "duplicate", [question])
    run_action(editor_client, "duplicate", [question])

    copies = Question.objects.exclude(pk=question.pk).order_by("pk")
    assert [copy.external_key for copy in copies] == [
        f"{question.external_key}-copy",
        f"{question.external_key}-copy-2",
    ]
    copy = copies[0]
    assert copy.title == question.title
    assert not copy.is_published
    assert key_points(copy) == key_points(question)
    assert [tag.name for tag in copy.tags.all()] == ["basics"]
    assert copy.history.count() == 1
    assert KeyPoint.history.filter(question_id=copy.pk).count() == 4


def test_export_actions_download_the_selected_questions(editor_client, topic):
    chosen = make_question(topic=topic, title="Chosen")
    make_question(topic=topic, title="Left out")

    as_json = run_action(editor_client, "export_json", [chosen])
    as_markdown = run_action(editor_client, "export_markdown", [chosen])
    as_csv = run_action(editor_client, "export_csv", [chosen])
    as_anki = run_action(editor_client, "export_anki", [chosen])

    document = json.loads(as_json.content)
    assert [q["title"] for q in document["questions"]] == ["Chosen"]
    assert (
        "Chosen" in as_markdown.content.decode() and "Left out" not in as_markdown.content.decode()
    )
    assert as_csv.content.decode().count("\r\n") >= 2
    assert "Left out" not in as_csv.content.decode()
    assert as_anki["Content-Disposition"].endswith('.apkg"')
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(as_anki.content)).namelist()


def test_text_saved_from_the_browser_keeps_unix_line_ends(editor_client, question):
    # Browsers send textareas with CRLF; an untouched answer must not change.
    data = form_data(editor_client.get(change_url(question)))
    data["answer"] = data["answer"].replace("\n", "\r\n")
    data["key_points-0-detail"] = "第一行\r\n第二行"

    editor_client.post(change_url(question), data)

    stored = Question.objects.get(pk=question.pk)
    assert stored.answer == question.answer
    assert KeyPoint.objects.get(question=question, position=1).detail == "第一行\n第二行"


# --- What search finds --------------------------------------------------------------------------


def search_finds(term):
    """External keys of the questions the site's search finds for the term."""
    questions = search.matching(Question.objects.all(), [term])
    return sorted(questions.values_list("external_key", flat=True))


def test_search_finds_what_the_change_form_saved(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    extra = int(data["key_points-TOTAL_FORMS"]) - 1
    data.update(
        {
            "title": "Renamed in the admin",
            "answer": "见要点",  # the key points are in no other text now
            "key_points-0-label": "泛化更强",
            "key_points-1-DELETE": "on",
            f"key_points-{extra}-position": 5,
            f"key_points-{extra}-label": "节省资源",
            f"key_points-{extra}-detail": "不必从零训练。",
        }
    )

    assert editor_client.post(change_url(question), data).status_code == 302

    key = [question.external_key]
    assert search_finds("renamed") == search_finds("泛化更强") == search_finds("从零训练") == key
    assert search_finds("高泛化能力") == search_finds("减少数据需求") == []
    assert search_finds("提高模型性能") == key  # an untouched point


def test_search_finds_a_copy_by_its_key_points(editor_client, topic):
    original = make_question(topic=topic, answer="见要点", key_points=[])
    original.key_points.create(position=1, label="缓存击穿", detail="热点键过期")

    run_action(editor_client, "duplicate", [original])

    assert search_finds("缓存击穿") == [original.external_key, f"{original.external_key}-copy"]
