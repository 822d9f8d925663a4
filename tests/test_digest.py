"""The progress dashboard's history digest: brought up to date after grades, it is the digest a
first view would build from the whole history, and it never outlives a change it cannot add."""

import pickle
import random
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError

from questions.progress import dashboard, digest, missed, retention, stats
from questions.progress.models import StoredDigest
from questions.study import fsrs_items
from questions.study.models import Attempt
from tests.factories import make_attempt, make_questions, make_topic
from tests.helpers import DEFAULT_PARAMETERS, forgetful_parameters

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 11, 4, 15, 30, 12, 345678, tzinfo=UTC)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def questions():
    return make_questions(5, topic=make_topic())


@pytest.fixture
def history(alice, questions):
    """A year of attempts at irregular times, with checklists that miss some points."""
    rng = random.Random(7)
    at = NOW - timedelta(days=365)
    made = []
    while at < NOW - timedelta(days=2):
        at += timedelta(seconds=rng.randrange(60, 60 * 60 * 30), microseconds=rng.randrange(10**6))
        made.append(
            Attempt(
                user=alice,
                question=rng.choice(questions),
                rating=rng.choice((1, 2, 3, 3, 4)),
                coverage=0.5,
                ticked=rng.sample([1, 2, 3], rng.randrange(4)),
                answer_snapshot="reference",
                key_points_snapshot=[[1, "One", ""], [2, "Two", ""], [3, "", "Three"]],
                created_at=at,
            )
        )
    return Attempt.objects.bulk_create(made)


def fresh(user, parameters=DEFAULT_PARAMETERS, zone=SHANGHAI):
    """The digest a first view builds, with nothing cached nor stored."""
    cache.clear()
    StoredDigest.objects.filter(user=user).delete()
    return digest.history_digest(user, parameters, zone)


def restarted():
    """As after a restart: the workers' caches are empty, the stored digests are there."""
    cache.clear()


def grade(user, question, hours, rating=3, ticked=(1,)):
    return make_attempt(
        user, question, rating=rating, ticked=ticked, created_at=NOW + timedelta(hours=hours)
    )


def test_it_holds_what_the_dashboard_reads_of_the_whole_history(alice, history):
    rows = dashboard.review_history(alice)
    built = fresh(alice)
    assert built.count == len(history)
    assert built.reviews_per_day() == stats.reviews_per_day(alice, SHANGHAI, rows)
    assert built.attempts_per_question() == dashboard.attempts_per_question(rows)
    today_start = NOW.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    assert built.true_retention(today_start) == retention.true_retention(rows, today_start)
    items = fsrs_items.items_from_attempts(rows)
    predictions = fsrs_items.predict(DEFAULT_PARAMETERS, items)
    expected = retention.calibration(items, predictions)
    for got, want in zip(retention.bins_of(built.calibration), expected, strict=True):
        assert got.reviews == want.reviews
        assert got.predicted == pytest.approx(want.predicted)
        assert got.observed == want.observed
    assert built.recent == missed.recent_point_results(alice)


def test_grades_are_added_to_it_as_a_first_view_would_count_them(alice, history, questions):
    assert len(history) > missed.MISSED_POINTS_WINDOW  # the grades push the oldest checklists out
    digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    grade(alice, questions[0], 1, rating=1)
    grade(alice, questions[0], 30, ticked=())
    grade(alice, questions[4], 31, rating=4)
    grade(alice, make_questions(1, topic=make_topic())[0], 32)  # a question never seen

    updated = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)

    assert updated.count == len(history) + 4
    assert updated == fresh(alice)


def test_it_reads_only_the_new_attempts_when_it_is_behind(
    alice, history, questions, django_assert_num_queries
):
    digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    grade(alice, questions[1], 1)
    # the count and newest time, the new attempts (the stored copy is not written again yet)
    with django_assert_num_queries(2):
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    with django_assert_num_queries(1):  # current: the count and newest time only
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)


@pytest.mark.parametrize("removed", ["latest", "an old one", "an old one, then a grade"])
def test_a_removed_attempt_makes_it_build_again(alice, history, questions, removed):
    grade(alice, questions[2], 1, rating=1)
    before = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    if removed == "latest":  # an undo
        Attempt.objects.filter(user=alice).newest_first().first().delete()
    else:
        history[10].delete()
    if removed == "an old one, then a grade":
        grade(alice, questions[3], 2)

    after = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)

    assert after == fresh(alice)
    assert after.count == before.count - 1 + (removed == "an old one, then a grade")


def test_a_newest_attempt_moved_earlier_makes_it_build_again(alice, history):
    """As after restoring a backup, whose times keep only milliseconds, into a database whose
    cache (Redis) still holds the digest: the count is the same, the newest time earlier."""
    digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    newest = Attempt.objects.filter(user=alice).newest_first().first()
    newest.created_at = newest.created_at.replace(microsecond=0)
    newest.save(update_fields=["created_at"])
    assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == fresh(alice)


