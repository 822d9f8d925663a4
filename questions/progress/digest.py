"""A user's review history as the progress dashboard reads it, kept between views and brought
up to date with the attempts made since, instead of read and worked through again after every
grade.

The digest holds each card's attempt times and ratings, and what the dashboard derives from
the whole history: the attempts per local day, the reviews that true retention counts, the
calibration's sums, and the checklists of the latest attempts (the most missed points). A
grade only appends an attempt, and appending changes nothing already derived: a review's
state and prediction depend on the attempts before it alone. So a view after a grade reads
the new attempts (one query through the (user, created_at) index) and works out only those.
Times are integer microseconds and ratings bytes, so that the digest is small to store and
quick to load (about 25 KB a thousand attempts, most of it the latest checklists).

It lives in the default cache and in the database (StoredDigest, written again every
STORE_EVERY attempts: what a restarted server, or a worker whose cache has none, starts from
and brings up to date), and every use checks it against the attempts: the count and the newest
time of the user's attempts (attempts_state(): one statement of progress/state.py, read
when the dashboard is not cached). Attempts are added only by
grading, at the time of the grade, and removed by an undo (the latest), a reset or an account
deletion; any removal leaves fewer attempts than the digest plus the new ones, and the digest
is then built again from the whole history. So a digest never disagrees with the database, in
whichever worker or server it was made. (A superuser editing an attempt's grade in the admin in
place is the one change it cannot see: the dashboard's cache key sees it, through the user's
change counter, but a skip or a suspension moves that counter too, and building the digest
again after each would cost what the digest saves.)
"""

import logging
import pickle
import zoneinfo
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from questions.progress import dashboard, missed, retention
from questions.progress.models import StoredDigest
from questions.progress.state import attempts_state
from questions.study import fsrs_items
from questions.study.models import Attempt

# Bumped whenever the digest's shape or derivations change, so that no older one is read.
VERSION = 3
# The stored copy is written again once this many attempts were added since: a restarted server
# brings it up to date from at most this many, and a grade's view rarely writes.
STORE_EVERY = 50
# A digest unused for a week leaves the cache; the database keeps it (one row per user).
CACHE_SECONDS = 7 * 24 * 3600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MICROSECONDS_A_DAY = 86_400_000_000

logger = logging.getLogger(__name__)


def micros(moment):
    """An aware datetime as integer microseconds since the epoch (exact, unlike a float)."""
    return (moment - EPOCH) // MICROSECOND


def moment(micros_since_epoch):
    return EPOCH + timedelta(microseconds=micros_since_epoch)


@dataclass
class Digest:
    count: int
    latest: datetime | None
    parameters: tuple  # the calibration's predictions are under these
    zone: str  # per_day counts local days of this zone
    cards: dict  # {question_id: (array of attempt times, bytes of their ratings)}, oldest first
    per_day: dict  # stats.reviews_per_day() of the history in `zone`, unordered
    outcome_times: array  # review_state_outcomes() in time order: their times
    outcome_remembered: bytearray  # and whether each was remembered
    calibration: list  # retention.calibration_sums() of the predicted reviews
    recent: list  # missed.recent_point_results(), newest first
    points: missed.PointCounts  # of `recent`
    version: int = VERSION
    # The count when it was last stored in the database (-1: never): not part of what it holds.
    stored_count: int = field(default=-1, compare=False)

    def attempts_per_question(self):
        """dashboard.attempts_per_question() of the history."""
        return {
            question_id: (len(ratings), sum(ratings))
            for question_id, (_times, ratings) in self.cards.items()
        }

    def reviews_per_day(self):
        """stats.reviews_per_day() of the history, in `zone`."""
        return dict(sorted(self.per_day.items()))

    def true_retention(self, today_start):
        return retention.retention_periods(
            self.outcome_times, self.outcome_remembered, today_start, micros
        )


def _key(user):
    return f"progress:digest:{user.pk}"


