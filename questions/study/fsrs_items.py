"""A learner's attempts as FSRS sees them: each card's history, the items a fit trains on and
is judged by, and the recall FSRS predicts for them under given parameters.

Pure functions over plain (question_id, created_at, rating, mode) rows. Which attempts count
and how elapsed time is counted are explained in questions/study/optimizer.py, which fits
FSRS to these items; the progress dashboard's calibration reads their predictions.
"""

from collections import defaultdict
from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs


@dataclass(frozen=True)
class Item:
    """One predicted review: the card's attempts up to and including it, as (rating, days
    since the previous attempt) pairs, the first with 0 days."""

    question_id: int
    reviewed_at: object  # an aware datetime
    reviews: tuple

    @property
    def rating(self):
        return self.reviews[-1][0]

    @property
    def elapsed_days(self):
        return self.reviews[-1][1]

    @property
    def remembered(self):
        return self.rating > 1


def card_histories(rows):
    """Each card's attempts from (question_id, created_at, rating, mode) rows in any order:
    {question_id: [(created_at, (rating, days since the previous attempt)), ...]}, oldest first."""
    by_card = defaultdict(list)
    for question_id, created_at, rating, _mode in rows:
        by_card[question_id].append((created_at, int(rating)))
    return {question_id: card_history(attempts) for question_id, attempts in by_card.items()}


def card_history(attempts):
    """One card's [(created_at, rating)] in any order as card_histories() gives it."""
    attempts = sorted(attempts, key=lambda attempt: attempt[0])
    previous, history = None, []
    for created_at, rating in attempts:
        history.append(
            (created_at, (rating, 0 if previous is None else (created_at - previous).days))
        )
        previous = created_at
    return history


def items_from_attempts(rows):
    """FSRS items from (question_id, created_at, rating, mode) rows in any order, oldest
    review first (the time-series split depends on that order)."""
    items = []
    for question_id, history in card_histories(rows).items():
        reviews = tuple(review for _created_at, review in history)
        for index, (created_at, (_rating, days)) in enumerate(history):
            if index and days > 0:
                items.append(Item(question_id, created_at, reviews[: index + 1]))
    items.sort(key=lambda item: (item.reviewed_at, item.question_id))
    return items


def predicted_reviews(parameters, histories):
    """The reviews items_from_attempts would make of these card_histories(), in its order,
    each with the recall predict() gives it: [(reviewed_at, question_id, rating, predicted)].

    One fsrs-rs pass per card (the memory state after each of its attempts) instead of one
    replay of the card's attempts per review, which costs the square of a card's attempts.
    tests/test_optimizer.py checks the values against predict().
    """
    ids = [question_id for question_id, history in histories.items() if len(history) > 1]
    if not ids:
        return []
    model = fsrs_rs.FSRS(list(parameters))
    states = model.historical_memory_state_batch(
        [rust_item([review for _at, review in histories[question_id]]) for question_id in ids]
    )
    recall = _forgetting_curve(parameters)
    reviews = []
    for question_id, card_states in zip(ids, states, strict=True):
        history = histories[question_id]
        for index in range(1, len(history)):
            created_at, (rating, days) = history[index]
            if days > 0:
                predicted = recall(days, card_states[index - 1].stability)
                reviews.append((created_at, question_id, rating, predicted))
    reviews.sort()
    return reviews


def memory_states(parameters, rows):
    """Each card's FSRS memory after all its attempts under these parameters, as
    {question_id: (stability, difficulty)}: what its row should hold once they change."""
    histories = card_histories(rows)
    if not histories:
        return {}
    model = fsrs_rs.FSRS(list(parameters))
    ids = list(histories)
    states = model.memory_state_batch(
        [rust_item([review for _at, review in histories[question_id]]) for question_id in ids]
    )
    return {
        question_id: (float(state.stability), float(state.difficulty))
        for question_id, state in zip(ids, states, strict=True)
    }


def rust_item(reviews):
    return fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, days) for rating, days in reviews])


def predict(parameters, items):
    """The recall FSRS with these parameters predicts for each item, from its history alone."""
    if not items:
        return []
    model = fsrs_rs.FSRS(list(parameters))
    states = model.memory_state_batch([rust_item(item.reviews[:-1]) for item in items])
    recall = _forgetting_curve(parameters)
    return [
        recall(item.elapsed_days, state.stability)
        for item, state in zip(items, states, strict=True)
    ]


def _forgetting_curve(parameters):
    """FSRS's recall after `days` at `stability`, as fsrs.Scheduler computes retrievability."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return lambda days, stability: (1 + factor * days / stability) ** decay
