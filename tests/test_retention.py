"""True retention and calibration: the progress page's honest figures."""

import random
import zoneinfo
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from questions.progress import retention
from questions.study import fsrs_items
from tests.helpers import DEFAULT_PARAMETERS, forgetful_parameters, simulated_attempts

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime(2025, 6, 10, tzinfo=SHANGHAI)


def test_its_card_states_are_the_schedulers_own():
    rng = random.Random(5)
    scheduler = Scheduler(enable_fuzzing=False)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(200):
        ratings = [rng.choice([1, 2, 3, 4]) for _ in range(rng.randint(1, 12))]
        card, replayed = Card(card_id=1), []
        for rating in ratings:
            replayed.append(int(card.state) if card.last_review else retention.NEW)
            card, _log = scheduler.review_card(card, Rating(rating), at)
            at += timedelta(minutes=rng.choice([1, 30, 60 * 30]))

        assert retention.states_before(ratings) == replayed


def test_it_counts_only_reviews_of_cards_in_review_state():
    start = TODAY - timedelta(days=20)
    rows = [
        (1, start, 4, "review"),  # first sight, then in review (Easy)
        (1, start + timedelta(days=5), 1, "review"),  # a review, forgotten: relearning
        (1, start + timedelta(days=5, minutes=10), 3, "review"),  # relearning step: not counted
        (1, start + timedelta(days=9), 3, "mock"),  # a review, remembered
        (2, start, 1, "review"),  # learning
        (2, start + timedelta(days=1), 3, "review"),  # still learning (step 2 of 2)
    ]

    (all_time,) = [p for p in retention.true_retention(rows, TODAY) if p.key == "all"]

    assert (all_time.passed, all_time.failed) == (1, 1)
    assert all_time.retention == 0.5


def test_a_bad_session_today_shows_in_todays_retention():
    rows = simulated_attempts(cards=40, days=60, start=datetime(2025, 4, 1, 1, tzinfo=UTC))
    reviewed = {question for question, *_ in rows}
    later = TODAY + timedelta(hours=10)
    bad_session = [(q, later + timedelta(minutes=i), 1, "review") for i, q in enumerate(reviewed)]

    periods = {p.key: p for p in retention.true_retention(rows + bad_session, TODAY)}

    assert periods["today"].passed == 0
    assert periods["today"].failed > 0
    assert periods["week"].reviews >= periods["today"].reviews
    assert periods["today"].retention == 0


def test_its_days_are_the_users_local_days():
    just_before_midnight = datetime(2025, 6, 9, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    rows = [
        (1, just_before_midnight - timedelta(days=10), 4, "review"),
        (1, just_before_midnight, 3, "review"),
    ]

    periods = {p.key: p for p in retention.true_retention(rows, TODAY)}

    assert periods["yesterday"].reviews == 1
    assert periods["today"].reviews == 0


def test_its_calibration_bins_add_up_to_the_reviews_counted():
    items = fsrs_items.items_from_attempts(simulated_attempts(memory=forgetful_parameters()))
    predictions = fsrs_items.predict(DEFAULT_PARAMETERS, items)

    bins = retention.calibration(items, predictions)

    assert len(bins) == 10
    assert sum(b.reviews for b in bins) == len(items)
    assert sum(b.observed * b.reviews for b in bins if b.reviews) == sum(
        item.remembered for item in items
    )
    for b in bins:
        if b.reviews:
            assert b.low <= b.predicted <= b.high


def test_the_defaults_overrate_a_forgetful_learner():
    items = fsrs_items.items_from_attempts(simulated_attempts(memory=forgetful_parameters()))
    bins = retention.calibration(items, fsrs_items.predict(DEFAULT_PARAMETERS, items))

    counted = [b for b in bins if b.reviews >= 50]
    assert counted
    assert sum(b.gap * b.reviews for b in counted) < 0


def test_it_leaves_the_state_machine_out_of_first_sights():
    assert retention.states_before([3]) == [retention.NEW]
    assert retention.states_before([4, 1, 3]) == [retention.NEW, State.Review, State.Relearning]
