"""Study's background tasks: fitting a learner's schedule and simulating the workload of each
desired retention (Django's tasks API; `manage.py run_worker` runs them).

Both read every attempt of the user and train or simulate for a fraction of a second to a few
seconds, which is why no request does it. Arguments are plain values (a user id): the task
may run on another machine, after the request that queued it has finished.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from questions.bank.models import Question
from questions.study import fsrs_items, optimizer
from questions.study.models import Attempt, ReviewCard, StudyProfile

logger = logging.getLogger(__name__)


def _history(profile):
    rows = list(Attempt.objects.for_user(profile.user_id).review_history())
    return rows, fsrs_items.items_from_attempts(rows)


def fit_profile(profile, now, *, save=True):
    """Fit FSRS to the user's attempts and, with `save`, store the result on their profile
    (kept parameters, or the defaults with the reason) and simulate the retention table for
    the parameters now in use. Without `save` nothing is written (`--dry-run`, the benchmark)."""
    rows, items = _history(profile)
    try:
        result = optimizer.fit(items)
    except ValueError:
        # fsrs-rs refused the data or produced parameters outside the scheduler's bounds.
        logger.exception("fit failed user=%s reviews=%s", profile.user_id, len(items))
        result = optimizer.FitResult(optimizer.FitOutcome.FAILED, len(items), None, None)
    if save:
        profile.record_fit(result, now)
        refresh_cards(profile)
        _simulate(profile, rows, items, now)
    return result


@transaction.atomic
def refresh_cards(profile):
    """Recompute the memory (stability, difficulty) of each of the user's cards from its
    attempts under the parameters now in use, as Anki does when its parameters change; due
    dates stay. Recall chances, mastery and the next intervals then all come from one model.

    The cards are locked first and the attempts read after, so a grade made meanwhile either
    is in the history read here or applies its review on top of the state written here.
    """
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.select_for_update()
        .filter(user_id=profile.user_id, reps__gt=0)
        .only("id", "question_id", "stability", "difficulty")
    }
    rows, _items = _history(profile)
    states = fsrs_items.memory_states(profile.parameters, rows)
    changed = []
    # bulk_update leaves auto_now alone: the progress dashboard's key reads the newest
    # updated_at of the user's cards to see that their recall chances changed.
    now = timezone.now()
    for question_id, (stability, difficulty) in states.items():
        card = cards.get(question_id)
        if card is not None:
            card.stability, card.difficulty, card.updated_at = stability, difficulty, now
            changed.append(card)
    ReviewCard.objects.bulk_update(
        changed, ["stability", "difficulty", "updated_at"], batch_size=1000
    )


def _simulate(profile, rows, items, now):
    inputs = profile.retention_inputs(Question.objects.published().count(), now)
    first_ratings = {}
    for question_id, created_at, rating, _mode in rows:
        if question_id not in first_ratings or created_at < first_ratings[question_id][0]:
            first_ratings[question_id] = (created_at, rating)
    table = optimizer.retention_options(
        profile.parameters,
        deck_size=inputs["deck_size"],
        new_per_day=inputs["new_per_day"],
        reviews_per_day=inputs["reviews_per_day"],
        days=inputs["days"],
        shares=optimizer.rating_shares(items, [rating for _at, rating in first_ratings.values()]),
    )
    profile.record_retention_table(inputs, table)


def _profile(user_id):
    return StudyProfile.objects.filter(user_id=user_id).first()


@task()
def personalise_schedule(user_id):
    """Queued by "Personalise my schedule", after every REFIT_EVERY new attempts once
    personalised, and by `manage.py optimize_scheduler`. A user deleted meanwhile is skipped,
    and so is a fit the user reset to the defaults after queueing it."""
    profile = _profile(user_id)
    if profile is not None and profile.fit_outcome == optimizer.FitOutcome.QUEUED:
        fit_profile(profile, timezone.now())


@task()
def simulate_retention(user_id):
    """Queued when Settings finds the retention table out of date (new daily limits, a new
    interview date, a bank of another size)."""
    profile = _profile(user_id)
    if profile is not None:
        rows, items = _history(profile)
        _simulate(profile, rows, items, timezone.now())


@task()
def refresh_memory_states(user_id):
    """Queued by a reset to the defaults: the cards' memory under the default parameters."""
    profile = _profile(user_id)
    if profile is not None:
        refresh_cards(profile)


@task()
def sweep_recordings():
    """Remove recordings no attempt or mock answer took within a day, and stored files no row
    names (questions/study/recordings.py); queued by `manage.py sweep_recordings`."""
    from questions.study import recordings

    rows, strays = recordings.sweep(timezone.now())
    logger.info("recordings swept rows=%s stray_files=%s", rows, strays)
    return {"rows": rows, "stray_files": strays}
