import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.bank.models import QuestionReport
from questions.study import grading, scheduling
from questions.study.models import SCHEDULE_FIELDS, Attempt, QuestionNote, ReviewCard
from tests.factories import make_question, make_topic
from tests.helpers import REFERENCE, grade, reveal, token_from

pytestmark = pytest.mark.django_db

# The schedule that skip and suspend must leave as it was (they set only their own controls).
CARD_FIELDS = [name for name in SCHEDULE_FIELDS if name not in {"suspended", "skipped_until"}]


def card_state(user, question):
    card = ReviewCard.objects.filter(user=user, question=question).first()
    return None if card is None else {field: getattr(card, field) for field in CARD_FIELDS}


def undo_token_from(response):
    match = re.search(r'name="undo" value="([^"]+)"', response.content.decode())
    assert match, "the response offers no undo"
    return match.group(1)


def record(user, question, rating, when):
    return grading.record_grade(
        user=user,
        profile=user.study_profile,
        question=question,
        key_points=list(question.key_points.all()),
        text="answer",
        ticked=[],
        coverage=0.5,
        rating=rating,
        hints_used=0,
        mode="review",
        token=uuid.uuid4(),
        time_spent=None,
        now=when,
    )


class TestUndo:
    def test_it_restores_the_question_with_the_answer_and_deletes_the_attempt(
        self, alice_client, alice, question
    ):
        graded = grade(alice_client, question, rating=1, text="my first try")
        response = alice_client.post(
            reverse("questions:undo"), {"undo": undo_token_from(graded)}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "my first try" in body
        assert question.title in body
        assert Attempt.objects.count() == 0
        assert ReviewCard.objects.count() == 0  # back to a new question
        progress = body.split('id="day-progress"')[1].split("</div>")[0]
        assert 'hx-swap-oob="true"' in progress  # the day's counts go back down too
        assert "Reviewed today <strong>0</strong>" in progress

    def test_it_rebuilds_the_card_from_the_remaining_attempts(self, alice_client, alice, question):
        grade(alice_client, question, rating=3)
        before = card_state(alice, question)
        graded = grade(alice_client, question, rating=1)
        assert card_state(alice, question) != before
        alice_client.post(reverse("questions:undo"), {"undo": undo_token_from(graded)})
        after = card_state(alice, question)
        assert after["reps"] == before["reps"] == 1
        assert after["state"] == before["state"]
        assert after["stability"] == pytest.approx(before["stability"])

    def test_it_works_once_and_is_safe_under_double_clicks(self, alice_client, question):
        grade(alice_client, question, rating=3)
        graded = grade(alice_client, question, rating=4)
        data = {"undo": undo_token_from(graded)}
        assert alice_client.post(reverse("questions:undo"), data).status_code == 200
        second = alice_client.post(reverse("questions:undo"), data)
        assert second.status_code == 400
        assert "nothing to undo" in second.content.decode()
        assert Attempt.objects.count() == 1

    def test_it_refuses_an_older_attempt(self, alice_client, question):
        first = grade(alice_client, question, rating=3)
        grade(alice_client, question, rating=3)
        response = alice_client.post(reverse("questions:undo"), {"undo": undo_token_from(first)})
        assert response.status_code == 400
        assert Attempt.objects.count() == 2

    def test_it_refuses_someone_elses_attempt(self, client, alice, bob, question):
        client.force_login(bob)
        graded = grade(client, question)
        client.force_login(alice)
        response = client.post(reverse("questions:undo"), {"undo": undo_token_from(graded)})
        assert response.status_code == 400
        assert Attempt.objects.filter(user=bob).count() == 1

    def test_it_refuses_a_forged_or_missing_token(self, alice_client, question):
        grade(alice_client, question)
        assert alice_client.post(reverse("questions:undo"), {"undo": "1"}).status_code == 400
        assert alice_client.post(reverse("questions:undo")).status_code == 400
        assert Attempt.objects.count() == 1

    def test_without_javascript_undo_brings_back_the_answer(self, alice_client, question):
        grade(alice_client, question, htmx=False, text="written without javascript")
        page = alice_client.get(reverse("questions:practice"))
        response = alice_client.post(reverse("questions:undo"), {"undo": undo_token_from(page)})
        body = response.content.decode()
        assert "<html" in body
        assert "written without javascript" in body
        assert Attempt.objects.count() == 0

    def test_without_javascript_the_next_page_offers_the_undo(self, alice_client, question):
        make_question(topic=question.topic, position=99)
        grade(alice_client, question, htmx=False)
        page = alice_client.get(reverse("questions:practice"))
        assert undo_token_from(page)
        assert "undo" not in alice_client.session

    @pytest.mark.parametrize("seed", range(15))
    def test_undoing_the_last_grade_yields_exactly_the_state_before_it(self, alice, question, seed):
        rng = random.Random(seed)
        when = datetime(2026, 1, 1, 9, tzinfo=UTC)
        for _ in range(rng.randint(0, 12)):
            record(alice, question, rng.randint(1, 4), when)
            when += timedelta(minutes=rng.choice([1, 10, 600, 3 * 1440, 20 * 1440]))
        before = card_state(alice, question)
        attempt, _card = record(alice, question, rng.randint(1, 4), when)
        grading.undo_grade(alice, alice.study_profile, attempt.pk, when)
        after = card_state(alice, question)
        if before is None:
            assert after is None
        else:
            assert after.keys() == before.keys()
            for field in CARD_FIELDS:
                if isinstance(before[field], float):
                    assert after[field] == pytest.approx(before[field], rel=1e-9), field
                else:
                    assert after[field] == before[field], field


class TestSkipAndSuspend:
    def test_skip_hides_the_question_until_the_users_next_day(self, alice_client, alice, topic):
        first = make_question(topic=topic, position=1)
        second = make_question(topic=topic, position=2)
        response = alice_client.post(
            reverse("questions:skip", args=[first.pk]), HTTP_HX_REQUEST="true"
        )
        assert "Skipped" in response.content.decode()
        assert 'id="day-progress" class="progress" role="status"' in response.content.decode()
        assert alice_client.get(reverse("questions:practice")).context["question"] == second
        assert Attempt.objects.count() == 0
        card = ReviewCard.objects.get(question=first)
        profile = alice.study_profile
        assert card.skipped_until == profile.start_of_next_day(timezone.now())

    def test_a_skipped_card_comes_back_the_next_day(self, alice, question):
        now = timezone.now()
        record(alice, question, 1, now - timedelta(hours=1))
        ReviewCard.objects.filter(question=question).update(skipped_until=now + timedelta(hours=1))
        assert scheduling.next_due_card(alice, now) is None
        assert scheduling.next_due_card(alice, now + timedelta(hours=2)).question == question

    def test_the_next_day_follows_the_users_time_zone(self, alice):
        profile = alice.study_profile
        profile.time_zone = "America/New_York"
        now = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)  # 22:00 on 7 March in New York
        assert profile.start_of_next_day(now) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
        # The day clocks spring forward: midnight on 9 March is 04:00 UTC.
        assert profile.start_of_next_day(now + timedelta(hours=12)) == datetime(
            2026, 3, 9, 4, 0, tzinfo=UTC
        )

    def test_a_suspended_question_is_never_scheduled(self, alice_client, alice, question):
        record(alice, question, 1, timezone.now() - timedelta(days=1))
        alice_client.post(reverse("questions:suspend", args=[question.pk]))
        assert ReviewCard.objects.get().suspended
        assert alice_client.get(reverse("questions:practice")).context["question"] is None

    def test_suspended_questions_are_listed_in_settings_and_can_come_back(
        self, alice_client, question
    ):
        alice_client.post(reverse("questions:suspend", args=[question.pk]))
        settings_page = alice_client.get(reverse("study_settings")).content.decode()
        assert question.title in settings_page
        response = alice_client.post(
            reverse("questions:suspend", args=[question.pk]), {"suspended": "0", "next": "settings"}
        )
        assert response["Location"] == reverse("study_settings")
        assert not ReviewCard.objects.get().suspended
        assert alice_client.get(reverse("questions:practice")).context["question"] == question

    def test_it_can_be_unsuspended_from_the_question_page(self, alice_client, question):
        alice_client.post(reverse("questions:suspend", args=[question.pk]))
        page = alice_client.get(question.get_absolute_url()).content.decode()
        assert "Unsuspend" in page
        alice_client.post(
            reverse("questions:suspend", args=[question.pk]), {"suspended": "0", "next": "question"}
        )
        assert not ReviewCard.objects.get().suspended

    def test_suspending_an_unknown_question_is_a_404(self, alice_client):
        assert alice_client.post(reverse("questions:suspend", args=[999999])).status_code == 404
        assert alice_client.post(reverse("questions:skip", args=[999999])).status_code == 404

    def test_one_users_controls_never_affect_another(self, client, alice, bob, question):
        client.force_login(alice)
        client.post(reverse("questions:suspend", args=[question.pk]))
        client.force_login(bob)
        assert client.get(reverse("questions:practice")).context["question"] == question


