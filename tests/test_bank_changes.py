"""The bank's change counter (questions/bank/changes.py): the database moves it on with every
write to a question or a topic, by any path, and only when the write commits."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from questions.bank import changes
from questions.bank.models import Question, Topic
from tests.factories import make_question, make_topic

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


def test_the_triggers_come_back_after_a_migrate_that_lost_them(question):
    changes.uninstall(connection)
    with connection.cursor() as cursor:  # as the table with its triggers was before
        cursor.execute(
            f"CREATE TABLE {changes.TABLE} (id integer PRIMARY KEY, changes bigint NOT NULL)"
        )
        cursor.execute(f"INSERT INTO {changes.TABLE} VALUES (1, 7)")
    call_command("migrate", verbosity=0)
    assert changes.bank_changes() == 7
    assert _moves_on(lambda: question.save())
