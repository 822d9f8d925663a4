"""The numbers a card's state, an attempt's mode and a grade are stored as."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CardState(models.IntegerChoices):
    # The same numbers as fsrs.State.
    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


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
