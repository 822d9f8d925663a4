"""The progress dashboard (/stats/) and the figures behind it (questions/stats.py)."""

import dataclasses
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Scheduler

from questions.bank.models import Question
from questions.progress import missed, stats, svg
from questions.study.models import SCHEDULE_FIELDS, Attempt, ReviewCard, StudyProfile
from tests.factories import (
    DEFAULT_POINTS,
    make_attempt,
    make_card,
    make_question,
    make_questions,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SNAPSHOT = [[i, label, detail] for i, (label, detail) in enumerate(DEFAULT_POINTS, 1)]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def attempt(user, question, at, *, rating=3, ticked=(1, 2, 3, 4), snapshot=SNAPSHOT):
    return Attempt(
        user=user,
        question=question,
        text="answer",
        rating=rating,
        coverage=0.5,
        ticked=list(ticked),
        answer_snapshot="reference",
        key_points_snapshot=snapshot,
        created_at=at,
    )


def add_attempts(user, question, times, **kwargs):
    return Attempt.objects.bulk_create(attempt(user, question, at, **kwargs) for at in times)


def set_zone(user, name):
    StudyProfile.objects.update_or_create(user=user, defaults={"time_zone": name})
    user.refresh_from_db()


def fsrs_retrievability(days, stability):
    """FSRS-6 by hand: R = (1 + FACTOR * t / S) ** DECAY, DECAY = -w[20]."""
    decay = -Scheduler().parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * days / stability) ** decay


# --- Days and streaks -------------------------------------------------------------------------


class TestReviewsPerDay:
    def test_it_splits_days_at_local_midnight_across_the_spring_dst_change(self, alice, question):
        # 2024-03-10: New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00.
        add_attempts(
            alice,
            question,
            [
                utc(2024, 3, 10, 4, 59),  # Mar 9, 23:59 EST
                utc(2024, 3, 10, 5, 0),  # Mar 10, 00:00 EST
                utc(2024, 3, 11, 3, 59),  # Mar 10, 23:59 EDT (a 23-hour day)
                utc(2024, 3, 11, 4, 0),  # Mar 11, 00:00 EDT
            ],
        )
        assert stats.reviews_per_day(alice, NEW_YORK) == {
            date(2024, 3, 9): 1,
            date(2024, 3, 10): 2,
            date(2024, 3, 11): 1,
        }

    def test_it_splits_days_at_local_midnight_across_the_autumn_dst_change(self, alice, question):
        # 2024-11-03: New York moves back from EDT (UTC-4) to EST (UTC-5) at 02:00.
        add_attempts(
            alice,
            question,
            [
                utc(2024, 11, 3, 3, 59),  # Nov 2, 23:59 EDT
                utc(2024, 11, 3, 4, 0),  # Nov 3, 00:00 EDT
                utc(2024, 11, 3, 5, 30),  # Nov 3, 01:30 EDT
                utc(2024, 11, 3, 6, 30),  # Nov 3, 01:30 EST (the hour that happens twice)
                utc(2024, 11, 4, 4, 59),  # Nov 3, 23:59 EST (a 25-hour day)
                utc(2024, 11, 4, 5, 0),  # Nov 4, 00:00 EST
            ],
        )
        assert stats.reviews_per_day(alice, NEW_YORK) == {
            date(2024, 11, 2): 1,
            date(2024, 11, 3): 4,
            date(2024, 11, 4): 1,
        }

    def test_the_same_attempts_fall_on_different_days_in_shanghai_and_utc(self, alice, question):
        add_attempts(alice, question, [utc(2024, 5, 1, 15, 59), utc(2024, 5, 1, 16, 0)])
        assert stats.reviews_per_day(alice, UTC) == {date(2024, 5, 1): 2}
        assert stats.reviews_per_day(alice, SHANGHAI) == {date(2024, 5, 1): 1, date(2024, 5, 2): 1}

    def test_it_counts_only_the_users_own_attempts(self, alice, bob, question):
        add_attempts(bob, question, [utc(2024, 5, 1, 12)])
        assert stats.reviews_per_day(alice, UTC) == {}


