"""The change counters (questions/changes.py): the database moves the bank's on with every
write to a question or a topic, and a learner's with every write to their attempts, cards,
recordings and notes, by any path, and only when the write commits."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from questions import changes
from questions.bank.models import Question, Topic
from questions.study.models import Attempt, QuestionNote, ReviewCard
from questions.study.recordings import Recording
from tests.factories import make_attempt, make_card, make_question, make_topic

pytestmark = pytest.mark.django_db


def _moves_on(write):
    before = changes.bank_changes()
    write()
    return changes.bank_changes() > before


@pytest.mark.parametrize(
    "write",
    [
        "save",
        "create",
        "bulk update",
        "update without updated_at",
        "delete",
        "raw SQL",
        "topic renamed",
        "topic slug",
        "topic created",
    ],
)
def test_every_write_to_the_bank_moves_it_on(question, write):
    topic = question.topic
    actions = {
        "save": lambda: question.save(),
        "create": lambda: make_question(topic=topic),
        "bulk update": lambda: Question.objects.filter(pk=question.pk).update(is_published=False),
        "update without updated_at": lambda: Question.objects.filter(pk=question.pk).update(
            title="Changed behind updated_at"
        ),
        "delete": lambda: question.delete(),
        "raw SQL": lambda: connection.cursor().execute(
            f"UPDATE {Question._meta.db_table} SET title = 'By hand' WHERE id = {question.pk}"
        ),
        "topic renamed": lambda: Topic.objects.filter(pk=topic.pk).update(name="Renamed"),
        "topic slug": lambda: Topic.objects.filter(pk=topic.pk).update(slug="moved"),
        "topic created": lambda: make_topic(),
    }
    assert _moves_on(actions[write])


def test_it_stays_while_nothing_in_the_bank_changes(question, alice, django_assert_num_queries):
    before = changes.bank_changes()
    alice.save()
    with django_assert_num_queries(1):
        assert changes.bank_changes() == before


def test_a_rolled_back_write_leaves_it_as_it_was(question):
    before = changes.bank_changes()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_question(topic=question.topic)
        raise RuntimeError
    assert changes.bank_changes() == before


def test_the_triggers_come_back_after_a_migrate_that_lost_them(question, alice):
    changes.uninstall(connection)
    with connection.cursor() as cursor:  # the tables as they were, without their triggers
        cursor.execute(
            f"CREATE TABLE {changes.BANK} (id integer PRIMARY KEY, epoch bigint NOT NULL, "
            "changes bigint NOT NULL)"
        )
        cursor.execute(f"INSERT INTO {changes.BANK} VALUES (1, 42, 7)")
    call_command("migrate", verbosity=0)
    assert changes.bank_changes() == (42, 7)
    assert _moves_on(lambda: question.save())
    assert changes.user_changes(alice) == 0
    make_attempt(alice, question)
    assert changes.user_changes(alice) == 1


def test_a_database_made_afresh_draws_another_epoch():
    epoch, _changes = changes.bank_changes()
    changes.uninstall(connection)
    changes.install(connection)
    assert changes.bank_changes()[0] != epoch
    assert changes.bank_changes()[1] == 0


# --- A learner's counter ----------------------------------------------------------------------


@pytest.fixture
def learner_write(alice, question):
    """name → a write to alice's attempts, cards, recordings or notes."""
    attempt = make_attempt(alice, question)
    card = make_card(alice, question)

    def record():
        return Recording.objects.create(
            user=alice,
            question=question,
            attempt=attempt,
            file_name="answer.webm",
            content_type="audio/webm",
            size=1,
            duration=timedelta(seconds=1),
        )

    return {
        "attempt": lambda: make_attempt(alice, make_question(topic=question.topic)),
        "undo": lambda: attempt.delete(),
        "reset": lambda: Attempt.objects.filter(user=alice).delete(),
        "card saved": lambda: card.save(),
        "suspension": lambda: ReviewCard.objects.filter(pk=card.pk).update(suspended=True),
        "card deleted": lambda: card.delete(),
        "recording": record,
        "star": lambda: QuestionNote.objects.create(user=alice, question=question, starred=True),
        "raw SQL": lambda: connection.cursor().execute(
            f"UPDATE {Attempt._meta.db_table} SET rating = 1 WHERE id = {attempt.pk}"
        ),
    }


@pytest.mark.parametrize(
    "write",
    [
        "attempt",
        "undo",
        "reset",
        "card saved",
        "suspension",
        "card deleted",
        "recording",
        "star",
        "raw SQL",
    ],
)
def test_every_write_to_a_learners_rows_moves_their_counter_on(alice, learner_write, write):
    before = changes.user_changes(alice)
    learner_write[write]()
    assert changes.user_changes(alice) > before


def test_a_learner_without_writes_has_zero(bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert changes.user_changes(bob) == 0
