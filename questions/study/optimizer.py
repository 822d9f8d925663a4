"""FSRS fitted to one learner: their attempts as FSRS items, a fit with its evidence, and the
workload each desired retention would cost.

Pure functions over plain rows (question id, time, rating, mode): no models, no requests. The
worker runs them (questions/study/tasks.py); a request never does, since a fit trains six
models. The engine is fsrs-rs (`fsrs_rs_python`), the one Anki uses; its 21 default parameters
are the `fsrs` package's, so fitted ones go straight into `fsrs.Scheduler(parameters=...)`.

Which attempts count: every attempt, in every mode (review, browse, random, mock). Each is a
graded recall written before the reference answer was shown, and each one updated the card
(`record_grade`), so the card's FSRS state, from which the scheduler predicts, is the replay
of all of them. A fit on a subset would learn from gaps the scheduler never sees. An undone
grade is deleted with its attempt, so it never counts.

Elapsed time is counted as `fsrs.Scheduler` counts it: whole days of 24 hours since the card's
previous attempt (0 for the first). A card's attempts on the day it was last seen (learning
steps, a second look in one session) stay in its history but are not predicted: FSRS's
forgetting curve says nothing about recall within a day, and fsrs-rs refuses such items. So
"reviews" below are the predicted ones: attempts at least a day after the card's previous one.
"""

import math
from collections import defaultdict
from dataclasses import asdict, dataclass

import fsrs_rs_python as fsrs_rs
from django.db import models
from django.utils.translation import gettext_lazy as _
from fsrs import Scheduler

from questions.study.fsrs_items import predict, rust_item

DEFAULT_PARAMETERS = tuple(Scheduler().parameters)

# Held-out evaluation as fsrs-rs does it: the reviews in time order cut into SPLITS + 1 equal
# segments; each of the last SPLITS segments is predicted by a fit on everything before it.
SPLITS = 5
# fsrs-rs trains all 21 parameters only from 64 items (with fewer it fits the four initial
# stabilities alone, with fewer than 8 none). The first split trains on one segment in six, so
# 6 × 64 = 384 reviews, rounded up, is the least that makes every split a real fit.
MINIMUM_REVIEWS = 400
# Once a learner has personalised, their schedule is fitted again after this many new attempts:
# about two weeks of steady practice, enough to move the fit, and the grade path checks it with
# one indexed query (StudyProfile.refit_due).
REFIT_EVERY = 200
# Items whose card has more attempts than this are left out of training (fsrs-rs's default).
MAX_SEQUENCE_LENGTH = 256
# Predictions are clamped into (0, 1) so that one confident miss cannot make the loss infinite.
EPSILON = 1e-4

