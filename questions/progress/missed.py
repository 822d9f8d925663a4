"""The key points a learner leaves unticked: the questions whose latest attempt missed one
(the practice queue's "missed" focus) and the points missed most in the latest attempts (the
progress dashboard).

A key point is *missed* in an attempt when its position is in the attempt's key point
snapshot but not in its ticked list (point_results() is the one reading of both). Positions
are integers in both JSON arrays (the grade form coerces them).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from questions.bank import facts
from questions.bank.models import Question
from questions.study.models import Attempt, point_results

# The most missed key points are counted over this many of the user's latest attempts: a few
# weeks of steady practice, which is what "most missed" should reflect (and 2,000 cost four
# times as much: 48 ms against 11 ms on SQLite for a user with 5,000 attempts).
MISSED_POINTS_WINDOW = 500


def questions_with_missed_points(user, limit=None) -> list[int]:
    """Ids of published questions whose latest attempt missed a key point, most recent first.

    One query: the latest attempt of each published question the user answered, each found
    through the (user, question, created_at) index, so the cost follows the bank's size, not
    the history's. Which points were missed is Attempt.point_results(), read in Python.
    """
    latest = Attempt.objects.filter(user=user, question=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    latest_ids = Question.objects.published().values(latest_id=Subquery(latest.values("id")[:1]))
    rows = (
        Attempt.objects.filter(pk__in=latest_ids)
        .order_by("-created_at", "-question_id")
        .values_list("question_id", "key_points_snapshot", "ticked")
    )
    ids = [
        question_id
        for question_id, snapshot, ticked in rows
        if any(not point.ticked for point in point_results(snapshot, ticked))
    ]
    return ids[:limit] if limit is not None else ids


@dataclass(frozen=True)
class MissedPoint:
    question_id: int
    title: str
    position: int
    label: str
    detail: str
    missed: int
    seen: int

    @property
    def text(self):
        return self.label or self.detail


def recent_point_results(user, window: int = MISSED_POINTS_WINDOW):
    """recent_entry() of each of the user's latest `window` attempts, newest first.

    One query through the (user, -created_at) index, so the cost stays flat however long the
    history grows.
    """
    rows = (
        Attempt.objects.filter(user=user)
        .newest_first()
        .values_list("pk", "question_id", "key_points_snapshot", "ticked")[:window]
    )
    return [recent_entry(*row) for row in rows]


def recent_entry(attempt_id, question_id, snapshot, ticked):
    """(attempt_id, question_id, ((position, ticked), ...)): an attempt's checklist as
    point_results() reads it, without the points' texts."""
    results = point_results(snapshot, ticked)
    return attempt_id, question_id, tuple((point.position, point.ticked) for point in results)


@dataclass
class PointCounts:
    """How often each (question_id, position) was seen and missed in a run of recent_entry()s,
    and the newest attempt with it (whose snapshot has its label)."""

    seen: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    latest: dict = field(default_factory=dict)

    def add(self, entries):
        """Count `entries` (newest first), all newer than those counted so far."""
        for attempt_id, question_id, checklist in reversed(entries):
            for position, ticked in checklist:
                key = (question_id, position)
                self.latest[key] = attempt_id
                self.seen[key] += 1
                self.missed[key] += not ticked
        return self

    def drop(self, entries):
        """Stop counting `entries`, the oldest of those counted."""
        for _attempt_id, question_id, checklist in entries:
            for position, ticked in checklist:
                key = (question_id, position)
                self.seen[key] -= 1
                self.missed[key] -= not ticked
                if not self.seen[key]:
                    del self.seen[key], self.missed[key], self.latest[key]


def most_missed_points(user, limit: int = 10, recent=None, bank=None, counts=None):
    """The key points left unticked most often in the user's latest attempts, counted per
    (question, position) with the labels of their latest snapshot: `counts` (PointCounts of
    `recent`, which recent_point_results() reads when neither is given). One query, the
    snapshots of their labels (and bank.facts.bank_facts() for the titles when `bank` is not
    given).
    """
    bank = bank or facts.bank_facts()
    if counts is None:
        counts = PointCounts().add(recent if recent is not None else recent_point_results(user))
    seen, missed, latest = counts.seen, counts.missed, counts.latest
    published = bank.published_titles
    ranked = sorted(
        (key for key, count in missed.items() if count and key[0] in published),
        key=lambda key: (-missed[key], -missed[key] / seen[key], key),
    )[:limit]
    snapshots = Attempt.objects.filter(pk__in={latest[key] for key in ranked})
    points = {}
    for attempt_id, snapshot in snapshots.values_list("pk", "key_points_snapshot"):
        for point in point_results(snapshot, []):
            points.setdefault((attempt_id, point.position), point)
    return [
        MissedPoint(
            question_id=question_id,
            title=published[question_id],
            position=position,
            label=points[latest[question_id, position], position].label,
            detail=points[latest[question_id, position], position].detail,
            missed=missed[question_id, position],
            seen=seen[question_id, position],
        )
        for question_id, position in ranked
    ]
