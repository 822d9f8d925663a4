"""The hot queries use their indexes.

On PostgreSQL the tables here are small, so sequential scans are switched off for the EXPLAIN:
the test asks whether the planner *can* answer the query from the named index in the intended
order, which is what keeps it fast with a million attempts (docs/BENCHMARKS.md). On SQLite the
history page and search are checked; search's index is an FTS5 table that triggers keep in step
(migration 0006).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from questions.bank import search
from questions.bank.models import Question
from questions.progress.state import _attempts_statement
from questions.study.models import Attempt, ReviewCard
from questions.study.scheduling import _day_counts_sql
from tests.factories import make_question, make_questions

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plans and indexes"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans and FTS5 table"
)


@pytest.fixture
def history(alice, bob):
    """Two users with 200 cards and 600 attempts each, spread over the last 200 days."""
    now = timezone.now()
    questions = make_questions(200)
    cards, attempts = [], []
    for user in (alice, bob):
        for number, question in enumerate(questions):
            when = now - timedelta(days=number)
            cards.append(
                ReviewCard(
                    user=user,
                    question=question,
                    state=2,
                    due=when + timedelta(days=100),
                    last_review=when,
                    reps=3,
                    created_at=when,
                )
            )
            attempts += [
                Attempt(
                    user=user,
                    question=question,
                    coverage=0.5,
                    rating=3,
                    answer_snapshot=question.answer,
                    created_at=when + timedelta(hours=hour),
                )
                for hour in range(3)
            ]
    ReviewCard.objects.bulk_create(cards)
    Attempt.objects.bulk_create(attempts)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ReviewCard._meta.db_table}")
        cursor.execute(f"ANALYZE {Attempt._meta.db_table}")
    return now


def plan(queryset):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def full_sort(explained):
    return re.search(r"(^|->  )Sort  \(", explained, re.MULTILINE) is not None


@on_postgresql
def test_the_next_card_query_reads_card_user_due(alice, history):
    explained = plan(ReviewCard.objects.due_for(alice, history)[:1])

    assert "Index Scan using card_user_due" in explained
    # The index gives the order (at most an incremental sort on id for equal due times):
    # the first card is found without sorting all of the user's due cards.
    assert not full_sort(explained)


def history_page(user):
    return Attempt.objects.listed(user, leech_threshold=8, snippet_length=160)[:25]


@on_postgresql
def test_the_history_page_query_reads_attempt_user_created(alice, history):
    explained = plan(history_page(alice))

    assert "Index Scan using attempt_user_created" in explained
    assert not full_sort(explained)


@on_sqlite
def test_the_history_page_query_reads_attempt_user_created_on_sqlite_too(alice, history):
    explained = history_page(alice).explain()

    assert "USING INDEX attempt_user_created" in explained
    # At most ties on created_at are sorted by id ("RIGHT PART"), never all the attempts.
    assert "TEMP B-TREE FOR ORDER BY" not in explained
    assert len(history_page(alice)) == 25


@on_sqlite
def test_the_days_due_count_reads_no_question_rows(alice, history):
    now = connection.ops.adapt_datetimefield_value(history)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN " + _day_counts_sql(),
            [alice.pk, now, alice.pk, now, now, alice.pk, now],
        )
        explained = "\n".join(str(row) for row in cursor.fetchall())

    assert "USING COVERING INDEX question_unpublished" in explained
    assert "card_user_due" in explained


@on_sqlite
def test_the_digests_attempts_state_reads_the_index_alone(alice, history):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + _attempts_statement(connection.vendor), [alice.pk])
        explained = "\n".join(str(row) for row in cursor.fetchall())

    assert "COVERING INDEX attempt_user_created" in explained


# --- Search -------------------------------------------------------------------------------------


@pytest.fixture
def searchable(topic):
    """Two hundred questions search does not find, and one it does."""
    make_questions(200, topic=topic)
    wanted = make_question(topic=topic, title="迁移学习的好处")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Question._meta.db_table}")
    return wanted


@on_postgresql
def test_search_reads_the_trigram_index_of_search_text(searchable):
    questions = search.matching(Question.objects.published(), ["迁移学习"])

    # Unordered, as the paginator counts: on a table this small, the planner would rather
    # filter the bank order index than sort.
    assert "Bitmap Index Scan on questions_question_search_trgm" in plan(questions.order_by())
    assert list(questions) == [searchable]


@on_sqlite
def test_search_reads_the_fts5_table(searchable):
    questions = search.matching(Question.objects.published(), ["迁移学习"])

    assert "SCAN questions_question_fts VIRTUAL TABLE INDEX" in questions.explain()
    assert list(questions) == [searchable]


@on_sqlite
def test_the_fts5_table_follows_every_write_to_questions(topic):
    kept = make_question(topic=topic)
    gone = make_question(topic=topic)
    kept.title = "Renamed"
    kept.save()
    kept.key_points.create(position=9, label="新的一点")
    Question.objects.filter(pk=kept.pk).update(is_published=False)  # not a searched column
    gone.delete()

    # Compares the index with the rows it was made from: fails if a trigger is missing.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO questions_question_fts (questions_question_fts, rank) "
            "VALUES ('integrity-check', 1)"
        )
    assert list(search.matching(Question.objects.all(), ["新的一点"])) == [kept]
