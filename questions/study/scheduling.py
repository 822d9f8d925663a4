"""Spaced repetition with FSRS: which question comes next, and the scheduler of each learner
(what a grade and its undo do to a card is in grading.py).

The `fsrs` package does the memory model; this module translates between it and our rows.
Fuzzing is off so that the interval shown on a button is the interval the card gets, and so
that replaying a card's attempts always rebuilds the same state.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from fsrs import Card, Rating, Scheduler

from questions.bank.models import Question, Topic
from questions.compiled import CompiledQuery
from questions.study.models import Attempt, ReviewCard, StudyProfile

# Retention asked for in the last days before an interview (never lower than the user's own).
INTERVIEW_RETENTION = [(3, 0.97), (14, 0.95)]


def interview_days_left(profile: StudyProfile, now):
    """Whole days until the user's interview, or None when none is coming."""
    if profile.interview_date is None:
        return None
    days = (profile.interview_date - profile.start_of_day(now).date()).days
    return days if days >= 0 else None


def scheduler_for(profile: StudyProfile, now) -> Scheduler:
    """The user's scheduler, with their fitted FSRS parameters once a fit was kept (else the
    defaults). Before an interview, intervals stop at the interview day and the retention rises
    as the day comes closer; after it, scheduling is back to normal."""
    retention = profile.desired_retention
    maximum_interval = 36500
    days_left = interview_days_left(profile, now)
    # On the day itself no interval of a day or more can end before it: schedule normally.
    if days_left:
        maximum_interval = days_left
        for within, boosted in INTERVIEW_RETENTION:
            if days_left <= within:
                retention = max(retention, boosted)
                break
    return Scheduler(
        parameters=profile.parameters,
        desired_retention=retention,
        maximum_interval=maximum_interval,
        enable_fuzzing=False,
    )


def new_fsrs_card(question_id: int) -> Card:
    # Passing card_id avoids fsrs's 1 ms sleep that makes a unique id.
    return Card(card_id=question_id)


def preview_intervals(scheduler: Scheduler, card: Card, now) -> dict[int, timedelta]:
    """What each rating would do: review_card returns a new card, so nothing is changed."""
    previews = {}
    for rating in Rating:
        reviewed, _log = scheduler.review_card(card, rating, review_datetime=now)
        previews[int(rating)] = reviewed.due - now
    return previews


@dataclass(frozen=True)
class DayProgress:
    reviewed_today: int
    due_left: int
    new_left: int
    reviews_left: int


def _day_counts_sql():
    attempt, card = Attempt._meta.db_table, ReviewCard._meta.db_table
    question = Question._meta.db_table
    return f"""
        SELECT
          (SELECT COUNT(*) FROM {attempt}
             WHERE user_id = %s AND created_at >= %s),
          (SELECT COUNT(*) FROM {card}
             WHERE user_id = %s AND due <= %s AND reps > 0 AND NOT suspended
               AND (skipped_until IS NULL OR skipped_until <= %s)
               AND question_id NOT IN (SELECT id FROM {question} WHERE NOT is_published)),
          (SELECT COUNT(*) FROM {card}
             WHERE user_id = %s AND created_at >= %s AND reps > 0)
    """


def day_progress(user, profile: StudyProfile, now) -> DayProgress:
    """One query: today's attempts, the cards due now and the new cards started today.

    Every practice page and every grade reads these counts, so the query is written by hand:
    building it from querysets cost 1.4 ms of CPU more than running it (docs/BENCHMARKS.md).
    Unpublished questions are left out through their partial index (a few ids; the condition
    is written as the index's, so both databases use it), not by reading the question of each
    due card: 0.3 ms against 0.8 ms with 400 cards due on SQLite.
    The due count is ReviewCard.objects.due_for(user, now) and the new count
    ReviewCard.objects.started_since(user, day_start); tests/test_practice.py checks all three
    counts against the querysets that define them.
    """
    day_start = profile.start_of_day(now)
    adapt = connection.ops.adapt_datetimefield_value
    start, at = adapt(day_start), adapt(now)
    with connection.cursor() as cursor:
        cursor.execute(_day_counts_sql(), [user.pk, start, user.pk, at, at, user.pk, start])
        reviewed, due, new_today = cursor.fetchone()
    return DayProgress(
        reviewed_today=reviewed,
        due_left=due,
        new_left=max(profile.new_limit(now) - new_today, 0),
        reviews_left=max(profile.reviews_per_day - reviewed, 0),
    )


def _card_of(user, question, lock=False):
    cards = ReviewCard.objects.select_for_update() if lock else ReviewCard.objects
    return cards.filter(user=user, question=question)


# Every practice page, reveal and grade reads the learner's card of its question: compiled once.
_CARD = CompiledQuery(_card_of, user=int, question=int)
_CARD_LOCKED = CompiledQuery(
    lambda user, question: _card_of(user, question, lock=True), user=int, question=int
)


def card_of(user, question, *, lock=False):
    """The user's card of `question`, or None. `lock`: as select_for_update(), locked until the
    transaction ends (on PostgreSQL; SQLite's transactions lock the whole database)."""
    found = (_CARD_LOCKED if lock else _CARD).get(user=user.pk, question=question.pk)
    if found is None:
        return None
    card = found[ReviewCard]
    card.question = question
    return card


