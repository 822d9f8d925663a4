"""What the progress pages show of every question (its title, topic, language and whether it
is published), kept in each process and read again whenever the bank changes.

A learner's dashboard names and groups the questions of a thousand cards or more; reading
those question rows (large, with their texts) cost more than the rest of the cards' query.
The bank changes far less often than learners practise, so each process keeps these facts of
the whole bank, tagged with the bank's version: the count of questions and the newest
`updated_at`, read on every use (one query on two indexes). Every write to a question sets
`updated_at` (auto_now on save and bulk_create; the admin's publish actions and the importer
set it themselves) and a deletion changes the count, so a process never serves facts older
than the version it just read. A write that commits after a later-stamped one (on PostgreSQL,
a long import beside an editor's save) leaves the version as it was: RELOAD_SECONDS bounds how
long such a change can go unseen.
"""

import time
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max

from questions.bank.models import Question

RELOAD_SECONDS = 300


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    title: str
    topic_id: int
    language: str
    is_published: bool


@dataclass(frozen=True)
class BankFacts:
    version: tuple
    questions: dict  # {question_id: QuestionFacts}
    topics: dict  # {question_id: topic_id}
    published_titles: dict  # {question_id: title} of the published questions
    published_per_topic: Counter  # {topic_id: published questions}


# (BankFacts, time.monotonic() when read); replaced whole, never changed in place.
_loaded = None


def bank_version():
    """(questions, newest updated_at): what changes whenever any question does."""
    version = Question.objects.aggregate(count=Count("*"), changed=Max("updated_at"))
    return version["count"], version["changed"]


def bank_facts(version=None) -> BankFacts:
    """The facts of every question, as of `version` (bank_version(), read here if not given).

    One query besides the version while they are current; one more to read them again.
    """
    global _loaded
    if version is None:
        version = bank_version()
    loaded = _loaded
    if loaded is None or loaded[0].version != version or _expired(loaded[1]):
        loaded = (_read(version), time.monotonic())
        _loaded = loaded
    return loaded[0]


def forget():
    """Drop this process's facts (tests that roll the bank back use it)."""
    global _loaded
    _loaded = None


def _expired(read_at):
    return time.monotonic() - read_at > RELOAD_SECONDS


def _read(version):
    questions = {
        pk: QuestionFacts(title, topic_id, language, is_published)
        for pk, title, topic_id, language, is_published in Question.objects.order_by().values_list(
            "pk", "title", "topic_id", "language", "is_published"
        )
    }
    return BankFacts(
        version=version,
        questions=questions,
        topics={pk: facts.topic_id for pk, facts in questions.items()},
        published_titles={pk: facts.title for pk, facts in questions.items() if facts.is_published},
        published_per_topic=Counter(
            facts.topic_id for facts in questions.values() if facts.is_published
        ),
    )