class TestStreaks:
    def test_no_reviews_make_no_streak(self):
        assert stats.streaks([], date(2024, 5, 10)) == stats.Streaks(current=0, longest=0)

    def test_the_current_streak_counts_back_from_today(self):
        days = [date(2024, 5, d) for d in (1, 2, 3, 7, 8, 9, 10)]
        assert stats.streaks(days, date(2024, 5, 10)) == stats.Streaks(current=4, longest=4)

    def test_a_streak_survives_until_today_is_over(self):
        days = [date(2024, 5, d) for d in (7, 8, 9)]
        assert stats.streaks(days, date(2024, 5, 10)).current == 3

    def test_a_missed_day_breaks_the_current_streak_but_not_the_longest(self):
        days = [date(2024, 5, d) for d in (1, 2, 3, 4, 5, 8)]
        assert stats.streaks(days, date(2024, 5, 10)) == stats.Streaks(current=0, longest=5)

    def test_runs_cross_month_and_year_ends(self):
        days = [date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1)]
        assert stats.streaks(days, date(2024, 1, 1)) == stats.Streaks(current=3, longest=3)

    def test_the_streak_of_a_new_york_user_spans_the_short_dst_day(self, alice, question):
        set_zone(alice, "America/New_York")
        # One late review on each evening of Mar 9, 10 and 11, 2024 (local 23:30).
        add_attempts(
            alice,
            question,
            [utc(2024, 3, 10, 4, 30), utc(2024, 3, 11, 3, 30), utc(2024, 3, 12, 3, 30)],
        )
        days = stats.reviews_per_day(alice, NEW_YORK)
        assert stats.streaks(days, date(2024, 3, 11)) == stats.Streaks(current=3, longest=3)
        # In UTC the same reviews fall on Mar 10, 11 and 12: today (Mar 11) the streak is 2.
        assert stats.streaks(stats.reviews_per_day(alice, UTC), date(2024, 3, 11)).current == 2

    def test_the_page_shows_the_streaks_in_the_users_time_zone(
        self, alice_client, alice, question, monkeypatch
    ):
        set_zone(alice, "Asia/Shanghai")
        now = utc(2024, 5, 3, 1)  # May 3, 09:00 in Shanghai
        monkeypatch.setattr(timezone, "now", lambda: now)
        # Shanghai days May 1, 2 and 3; in UTC they would be Apr 30, May 1 and May 2.
        add_attempts(
            alice, question, [utc(2024, 4, 30, 17), utc(2024, 5, 1, 17), utc(2024, 5, 2, 17)]
        )
        response = alice_client.get(reverse("questions:stats"))
        assert response.context["streaks"] == stats.Streaks(current=3, longest=3)
        assert response.context["reviewed_today"] == 1
        heat_days = [(day.day, day.reviews) for day in response.context["heat_days"]]
        assert heat_days == [(date(2024, 5, 3), 1), (date(2024, 5, 2), 1), (date(2024, 5, 1), 1)]
        assert response.context["heatmap"].cells[-1].day == date(2024, 5, 3)


class TestHeatmap:
    def test_levels_are_quarters_of_the_busiest_day(self):
        assert [stats.heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8)] == [
            0,
            1,
            1,
            2,
            2,
            3,
            3,
            4,
            4,
        ]

    def test_it_covers_the_last_365_days_ending_today(self):
        today = date(2024, 12, 31)
        counts = {date(2024, 1, 1): 1, today: 4, date(2024, 1, 2): 2, date(2023, 12, 31): 9}
        days = stats.heatmap(counts, today)
        assert len(days) == 365
        assert days[0].day == date(2024, 1, 2)  # 2024 is a leap year: Jan 1 is 366 days back
        assert days[-1] == stats.HeatDay(today, 4, 4)
        assert days[0] == stats.HeatDay(date(2024, 1, 2), 2, 2)
        assert sum(day.reviews for day in days) == 6  # the older days are left out

    def test_each_day_is_placed_in_its_week_column_and_weekday_row(self):
        today = date(2024, 5, 1)  # a Wednesday
        chart = svg.heatmap(stats.heatmap({today: 1}, today, days=10))
        first, last = chart.cells[0], chart.cells[-1]
        assert first.day == date(2024, 4, 22)  # a Monday: first column, first row
        assert (first.x, first.y) == (svg.HEAT_LEFT, svg.HEAT_TOP)
        assert last.x == svg.HEAT_LEFT + 1 * svg.CELL_STEP
        assert last.y == svg.HEAT_TOP + 2 * svg.CELL_STEP
        assert last.level == 4
        assert [label.day for label in chart.months] == []  # May 1 is too close to the end