def test_an_attempt_timed_before_its_newest_makes_it_build_again(alice, history, questions):
    digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    make_attempt(alice, questions[0], created_at=history[5].created_at + timedelta(seconds=1))

    assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == fresh(alice)


def test_new_parameters_or_a_new_zone_are_worked_out_afresh(alice, history, questions):
    digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
    grade(alice, questions[0], 1)
    forgetful = tuple(forgetful_parameters())

    personalised = digest.history_digest(alice, forgetful, NEW_YORK)

    assert personalised.parameters == forgetful
    assert personalised.zone == "America/New_York"
    assert personalised == fresh(alice, forgetful, NEW_YORK)
    assert personalised.calibration != fresh(alice).calibration


def test_an_older_or_foreign_cached_value_is_never_read(alice, history):
    built = fresh(alice)
    built.version = digest.VERSION - 1
    built.count = 0
    cache.set(digest._key(alice), built)
    assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == fresh(alice)
    cache.set(digest._key(alice), "not a digest")
    assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI).count == len(history)


def test_a_user_with_no_attempts_has_an_empty_one(alice, bob, history):
    empty = digest.history_digest(bob, DEFAULT_PARAMETERS, SHANGHAI)
    assert (empty.count, empty.latest, empty.cards, empty.recent) == (0, None, {}, [])
    assert empty.reviews_per_day() == {}
    make_attempt(bob, history[0].question, created_at=NOW)
    assert digest.history_digest(bob, DEFAULT_PARAMETERS, SHANGHAI).count == 1


def test_its_times_are_exact_microseconds():
    moment = datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=UTC)
    assert digest.moment(digest.micros(moment)) == moment
    later = moment + timedelta(days=3)
    assert (digest.micros(later) - digest.micros(moment)) // digest.MICROSECONDS_A_DAY == 3


class TestStored:
    def test_a_restarted_server_starts_from_the_stored_digest(
        self, alice, history, questions, django_assert_num_queries
    ):
        built = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        restarted()
        with django_assert_num_queries(2):  # the count and newest time, the stored digest
            assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == built
        with django_assert_num_queries(1):  # and then the cache has it again
            digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)

    def test_the_stored_digest_is_brought_up_to_date_like_a_cached_one(
        self, alice, history, questions
    ):
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        grade(alice, questions[1], 1)
        restarted()
        updated = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        assert updated.count == len(history) + 1
        assert updated == fresh(alice)
        restarted()  # and what it stored is that digest
        assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == updated

    def test_it_is_stored_again_once_enough_attempts_came_since(
        self, alice, history, questions, monkeypatch, django_assert_num_queries
    ):
        monkeypatch.setattr(digest, "STORE_EVERY", 3)
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        stored_at = StoredDigest.objects.get(user=alice).updated_at
        for hours in (1, 2):
            grade(alice, questions[1], hours)
            digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        assert StoredDigest.objects.get(user=alice).updated_at == stored_at
        grade(alice, questions[1], 3)
        # the count and newest time, the new attempt, the upsert
        with django_assert_num_queries(3):
            digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        stored = pickle.loads(StoredDigest.objects.get(user=alice).data)
        assert stored.count == len(history) + 3
        assert stored == fresh(alice)

    def test_a_removal_seen_after_a_restart_builds_it_again(self, alice, history):
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        history[10].delete()
        restarted()
        assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI).count == len(history) - 1

    @pytest.mark.parametrize("stored", [b"not a pickle", "an older version"])
    def test_an_unreadable_or_older_stored_digest_is_built_again(self, alice, history, stored):
        built = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        if stored == "an older version":
            built.version -= 1
            stored = pickle.dumps(built)
        StoredDigest.objects.filter(user=alice).update(data=stored)
        restarted()
        assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == fresh(alice)
        assert pickle.loads(StoredDigest.objects.get(user=alice).data).version == digest.VERSION

    def test_a_digest_object_left_in_the_cache_by_an_older_release_is_built_again(
        self, alice, history, caplog
    ):
        built = digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        StoredDigest.objects.all().delete()
        cache.set(digest._key(alice), built)  # an object, as the cache held it before
        assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI) == fresh(alice)
        assert "not readable" not in caplog.text

    def test_a_failed_store_still_serves_the_digest(self, alice, history, monkeypatch, caplog):
        def locked(*args, **kwargs):
            raise OperationalError("database is locked")

        monkeypatch.setattr(StoredDigest.objects, "bulk_create", locked)
        assert digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI).count == len(history)
        assert "progress digest not stored" in caplog.text
        assert not StoredDigest.objects.exists()

    def test_each_users_own_and_gone_with_the_account(self, alice, bob, history, questions):
        make_attempt(bob, questions[0])
        digest.history_digest(alice, DEFAULT_PARAMETERS, SHANGHAI)
        digest.history_digest(bob, DEFAULT_PARAMETERS, SHANGHAI)
        restarted()
        assert digest.history_digest(bob, DEFAULT_PARAMETERS, SHANGHAI).count == 1
        alice.delete()
        assert list(StoredDigest.objects.values_list("user", flat=True)) == [bob.pk]
