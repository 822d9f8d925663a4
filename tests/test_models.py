import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from questions.bank.models import KeyPoint, Topic
from questions.study.models import Attempt, ReviewCard, StudyProfile
from tests.factories import make_question, make_user

pytestmark = pytest.mark.django_db


def test_key_point_positions_are_unique_per_question(question):
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyPoint.objects.create(question=question, position=1, label="dup")


def test_topic_slugs_are_unique(topic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Another", slug=topic.slug)


def test_external_keys_are_unique(question):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(external_key=question.external_key)


def test_a_user_has_one_card_per_question(alice, question):
    from django.utils import timezone

    ReviewCard.objects.create(reps=1, user=alice, question=question, state=1, due=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewCard.objects.create(
            reps=1, user=alice, question=question, state=1, due=timezone.now()
        )


@pytest.mark.parametrize(
    "overrides",
    [{"rating": 0}, {"rating": 5}, {"coverage": 1.5}, {"coverage": -0.1}, {"text": "x" * 20_001}],
)
def test_the_database_refuses_an_impossible_attempt(alice, question, overrides):
    fields = {
        "user": alice,
        "question": question,
        "coverage": 0.5,
        "rating": 3,
        "answer_snapshot": "a",
        **overrides,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(**fields)


def test_retention_must_stay_in_range(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyProfile.objects.filter(user=alice).update(desired_retention=0.5)


def test_every_new_user_gets_a_study_profile():
    assert StudyProfile.objects.filter(user=make_user()).exists()


def test_models_read_well_in_lists(alice, question):
    assert str(question) == question.title
    assert str(question.topic) == "预训练模型"
    assert str(question.key_points.first()) == "高泛化能力"


def test_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
