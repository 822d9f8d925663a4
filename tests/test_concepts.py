"""One meaning per concept: seen, new today, mastered, the interval on a button, the dashboard's
freshness. Each test pins a place where two pages used to disagree."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Scheduler

from questions.progress import stats
from questions.study import browse, scheduling
from questions.study.models import CardState, ReviewCard
from tests.factories import make_card, make_question, make_topic
from tests.helpers import grade, reveal

pytestmark = pytest.mark.django_db


def skip_yesterday(user, question, now):
    yesterday = now - timedelta(days=1)
    ReviewCard.for_control(user, question, yesterday).skip(user.study_profile.start_of_day(now))


def status_of(user, question, now):
    return browse.status_of(ReviewCard.objects.filter(user=user, question=question).first(), now)


class TestSeen:
    def test_a_question_skipped_yesterday_comes_back_new_and_counts_against_the_new_limit(
        self, alice_client, alice
    ):
        profile = alice.study_profile
        profile.new_per_day = 1
        profile.save()
        topic = make_topic()
        first, second = make_question(topic=topic), make_question(topic=topic)
        now = timezone.now()
        skip_yesterday(alice, first, now)

        progress = scheduling.day_progress(alice, profile, now)
        assert (progress.due_left, progress.new_left) == (0, 1)
        response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] == first
        assert response.context["card"] is None  # shown as new, not as a review

        grade(alice_client, first)
        progress = scheduling.day_progress(alice, profile, timezone.now())
        assert progress.new_left == 0
        response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] != second

    def test_skip_and_suspend_never_make_a_question_seen(self, alice):
        topic = make_topic()
        skipped, suspended = make_question(topic=topic), make_question(topic=topic)
        now = timezone.now()
        skip_yesterday(alice, skipped, now)
        ReviewCard.for_control(alice, suspended, now).set_suspended(True)

        assert not ReviewCard.objects.seen().filter(user=alice).exists()
        assert list(stats.cards_for(alice)) == []
        (row,) = stats.topic_progress(alice, stats.score_cards([], Scheduler(), now))
        assert row.seen == 0
        assert status_of(alice, skipped, now) == browse.Status.NEW
        assert status_of(alice, suspended, now) == browse.Status.SUSPENDED
        queue = scheduling.interview_queue(alice, Scheduler(), now)
        assert skipped.pk in queue

    def test_a_suspended_card_is_never_listed_as_due(self, alice):
        question = make_question()
        now = timezone.now()
        make_card(alice, question, due=now - timedelta(days=1), suspended=True)
        assert status_of(alice, question, now) == browse.Status.SUSPENDED
        assert scheduling.day_progress(alice, alice.study_profile, now).due_left == 0

    def test_due_cards_keep_to_the_topic_asked_for(self, alice):
        now = timezone.now()
        wanted, other = make_topic(), make_topic()
        in_other = make_question(topic=other)
        in_wanted = make_question(topic=wanted)
        make_card(alice, in_other, due=now - timedelta(days=3))
        make_card(alice, in_wanted, due=now - timedelta(days=1))
        assert scheduling.next_due_card(alice, now, wanted).question == in_wanted
        assert scheduling.next_due_card(alice, now).question == in_other


class TestMastered:
    @pytest.mark.parametrize(
        "fields, mastered",
        [
            ({}, True),
            ({"stability": 20.0}, False),
            ({"due": "past"}, False),
            ({"state": CardState.RELEARNING}, False),
            ({"reps": 0}, False),
        ],
        ids=["strong", "short-memory", "overdue", "relearning", "never-answered"],
    )
    def test_the_list_the_dashboard_and_the_queryset_agree(self, alice, fields, mastered):
        now = timezone.now()
        if fields.get("due") == "past":
            fields = {**fields, "due": now - timedelta(hours=1)}
        question = make_question()
        card = make_card(alice, question, **fields)
        assert card.is_mastered(now) is mastered
        assert ReviewCard.objects.mastered(now).filter(pk=card.pk).exists() is mastered
        assert (status_of(alice, question, now) == browse.Status.MASTERED) is mastered
        scored = stats.score_cards([card], Scheduler(), now)
        assert scored[0].mastered is mastered


class TestIntervals:
    def test_the_confirmation_says_what_the_button_said(self, alice_client, alice, question):
        revealed = reveal(alice_client, question).content.decode()
        buttons = dict(
            re.findall(
                r'name="rating" value="(\d)"[^>]*>.*?<span[^>]*>([^<]+)</span>', revealed, re.S
            )
        )
        assert set(buttons) == {"1", "2", "3", "4"}
        body = grade(alice_client, question, rating=3).content.decode()
        assert f"it comes back in {buttons['3'].strip()}." in body


class TestDashboardFreshness:
    def test_suspending_one_card_and_unsuspending_another_shows_at_once(self, alice):
        profile = alice.study_profile
        topic = make_topic()
        first, second = make_question(topic=topic), make_question(topic=topic)
        one = make_card(alice, first, suspended=True)
        make_card(alice, second)
        now = timezone.now()
        before = stats.dashboard_key(alice, profile, now, "en")
        one.set_suspended(False)
        ReviewCard.objects.get(question=second).set_suspended(True)
        assert stats.dashboard_key(alice, profile, now, "en") != before

    def test_a_skip_shows_on_the_next_view(self, alice_client, alice):
        question = make_question()
        make_card(alice, question, due=timezone.now() - timedelta(hours=1))
        first = alice_client.get(reverse("questions:stats")).content.decode()
        alice_client.post(reverse("questions:skip", args=[question.pk]))
        second = alice_client.get(reverse("questions:stats")).content.decode()
        assert first != second
