"""The learner's models, one module per concept: the profile, review cards, attempts, notes and
stars, and mock interviews. Import them from here."""

from questions.study.models.attempts import (
    ATTEMPT_MAX_LENGTH,
    Attempt,
    AttemptQuerySet,
    PointResult,
    point_results,
)
from questions.study.models.cards import (
    MASTERED_STABILITY_DAYS,
    SCHEDULE_FIELDS,
    ReviewCard,
    ReviewCardQuerySet,
    mastered_condition,
)
from questions.study.models.choices import AttemptMode, CardState, Rating
from questions.study.models.mock_interviews import MockItem, MockSession, MockStatus
from questions.study.models.notes import QuestionNote
from questions.study.models.profile import StudyProfile, profile_for, validate_time_zone

__all__ = [
    "ATTEMPT_MAX_LENGTH",
    "MASTERED_STABILITY_DAYS",
    "SCHEDULE_FIELDS",
    "Attempt",
    "AttemptMode",
    "AttemptQuerySet",
    "CardState",
    "MockItem",
    "MockSession",
    "MockStatus",
    "PointResult",
    "QuestionNote",
    "Rating",
    "ReviewCard",
    "ReviewCardQuerySet",
    "StudyProfile",
    "mastered_condition",
    "point_results",
    "profile_for",
    "validate_time_zone",
]
