"""A schedule fitted to the learner: the Settings panel and its three actions (personalise,
reset, choose a retention). Plain forms that post and redirect, so they work without
JavaScript; with it, the panel refreshes itself while a fit is queued."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from questions.bank.models import Question
from questions.study import optimizer
from questions.study.forms import RetentionChoiceForm
from questions.study.models import Attempt, profile_for

SETTINGS_PANEL = "registration/settings.html#schedule-panel"


def schedule_panel(profile, now):
    """The Settings panel's context. Two queries (the bank's size, whether there are enough
    attempts to try), and a third that queues the simulation when its table is out of date."""
    inputs = profile.retention_inputs(Question.objects.published().count(), now)
    table = profile.retention_table_for(inputs)
    if table is None and not profile.retention_simulating(inputs):
        profile.queue_retention_simulation(inputs)
    attempts = Attempt.objects.for_user(profile.user_id)
    evidence = profile.evidence
    return {
        "profile": profile,
        "outcome": optimizer.FitOutcome(profile.fit_outcome),
        "evidence": evidence,
        "personalised": profile.fsrs_parameters is not None,
        "can_personalise": attempts[optimizer.MINIMUM_REVIEWS - 1 :].exists(),
        "minimum_reviews": optimizer.MINIMUM_REVIEWS,
        "refit_every": optimizer.REFIT_EVERY,
        "table": table,
        "retention_days": inputs["days"],
        "interview_horizon": inputs["days"] < optimizer.SIMULATED_DAYS,
        "desired": round(profile.desired_retention, 2),
        "retention_form": RetentionChoiceForm(),
    }


@require_safe
@login_required
def panel(request):
    """The panel alone: htmx polls it while a fit or a simulation is on its way."""
    context = schedule_panel(profile_for(request.user), timezone.now())
    return render(request, SETTINGS_PANEL, context)


@require_POST
@login_required
def personalise(request):
    profile = profile_for(request.user)
    profile.queue_fit(timezone.now())
    messages.success(
        request, _("Your schedule is being fitted to your reviews. This page shows the result.")
    )
    return redirect("study_settings")


@require_POST
@login_required
def reset(request):
    profile_for(request.user).reset_schedule()
    messages.success(request, _("Your schedule uses FSRS's default parameters again."))
    return redirect("study_settings")


@require_POST
@login_required
def choose_retention(request):
    form = RetentionChoiceForm(request.POST)
    if form.is_valid():
        retention = form.cleaned_data["retention"]
        profile_for(request.user).choose_retention(retention)
        messages.success(request, _("Desired retention set to %(value)s.") % {"value": retention})
    else:
        messages.error(request, _("Choose a retention between 0.70 and 0.99."))
    return redirect("study_settings")
