"""What a grade does: the attempt inserted and the card moved on by FSRS, in one transaction,
and the undo of the latest grade, which rebuilds the card from the attempts that remain."""

from django.db import IntegrityError, transaction
from fsrs import Card, Rating, ReviewLog

from questions.compiled import CompiledSave
from questions.study.models import Attempt, AttemptMode, ReviewCard
from questions.study.recordings import Recording
from questions.study.scheduling import card_of, new_fsrs_card, scheduler_for


def estimated_positions(key_points, scores) -> list[int]:
    """What Attempt.estimated records: the positions of the key points the coverage estimate
    ticked, from score_key_points' scores of those points (in their order)."""
    return sorted(
        point.position for point, score in zip(key_points, scores, strict=True) if score.covered
    )


class AlreadyGraded(Exception):
    """The reveal token was used before: a double click, a resend or a second tab."""


class _CardCreatedMeanwhile(Exception):
    pass


def record_grade(**grade) -> tuple[Attempt, ReviewCard]:
    """Insert the attempt, attach the recording made at its practice reveal (if any) and update
    the card together, or none of them.

    A second submit of the same reveal token fails on the attempt's unique token before the card
    is touched. Two first grades of one new question (two tabs) race on the card's unique
    constraint: the loser's transaction is rolled back whole and run again, and then finds the
    card and updates it.

    `estimated` is what the coverage estimate ticked (estimated_positions); left out, the
    attempt records none, as attempts graded before it was recorded.
    """
    try:
        return _record_grade(**grade)
    except _CardCreatedMeanwhile:
        return _record_grade(**grade)


# Every grade inserts an attempt and writes a card: their statements written once.
_ATTEMPT_SAVE = CompiledSave(Attempt)
_CARD_SAVE = CompiledSave(ReviewCard)


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
    hints_used,
    mode,
    token,
    time_spent,
    now,
    estimated=None,
):
    attempt = Attempt(
        user=user,
        question=question,
        text=text,
        ticked=sorted(ticked),
        coverage=coverage,
        estimated=estimated,
        rating=rating,
        hints_used=hints_used,
        mode=mode,
        reveal_token=token,
        time_spent=time_spent,
        answer_snapshot=question.reference_answer_of(p.as_pair() for p in key_points),
        key_points_snapshot=[[p.position, p.label, p.detail] for p in key_points],
        created_at=now,
    )
    try:
        _ATTEMPT_SAVE.insert(attempt)
    except IntegrityError as error:
        raise AlreadyGraded from error
    if mode != AttemptMode.MOCK:  # a mock answer's recording joins through its item instead
        Recording.attach(attempt)

    # Locked so that concurrent grades of one card apply one after the other.
    card = card_of(user, question, lock=True)
    scheduler = scheduler_for(profile, now)
    if card is None:
        updated, _log = scheduler.review_card(new_fsrs_card(question.pk), Rating(rating), now)
        card = ReviewCard(user=user, question=question, created_at=now)
        card.take(updated, rating=rating)
        try:
            _CARD_SAVE.insert(card)
        except IntegrityError as error:
            raise _CardCreatedMeanwhile from error
    else:
        updated, _log = scheduler.review_card(card.as_fsrs(), Rating(rating), now)
        card.take(updated, rating=rating)
        _CARD_SAVE.update(card)
    # The fit itself runs on the worker; this is one indexed query, none when not personalised.
    if profile.refit_due():
        profile.queue_fit(now)
    return attempt, card


class NothingToUndo(Exception):
    pass


def replay(question_id, attempts, scheduler) -> Card:
    """The card FSRS arrives at from these attempts (oldest first), starting from a new card."""
    logs = [
        ReviewLog(
            card_id=question_id,
            rating=Rating(attempt.rating),
            review_datetime=attempt.created_at,
            review_duration=None,
        )
        for attempt in attempts
    ]
    return scheduler.reschedule_card(new_fsrs_card(question_id), logs)


@transaction.atomic
def undo_grade(user, profile, attempt_id, now) -> Attempt:
    """Delete the user's latest attempt and rebuild its card from the attempts that remain.

    Only the latest attempt can be undone. The card is locked first, so of two concurrent
    undos (a double click) one deletes and the other finds nothing to undo.
    """
    latest = Attempt.objects.for_user(user).newest_first().select_related("question").first()
    if latest is None or latest.pk != attempt_id:
        raise NothingToUndo
    card = ReviewCard.objects.select_for_update().filter(user=user, question_id=latest.question_id)
    card = card.first()
    deleted, _counts = Attempt.objects.filter(pk=latest.pk).delete()
    if not deleted:
        raise NothingToUndo
    if card is not None:
        remaining = Attempt.objects.filter(user=user, question_id=latest.question_id)
        card.rebuild(
            replay(
                latest.question_id,
                remaining.order_by("created_at", "id"),
                scheduler_for(profile, now),
            ),
            undone_rating=latest.rating,
            reps=remaining.count(),
        )
    return latest
