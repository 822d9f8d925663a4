import random
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.study import mock
from questions.study.models import (
    Attempt,
    AttemptMode,
    MockItem,
    MockSession,
    MockStatus,
    ReviewCard,
)
from tests.factories import make_card, make_question, make_questions, make_user

pytestmark = pytest.mark.django_db

REFERENCE_DETAIL = "预训练模型通过在大规模数据上训练，获得了丰富的知识表示"
GOOD_ANSWER = (
    "预训练模型在大规模数据上训练，获得丰富的知识表示，泛化能力强，可以减少特定任务所需的数据量。"
)


class Clock:
    """A frozen clock the views read through django.utils.timezone.now."""

    def __init__(self):
        self.now = timezone.now().replace(microsecond=0)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def bank(topic):
    return [make_question(topic=topic, title=f"Mock question {i}", position=i) for i in range(1, 6)]


def start(client, count=3, minutes=3, topics=(), htmx=False):
    data = {"count": count, "minutes": minutes, "topics": [t.pk for t in topics]}
    return client.post(reverse("questions:mock_new"), data)


def session_of(user):
    return MockSession.objects.filter(user=user).latest("created_at")


def item_id_from(response):
    match = re.search(r'name="item" value="(\d+)"', response.content.decode())
    assert match, "the page carries no item id"
    return int(match.group(1))


def answer(client, session, text=GOOD_ANSWER, htmx=False, item=None):
    if item is None:
        item = item_id_from(client.get(session.get_absolute_url()))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("questions:mock_answer", args=[session.pk])
    return client.post(url, {"item": item, "text": text}, **headers)


def finish(client, session, text=GOOD_ANSWER):
    for _ in range(session.items.count()):
        answer(client, session, text)
    session.refresh_from_db()
    assert session.status == MockStatus.FINISHED


def grade(client, session, item, rating=3, htmx=False, ticked=(1, 2)):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("questions:mock_grade", args=[session.pk, item.pk])
    return client.post(url, {"rating": rating, "ticked": list(ticked)}, **headers)


class TestChoosingQuestions:
    NOW = timezone.now()

    def candidate(self, pk, *, due_in=None, stability=30.0, lapses=0, suspended=False):
        if due_in is None:
            return mock.Candidate(pk)
        return mock.Candidate(pk, self.NOW + timedelta(days=due_in), stability, lapses, suspended)

    def test_due_cards_come_first_then_weak_ones_then_unseen(self):
        candidates = [
            self.candidate(1, due_in=10),  # known well
            self.candidate(2),  # unseen
            self.candidate(3, due_in=5, lapses=2),  # weak: lapses
            self.candidate(4, due_in=-1),  # due
            self.candidate(5, due_in=5, stability=2.0),  # weak: low stability
            self.candidate(6, due_in=-3),  # due, more overdue
        ]
        for seed in range(20):
            chosen = mock.choose_questions(candidates, 4, self.NOW, random.Random(seed))
            assert set(chosen) == {4, 6, 3, 5}
            chosen = mock.choose_questions(candidates, 5, self.NOW, random.Random(seed))
            assert set(chosen) == {4, 6, 3, 5, 2}

    def test_the_most_lapsed_weak_card_wins_a_tie_for_the_last_place(self):
        candidates = [self.candidate(1, due_in=5, lapses=1), self.candidate(2, due_in=5, lapses=4)]
        assert mock.choose_questions(candidates, 1, self.NOW, random.Random(0)) == [2]

    def test_suspended_cards_come_last(self):
        candidates = [self.candidate(1, due_in=-5, suspended=True), self.candidate(2)]
        assert mock.choose_questions(candidates, 1, self.NOW, random.Random(0)) == [2]

    def test_it_never_repeats_a_question(self):
        candidates = [self.candidate(pk) for pk in range(1, 40)]
        chosen = mock.choose_questions(candidates, 20, self.NOW, random.Random(7))
        assert len(chosen) == len(set(chosen)) == 20

    def test_the_same_seed_gives_the_same_session(self):
        candidates = [self.candidate(pk) for pk in range(1, 40)]
        first = mock.choose_questions(candidates, 10, self.NOW, random.Random(3))
        again = mock.choose_questions(candidates, 10, self.NOW, random.Random(3))
        other = mock.choose_questions(candidates, 10, self.NOW, random.Random(4))
        assert first == again
        assert first != other

    def test_it_reads_the_users_own_cards_only(self, alice, bob, topic):
        due_for_bob = make_question(topic=topic)
        due_for_alice = make_question(topic=topic)
        make_questions(5, topic=topic)
        make_card(bob, due_for_bob, due=timezone.now() - timedelta(days=1))
        make_card(alice, due_for_alice, due=timezone.now() - timedelta(days=1))
        session = mock.start_session(alice, [topic], 3, 180, timezone.now(), random.Random(1))
        asked = set(session.items.values_list("question_id", flat=True))
        assert due_for_alice.pk in asked
        assert len(asked) == 3

    def test_it_keeps_to_the_topics_chosen_and_published_questions(self, alice, topic):
        make_questions(3, topic=topic)
        make_questions(3, topic=topic, is_published=False)
        make_questions(3)
        session = mock.start_session(alice, [topic], 3, 180, timezone.now(), random.Random(1))
        assert {item.question.topic for item in session.items.all()} == {topic}
        assert all(item.question.is_published for item in session.items.all())