# --- Cards: mastery, forecast, weakest --------------------------------------------------------


class TestDashboardCards:
    def test_their_fields_are_the_schedule_fields_in_order(self):
        fields = [field.name for field in dataclasses.fields(stats.DashboardCard)]
        assert fields == ["pk", "question", *SCHEDULE_FIELDS]

    def test_they_read_as_the_cards_they_come_from(self, alice):
        now = timezone.now()
        card = make_card(alice, make_question(), stability=8.0, lapses=2, again_count=3)
        card.refresh_from_db()
        (row,) = stats.cards_for(alice)
        assert (row.pk, row.question_id, row.question.title) == (
            card.pk,
            card.question_id,
            card.question.title,
        )
        assert row.question.get_absolute_url() == card.question.get_absolute_url()
        assert [getattr(row, name) for name in SCHEDULE_FIELDS] == [
            getattr(card, name) for name in SCHEDULE_FIELDS
        ]
        scheduler = Scheduler()
        assert row.retrievability(scheduler, now) == card.retrievability(scheduler, now)
        assert row.is_mastered(now) == card.is_mastered(now)


class TestMastery:
    def test_the_formula_matches_fsrs(self, alice, question):
        now = timezone.now()
        row = make_card(alice, question, stability=10.0, last_review=now - timedelta(days=20))
        expected = fsrs_retrievability(20, 10.0)
        assert expected == pytest.approx(0.8459, abs=1e-4)
        assert row.retrievability(Scheduler(), now) == pytest.approx(expected)

    def test_topic_figures_match_a_hand_count(self, alice, bob):
        now = timezone.now()
        topic = make_topic("Databases")
        questions = [make_question(topic=topic) for _ in range(4)]
        make_question(topic=topic, is_published=False)
        make_card(alice, questions[0], stability=30.0, last_review=now)  # mastered
        make_card(
            alice, questions[1], stability=21.0, last_review=now - timedelta(days=5)
        )  # mastered
        # Remembered for long, but overdue: not mastered.
        make_card(alice, questions[2], stability=30.0, due=now - timedelta(days=1))
        make_card(bob, questions[3], stability=10.0, last_review=now)  # not alice's
        for rating in (1, 3, 3, 4, 4):
            add_attempts(alice, questions[0], [now - timedelta(hours=rating)], rating=rating)
        add_attempts(bob, questions[0], [now], rating=1)

        scored = stats.score_cards(stats.cards_for(alice), Scheduler(), now)
        (row,) = stats.topic_progress(alice, scored)
        assert (row.topic, row.total, row.seen, row.attempts) == (topic, 4, 3, 5)
        assert row.average_rating == pytest.approx(3.0)
        assert row.mastered == 2
        assert row.mastery == pytest.approx(2 / 3)

    def test_topics_without_cards_show_zero_mastery(self, alice, question):
        (row,) = stats.topic_progress(alice, [])
        assert (row.total, row.seen, row.attempts, row.mastery) == (1, 0, 0, 0.0)
        assert row.average_rating is None

    def test_the_weakest_come_first_and_strong_cards_are_left_out(self, alice):
        now = timezone.now()
        topic = make_topic()
        strong, lapsed, fading, faded = (make_question(topic=topic) for _ in range(4))
        make_card(alice, strong, stability=30.0, last_review=now)
        make_card(alice, lapsed, last_review=now, lapses=2)
        make_card(alice, fading, stability=10.0, last_review=now - timedelta(days=20))
        make_card(alice, faded, stability=2.0, last_review=now - timedelta(days=30))
        set_aside = make_question(topic=topic)
        make_card(
            alice, set_aside, stability=1.0, last_review=now - timedelta(days=30), suspended=True
        )
        scored = stats.score_cards(stats.cards_for(alice), Scheduler(), now)
        weakest = stats.weakest(scored)
        assert [weak.question.pk for weak in weakest] == [faded.pk, fading.pk, lapsed.pk]
        assert weakest[0].retrievability == pytest.approx(fsrs_retrievability(30, 2.0))


