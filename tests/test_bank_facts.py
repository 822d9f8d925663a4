"""The facts of the bank each process keeps: read again as soon as any question changes."""

import pytest

from questions.bank import facts
from questions.bank.models import Question
from tests.factories import make_question, make_topic

pytestmark = pytest.mark.django_db


def test_they_are_each_questions_title_topic_language_and_state(question):
    draft = make_question(topic=question.topic, is_published=False)
    bank = facts.bank_facts()
    assert bank.questions[question.pk] == facts.QuestionFacts(
        question.title, question.topic_id, question.language, True
    )
    assert bank.topics[draft.pk] == question.topic_id
    assert bank.published_titles == {question.pk: question.title}
    assert bank.published_per_topic[question.topic_id] == 1


def test_they_are_read_once_while_the_bank_is_unchanged(question, django_assert_num_queries):
    facts.bank_facts()
    with django_assert_num_queries(1):  # the version only
        assert question.pk in facts.bank_facts().questions


@pytest.mark.parametrize("change", ["save", "new question", "deletion", "admin action"])
def test_any_change_to_a_question_is_seen_on_the_next_read(question, change):
    other = make_question(topic=question.topic)
    facts.bank_facts()
    if change == "save":
        question.title = "Renamed"
        question.topic = make_topic()
        question.save()
    elif change == "new question":
        make_question(topic=question.topic, title="Added")
    elif change == "deletion":
        other.delete()
    else:  # the admin's unpublish action
        Question.objects.filter(pk=question.pk).update(is_published=False)
    fresh = {
        pk: (f.title, f.topic_id, f.is_published) for pk, f in facts._read(None).questions.items()
    }
    assert {
        pk: (f.title, f.topic_id, f.is_published) for pk, f in facts.bank_facts().questions.items()
    } == fresh


def test_a_change_that_sets_no_updated_at_is_seen_too(question):
    facts.bank_facts()
    Question.objects.filter(pk=question.pk).update(title="Changed behind updated_at")
    assert facts.bank_facts().questions[question.pk].title == "Changed behind updated_at"
