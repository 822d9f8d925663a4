from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.study.models import Attempt, AttemptMode, CardState, ReviewCard
from questions.study.scheduling import day_progress
from tests.factories import make_question, make_questions, make_topic, make_user
from tests.helpers import REFERENCE, grade, reveal, token_from

pytestmark = pytest.mark.django_db


class TestPracticePage:
    def test_it_requires_login_and_comes_back_after(self, client, question):
        response = client.get(reverse("questions:practice") + "?topic=pretrained-models")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=/practice/")

    def test_it_shows_the_first_new_question_in_bank_order(self, alice_client, topic):
        first = make_question(topic=topic, title="First", position=1)
        make_question(topic=topic, title="Second", position=2)
        response = alice_client.get(reverse("questions:practice"))
        assert response.status_code == 200
        assert response.context["question"] == first
        assert "Reveal answer" in response.content.decode()

    def test_due_cards_come_before_new_questions_most_overdue_first(self, alice_client, alice):
        topic = make_topic()
        make_question(topic=topic, position=1)
        later, earlier = (
            make_question(topic=topic, position=2),
            make_question(topic=topic, position=3),
        )
        now = timezone.now()
        for question, overdue in [(later, 1), (earlier, 5)]:
            ReviewCard.objects.create(
                reps=1,
                user=alice,
                question=question,
                state=CardState.REVIEW,
                due=now - timedelta(days=overdue),
                stability=3,
                difficulty=5,
                last_review=now - timedelta(days=10),
            )
        response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] == earlier

    def test_the_daily_new_limit_holds(self, alice_client, alice, topic):
        alice.study_profile.new_per_day = 2
        alice.study_profile.save()
        questions = [make_question(topic=topic, position=i) for i in range(1, 5)]
        for question in questions[:2]:
            grade(alice_client, question, rating=4)
        response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] is None
        assert "Nothing due" in response.content.decode()

    def test_the_new_limit_counts_days_in_the_users_time_zone(self, alice, topic):
        profile = alice.study_profile
        profile.time_zone = "Asia/Shanghai"
        # 23:30 UTC is 07:30 the next day in Shanghai: a card made at 15:00 UTC was "yesterday".
        now = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
        question = make_question(topic=topic)
        ReviewCard.objects.create(
            user=alice,
            question=question,
            state=CardState.LEARNING,
            due=now + timedelta(days=9),
            created_at=now.replace(hour=15),
            reps=1,
        )
        profile.new_per_day = 1
        assert day_progress(alice, profile, now).new_left == 1
        profile.time_zone = "UTC"
        assert day_progress(alice, profile, now).new_left == 0

    def test_an_unknown_topic_is_a_404(self, alice_client):
        response = alice_client.get(reverse("questions:practice") + "?topic=nope")
        assert response.status_code == 404

    def test_the_topic_filter_restricts_the_queue(self, alice_client, topic):
        make_question(topic=topic, position=1)
        other = make_topic(slug="other")
        wanted = make_question(topic=other, position=2)
        response = alice_client.get(reverse("questions:practice") + "?topic=other")
        assert response.context["question"] == wanted

    def test_the_empty_state_says_when_the_next_card_is_due(self, alice_client, alice, question):
        due = timezone.now() + timedelta(days=3)
        ReviewCard.objects.create(
            reps=1, user=alice, question=question, state=CardState.REVIEW, due=due
        )
        response = alice_client.get(reverse("questions:practice"))
        body = response.content.decode()
        assert "Nothing due" in body
        assert response.context["next_due"] == due
        assert reverse("questions:practice_random") in body

    def test_random_practice_records_mode_random(self, alice_client, question):
        response = alice_client.get(reverse("questions:practice_random"))
        assert response.context["question"] == question
        data = {"token": token_from(response), "text": "x", "rating": 3}
        alice_client.post(reverse("questions:grade", args=[question.pk]), data)
        assert Attempt.objects.get().mode == AttemptMode.RANDOM

    def test_an_unpublished_question_is_a_404(self, alice_client, topic):
        hidden = make_question(topic=topic, is_published=False)
        assert (
            alice_client.get(reverse("questions:practice_question", args=[hidden.pk])).status_code
            == 404
        )
        assert alice_client.get(reverse("questions:practice")).context["question"] is None


