"""The session and the user with the profile, read by statements compiled once
(questions/compiled.py): the same objects as Django's own lookups, in one query each."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from questions.accounts.auth import ProfileBackend
from questions.accounts.sessions import SessionStore
from questions.compiled import CompiledQuery
from questions.study.models import StudyProfile
from tests.factories import make_user

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


def test_it_refuses_a_query_of_more_than_one_value():
    query = CompiledQuery(lambda pk: get_user_model().objects.filter(pk=pk, username="li"))
    with pytest.raises(ImproperlyConfigured):
        query.row(1)
