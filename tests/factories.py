"""A small cast of objects for the tests. Every function takes overrides as keyword arguments."""

import importlib
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from questions.bank.models import KeyPoint, Question, Topic
from questions.study.models import Attempt, CardState, ReviewCard

_numbers = itertools.count(1)

DEFAULT_POINTS = [
    (
        "高泛化能力",
        "预训练模型通过在大规模数据上训练，获得了丰富的知识表示，从而在各种任务上表现出良好的泛化能力。",
    ),
    (
        "减少数据需求",
        "预训练模型可以减少特定任务所需的数据量，因为它们已经从大规模数据中学习到了许多通用特征。",
    ),
    (
        "提高模型性能",
        "预训练模型通常在多种任务上表现出良好的性能，这为特定任务提供了更好的性能基础。",
    ),
    (
        "加速训练过程",
        "预训练模型减少了从零开始训练所需的时间，因为模型已经具有了一定的权重初始化。",
    ),
]


def make_user(username=None, password="correct-horse-battery", **kwargs):
    username = username or f"user{next(_numbers)}"
    return get_user_model().objects.create_user(username=username, password=password, **kwargs)


def make_topic(name=None, **kwargs):
    number = next(_numbers)
    name = name or f"Topic {number}"
    kwargs.setdefault("slug", f"topic-{number}")
    return Topic.objects.create(name=name, **kwargs)


def make_question(topic=None, key_points=DEFAULT_POINTS, **kwargs):
    number = next(_numbers)
    kwargs.setdefault("title", f"Question {number}")
    kwargs.setdefault("prompt", "请解释什么是预训练模型？它有哪些优点？")
    kwargs.setdefault(
        "answer",
        "\n".join(
            f"{i}. **{label}：** {detail}" for i, (label, detail) in enumerate(key_points, 1)
        ),
    )
    kwargs.setdefault("explanation", "预训练模型的核心思想是通过在大规模数据集上进行预训练。")
    kwargs.setdefault("external_key", f"test:{number}")
    kwargs.setdefault("position", number)
    question = Question.objects.create(topic=topic or make_topic(), **kwargs)
    KeyPoint.objects.bulk_create(
        KeyPoint(question=question, position=i, label=label, detail=detail)
        for i, (label, detail) in enumerate(key_points, 1)
    )
    Question.refresh_search_texts([question.pk])  # bulk_create skips the key point signals
    question.refresh_from_db(fields=["search_text"])
    return question


def make_questions(count, topic=None, **kwargs):
    """Many questions in few queries, for query-budget tests on a large bank."""
    topic = topic or make_topic()
    start = next(_numbers) * 100_000
    questions = Question.objects.bulk_create(
        Question(
            topic=topic,
            title=f"Bulk question {i}",
            prompt="What is it?",
            answer="1. **Point:** detail",
            external_key=f"bulk:{start + i}",
            position=start + i,
            **kwargs,
        )
        for i in range(count)
    )
    if not questions or questions[0].pk is None:  # backends that do not return ids
        questions = list(Question.objects.filter(external_key__startswith="bulk:").order_by("id"))
    KeyPoint.objects.bulk_create(
        KeyPoint(question=q, position=1, label="Point", detail="detail") for q in questions
    )
    Question.refresh_search_texts(q.pk for q in questions)
    return questions


def make_attempt(user, question, rating=3, coverage=0.5, ticked=(), snapshot=None, **fields):
    """An attempt with the question's reference answer and key points as they are now."""
    if snapshot is None:
        snapshot = [[p.position, p.label, p.detail] for p in question.key_points.all()]
    return Attempt.objects.create(
        user=user,
        question=question,
        rating=rating,
        coverage=coverage,
        ticked=list(ticked),
        answer_snapshot=question.reference_answer(),
        key_points_snapshot=snapshot,
        **fields,
    )


def make_card(user, question, **fields):
    """The card of a question answered before: three reviews, reviewed 20 days ago, stable for 30
    days (mastered), due in 10 days; every field can be given."""
    now = timezone.now()
    defaults = {
        "state": CardState.REVIEW,
        "stability": 30.0,
        "difficulty": 5.0,
        "due": now + timedelta(days=10),
        "last_review": now - timedelta(days=20),
        "reps": 3,
    }
    return ReviewCard.objects.create(user=user, question=question, **{**defaults, **fields})


def make_editors_group():
    """The Editors group as migrations 0004 and 0008 make it. Transactional tests flush the
    database after them, which drops the group (post_migrate brings back only permissions and
    content types), so the tests that need it after such a test make it again."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("questions.migrations.0004_editors_group")
    codenames = [
        f"{action}_{model}"
        for model, actions in migration.EDITOR_PERMISSIONS.items()
        for action in actions
    ] + ["view_importjob", "view_failedtask"]
    group, _created = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="questions", codename__in=codenames)
    )
    return group
