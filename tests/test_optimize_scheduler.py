"""manage.py optimize_scheduler on the load-data generator's users."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.study.models import StudyProfile
from questions.study.optimizer import FitOutcome


@pytest.fixture
def bench_users(db):
    # Three users with about 1,000 attempts each (from 500 to 1,500), over 60 questions.
    call_command(
        "generate_load_data",
        "--questions",
        "60",
        "--users",
        "3",
        "--attempts",
        "3000",
        "--now",
        "2026-06-01T12:00",
        stdout=StringIO(),
    )


def run(*arguments):
    out = StringIO()
    call_command("optimize_scheduler", *arguments, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_before_and_after_figures_and_keeps_nothing(bench_users):
    output = run("--user", "bench-user-3", "--dry-run")

    assert "bench-user-3: " in output
    assert "reviews used" in output
    assert "defaults: log loss 0." in output
    assert "fit: log loss 0." in output
    assert "RMSE 0." in output
    assert "would be kept" in output or "would not be kept" in output
    assert "Dry run: nothing was saved." in output
    profile = StudyProfile.objects.get(user__username="bench-user-3")
    assert profile.fit_outcome == FitOutcome.NONE
    assert profile.fsrs_parameters is None


def test_without_a_dry_run_it_keeps_the_result(bench_users):
    output = run("--user", "bench-user-1")

    profile = StudyProfile.objects.get(user__username="bench-user-1")
    assert profile.fit_outcome in (FitOutcome.KEPT, FitOutcome.NOT_BETTER)
    assert (profile.fsrs_parameters is not None) == (profile.fit_outcome == FitOutcome.KEPT)
    assert ("fit kept" in output) == (profile.fit_outcome == FitOutcome.KEPT)
    assert profile.evidence is not None


def test_it_never_keeps_a_fit_that_predicts_worse(bench_users):
    for number in (1, 2, 3):
        run("--user", f"bench-user-{number}")

    for profile in StudyProfile.objects.filter(user__username__startswith="bench-user-"):
        evidence = profile.evidence
        if profile.fit_outcome == FitOutcome.KEPT:
            assert evidence.fitted.log_loss < evidence.defaults.log_loss
            assert evidence.fitted.rmse < evidence.defaults.rmse


def test_without_a_user_it_queues_every_eligible_user(
    bench_users, django_capture_on_commit_callbacks
):
    assert "would queue 3 users" in run("--dry-run")
    assert not StudyProfile.objects.filter(fit_outcome=FitOutcome.QUEUED).exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        output = run()

    assert "queued 3 users" in output
    assert len(callbacks) == 3
    assert StudyProfile.objects.filter(fit_outcome=FitOutcome.QUEUED).count() == 3


def test_the_queued_fits_run_through_the_queue(bench_users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()

    outcomes = set(StudyProfile.objects.values_list("fit_outcome", flat=True))
    assert outcomes <= {FitOutcome.KEPT, FitOutcome.NOT_BETTER}


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named"):
        run("--user", "nobody")
