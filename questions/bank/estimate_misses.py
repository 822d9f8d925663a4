"""Where the coverage estimate and learners disagree, per key point of one question.

A learner who ticks a point the estimate did not tick has usually said it in words the point
does not know yet: those answers are where editors find the phrasings to add to it
(KeyPoint.phrasings). The figures are those of the estimate as it was at each grade, read from
Attempt.estimated; attempts graded before it was recorded are left out.
"""

from dataclasses import dataclass, field

from django.db.models.functions import Substr
from django.utils.text import Truncator

from questions.study.models import Attempt, point_results

# The latest graded answers read: enough for a popular question, bounded for any.
RECENT_ATTEMPTS = 2000
EXAMPLES_PER_POINT = 5
EXAMPLE_LENGTH = 300


@dataclass
class PointMisses:
    """One of the question's current key points and how the estimate fared with it."""

    position: int
    label: str
    detail: str
    seen: int = 0  # answers graded with this point in their checklist
    ticked: int = 0  # ... where the learner ticked it
    missed: int = 0  # ... where the learner ticked it and the estimate did not
    unticked: int = 0  # ... where the estimate ticked it and the learner did not
    examples: list[str] = field(default_factory=list)  # the newest answers it was missed in


@dataclass
class EstimateMisses:
    attempts: int  # the answers read, at most RECENT_ATTEMPTS
    points: list[PointMisses]


def estimate_misses(question, limit=RECENT_ATTEMPTS) -> EstimateMisses:
    """Per current key point of `question`, how its latest `limit` graded answers with a
    recorded estimate ticked it, by the learner and by the estimate.

    Two queries: the key points, and the answers' ticks, snapshots and first characters (not
    their whole text), newest first. The database finds them through the attempts' question
    index and sorts that question's attempts by date; no other attempts are read.
    """
    # The current points read as an attempt's snapshot is, so that both are told apart the same
    # way (PointResult.text: the label, or the detail when there is none) and renumbering the
    # points does not mix up their figures.
    current = point_results(
        [[point.position, point.label, point.detail] for point in question.key_points.all()], []
    )
    points = [PointMisses(point.position, point.label, point.detail) for point in current]
    by_text = {}
    for result, point in zip(current, points, strict=True):
        by_text.setdefault(result.text, point)
    rows = (
        Attempt.objects.filter(question=question, estimated__isnull=False)
        .newest_first()
        .values_list(
            "key_points_snapshot", "ticked", "estimated", Substr("text", 1, EXAMPLE_LENGTH + 1)
        )[:limit]
    )
    attempts = 0
    for snapshot, ticked, estimated, text in rows:
        attempts += 1
        by_learner = point_results(snapshot, ticked)
        by_estimate = point_results(snapshot, estimated)
        for learner, estimate in zip(by_learner, by_estimate, strict=True):
            point = by_text.get(learner.text)
            if point is None:  # removed or reworded since
                continue
            point.seen += 1
            point.ticked += learner.ticked
            point.unticked += estimate.ticked and not learner.ticked
            if learner.ticked and not estimate.ticked:
                point.missed += 1
                if len(point.examples) < EXAMPLES_PER_POINT and text.strip():
                    point.examples.append(Truncator(text).chars(EXAMPLE_LENGTH))
    return EstimateMisses(attempts=attempts, points=points)
