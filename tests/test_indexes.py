"""The hot queries use their indexes (PostgreSQL's EXPLAIN; SQLite plans are not checked).

The tables here are small, so sequential scans are switched off for the EXPLAIN: the test asks
whether the planner *can* answer the query from the named index in the intended order, which
is what keeps it fast with a million attempts (docs/BENCHMARKS.md).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from questions.models import Attempt, ReviewCard
from tests.factories import make_questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN output is checked on PostgreSQL only")


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


def test_the_next_card_query_reads_card_user_due(alice, history):
    explained = plan(ReviewCard.objects.due_for(alice, history)[:1])

    assert "Index Scan using card_user_due" in explained
    # The index gives the order (at most an incremental sort on id for equal due times):
    # the first card is found without sorting all of the user's due cards.
    assert not full_sort(explained)


def test_the_history_page_query_reads_attempt_user_created(alice, history):
    explained = plan(Attempt.objects.filter(user=alice).order_by("-created_at", "-id")[:25])

    assert "Index Scan using attempt_user_created" in explained
    assert not full_sort(explained)
