import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

import fsrs
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question, Topic
from questions.study.personal_schedule import PersonalSchedule

ATTEMPT_MAX_LENGTH = 20_000


# --- The user's side --------------------------------------------------------------------------


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class StudyProfile(PersonalSchedule):
    # PersonalSchedule adds the fitted FSRS parameters, their evidence and the retention table.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_profile"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    new_per_day = models.PositiveSmallIntegerField(
        _("new questions per day"), default=10, validators=[MaxValueValidator(500)]
    )
    reviews_per_day = models.PositiveSmallIntegerField(
        _("reviews per day"), default=200, validators=[MaxValueValidator(5000)]
    )
    desired_retention = models.FloatField(
        _("desired retention"),
        default=0.90,
        validators=[MinValueValidator(0.70), MaxValueValidator(0.99)],
        help_text=_("How likely you want to be to remember a question when it comes back."),
    )
    leech_threshold = models.PositiveSmallIntegerField(
        _("leech threshold"),
        default=8,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("A question failed (Again) this many times is marked as a leech."),
    )
    interview_date = models.DateField(
        _("interview date"),
        null=True,
        blank=True,
        help_text=_(
            "Until this day, nothing is scheduled after it and reviews come more often. "
            "Leave empty for normal study."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Interface language; empty follows the browser."),
    )
    # "More new questions today" on the practice screen: extra_new more on the day extra_new_on
    # (the user's date), none on any other day.
    extra_new = models.PositiveSmallIntegerField(
        _("extra new questions today"), default=0, validators=[MaxValueValidator(500)]
    )
    extra_new_on = models.DateField(_("day of the extra new questions"), null=True, blank=True)

    class Meta:
        verbose_name = _("study profile")
        verbose_name_plural = _("study profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.70, desired_retention__lte=0.99),
                name="profile_retention_range",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.time_zone})"

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def start_of_day(self, now):
        """Midnight today in the user's time zone, as an aware datetime."""
        local = now.astimezone(self.zone)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    def start_of_next_day(self, now):
        start = self.start_of_day(now)
        # Add a calendar day in local time, then let zoneinfo fix the offset (DST days).
        return (start + timedelta(days=1)).replace(tzinfo=self.zone)

    def new_limit(self, now):
        """Today's limit of new questions: the daily one, plus what was allowed for today only."""
        today = now.astimezone(self.zone).date()
        return self.new_per_day + (self.extra_new if self.extra_new_on == today else 0)

    def allow_more_new_today(self, count, now):
        """Raise today's new limit by `count`; tomorrow it is the daily limit again."""
        today = now.astimezone(self.zone).date()
        self.extra_new = (self.extra_new if self.extra_new_on == today else 0) + count
        self.extra_new_on = today
        self.save(update_fields=["extra_new", "extra_new_on"])


def profile_for(user) -> StudyProfile:
    """The user's study profile, created on first use for users made before profiles existed."""
    try:
        return user.study_profile
    except StudyProfile.DoesNotExist:
        profile, _created = StudyProfile.objects.get_or_create(user=user)
        return profile


class CardState(models.IntegerChoices):
    # The same numbers as fsrs.State.
    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


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
        published (the due count of scheduling.day_progress is this, written by hand)."""
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


class AttemptMode(models.TextChoices):
    REVIEW = "review", _("Review")
    BROWSE = "browse", _("Browse")
    MOCK = "mock", _("Mock interview")
    RANDOM = "random", _("Random")


class Rating(models.IntegerChoices):
    # The same numbers as fsrs.Rating.
    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


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