class TestStartingAMock:
    def test_it_requires_login(self, client):
        response = client.get(reverse("questions:mock_new"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_form_offers_topics_and_defaults_to_three_minutes(self, alice_client, topic):
        response = alice_client.get(reverse("questions:mock_new"))
        body = response.content.decode()
        assert response.status_code == 200
        assert topic.name in body
        assert 'name="minutes" id="id_minutes" value="3"' in body

    def test_it_creates_a_session_and_shows_its_first_question(self, alice_client, alice, bank):
        response = start(alice_client, count=4, minutes=2)
        session = session_of(alice)
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url()
        assert session.items.count() == 4
        assert session.seconds_per_question == 120
        assert session.status == MockStatus.ACTIVE

    def test_it_remembers_the_topics(self, alice_client, alice, bank, topic):
        start(alice_client, topics=[topic])
        assert list(session_of(alice).topics.all()) == [topic]

    @pytest.mark.parametrize("count", [0, 2, 21, 500, "many", ""])
    def test_a_bad_number_of_questions_is_a_form_error(self, alice_client, alice, bank, count):
        response = start(alice_client, count=count)
        assert response.status_code == 200
        assert 'class="errorlist"' in response.content.decode()
        assert not MockSession.objects.exists()

    @pytest.mark.parametrize("minutes", [0, 61, "x"])
    def test_a_bad_time_is_a_form_error(self, alice_client, bank, minutes):
        response = start(alice_client, minutes=minutes)
        assert response.status_code == 200
        assert 'class="errorlist"' in response.content.decode()
        assert not MockSession.objects.exists()

    def test_an_unknown_topic_is_a_form_error(self, alice_client, bank):
        response = alice_client.post(
            reverse("questions:mock_new"), {"count": 3, "minutes": 3, "topics": [999999]}
        )
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()

    def test_too_few_questions_is_a_clear_form_error(self, alice_client, topic):
        make_question(topic=topic)
        response = start(alice_client, count=3)
        assert response.status_code == 200
        assert "Only 1 question is available" in response.content.decode()
        assert not MockSession.objects.exists()


class TestRunningAMock:
    def test_it_shows_one_question_with_a_countdown_and_no_answer(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        response = alice_client.get(session.get_absolute_url())
        body = response.content.decode()
        first = session.items.get(position=1)
        assert first.question.title in body
        assert "Question 1 of 3" in body
        assert "data-deadline=" in body
        assert "js/mock.js" in body
        assert "Reference answer" not in body
        assert REFERENCE_DETAIL not in body
        for other in session.items.exclude(position=1):
            assert other.question.title not in body

    def test_the_clock_starts_when_the_question_is_first_shown(
        self, alice_client, alice, bank, clock
    ):
        start(alice_client, minutes=3)
        session = session_of(alice)
        assert session.items.get(position=1).started_at is None
        alice_client.get(session.get_absolute_url())
        first = session.items.get(position=1)
        assert first.started_at == clock.now
        assert first.deadline == clock.now + timedelta(minutes=3)

    def test_coming_back_resumes_without_resetting_the_clock(
        self, alice_client, alice, bank, clock
    ):
        start(alice_client, minutes=3)
        session = session_of(alice)
        answer(alice_client, session)
        alice_client.get(session.get_absolute_url())  # shows the second question
        shown_at = clock.now
        clock.advance(minutes=10)
        response = alice_client.get(session.get_absolute_url())
        second = session.items.get(position=2)
        assert second.started_at == shown_at
        assert second.deadline == shown_at + timedelta(minutes=3)
        assert second.question.title in response.content.decode()
        assert "Time is up" in response.content.decode()

    def test_an_answer_in_time_is_not_overtime(self, alice_client, alice, bank, clock):
        start(alice_client, minutes=3)
        session = session_of(alice)
        item = item_id_from(alice_client.get(session.get_absolute_url()))
        clock.advance(minutes=2, seconds=59)
        answer(alice_client, session, "my answer", item=item)
        answered = MockItem.objects.get(pk=item)
        assert answered.text == "my answer"
        assert answered.answered_at == clock.now
        assert answered.overtime is False

    def test_a_late_answer_is_kept_and_marked_overtime(self, alice_client, alice, bank, clock):
        start(alice_client, minutes=3)
        session = session_of(alice)
        item = item_id_from(alice_client.get(session.get_absolute_url()))
        clock.advance(minutes=3, seconds=1)
        response = answer(alice_client, session, "late but kept", item=item)
        answered = MockItem.objects.get(pk=item)
        assert response.status_code == 302
        assert answered.text == "late but kept"
        assert answered.overtime is True

    def test_the_answer_is_scored_against_the_key_points(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        answer(alice_client, session, GOOD_ANSWER)
        assert session.items.get(position=1).coverage >= 0.5

    def test_with_htmx_the_next_question_replaces_the_panel(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        response = answer(alice_client, session, htmx=True)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert "Question 2 of 3" in body
        assert session.items.get(position=2).question.title in body
        assert session.items.get(position=2).started_at is not None

    def test_with_htmx_a_late_answer_says_so(self, alice_client, alice, bank, clock):
        start(alice_client, minutes=1)
        session = session_of(alice)
        item = item_id_from(alice_client.get(session.get_absolute_url()))
        clock.advance(minutes=5)
        response = answer(alice_client, session, item=item, htmx=True)
        assert "marked overtime" in response.content.decode()

    def test_the_last_answer_finishes_the_session(self, alice_client, alice, bank, clock):
        start(alice_client)
        session = session_of(alice)
        answer(alice_client, session)
        answer(alice_client, session)
        response = answer(alice_client, session, htmx=True)
        session.refresh_from_db()
        assert session.status == MockStatus.FINISHED
        assert session.finished_at == clock.now
        assert response["HX-Redirect"] == session.get_absolute_url()

    def test_the_last_answer_without_htmx_redirects_to_the_report(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        answer(alice_client, session)
        answer(alice_client, session)
        response = answer(alice_client, session)
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url()
        assert "Mock interview report" in alice_client.get(response["Location"]).content.decode()

    def test_a_resent_answer_is_refused_and_changes_nothing(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        item = item_id_from(alice_client.get(session.get_absolute_url()))
        answer(alice_client, session, "first", item=item)
        response = answer(alice_client, session, "second", item=item)
        assert response.status_code == 400
        assert "already answered" in response.content.decode()
        assert MockItem.objects.get(pk=item).text == "first"
        assert session.items.get(position=2).answered_at is None

    def test_an_answer_to_a_question_not_yet_shown_is_refused(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        first = session.items.get(position=1)
        response = answer(alice_client, session, item=first.pk)
        assert response.status_code == 400
        assert "not been shown" in response.content.decode()

    def test_an_answer_to_a_finished_mock_is_a_400_with_a_message(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        finish(alice_client, session)
        last = session.items.get(position=3)
        response = answer(alice_client, session, item=last.pk)
        assert response.status_code == 400
        assert "This mock interview is finished" in response.content.decode()
        response = answer(alice_client, session, item=last.pk, htmx=True)
        assert response.status_code == 400
        assert "<html" not in response.content.decode()

    def test_an_answer_without_an_item_is_a_400(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        url = reverse("questions:mock_answer", args=[session.pk])
        assert alice_client.post(url, {"text": "x"}).status_code == 400
        assert alice_client.post(url, {"item": "abc", "text": "x"}).status_code == 400

    def test_an_answer_that_is_too_long_is_a_400(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        response = answer(alice_client, session, "x" * 20_001)
        assert response.status_code == 400
        assert session.items.filter(answered_at__isnull=False).count() == 0

    def test_another_users_mock_is_a_404(self, client, alice, bob, bank):
        client.force_login(alice)
        start(client)
        session = session_of(alice)
        item = item_id_from(client.get(session.get_absolute_url()))
        client.force_login(bob)
        assert client.get(session.get_absolute_url()).status_code == 404
        assert answer(client, session, item=item).status_code == 404
        assert MockItem.objects.get(pk=item).answered_at is None

    def test_answering_requires_post(self, alice_client, alice, bank):
        start(alice_client)
        url = reverse("questions:mock_answer", args=[session_of(alice).pk])
        assert alice_client.get(url).status_code == 405


class TestReport:
    @pytest.fixture
    def finished(self, alice_client, alice, bank, clock):
        start(alice_client)
        session = session_of(alice)
        for i in range(3):
            alice_client.get(session.get_absolute_url())
            clock.advance(minutes=1, seconds=i * 90)
            answer(alice_client, session, GOOD_ANSWER if i == 0 else f"answer {i}")
        session.refresh_from_db()
        return session

    def test_it_shows_each_answer_with_the_reference_coverage_and_time(
        self, alice_client, finished
    ):
        body = alice_client.get(finished.get_absolute_url()).content.decode()
        assert "Mock interview report" in body
        for item in finished.items.all():
            assert item.question.title in body
            assert f'id="item-{item.position}"' in body
        assert GOOD_ANSWER in body
        assert "answer 2" in body
        assert "Reference answer" in body
        assert REFERENCE_DETAIL in body
        assert "Time taken: 1:00" in body
        assert "Time taken: 2:30" in body
        assert "Time taken: 4:00" in body

    def test_it_marks_overtime_answers(self, alice_client, finished):
        body = alice_client.get(finished.get_absolute_url()).content.decode()
        assert body.count('class="badge overtime"') == 1
        assert finished.items.get(position=3).overtime

    def test_the_overall_score_averages_coverage_then_grades(self, alice_client, finished):
        summary = mock.summary(finished)
        assert summary["total"] == 3
        assert summary["graded"] == 0
        assert summary["rating"] is None
        expected = sum(i.coverage for i in finished.items.all()) / 3
        assert summary["coverage"] == pytest.approx(expected)
        body = alice_client.get(finished.get_absolute_url()).content.decode()
        assert "not graded yet" in body
        items = list(finished.items.order_by("position"))
        grade(alice_client, finished, items[0], rating=4)
        grade(alice_client, finished, items[1], rating=1)
        assert mock.summary(finished)["rating"] == pytest.approx(2.5)
        assert "2.5 / 4" in alice_client.get(finished.get_absolute_url()).content.decode()

    def test_grading_feeds_the_scheduler_like_a_review(self, alice_client, alice, finished):
        item = finished.items.get(position=1)
        response = grade(alice_client, finished, item, rating=3)
        assert response.status_code == 302
        assert response["Location"] == f"{finished.get_absolute_url()}#item-1"
        item.refresh_from_db()
        attempt = item.attempt
        assert attempt.mode == AttemptMode.MOCK
        assert attempt.rating == 3
        assert attempt.text == GOOD_ANSWER
        assert attempt.ticked == [1, 2]
        assert attempt.time_spent == timedelta(minutes=1)
        card = ReviewCard.objects.get(user=alice, question=item.question)
        assert card.reps == 1
        assert card.due > attempt.created_at

    def test_a_graded_item_shows_the_points_the_user_ticked_as_history_does(
        self, alice_client, alice, finished
    ):
        item = finished.items.get(position=1)  # the good answer: the estimate covers every point
        grade(alice_client, finished, item, rating=2, ticked=[3])
        body = alice_client.get(finished.get_absolute_url()).content.decode()
        section = body[body.index('id="item-1"') : body.index('id="item-2"')]
        assert section.count("coverage-mark covered") == 1
        assert section.count("coverage-mark missed") == 3
        item.refresh_from_db()
        history = alice_client.get(item.attempt.get_absolute_url()).content.decode()
        assert history.count('class="ticked"') == 1

    def test_an_ungraded_items_checklist_counts_the_editors_phrasings_as_practice_does(
        self, alice_client, finished
    ):
        item = finished.items.get(position=2)  # answered "answer 1": the estimate covers nothing
        point = item.question.key_points.order_by("position").first()
        point.phrasings = "answer 1"
        point.save()
        body = alice_client.get(finished.get_absolute_url()).content.decode()
        section = body[body.index('id="item-2"') : body.index('id="item-3"')]
        assert section.count(" checked>") == 1  # the grading form's checklist, pre-ticked

    def test_grading_updates_an_existing_card(self, alice_client, alice, finished):
        item = finished.items.get(position=2)
        existing = make_card(alice, item.question, due=timezone.now() - timedelta(days=1), reps=4)
        grade(alice_client, finished, item, rating=4)
        existing.refresh_from_db()
        assert existing.reps == 5
        assert existing.due > timezone.now()

    def test_grading_with_htmx_returns_the_item_and_the_new_summary(self, alice_client, finished):
        item = finished.items.get(position=1)
        response = grade(alice_client, finished, item, rating=2, htmx=True)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert 'id="item-1"' in body
        assert "Your grade" in body
        assert 'id="mock-summary"' in body
        assert 'hx-swap-oob="true"' in body
        assert "2.0 / 4" in body
        assert "attemptGraded" in response["HX-Trigger"]

    def test_grading_twice_is_a_400(self, alice_client, finished):
        item = finished.items.get(position=1)
        grade(alice_client, finished, item, rating=3)
        response = grade(alice_client, finished, item, rating=1)
        assert response.status_code == 400
        assert "already been graded" in response.content.decode()
        assert Attempt.objects.count() == 1

    def test_grading_twice_through_the_module_is_refused(self, alice, finished):
        from questions.study.grading import AlreadyGraded
        from questions.study.models import profile_for

        item = finished.items.select_related("question").get(position=1)
        kwargs = {"user": alice, "profile": profile_for(alice), "ticked": [], "now": timezone.now()}
        mock.grade(item, rating=3, **kwargs)
        stale = finished.items.select_related("question").get(position=1)
        stale.attempt_id = None  # a second request that read the item before the first graded
        with pytest.raises(AlreadyGraded):
            mock.grade(stale, rating=1, **kwargs)
        assert Attempt.objects.count() == 1

    @pytest.mark.parametrize("rating", ["", "0", "5", "good"])
    def test_a_bad_grade_is_a_400(self, alice_client, finished, rating):
        item = finished.items.get(position=1)
        url = reverse("questions:mock_grade", args=[finished.pk, item.pk])
        response = alice_client.post(url, {"rating": rating})
        assert response.status_code == 400
        assert not Attempt.objects.exists()

    def test_ticking_a_key_point_of_another_question_is_a_400(self, alice_client, finished):
        item = finished.items.get(position=1)
        response = grade(alice_client, finished, item, ticked=(1, 99))
        assert response.status_code == 400
        assert "Tick only key points of this question." in response.content.decode()
        assert not Attempt.objects.exists()

    def test_grading_a_running_mock_is_a_400(self, alice_client, alice, bank):
        start(alice_client)
        session = session_of(alice)
        answer(alice_client, session)
        response = grade(alice_client, session, session.items.get(position=1))
        assert response.status_code == 400
        assert "Finish the mock interview" in response.content.decode()

    def test_another_users_items_are_404(self, client, bob, finished):
        client.force_login(bob)
        item = finished.items.get(position=1)
        assert grade(client, finished, item).status_code == 404
        assert not Attempt.objects.exists()

    def test_an_item_of_another_session_is_a_404(self, alice_client, alice, finished, bank):
        start(alice_client)
        other = session_of(alice)
        item = other.items.get(position=1)
        assert grade(alice_client, finished, item).status_code == 404


class TestMockList:
    def test_it_lists_the_users_sessions_newest_first(self, client, alice, bob, bank):
        client.force_login(bob)
        start(client)
        client.force_login(alice)
        start(client)
        start(client)
        response = client.get(reverse("questions:mock_list"))
        sessions = list(response.context["page"].object_list)
        assert [s.user for s in sessions] == [alice, alice]
        assert sessions[0].created_at >= sessions[1].created_at
        assert "Resume" in response.content.decode()

    def test_it_pages_25_at_a_time(self, alice_client, alice):
        MockSession.objects.bulk_create(MockSession(user=alice) for _ in range(30))
        response = alice_client.get(reverse("questions:mock_list"))
        assert len(response.context["page"].object_list) == 25
        assert "Page 1 of 2" in response.content.decode()

    def test_it_has_an_empty_state(self, alice_client):
        body = alice_client.get(reverse("questions:mock_list")).content.decode()
        assert "You have not done a mock interview yet" in body

    def test_the_nav_links_to_it(self, alice_client):
        assert reverse("questions:mock_list") in alice_client.get("/").content.decode()


class TestQueryBudgets:
    @pytest.fixture
    def big(self, alice, topic):
        questions = make_questions(300, topic=topic)
        other = make_user()
        for question in questions[:50]:
            make_card(other, question)
        return questions

    def test_list(self, alice_client, alice, big, django_assert_max_num_queries):
        for _ in range(3):
            mock.start_session(alice, [], 5, 180, timezone.now())
        # session, user, count, page with its figures, topics of the page
        with django_assert_max_num_queries(5):
            alice_client.get(reverse("questions:mock_list"))

    def test_new(self, alice_client, big, topic, django_assert_max_num_queries):
        # session, user, topics
        with django_assert_max_num_queries(3):
            alice_client.get(reverse("questions:mock_new"))
        # session, user, topics, candidates, (savepoint), session insert, topics set (select,
        # insert), items insert, (release)
        with django_assert_max_num_queries(10):
            response = start(alice_client, count=20, topics=[topic])
        assert response.status_code == 302

    def test_running_page(self, alice_client, alice, big, django_assert_max_num_queries):
        session = mock.start_session(alice, [], 20, 180, timezone.now())
        # session, user, mock session with its number of questions, current item, start its clock
        with django_assert_max_num_queries(5):
            alice_client.get(session.get_absolute_url())

    def test_answer(self, alice_client, alice, big, django_assert_max_num_queries):
        session = mock.start_session(alice, [], 20, 180, timezone.now())
        item = item_id_from(alice_client.get(session.get_absolute_url()))
        url = reverse("questions:mock_answer", args=[session.pk])
        # session, user, mock session, current item, its key points, update it, next item, start
        # its clock
        with django_assert_max_num_queries(8):
            response = alice_client.post(url, {"item": item, "text": "x"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200

    def test_report(self, alice_client, alice, big, django_assert_max_num_queries):
        session = mock.start_session(alice, [], 20, 180, timezone.now())
        finish(alice_client, session, "x")
        # session, user, mock session, items with questions and attempts, key points, summary,
        # topics
        with django_assert_max_num_queries(7):
            response = alice_client.get(session.get_absolute_url())
        assert len(response.context["rows"]) == 20

    def test_grade(self, alice_client, alice, big, django_assert_max_num_queries):
        session = mock.start_session(alice, [], 20, 180, timezone.now())
        finish(alice_client, session, "x")
        item = session.items.get(position=1)
        # session, user (with profile), mock session, item with question and attempt, key points,
        # (savepoint), (savepoint), attempt insert, card lock, card insert, (release), claim the
        # item, (release), summary: 10 queries and 4 savepoints
        with django_assert_max_num_queries(14):
            response = grade(alice_client, session, item, htmx=True, ticked=())
        assert response.status_code == 200
