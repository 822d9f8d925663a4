"""Mock interviews: a timed set of questions answered before any is graded."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question, Topic
from questions.study.models.attempts import ATTEMPT_MAX_LENGTH, Attempt


class MockStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    FINISHED = "finished", _("Finished")


class MockSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_sessions"
    )
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    seconds_per_question = models.PositiveIntegerField(
        _("time per question (seconds)"),
        default=180,
        validators=[MinValueValidator(30), MaxValueValidator(3600)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MockStatus.choices, default=MockStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mock interview")
        verbose_name_plural = _("mock interviews")
        indexes = [models.Index(fields=["user", "-created_at"], name="mock_user_created")]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("questions:mock_detail", args=[self.pk])


class MockItem(models.Model):
    """One question of a mock interview: its clock, the answer given, and later its grade."""

    session = models.ForeignKey(MockSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mock_items")
    started_at = models.DateTimeField(_("shown"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True, max_length=ATTEMPT_MAX_LENGTH)
    overtime = models.BooleanField(_("overtime"), default=False)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    attempt = models.OneToOneField(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="mock_item"
    )

    class Meta:
        ordering = ["session", "position"]
        verbose_name = _("mock interview question")
        verbose_name_plural = _("mock interview questions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="mockitem_unique_position"
            ),
            models.UniqueConstraint(fields=["session", "question"], name="mockitem_no_repeats"),
        ]

    def __str__(self):
        return f"{self.session} · {self.position}. {self.question}"
