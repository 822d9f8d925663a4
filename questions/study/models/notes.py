"""A learner's star and note on a question."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question


class QuestionNote(models.Model):
    """A user's private star and markdown note on one question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_notes"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    starred = models.BooleanField(_("starred"), default=False)
    text = models.TextField(_("note"), blank=True, max_length=10_000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="note_unique_user_question"),
        ]
        indexes = [
            # /practice/?starred=1
            models.Index(fields=["user", "starred"], name="note_user_starred"),
        ]

    def __str__(self):
        return f"{self.user} · {self.question}"
