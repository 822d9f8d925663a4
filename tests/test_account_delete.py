"""Deleting my account at /accounts/delete/: everything of mine goes, the bank stays."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from questions.bank.models import KeyPoint, Question, Topic
from questions.study.models import Attempt, CardState, QuestionNote, ReviewCard, StudyProfile
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"
PASSWORD = "correct-horse-battery"  # tests/factories.make_user's default


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def give_history(user, question):
    now = timezone.now()
    ReviewCard.objects.create(reps=1, user=user, question=question, state=CardState.REVIEW, due=now)
    Attempt.objects.create(
        user=user, question=question, rating=3, coverage=0.5, answer_snapshot="", text="mine"
    )
    QuestionNote.objects.create(user=user, question=question, text="note")
    StudyProfile.objects.get_or_create(user=user)


def test_it_has_a_url_name():
    assert reverse("questions:account_delete") == URL


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_asks_for_the_password_and_reminds_me_to_export_first(alice_client, alice, question):
    give_history(alice, question)
    body = alice_client.get(URL).content.decode()
    assert 'type="password"' in body
    assert reverse("questions:history_export_csv") in body
    assert reverse("questions:history_export_json") in body
    assert "Export your data first" in body
    assert "1 attempt," in body


def test_a_wrong_password_deletes_nothing(alice_client, alice, question):
    give_history(alice, question)
    response = alice_client.post(URL, {"password": "not-it"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert Attempt.objects.filter(user=alice).count() == 1


def test_an_empty_password_deletes_nothing(alice_client, alice):
    response = alice_client.post(URL, {})
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_it_deletes_me_and_all_of_mine_but_not_the_bank_nor_others(
    alice_client, alice, bob, question
):
    give_history(alice, question)
    give_history(bob, question)
    bank = (Topic.objects.count(), Question.objects.count(), KeyPoint.objects.count())

    response = alice_client.post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("questions:home")
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    for model in (Attempt, ReviewCard, QuestionNote, StudyProfile):
        assert not model.objects.filter(user_id=alice.pk).exists()
        assert model.objects.filter(user=bob).count() == 1
    assert (Topic.objects.count(), Question.objects.count(), KeyPoint.objects.count()) == bank


def test_it_logs_me_out_with_a_message(alice_client, alice):
    response = alice_client.post(URL, {"password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert "The account alice and all its data are deleted." in body
    assert not response.context["user"].is_authenticated
    assert alice_client.get(reverse("questions:history")).status_code == 302


def test_it_rejects_other_methods(alice_client):
    assert alice_client.put(URL).status_code == 405


def test_password_guesses_are_limited(alice_client, alice):
    for _ in range(10):
        assert alice_client.post(URL, {"password": "guess"}).status_code == 200
    response = alice_client.post(URL, {"password": PASSWORD})
    assert response.status_code == 429
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_another_users_session_cannot_delete_me(client, alice):
    carol = make_user("carol")
    client.force_login(carol)
    client.post(URL, {"password": PASSWORD})
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert not get_user_model().objects.filter(pk=carol.pk).exists()
