from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Min, Q

from questions.bank import search
from questions.bank.models import KeyPoint, Question
from questions.study.models import Attempt, ReviewCard, StudyProfile
from scripts.devtools.management.commands import generate_load_data
from scripts.devtools.management.commands.generate_load_data import PASSWORD
from tests.factories import make_question, make_user

pytestmark = pytest.mark.django_db

NOW = "2026-01-15T12:00:00"
SMALL = ["--questions=50", "--users=3", "--attempts=500", f"--now={NOW}"]


def generate(*options):
    out = StringIO()
    call_command("generate_load_data", *SMALL, *options, stdout=out)
    return out.getvalue()


def bench_users():
    return get_user_model().objects.filter(username__startswith="bench-user-")


def snapshot():
    """Everything generated that a seed decides, in a stable order."""
    attempts = list(
        Attempt.objects.order_by("created_at", "reveal_token").values_list(
            "user__username",
            "question__external_key",
            "rating",
            "coverage",
            "ticked",
            "text",
            "mode",
            "time_spent",
            "reveal_token",
            "created_at",
        )
    )
    cards = list(
        ReviewCard.objects.order_by("user__username", "question__external_key").values_list(
            "user__username",
            "question__external_key",
            "state",
            "stability",
            "difficulty",
            "due",
            "reps",
            "lapses",
        )
    )
    questions = list(
        Question.objects.order_by("external_key").values_list(
            "external_key", "title", "difficulty", "is_published", "topic__slug"
        )
    )
    return attempts, cards, questions


def test_it_generates_the_numbers_asked_for():
    output = generate()

    assert Question.objects.filter(source="loadgen").count() == 50
    assert KeyPoint.objects.filter(question__source="loadgen").count() >= 50 * 4
    assert bench_users().count() == 3
    assert StudyProfile.objects.filter(user__in=bench_users()).count() == 3
    assert Attempt.objects.count() == 500
    assert Attempt.objects.values("reveal_token").distinct().count() == 500
    assert "attempts: 500/500" in output


def test_search_finds_generated_questions_as_if_they_were_saved_one_by_one():
    generate()
    written = dict(Question.objects.values_list("pk", "search_text"))

    Question.refresh_search_texts(list(written))

    assert dict(Question.objects.values_list("pk", "search_text")) == written
    point = KeyPoint.objects.filter(question__external_key="loadgen:1").last()
    found = search.matching(Question.objects.all(), [point.detail[:12]])
    assert "loadgen:1" in found.values_list("external_key", flat=True)


def test_attempts_carry_what_grading_stores():
    generate()

    assert not Attempt.objects.filter(Q(answer_snapshot="") | Q(key_points_snapshot=[])).exists()
    assert not Attempt.objects.exclude(rating__in=[1, 2, 3, 4]).exists()
    assert not Attempt.objects.filter(Q(coverage__lt=0) | Q(coverage__gt=1)).exists()
    attempt = Attempt.objects.select_related("question").first()
    assert attempt.answer_snapshot == attempt.question.reference_answer()
    positions = [point[0] for point in attempt.key_points_snapshot]
    assert positions == list(range(1, len(positions) + 1))
    assert set(attempt.ticked) <= set(positions)
    assert attempt.coverage == pytest.approx(len(attempt.ticked) / len(positions))


def test_each_card_replays_the_attempts_of_its_question():
    generate()

    history = {
        (row["user"], row["question"]): row
        for row in Attempt.objects.values("user", "question").annotate(
            count=Count("id"),
            first=Min("created_at"),
            last=Max("created_at"),
            again=Count("id", filter=Q(rating=1)),
        )
    }
    cards = list(ReviewCard.objects.all())
    assert len(cards) == len(history)
    for card in cards:
        attempts = history[(card.user_id, card.question_id)]
        assert card.reps == attempts["count"]
        assert card.created_at == attempts["first"]
        assert card.last_review == attempts["last"]
        assert card.again_count == attempts["again"]
        assert card.due > card.last_review
        assert card.stability > 0 and 1 <= card.difficulty <= 10


def test_users_can_log_in_with_the_printed_password():
    output = generate()

    assert PASSWORD in output
    user = bench_users().get(username="bench-user-1")
    assert user.check_password(PASSWORD)


def test_the_same_seed_gives_the_same_data():
    generate("--seed=7")
    first = snapshot()

    generate("--seed=7", "--reset")

    assert snapshot() == first


def test_another_seed_gives_other_data():
    generate("--seed=7")
    first = snapshot()

    generate("--seed=8", "--reset")

    assert snapshot()[0] != first[0]


def test_it_refuses_to_add_to_generated_data():
    generate()

    with pytest.raises(CommandError, match="--reset"):
        generate()


def test_reset_replaces_generated_data_and_keeps_the_rest():
    alice = make_user("alice")
    question = make_question(title="Alice's question")
    generate()

    generate("--reset", "--seed=2")

    assert Question.objects.filter(source="loadgen").count() == 50
    assert Attempt.objects.count() == 500
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert Question.objects.filter(pk=question.pk).exists()


def test_if_missing_keeps_data_of_the_same_numbers():
    generate()
    tokens = set(Attempt.objects.values_list("reveal_token", flat=True))

    output = generate("--if-missing")

    assert "kept" in output
    assert set(Attempt.objects.values_list("reveal_token", flat=True)) == tokens


def test_if_missing_replaces_data_of_other_numbers():
    generate()

    call_command(
        "generate_load_data",
        "--questions=20",
        "--users=2",
        "--attempts=100",
        "--if-missing",
        stdout=StringIO(),
    )

    assert Question.objects.filter(source="loadgen").count() == 20
    assert bench_users().count() == 2
    assert Attempt.objects.count() == 100


def test_dry_run_writes_nothing():
    output = generate("--dry-run")

    assert "nothing was written" in output
    assert not Question.objects.exists()
    assert not bench_users().exists()


def test_worker_processes_give_the_same_data(monkeypatch):
    generate("--seed=7")
    in_process = snapshot()
    monkeypatch.setattr(generate_load_data, "PARALLEL_FROM", 0)

    generate("--seed=7", "--reset")

    assert snapshot() == in_process