# The retention values whose workload Settings shows, and the simulation behind them.
RETENTION_VALUES = (0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
SIMULATED_DAYS = 365
SIMULATION_SEED = 42


class FitOutcome(models.TextChoices):
    """What the last personalisation did; the empty value means it was never asked for."""

    NONE = "", _("Not personalised")
    QUEUED = "queued", _("Queued")
    KEPT = "kept", _("Personalised")
    TOO_FEW = "too_few", _("Not enough reviews yet")
    NOT_BETTER = "not_better", _("The defaults predict you better")
    FAILED = "failed", _("The fit failed")


def log_loss(items, predictions):
    total = 0.0
    for item, predicted in zip(items, predictions, strict=True):
        predicted = min(max(predicted, EPSILON), 1 - EPSILON)
        total -= math.log(predicted if item.remembered else 1 - predicted)
    return total / len(items)


def _bin(item):
    """Reviews alike in what FSRS sees: days elapsed (doubling bands), how many earlier
    reviews the card had (capped), and whether it was ever forgotten."""
    earlier = sum(1 for _rating, days in item.reviews[:-1] if days > 0)
    lapsed = any(rating == 1 for rating, days in item.reviews[1:-1] if days > 0)
    return (int(math.log2(item.elapsed_days)), min(earlier, 6), lapsed)


def rmse_bins(items, predictions):
    """Root mean square gap between predicted and observed recall over bins of alike reviews,
    each bin weighted by its size: the calibration error FSRS's authors report."""
    bins = defaultdict(lambda: [0.0, 0, 0])
    for item, predicted in zip(items, predictions, strict=True):
        entry = bins[_bin(item)]
        entry[0] += predicted
        entry[1] += item.remembered
        entry[2] += 1
    squared = sum((p - r) ** 2 / n for p, r, n in bins.values())
    return math.sqrt(squared / len(items))


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse: float

    @classmethod
    def of(cls, items, predictions):
        return cls(log_loss(items, predictions), rmse_bins(items, predictions))


@dataclass(frozen=True)
class Evidence:
    """Both models scored on the same held-out reviews."""

    held_out: int
    defaults: Scores
    fitted: Scores

    @property
    def fit_is_better(self):
        """The rule: a fit is kept only when it predicts the held-out reviews better on both
        measures. Log loss alone could reward a fit that is sharper but worse calibrated."""
        return (
            self.fitted.log_loss < self.defaults.log_loss and self.fitted.rmse < self.defaults.rmse
        )

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        if not data:
            return None
        return cls(data["held_out"], Scores(**data["defaults"]), Scores(**data["fitted"]))


@dataclass(frozen=True)
class FitResult:
    outcome: str  # a FitOutcome value
    reviews: int
    parameters: tuple | None  # only when kept
    evidence: Evidence | None


def _train(items):
    kept = [rust_item(item.reviews) for item in items if len(item.reviews) <= MAX_SEQUENCE_LENGTH]
    parameters = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(kept)
    return tuple(float(value) for value in parameters)


def time_series_splits(items, splits=SPLITS):
    """(train, test) pairs: each test segment follows, in time, everything it is trained on."""
    size = len(items) // (splits + 1)
    for index in range(splits):
        start = (index + 1) * size
        end = len(items) if index == splits - 1 else start + size
        yield items[:start], items[start:end]


def evaluate(items):
    """Defaults and fits scored on the held-out segments, every held-out review counted once."""
    held_out, by_defaults, by_fits = [], [], []
    for train, test in time_series_splits(items):
        held_out += test
        by_defaults += predict(DEFAULT_PARAMETERS, test)
        by_fits += predict(_train(train), test)
    return Evidence(
        held_out=len(held_out),
        defaults=Scores.of(held_out, by_defaults),
        fitted=Scores.of(held_out, by_fits),
    )


def fit(items):
    """Parameters fitted to all of `items`, kept only if the held-out evidence says so.

    Six trainings (one per split and the final one); ~0.1 s of CPU for 5,000 attempts
    (docs/BENCHMARKS.md). Raises ValueError when fsrs-rs or the scheduler refuse the result.
    """
    if len(items) < MINIMUM_REVIEWS:
        return FitResult(FitOutcome.TOO_FEW, len(items), None, None)
    evidence = evaluate(items)
    if not evidence.fit_is_better:
        return FitResult(FitOutcome.NOT_BETTER, len(items), None, evidence)
    parameters = _train(items)
    Scheduler(parameters=parameters)  # the scheduler checks its bounds: ValueError if outside
    return FitResult(FitOutcome.KEPT, len(items), parameters, evidence)


# --- Desired retention and its cost ---------------------------------------------------------


@dataclass(frozen=True)
class RetentionOption:
    retention: float
    reviews_per_day: float  # simulated, averaged over the simulated days
    recall: float  # share of simulated reviews remembered
    known_at_end: float  # expected share of the deck recalled on the last simulated day


@dataclass(frozen=True)
class RetentionTable:
    days: int
    deck_size: int
    optimal: float  # the retention with the least work per question remembered
    options: tuple

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        if not data:
            return None
        options = tuple(RetentionOption(**option) for option in data["options"])
        return cls(data["days"], data["deck_size"], data["optimal"], options)


def rating_shares(items, first_ratings):
    """The learner's own grade habits for the simulator, when there are enough of them:
    shares of Again/Hard/Good/Easy on first sight and of Hard/Good/Easy when remembered."""
    first = [sum(1 for rating in first_ratings if rating == r) for r in (1, 2, 3, 4)]
    passed = [sum(1 for item in items if item.rating == r) for r in (2, 3, 4)]
    shares = {}
    if sum(first) >= 50 and all(first):
        shares["first_rating_prob"] = [count / sum(first) for count in first]
    if sum(passed) >= 50 and all(passed):
        shares["review_rating_prob"] = [count / sum(passed) for count in passed]
    return shares


def simulator_config(*, deck_size, days, new_per_day, reviews_per_day, shares=None):
    default = fsrs_rs.default_simulator_config()
    shares = shares or {}
    return fsrs_rs.SimulatorConfig(
        deck_size=deck_size,
        learn_span=days,
        # Limits by count only (the daily limits in Settings), not by time spent.
        max_cost_perday=float(86400 * 365),
        max_ivl=36500.0,
        first_rating_prob=shares.get("first_rating_prob", default.first_rating_prob),
        review_rating_prob=shares.get("review_rating_prob", default.review_rating_prob),
        learn_limit=new_per_day,
        review_limit=reviews_per_day,
        new_cards_ignore_review_limit=True,
        learning_step_transitions=default.learning_step_transitions,
        relearning_step_transitions=default.relearning_step_transitions,
        state_rating_costs=default.state_rating_costs,
        learning_step_count=default.learning_step_count,
        relearning_step_count=default.relearning_step_count,
    )


def retention_options(
    parameters,
    *,
    deck_size,
    new_per_day,
    reviews_per_day,
    days=SIMULATED_DAYS,
    shares=None,
    values=RETENTION_VALUES,
):
    """Simulated daily reviews and recall for each retention in `values`, and the
    workload-optimal retention. ~0.25 s with a deck of 300: the worker computes it."""
    deck_size, days = max(int(deck_size), 1), max(int(days), 1)
    config = simulator_config(
        deck_size=deck_size,
        days=days,
        new_per_day=max(int(new_per_day), 1),
        reviews_per_day=max(int(reviews_per_day), 1),
        shares=shares,
    )
    parameters = list(parameters)
    optimal = round(float(fsrs_rs.optimal_retention(config, parameters)), 2)
    options = []
    for retention in sorted({*values, optimal}):
        result = fsrs_rs.simulate(parameters, retention, config, SIMULATION_SEED)
        reviewed = sum(result.review_cnt_per_day)
        options.append(
            RetentionOption(
                retention=retention,
                reviews_per_day=round(reviewed / days, 1),
                recall=round(sum(result.correct_cnt_per_day) / reviewed, 3) if reviewed else 1.0,
                known_at_end=round(result.memorized_cnt_per_day[-1] / deck_size, 3),
            )
        )
    return RetentionTable(days=days, deck_size=deck_size, optimal=optimal, options=tuple(options))