def _load(user):
    """(the user's digest or None, its pickle if it was read from the database): from the
    cache, else from the database (one query). Both hold a pickle that _keep() made."""
    data = cache.get(_key(user))
    stored = None
    if data is None:
        data = stored = (
            StoredDigest.objects.filter(user=user).values_list("data", flat=True).first()
        )
    digest = _unpickled(data) if data is not None else None
    if not isinstance(digest, Digest) or digest.version != VERSION:
        return None, None
    return digest, stored


def _unpickled(data):
    if not isinstance(data, bytes | memoryview):
        return None  # what the cache held before digests were kept as pickles: built again
    try:
        return pickle.loads(data)  # noqa: S301 - written by _keep() alone, like a cache's rows
    except Exception:  # a digest of a class since changed: built again from the history
        logger.warning("stored progress digest not readable", exc_info=True)
        return None


def _keep(user, digest):
    """Keep the digest in the cache, and in the database when it was built afresh or the stored
    copy is STORE_EVERY attempts behind (one upsert: two workers storing at once both succeed,
    the later one's stays). The database's copy is a cache too: a write that fails (a locked
    SQLite file) is logged, and the page is still served. The progress page runs outside a
    transaction, which a failed statement would otherwise leave unusable."""
    store = digest.stored_count < 0 or digest.count - digest.stored_count >= STORE_EVERY
    if store:
        digest.stored_count = digest.count
    data = pickle.dumps(digest, pickle.HIGHEST_PROTOCOL)
    cache.set(_key(user), data, CACHE_SECONDS)  # pickled once, for both
    if not store:
        return
    row = StoredDigest(user=user, data=data, updated_at=timezone.now())
    try:
        StoredDigest.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["data", "updated_at"],
        )
    except DatabaseError:
        logger.warning("progress digest not stored user=%s", user.pk, exc_info=True)


def history_digest(user, parameters, zone) -> Digest:
    """The user's digest, up to date with the database, its predictions under `parameters`
    and its days those of `zone` (a ZoneInfo).

    Queries: attempts_state(); the stored digest when the cache
    has none; then, unless the digest is current, the attempts since it, or with no usable
    digest the whole history and the latest attempts' checklists; and its upsert when it was
    built afresh or the stored copy fell STORE_EVERY attempts behind.
    """
    parameters = tuple(parameters)
    count, latest = attempts_state(user)
    digest, stored = _load(user)
    changed = digest is None or (digest.count, digest.latest) != (count, latest)
    if digest is not None and changed:
        digest = _brought_up_to_date(user, digest, count)
    if digest is None:
        digest = _built(user, parameters, zone)
    elif not changed and (digest.parameters, digest.zone) == (parameters, str(zone)):
        if stored is not None:
            cache.set(_key(user), bytes(stored), CACHE_SECONDS)
        return digest
    if digest.parameters != parameters:
        digest.parameters, digest.calibration = parameters, _calibration(digest.cards, parameters)
    if digest.zone != str(zone):
        digest.zone, digest.per_day = str(zone), _per_day(digest.cards, zone)
    _keep(user, digest)
    return digest


def _built(user, parameters, zone):
    by_card = {}
    for question_id, created_at, rating, _mode in dashboard.review_history(user):
        by_card.setdefault(question_id, []).append((micros(created_at), int(rating)))
    cards = {}
    for question_id, attempts in by_card.items():
        attempts.sort(key=lambda attempt: attempt[0])  # stable, as card_history sorts
        times = array("q", (at for at, _rating in attempts))
        cards[question_id] = (times, bytes(rating for _at, rating in attempts))
    outcomes = sorted(
        outcome
        for question_id, (times, ratings) in cards.items()
        for outcome in _outcomes(times, ratings, 0)
    )
    recent = missed.recent_point_results(user)
    count = sum(len(times) for times, _ratings in cards.values())
    latest = max((times[-1] for times, _ratings in cards.values()), default=None)
    return Digest(
        count=count,
        latest=moment(latest) if latest is not None else None,
        parameters=parameters,
        zone=str(zone),
        cards=cards,
        per_day=_per_day(cards, zone),
        outcome_times=array("q", (at for at, _remembered in outcomes)),
        outcome_remembered=bytearray(remembered for _at, remembered in outcomes),
        calibration=_calibration(cards, parameters),
        recent=recent,
        points=missed.PointCounts().add(recent),
    )


