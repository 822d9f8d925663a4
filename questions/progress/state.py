"""What a user's progress caches are keyed on, and the state of their attempts that the
dashboard's digest is brought up to date from; each read in one statement of fixed SQL.

The dashboard (stats_views.py) and the history's results (history_cache.py) are cached until
something they show changes, and every view first reads what would have changed: the
learner's change counter and the bank's (questions/changes.py), two rows read by key in one
round trip, whatever the size of the history or the bank.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection

from questions.changes import READ_BANK, READ_USER
from questions.study.models import Attempt


@dataclass(frozen=True, slots=True)
class UserState:
    # Every write to the user's attempts, cards, recordings and notes moves it on: a grade, an
    # undo, a skip or a suspension, a rebuild, a recording attached or deleted, a star, a
    # reset.
    changes: int
    # The bank's (epoch, changes), as changes.bank_changes(): any write to a question or a
    # topic (titles, languages, topics' names, slugs and order) moves it on.
    bank: tuple


# The learner's counter beside the bank's row.
_STATEMENT = f"SELECT ({READ_USER}), {READ_BANK.removeprefix('SELECT ')}"


def user_state(user) -> UserState:
    """The user's UserState (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_STATEMENT, [user.pk])
        changes, epoch, bank = cursor.fetchone()
    return UserState(changes=changes, bank=(epoch, bank))


@lru_cache(maxsize=4)
def _attempts_statement(vendor):
    """`vendor` only keys the cache."""
    table = connection.ops.quote_name(Attempt._meta.db_table)
    user, created = (
        connection.ops.quote_name(Attempt._meta.get_field(name).column)
        for name in ("user", "created_at")
    )
    return f"SELECT COUNT(*), MAX({created}) FROM {table} WHERE {user} = %s"


def _aware(value):
    """A MAX() of a datetime column as the ORM reads it: SQLite returns the stored text (in
    UTC), PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def attempts_state(user) -> tuple:
    """(the count of the user's attempts, the newest one's created_at): what the digest
    compares itself with (one query, from the index of the user's attempts by time)."""
    with connection.cursor() as cursor:
        cursor.execute(_attempts_statement(connection.vendor), [user.pk])
        count, latest = cursor.fetchone()
    return count, _aware(latest)
