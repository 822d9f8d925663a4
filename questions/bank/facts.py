"""What the progress pages show of every question (its title, topic, language and whether it
is published), kept in each process and read again whenever the bank changes.

A learner's dashboard names and groups the questions of a thousand cards or more; reading
those question rows (large, with their texts) cost more than the rest of the cards' query.
The bank changes far less often than learners practise, so each process keeps these facts of
the whole bank, tagged with the bank's version: its change counter (questions/changes.py),
which the database moves on with every write to a question or topic, read on every use (one
query by key). A process never serves facts older than the version it just read.
"""

from collections import Counter
from dataclasses import dataclass

from questions.bank.models import Question
from questions.changes import bank_changes


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


# Replaced whole, never changed in place.
_loaded = None


def bank_facts(version=None) -> BankFacts:
    """The facts of every question, as of `version` (questions/changes.py's bank_changes(), read
    here if not given).

    One query besides the version while they are current; one more to read them again.
    """
    global _loaded
    if version is None:
        version = bank_changes()
    if _loaded is None or _loaded.version != version:
        _loaded = _read(version)
    return _loaded


def forget():
    """Drop this process's facts (tests that roll the bank back use it)."""
    global _loaded
    _loaded = None


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
