"""The user's state that the progress caches are keyed on (questions/progress/state.py), read
in one statement, is what the querysets that define each part give."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count, Max

from questions.bank import facts
from questions.progress.state import user_state
from questions.study.models import ReviewCard
from questions.study.recordings import Recording
from tests.factories import make_attempt, make_card, make_question, make_user

pytestmark = pytest.mark.django_db


def orm_state(user):
    attempts = user.attempts.aggregate(count=Count("*"), latest=Max("created_at"))
    cards = ReviewCard.objects.filter(user=user).aggregate(
        count=Count("*"), changed=Max("updated_at")
    )
    recordings = Recording.objects.filter(user=user).aggregate(
        count=Count("attempt"), newest=Max("id")
    )
    return (
        (attempts["count"], attempts["latest"]),
        (cards["count"], cards["changed"]),
        (recordings["count"], recordings["newest"]),
        facts.bank_version(),
    )


def as_tuple(state):
    return (state.attempts, state.cards, state.recordings, state.bank)


def test_a_new_user_has_nothing():
    user = make_user()
    state = user_state(user)
    assert state.attempts == (0, None) and state.cards == (0, None)
    assert state.recordings == (0, None)
    assert as_tuple(state) == orm_state(user)


@pytest.mark.parametrize("microsecond", [0, 123456], ids=["whole-second", "fraction"])
def test_it_is_what_the_querysets_give(microsecond, django_assert_num_queries):
    user, other = make_user(), make_user()
    questions = [make_question() for _ in range(3)]
    newest = datetime(2026, 3, 9, 23, 59, 58, microsecond, tzinfo=UTC)
    for days, question in enumerate(questions):
        make_attempt(user, question, created_at=newest - timedelta(days=days))
        make_card(user, question)
    make_attempt(other, questions[0], created_at=newest + timedelta(days=1))
    make_card(other, make_question())
    with django_assert_num_queries(1):
        state = user_state(user)
    assert as_tuple(state) == orm_state(user)
    assert state.attempts == (3, newest)
    assert state.bank == facts.bank_version()
