"""The user's state that the progress caches are keyed on (questions/progress/state.py): the
user's and the bank's change counters, read in one statement; and the attempts' state that the
digest compares itself with, which is what the querysets that define it give."""

from datetime import UTC, datetime, timedelta

import pytest

from questions import changes
from questions.progress.state import attempts_state, user_state
from tests.factories import make_attempt, make_question, make_user

pytestmark = pytest.mark.django_db


def test_a_new_user_has_made_no_change(django_assert_num_queries):
    user = make_user()
    with django_assert_num_queries(1):
        state = user_state(user)
    assert state.changes == 0
    assert state.bank == changes.bank_changes()
    assert attempts_state(user) == (0, None)


def test_the_users_counter_is_their_own():
    user, other = make_user(), make_user()
    make_attempt(user, make_question())
    before = user_state(other).changes
    make_attempt(user, make_question())
    assert user_state(other).changes == before
    assert user_state(user).changes == changes.user_changes(user) > 0


@pytest.mark.parametrize("microsecond", [0, 123456], ids=["whole-second", "fraction"])
def test_the_attempts_state_is_what_the_querysets_give(microsecond, django_assert_num_queries):
    user, other = make_user(), make_user()
    questions = [make_question() for _ in range(3)]
    newest = datetime(2026, 3, 9, 23, 59, 58, microsecond, tzinfo=UTC)
    for days, question in enumerate(questions):
        make_attempt(user, question, created_at=newest - timedelta(days=days))
    make_attempt(other, questions[0], created_at=newest + timedelta(days=1))
    with django_assert_num_queries(1):
        state = attempts_state(user)
    expected = (user.attempts.count(), max(attempt.created_at for attempt in user.attempts.all()))
    assert state == expected == (3, newest)
