"""The figures of the history and progress pages: streaks, reviews per day, topics, forecast.

Counting happens in the database (grouped by local day with TruncDate, Count/Avg per topic);
what is loaded into Python is bounded by the calendar (one row per day reviewed) or by the bank
(one row per card), never by the number of attempts. Retrievability is FSRS's formula over the
user's cards, worked out here with the same scheduler that grades them.

A key point is *missed* in an attempt when its position is in the attempt's key point snapshot
but not in its ticked list. Positions are integers in both JSON arrays (the grade form coerces
them), which the SQL below relies on when it compares them.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import NotSupportedError, connection
from django.db.models import Avg, Count, F, Func, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from questions.bank.models import Question, Topic
from questions.study.models import Attempt, ReviewCard

HEATMAP_DAYS = 365
FORECAST_DAYS = 14
HEAT_LEVELS = 4
# The most missed key points are counted over this many of the user's latest attempts: a few
# weeks of steady practice, which is what "most missed" should reflect (and 2,000 cost four
# times as much: 48 ms against 11 ms on SQLite for a user with 5,000 attempts).
MISSED_POINTS_WINDOW = 500
# How long a rendered dashboard is kept; its key changes with the local hour anyway.
DASHBOARD_CACHE_SECONDS = 3600


# --- Days -------------------------------------------------------------------------------------


def local_start(day: date, zone) -> datetime:
    """Midnight at the start of a local calendar day, as an aware datetime (DST-safe)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def reviews_per_day(user, zone) -> dict[date, int]:
    """Attempts per local day, over the whole history: one grouped query, one row per day."""
    rows = (
        Attempt.objects.filter(user=user)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(reviews=Count("id"))
        .order_by("day")
    )
    return {row["day"]: row["reviews"] for row in rows}


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(days, today: date) -> Streaks:
    """Runs of consecutive days with a review.

    The current streak ends today, or yesterday while today has no review yet: it is only
    broken once a whole day passes without one.
    """
    days = sorted({day for day in days if day <= today})
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if days and days[-1] >= today - timedelta(days=1):
        current = run
    return Streaks(current=current, longest=longest)


@dataclass(frozen=True)
class HeatDay:
    day: date
    reviews: int
    level: int


