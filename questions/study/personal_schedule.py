"""The part of a study profile that holds the schedule fitted to its learner: the parameters,
the evidence behind them, and the simulated cost of each desired retention.

An abstract model that StudyProfile extends, so that these fields and verbs live beside the
fit (questions/study/optimizer.py, tasks.py) rather than among the settings. The rule and the
thresholds: docs/PERSONAL_SCHEDULE.md.
"""

from functools import partial

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from questions.study import optimizer
from questions.study.optimizer import FitOutcome

FIT_FIELDS = [
    "fsrs_parameters",
    "fit_outcome",
    "fit_requested_at",
    "fitted_at",
    "fit_reviews",
    "fit_evidence",
]


class PersonalSchedule(models.Model):
    fsrs_parameters = models.JSONField(
        _("FSRS parameters"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Fitted to this learner's reviews and kept; empty: FSRS's defaults."),
    )
    fit_outcome = models.CharField(
        _("personalised schedule"),
        max_length=12,
        choices=FitOutcome.choices,
        blank=True,
        default=FitOutcome.NONE,
        editable=False,
    )
    fit_requested_at = models.DateTimeField(
        _("fit queued"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Attempts after this count towards the next automatic fit."),
    )
    fitted_at = models.DateTimeField(_("fitted"), null=True, blank=True, editable=False)
    fit_reviews = models.PositiveIntegerField(
        _("reviews fitted"),
        default=0,
        editable=False,
        help_text=_("Reviews (attempts a day or more after the previous one) the last fit used."),
    )
    fit_evidence = models.JSONField(
        _("fit evidence"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Held-out log loss and RMSE of the defaults and of the fit."),
    )
    retention_table = models.JSONField(
        _("retention table"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The simulated workload of each desired retention, with its inputs."),
    )

    class Meta:
        abstract = True

    # --- The fit ------------------------------------------------------------------------------

    @property
    def parameters(self):
        """What the scheduler uses: the fitted parameters once a fit was kept, else FSRS's."""
        if self.fsrs_parameters:
            return tuple(self.fsrs_parameters)
        return optimizer.DEFAULT_PARAMETERS

    @property
    def evidence(self):
        return optimizer.Evidence.from_dict(self.fit_evidence)

    def queue_fit(self, now):
        """Queue a fit on the worker, once the current transaction commits."""
        from questions.study.tasks import personalise_schedule

        self.fit_outcome = FitOutcome.QUEUED
        self.fit_requested_at = now
        self.save(update_fields=["fit_outcome", "fit_requested_at"])
        transaction.on_commit(partial(personalise_schedule.enqueue, self.user_id))

    def record_fit(self, result, now):
        """Store a fit's outcome: the parameters when kept, the defaults otherwise."""
        self.fit_outcome = result.outcome
        self.fsrs_parameters = list(result.parameters) if result.parameters else None
        self.fit_reviews = result.reviews
        self.fit_evidence = result.evidence.as_dict() if result.evidence else {}
        self.fitted_at = now
        self.fit_requested_at = now  # the next automatic fit counts attempts from here
        self.save(update_fields=FIT_FIELDS)

    def reset_schedule(self):
        """Back to FSRS's defaults; automatic refits stop until the learner asks again."""
        self.fsrs_parameters = None
        self.fit_outcome = FitOutcome.NONE
        self.fit_requested_at = None
        self.fitted_at = None
        self.fit_reviews = 0
        self.fit_evidence = {}
        self.save(update_fields=FIT_FIELDS)
        from questions.study.tasks import refresh_memory_states

        transaction.on_commit(partial(refresh_memory_states.enqueue, self.user_id))

    def refit_due(self):
        """Whether REFIT_EVERY attempts came since the last fit was queued.

        The grade path asks after every grade: no query for a learner who never personalised
        (or whose fit is on its way), else one that reads at most REFIT_EVERY entries of the
        (user, created_at) index.
        """
        if self.fit_outcome in (FitOutcome.NONE, FitOutcome.QUEUED) or not self.fit_requested_at:
            return False
        from questions.study.models import Attempt

        since = Attempt.objects.filter(user_id=self.user_id, created_at__gt=self.fit_requested_at)
        every = optimizer.REFIT_EVERY
        return since.order_by("-created_at")[every - 1 : every].exists()

    # --- Desired retention ----------------------------------------------------------------------

    def retention_inputs(self, deck_size, now):
        """What the retention table is simulated from; a change in any of them makes it stale.
        Until an interview, the simulation ends on the interview day."""
        from questions.study.scheduling import interview_days_left

        days_left = interview_days_left(self, now)
        return {
            "parameters": list(self.parameters),
            "deck_size": deck_size,
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "days": min(days_left, optimizer.SIMULATED_DAYS)
            if days_left
            else optimizer.SIMULATED_DAYS,
        }

    def retention_table_for(self, inputs):
        stored = self.retention_table or {}
        if stored.get("inputs") == inputs and stored.get("table"):
            return optimizer.RetentionTable.from_dict(stored["table"])
        return None

    def retention_simulating(self, inputs):
        stored = self.retention_table or {}
        return stored.get("inputs") == inputs and not stored.get("table")

    def queue_retention_simulation(self, inputs):
        """Queue the simulation for these inputs; until it is done, asking again queues nothing."""
        from questions.study.tasks import simulate_retention

        self.retention_table = {"inputs": inputs, "table": None}
        self.save(update_fields=["retention_table"])
        transaction.on_commit(partial(simulate_retention.enqueue, self.user_id))

    def record_retention_table(self, inputs, table):
        self.retention_table = {"inputs": inputs, "table": table.as_dict()}
        self.save(update_fields=["retention_table"])

    def choose_retention(self, retention):
        self.desired_retention = retention
        self.save(update_fields=["desired_retention"])
