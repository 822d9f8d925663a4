"""Fill the database with a large, realistic bank and study history for benchmarks.

Everything is written in bulk, so no model's save() runs and no signal fires (the study
profiles that a signal makes for each new user are made here). The bank and the users go
through bulk_create; the million attempts and their cards, where building model instances
would cost more than the FSRS replays, go in as plain rows (executemany on SQLite, COPY on
PostgreSQL) holding the values the model fields would send, into tables whose indexes are
rebuilt once at the end. About 2 minutes for 1,000,000 attempts on 2 cores.
"""

import bisect
import contextlib
import itertools
import json
import multiprocessing
import operator
import os
import random
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, transaction
from fsrs import Card, Rating, Scheduler, State

from questions.bank.importing.parse import read_files
from questions.bank.models import Difficulty, KeyPoint, Question, Topic
from questions.management.commands.load_sample_bank import SAMPLE_BANK
from questions.study.models import (
    SCHEDULE_FIELDS,
    Attempt,
    AttemptMode,
    MockItem,
    ReviewCard,
    StudyProfile,
)

SOURCE = "loadgen"
TOPIC_SLUG_PREFIX = "loadgen-"
USERNAME_PREFIX = "bench-user-"
PASSWORD = "bench-password-not-secret"
BATCH_SIZE = 5000
# Below this many attempts, starting processes costs more than it saves.
PARALLEL_FROM = 50_000
# How many attempts a card gets on average; each user's attempts are spread over this many
# fewer cards (capped by the bank's size).
MEAN_REPS = 4
# Ratings as people give them: mostly Good, sometimes Again.
RATING_WEIGHTS = {Rating.Again: 12, Rating.Hard: 15, Rating.Good: 60, Rating.Easy: 13}
RATINGS = list(RATING_WEIGHTS)
RATING_BOUNDS = list(itertools.accumulate(RATING_WEIGHTS.values()))
TICK_SHARES = {Rating.Again: 0.15, Rating.Hard: 0.5, Rating.Good: 0.8, Rating.Easy: 1.0}
REVIEW, BROWSE = AttemptMode.REVIEW.value, AttemptMode.BROWSE.value
TIME_ZONES = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"]


def loadgen_users():
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)


def loadgen_questions():
    return Question.objects.filter(source=SOURCE)


class Command(BaseCommand):
    help = (
        "Generate benchmark data: QUESTIONS questions (source 'loadgen', key points copied from "
        "the sample bank), USERS users named bench-user-N (all with the password printed at "
        "the end, each with a study profile) and ATTEMPTS attempts spread over them, with one "
        "review card per (user, question) answered whose FSRS state replays those attempts. "
        "The same --seed and --now give the same data. Refuses to run when generated data "
        "exists unless --reset, which deletes it first, or --if-missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=10_000)
        parser.add_argument("--users", type=int, default=200)
        parser.add_argument("--attempts", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            help="The moment the history ends (ISO 8601, UTC when naive); default: now.",
        )
        parser.add_argument("--reset", action="store_true", help="Delete generated data first.")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Keep generated data of these numbers (benchmark runs add a few attempts); "
            "replace any other.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be generated; write nothing."
        )

    def handle(self, *args, **options):
        questions, users, attempts = options["questions"], options["users"], options["attempts"]
        if questions < 1 or users < 1 or attempts < 0:
            raise CommandError("--questions and --users must be at least 1, --attempts at least 0")
        now = options["now"] or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        self.started = time.monotonic()
        self.say(
            f"{questions} questions, {users} users, {attempts} attempts, seed {options['seed']}, "
            f"history up to {now:%Y-%m-%d %H:%M} UTC"
        )
        if options["dry_run"]:
            self.say("Dry run: nothing was written.")
            return
        if options["if_missing"]:
            if self.generated_already(questions, users, attempts):
                self.say("generated data of these numbers is present: kept")
                return
            options["reset"] = True
        if options["reset"]:
            self.reset()
        elif loadgen_questions().exists() or loadgen_users().exists():
            raise CommandError("generated data exists already: pass --reset to replace it")

        generator = _Generator(options["seed"], now, self.say)
        with _sqlite_bulk_load_mode(), transaction.atomic():
            generator.run(questions, users, attempts)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does to a live table: without a visibility map, counting a
            # user's 5,000 attempts (the history page's count) reads 5,000 heap pages instead
            # of the index alone (7 ms against 0.4 ms). VACUUM cannot run in a transaction (tests).
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM (ANALYZE) questions_attempt, questions_reviewcard, questions_question"
                )
            self.say("tables vacuumed")
        self.say(f"done; every bench user's password is {PASSWORD!r}")

    def say(self, message):
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f}s] {message}")
        self.stdout.flush()

    def generated_already(self, questions, users, attempts):
        if loadgen_questions().count() != questions or loadgen_users().count() != users:
            return False
        found = Attempt.objects.filter(user__in=loadgen_users()).count()
        # Each benchmark run grades a few thousand more times.
        return attempts <= found <= attempts * 1.2 + 5000

    def reset(self):
        """Delete the generated rows with plain DELETEs, not the ORM's cascade: that would load
        every attempt into Python (mock items point at attempts, so it cannot fast-delete
        them) and send each question's and key point's delete signals (edit history,
        near-duplicate bookkeeping), which takes minutes for 10,000 questions."""
        users, questions = loadgen_users(), loadgen_questions()
        alias = connection.alias
        with transaction.atomic():
            attempts = Attempt.objects.filter(user__in=users) | Attempt.objects.filter(
                question__in=questions
            )
            MockItem.objects.filter(attempt__in=attempts).update(attempt=None)
            deleted = attempts._raw_delete(alias)
            # Whatever else points at the generated questions: key points, cards, tags, ...
            for rows in _rows_pointing_at(Question, questions):
                deleted += rows._raw_delete(alias)
            deleted += ReviewCard.objects.filter(user__in=users)._raw_delete(alias)
            deleted += users.delete()[0]
            deleted += questions._raw_delete(alias)
            deleted += Topic.objects.filter(slug__startswith=TOPIC_SLUG_PREFIX).delete()[0]
        self.say(f"reset: deleted {deleted} generated rows")


