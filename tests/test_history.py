"""The attempt history (/history/) and one attempt beside its reference (/history/<id>/)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.study.models import Attempt, AttemptMode, StudyProfile
from tests.factories import DEFAULT_POINTS, make_question, make_questions, make_topic

pytestmark = pytest.mark.django_db

HISTORY = "/history/"
SNAPSHOT = [[i, label, detail] for i, (label, detail) in enumerate(DEFAULT_POINTS, 1)]


def make_attempt(user, question, *, at=None, rating=3, text="my answer", **kwargs):
    kwargs.setdefault("ticked", [1, 2])
    kwargs.setdefault("key_points_snapshot", SNAPSHOT)
    kwargs.setdefault("answer_snapshot", question.answer)
    kwargs.setdefault("coverage", 0.5)
    return Attempt.objects.create(
        user=user,
        question=question,
        rating=rating,
        text=text,
        created_at=at or timezone.now(),
        **kwargs,
    )


def listed(response):
    """The attempts the page lists, in its order, read from its links."""
    ids = [int(pk) for pk in re.findall(r'<a class="title" href="/history/(\d+)/"', response.text)]
    found = Attempt.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


class TestHistoryPage:
    def test_it_requires_login(self, client):
        response = client.get(HISTORY)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_it_has_a_url_name(self):
        assert reverse("questions:history") == HISTORY

    def test_it_lists_my_attempts_newest_first_with_title_rating_coverage_and_time(
        self, alice_client, alice, question
    ):
        older = make_attempt(alice, question, at=timezone.now() - timedelta(days=1), rating=1)
        newer = make_attempt(alice, question, rating=4, coverage=0.75)
        response = alice_client.get(HISTORY)
        body = response.content.decode()
        assert listed(response) == [newer, older]
        assert question.title in body
        assert "Easy" in body and "Again" in body
        assert "75%" in body
        assert f'href="{newer.get_absolute_url()}"' in body
        assert "<time datetime=" in body

    def test_it_shows_only_the_start_of_a_long_answer(self, alice_client, alice, question):
        make_attempt(alice, question, text="x" * 5000)
        body = alice_client.get(HISTORY).content.decode()
        assert "x" * 150 in body
        assert "x" * 161 not in body

    def test_it_hides_other_users_attempts(self, alice_client, alice, bob, question):
        mine = make_attempt(alice, question)
        make_attempt(bob, question, text="bob's secret")
        response = alice_client.get(HISTORY)
        assert listed(response) == [mine]
        assert "bob&#x27;s secret" not in response.content.decode()

    def test_it_pages_25_at_a_time_and_shows_the_last_page_when_out_of_range(
        self, alice_client, alice, question
    ):
        now = timezone.now()
        Attempt.objects.bulk_create(
            Attempt(
                user=alice,
                question=question,
                rating=3,
                coverage=0.5,
                answer_snapshot="",
                created_at=now - timedelta(minutes=i),
            )
            for i in range(30)
        )
        first = alice_client.get(HISTORY)
        assert len(listed(first)) == 25
        assert "Page 1 of 2" in first.content.decode()
        for page in ("99", "-1", "abc"):
            response = alice_client.get(HISTORY, {"page": page})
            assert response.status_code == 200
        assert len(listed(alice_client.get(HISTORY, {"page": "99"}))) == 5

    def test_it_has_an_empty_state(self, alice_client):
        body = alice_client.get(HISTORY).content.decode()
        assert "You have not answered any question yet." in body

    def test_it_links_the_exports_and_account_deletion(self, alice_client):
        body = alice_client.get(HISTORY).content.decode()
        assert reverse("questions:history_export_csv") in body
        assert reverse("questions:history_export_json") in body
        assert reverse("questions:account_delete") in body

    def test_the_nav_links_history_and_stats_for_logged_in_users(self, alice_client, client):
        body = alice_client.get("/").content.decode()
        assert f'href="{HISTORY}"' in body
        assert f'href="{reverse("questions:stats")}"' in body
        client.logout()
        assert f'href="{HISTORY}"' not in client.get("/").content.decode()


class TestHistoryFilters:
    def test_it_filters_by_topic(self, alice_client, alice, topic):
        wanted = make_attempt(alice, make_question(topic=topic))
        make_attempt(alice, make_question(topic=make_topic()))
        assert listed(alice_client.get(HISTORY, {"topic": topic.slug})) == [wanted]

    def test_it_filters_by_rating_and_mode(self, alice_client, alice, question):
        wanted = make_attempt(alice, question, rating=2, mode=AttemptMode.MOCK)
        make_attempt(alice, question, rating=2)
        make_attempt(alice, question, rating=3, mode=AttemptMode.MOCK)
        response = alice_client.get(HISTORY, {"rating": "2", "mode": "mock"})
        assert listed(response) == [wanted]

    def test_it_searches_my_own_answers(self, alice_client, alice, bob, question):
        wanted = make_attempt(alice, question, text="Use a B-tree INDEX here")
        make_attempt(alice, question, text="a hash map")
        make_attempt(bob, question, text="an index too")
        assert listed(alice_client.get(HISTORY, {"q": "index"})) == [wanted]

    def test_it_searches_chinese_text(self, alice_client, alice, question):
        wanted = make_attempt(alice, question, text="预训练模型可以减少数据需求")
        make_attempt(alice, question, text="别的")
        assert listed(alice_client.get(HISTORY, {"q": "数据"})) == [wanted]

    def test_date_ranges_are_whole_days_in_my_time_zone(self, alice_client, alice, question):
        StudyProfile.objects.filter(user=alice).update(time_zone="Asia/Shanghai")
        before = make_attempt(alice, question, at=datetime(2024, 4, 30, 15, 59, tzinfo=UTC))
        first = make_attempt(alice, question, at=datetime(2024, 4, 30, 16, 0, tzinfo=UTC))
        last = make_attempt(alice, question, at=datetime(2024, 5, 2, 15, 59, tzinfo=UTC))
        after = make_attempt(alice, question, at=datetime(2024, 5, 2, 16, 0, tzinfo=UTC))
        response = alice_client.get(HISTORY, {"date_from": "2024-05-01", "date_to": "2024-05-02"})
        assert listed(response) == [last, first]
        assert listed(alice_client.get(HISTORY, {"date_to": "2024-04-30"})) == [before]
        assert listed(alice_client.get(HISTORY, {"date_from": "2024-05-03"})) == [after]

    def test_date_ranges_follow_new_york_across_the_dst_change(self, alice_client, alice, question):
        StudyProfile.objects.filter(user=alice).update(time_zone="America/New_York")
        # Mar 10, 2024 lasts 23 hours in New York: 05:00 UTC to 04:00 UTC the next day.
        make_attempt(alice, question, at=datetime(2024, 3, 10, 4, 59, tzinfo=UTC))
        inside = [
            make_attempt(alice, question, at=datetime(2024, 3, 10, 5, 0, tzinfo=UTC)),
            make_attempt(alice, question, at=datetime(2024, 3, 11, 3, 59, tzinfo=UTC)),
        ]
        make_attempt(alice, question, at=datetime(2024, 3, 11, 4, 0, tzinfo=UTC))
        response = alice_client.get(HISTORY, {"date_from": "2024-03-10", "date_to": "2024-03-10"})
        assert listed(response) == inside[::-1]

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"topic": "no-such-topic"}, "There is no such topic."),
            ({"rating": "7"}, "A grade is 1 (Again) to 4 (Easy)."),
            ({"rating": "good"}, "A grade is 1 (Again) to 4 (Easy)."),
            ({"mode": "speedrun"}, "There is no such mode."),
            ({"date_from": "2024-13-45"}, "Enter a date as YYYY-MM-DD."),
            ({"date_to": "yesterday"}, "Enter a date as YYYY-MM-DD."),
            ({"date_to": "9999-12-31"}, "Ensure this value is less than or equal to"),
            ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "before the start date"),
        ],
    )
    def test_a_bad_filter_value_gets_a_clear_message_not_an_error(
        self, alice_client, alice, question, params, message
    ):
        attempt = make_attempt(alice, question)
        response = alice_client.get(HISTORY, params)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Some filters could not be used and are ignored" in body
        assert message in body
        assert listed(response) == [attempt]  # the bad value is ignored

    def test_the_controls_keep_what_was_chosen(self, alice_client, topic):
        params = {
            "q": 'a "quoted" <word>',
            "topic": topic.slug,
            "rating": "2",
            "mode": "mock",
            "date_from": "2024-05-01",
            "date_to": "2024-05-31",
        }
        body = alice_client.get(HISTORY, params).content.decode()
        assert 'value="a &quot;quoted&quot; &lt;word&gt;"' in body
        assert f'<option value="{topic.slug}" selected>' in body
        assert '<option value="2" selected>Hard</option>' in body
        assert '<option value="mock" selected>' in body
        assert 'name="date_from" value="2024-05-01"' in body
        assert 'name="date_to" value="2024-05-31"' in body
        form = body.split("history-filters")[1].split("</form>")[0]
        assert form.count(" selected>") == 3
        assert "aria-invalid" not in body

    def test_a_bad_value_marks_its_control_and_points_to_the_message(self, alice_client):
        body = alice_client.get(HISTORY, {"rating": "9"}).content.decode()
        assert 'id="id_rating" aria-invalid="true" aria-describedby="id_rating_error"' in body
        assert '<li id="id_rating_error">' in body
        assert body.count("aria-invalid") == 1

    def test_valid_filters_still_apply_beside_a_bad_one(self, alice_client, alice, question):
        wanted = make_attempt(alice, question, rating=4)
        make_attempt(alice, question, rating=1)
        response = alice_client.get(HISTORY, {"rating": "4", "topic": "nope"})
        assert listed(response) == [wanted]

    def test_no_match_has_its_own_empty_state(self, alice_client, alice, question):
        make_attempt(alice, question, text="hello")
        body = alice_client.get(HISTORY, {"q": "absent"}).content.decode()
        assert "No attempts match these filters." in body

    def test_with_htmx_it_returns_only_the_results(self, alice_client, alice, question):
        make_attempt(alice, question, rating=4)
        response = alice_client.get(HISTORY, {"rating": "4"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert 'id="history-results"' in body
        assert question.title in body

    def test_without_htmx_it_returns_the_whole_page_with_the_form(
        self, alice_client, alice, question
    ):
        make_attempt(alice, question, rating=4)
        body = alice_client.get(HISTORY, {"rating": "4"}).content.decode()
        assert "<html" in body
        assert 'hx-get="/history/"' in body
        assert 'id="history-results"' in body

    def test_its_queries_do_not_grow_with_the_history(
        self, alice_client, alice, django_assert_max_num_queries
    ):
        questions = make_questions(20)
        start = timezone.now() - timedelta(days=300)
        Attempt.objects.bulk_create(
            Attempt(
                user=alice,
                question=questions[i % 20],
                rating=1 + i % 4,
                coverage=0.5,
                text="answer",
                answer_snapshot="",
                created_at=start + timedelta(hours=i),
            )
            for i in range(5000)
        )
        query = {"topic": questions[0].topic.slug, "rating": "2", "page": "3"}
        # session, user with profile, the filter's topic, the cache key's two (the user's and
        # the bank's state, the topics), count, the page, its questions with their topics,
        # the topics of the filter's select
        with django_assert_max_num_queries(9):
            response = alice_client.get(HISTORY, query)
        assert response.status_code == 200
        assert len(listed(response)) == 25
        # The same results again come from the cache: no count, page nor questions.
        with django_assert_max_num_queries(6):
            again = alice_client.get(HISTORY, query)
        assert listed(again) == listed(response)


class TestAttemptDetail:
    def test_it_has_a_url_name_and_the_model_links_to_it(self, alice, question):
        attempt = make_attempt(alice, question)
        assert attempt.get_absolute_url() == f"/history/{attempt.pk}/"

    def test_it_shows_my_answer_beside_the_snapshot_of_the_reference(
        self, alice_client, alice, question
    ):
        attempt = make_attempt(
            alice,
            question,
            text="My own words",
            answer_snapshot="The reference **as it was**",
            time_spent=timedelta(minutes=2, seconds=5),
        )
        question.answer = "A new reference"
        question.save()
        body = alice_client.get(attempt.get_absolute_url()).content.decode()
        assert "My own words" in body
        assert "<strong>as it was</strong>" in body
        assert "A new reference" not in body
        assert "it has been edited since" in body
        assert "2:05" in body

    def test_it_marks_the_ticked_and_missed_points_from_the_snapshot(
        self, alice_client, alice, question
    ):
        snapshot = [[1, "First point", "one"], [2, "Second point", "two"], [5, "Old point", ""]]
        attempt = make_attempt(alice, question, ticked=[2], key_points_snapshot=snapshot)
        response = alice_client.get(attempt.get_absolute_url())
        body = response.content.decode()
        assert [(p.position, p.ticked) for p in response.context["points"]] == [
            (1, False),
            (2, True),
            (5, False),
        ]
        assert "Old point" in body  # the snapshot, not the current key points
        assert DEFAULT_POINTS[0][0] not in body.split("Key points")[-1]
        assert "1 of 3" in body

    def test_it_survives_a_malformed_snapshot(self, alice_client, alice, question):
        attempt = make_attempt(
            alice, question, ticked=["x", 1], key_points_snapshot=[["a"], 3, [], [1, "Fine"]]
        )
        response = alice_client.get(attempt.get_absolute_url())
        assert response.status_code == 200
        assert [(p.position, p.label, p.ticked) for p in response.context["points"]] == [
            (1, "Fine", True)
        ]

    def test_it_links_the_question_and_practising_it_again(self, alice_client, alice, question):
        attempt = make_attempt(alice, question)
        body = alice_client.get(attempt.get_absolute_url()).content.decode()
        assert f'href="/practice/{question.pk}/"' in body
        assert f'href="{question.get_absolute_url()}"' in body

    def test_a_withdrawn_question_gets_no_practice_link(self, alice_client, alice, question):
        attempt = make_attempt(alice, question)
        question.is_published = False
        question.save()
        body = alice_client.get(attempt.get_absolute_url()).content.decode()
        assert f"/practice/{question.pk}/" not in body
        assert "withdrawn" in body

    def test_another_users_attempt_is_not_found(self, alice_client, bob, question):
        attempt = make_attempt(bob, question)
        assert alice_client.get(attempt.get_absolute_url()).status_code == 404

    def test_a_missing_attempt_is_not_found(self, alice_client):
        assert alice_client.get("/history/999999/").status_code == 404

    def test_it_requires_login(self, client, alice, question):
        attempt = make_attempt(alice, question)
        assert client.get(attempt.get_absolute_url()).status_code == 302

    def test_its_queries_do_not_grow_with_the_history(
        self, alice_client, alice, question, django_assert_max_num_queries
    ):
        Attempt.objects.bulk_create(
            Attempt(user=alice, question=question, rating=3, coverage=0.5, answer_snapshot="")
            for _ in range(5000)
        )
        attempt = make_attempt(alice, question)
        # session, user with profile, the attempt with its question and topic, the question's
        # key points (whether its reference answer changed since)
        with django_assert_max_num_queries(6) as captured:
            response = alice_client.get(attempt.get_absolute_url())
        assert response.status_code == 200
        assert len(captured) <= 4