class TestDailyLimits:
    def test_the_review_limit_holds_back_due_cards(self, alice_client, alice, topic):
        questions = [make_question(topic=topic, position=i) for i in range(3)]
        past = timezone.now() - timedelta(days=30)
        for q in questions:
            record(alice, q, 3, past)
        alice.study_profile.reviews_per_day = 1
        alice.study_profile.new_per_day = 0
        alice.study_profile.save()
        grade(alice_client, questions[0])
        response = alice_client.get(reverse("questions:practice"))
        assert response.context["question"] is None
        assert response.context["progress"].reviews_left == 0
        assert "Reviews left today" in response.content.decode()


class TestLeeches:
    def test_a_question_failed_eight_times_is_a_leech(self, alice_client, alice, question):
        when = timezone.now() - timedelta(days=10)
        for i in range(8):
            record(alice, question, 1, when + timedelta(hours=i))
        assert ReviewCard.objects.get().again_count == 8
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        assert "Leech" in page.content.decode()
        assert "Leech" in alice_client.get(question.get_absolute_url()).content.decode()
        assert "Leech" in alice_client.get(reverse("questions:history")).content.decode()
        stats_page = alice_client.get(reverse("questions:stats")).content.decode()
        assert 'id="leech-heading"' in stats_page
        assert question.title in stats_page.split('id="leech-heading"')[1].split("</section>")[0]

    def test_the_threshold_is_the_users(self, alice_client, alice, question):
        alice.study_profile.leech_threshold = 3
        alice.study_profile.save()
        for i in range(3):
            record(alice, question, 1, timezone.now() - timedelta(hours=10 - i))
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        assert "Leech" in page.content.decode()


