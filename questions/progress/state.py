"""What a user's progress caches are keyed on, read in one statement of fixed SQL.

The dashboard (stats_views.py) and the history's results (history_cache.py) are cached until
something they show changes, and every view first reads what would have changed: the user's
attempts, cards and recordings and the bank's change counter. Built from querysets these were
three or four aggregate queries, each compiled by the ORM on every view; the statement here
is written once per process and database, and reads them all in one round trip.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection

from questions.bank.changes import READ as READ_BANK_CHANGES
from questions.study.models import Attempt, ReviewCard
from questions.study.recordings import Recording


@dataclass(frozen=True, slots=True)
class UserState:
    # (count, the newest created_at) of the user's attempts (stats.history_state()). A grade
    # adds an attempt; an undo, a reset or an account deletion removes some.
    attempts: tuple
    # (count, the newest updated_at): every card write (a grade, a skip, a suspension, a
    # rebuild) sets updated_at; an undo of a first grade deletes a card.
    cards: tuple
    # (recordings attached to an attempt, the newest recording's id): an attachment at a
    # grade, or a deletion.
    recordings: tuple
    # The bank's change counter, as bank.facts.bank_version(): any write to a question or a
    # topic (titles, languages, topics' names, slugs and order) moves it on.
    bank: int


def _column(model, field):
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@lru_cache(maxsize=4)
def _statement(vendor):
    """One row of single-row aggregates side by side (`vendor` only keys the cache)."""
    per_user = [
        (Attempt, f"COUNT(*), MAX({_column(Attempt, 'created_at')})"),
        (ReviewCard, f"COUNT(*), MAX({_column(ReviewCard, 'updated_at')})"),
        (Recording, f"COUNT({_column(Recording, 'attempt')}), MAX({_column(Recording, 'id')})"),
    ]
    parts = [
        f"(SELECT {columns} FROM {_table(model)} WHERE {_column(model, 'user')} = %s) AS {alias}"
        for alias, (model, columns) in zip("acr", per_user, strict=True)
    ]
    parts.append(f"({READ_BANK_CHANGES}) AS q")
    return "SELECT * FROM " + ", ".join(parts)


def _aware(value):
    """A MAX() of a datetime column as the ORM reads it: SQLite returns the stored text (in
    UTC), PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def user_state(user) -> UserState:
    """The user's UserState (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection.vendor), [user.pk] * 3)
        attempts, latest, cards, changed, recordings, newest, bank = cursor.fetchone()
    return UserState(
        attempts=(attempts, _aware(latest)),
        cards=(cards, _aware(changed)),
        recordings=(recordings, newest),
        bank=bank,
    )
