"""The FSRS fit: items from attempts, the held-out evidence and the rule that keeps a fit."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from questions.study import fsrs_items, optimizer
from questions.study.fsrs_items import items_from_attempts
from questions.study.optimizer import FitOutcome
from tests.helpers import DEFAULT_PARAMETERS, forgetful_parameters, simulated_attempts

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def forgetful_items():
    return items_from_attempts(simulated_attempts(memory=forgetful_parameters(), seed=3))


def test_it_predicts_each_review_a_day_or_more_after_the_cards_previous_one():
    rows = [
        (7, T0, 1, "review"),
        (7, T0 + timedelta(minutes=1), 3, "review"),  # a learning step: history only
        (7, T0 + timedelta(days=2, hours=1), 3, "mock"),
        (7, T0 + timedelta(days=9), 1, "browse"),
        (8, T0 + timedelta(hours=3), 4, "random"),  # a first sight is never predicted
    ]

    items = items_from_attempts(reversed(rows))

    assert [item.reviews for item in items] == [
        ((1, 0), (3, 0), (3, 2)),
        ((1, 0), (3, 0), (3, 2), (1, 6)),
    ]
    assert [item.remembered for item in items] == [True, False]


def test_it_counts_attempts_of_every_mode():
    rows = simulated_attempts(cards=20, days=30, mode="mock")

    assert len(items_from_attempts(rows)) > 0


def test_it_orders_items_by_time_so_every_test_segment_follows_its_training():
    items = items_from_attempts(simulated_attempts(cards=60, days=60))

    for train, test in optimizer.time_series_splits(items):
        assert train and test
        assert max(item.reviewed_at for item in train) <= min(item.reviewed_at for item in test)


def test_it_keeps_the_defaults_and_says_why_below_the_minimum(forgetful_items):
    result = optimizer.fit(forgetful_items[: optimizer.MINIMUM_REVIEWS - 1])

    assert result.outcome == FitOutcome.TOO_FEW
    assert result.parameters is None
    assert result.reviews == optimizer.MINIMUM_REVIEWS - 1


def test_a_forgetful_learner_gets_parameters_that_predict_their_held_out_reviews_better(
    forgetful_items,
):
    result = optimizer.fit(forgetful_items)

    assert result.outcome == FitOutcome.KEPT
    assert result.evidence.fitted.log_loss < result.evidence.defaults.log_loss
    assert result.evidence.fitted.rmse < result.evidence.defaults.rmse
    assert result.evidence.held_out < len(forgetful_items)
    assert len(result.parameters) == 21


def test_a_forgetful_learner_gets_shorter_intervals(forgetful_items):
    fitted = Scheduler(parameters=optimizer.fit(forgetful_items).parameters, enable_fuzzing=False)
    default = Scheduler(enable_fuzzing=False)

    def interval(scheduler):
        card, _log = scheduler.review_card(Card(card_id=1), Rating.Easy, T0)
        card, _log = scheduler.review_card(card, Rating.Good, card.due)
        return card.due - card.last_review

    assert interval(fitted) < interval(default)


def test_it_never_keeps_a_fit_that_predicts_worse(forgetful_items, monkeypatch):
    worse = optimizer.Evidence(
        held_out=100,
        defaults=optimizer.Scores(log_loss=0.40, rmse=0.05),
        fitted=optimizer.Scores(log_loss=0.39, rmse=0.06),
    )
    monkeypatch.setattr(optimizer, "evaluate", lambda items: worse)

    result = optimizer.fit(forgetful_items)

    assert result.outcome == FitOutcome.NOT_BETTER
    assert result.parameters is None
    assert result.evidence == worse


def test_its_evidence_survives_a_round_trip_through_json(forgetful_items):
    evidence = optimizer.fit(forgetful_items).evidence

    assert optimizer.Evidence.from_dict(evidence.as_dict()) == evidence


def test_its_predictions_agree_with_the_schedulers_retrievability():
    rows = [(1, T0, 3, "review"), (1, T0 + timedelta(days=3), 3, "review")]
    rows.append((1, T0 + timedelta(days=12), 3, "review"))
    item = items_from_attempts(rows)[-1]
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=1)
    for _question, at, rating, _mode in rows[:-1]:
        card, _log = scheduler.review_card(card, Rating(rating), at)

    (predicted,) = fsrs_items.predict(DEFAULT_PARAMETERS, [item])

    assert predicted == pytest.approx(
        scheduler.get_card_retrievability(card, rows[-1][1]), abs=0.02
    )


@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, forgetful_parameters()])
def test_its_one_pass_predictions_are_the_replayed_ones(parameters):
    rows = simulated_attempts(memory=forgetful_parameters(), seed=5)
    items = items_from_attempts(rows)

    reviews = fsrs_items.predicted_reviews(parameters, fsrs_items.card_histories(rows))

    assert [review[:3] for review in reviews] == [
        (item.reviewed_at, item.question_id, item.rating) for item in items
    ]
    assert [predicted for *_review, predicted in reviews] == pytest.approx(
        fsrs_items.predict(parameters, items), rel=1e-6
    )
    assert fsrs_items.predicted_reviews(parameters, {}) == []


def test_its_scores_reward_the_model_that_knows_the_truth(forgetful_items):
    truth = fsrs_items.predict(forgetful_parameters(), forgetful_items)
    defaults = fsrs_items.predict(DEFAULT_PARAMETERS, forgetful_items)

    assert optimizer.log_loss(forgetful_items, truth) < optimizer.log_loss(
        forgetful_items, defaults
    )
    assert optimizer.rmse_bins(forgetful_items, truth) < optimizer.rmse_bins(
        forgetful_items, defaults
    )


def test_higher_retention_costs_more_reviews_and_the_optimum_is_among_the_options():
    table = optimizer.retention_options(
        DEFAULT_PARAMETERS, deck_size=60, new_per_day=5, reviews_per_day=100, days=90
    )

    workloads = [option.reviews_per_day for option in table.options]
    assert workloads == sorted(workloads)
    assert table.optimal in [option.retention for option in table.options]
    assert all(0 <= option.known_at_end <= 1 for option in table.options)
    assert optimizer.RetentionTable.from_dict(table.as_dict()) == table


def test_it_uses_the_learners_own_grade_habits_when_there_are_enough(forgetful_items):
    shares = optimizer.rating_shares(forgetful_items, [1, 2, 3, 4] * 20)

    assert shares["first_rating_prob"] == [0.25] * 4
    assert sum(shares["review_rating_prob"]) == pytest.approx(1)
    assert optimizer.rating_shares(forgetful_items[:10], [3]) == {}
