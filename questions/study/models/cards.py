"""A learner's review card for one question: what FSRS schedules, and the study controls."""

import fsrs
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question
from questions.study.models.choices import CardState, Rating

# A card is mastered while FSRS expects it to be remembered for three weeks or more (its
# stability is the interval after which recall falls to 90%) and it is not due: a card that is
# overdue, or was failed in the last session, is not mastered whatever its past.
MASTERED_STABILITY_DAYS = 21


def mastered_condition(now, prefix=""):
    """The rule of ReviewCard.is_mastered() as a Q, for querysets of cards (prefix: through a
    relation, e.g. "review_cards__")."""
    return models.Q(
        **{
            f"{prefix}reps__gt": 0,
            f"{prefix}state": CardState.REVIEW,
            f"{prefix}stability__gte": MASTERED_STABILITY_DAYS,
            f"{prefix}due__gt": now,
        }
    )


class ReviewCardQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def seen(self):
        """Cards of questions answered at least once. Skipping or suspending a question never
        answered makes a card too, to carry the control: that question is still unseen."""
        return self.filter(reps__gt=0)

    def schedulable(self, now):
        """Cards the scheduler may serve: not suspended, not skipped for today."""
        return self.filter(suspended=False).filter(
            models.Q(skipped_until__isnull=True) | models.Q(skipped_until__lte=now),
            question__is_published=True,
        )

    def due_for(self, user, now):
        return self.seen().schedulable(now).filter(user=user, due__lte=now).order_by("due", "id")

    def mastered(self, now):
        return self.filter(mastered_condition(now))

    def started_since(self, user, start):
        """The user's questions first answered at `start` or later (the daily new limit)."""
        return self.seen().filter(user=user, created_at__gte=start)


# A card's schedule and study controls: what FSRS and the progress figures read of it.
SCHEDULE_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "again_count",
    "suspended",
    "skipped_until",
)


class ReviewCard(models.Model):
    """The scheduler's memory of one question for one user; created at its first grade."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField(_("state"), choices=CardState.choices)
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    reps = models.PositiveIntegerField(_("reviews"), default=0)
    lapses = models.PositiveIntegerField(_("lapses"), default=0)
    again_count = models.PositiveIntegerField(
        _("failures"), default=0, help_text=_("Grades of Again; a leech past the threshold.")
    )
    suspended = models.BooleanField(_("suspended"), default=False)
    skipped_until = models.DateTimeField(_("skipped until"), null=True, blank=True)
    # Set at the first grade: a card made earlier by a skip or a suspension is not "seen".
    created_at = models.DateTimeField(_("first answered"), default=timezone.now)
    # Any change to the card: the progress page's cache key (progress/stats.py).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="card_unique_user_question"),
        ]
        indexes = [
            # The next-card query: the user's most overdue card.
            models.Index(fields=["user", "due"], name="card_user_due"),
            # Questions first answered today (the daily new limit).
            models.Index(fields=["user", "created_at"], name="card_user_created"),
        ]

    def __str__(self):
        return f"{self.user} · {self.question}"

    def as_fsrs(self):
        return fsrs.Card(
            card_id=self.question_id,
            state=fsrs.State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def _copy_state(self, card):
        self.state = int(card.state)
        self.step = card.step
        self.stability = card.stability
        self.difficulty = card.difficulty
        self.due = card.due
        self.last_review = card.last_review

    @classmethod
    def for_control(cls, user, question, now):
        """The user's card of the question, locked, for skip and suspend; made (unseen, with no
        review) for a question never answered."""
        card, _created = cls.objects.select_for_update().get_or_create(
            user=user,
            question=question,
            defaults={"state": CardState.LEARNING, "step": 0, "due": now, "created_at": now},
        )
        return card

    def skip(self, until):
        """Keep the question out of practice until `until` (the user's next midnight)."""
        self.skipped_until = until
        self.save(update_fields=["skipped_until", "updated_at"])

    def unskip(self):
        self.skipped_until = None
        self.save(update_fields=["skipped_until", "updated_at"])

    def set_suspended(self, suspended):
        """Suspended cards are never scheduled until unsuspended."""
        self.suspended = suspended
        self.save(update_fields=["suspended", "updated_at"])

    @staticmethod
    def due_condition(now):
        """Due now: seen, its due time passed, neither suspended nor skipped, its question
        published (the due count of scheduling.day_progress is this, written by hand; is_due()
        is this for one card)."""
        return models.Q(
            models.Q(skipped_until__isnull=True) | models.Q(skipped_until__lte=now),
            reps__gt=0,
            due__lte=now,
            suspended=False,
            question__is_published=True,
        )

    @property
    def is_seen(self):
        return self.reps > 0

    def is_due(self, now):
        """due_condition() for this card, its question taken as published (the caller's)."""
        return (
            not self.suspended
            and self.reps > 0
            and self.due <= now
            and (self.skipped_until is None or self.skipped_until <= now)
        )

    def is_mastered(self, now):
        """See MASTERED_STABILITY_DAYS; mastered_condition() is the same rule in SQL."""
        return (
            self.reps > 0
            and self.state == CardState.REVIEW
            and self.stability is not None
            and self.stability >= MASTERED_STABILITY_DAYS
            and self.due > now
        )

    def take(self, card, *, rating):
        """Copy the scheduler's state after one review graded `rating` onto this row."""
        reviewed_before = self.reps > 0
        if not reviewed_before:
            # The first answer: from now on the question is seen (a skip may have made the row).
            self.created_at = card.last_review
        if reviewed_before and self.state == CardState.REVIEW and rating == Rating.AGAIN:
            self.lapses += 1
        self.again_count += int(rating == Rating.AGAIN)
        self.reps += 1
        self.skipped_until = None
        self._copy_state(card)

    def rebuild(self, card, *, undone_rating, reps):
        """After an undo: `card` is the state replayed from the `reps` attempts that remain."""
        if reps == 0 and not self.suspended:
            self.delete()
            return
        # The undone grade was a lapse if it failed a card that was in review before it.
        if reps and int(card.state) == CardState.REVIEW and undone_rating == Rating.AGAIN:
            self.lapses = max(self.lapses - 1, 0)
        if undone_rating == Rating.AGAIN:
            self.again_count = max(self.again_count - 1, 0)
        self.reps = reps
        self._copy_state(card)
        self.save()

    def is_leech(self, threshold):
        return self.again_count >= threshold

    def retrievability(self, scheduler, now):
        return scheduler.get_card_retrievability(self.as_fsrs(), now)
