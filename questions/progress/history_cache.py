"""The history page's results (its count, rows and pagination), kept per user in the default
cache while nothing they show has changed.

Rendering the 25 rows and counting the user's attempts are most of the page's cost, and a
learner pages through the same history many times between two grades. The key holds
everything the results show or depend on:

- the user's attempts: their count and newest time (a grade adds one; an undo, a reset or
  an account deletion removes some);
- the user's cards: their count and newest `updated_at` (every card write sets it; a
  row's leech badge is its card's failures against the threshold);
- the user's recordings: how many are attached to an attempt and the newest id (a
  recording attached at a grade, or deleted);
- the bank: the questions' count and newest `updated_at` (titles and languages) and every
  topic's id and name (a topic has no `updated_at`; there are tens of them);
- the request: its query string (the filters, the page, and the pagination links keep its
  other parameters), whether it asks for the htmx partial, the language, the time zone and
  the leech threshold.

These are read by two statements of fixed SQL, built once per process: no ORM compilation
on the way to a cached page. The one change the key cannot see is a superuser editing an
attempt in place in the admin (attempts are append-only otherwise), as for the dashboard.
An entry never goes stale, it is only no longer asked for: any worker's copy under a key is
right for that key.
"""

import hashlib
from functools import lru_cache

from django.db import connection

from questions.bank.models import Question, Topic
from questions.study.models import Attempt, ReviewCard
from questions.study.recordings import Recording

CACHE_SECONDS = 3600


def _column(model, field):
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@lru_cache(maxsize=4)
def _statements(vendor):
    """(the user's state, the topics): SQL for this database, `vendor` only keying the cache."""
    user_rows = [
        (Attempt, f"COUNT(*), MAX({_column(Attempt, 'created_at')})"),
        (ReviewCard, f"COUNT(*), MAX({_column(ReviewCard, 'updated_at')})"),
        (Recording, f"COUNT({_column(Recording, 'attempt')}), MAX({_column(Recording, 'id')})"),
    ]
    parts = [
        f"(SELECT {columns} FROM {_table(model)} WHERE {_column(model, 'user')} = %s) AS {alias}"
        for alias, (model, columns) in zip("acr", user_rows, strict=True)
    ]
    parts.append(
        f"(SELECT COUNT(*), MAX({_column(Question, 'updated_at')}) FROM {_table(Question)}) AS q"
    )
    # One row of single-row aggregates, side by side.
    state = "SELECT * FROM " + ", ".join(parts)
    topics = (
        f"SELECT {_column(Topic, 'id')}, {_column(Topic, 'name')} FROM {_table(Topic)} "
        f"ORDER BY {_column(Topic, 'id')}"
    )
    return state, topics


def results_key(request, profile, language):
    """The cache key of this request's history results (two queries)."""
    state_sql, topics_sql = _statements(connection.vendor)
    user_id = request.user.pk
    with connection.cursor() as cursor:
        cursor.execute(state_sql, [user_id, user_id, user_id])
        state = cursor.fetchone()
        cursor.execute(topics_sql)
        topics = cursor.fetchall()
    parts = (
        language,
        profile.time_zone,
        profile.leech_threshold,
        bool(request.htmx),
        sorted(request.GET.lists()),
        tuple(state),
        [tuple(row) for row in topics],
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"history:{user_id}:{digest}"