def _rows_pointing_at(model, instances):
    """A queryset per foreign key to `model`, hidden ones and many-to-many tables included, of
    the rows pointing at `instances`."""
    for relation in model._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and not relation.many_to_many:
            manager = relation.related_model._base_manager
            yield manager.filter(**{f"{relation.field.name}__in": instances})


@contextmanager
def _sqlite_bulk_load_mode():
    """A rollback journal and a large page cache on SQLite while loading.

    In WAL mode the whole load would be written twice (to the log, then to the database) and
    the log would grow to the database's size. journal_mode can only change outside a
    transaction and with no other connection open; if it cannot, the load runs in WAL mode.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -1000000")  # KiB: up to 1 GB
        switched = False
        if not connection.in_atomic_block:
            cursor.execute("PRAGMA temp_store = MEMORY")  # index builds sort in memory
            with contextlib.suppress(OperationalError):
                cursor.execute("PRAGMA journal_mode = DELETE")
                switched = cursor.fetchone()[0] == "delete"
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA temp_store = DEFAULT")
            if switched:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA cache_size = -2000")


@contextmanager
def _indexes_rebuilt_after(*models):
    """Drop the tables' secondary indexes and unique constraints (and on PostgreSQL their
    foreign keys), and build them again at the end: sorting a million rows once is much faster
    than keeping every index (one of them on random reveal tokens) in order row by row, and
    one join checks the foreign keys faster than a million deferred triggers. Inside the load's
    transaction, so a failed load leaves them as they were."""
    restore = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table with pending deferred checks cannot be altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                for name, sql in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {quote(name)}")
                    restore.append(sql)
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                    restore.append(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )
                cursor.execute(
                    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                    "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {name}")
                    restore.append(definition)
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Enough memory to sort a million index entries without spilling to disk.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in restore:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred


# What _user_history needs besides its task, set before the worker processes fork.
_SHARED = {}
SCHEDULER = Scheduler(desired_retention=0.9, enable_fuzzing=False)


def _user_history(task):
    """One user's attempts and cards as plain tuples: no database, no Django.

    New questions come in bank order, about ten a day, over the last 4 to 13 months; each is
    answered once, then again at random later times until now, a few hard ones many times.
    Each card is the FSRS replay of its attempts.
    """
    number, user_pk, quota = task
    now, point_counts = _SHARED["now"], _SHARED["points"]
    rng = random.Random(f"{_SHARED['seed']}:{number}")
    attempts, cards = [], []
    if quota == 0:
        return attempts, cards
    card_count = min(len(point_counts), max(1, round(quota / MEAN_REPS)))
    weights = [rng.expovariate(1) for _ in range(card_count)]
    reps = Counter(rng.choices(range(card_count), weights, k=quota - card_count))
    span = timedelta(days=rng.uniform(120, 400))
    start = now - span
    for index in range(card_count):
        first = start + span * 0.9 * index / card_count + timedelta(hours=rng.uniform(0, 8))
        later = sorted(rng.random() for _ in range(reps[index]))
        dates = [first] + [first + (now - first) * fraction for fraction in later]
        card = Card(card_id=index + 1)
        lapses = again = 0
        for date in dates:
            rating = RATINGS[bisect.bisect(RATING_BOUNDS, rng.random() * RATING_BOUNDS[-1])]
            lapses += card.state == State.Review and rating == Rating.Again
            again += rating == Rating.Again
            card, _log = SCHEDULER.review_card(card, rating, review_datetime=date)
            share = TICK_SHARES[rating]
            ticked = tuple(p for p in range(1, point_counts[index] + 1) if rng.random() < share)
            attempts.append(
                (
                    date,
                    user_pk,
                    index,
                    int(rating),
                    ticked,
                    20 + int(rng.random() * 880),
                    rng.random() < 0.05,
                    rng.getrandbits(128),
                )
            )
        cards.append(
            (
                user_pk,
                index,
                int(card.state),
                card.step,
                card.stability,
                card.difficulty,
                card.due,
                card.last_review,
                len(dates),
                lapses,
                again,
                dates[0],
            )
        )
    return attempts, cards


class _Generator:
    def __init__(self, seed, now, say):
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.say = say
        self.prepare = _RowPreparer()

    def run(self, question_count, user_count, attempt_count):
        questions = self.make_questions(question_count)
        users = self.make_users(user_count)
        attempts, cards = self.make_history(questions, users, attempt_count)
        with _indexes_rebuilt_after(Attempt, ReviewCard):
            self.insert(Attempt, ATTEMPT_COLUMNS, attempts, "attempts")
            self.insert(ReviewCard, CARD_COLUMNS, cards, "cards")
        self.say("indexes rebuilt")
        # Fresh statistics, as autovacuum would gather them on a live database: without them
        # PostgreSQL guesses that a search matches 3 of 10,000 questions and scans them all.
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")  # sample, do not read it all
            cursor.execute("ANALYZE")
        self.say("statistics gathered")

    # --- The bank -----------------------------------------------------------------------------

    def make_questions(self, count):
        samples = read_files([SAMPLE_BANK], source=SOURCE, topic="loadgen", language="zh-hans")
        topics = Topic.objects.bulk_create(
            Topic(name=f"Load test {n:02d}", slug=f"{TOPIC_SLUG_PREFIX}{n:02d}", position=900 + n)
            for n in range(1, min(20, count) + 1)
        )
        difficulties = list(Difficulty.values)
        rows = []
        for n in range(1, count + 1):
            sample = samples[(n - 1) % len(samples)]
            title = f"{sample.title} ({n})"
            rows.append(
                Question(
                    topic=topics[(n - 1) % len(topics)],
                    title=title,
                    prompt=sample.prompt,
                    **sample.stored_answer(),
                    # What save() would derive (the key points are written just below).
                    search_text=Question.search_text_of(
                        title, sample.prompt, sample.answer, sample.key_points
                    ),
                    explanation=sample.explanation,
                    difficulty=self.rng.choice(difficulties),
                    language="zh-hans",
                    source=SOURCE,
                    external_key=f"{SOURCE}:{n}",
                    position=n,
                    # A few unpublished questions, so the queries' published filter has work.
                    is_published=self.rng.random() >= 0.01,
                )
            )
        questions = Question.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        points = [
            KeyPoint(question=question, position=position, label=label, detail=detail)
            for question, sample in zip(questions, _cycle(samples, count), strict=True)
            for position, (label, detail) in enumerate(sample.key_points, start=1)
        ]
        KeyPoint.objects.bulk_create(points, batch_size=BATCH_SIZE)
        self.say(f"questions: {len(questions)} in {len(topics)} topics, {len(points)} key points")
        return [
            _QuestionData(question, sample.key_points, self.prepare)
            for question, sample in zip(questions, _cycle(samples, count), strict=True)
        ]

    def make_users(self, count):
        # One hash for all: hashing a password takes about half a second on purpose.
        password = make_password(PASSWORD)
        joined = self.now - timedelta(days=400)
        users = get_user_model().objects.bulk_create(
            (
                get_user_model()(
                    username=f"{USERNAME_PREFIX}{n}",
                    email=f"{USERNAME_PREFIX}{n}@example.com",
                    password=password,
                    date_joined=joined,
                )
                for n in range(1, count + 1)
            ),
            batch_size=BATCH_SIZE,
        )
        # bulk_create sends no post_save, so the profiles the signal would make are made here.
        StudyProfile.objects.bulk_create(
            (StudyProfile(user=user, time_zone=self.rng.choice(TIME_ZONES)) for user in users),
            batch_size=BATCH_SIZE,
        )
        self.say(f"users: {len(users)} with study profiles")
        return users

    # --- The history --------------------------------------------------------------------------

    def make_history(self, questions, users, attempt_count):
        """Attempts in time order and cards, as rows of database values.

        FSRS replays take most of the time: users are worked out in parallel processes
        (forked, so they share the question list), each with a random generator of its own
        seeded from --seed and its number, so any number of processes gives the same data.
        """
        quotas = _split(attempt_count, [self.rng.uniform(0.5, 1.5) for _ in users])
        tasks = [
            (number, user.pk, quota)
            for number, (user, quota) in enumerate(zip(users, quotas, strict=True), start=1)
        ]
        _SHARED.update(seed=self.seed, now=self.now, points=[q.point_count for q in questions])
        processes = min(os.cpu_count() or 1, 4) if attempt_count >= PARALLEL_FROM else 1
        attempts, cards = [], []
        with contextlib.ExitStack() as stack:
            if processes > 1:
                pool = stack.enter_context(multiprocessing.get_context("fork").Pool(processes))
                results = pool.imap(_user_history, tasks, chunksize=2)
            else:
                results = map(_user_history, tasks)
            for number, (user_attempts, user_cards) in enumerate(results, start=1):
                attempts += user_attempts
                cards += user_cards
                if number % max(len(users) // 10, 1) == 0:
                    self.say(f"history: {number}/{len(users)} users, {len(attempts)} attempts")
        attempts.sort(key=operator.itemgetter(0))
        prepare = self.prepare
        attempt_rows = []
        for date, user_pk, index, rating, ticked, seconds, browse, bits in attempts:
            question = questions[index]
            attempt_rows.append(
                (
                    user_pk,
                    question.pk,
                    question.text_for(ticked),
                    prepare.json(ticked),
                    len(ticked) / question.point_count if question.point_count else 0.0,
                    rating,
                    prepare.duration(timedelta(seconds=seconds)),
                    BROWSE if browse else REVIEW,
                    0,
                    question.answer,
                    question.snapshot,
                    prepare.uuid(bits),
                    prepare.datetime(date),
                )
            )
        card_rows = [
            (
                user_pk,
                questions[index].pk,
                state,
                step,
                stability,
                difficulty,
                prepare.datetime(due),
                prepare.datetime(last_review),
                reps,
                lapses,
                again,
                False,
                None,
                prepare.datetime(first),
            )
            for (
                user_pk,
                index,
                state,
                step,
                stability,
                difficulty,
                due,
                last_review,
                reps,
                lapses,
                again,
                first,
            ) in cards
        ]
        return attempt_rows, card_rows

    # --- Writing ------------------------------------------------------------------------------

    def default_of(self, field):
        # An auto_now field has no default; save() would give it the moment of writing.
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        return field.get_default()

    def insert(self, model, columns, rows, name):
        # Columns this generator does not know about (added to the model later) get their
        # default, as bulk_create would give them.
        others = [
            field
            for field in model._meta.concrete_fields
            if field.name not in columns and not field.primary_key
        ]
        defaults = tuple(
            field.get_db_prep_save(self.default_of(field), connection) for field in others
        )
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(
            connection.ops.quote_name(field.column)
            for field in [model._meta.get_field(column) for column in columns] + others
        )
        total = len(rows)
        step = max(BATCH_SIZE, total // 10 // BATCH_SIZE * BATCH_SIZE)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than multi-row INSERTs on PostgreSQL.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for done, row in enumerate(rows, start=1):
                        copy.write_row(row + defaults)
                        if done % step == 0 or done == total:
                            self.say(f"{name}: {done}/{total}")
            else:
                placeholders = ", ".join(["%s"] * (len(columns) + len(others)))
                sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
                for start in range(0, total, BATCH_SIZE):
                    batch = rows[start : start + BATCH_SIZE]
                    cursor.executemany(sql, [row + defaults for row in batch] if others else batch)
                    done = start + len(batch)
                    if done % step == 0 or done == total:
                        self.say(f"{name}: {done}/{total}")
        if not total:
            self.say(f"{name}: 0")


ATTEMPT_COLUMNS = [
    "user",
    "question",
    "text",
    "ticked",
    "coverage",
    "rating",
    "time_spent",
    "mode",
    "hints_used",
    "answer_snapshot",
    "key_points_snapshot",
    "reveal_token",
    "created_at",
]
CARD_COLUMNS = ["user", "question", *SCHEDULE_FIELDS, "created_at"]


# The bits that uuid.UUID(int=..., version=4) clears and sets: version 4, RFC 4122 variant.
UUID_CLEAR = (0xF000 << 64) | (0xC000 << 48)
UUID_SET = (0x4000 << 64) | (0x8000 << 48)


class _RowPreparer:
    """Values as the model fields send them to this database, for raw inserts.

    The fields' own get_db_prep_save costs more than the FSRS replay per attempt, so the
    common types are converted directly, after checking once that the result is the same.
    """

    def __init__(self):
        self.fields = {
            "json": Attempt._meta.get_field("ticked"),
            "duration": Attempt._meta.get_field("time_spent"),
            "uuid": Attempt._meta.get_field("reveal_token"),
            "datetime": Attempt._meta.get_field("created_at"),
        }
        samples = {
            "duration": timedelta(seconds=95, microseconds=7),
            "uuid": 12345 << 80,
            "datetime": datetime(2024, 2, 29, 23, 59, 1, 5, tzinfo=UTC),
        }
        if connection.vendor == "sqlite":
            fast = {
                "duration": lambda value: value // timedelta(microseconds=1),
                "uuid": self.uuid_hex,
                # Every datetime generated here is in UTC already.
                "datetime": lambda value: str(value.replace(tzinfo=None)),
            }
        else:
            # 32 hex digits are what SQLite stores and a valid uuid for PostgreSQL's COPY.
            fast = {"duration": _same, "uuid": self.uuid_hex, "datetime": _same}
        for name, sample in samples.items():
            if self.slow(name, sample) == self.comparable(name, fast[name](sample)):
                setattr(self, name, fast[name])
            else:
                setattr(self, name, lambda value, name=name: self.slow(name, value))
        self.json_cache = {}

    def slow(self, name, value):
        if name == "uuid":
            value = uuid.UUID(int=value, version=4)
        return self.fields[name].get_db_prep_save(value, connection)

    def comparable(self, name, value):
        if name == "uuid" and connection.vendor != "sqlite":
            return uuid.UUID(value)
        return value

    @staticmethod
    def uuid_hex(bits):
        """A random version-4 UUID from 128 random bits."""
        return f"{bits & ~UUID_CLEAR | UUID_SET:032x}"

    def json(self, value):
        # Few distinct values (tick lists, one snapshot per question): prepared once each.
        key = value if isinstance(value, tuple) else json.dumps(value)
        if key not in self.json_cache:
            self.json_cache[key] = self.fields["json"].get_db_prep_save(list(value), connection)
        return self.json_cache[key]


def _same(value):
    return value


class _QuestionData:
    """What generating an attempt needs from one question, computed once."""

    def __init__(self, question, key_points, prepare):
        self.pk = question.pk
        self.answer = question.reference_answer_of(key_points)
        self.key_points = key_points
        self.point_count = len(key_points)
        self.snapshot = prepare.json(
            [[position, label, detail] for position, (label, detail) in enumerate(key_points, 1)]
        )

    def text_for(self, ticked):
        # What a user writes: the gist of each point they remembered.
        return "；".join(self.key_points[position - 1][0] for position in ticked)


def _cycle(items, count):
    return [items[n % len(items)] for n in range(count)]


def _split(total, weights):
    """total as integers proportional to weights (largest remainders), adding up exactly."""
    scale = total / sum(weights)
    shares = [weight * scale for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts
