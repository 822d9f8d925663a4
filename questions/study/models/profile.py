"""The learner's study profile: their schedule settings, time zone and limits."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from questions.study.personal_schedule import PersonalSchedule


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
