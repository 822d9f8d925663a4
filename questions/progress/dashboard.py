"""The progress dashboard's figures, from one read of the user's review history.

A first view after each grade computes the whole dashboard (questions/progress/stats_views.py
caches it until something it shows changes), so its cost is what a learner waits for after
practising. The per-day counts, the attempts per topic and the retention figures all come
from the same rows (AttemptQuerySet.review_history, read from a covering index), instead of
three queries over the attempts. The year of days is written here in Python, one label a day,
rather than through three template filters per day (the heatmap and its table are most of
the dashboard's markup).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast
from django.template.defaultfilters import floatformat, urlencode
from django.utils.formats import date_format, localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from questions.bank.models import Question
from questions.study.models import Attempt


def values_rows(queryset, *fields, datetimes=()):
    """queryset.values_list(*fields) as a list, the fields named in `datetimes` read faster.

    Django parses datetimes row by row in Python: SQLite returns them as text, and on
    PostgreSQL Django's own loader for them is psycopg's Python one, not its C one (for 5,000
    rows either costs more than the query). Read as text instead, in UTC (SQLite stores them
    so, 'YYYY-MM-DD HH:MM:SS[.ffffff]'; Django sets PostgreSQL's session zone to UTC, which
    adds '+00'), datetime.fromisoformat makes the same aware values in C.
    """
    if not datetimes:
        return list(queryset.values_list(*fields))
    columns = [Cast(field, CharField()) if field in datetimes else field for field in fields]
    positions = [index for index, field in enumerate(fields) if field in datetimes]
    parse = _datetime_parser()
    rows = []
    for row in queryset.values_list(*columns):
        row = list(row)
        for index in positions:
            if row[index] is not None:
                row[index] = parse(row[index])
        rows.append(tuple(row))
    return rows


def _datetime_parser():
    """The text of a datetime column read through Cast(…, CharField()), as an aware UTC
    datetime."""
    parse = datetime.fromisoformat
    if connection.vendor == "sqlite":
        return lambda text: parse(text).replace(tzinfo=UTC)
    return lambda text: parse(text).astimezone(UTC)


def review_history(user):
    """(question_id, created_at, rating, mode) of every attempt of the user: the rows of
    AttemptQuerySet.review_history, as a list (its datetimes read as values_rows() reads
    them; values_rows() itself would do, but this is the dashboard's tightest loop)."""
    parse = _datetime_parser()
    text_rows = (
        Attempt.objects.for_user(user)
        .review_history()
        .values_list("question_id", Cast("created_at", CharField()), "rating", "mode")
    )
    return [
        (question_id, parse(created_at), rating, mode)
        for question_id, created_at, rating, mode in text_rows
    ]


def attempts_per_question(history):
    """{question_id: (attempts, sum of their ratings)} of review history rows."""
    per_question = defaultdict(lambda: [0, 0])
    for question_id, _created_at, rating, _mode in history:
        counts = per_question[question_id]
        counts[0] += 1
        counts[1] += rating
    return {question_id: tuple(counts) for question_id, counts in per_question.items()}


def attempts_per_topic(per_question, known_topics=None):
    """{topic id: {"attempts": n, "average": mean rating}} from attempts_per_question(), every
    question counted under its topic now. `known_topics` ({question_id: topic_id}, read in the
    same request) spares looking those up; one query reads the topics of the others."""
    topics = dict(known_topics or {})
    unknown = [question_id for question_id in per_question if question_id not in topics]
    if unknown:
        topics.update(Question.objects.filter(pk__in=unknown).values_list("pk", "topic_id"))
    per_topic = defaultdict(lambda: [0, 0])
    for question_id, (attempts, ratings) in per_question.items():
        if question_id in topics:
            totals = per_topic[topics[question_id]]
            totals[0] += attempts
            totals[1] += ratings
    return {
        topic_id: {"attempts": count, "average": total / count}
        for topic_id, (count, total) in per_topic.items()
    }


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A row of the dashboard's topic table, its figures written as the template's filters
    and translations wrote them per row (tests/test_dashboard.py compares the two)."""

    name: str
    query: str  # the topic's slug, URL-encoded
    seen_of_total: str
    attempts: str
    average: str
    mastery: str
    seen: int
    mastered: int


def topic_rows(topics):
    """TopicRows of stats.topic_progress(), in the active language."""
    seen_of_total = gettext("%(seen)s / %(total)s")
    return [
        TopicRow(
            name=row.topic.name,
            query=urlencode(row.topic.slug),
            seen_of_total=seen_of_total
            % {"seen": localize(row.seen), "total": localize(row.total)},
            attempts=floatformat(row.attempts, "g"),
            average=floatformat(row.average_rating, 1) if row.average_rating is not None else "–",
            mastery=floatformat(row.mastery_percent, 0),
            seen=row.seen,
            mastered=row.mastered,
        )
        for row in topics
    ]


@lru_cache(maxsize=8192)
def _day_label(day, language):
    # A pure function of the day and the language (date_format reads the active one): the
    # same in every worker, so keeping it in this process's memory cannot go stale.
    return date_format(day, "DATE_FORMAT")


def day_labels(days):
    """{day: the day in the active language's DATE_FORMAT}, as the date filter writes it."""
    language = get_language()
    return {day: _day_label(day, language) for day in days}


def heatmap_cells(heatmap, labels):
    """The heatmap's cells as SVG, as templates/stats/_heatmap.html wrote them per cell."""
    size = heatmap.cell
    return mark_safe(  # noqa: S308 - numbers and escaped labels only
        "".join(
            f'<rect class="heat-{cell.level}" x="{cell.x}" y="{cell.y}" width="{size}" '
            f'height="{size}" rx="2"><title>{escape(labels[cell.day])}: {cell.reviews}'
            "</title></rect>"
            for cell in heatmap.cells
        )
    )


def heat_table_rows(heat_days, labels):
    """The rows of the reviews-per-day table (days with reviews, newest first)."""
    return mark_safe(  # noqa: S308 - numbers and escaped labels only
        "".join(
            f'<tr><td><time datetime="{day.day.isoformat()}">{escape(labels[day.day])}</time>'
            f"</td><td>{day.reviews}</td></tr>"
            for day in heat_days
        )
    )