def _brought_up_to_date(user, digest, count):
    """The digest with the attempts made after its newest one, or None when the history
    changed otherwise (an attempt removed, or one made no later than the digest's newest)."""
    if digest.latest is None:
        return None
    new = dashboard.values_rows(
        Attempt.objects.filter(user=user, created_at__gt=digest.latest).order_by(
            "created_at", "id"
        ),
        "pk",
        "question_id",
        "created_at",
        "rating",
        "key_points_snapshot",
        "ticked",
        datetimes={"created_at"},
    )
    if not new or digest.count + len(new) != count:
        # Nothing newer, yet the newest time differs (a restored backup, whose times lost
        # their microseconds), or attempts went as others came: built again.
        return None
    zone = zoneinfo.ZoneInfo(digest.zone)
    added = Counter()
    for _pk, question_id, created_at, rating, _snapshot, _ticked in new:
        times, ratings = digest.cards.get(question_id, (array("q"), b""))
        times.append(micros(created_at))
        digest.cards[question_id] = (times, ratings + bytes([rating]))
        added[question_id] += 1
        day = created_at.astimezone(zone).date()
        digest.per_day[day] = digest.per_day.get(day, 0) + 1
    outcomes = sorted(
        outcome
        for question_id, (times, ratings) in ((q, digest.cards[q]) for q in added)
        for outcome in _outcomes(times, ratings, len(times) - added[question_id])
    )
    digest.outcome_times.extend(at for at, _remembered in outcomes)
    digest.outcome_remembered.extend(remembered for _at, remembered in outcomes)
    touched = {question_id: digest.cards[question_id] for question_id in added}
    retention.calibration_sums(
        _predictions(touched, digest.parameters, added), sums=digest.calibration
    )
    fresh = [
        missed.recent_entry(pk, q, snapshot, ticked) for pk, q, _at, _r, snapshot, ticked in new
    ]
    fresh.reverse()  # newest first
    digest.points.add(fresh)
    recent = fresh + digest.recent
    digest.points.drop(recent[missed.MISSED_POINTS_WINDOW :])
    digest.recent = recent[: missed.MISSED_POINTS_WINDOW]
    digest.count = count
    digest.latest = new[-1][2]
    return digest


def _history(times, ratings):
    """fsrs_items.card_history() of a card's times and ratings, in time order."""
    return [
        (at, (rating, 0 if index == 0 else (at - times[index - 1]) // MICROSECONDS_A_DAY))
        for index, (at, rating) in enumerate(zip(times, ratings, strict=True))
    ]


def _outcomes(times, ratings, first):
    """retention.card_outcomes() of a card's attempts from index `first` on (those before it
    are the outcomes of the attempts before it: a state depends on the ratings before it)."""
    earlier = retention.states_before(ratings[:first]).count(retention.REVIEW)
    return retention.card_outcomes(_history(times, ratings))[earlier:]


def _per_day(cards, zone):
    return dict(
        Counter(
            moment(at).astimezone(zone).date() for times, _ratings in cards.values() for at in times
        )
    )


def _predictions(cards, parameters, added=None):
    """(predicted, remembered) of the cards' predicted reviews in predicted_reviews() order; of
    each card's last `added[question_id]` attempts only, when `added` is given."""
    histories = {question_id: _history(*card) for question_id, card in cards.items()}
    reviews = fsrs_items.predicted_reviews(parameters, histories)
    if added is not None:
        since = {q: cards[q][0][len(cards[q][0]) - n] for q, n in added.items()}
        reviews = [review for review in reviews if review[0] >= since[review[1]]]
    return [(predicted, rating > retention.AGAIN) for _at, _q, rating, predicted in reviews]


def _calibration(cards, parameters):
    return retention.calibration_sums(_predictions(cards, parameters))
