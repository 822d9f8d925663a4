"""The bank's models, one module per concept: questions with their topics, tags and key points;
reports and near-duplicates; the jobs a worker runs. Import them from here."""

from questions.bank.models.jobs import FailedTask, ImportJob, ImportUpload
from questions.bank.models.questions import (
    SEARCHED_FIELDS,
    Difficulty,
    KeyPoint,
    Question,
    QuestionQuerySet,
    Tag,
    Topic,
    normalize_newlines,
    phrasing_lines,
)
from questions.bank.models.reports import (
    QuestionReport,
    ReportKind,
    ReportStatus,
    SimilarQuestion,
)

__all__ = [
    "SEARCHED_FIELDS",
    "Difficulty",
    "FailedTask",
    "ImportJob",
    "ImportUpload",
    "KeyPoint",
    "Question",
    "QuestionQuerySet",
    "QuestionReport",
    "ReportKind",
    "ReportStatus",
    "SimilarQuestion",
    "Tag",
    "Topic",
    "normalize_newlines",
    "phrasing_lines",
]
