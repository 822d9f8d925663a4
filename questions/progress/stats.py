"""The figures of the history and progress pages: streaks, reviews per day, topics, forecast,
the cards and the dashboard's cache key.

What is loaded into Python is bounded by the calendar (one row per day reviewed) or by the bank
(one row per card); the history's own figures come from its digest (questions/progress/
digest.py). Retrievability is FSRS's formula over the user's cards, worked out here with the
same scheduler that grades them. The key points missed are in questions/progress/missed.py.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from questions.bank import facts
from questions.bank.models import Question, Topic
from questions.compiled import CompiledQuery
from questions.progress import dashboard
from questions.progress.state import user_state
from questions.study.models import SCHEDULE_FIELDS, ReviewCard

HEATMAP_DAYS = 365
FORECAST_DAYS = 14
HEAT_LEVELS = 4
# How long a rendered dashboard is kept; its key changes with the local hour anyway.
DASHBOARD_CACHE_SECONDS = 3600


# --- Days -------------------------------------------------------------------------------------


def local_start(day: date, zone) -> datetime:
    """Midnight at the start of a local calendar day, as an aware datetime (DST-safe)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def reviews_per_day(user, zone, history=None) -> dict[date, int]:
    """Attempts per local day, over the whole history, in day order.

    Counted from the review history (questions/progress/dashboard.py, read once for the whole
    dashboard; read here when not given): grouping by local day in SQL cost SQLite a Python
    call per attempt for the time zone.
    """
    if history is None:
        history = dashboard.review_history(user)
    counts = Counter(created_at.astimezone(zone).date() for _q, created_at, _r, _m in history)
    return dict(sorted(counts.items()))


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


# Plain (not frozen) slotted classes: a frozen dataclass sets each field through
# object.__setattr__, which doubles the cost of building a thousand cards.
@dataclass(slots=True)
class CardQuestion:
    """What the progress page shows of a card's question."""

    pk: int
    title: str
    topic_id: int
    language: str

    @property
    def id(self):
        return self.pk

    def get_absolute_url(self):
        return Question.get_absolute_url(self)


@dataclass(slots=True)
class DashboardCard:
    """A card as the progress page reads it: its question and its schedule fields, in the order
    of SCHEDULE_FIELDS (tests/test_stats.py checks it)."""

    pk: int
    question: CardQuestion
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    again_count: int
    suspended: bool
    skipped_until: datetime | None

    @property
    def question_id(self):
        return self.question.pk

    def is_mastered(self, now):
        return ReviewCard.is_mastered(self, now)  # one rule, read from these fields

    def retrievability(self, scheduler, now):
        return scheduler.get_card_retrievability(self, now)  # it reads last_review, stability


def cards_for(user, bank=None) -> list[DashboardCard]:
    """The user's cards on published questions, with the title and topic of each question.

    One query (and bank.facts.bank_facts() when `bank` is not given); its size is bounded by
    the bank, not by the history. The questions' titles and topics come from the bank's facts
    rather than from a join that reads a thousand question rows, and the rows are plain ones
    rather than model instances, which cost four times as much to build.
    """
    bank = bank or facts.bank_facts()
    rows = dashboard.values_rows(
        ReviewCard.objects.seen().filter(user=user).order_by("question_id"),
        "pk",
        "question_id",
        *SCHEDULE_FIELDS,
        datetimes={"due", "last_review", "skipped_until"},
    )
    cards = []
    for pk, question_id, *schedule in rows:
        known = bank.questions.get(question_id)
        if known is not None and known.is_published:
            question = CardQuestion(question_id, known.title, known.topic_id, known.language)
            cards.append(DashboardCard(pk, question, *schedule))
    return cards


@dataclass(frozen=True)
class ScoredCard:
    card: DashboardCard
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


def topic_progress(user, scored_cards, per_question=None, bank=None) -> list[TopicProgress]:
    """Per topic: published questions, cards seen, attempts, average rating and mastery.

    One query, the topics (and bank.facts.bank_facts() when `bank` is not given, which has
    each question's topic and the published questions per topic). `per_question` is
    dashboard.attempts_per_question() of the user's history, read here when not given.
    Topics with no published question that the user never answered are left out.
    """
    bank = bank or facts.bank_facts()
    if per_question is None:
        per_question = dashboard.attempts_per_question(dashboard.review_history(user))
    attempts = dashboard.attempts_per_topic(per_question, bank.topics)
    seen, mastered = Counter(), Counter()
    for scored in scored_cards:
        topic_id = scored.question.topic_id
        seen[topic_id] += 1
        mastered[topic_id] += scored.mastered
    progress = []
    for topic in Topic.objects.all():
        total = bank.published_per_topic[topic.pk]
        row = attempts.get(topic.pk, {})
        if not total and not row:
            continue
        progress.append(
            TopicProgress(
                topic=topic,
                total=total,
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


def leeches_queryset(user, threshold):
    """The user's cards on published questions failed `threshold` times or more."""
    return (
        ReviewCard.objects.filter(
            user=user, question__is_published=True, again_count__gte=threshold
        )
        .select_related("question")
        .only("suspended", "again_count", "question__id", "question__title", "question__language")
        .order_by("question_id")
    )


# The progress page lists them on every view: compiled once (questions/compiled.py).
_LEECHES = CompiledQuery(leeches_queryset, many=True, user=int, threshold=int)


def leeches(user, threshold):
    """leeches_queryset()'s cards, each with its question (one query)."""
    cards = []
    for row in _LEECHES.rows(user=user.pk, threshold=threshold):
        found = _LEECHES.instances(row)
        card = found[ReviewCard]
        card.question = found[Question]
        cards.append(card)
    return cards


# --- The cached dashboard ---------------------------------------------------------------------


def dashboard_key(user, profile, now, language, state=None) -> str:
    """The cache key of the user's rendered dashboard: it changes whenever what it shows can.

    From the user's state (progress/state.py; one query, unless `state` gives it): the bank's
    change counter (a question's title, topic or state edited, a topic renamed) and the
    user's (a grade, an undo, a removal, a suspension, a skip or a rebuild). The study
    settings and the language are part of the key, and so is the local hour: recall chances
    drift with time.
    """
    if state is None:
        state = user_state(user)
    hour = now.astimezone(profile.zone).strftime("%Y-%m-%dT%H")
    # The fitted parameters change every recall chance and the calibration.
    study = (profile.time_zone, profile.leech_threshold, profile.desired_retention)
    study += (profile.fsrs_parameters,)
    parts = (language, hour, study, profile.interview_date, state.changes, state.bank)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    # "page": the dashboard with the leeches and the starred count, under a name of its own, so
    # that a worker of the release before (which kept the dashboard's HTML alone) in a shared
    # cache never hands its value to this one.
    return f"stats-page:{user.pk}:{digest}"


def history_day_bounds(date_from, date_to, zone):
    """The created_at range of a history filter given in local days (either end may be None)."""
    start = local_start(date_from, zone) if date_from else None
    end = local_start(date_to + timedelta(days=1), zone) if date_to else None
    return start, end
