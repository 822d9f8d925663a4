"""Migration 0015 stores existing answers around their key points without changing what anyone
reads, and keeps attempts and history as they were."""

import pytest
from django.db import connection

from questions.bank import answers
from tests.helpers import latest_migration, migrate

BEFORE = ("questions", "0014_throttle_cache_table")
AFTER = ("questions", "0015_reference_answer_around_key_points")

LISTED = "前言。\n\n1. **甲：** 第一点。\n2. **乙：** 第二点。\n\n结语。"
LOOSE = "1. **甲：** 第一点。\n\n2. **乙：** 第二点。"
STALE = "1. **甲：** 旧的说法。\n2. **乙：** 第二点。"


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def old_database():
    """The database as it was before 0015: whole answers, key points, an attempt, history."""
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Topic = apps.get_model("questions", "Topic")
    Question = apps.get_model("questions", "Question")
    KeyPoint = apps.get_model("questions", "KeyPoint")
    Attempt = apps.get_model("questions", "Attempt")
    HistoricalQuestion = apps.get_model("questions", "HistoricalQuestion")
    user = User.objects.create(username="alice")
    topic = Topic.objects.create(name="T", slug="t")
    questions = {}
    for key, answer, points in (
        ("listed", LISTED, [("甲", "第一点。"), ("乙", "第二点。")]),
        ("loose", LOOSE, [("甲", "第一点。"), ("乙", "第二点。")]),
        # An editor changed the first key point; the answer still says the old one.
        ("stale", STALE, [("甲", "新的说法。"), ("乙", "第二点。")]),
    ):
        question = Question.objects.create(
            topic=topic, title=key, prompt="?", answer=answer, external_key=f"t:{key}"
        )
        for position, (label, detail) in enumerate(points, 1):
            KeyPoint.objects.create(
                question=question, position=position, label=label, detail=detail
            )
        HistoricalQuestion.objects.create(
            id=question.pk,
            topic_id=topic.pk,
            title=key,
            prompt="?",
            answer=answer,
            explanation="",
            difficulty="medium",
            language="zh-hans",
            source="",
            external_key=f"t:{key}",
            position=0,
            is_published=True,
            created_at=question.created_at,
            history_date=question.created_at,
            history_type="+",
        )
        Attempt.objects.create(
            user=user,
            question=question,
            rating=3,
            coverage=0.5,
            answer_snapshot=answer,
            key_points_snapshot=[[p, label, detail] for p, (label, detail) in enumerate(points, 1)],
        )
        questions[key] = question.pk
    yield questions
    migrate(latest_migration())


def test_an_answer_that_lists_its_key_points_is_stored_around_them_and_reads_the_same(
    old_database,
):
    apps = migrate(AFTER)
    Question = apps.get_model("questions", "Question")

    listed = Question.objects.get(pk=old_database["listed"])
    assert (listed.answer, listed.answer_closing, listed.compose_key_points) == (
        "前言。",
        "结语。",
        True,
    )
    points = key_point_pairs(apps, listed.pk)
    assert (
        answers.reference_answer(
            listed.answer, listed.answer_closing, True, listed.language, points
        )
        == LISTED
    )


def test_the_search_index_triggers_survive_the_rebuilt_table_on_sqlite(old_database):
    if connection.vendor != "sqlite":
        pytest.skip("the triggers are SQLite's")
    migrate(AFTER)

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {f"questions_question_fts_{kind}" for kind in ("insert", "delete", "update")} <= names


def test_answers_whose_list_cannot_be_split_off_exactly_stay_whole(old_database):
    apps = migrate(AFTER)
    Question = apps.get_model("questions", "Question")

    for key, answer in (("loose", LOOSE), ("stale", STALE)):
        question = Question.objects.get(pk=old_database[key])
        assert (question.answer, question.answer_closing, question.compose_key_points) == (
            answer,
            "",
            False,
        )


def test_attempts_history_and_key_points_are_kept_and_the_migration_reverses(old_database):
    apps = migrate(AFTER)
    Attempt = apps.get_model("questions", "Attempt")
    HistoricalQuestion = apps.get_model("questions", "HistoricalQuestion")
    KeyPoint = apps.get_model("questions", "KeyPoint")

    assert sorted(Attempt.objects.values_list("answer_snapshot", flat=True)) == sorted(
        [LISTED, LOOSE, STALE]
    )
    assert sorted(HistoricalQuestion.objects.values_list("answer", flat=True)) == sorted(
        [LISTED, LOOSE, STALE]
    )
    assert KeyPoint.objects.count() == 6

    apps = migrate(BEFORE)
    Question = apps.get_model("questions", "Question")
    assert sorted(Question.objects.values_list("answer", flat=True)) == sorted(
        [LISTED, LOOSE, STALE]
    )


def key_point_pairs(apps, question_id):
    KeyPoint = apps.get_model("questions", "KeyPoint")
    rows = KeyPoint.objects.filter(question_id=question_id).order_by("position")
    return list(rows.values_list("label", "detail"))
