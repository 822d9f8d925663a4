"""Where the coverage estimate missed what learners ticked: recorded at each grade, counted per
key point, and shown to editors on an admin page of the question."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.bank.estimate_misses import EXAMPLE_LENGTH, EXAMPLES_PER_POINT, estimate_misses
from questions.bank.models import KeyPoint
from questions.study import mock
from questions.study.coverage import score_key_points
from questions.study.models import Attempt, profile_for
from tests.factories import make_attempt, make_question, make_user
from tests.helpers import REFERENCE, change_url, grade

pytestmark = pytest.mark.django_db


def estimate_url(question):
    return reverse("admin:questions_question_estimate", args=[question.pk])


def point(misses, position):
    return next(point for point in misses.points if point.position == position)


# --- Recording the estimate -----------------------------------------------------------------


def test_a_grade_stores_the_positions_the_estimate_ticked(alice_client, question):
    points = list(question.key_points.all())
    scores = score_key_points(REFERENCE, [point.as_scored() for point in points])
    expected = [
        point.position for point, score in zip(points, scores, strict=True) if score.covered
    ]

    response = grade(alice_client, question, ticked=(1, 3), text=REFERENCE)

    assert response.status_code == 200
    attempt = Attempt.objects.get(question=question)
    assert attempt.estimated == expected == [1, 2]
    assert attempt.ticked == [1, 3]


def test_a_mock_interview_grade_stores_them_too(alice, topic):
    for _ in range(3):
        make_question(topic=topic)
    now = timezone.now()
    session = mock.start_session(alice, [], 3, 180, now)
    item = mock.current_item(session, now)
    item, _following = mock.answer(session, item.pk, REFERENCE, now)

    attempt, _card = mock.grade(
        item, user=alice, profile=profile_for(alice), rating=3, ticked=[2], now=now
    )

    attempt.refresh_from_db()
    assert attempt.estimated == [1, 2]
    assert attempt.ticked == [2]


# --- The figures ----------------------------------------------------------------------------


def test_a_point_the_learner_ticked_and_the_estimate_did_not_is_counted_and_its_answer_listed(
    question, alice
):
    make_attempt(alice, question, ticked=[1, 3], estimated=[1], text="用了迁移学习的说法")

    misses = estimate_misses(question)

    assert misses.attempts == 1
    third = point(misses, 3)
    assert (third.label, third.seen, third.ticked, third.missed) == ("提高模型性能", 1, 1, 1)
    assert third.examples == ["用了迁移学习的说法"]
    first = point(misses, 1)
    assert (first.ticked, first.missed, first.examples) == (1, 0, [])


def test_a_point_the_estimate_ticked_and_the_learner_unticked_is_counted(question, alice):
    make_attempt(alice, question, ticked=[], estimated=[2], text="只是提到了数据")

    second = point(estimate_misses(question), 2)

    assert (second.ticked, second.missed, second.unticked, second.examples) == (0, 0, 1, [])


def test_an_attempt_without_a_recorded_estimate_is_not_counted(question, alice):
    make_attempt(alice, question, ticked=[1, 2, 3, 4], text="评分早于记录估计")

    misses = estimate_misses(question)

    assert misses.attempts == 0
    assert all(point.seen == point.ticked == point.missed == 0 for point in misses.points)


def test_renumbered_points_keep_their_figures(question, alice):
    make_attempt(alice, question, ticked=[3], estimated=[], text="性能更好")
    # The point answered as number 3 becomes number 1, and a new point takes number 3.
    KeyPoint.objects.filter(question=question).delete()
    for position, label in enumerate(["提高模型性能", "高泛化能力", "新的要点"], 1):
        KeyPoint.objects.create(question=question, position=position, label=label)

    misses = estimate_misses(question)

    assert (point(misses, 1).label, point(misses, 1).missed) == ("提高模型性能", 1)
    assert (point(misses, 2).seen, point(misses, 2).missed) == (1, 0)
    assert point(misses, 3).seen == 0


def test_it_lists_the_newest_answers_cut_short(question, alice):
    now = timezone.now()
    for minutes in range(EXAMPLES_PER_POINT + 2):
        make_attempt(
            alice,
            question,
            ticked=[4],
            estimated=[],
            text=f"answer {minutes} " + "x" * 1000,
            created_at=now - timedelta(minutes=minutes),
        )

    fourth = point(estimate_misses(question), 4)

    assert fourth.missed == EXAMPLES_PER_POINT + 2
    assert len(fourth.examples) == EXAMPLES_PER_POINT
    assert [example.split()[1] for example in fourth.examples] == ["0", "1", "2", "3", "4"]
    assert all(len(example) == EXAMPLE_LENGTH for example in fourth.examples)
    assert fourth.examples[0].endswith("…")


def test_it_reads_only_the_latest_answers(question, alice):
    now = timezone.now()
    make_attempt(alice, question, ticked=[1], estimated=[], created_at=now - timedelta(days=1))
    make_attempt(alice, question, ticked=[1], estimated=[1], created_at=now)

    misses = estimate_misses(question, limit=1)

    assert misses.attempts == 1
    assert point(misses, 1).missed == 0


# --- The admin page -------------------------------------------------------------------------


def test_the_page_shows_an_editor_the_figures_and_answers(editor_client, question, alice):
    make_attempt(alice, question, ticked=[3], estimated=[], text="模型效果更好")

    response = editor_client.get(estimate_url(question))

    assert response.status_code == 200
    body = response.content.decode()
    assert question.title in body
    assert "Key point 3: 提高模型性能" in body
    assert "Ticked by learners, missed by the estimate" in body
    assert "模型效果更好" in body
    assert alice.username not in body


def test_the_page_has_an_empty_state(editor_client, question, alice):
    make_attempt(alice, question, ticked=[1])  # graded before the estimate was recorded

    body = editor_client.get(estimate_url(question)).content.decode()

    assert "No graded answers with a recorded estimate yet" in body


def test_an_answer_with_a_script_is_shown_escaped(editor_client, question, alice):
    make_attempt(alice, question, ticked=[1], estimated=[], text="<script>alert(1)</script>")

    body = editor_client.get(estimate_url(question)).content.decode()

    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_learner_is_sent_to_the_admin_login(alice_client, question):
    response = alice_client.get(estimate_url(question))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_permission_to_view_questions_is_refused(client, question):
    client.force_login(make_user("staff", is_staff=True))

    assert client.get(estimate_url(question)).status_code == 403


def test_an_unknown_question_is_a_404(editor_client, db):
    url = reverse("admin:questions_question_estimate", args=[999_999])
    assert editor_client.get(url).status_code == 404
    assert editor_client.get(url.replace("999999", "9" * 30)).status_code == 404


def test_it_rejects_post(editor_client, question):
    assert editor_client.post(estimate_url(question)).status_code == 405


def test_the_change_page_links_to_it(editor_client, question, alice):
    make_attempt(alice, question, ticked=[1], estimated=[1])

    body = editor_client.get(change_url(question)).content.decode()

    assert estimate_url(question) in body


def test_its_queries_do_not_grow_with_the_attempts(client, editor, django_assert_num_queries):
    client.force_login(editor)
    question = make_question()
    learners = [make_user() for _ in range(3)]

    def add_attempts(count):
        for n in range(count):
            make_attempt(learners[n % 3], question, ticked=[1, 3], estimated=[1], text=f"答 {n}")

    add_attempts(3)
    # Session, user, the editor's permissions (user's and group's), the question, its key
    # points, the answers
    with django_assert_num_queries(7):
        small = client.get(estimate_url(question))
    assert small.context["misses"].attempts == 3

    add_attempts(27)
    with django_assert_num_queries(7):
        large = client.get(estimate_url(question))
    assert large.context["misses"].attempts == 30
