"""Spaced repetition with FSRS: which question comes next, and what a grade does to a card.

The `fsrs` package does the memory model; this module translates between it and our rows.
Fuzzing is off so that the interval shown on a button is the interval the card gets, and so
that replaying a card's attempts always rebuilds the same state.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from fsrs import Card, Rating, Scheduler, State

from questions.models import Attempt, Question, ReviewCard, StudyProfile


def scheduler_for(profile: StudyProfile) -> Scheduler:
    return Scheduler(desired_retention=profile.desired_retention, enable_fuzzing=False)


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


def format_interval(delta: timedelta) -> str:
    seconds = max(delta.total_seconds(), 0)
    minutes = seconds / 60
    if minutes < 1:
        return _("<1m")
    if minutes < 60:
        return _("%(n)dm") % {"n": round(minutes)}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)dh") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)dd") % {"n": round(days)}
    if days < 365:
        return _("%(n)dmo") % {"n": round(days / 30)}
    return _("%(n).1fy") % {"n": days / 365}


@dataclass(frozen=True)
class DayProgress:
    reviewed_today: int
    due_left: int
    new_left: int
    new_today: int


def day_progress(user, profile: StudyProfile, now) -> DayProgress:
    """Two queries: the user's cards (due now, introduced today) and today's attempts."""
    day_start = profile.start_of_day(now)
    cards = ReviewCard.objects.filter(user=user).aggregate(
        due=Count("id", filter=Q(due__lte=now, question__is_published=True)),
        new_today=Count("id", filter=Q(created_at__gte=day_start)),
    )
    reviewed = Attempt.objects.filter(user=user, created_at__gte=day_start).count()
    return DayProgress(
        reviewed_today=reviewed,
        due_left=cards["due"],
        new_left=max(profile.new_per_day - cards["new_today"], 0),
        new_today=cards["new_today"],
    )


def next_due_card(user, now, topic=None):
    cards = ReviewCard.objects.due_for(user, now).filter(question__is_published=True)
    if topic is not None:
        cards = cards.filter(question__topic=topic)
    return cards.select_related("question", "question__topic").first()


def next_new_question(user, topic=None):
    return (
        Question.objects.published()
        .in_topic(topic)
        .exclude(review_cards__user=user)
        .select_related("topic")
        .in_bank_order()
        .first()
    )


def next_question(user, progress: DayProgress, now, topic=None):
    """Due cards first, most overdue first; then new questions in bank order, up to the limit."""
    card = next_due_card(user, now, topic)
    if card is not None:
        return card.question, card
    if progress.new_left > 0:
        return next_new_question(user, topic), None
    return None, None


def next_review_time(user, topic=None):
    cards = ReviewCard.objects.filter(user=user, question__is_published=True)
    if topic is not None:
        cards = cards.filter(question__topic=topic)
    return cards.order_by("due").values_list("due", flat=True).first()


class AlreadyGraded(Exception):
    """The reveal token was used before: a double click, a resend or a second tab."""


class _CardCreatedMeanwhile(Exception):
    pass


def record_grade(**grade) -> tuple[Attempt, ReviewCard]:
    """Insert the attempt and update the card together, or neither.

    A second submit of the same reveal token fails on the attempt's unique token before the card
    is touched. Two first grades of one new question (two tabs) race on the card's unique
    constraint: the loser's transaction is rolled back whole and run again, and then finds the
    card and updates it.
    """
    try:
        return _record_grade(**grade)
    except _CardCreatedMeanwhile:
        return _record_grade(**grade)


@transaction.atomic
def _record_grade(
    *,
    user,
    profile,
    question,
    key_points,
    text,
    ticked,
    coverage,
    rating,
    mode,
    token,
    time_spent,
    now,
):
    try:
        attempt = Attempt.objects.create(
            user=user,
            question=question,
            text=text,
            ticked=sorted(ticked),
            coverage=coverage,
            rating=rating,
            mode=mode,
            reveal_token=token,
            time_spent=time_spent,
            answer_snapshot=question.answer,
            key_points_snapshot=[[p.position, p.label, p.detail] for p in key_points],
            created_at=now,
        )
    except IntegrityError as error:
        raise AlreadyGraded from error

    # Locked so that concurrent grades of one card apply one after the other.
    card = ReviewCard.objects.select_for_update().filter(user=user, question=question).first()
    scheduler = scheduler_for(profile)
    if card is None:
        updated, _log = scheduler.review_card(new_fsrs_card(question.pk), Rating(rating), now)
        card = ReviewCard(user=user, question=question, created_at=now)
        card.take(updated)
        try:
            card.save(force_insert=True)
        except IntegrityError as error:
            raise _CardCreatedMeanwhile from error
    else:
        previous = card.as_fsrs()
        updated, _log = scheduler.review_card(previous, Rating(rating), now)
        card.take(updated, lapsed=previous.state == State.Review and rating == Rating.Again)
        card.save()
    return attempt, card
