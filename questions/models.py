"""Where Django finds the app's models. Each model lives in its subpackage: the bank's in
questions/bank/models.py, the learner's in questions/study/models/, the progress digest's in
questions/progress/models.py; import them from there."""

from questions.bank.models import (  # noqa: F401
    FailedTask,
    ImportJob,
    ImportUpload,
    KeyPoint,
    Question,
    QuestionReport,
    SimilarQuestion,
    Tag,
    Topic,
)
from questions.progress.models import StoredDigest  # noqa: F401
from questions.study.models import (  # noqa: F401
    Attempt,
    MockItem,
    MockSession,
    QuestionNote,
    ReviewCard,
    StudyProfile,
)
from questions.study.recordings import Recording  # noqa: F401, E402