class TestDayProgress:
    """day_progress is one hand-written query; these pin it to the querysets that define it."""

    def test_its_counts_match_the_querysets(self, alice, bob, topic):
        now = timezone.now()
        profile = alice.study_profile
        day_start = profile.start_of_day(now)
        hidden = make_question(topic=topic, is_published=False)

        def card(user, question=None, **fields):
            values = {
                "state": CardState.REVIEW,
                "due": now - timedelta(hours=1),
                "reps": 2,
                "created_at": day_start - timedelta(days=3),
            }
            ReviewCard.objects.create(
                user=user, question=question or make_question(topic=topic), **values | fields
            )

        card(alice)  # due
        card(alice, due=now)  # due this instant
        card(alice, suspended=True)
        card(alice, skipped_until=now + timedelta(hours=3))
        card(alice, skipped_until=now - timedelta(minutes=1))  # skip is over: due
        card(alice, question=hidden)
        card(alice, due=now + timedelta(hours=1))
        card(alice, due=now + timedelta(days=2), created_at=now)  # new today
        card(alice, due=now + timedelta(days=2), created_at=now, reps=0)  # made, not graded
        card(alice, due=now + timedelta(days=2), created_at=day_start - timedelta(seconds=1))
        card(bob)
        question = make_question(topic=topic)
        for at in (now, day_start, day_start - timedelta(seconds=1)):
            Attempt.objects.create(
                user=alice,
                question=question,
                coverage=0,
                rating=3,
                answer_snapshot="",
                created_at=at,
            )
        Attempt.objects.create(
            user=bob, question=question, coverage=0, rating=3, answer_snapshot=""
        )

        progress = day_progress(alice, profile, now)

        reviewed = Attempt.objects.filter(user=alice, created_at__gte=day_start).count()
        due = ReviewCard.objects.due_for(alice, now).count()
        new_today = ReviewCard.objects.filter(
            user=alice, created_at__gte=day_start, reps__gt=0
        ).count()
        assert (reviewed, due, new_today) == (2, 3, 1)
        assert progress.reviewed_today == reviewed
        assert progress.due_left == due
        assert progress.new_left == profile.new_per_day - new_today
        assert progress.reviews_left == profile.reviews_per_day - reviewed


