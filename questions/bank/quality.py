from collections import Counter

from django.db.models import (
    Avg,
    Case,
    Count,
    FloatField,
    OuterRef,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from questions.bank.models import (
    KeyPoint,
    QuestionReport,
    ReportStatus,
)
from questions.study.models import Attempt, Rating, point_results

# --- Statistics ---------------------------------------------------------------------------------


def _per_question(queryset, aggregate):
    """A correlated subquery: the aggregate over this question's rows of queryset.

    One subquery per figure, because joining key points, attempts and reports together
    would multiply the rows each of them counts.
    """
    return Subquery(
        queryset.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(value=aggregate)
        .values("value")
    )


AGAIN_SHARE = Avg(Case(When(rating=Rating.AGAIN, then=1.0), default=0.0, output_field=FloatField()))


def with_admin_stats(queryset):
    """Questions annotated with the changelist's figures, one query for the whole page."""
    return queryset.annotate(
        key_point_count=Coalesce(_per_question(KeyPoint.objects.all(), Count("pk")), 0),
        attempt_count=Coalesce(_per_question(Attempt.objects.all(), Count("pk")), 0),
        average_rating=_per_question(Attempt.objects.all(), Avg("rating")),
        again_rate=_per_question(Attempt.objects.all(), AGAIN_SHARE),
        average_coverage=_per_question(Attempt.objects.all(), Avg("coverage")),
        open_report_count=Coalesce(
            _per_question(QuestionReport.objects.filter(status=ReportStatus.OPEN), Count("pk")), 0
        ),
    )


def question_quality(question):
    """How users fare with one question: two queries, for its change page only.

    The key point missed most often compares each attempt's snapshot of the key points (as
    they were when answered) with the positions the user ticked; points are told apart by
    label, so that renumbering the points does not mix them up.
    """
    attempts = Attempt.objects.filter(question=question)
    figures = attempts.aggregate(
        attempts=Count("pk"),
        average_rating=Avg("rating"),
        again_rate=AGAIN_SHARE,
        average_coverage=Avg("coverage"),
    )
    seen, missed = Counter(), Counter()
    for snapshot, ticked in attempts.values_list("key_points_snapshot", "ticked").iterator(
        chunk_size=2000
    ):
        for point in point_results(snapshot, ticked):
            name = point.label or point.detail[:60]
            seen[name] += 1
            missed[name] += not point.ticked
    figures["most_missed"] = [
        {"label": name, "missed": count, "seen": seen[name], "rate": count / seen[name]}
        for name, count in sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:3]
    ]
    return figures