class TestForecast:
    def test_it_counts_cards_per_local_day_with_overdue_ones_today(self, alice):
        now = utc(2024, 5, 1, 20)  # May 2, 04:00 in Shanghai
        due_times = [
            utc(2024, 4, 20, 0),  # overdue: today
            utc(2024, 5, 2, 15, 59),  # May 2, 23:59 local: today
            utc(2024, 5, 2, 16, 0),  # May 3, 00:00 local: tomorrow
            utc(2024, 5, 15, 15, 0),  # May 15 local: the 14th day
            utc(2024, 5, 15, 16, 0),  # May 16 local: beyond the forecast
        ]
        topic = make_topic()
        for due in due_times:
            make_card(alice, make_question(topic=topic), due=due, last_review=now)
        make_card(alice, make_question(topic=topic), due=now, last_review=now, suspended=True)
        make_card(
            alice,
            make_question(topic=topic),
            due=now,
            last_review=now,
            skipped_until=utc(2024, 5, 3, 1),  # skipped until May 3, 09:00 local
        )
        forecast = stats.forecast(list(stats.cards_for(alice)), SHANGHAI, now)
        assert len(forecast) == 14
        assert forecast[0] == (date(2024, 5, 2), 2)
        assert forecast[1] == (date(2024, 5, 3), 2)
        assert forecast[13] == (date(2024, 5, 15), 1)
        assert sum(count for _day, count in forecast) == 5

    def test_the_same_cards_fall_on_other_days_in_utc(self, alice, question):
        now = utc(2024, 5, 1, 20)
        make_card(alice, question, due=utc(2024, 5, 2, 15, 59), last_review=now)
        forecast = stats.forecast(list(stats.cards_for(alice)), UTC, now)
        assert forecast[0] == (date(2024, 5, 1), 0)
        assert forecast[1] == (date(2024, 5, 2), 1)

    def test_the_bar_chart_scales_bars_to_the_busiest_day(self):
        chart = svg.bar_chart([(date(2024, 5, 1), 4), (date(2024, 5, 2), 0), (date(2024, 5, 3), 2)])
        assert [bar.height for bar in chart.bars] == [svg.PLOT_HEIGHT, 0, svg.PLOT_HEIGHT // 2]
        assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
        assert chart.width == 3 * svg.BAR_STEP


# --- Key points missed ------------------------------------------------------------------------


class TestMissedPoints:
    def test_it_ranks_the_points_left_unticked_most_often(self, alice, bob, topic):
        first, second = make_question(topic=topic, title="First"), make_question(topic=topic)
        now = timezone.now()
        add_attempts(alice, first, [now - timedelta(days=3)], ticked=[1, 2])  # misses 3, 4
        add_attempts(alice, first, [now - timedelta(days=2)], ticked=[1, 2, 4])  # misses 3
        add_attempts(alice, first, [now - timedelta(days=1)], ticked=[2, 3])  # misses 1, 4
        add_attempts(alice, second, [now], ticked=[1, 2, 3, 4])  # misses nothing
        add_attempts(bob, second, [now], ticked=[])  # not alice's
        points = missed.most_missed_points(alice)
        assert [(p.question_id, p.position, p.missed, p.seen) for p in points] == [
            (first.pk, 3, 2, 3),
            (first.pk, 4, 2, 3),
            (first.pk, 1, 1, 3),
        ]
        assert points[0].title == "First"
        assert points[0].label == DEFAULT_POINTS[2][0]

    def test_unpublished_questions_are_left_out_and_the_list_still_fills(self, alice, topic):
        questions = [make_question(topic=topic, title=f"Q{i}") for i in range(4)]
        now = timezone.now()
        for index, question in enumerate(questions):
            # Question 0 is missed most, then 1, ...: each has fewer ticks than the next.
            add_attempts(
                alice, question, [now - timedelta(hours=index)], ticked=range(1, index + 1)
            )
        for question in questions[:2]:
            question.is_published = False
            question.save()
        points = missed.most_missed_points(alice, limit=2)
        assert [point.title for point in points] == ["Q2", "Q2"]
        assert {point.question_id for point in missed.most_missed_points(alice, limit=5)} == {
            questions[2].pk,
            questions[3].pk,
        }

    def test_only_the_latest_attempts_are_counted(self, alice, question):
        add_attempts(alice, question, [utc(2024, 1, 1)], ticked=[])
        add_attempts(alice, question, [utc(2024, 1, 2), utc(2024, 1, 3)], ticked=[1, 2, 3])
        points = missed.most_missed_points(alice, recent=missed.recent_point_results(alice, 2))
        assert [(p.position, p.missed, p.seen) for p in points] == [(4, 2, 2)]
        assert (
            len(missed.most_missed_points(alice, recent=missed.recent_point_results(alice, 3))) == 4
        )

    def test_a_point_outside_the_snapshot_is_never_missed(self, alice, question):
        add_attempts(alice, question, [timezone.now()], ticked=[1], snapshot=[[1, "Only", ""]])
        assert missed.most_missed_points(alice) == []

    def test_each_attempt_reads_its_points_as_they_were_with_its_ticks(self, alice, question):
        add_attempts(alice, question, [utc(2024, 1, 1)], ticked=[1, 3])
        add_attempts(alice, question, [utc(2024, 1, 2)], ticked=[], snapshot=[])
        first, second = Attempt.objects.order_by("created_at")
        assert [point.ticked for point in first.point_results()] == [True, False, True, False]
        assert second.point_results() == []


class TestQuestionsWithMissedPoints:
    def test_it_lists_questions_whose_latest_attempt_missed_a_point_newest_first(
        self, alice, bob, topic
    ):
        fixed, still_missed, recent, draft, complete = (
            make_question(topic=topic) for _ in range(5)
        )
        draft.is_published = False
        draft.save()
        add_attempts(alice, fixed, [utc(2024, 1, 1)], ticked=[1])
        add_attempts(alice, fixed, [utc(2024, 1, 5)])  # latest is complete
        add_attempts(alice, still_missed, [utc(2024, 1, 2)])
        add_attempts(alice, still_missed, [utc(2024, 1, 3)], ticked=[1, 2, 3])
        add_attempts(alice, recent, [utc(2024, 1, 4)], ticked=[4])
        add_attempts(alice, draft, [utc(2024, 1, 6)], ticked=[])
        add_attempts(alice, complete, [utc(2024, 1, 6)])
        add_attempts(bob, complete, [utc(2024, 1, 7)], ticked=[])
        assert list(missed.questions_with_missed_points(alice)) == [recent.pk, still_missed.pk]
        assert list(missed.questions_with_missed_points(alice, limit=1)) == [recent.pk]
        assert list(missed.questions_with_missed_points(bob)) == [complete.pk]

    def test_attempts_made_at_the_same_instant_are_ordered_by_id(self, alice, question):
        at = utc(2024, 1, 1)
        add_attempts(alice, question, [at], ticked=[])
        add_attempts(alice, question, [at])  # later id, complete
        assert list(missed.questions_with_missed_points(alice)) == []

    def test_it_costs_one_query_whatever_the_history(
        self, alice, question, django_assert_num_queries
    ):
        from questions.bank.models import Question

        add_attempts(alice, question, [utc(2024, 1, d) for d in range(1, 20)], ticked=[2])
        # the latest attempt of each question, then the questions
        with django_assert_num_queries(2):
            found = list(
                Question.objects.filter(pk__in=missed.questions_with_missed_points(alice, 5))
            )
        assert found == [question]


# --- The page ---------------------------------------------------------------------------------


class TestStatsPage:
    def test_the_home_page_links_to_it_for_a_logged_in_user(self, alice_client, client):
        assert f'href="{reverse("questions:stats")}"' in alice_client.get("/").content.decode()
        client.logout()
        assert reverse("questions:stats") not in client.get("/").content.decode()

    def test_it_requires_login(self, client):
        response = client.get(reverse("questions:stats"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_it_has_an_empty_state(self, alice_client, question):
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert "You have not reviewed anything yet" in body
        assert "Nothing weak yet" in body
        assert "No missed key points" in body

    def test_charts_are_inline_svg_with_text_alternatives_and_no_inline_styles(
        self, alice_client, alice, question
    ):
        now = timezone.now()
        add_attempts(alice, question, [now, now - timedelta(days=1)], ticked=[1])
        make_card(alice, question, due=now + timedelta(days=2), stability=1.0, last_review=now)
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert body.count('role="img"') == 2
        assert '<title id="heatmap-title">' in body
        assert '<title id="forecast-title">' in body
        assert body.count("<details>") == 2
        assert 'class="heat-4"' in body
        assert "style=" not in body
        assert "<script" not in body.split("</head>")[1]

    def test_it_links_the_weak_questions_and_the_missed_points_queue(
        self, alice_client, alice, question
    ):
        now = timezone.now()
        add_attempts(alice, question, [now], ticked=[1])
        make_card(alice, question, stability=1.0, last_review=now - timedelta(days=10))
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert reverse("questions:practice_question", args=[question.pk]) in body
        assert reverse("questions:practice") + "?focus=missed" in body
        assert DEFAULT_POINTS[1][0] in body  # a missed point's label

    def test_the_heatmap_table_lists_days_with_reviews(self, alice_client, alice, question):
        now = timezone.now()
        add_attempts(alice, question, [now, now, now - timedelta(days=3)])
        response = alice_client.get(reverse("questions:stats"))
        days = response.context["heat_days"]
        assert [day.reviews for day in days] == [2, 1]
        table = response.content.decode().split("Reviews per day as a table")[1]
        assert len(re.findall(r"<tr><td><time", table.split("</table>")[0])) == 2

    def test_its_queries_do_not_grow_with_the_history(
        self, alice_client, alice, django_assert_num_queries
    ):
        topic = make_topic()
        questions = make_questions(50, topic=topic)
        start = timezone.now() - timedelta(days=400)
        Attempt.objects.bulk_create(
            attempt(alice, questions[i % 50], start + timedelta(hours=2 * i), ticked=[1])
            for i in range(5000)
        )
        for q in questions[:40]:
            make_card(alice, q, stability=5.0, last_review=timezone.now() - timedelta(days=3))
        # session, user (with profile), the user's state (the user's and the bank's change
        # counters: one statement), then the dashboard: the attempts' count and newest time;
        # no digest in the cache nor stored, so the review history and the latest attempts'
        # checklists, and the digest's upsert; the bank's facts (read once per process and
        # bank version), the cards, topics, the most missed points' labels; leeches; the
        # starred count
        with django_assert_num_queries(14):
            response = alice_client.get(reverse("questions:stats"))
        assert response.status_code == 200
        assert response.context["total_reviews"] == 5000
        # From the cache, with the leeches and the starred count: session, user, the user's
        # state
        with django_assert_num_queries(3):
            again = alice_client.get(reverse("questions:stats"))

        def dashboard(page):
            return page.content.decode().split("</h1>")[1].split('id="leech-heading"')[0]

        assert dashboard(again) == dashboard(response)
        # After a grade, the digest reads the attempts' state and the new attempt in two
        # queries instead of the history and the checklists in three (its stored copy is
        # written again only every STORE_EVERY attempts); the bank's facts are current.
        latest = start + timedelta(hours=2 * 5000)
        make_attempt(alice, questions[0], rating=1, created_at=latest)
        with django_assert_num_queries(10):
            graded = alice_client.get(reverse("questions:stats"))
        assert graded.context["total_reviews"] == 5001


class TestDashboardCache:
    """The dashboard is cached per user and shown afresh as soon as anything on it changes."""

    def figures(self, client):
        body = client.get(reverse("questions:stats")).content.decode()
        return re.search(r"Reviews in all</dt><dd>([^<]*)</dd>", body).group(1)

    def test_a_new_attempt_shows_at_once(self, alice_client, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        assert self.figures(alice_client) == "1"
        add_attempts(alice, question, [timezone.now() - timedelta(hours=1)])
        assert self.figures(alice_client) == "2"

    def test_an_unchanged_history_is_served_from_the_cache(
        self, alice_client, alice, bob, question
    ):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        assert self.figures(alice_client) == "1"
        add_attempts(bob, question, [timezone.now() - timedelta(hours=1)])  # someone else's
        first = alice_client.get(reverse("questions:stats"))
        assert "heat_days" not in first.context  # the dashboard was not computed again

    def test_a_star_shows_on_the_next_view(self, alice_client, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        assert "You starred" not in alice_client.get(reverse("questions:stats")).content.decode()
        alice_client.post(reverse("questions:star", args=[question.pk]), {"starred": "1"})
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert "You starred 1 question." in body

    def test_a_suspended_leech_shows_on_the_next_view(self, alice_client, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        card = make_card(alice, question, again_count=alice.study_profile.leech_threshold)
        leeches = alice_client.get(reverse("questions:stats")).content.decode()
        assert "Suspended</span>" not in leeches.split('id="leech-heading"')[1]
        card.suspended = True
        card.save()
        leeches = alice_client.get(reverse("questions:stats")).content.decode()
        assert "Suspended</span>" in leeches.split('id="leech-heading"')[1]

    def test_suspending_or_skipping_a_card_changes_the_key(self, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        the_card = make_card(alice, question)
        profile, now = alice.study_profile, timezone.now()
        keys = {stats.dashboard_key(alice, profile, now, "en")}
        the_card.suspended = True
        the_card.save()
        keys.add(stats.dashboard_key(alice, profile, now, "en"))
        the_card.suspended = False
        the_card.skipped_until = now + timedelta(hours=5)
        the_card.save()
        keys.add(stats.dashboard_key(alice, profile, now, "en"))
        assert len(keys) == 3

    def test_the_key_changes_with_the_hour_the_language_and_the_settings(self, alice, question):
        profile, now = alice.study_profile, timezone.now()
        key = stats.dashboard_key(alice, profile, now, "en")
        assert stats.dashboard_key(alice, profile, now, "en") == key
        assert stats.dashboard_key(alice, profile, now + timedelta(hours=1), "en") != key
        assert stats.dashboard_key(alice, profile, now, "zh-hans") != key
        profile.time_zone = "Asia/Shanghai"
        assert stats.dashboard_key(alice, profile, now, "en") != key

    def test_an_edited_title_or_topic_shows_at_once(self, alice_client, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(days=40)], ticked=[])
        make_card(alice, question, stability=2.0, last_review=timezone.now() - timedelta(days=30))
        assert question.title in alice_client.get(reverse("questions:stats")).content.decode()
        question.title = "A title edited in the admin"
        question.topic = make_topic(name="A topic it moved to")
        question.save()
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert "A title edited in the admin" in body
        assert "A topic it moved to" in body.split('id="topics-heading"')[1]

    def test_an_unpublished_question_leaves_the_dashboard_at_once(
        self, alice_client, alice, question
    ):
        add_attempts(alice, question, [timezone.now() - timedelta(days=40)], ticked=[])
        make_card(alice, question, stability=2.0, last_review=timezone.now() - timedelta(days=30))
        assert question.title in alice_client.get(reverse("questions:stats")).content.decode()
        Question.objects.filter(pk=question.pk).update(
            is_published=False, updated_at=timezone.now()
        )  # as the admin's unpublish action writes it
        dashboard = alice_client.get(reverse("questions:stats")).content.decode()
        assert question.title not in dashboard.split('id="leech-heading"')[0]

    def test_users_never_share_a_cached_dashboard(self, alice_client, alice, bob, question):
        add_attempts(alice, question, [timezone.now()])
        assert self.figures(alice_client) == "1"
        alice_client.force_login(bob)
        assert self.figures(alice_client) == "0"

    def test_the_leech_list_is_never_cached(self, alice_client, alice, question):
        add_attempts(alice, question, [timezone.now() - timedelta(hours=2)])
        leech = make_card(alice, question, again_count=8)
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert 'name="csrfmiddlewaretoken"' in body.split('id="leech-heading"')[1]
        ReviewCard.objects.filter(pk=leech.pk).update(again_count=0)
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert "No leeches." in body


def test_another_users_numbers_never_show(alice_client, bob, question):
    make_user("carol")
    add_attempts(bob, question, [timezone.now()], ticked=[])
    response = alice_client.get(reverse("questions:stats"))
    assert response.context["total_reviews"] == 0
    assert response.context["missed"] == []