class TestReveal:
    def test_it_reveals_the_reference_answer_as_a_partial(self, alice_client, question):
        response = reveal(alice_client, question)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert "Reference answer" in body
        assert REFERENCE[:10] in body  # the attempt is kept and shown
        assert body.count('name="ticked"') == 4
        assert body.count('name="rating"') == 4

    def test_it_renders_the_whole_page_without_htmx(self, alice_client, question):
        response = reveal(alice_client, question, htmx=False)
        body = response.content.decode()
        assert "<html" in body
        assert "Reference answer" in body
        assert "Reviewed today" in body

    def test_it_pre_ticks_the_points_the_attempt_covers(self, alice_client, question):
        response = reveal(alice_client, question, htmx=False)
        covered = [item["covered"] for item in response.context["points"]]
        assert covered[:2] == [True, True]
        assert covered[2:] == [False, False]
        assert 'value="1" id="point-1" checked' in response.content.decode()

    def test_it_shows_each_grades_interval_and_suggests_one(self, alice_client, question):
        response = reveal(alice_client, question, htmx=False)
        grades = response.context["grades"]
        assert [g["value"] for g in grades] == [1, 2, 3, 4]
        assert all(g["interval"] for g in grades)
        assert sum(g["suggested"] for g in grades) == 1
        assert grades[1]["suggested"]  # half the points covered: Hard

    def test_it_rejects_an_attempt_over_20000_characters(self, alice_client, question):
        response = reveal(alice_client, question, text="x" * 20_001)
        assert response.status_code == 200
        assert "20000" in response.content.decode() or "20,000" in response.content.decode()
        assert "Reference answer" not in response.content.decode()
        assert Attempt.objects.count() == 0

    def test_it_rejects_a_missing_token(self, alice_client, question):
        url = reverse("questions:reveal", args=[question.pk])
        response = alice_client.post(url, {"text": "x"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert "token" in response.content.decode()

    def test_it_rejects_a_forged_token(self, alice_client, question):
        url = reverse("questions:reveal", args=[question.pk])
        response = alice_client.post(url, {"text": "x", "token": "forged:abc"})
        assert response.status_code == 400

    def test_it_rejects_a_token_for_another_question(self, alice_client, question):
        other = make_question(topic=question.topic)
        token = token_from(
            alice_client.get(reverse("questions:practice_question", args=[other.pk]))
        )
        url = reverse("questions:reveal", args=[question.pk])
        assert alice_client.post(url, {"text": "x", "token": token}).status_code == 400

    def test_it_rejects_get(self, alice_client, question):
        assert alice_client.get(reverse("questions:reveal", args=[question.pk])).status_code == 405


class TestGrade:
    def test_it_records_the_attempt_and_schedules_the_card(self, alice_client, alice, question):
        response = grade(alice_client, question, rating=3, ticked=[1, 3])
        assert response.status_code == 200
        attempt = Attempt.objects.get()
        assert attempt.user == alice
        assert attempt.rating == 3
        assert attempt.ticked == [1, 3]
        assert attempt.text == REFERENCE
        assert attempt.mode == AttemptMode.BROWSE
        assert 0 < attempt.coverage < 1
        assert attempt.time_spent is not None
        assert attempt.answer_snapshot == question.answer
        assert attempt.key_points_snapshot[0] == [
            1,
            "高泛化能力",
            question.key_points.first().detail,
        ]
        card = ReviewCard.objects.get()
        assert card.reps == 1
        assert card.due > timezone.now()

    def test_good_moves_the_due_date_into_the_future(self, alice_client, question):
        grade(alice_client, question, rating=3)
        grade(alice_client, question, rating=3)
        card = ReviewCard.objects.get()
        assert card.due - timezone.now() > timedelta(hours=12)
        assert card.state == CardState.REVIEW

    def test_again_brings_it_back_within_minutes(self, alice_client, question):
        grade(alice_client, question, rating=4)
        grade(alice_client, question, rating=1)
        card = ReviewCard.objects.get()
        assert card.due - timezone.now() < timedelta(minutes=11)
        assert card.lapses == 1

    def test_the_htmx_response_is_the_next_question_and_moves_the_url(self, alice_client, topic):
        first = make_question(topic=topic, position=1, title="First")
        make_question(topic=topic, position=2, title="Second")
        response = grade(alice_client, first)
        body = response.content.decode()
        assert "<html" not in body
        assert "<title>Second" in body
        assert response["HX-Push-Url"] == reverse("questions:practice")

    def test_the_htmx_response_carries_the_new_counts_out_of_band(self, alice_client, topic):
        first = make_question(topic=topic, position=1, title="First")
        make_question(topic=topic, position=2, title="Second")
        response = grade(alice_client, first)
        progress = response.content.decode().split('id="day-progress"')[1].split("</div>")[0]
        assert 'hx-swap-oob="true"' in progress
        assert "Reviewed today <strong>1</strong>" in progress
        assert "HX-Trigger" not in response.headers  # so no second request for the counts

    def test_without_htmx_it_redirects_so_refresh_never_resubmits(self, alice_client, question):
        response = grade(alice_client, question, htmx=False)
        assert response.status_code == 302
        assert response["Location"] == reverse("questions:practice")
        assert Attempt.objects.count() == 1

    def test_a_second_submit_of_the_same_reveal_creates_nothing(self, alice_client, question):
        token = token_from(reveal(alice_client, question))
        assert grade(alice_client, question, token=token).status_code == 200
        second = grade(alice_client, question, token=token)
        assert second.status_code == 400
        assert "already been graded" in second.content.decode()
        assert Attempt.objects.count() == 1
        assert ReviewCard.objects.get().reps == 1

    @pytest.mark.parametrize("rating", ["0", "5", "good", ""])
    def test_it_rejects_a_rating_outside_1_to_4(self, alice_client, question, rating):
        response = grade(alice_client, question, rating=rating)
        assert response.status_code == 400
        assert "1–4" in response.content.decode()
        assert Attempt.objects.count() == 0

    def test_it_rejects_a_missing_token(self, alice_client, question):
        url = reverse("questions:grade", args=[question.pk])
        response = alice_client.post(url, {"text": "x", "rating": 3})
        assert response.status_code == 400
        assert Attempt.objects.count() == 0

    def test_it_rejects_ticking_a_point_that_does_not_exist(self, alice_client, question):
        assert grade(alice_client, question, ticked=[9]).status_code == 400

    def test_it_needs_a_csrf_token(self, alice, question):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        url = reverse("questions:grade", args=[question.pk])
        assert client.post(url, {"rating": 3}, HTTP_HX_REQUEST="true").status_code == 403

    def test_the_question_page_shows_the_grade(self, alice_client, question):
        grade(alice_client, question, rating=2)
        response = alice_client.get(question.get_absolute_url())
        body = response.content.decode()
        assert "Your attempts" in body
        assert 'class="rating-2">Hard' in body
        assert "Next review" in body

    def test_editing_the_question_later_keeps_the_snapshot(self, alice_client, question):
        grade(alice_client, question)
        question.answer = "changed"
        question.save()
        question.key_points.all().delete()
        attempt = Attempt.objects.get()
        assert attempt.answer_snapshot != "changed"
        assert len(attempt.key_points_snapshot) == 4


class TestIsolation:
    def test_a_token_from_another_user_is_rejected(self, client, alice, bob, question):
        client.force_login(alice)
        token = token_from(client.get(reverse("questions:practice_question", args=[question.pk])))
        client.force_login(bob)
        response = grade(client, question, token=token)
        assert response.status_code == 400
        assert Attempt.objects.count() == 0

    def test_users_see_only_their_own_cards_and_attempts(self, client, alice, bob, question):
        client.force_login(alice)
        grade(client, question, rating=3)
        client.force_login(bob)
        response = client.get(question.get_absolute_url())
        assert list(response.context["attempts"]) == []
        assert response.context["card"] is None
        assert client.get(reverse("questions:practice")).context["question"] == question


class TestQueryBudget:
    """1,000 questions and 5,000 attempts; the counts must not grow with either."""

    @pytest.fixture
    def big_history(self, alice):
        topic = make_topic()
        questions = make_questions(1000, topic=topic)
        now = timezone.now()
        ReviewCard.objects.bulk_create(
            ReviewCard(
                reps=1,
                user=alice,
                question=q,
                state=CardState.REVIEW,
                stability=5,
                difficulty=5,
                due=now - timedelta(hours=i),
                last_review=now - timedelta(days=3),
                created_at=now - timedelta(days=30),
            )
            for i, q in enumerate(questions[:500])
        )
        Attempt.objects.bulk_create(
            Attempt(
                user=alice,
                question=questions[i % 500],
                text="answer",
                coverage=0.5,
                rating=3,
                answer_snapshot="a",
                created_at=now - timedelta(minutes=i),
            )
            for i in range(5000)
        )
        other = make_user()
        Attempt.objects.bulk_create(
            Attempt(
                user=other,
                question=questions[i],
                text="x",
                coverage=0,
                rating=1,
                answer_snapshot="a",
            )
            for i in range(100)
        )
        return questions

    def test_practice_page(self, alice_client, big_history, django_assert_max_num_queries):
        # session, user with profile, the day's counts (one query), the due card; the header
        # reuses the counts the queue computed
        with django_assert_max_num_queries(4):
            response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] is not None

    def test_reveal(self, alice_client, big_history, django_assert_max_num_queries):
        question = big_history[0]
        token = token_from(
            alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        )
        url = reverse("questions:reveal", args=[question.pk])
        # session, user+profile, the question with its key points (one statement: the scoring
        # and the reference answer shown both read them), card (intervals, leech), the note
        # panel's note; the recording is looked up only when one was sent
        with django_assert_max_num_queries(5):
            response = alice_client.post(url, {"token": token, "text": "x"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200

    @pytest.mark.parametrize("index", [0, 999], ids=["existing-card", "new-card"])
    def test_grade(self, alice_client, big_history, index, django_assert_max_num_queries):
        question = big_history[index]
        token = token_from(
            alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        )
        url = reverse("questions:grade", args=[question.pk])
        # session, user+profile, the question with its key points (all three compiled once),
        # (savepoint), attempt insert, the voice recording made at the reveal attached to the
        # attempt (an UPDATE that matches nothing when none was made), card lock (compiled),
        # card insert or update (statements written once; the database's triggers move the
        # learner's change counter on), (release), the day's counts (one query: they pick the
        # next card and fill the header out of band), next due card and next new question
        # when none is due (both compiled)
        with django_assert_max_num_queries(12):
            response = alice_client.post(
                url, {"token": token, "text": "x", "rating": 3}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        assert Attempt.objects.filter(question=question, user__username="alice").exists()
