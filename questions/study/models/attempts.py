"""Graded answers: the history a user sees and the log FSRS replays."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question
from questions.study.models.cards import ReviewCard
from questions.study.models.choices import AttemptMode, Rating

ATTEMPT_MAX_LENGTH = 20_000


@dataclass(frozen=True)
class PointResult:
    """One key point of an attempt as it was when answered, and whether the user ticked it."""

    position: int
    label: str
    detail: str
    ticked: bool

    @property
    def text(self):
        return self.label or self.detail


def point_results(snapshot, ticked) -> list[PointResult]:
    """The one reading of an attempt's key_points_snapshot and ticked fields (also for rows
    loaded with values_list). Entries that are not [position, label, detail] lists, written
    by hand or by older code, are skipped."""
    ticked = {value for value in ticked or [] if isinstance(value, int)}
    results = []
    for entry in snapshot or []:
        if not isinstance(entry, list | tuple) or not entry or not isinstance(entry[0], int):
            continue
        position, label, detail = (*entry, "", "")[:3]
        results.append(
            PointResult(position, str(label or ""), str(detail or ""), position in ticked)
        )
    return results


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def review_history(self):
        """(question_id, created_at, rating, mode) of every attempt, unordered: what the FSRS
        fit and the retention figures read (questions/study/optimizer.py). One query; a user
        with 5,000 attempts loads 5,000 small tuples."""
        return self.order_by().values_list("question_id", "created_at", "rating", "mode")

    def listed(self, user, *, leech_threshold, snippet_length):
        """The user's attempts as the history page lists them, newest first.

        The page's rows come from the (user, created_at) index alone; their questions and
        topics follow in one more query. Joined in the same query, SQLite's planner started
        from the topics and sorted all of the user's attempts (2.1 ms for 5,000 against
        0.1 ms). Whether each question is a leech is a subquery per row, not a query.
        """
        return (
            self.filter(user=user)
            .only("question", "created_at", "rating", "coverage", "mode")
            .annotate(
                snippet=Substr("text", 1, snippet_length + 1),
                is_leech=models.Exists(
                    ReviewCard.objects.filter(
                        user=user,
                        question=models.OuterRef("question"),
                        again_count__gte=leech_threshold,
                    )
                ),
            )
            .prefetch_related(
                models.Prefetch(
                    "question",
                    Question.objects.select_related("topic").only(
                        "title", "language", "topic__name"
                    ),
                )
            )
            .newest_first()
        )


class Attempt(models.Model):
    """One graded answer. Append-only: the history a user sees and the log FSRS replays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attempts")
    text = models.TextField(_("answer"), blank=True, max_length=ATTEMPT_MAX_LENGTH)
    ticked = models.JSONField(
        _("ticked key points"), default=list, help_text=_("Positions of the key points ticked.")
    )
    coverage = models.FloatField(_("coverage"), help_text=_("Automatic estimate, 0 to 1."))
    estimated = models.JSONField(
        _("key points estimated covered"),
        null=True,
        blank=True,
        help_text=_(
            "Positions of the key points the automatic estimate ticked; empty for attempts "
            "graded before it was recorded."
        ),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    time_spent = models.DurationField(_("time spent"), null=True, blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=AttemptMode.choices, default=AttemptMode.REVIEW
    )
    hints_used = models.PositiveSmallIntegerField(_("hints used"), default=0)
    answer_snapshot = models.TextField(_("reference answer (as answered)"))
    key_points_snapshot = models.JSONField(
        _("key points (as answered)"), default=list, help_text=_("[[position, label, detail], …]")
    )
    reveal_token = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # One reveal can be graded once: double clicks and resends create nothing.
            models.UniqueConstraint(fields=["reveal_token"], name="attempt_unique_reveal_token"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4), name="attempt_rating_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(coverage__gte=0, coverage__lte=1), name="attempt_coverage_0_to_1"
            ),
            models.CheckConstraint(
                condition=models.Q(text__length__lte=ATTEMPT_MAX_LENGTH),
                name="attempt_text_max_length",
            ),
        ]
        indexes = [
            # History pages and "reviewed today" counts.
            models.Index(fields=["user", "-created_at"], name="attempt_user_created"),
            # A question's past attempts for one user (question page, replay on undo).
            models.Index(fields=["user", "question", "created_at"], name="attempt_user_question"),
            # The progress page's review history (AttemptQuerySet.review_history, per day, per
            # topic, true retention): covering, so a user's 5,000 attempts are read from the
            # index alone instead of 5,000 rows of about 4 KB (answer and snapshots).
            models.Index(
                fields=["user", "created_at", "question", "rating", "mode"],
                name="attempt_user_review_history",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.question} · {self.get_rating_display()}"

    def get_absolute_url(self):
        return reverse("questions:attempt", args=[self.pk])

    def point_results(self) -> list[PointResult]:
        return point_results(self.key_points_snapshot, self.ticked)
