"""The lookups compiled once (questions/compiled.py): the session, the user with the profile,
the published question, the next card due, the card and the note of a question, its key points,
the progress page's leeches and starred count.
Each gives the same objects as its queryset run by the ORM, in one query; and the grade's saves
(CompiledSave) write what the ORM's save() writes."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.accounts.auth import ProfileBackend
from questions.accounts.sessions import SessionStore
from questions.compiled import CompiledQuery, CompiledSave
from questions.progress.stats import leeches, leeches_queryset
from questions.shortcuts import (
    get_published_question,
    get_published_question_with_key_points,
    key_points_of,
    published_questions,
)
from questions.study.models import Attempt, QuestionNote, ReviewCard, StudyProfile
from questions.study.notes import note_for, starred_count, starred_questions
from questions.study.scheduling import (
    card_of,
    cards_due,
    new_questions,
    next_due_card,
    next_new_question,
)
from tests.factories import make_card, make_question, make_topic, make_user

pytestmark = pytest.mark.django_db


def _field_values(instance):
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def test_it_loads_the_user_and_profile_as_the_orm_does(django_assert_num_queries):
    user = make_user(email="learner@example.com", first_name="Li")
    StudyProfile.objects.filter(user=user).update(
        fsrs_parameters=[0.4, 1.2, 3.1],
        fit_evidence={"log_loss": {"default": 0.41, "fitted": 0.37}},
        retention_table={"0.9": [12.5, 3]},
        fitted_at=timezone.now() - timedelta(days=2),
        interview_date=date(2027, 1, 15),
        language="en",
        time_zone="Asia/Shanghai",
    )
    expected = get_user_model().objects.select_related("study_profile").get(pk=user.pk)

    with django_assert_num_queries(1):  # the user joined with the profile
        loaded = ProfileBackend().get_user(user.pk)
        profile = loaded.study_profile

    assert _field_values(loaded) == _field_values(expected)
    assert _field_values(profile) == _field_values(expected.study_profile)
    assert profile.fitted_at.tzinfo is not None
    assert profile.user is loaded


def test_it_loads_a_user_whose_profile_is_missing():
    user = make_user()
    StudyProfile.objects.filter(user=user).delete()

    loaded = ProfileBackend().get_user(user.pk)

    assert loaded == user
    with pytest.raises(StudyProfile.DoesNotExist):
        loaded.study_profile  # noqa: B018


@pytest.mark.parametrize("user_id", [None, "", "not-a-number", "999999"])
def test_it_finds_no_user_for_an_unknown_id(user_id):
    make_user()
    assert ProfileBackend().get_user(user_id) is None


def test_it_refuses_an_inactive_user():
    user = make_user(is_active=False)
    assert ProfileBackend().get_user(user.pk) is None


def test_the_session_engine_is_the_compiled_one_without_redis():
    if settings.REDIS_URL:
        pytest.skip("with Redis, sessions live in the cache")
    assert settings.SESSION_ENGINE == "questions.accounts.sessions"


def test_a_saved_session_loads_with_its_data(django_assert_num_queries):
    saved = DjangoSessionStore()
    saved["undo"] = "token"
    saved["cart"] = [1, 2]
    saved.create()

    store = SessionStore(saved.session_key)
    with django_assert_num_queries(1):
        assert dict(store.items()) == {"undo": "token", "cart": [1, 2]}
    assert store.session_key == saved.session_key


def test_an_expired_session_loads_empty_and_gets_a_new_key():
    saved = DjangoSessionStore()
    saved["undo"] = "token"
    saved.set_expiry(timezone.now() - timedelta(seconds=1))
    saved.create()

    store = SessionStore(saved.session_key)

    assert dict(store.items()) == {}
    assert store.session_key is None


def test_an_unknown_session_key_loads_empty():
    store = SessionStore("k" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_a_session_written_by_the_compiled_store_reads_back():
    store = SessionStore()
    store["language"] = "zh-hans"
    store.save()

    assert SessionStore(store.session_key)["language"] == "zh-hans"
    assert DjangoSessionStore(store.session_key)["language"] == "zh-hans"


def test_it_refuses_a_value_the_query_does_not_take():
    query = CompiledQuery(lambda pk: get_user_model().objects.filter(username="li"), pk=int)
    with pytest.raises(ImproperlyConfigured):
        query.row(pk=1)


def test_it_puts_each_value_in_its_places():
    ada, bo, _cy = make_user(username="ada"), make_user(username="bo"), make_user(username="cy")
    since = timezone.now() - timedelta(minutes=5)
    query = CompiledQuery(
        lambda low, high, since: (
            get_user_model()
            .objects.filter(pk__gte=low, pk__lte=high, date_joined__gte=since)
            .exclude(username="")
            .order_by("-pk")
            .values_list("username")
        ),
        low=int,
        high=int,
        since=datetime,
    )
    assert query.row(low=ada.pk, high=bo.pk, since=since) == ("bo",)
    assert query.row(low=ada.pk, high=ada.pk, since=since) == ("ada",)
    assert query.row(low=ada.pk, high=bo.pk, since=timezone.now() + timedelta(days=1)) is None


def test_the_published_question_is_the_querysets(django_assert_num_queries):
    question = make_question(suggested_answer_seconds=90)
    expected = published_questions().get(pk=question.pk)

    with django_assert_num_queries(1):
        found = get_published_question(question.pk)
        topic = found.topic

    assert found.get_deferred_fields() == {"search_text"}
    assert _field_values(found) == _field_values(expected)
    assert _field_values(topic) == _field_values(expected.topic)


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30, "12x", None])
def test_an_unknown_question_is_not_found(pk):
    make_question()
    with pytest.raises(Http404):
        get_published_question(pk)


def test_an_unpublished_question_is_not_found():
    question = make_question(is_published=False)
    with pytest.raises(Http404):
        get_published_question(question.pk)


@pytest.mark.parametrize("in_topic", [False, True])
def test_the_next_card_due_is_the_querysets(in_topic, django_assert_num_queries):
    user, other = make_user(), make_user()
    topic, elsewhere = make_topic(), make_topic()
    now = timezone.now()
    for days, where in [(-1, topic), (-3, elsewhere), (-2, topic), (2, topic)]:
        make_card(user, make_question(topic=where), due=now + timedelta(days=days))
    make_card(other, make_question(topic=topic), due=now - timedelta(days=9))
    make_card(user, make_question(topic=topic, is_published=False), due=now - timedelta(days=8))
    make_card(user, make_question(topic=topic), due=now - timedelta(days=7), suspended=True)
    chosen = topic if in_topic else None
    expected = cards_due(user, now, chosen).first()

    with django_assert_num_queries(1):
        card = next_due_card(user, now, chosen)
        question, its_topic = card.question, card.question.topic

    assert card == expected
    assert _field_values(card) == _field_values(expected)
    assert _field_values(question) == _field_values(expected.question)
    assert _field_values(its_topic) == _field_values(expected.question.topic)
    assert card.due == now - timedelta(days=2 if in_topic else 3)


@pytest.mark.parametrize("in_topic", [False, True])
def test_the_next_new_question_is_the_querysets(in_topic, django_assert_num_queries):
    user, other = make_user(), make_user()
    topic, elsewhere = make_topic(), make_topic()
    now = timezone.now()
    # In bank order: answered, skipped until tomorrow, suspended, elsewhere, then two unseen.
    answered, skipped, suspended = (make_question(topic=topic, position=i) for i in (1, 2, 3))
    make_question(topic=elsewhere, position=4)
    first_unseen = make_question(topic=topic, position=5)
    make_question(topic=topic, position=6)
    make_card(user, answered)
    make_card(user, skipped, reps=0, skipped_until=now + timedelta(days=1))
    make_card(user, suspended, reps=0, suspended=True)
    make_card(other, first_unseen)  # another learner's card changes nothing
    chosen = topic if in_topic else None
    expected = new_questions(user, now, chosen).first()

    with django_assert_num_queries(1):
        question = next_new_question(user, now, chosen)
        its_topic = question.topic

    assert _field_values(question) == _field_values(expected)
    assert _field_values(its_topic) == _field_values(expected.topic)
    assert question == (first_unseen if in_topic else expected)
    assert in_topic or question.topic == elsewhere


def test_no_new_question_is_left_when_every_one_is_seen():
    user = make_user()
    make_card(user, make_question())
    assert next_new_question(user, timezone.now()) is None


def test_no_card_is_due_when_none_is():
    user = make_user()
    make_card(user, make_question(), due=timezone.now() + timedelta(days=1))
    assert next_due_card(user, timezone.now()) is None


@pytest.mark.parametrize("lock", [False, True])
def test_the_card_of_a_question_is_the_querysets(lock, django_assert_num_queries):
    user, other = make_user(), make_user()
    question, elsewhere = make_question(), make_question()
    make_card(user, elsewhere)
    make_card(other, question)
    expected = make_card(user, question, again_count=3)

    with transaction.atomic(), django_assert_num_queries(1):
        card = card_of(user, question, lock=lock)
        assert card.question is question

    assert _field_values(card) == _field_values(expected)
    assert card_of(user, make_question()) is None


def test_the_locked_card_is_read_for_update_where_the_database_can():
    question, user = make_question(), make_user()
    make_card(user, question)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        card_of(user, question, lock=True)
    locks = connection.features.has_select_for_update
    assert queries[0]["sql"].endswith("FOR UPDATE") == locks


def test_the_note_on_a_question_is_the_querysets(django_assert_num_queries):
    user, question = make_user(), make_question()
    QuestionNote.objects.create(user=make_user(), question=question, text="not mine")
    expected = QuestionNote.objects.create(user=user, question=question, text="**mine**")

    with django_assert_num_queries(1):
        note = note_for(user, question)
        assert note.question is question

    assert _field_values(note) == _field_values(expected)
    assert note_for(user, make_question()) is None


def test_the_key_points_are_the_querysets_and_stay_on_the_question(django_assert_num_queries):
    question = make_question()
    make_question()  # another question's points
    expected = list(question.key_points.all())
    question = get_published_question(question.pk)

    with django_assert_num_queries(1):
        points = key_points_of(question)
        again = list(question.key_points.all())
        answer = question.reference_answer()
        key_points_of(question)

    assert [_field_values(p) for p in points] == [_field_values(p) for p in expected]
    assert again == points
    assert all(point.question is question for point in points)
    assert answer == get_published_question(question.pk).reference_answer()


def test_a_question_without_key_points_has_none():
    question = make_question(key_points=[])
    assert key_points_of(question) == []


def test_the_question_with_its_key_points_is_both_lookups_in_one_query(
    django_assert_num_queries,
):
    question = make_question(suggested_answer_seconds=90)
    make_question()  # another question's points
    expected = published_questions().get(pk=question.pk)
    expected_points = list(question.key_points.all())

    with django_assert_num_queries(1):
        found = get_published_question_with_key_points(question.pk)
        points = key_points_of(found)
        answer = found.reference_answer()
        topic = found.topic

    assert found.get_deferred_fields() == {"search_text"}
    assert _field_values(found) == _field_values(expected)
    assert _field_values(topic) == _field_values(expected.topic)
    assert [_field_values(p) for p in points] == [_field_values(p) for p in expected_points]
    assert all(point.question is found for point in points) and len(points) > 1
    assert answer == get_published_question(question.pk).reference_answer()


def test_the_question_without_key_points_comes_in_two_queries(django_assert_num_queries):
    question = make_question(key_points=[])
    with django_assert_num_queries(2):
        found = get_published_question_with_key_points(question.pk)
        assert key_points_of(found) == []
    assert found == question


@pytest.mark.parametrize("pk", [0, -1, 2**63, "12x", None, "unpublished"])
def test_with_its_key_points_an_unknown_question_is_not_found(pk):
    if pk == "unpublished":
        pk = make_question(is_published=False).pk
    with pytest.raises(Http404):
        get_published_question_with_key_points(pk)


# --- Saves: the grade's attempt and card ------------------------------------------------------


def _grade_like_attempt(user, question, **fields):
    return Attempt(
        user=user,
        question=question,
        text="长答案 with 'quotes'",
        ticked=[1, 3],
        coverage=0.75,
        estimated=[1],
        rating=3,
        hints_used=1,
        mode="review",
        reveal_token=uuid.uuid4(),
        time_spent=timedelta(minutes=2, microseconds=5),
        answer_snapshot="A reference",
        key_points_snapshot=[[1, "label", "detail"]],
        created_at=timezone.now(),
        **fields,
    )


def test_an_inserted_attempt_reads_back_as_the_orms(django_assert_num_queries):
    user, question = make_user(), make_question()
    compiled = _grade_like_attempt(user, question)
    with django_assert_num_queries(1):
        CompiledSave(Attempt).insert(compiled)
    orm = _grade_like_attempt(user, question)
    orm.save()
    assert compiled.pk is not None and compiled.pk != orm.pk
    assert not compiled._state.adding
    stored, expected = Attempt.objects.get(pk=compiled.pk), Attempt.objects.get(pk=orm.pk)
    differ = {"id", "reveal_token", "created_at"}
    values = {k: v for k, v in _field_values(stored).items() if k not in differ}
    assert values == {k: v for k, v in _field_values(expected).items() if k not in differ}
    assert stored.reveal_token == compiled.reveal_token
    assert stored.created_at == compiled.created_at


def test_a_second_insert_of_one_reveal_token_breaks_its_constraint():
    user, question = make_user(), make_question()
    first = _grade_like_attempt(user, question)
    CompiledSave(Attempt).insert(first)
    again = _grade_like_attempt(user, question)
    again.reveal_token = first.reveal_token
    with pytest.raises(IntegrityError), transaction.atomic():
        CompiledSave(Attempt).insert(again)
    assert Attempt.objects.count() == 1


def test_an_updated_card_reads_back_with_every_field_and_a_new_updated_at(
    django_assert_num_queries,
):
    user, question = make_user(), make_question()
    card = make_card(user, question)
    before = card.updated_at
    card.stability, card.reps, card.again_count = 55.5, 9, 2
    card.due = timezone.now() + timedelta(days=40)
    with django_assert_num_queries(1):
        assert CompiledSave(ReviewCard).update(card) == 1
    stored = ReviewCard.objects.get(pk=card.pk)
    assert _field_values(stored) == _field_values(card)
    assert stored.updated_at > before


def test_an_inserted_card_is_the_orms():
    user, question = make_user(), make_question()
    # A card with every field set, inserted again once its row is gone.
    card = make_card(user, question)
    ReviewCard.objects.filter(pk=card.pk).delete()
    card.pk, card._state.adding = None, True
    CompiledSave(ReviewCard).insert(card)
    assert _field_values(ReviewCard.objects.get(pk=card.pk)) == _field_values(card)


def test_nothing_listens_to_the_saves_it_skips():
    for model in (Attempt, ReviewCard):
        for signal in (pre_save, post_save):
            assert not signal.has_listeners(model), (signal, model)


def test_the_leeches_are_the_querysets_cards_with_their_questions(django_assert_num_queries):
    user = make_user()
    failed = [make_question(), make_question(), make_question(is_published=False)]
    for question, again in zip(failed, [5, 9, 9], strict=True):
        make_card(user, question, again_count=again, suspended=again == 9)
    make_card(user, make_question(), again_count=1)
    make_card(make_user(), failed[0], again_count=9)
    expected = list(leeches_queryset(user, 4))
    with django_assert_num_queries(1):
        found = leeches(user, 4)
        titles = [card.question.title for card in found]
    assert [card.pk for card in found] == [card.pk for card in expected] and len(found) == 2
    assert [card.suspended for card in found] == [card.suspended for card in expected]
    assert titles == [card.question.title for card in expected]


def test_the_starred_count_is_the_querysets(django_assert_num_queries):
    user = make_user()
    for question, starred in [
        (make_question(), True),
        (make_question(), True),
        (make_question(is_published=False), True),
        (make_question(), False),
    ]:
        QuestionNote.objects.create(user=user, question=question, starred=starred)
    QuestionNote.objects.create(user=make_user(), question=make_question(), starred=True)
    expected = starred_questions(user).count()
    with django_assert_num_queries(1):
        assert starred_count(user) == expected == 2
