"""What learners report about a question, and the near-duplicate pairs the bank holds."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.bank.models.questions import Question


class ReportKind(models.TextChoices):
    WRONG = "wrong", _("The answer is wrong")
    UNCLEAR = "unclear", _("The question is unclear")
    DUPLICATE = "duplicate", _("It duplicates another question")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class QuestionReport(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("problem"), max_length=10, choices=ReportKind.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [
            # Open reports per question in the admin.
            models.Index(fields=["status", "question"], name="report_status_question"),
        ]

    def __str__(self):
        return f"{self.question} · {self.get_kind_display()}"


class SimilarQuestion(models.Model):
    """A near-duplicate pair found by `find_similar_questions`, stored in both directions."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="similar")
    other = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["question", "-score"]
        verbose_name = _("similar question")
        verbose_name_plural = _("similar questions")
        constraints = [
            models.UniqueConstraint(fields=["question", "other"], name="similar_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(question=models.F("other")), name="similar_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.question} ~ {self.other} ({self.score:.2f})"