def heat_level(reviews: int, peak: int) -> int:
    """0 for no review, else 1..4 in quarters of the busiest day (the busiest day is 4)."""
    if reviews <= 0 or peak <= 0:
        return 0
    return max(1, -(-reviews * HEAT_LEVELS // peak))  # ceil without floats


def heatmap(counts: dict[date, int], today: date, days: int = HEATMAP_DAYS) -> list[HeatDay]:
    """The last `days` local days, oldest first, each with its reviews and a shade level."""
    first = today - timedelta(days=days - 1)
    window = [first + timedelta(days=i) for i in range(days)]
    peak = max((counts.get(day, 0) for day in window), default=0)
    return [
        HeatDay(day, counts.get(day, 0), heat_level(counts.get(day, 0), peak)) for day in window
    ]


# --- Cards ------------------------------------------------------------------------------------


def cards_for(user):
    """The user's cards on published questions, with the title and topic of each question.

    One query; its size is bounded by the bank, not by the history.
    """
    return (
        ReviewCard.objects.seen()
        .filter(user=user, question__is_published=True)
        .select_related("question")
        .only(
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
            "again_count",
            "suspended",
            "skipped_until",
            "question__id",
            "question__title",
            "question__topic_id",
        )
        .order_by("question_id")
    )


@dataclass(frozen=True)
class ScoredCard:
    card: ReviewCard
    retrievability: float
    mastered: bool

    @property
    def question(self):
        return self.card.question

    @property
    def retrievability_percent(self) -> float:
        return self.retrievability * 100


def score_cards(cards, scheduler, now) -> list[ScoredCard]:
    """Each card with its FSRS retrievability now and whether it is mastered (no query: the
    cards are loaded)."""
    return [
        ScoredCard(card, card.retrievability(scheduler, now), card.is_mastered(now))
        for card in cards
    ]


@dataclass(frozen=True)
class TopicProgress:
    topic: Topic
    total: int
    seen: int
    attempts: int
    average_rating: float | None
    mastered: int

    @property
    def mastery(self) -> float:
        """Share of the cards seen in this topic that are mastered (0 when none was seen)."""
        return self.mastered / self.seen if self.seen else 0.0

    @property
    def mastery_percent(self) -> float:
        return self.mastery * 100


def topic_progress(user, scored_cards) -> list[TopicProgress]:
    """Per topic: published questions, cards seen, attempts, average rating and mastery.

    Two queries: topics with their published question counts, and the user's attempts
    counted and averaged per topic. Topics with no published question that the user never
    answered are left out.
    """
    topics = Topic.objects.annotate(
        total=Count("questions", filter=Q(questions__is_published=True))
    )
    attempt_rows = (
        Attempt.objects.filter(user=user)
        .values("question__topic")
        .annotate(attempts=Count("id"), average=Avg("rating"))
        .order_by()
    )
    attempts = {row["question__topic"]: row for row in attempt_rows}
    seen, mastered = Counter(), Counter()
    for scored in scored_cards:
        topic_id = scored.question.topic_id
        seen[topic_id] += 1
        mastered[topic_id] += scored.mastered
    progress = []
    for topic in topics:
        row = attempts.get(topic.pk, {})
        if not topic.total and not row:
            continue
        progress.append(
            TopicProgress(
                topic=topic,
                total=topic.total,
                seen=seen[topic.pk],
                attempts=row.get("attempts", 0),
                average_rating=row.get("average"),
                mastered=mastered[topic.pk],
            )
        )
    return progress


def effective_due(card) -> datetime:
    """When the card next comes up: its due time, or later while it is skipped."""
    if card.skipped_until and card.skipped_until > card.due:
        return card.skipped_until
    return card.due


def forecast(cards, zone, now, days: int = FORECAST_DAYS) -> list[tuple[date, int]]:
    """Cards coming due on each of the next `days` local days; overdue cards count today.

    Suspended cards never come due, so they are left out. No query: `cards` are loaded.
    """
    today = now.astimezone(zone).date()
    counts = dict.fromkeys((today + timedelta(days=i) for i in range(days)), 0)
    for card in cards:
        if card.suspended:
            continue
        day = max(effective_due(card).astimezone(zone).date(), today)
        if day in counts:
            counts[day] += 1
    return list(counts.items())


def weakest(scored_cards, limit: int = 10) -> list[ScoredCard]:
    """The cards least likely to be recalled now, most lapsed first among equals.

    Only cards below mastery or lapsed at least once (a strong card is nobody's weak point),
    and not suspended (the user has set those aside).
    """
    weak = [
        scored
        for scored in scored_cards
        if (not scored.mastered or scored.card.lapses) and not scored.card.suspended
    ]
    weak.sort(key=lambda s: (s.retrievability, -s.card.lapses, -s.card.again_count, s.card.pk))
    return weak[:limit]


def leeches(user, threshold):
    """The user's cards on published questions failed `threshold` times or more."""
    return (
        ReviewCard.objects.filter(
            user=user, question__is_published=True, again_count__gte=threshold
        )
        .select_related("question")
        .only("suspended", "again_count", "question__id", "question__title")
        .order_by("question_id")
    )


# --- The cached dashboard ---------------------------------------------------------------------


def dashboard_key(user, profile, now, language) -> str:
    """The cache key of the user's rendered dashboard: it changes whenever what it shows can.

    Two indexed queries: the latest attempt (a grade or an undo changes it) and a fingerprint
    of the user's cards (a suspension, a skip or a rebuild changes it). The study settings and
    the language are part of the key, and so is the local hour: recall chances drift with
    time, and edits to the bank show within the hour.
    """
    latest = (
        Attempt.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    # Every change to a card (a grade, a skip, a suspension, a rebuild) moves its updated_at;
    # the count changes when an undo deletes one.
    cards = ReviewCard.objects.filter(user=user).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    hour = now.astimezone(profile.zone).strftime("%Y-%m-%dT%H")
    # The fitted parameters change every recall chance and the calibration.
    study = (profile.time_zone, profile.leech_threshold, profile.desired_retention)
    study += (profile.fsrs_parameters,)
    parts = (language, hour, study, profile.interview_date, latest, sorted(cards.items()))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"stats:{user.pk}:{digest}"


# --- Key points missed ------------------------------------------------------------------------


class MissedPointCount(Func):
    """How many key points of an attempt's snapshot are not in its ticked list (SQLite, PostgreSQL).

    A correlated subquery over the two JSON arrays of the same row, so it costs no extra query.
    """

    output_field = IntegerField()

    def __init__(self, snapshot="key_points_snapshot", ticked="ticked", **extra):
        super().__init__(F(snapshot), F(ticked), **extra)

    def _compile(self, compiler, connection, template):
        snapshot, ticked = (compiler.compile(arg) for arg in self.get_source_expressions())
        sql = template % {"snapshot": snapshot[0], "ticked": ticked[0]}
        return sql, (*snapshot[1], *ticked[1])

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(SELECT COUNT(*) FROM json_each(%(snapshot)s) AS kp"
            " WHERE json_extract(kp.value, '$[0]') NOT IN"
            " (SELECT t.value FROM json_each(%(ticked)s) AS t))"
        )
        return self._compile(compiler, connection, template)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(SELECT COUNT(*) FROM jsonb_array_elements(%(snapshot)s) AS kp(value)"
            " WHERE NOT (%(ticked)s @> jsonb_build_array(kp.value -> 0)))"
        )
        return self._compile(compiler, connection, template)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("MissedPointCount supports SQLite and PostgreSQL only.")


def questions_with_missed_points(user, limit=None):
    """Ids of published questions whose latest attempt missed a key point, most recent first.

    A lazy values_list queryset: one query when evaluated, and usable as a subquery
    (`Question.objects.filter(pk__in=questions_with_missed_points(user, 20))`). Each published
    question looks up its latest attempt by this user through the (user, question, created_at)
    index, so the cost follows the bank's size, not the history's.
    """
    latest = Attempt.objects.filter(user=user, question=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    ids = (
        Question.objects.published()
        .annotate(
            latest_at=Subquery(latest.values("created_at")[:1]),
            latest_missed=Subquery(latest.annotate(missed=MissedPointCount()).values("missed")[:1]),
        )
        .filter(latest_missed__gt=0)
        .order_by("-latest_at", "-pk")
        .values_list("pk", flat=True)
    )
    return ids[:limit] if limit is not None else ids


@dataclass(frozen=True)
class MissedPoint:
    question_id: int
    title: str
    position: int
    label: str
    detail: str
    missed: int
    seen: int

    @property
    def text(self):
        return self.label or self.detail


_POINT_ROWS = {
    # One row per (attempt, key point of its snapshot), and whether that point was ticked.
    "sqlite": """
        SELECT a.question_id AS question_id, q.title AS title,
               json_extract(kp.value, '$[0]') AS position,
               json_extract(kp.value, '$[1]') AS label,
               json_extract(kp.value, '$[2]') AS detail,
               json_extract(kp.value, '$[0]') IN
                   (SELECT t.value FROM json_each(a.ticked) AS t) AS ticked
        FROM questions_attempt AS a
        JOIN questions_question AS q ON q.id = a.question_id,
             json_each(a.key_points_snapshot) AS kp
        WHERE a.id IN ({recent}) AND q.is_published
    """,
    "postgresql": """
        SELECT a.question_id AS question_id, q.title AS title,
               (kp.value ->> 0)::integer AS position,
               kp.value ->> 1 AS label,
               kp.value ->> 2 AS detail,
               a.ticked @> jsonb_build_array(kp.value -> 0) AS ticked
        FROM questions_attempt AS a
        JOIN questions_question AS q ON q.id = a.question_id
        CROSS JOIN LATERAL jsonb_array_elements(a.key_points_snapshot) AS kp(value)
        WHERE a.id IN ({recent}) AND q.is_published
    """,
}

# The attempts whose checklists are counted: the latest ones, through the (user, -created_at)
# index, so that the cost stays flat however long the history grows.
_RECENT_ATTEMPTS = """
    SELECT id FROM questions_attempt WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT %s
"""

_MOST_MISSED = """
    SELECT question_id, title, position, label, detail, missed, seen FROM (
        SELECT question_id, title, position,
               MAX(label) AS label, MAX(detail) AS detail,
               SUM(CASE WHEN ticked THEN 0 ELSE 1 END) AS missed, COUNT(*) AS seen
        FROM ({rows}) AS point_rows
        GROUP BY question_id, title, position
    ) AS per_point
    WHERE missed > 0
    ORDER BY missed DESC, missed * 1.0 / seen DESC, question_id, position
    LIMIT %s
"""


def most_missed_points(user, limit: int = 10, window: int = MISSED_POINTS_WINDOW):
    """The key points left unticked most often in the user's latest `window` attempts.

    One query: the database expands each attempt's snapshot and groups by (question,
    position); only `limit` MissedPoint rows come back. Labels are taken from the snapshots.
    """
    try:
        rows_sql = _POINT_ROWS[connection.vendor].format(recent=_RECENT_ATTEMPTS)
    except KeyError as error:
        raise NotSupportedError(
            "most_missed_points supports SQLite and PostgreSQL only."
        ) from error
    with connection.cursor() as cursor:
        cursor.execute(_MOST_MISSED.format(rows=rows_sql), [user.pk, window, limit])
        return [MissedPoint(*row) for row in cursor.fetchall()]


# --- One attempt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    position: int
    label: str
    detail: str
    ticked: bool


def checklist(snapshot, ticked) -> list[ChecklistItem]:
    """An attempt's key points as they were when it was graded, each ticked or missed.

    Tolerates snapshots written by hand or by older code: entries that are not
    [position, label, detail] lists are skipped.
    """
    ticked = {value for value in ticked or [] if isinstance(value, int)}
    items = []
    for entry in snapshot or []:
        if not isinstance(entry, list | tuple) or not entry or not isinstance(entry[0], int):
            continue
        position, label, detail = (*entry, "", "")[:3]
        items.append(
            ChecklistItem(position, str(label or ""), str(detail or ""), position in ticked)
        )
    return items


def missed_positions(snapshot, ticked) -> list[int]:
    """Positions in the snapshot that are not ticked; called once per row by the exports."""
    ticked = set(ticked or [])
    missed = []
    for entry in snapshot or []:
        position = entry[0] if isinstance(entry, list | tuple) and entry else None
        if isinstance(position, int) and position not in ticked:
            missed.append(position)
    return missed


def history_day_bounds(date_from, date_to, zone):
    """The created_at range of a history filter given in local days (either end may be None)."""
    start = local_start(date_from, zone) if date_from else None
    end = local_start(date_to + timedelta(days=1), zone) if date_to else None
    return start, end