def cards_due(user, now, topic=None):
    """The user's cards due now, most overdue first, with their question and topic."""
    cards = ReviewCard.objects.due_for(user, now)
    if topic is not None:
        cards = cards.filter(question__topic=topic)
    return cards.select_related("question", "question__topic").defer("question__search_text")


def _compiled_in_and_out_of_topic(make_queryset):
    """(its CompiledQuery for any topic, for one topic) of `make_queryset(user, now, topic)`."""
    return (
        CompiledQuery(make_queryset, user=int, now=datetime),
        CompiledQuery(make_queryset, user=int, now=datetime, topic=int),
    )


def _first_found(queries, user, now, topic):
    """{model: instance} of the first row of _compiled_in_and_out_of_topic()'s `queries` for
    the user now, in `topic` when given; None when there is none."""
    any_topic, one_topic = queries
    if topic is None:
        return any_topic.get(user=user.pk, now=now)
    return one_topic.get(user=user.pk, now=now, topic=topic.pk)


# Every practice page and every grade looks for the next card due: compiled once.
_NEXT_DUE = _compiled_in_and_out_of_topic(cards_due)


def next_due_card(user, now, topic=None):
    """`cards_due(user, now, topic).first()`, from its compiled statement."""
    found = _first_found(_NEXT_DUE, user, now, topic)
    if found is None:
        return None
    card, question = found[ReviewCard], found[Question]
    question.topic = found[Topic]
    card.question = question
    return card


def new_questions(user, now, topic=None):
    """The first question in bank order that the user never answered and has not set aside,
    with its topic (a queryset of it)."""
    # The first unseen question is found in a subquery without the topic join: with the join,
    # SQLite read every published question and sorted them (26 ms with 10,000 questions)
    # instead of walking the bank-order index until the first unseen one (3 ms).
    taken = ReviewCard.objects.filter(user=user, question=OuterRef("pk")).filter(
        Q(reps__gt=0) | Q(suspended=True) | Q(skipped_until__gt=now)
    )
    first_unseen = (
        Question.objects.published()
        .in_topic(topic)
        .exclude(Exists(taken))
        .in_bank_order()
        .values("pk")[:1]
    )
    return Question.objects.select_related("topic").filter(pk=Subquery(first_unseen))


# A grade after the day's reviews, and the empty queue's message, look for it: compiled once.
_NEXT_NEW = _compiled_in_and_out_of_topic(new_questions)


def next_new_question(user, now, topic=None):
    """`new_questions(user, now, topic).first()`, from its compiled statement."""
    found = _first_found(_NEXT_NEW, user, now, topic)
    if found is None:
        return None
    question = found[Question]
    question.topic = found[Topic]
    return question


def next_question(user, progress: DayProgress, now, topic=None):
    """Due cards first, most overdue first, while reviews are left today; then new questions in
    bank order, up to the daily new limit. Returns (question, card or None)."""
    if progress.reviews_left > 0:
        card = next_due_card(user, now, topic)
        if card is not None:
            return card.question, card
    if progress.new_left > 0:
        return next_new_question(user, now, topic), None
    return None, None


def next_review_time(user, now, topic=None):
    cards = ReviewCard.objects.seen().schedulable(now).filter(user=user)
    if topic is not None:
        cards = cards.filter(question__topic=topic)
    return cards.order_by("due").values_list("due", flat=True).first()


def next_focus_question(user, profile, now, question_ids, topic=None):
    """The first of `question_ids` (in their order) not answered today and not suspended or
    skipped: the drill queues (starred, missed points, before my interview)."""
    question_ids = list(question_ids)[:1000]
    answered_today = Attempt.objects.filter(
        user=user, question=OuterRef("pk"), created_at__gte=profile.start_of_day(now)
    )
    set_aside = ReviewCard.objects.filter(user=user, question=OuterRef("pk")).exclude(
        pk__in=ReviewCard.objects.schedulable(now).filter(user=user).values("pk")
    )
    candidates = (
        Question.objects.published()
        .in_topic(topic)
        .filter(pk__in=question_ids)
        .exclude(Exists(answered_today))
        .exclude(Exists(set_aside))
        .select_related("topic")
    )
    by_id = {question.pk: question for question in candidates}
    return next((by_id[pk] for pk in question_ids if pk in by_id), None)


def interview_queue(user, scheduler, now, topic=None):
    """Question ids for "before my interview": never seen first (bank order), then the seen
    ones, lowest retrievability first. Loads one row per card of the user (bounded by the bank)."""
    questions = Question.objects.published().in_topic(topic)
    seen_cards = ReviewCard.objects.seen().filter(user=user)
    unseen = list(
        questions.exclude(pk__in=seen_cards.values("question"))
        .in_bank_order()
        .values_list("pk", flat=True)
    )
    cards = seen_cards.filter(question__in=questions)
    seen = sorted(cards, key=lambda card: (card.retrievability(scheduler, now), -card.lapses))
    return unseen + [card.question_id for card in seen]


def review_ahead_queue(user, now, topic=None):
    """Question ids for "review ahead", once nothing is due: the answered questions that come
    back soonest first (at most 200; the drill skips those answered today)."""
    cards = ReviewCard.objects.seen().schedulable(now).filter(user=user, due__gt=now)
    if topic is not None:
        cards = cards.filter(question__topic=topic)
    return cards.order_by("due", "id").values_list("question_id", flat=True)[:200]