class TestHints:
    def test_each_hint_shows_one_more_key_point_label(self, alice_client, question):
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        data = {"token": token_from(page), "text": "draft", "hints": "0"}
        first = alice_client.post(
            reverse("questions:hint", args=[question.pk]), data, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "高泛化能力" in first
        assert "减少数据需求" not in first
        assert 'name="hints" value="1"' in first
        assert "draft" in first
        second = alice_client.post(
            reverse("questions:hint", args=[question.pk]),
            {**data, "hints": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert "减少数据需求" in second.content.decode()

    def test_hints_lower_the_suggested_grade_and_are_recorded(self, alice_client, question):
        text = " ".join(point.detail for point in question.key_points.all())
        plain = reveal(alice_client, question, text=text, htmx=False)
        hinted = reveal(alice_client, question, text=text, htmx=False, hints="2")
        suggested = [g["value"] for g in plain.context["grades"] if g["suggested"]][0]
        suggested_hinted = [g["value"] for g in hinted.context["grades"] if g["suggested"]][0]
        assert suggested == 4
        assert suggested_hinted == 2
        token = token_from(hinted)
        alice_client.post(
            reverse("questions:grade", args=[question.pk]),
            {"token": token, "text": text, "rating": 2, "hints": "2"},
        )
        assert Attempt.objects.get().hints_used == 2


class TestReports:
    def test_a_user_reports_a_question_and_sees_its_status(self, alice_client, alice, question):
        response = alice_client.post(
            reverse("questions:report", args=[question.pk]),
            {"kind": "unclear", "comment": "第二点看不懂"},
            HTTP_HX_REQUEST="true",
        )
        assert "Thank you" in response.content.decode()
        report = QuestionReport.objects.get()
        assert (report.user, report.kind, report.status) == (alice, "unclear", "open")
        report.status = "resolved"
        report.save()
        page = alice_client.get(question.get_absolute_url()).content.decode()
        assert "Your reports" in page
        assert "Resolved" in page

    def test_a_huge_comment_is_refused_with_a_message(self, alice_client, question):
        response = alice_client.post(
            reverse("questions:report", args=[question.pk]),
            {"kind": "wrong", "comment": "x" * 10_000},
        )
        assert response.status_code == 400
        assert "2000" in response.content.decode() or "2,000" in response.content.decode()
        assert QuestionReport.objects.count() == 0

    def test_an_unknown_kind_is_refused(self, alice_client, question):
        response = alice_client.post(
            reverse("questions:report", args=[question.pk]), {"kind": "spam"}
        )
        assert response.status_code == 400


class TestInterviewDate:
    def test_nothing_falls_due_after_the_interview(self, alice, question):
        now = timezone.now()
        alice.study_profile.interview_date = (now + timedelta(days=5)).date()
        when = now
        while when.date() < alice.study_profile.interview_date:
            _attempt, card = record(alice, question, 4, when)
            assert card.due.date() <= alice.study_profile.interview_date
            when = card.due

    def test_retention_rises_as_the_day_comes_closer(self, alice):
        profile = alice.study_profile
        now = datetime(2026, 5, 1, 12, tzinfo=UTC)
        profile.interview_date = date(2026, 5, 30)
        assert scheduling.scheduler_for(profile, now).desired_retention == 0.90
        profile.interview_date = date(2026, 5, 10)
        assert scheduling.scheduler_for(profile, now).desired_retention == 0.95
        profile.interview_date = date(2026, 5, 2)
        assert scheduling.scheduler_for(profile, now).desired_retention == 0.97
        assert scheduling.scheduler_for(profile, now).maximum_interval == 1

    @pytest.mark.parametrize(
        ("days_before", "retention", "maximum_interval"),
        [
            (0, 0.90, 36500),  # the day itself: no interval can end before it
            (1, 0.97, 1),
            (3, 0.97, 3),
            (4, 0.95, 4),
            (14, 0.95, 14),
            (15, 0.90, 15),
        ],
    )
    def test_the_retention_and_the_longest_interval_at_each_boundary(
        self, alice, days_before, retention, maximum_interval
    ):
        profile = alice.study_profile
        now = datetime(2026, 5, 1, 12, tzinfo=UTC)
        profile.interview_date = date(2026, 5, 1) + timedelta(days=days_before)

        scheduler = scheduling.scheduler_for(profile, now)

        assert scheduler.desired_retention == retention
        assert scheduler.maximum_interval == maximum_interval

    @pytest.mark.parametrize("days_before", [1, 3, 14, 30])
    def test_a_users_higher_retention_is_never_lowered(self, alice, days_before):
        profile = alice.study_profile
        profile.desired_retention = 0.98
        now = datetime(2026, 5, 1, 12, tzinfo=UTC)
        profile.interview_date = date(2026, 5, 1) + timedelta(days=days_before)

        assert scheduling.scheduler_for(profile, now).desired_retention == 0.98

    def test_the_interview_day_is_counted_in_the_users_time_zone(self, alice):
        profile = alice.study_profile
        profile.time_zone = "Asia/Shanghai"
        profile.interview_date = date(2026, 5, 4)
        # 20:00 UTC on 30 April is already 1 May in Shanghai: three days before.
        scheduler = scheduling.scheduler_for(profile, datetime(2026, 4, 30, 20, tzinfo=UTC))

        assert scheduler.maximum_interval == 3
        assert scheduler.desired_retention == 0.97

    def test_after_the_interview_scheduling_is_normal(self, alice):
        profile = alice.study_profile
        profile.interview_date = date(2026, 4, 1)
        scheduler = scheduling.scheduler_for(profile, datetime(2026, 5, 1, tzinfo=UTC))
        assert scheduler.maximum_interval == 36500
        assert scheduler.desired_retention == profile.desired_retention

    def test_a_date_in_the_past_is_refused(self, alice_client, alice):
        yesterday = (timezone.now() - timedelta(days=2)).date()
        response = alice_client.post(
            reverse("study_settings"),
            {
                "time_zone": "UTC",
                "new_per_day": 10,
                "reviews_per_day": 200,
                "desired_retention": "0.9",
                "leech_threshold": 8,
                "interview_date": yesterday,
            },
        )
        assert "cannot be in the past" in response.content.decode()
        alice.study_profile.refresh_from_db()
        assert alice.study_profile.interview_date is None

    def test_the_before_my_interview_queue_puts_unseen_then_weakest_first(
        self, alice_client, alice
    ):
        topic = make_topic()
        strong, weak, unseen = (make_question(topic=topic, position=i) for i in range(3))
        long_ago = timezone.now() - timedelta(days=40)
        record(alice, strong, 4, long_ago + timedelta(days=39))
        record(alice, weak, 1, long_ago)
        alice.study_profile.interview_date = (timezone.now() + timedelta(days=7)).date()
        alice.study_profile.save()
        scheduler = scheduling.scheduler_for(alice.study_profile, timezone.now())
        assert scheduling.interview_queue(alice, scheduler, timezone.now()) == [
            unseen.pk,
            weak.pk,
            strong.pk,
        ]
        page = alice_client.get(reverse("questions:practice") + "?focus=interview")
        assert page.context["question"] == unseen
        assert "Before my interview" in page.content.decode()


class TestStarredQueue:
    def test_it_practises_only_starred_questions(self, alice_client, alice, topic):
        make_question(topic=topic, position=1)
        starred = make_question(topic=topic, position=2)
        QuestionNote.objects.create(user=alice, question=starred, starred=True)
        response = alice_client.get(reverse("questions:practice") + "?starred=1")
        assert response.context["question"] == starred
        data = {"token": token_from(response), "text": REFERENCE, "rating": 3, "focus": "starred"}
        graded = alice_client.post(
            reverse("questions:grade", args=[starred.pk]), data, HTTP_HX_REQUEST="true"
        )
        assert graded["HX-Push-Url"] == reverse("questions:practice") + "?starred=1"
        assert "This drill is done for today" in graded.content.decode()


class TestDrillsMoveOn:
    @pytest.fixture
    def drill(self, alice):
        """The first and second question of each drill, set up for alice."""

        def prepare(focus):
            topic = make_topic()
            first = make_question(topic=topic, title="第一道题", position=1)
            second = make_question(topic=topic, title="第二道题", position=2)
            if focus == "starred":
                for question in (first, second):
                    QuestionNote.objects.create(user=alice, question=question, starred=True)
            elif focus == "missed":
                yesterday = timezone.now() - timedelta(days=1)
                record(alice, first, 1, yesterday - timedelta(hours=1))
                record(alice, second, 1, yesterday)
            else:
                alice.study_profile.interview_date = (timezone.now() + timedelta(days=7)).date()
                alice.study_profile.save()
            return first, second

        return prepare

    @pytest.mark.parametrize("focus", ["starred", "missed", "interview"])
    @pytest.mark.parametrize("htmx", [True, False])
    def test_a_drill_moves_on_to_its_next_question_after_an_answer(
        self, alice_client, drill, focus, htmx
    ):
        first, second = drill(focus)
        query = "?starred=1" if focus == "starred" else f"?focus={focus}"
        page = alice_client.get(reverse("questions:practice") + query)
        shown = page.context["question"]
        assert shown in (first, second)
        data = {"token": token_from(page), "text": REFERENCE, "rating": 3, "ticked": [1, 2]}
        data["focus"] = focus

        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        graded = alice_client.post(reverse("questions:grade", args=[shown.pk]), data, **headers)
        if not htmx:
            assert graded.status_code == 302
            graded = alice_client.get(graded["Location"])

        following = graded.context["question"]
        assert following is not None
        assert following.pk == ({first.pk, second.pk} - {shown.pk}).pop()
