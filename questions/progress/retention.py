"""Honest retention figures: what share of reviews was actually remembered, and how well the
model's predictions matched that.

Pure functions over (question_id, created_at, rating, mode) rows and the items and predictions
of questions/study/fsrs_items.py, so that the progress page, the fit and its evidence all read
the same history in the same way; `figures` loads that history for the progress page.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate

from django.utils.translation import gettext_lazy as _
from fsrs import Scheduler

from questions.study import fsrs_items

# The scheduler's steps decide when a card leaves learning; every Scheduler here has the
# defaults (questions/study/scheduling.py sets retention and the maximum interval only).
_STEPS = Scheduler()
LEARNING_STEPS = len(_STEPS.learning_steps)
RELEARNING_STEPS = len(_STEPS.relearning_steps)
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def states_before(ratings):
    """The card's state before each of its ratings (NEW before the first).

    fsrs.Scheduler moves a card between learning, review and relearning by its ratings alone
    (the steps are counted, their lengths only set the due time), so the states follow from
    the ratings without a replay: 100 times cheaper than calling the scheduler for each one.
    tests/test_retention.py checks them against the scheduler's own replay.
    """
    states = []
    state, step = NEW, 0
    for rating in ratings:
        states.append(state)
        if state == REVIEW:
            if rating == AGAIN and RELEARNING_STEPS:
                state, step = RELEARNING, 0
            continue
        steps = RELEARNING_STEPS if state == RELEARNING else LEARNING_STEPS
        if state == NEW:
            state, step = LEARNING, 0
        if rating == EASY or not steps or (step >= steps and rating != AGAIN):
            state = REVIEW
        elif rating == AGAIN:
            step = 0
        elif rating == GOOD:
            step += 1
            if step == steps:
                state = REVIEW
    return states


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    passed: int
    failed: int

    @property
    def reviews(self):
        return self.passed + self.failed

    @property
    def retention(self):
        return self.passed / self.reviews if self.reviews else None

    @property
    def retention_percent(self):
        return self.passed * 100 / self.reviews if self.reviews else None


PERIODS = [
    # key, label, first day (days before today, None: since the beginning), last day
    ("today", _("Today"), 0, 0),
    ("yesterday", _("Yesterday"), 1, 1),
    ("week", _("Last 7 days"), 6, 0),
    ("month", _("Last 30 days"), 29, 0),
    ("year", _("Last 365 days"), 364, 0),
    ("all", _("All time"), None, 0),
]


def _local_midnight(today_start, days_before):
    # Calendar days in the user's zone: step in local time, then let zoneinfo fix the offset.
    naive = today_start.replace(tzinfo=None) - timedelta(days=days_before)
    return naive.replace(tzinfo=today_start.tzinfo)


def review_state_outcomes(rows):
    """(created_at, remembered) for every attempt made while its card was in review state:
    the reviews that true retention counts (first sight and learning steps are not recall of
    something learnt)."""
    histories = fsrs_items.card_histories(rows)
    return [outcome for history in histories.values() for outcome in card_outcomes(history)]


def card_outcomes(history):
    """review_state_outcomes() of one card's fsrs_items.card_history()."""
    states = states_before([rating for _created_at, (rating, _days) in history])
    return [
        (created_at, rating != AGAIN)
        for (created_at, (rating, _days)), state in zip(history, states, strict=True)
        if state == REVIEW
    ]


def true_retention(rows, today_start):
    """Anki's true retention: of the reviews of cards in review state, the share not graded
    Again, for today, yesterday, the last 7, 30 and 365 days and all time. `today_start` is
    the user's local midnight (an aware datetime in their zone)."""
    return period_retention(review_state_outcomes(rows), today_start)


def period_retention(outcomes, today_start):
    """true_retention() of review_state_outcomes() in any order."""
    outcomes = sorted(outcomes, key=lambda outcome: outcome[0])
    times = [created_at for created_at, _remembered in outcomes]
    return retention_periods(times, [remembered for _at, remembered in outcomes], today_start)


def retention_periods(times, remembered, today_start, to_time=None):
    """true_retention() of reviews given as their `times` in time order and whether each was
    remembered. `to_time` makes a local midnight comparable with the times (they are aware
    datetimes when it is not given)."""
    # In time order with a running count of the remembered ones, each period is two binary
    # searches instead of a pass over every review (six passes cost more than the rest).
    remembered_before = list(accumulate(remembered, initial=0))
    periods = []
    for key, label, first, last in PERIODS:
        start = _local_midnight(today_start, first) if first is not None else None
        end = _local_midnight(today_start, last - 1)
        if to_time is not None:
            start, end = (to_time(start) if start else None), to_time(end)
        low = 0 if start is None else bisect_left(times, start)
        high = max(bisect_left(times, end), low)
        passed = remembered_before[high] - remembered_before[low]
        periods.append(Period(key, label, passed, high - low - passed))
    return periods


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    reviews: int
    predicted: float | None  # mean predicted recall
    observed: float | None  # share actually remembered

    @property
    def gap(self):
        if self.reviews == 0:
            return None
        return self.observed - self.predicted


def calibration(items: list[fsrs_items.Item], predictions, bins=10):
    """Reviews grouped by the recall predicted for them (0–10 %, …, 90–100 %), with the share
    actually remembered in each group. Every review falls in exactly one bin."""
    return calibration_bins(
        zip(predictions, (item.remembered for item in items), strict=True), bins
    )


def calibration_bins(pairs, bins=10):
    """calibration() of (predicted, remembered) pairs."""
    return bins_of(calibration_sums(pairs, bins))


def calibration_sums(pairs, bins=10, sums=None):
    """[[sum of predictions, remembered, reviews]] per bin of calibration(), `sums` (of earlier
    reviews) added to in place when given."""
    if sums is None:
        sums = [[0.0, 0, 0] for _ in range(bins)]
    for predicted, remembered in pairs:
        index = min(int(predicted * bins), bins - 1)
        sums[index][0] += predicted
        sums[index][1] += remembered
        sums[index][2] += 1
    return sums


def bins_of(sums):
    """The CalibrationBins of calibration_sums()."""
    bins = len(sums)
    return [
        CalibrationBin(
            low=index / bins,
            high=(index + 1) / bins,
            reviews=count,
            predicted=predicted / count if count else None,
            observed=remembered / count if count else None,
        )
        for index, (predicted, remembered, count) in enumerate(sums)
    ]


def figures(profile, now, digest):
    """The progress page's retention section from the user's history digest
    (questions/progress/digest.py), whose predictions are under the parameters the user's
    scheduler uses, so that the calibration shown is that of the schedule they are on."""
    return {
        "true_retention": digest.true_retention(profile.start_of_day(now)),
        "calibration": bins_of(digest.calibration),
        "calibration_reviews": sum(count for _predicted, _remembered, count in digest.calibration),
        "personalised": profile.fsrs_parameters is not None,
        "desired_percent": round(profile.desired_retention * 100),
    }
