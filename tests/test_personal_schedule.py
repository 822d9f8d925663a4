"""A schedule fitted to the learner: stored parameters, the queue, Settings and the grade path."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from questions.study import fsrs_items, optimizer
from questions.study.models import Attempt, ReviewCard, StudyProfile, profile_for
from questions.study.optimizer import REFIT_EVERY, FitOutcome
from questions.study.scheduling import scheduler_for
from tests.factories import make_user
from tests.helpers import (
    DEFAULT_PARAMETERS,
    forgetful_parameters,
    simulated_attempts,
    store_attempts,
)

NOW = datetime(2025, 9, 1, 12, tzinfo=UTC)


@pytest.fixture
def forgetful_learner(db):
    user = make_user(username="forgetful")
    store_attempts(user, simulated_attempts(memory=forgetful_parameters(), seed=3))
    return user


@pytest.fixture
def forgetful_client(client, forgetful_learner):
    client.force_login(forgetful_learner)
    return client


def personalise(client, capture):
    """Press the button, let the queued fit run, then read Settings."""
    with capture(execute=True):
        client.post(reverse("questions:personalise"))
    return client.get(reverse("study_settings"))


def test_the_scheduler_uses_the_stored_parameters(alice):
    profile = profile_for(alice)
    profile.fsrs_parameters = list(forgetful_parameters())

    assert scheduler_for(profile, NOW).parameters == forgetful_parameters()


def test_without_a_fit_the_scheduler_uses_the_defaults(alice):
    assert scheduler_for(profile_for(alice), NOW).parameters == DEFAULT_PARAMETERS


def test_personalising_fits_through_the_queue_and_shows_the_evidence(
    forgetful_client, forgetful_learner, django_capture_on_commit_callbacks
):
    response = personalise(forgetful_client, django_capture_on_commit_callbacks)

    profile = StudyProfile.objects.get(user=forgetful_learner)
    assert profile.fit_outcome == FitOutcome.KEPT
    assert len(profile.fsrs_parameters) == 21
    assert profile.evidence.fitted.log_loss < profile.evidence.defaults.log_loss
    assert profile.fit_reviews > optimizer.MINIMUM_REVIEWS
    page = response.content.decode()
    assert f"{profile.evidence.defaults.log_loss:.4f}" in page
    assert f"{profile.evidence.fitted.log_loss:.4f}" in page
    assert "fitted to your own history" in page


def test_a_personalised_learner_gets_shorter_intervals(
    forgetful_client, forgetful_learner, django_capture_on_commit_callbacks
):
    personalise(forgetful_client, django_capture_on_commit_callbacks)
    profile = StudyProfile.objects.get(user=forgetful_learner)
    from fsrs import Card, Rating

    def first_interval(scheduler):
        card, _log = scheduler.review_card(Card(card_id=1), Rating.Easy, NOW)
        return card.due - NOW

    fitted = first_interval(scheduler_for(profile, NOW))
    profile.reset_schedule()
    assert fitted < first_interval(scheduler_for(profile, NOW))


def test_too_few_reviews_keep_the_defaults_and_say_why(
    client, db, django_capture_on_commit_callbacks
):
    user = make_user()
    # 450 answers, but each question answered twice on one day: nothing a day later to predict.
    start = timezone.now() - timedelta(days=30)
    rows = [(n, start + timedelta(minutes=n), 3, "review") for n in range(1, 226)]
    rows += [(n, start + timedelta(minutes=n + 1), 3, "review") for n in range(1, 226)]
    store_attempts(user, rows)
    client.force_login(user)

    response = personalise(client, django_capture_on_commit_callbacks)

    profile = StudyProfile.objects.get(user=user)
    assert profile.fit_outcome == FitOutcome.TOO_FEW
    assert profile.fsrs_parameters is None
    assert "Not enough reviews yet: 0 counted" in response.content.decode()


def test_reset_restores_the_defaults(
    forgetful_client, forgetful_learner, django_capture_on_commit_callbacks
):
    personalise(forgetful_client, django_capture_on_commit_callbacks)

    response = forgetful_client.post(reverse("questions:schedule_reset"), follow=True)

    profile = StudyProfile.objects.get(user=forgetful_learner)
    assert profile.fsrs_parameters is None
    assert profile.fit_outcome == FitOutcome.NONE
    assert scheduler_for(profile, NOW).parameters == DEFAULT_PARAMETERS
    assert "default parameters" in response.content.decode()


def test_a_fit_queued_and_then_reset_is_dropped(forgetful_learner):
    profile = profile_for(forgetful_learner)
    profile.queue_fit(NOW)  # the callback that would enqueue it is not run here
    profile.reset_schedule()

    from questions.study.tasks import personalise_schedule

    personalise_schedule.call(forgetful_learner.pk)

    assert StudyProfile.objects.get(user=forgetful_learner).fsrs_parameters is None


@pytest.mark.parametrize("name", ["questions:personalise", "questions:schedule_reset"])
def test_its_actions_reject_get(alice_client, name):
    assert alice_client.get(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["questions:personalise", "questions:schedule_reset", "questions:choose_retention"]
)
def test_its_actions_need_a_login(client, db, name):
    response = client.post(reverse(name))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_button_waits_for_enough_answers(alice_client):
    page = alice_client.get(reverse("study_settings")).content.decode()

    assert f"Personalising needs at least {optimizer.MINIMUM_REVIEWS} answers" in page
    assert reverse("questions:personalise") not in page


def test_settings_shows_the_workload_of_each_retention_and_lets_the_learner_choose(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.get(reverse("study_settings"))
    page = alice_client.get(reverse("study_settings")).content.decode()

    assert "Reviews a day" in page
    assert "least work per question known" in page
    assert page.count('name="retention"') >= len(optimizer.RETENTION_VALUES) - 1

    response = alice_client.post(reverse("questions:choose_retention"), {"retention": "0.85"})

    assert response.status_code == 302
    assert StudyProfile.objects.get(user=alice).desired_retention == 0.85


@pytest.mark.parametrize("value", ["0.5", "1", "abc", "", "nan", "0.9" * 200])
def test_a_bad_retention_changes_nothing(alice, alice_client, value):
    response = alice_client.post(reverse("questions:choose_retention"), {"retention": value})

    assert response.status_code == 302
    assert StudyProfile.objects.get(user=alice).desired_retention == 0.90


def test_an_interview_date_simulates_until_the_interview(
    alice, alice_client, django_capture_on_commit_callbacks
):
    profile = profile_for(alice)
    profile.interview_date = timezone.now().date() + timedelta(days=20)
    profile.save()

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.get(reverse("study_settings"))
    page = alice_client.get(reverse("study_settings")).content.decode()

    assert "Simulated until your interview" in page
    assert "Known on the interview day" in page


def test_the_panel_alone_answers_htmx(alice_client):
    response = alice_client.get(reverse("questions:schedule_panel"), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="schedule"' in page


def test_the_panel_polls_only_while_something_is_on_its_way(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = alice_client.get(reverse("study_settings")).content.decode()
    settled = alice_client.get(reverse("study_settings")).content.decode()

    assert "data-hx-trigger" in first
    assert "data-hx-trigger" not in settled


def test_the_settings_panel_speaks_chinese(alice_client, settings):
    response = alice_client.get(reverse("study_settings"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "你的复习计划" in response.content.decode()


# --- Automatic refits ---------------------------------------------------------------------------


def test_a_learner_who_never_personalised_costs_the_grade_path_no_query(
    alice, django_assert_num_queries
):
    profile = profile_for(alice)

    with django_assert_num_queries(0):
        assert not profile.refit_due()


def test_a_refit_is_due_after_enough_new_answers(forgetful_learner):
    profile = profile_for(forgetful_learner)
    profile.record_fit(optimizer.FitResult(FitOutcome.NOT_BETTER, 500, None, None), NOW)
    profile.fit_requested_at = timezone.now() - timedelta(days=1)
    assert not profile.refit_due()

    rows = [(n, timezone.now() - timedelta(hours=1), 3, "random") for n in range(REFIT_EVERY)]
    store_attempts(forgetful_learner, rows)

    assert profile.refit_due()


def test_grading_queues_the_refit_once_it_is_due(alice, question, monkeypatch):
    from questions.study import grading

    profile = profile_for(alice)
    monkeypatch.setattr(StudyProfile, "refit_due", lambda self: True)

    grading.record_grade(
        user=alice,
        profile=profile,
        question=question,
        key_points=list(question.key_points.all()),
        text="",
        ticked=set(),
        coverage=0.0,
        rating=3,
        hints_used=0,
        mode="review",
        token=uuid.uuid4(),
        time_spent=None,
        now=NOW,
    )

    assert StudyProfile.objects.get(user=alice).fit_outcome == FitOutcome.QUEUED


def test_a_kept_fit_recomputes_each_cards_memory_under_it_and_a_reset_undoes_it(
    forgetful_client, forgetful_learner, django_capture_on_commit_callbacks
):
    answered = Attempt.objects.filter(user=forgetful_learner).values_list("question", flat=True)
    for question_id in sorted(set(answered))[:5]:
        ReviewCard.objects.create(
            user=forgetful_learner,
            question_id=question_id,
            state=2,
            stability=999.0,
            difficulty=5.0,
            due=NOW,
            reps=3,
        )
    rows = list(Attempt.objects.for_user(forgetful_learner).review_history())
    cards = ReviewCard.objects.filter(user=forgetful_learner)
    touched = cards.aggregate(latest=Max("updated_at"))["latest"]

    personalise(forgetful_client, django_capture_on_commit_callbacks)
    profile = StudyProfile.objects.get(user=forgetful_learner)
    fitted = fsrs_items.memory_states(profile.parameters, rows)
    defaults = fsrs_items.memory_states(DEFAULT_PARAMETERS, rows)
    assert [card.stability for card in cards] == [fitted[card.question_id][0] for card in cards]
    # Every rewritten card shows as changed (the dashboard's key reads the newest change).
    assert all(card.updated_at > touched for card in cards.all())

    with django_capture_on_commit_callbacks(execute=True):
        forgetful_client.post(reverse("questions:schedule_reset"))

    assert [card.stability for card in cards.all()] == [
        defaults[card.question_id][0] for card in cards
    ]


def test_the_progress_page_shows_true_retention_and_calibration(forgetful_client):
    page = forgetful_client.get(reverse("questions:stats")).content.decode()

    assert "True retention" in page
    assert "Predicted and actual recall" in page
    assert "Predicted with FSRS" in page
    assert "default parameters." in page


def test_the_progress_page_of_a_new_learner_says_what_will_fill_in(alice_client):
    page = alice_client.get(reverse("questions:stats")).content.decode()

    assert "No reviews yet" in page
