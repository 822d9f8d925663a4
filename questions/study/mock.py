"""Mock interviews: which questions a session asks, the clock each one runs on, and its report.

The server keeps the time. A question's clock starts the first time it is shown (started_at
and deadline are set once and never reset, so leaving and coming back does not buy time), and
an answer that arrives after the deadline is kept and marked overtime.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Avg, Count, FilteredRelation, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from questions.bank.models import Question
from questions.study import grading
from questions.study.coverage import overall_coverage, score_key_points
from questions.study.models import AttemptMode, MockItem, MockSession, MockStatus

MIN_QUESTIONS, MAX_QUESTIONS, DEFAULT_QUESTIONS = 3, 20, 5
DEFAULT_MINUTES = 3
# A card that lapsed, or whose memory lasts less than a week, is weak: worth asking again.
WEAK_STABILITY_DAYS = 7


class MockError(Exception):
    """A request the session cannot take; its message is shown to the user (400)."""


# --- Choosing the questions -------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    question_id: int
    due: datetime | None = None  # None: the user has no card for it (never graded)
    stability: float | None = None
    lapses: int = 0
    suspended: bool = False

    def tier(self, now) -> int:
        """0 due, 1 weak, 2 unseen, 3 the rest (known well, or suspended)."""
        if self.due is None:
            return 2
        if self.suspended:
            return 3
        if self.due <= now:
            return 0
        if self.lapses > 0 or (self.stability or 0) < WEAK_STABILITY_DAYS:
            return 1
        return 3


def choose_questions(candidates, count: int, now, rng: random.Random) -> list[int]:
    """Up to `count` question ids, without repeats, the most useful to be asked first.

    Due cards come first (most overdue first), then weak ones (most lapses, then lowest
    stability), then questions never seen, then the rest; ties and the unseen and the rest
    are shuffled with `rng`. The chosen questions are asked in a shuffled order.
    """
    tiers = {0: [], 1: [], 2: [], 3: []}
    for candidate in candidates:
        tiers[candidate.tier(now)].append(candidate)
    tiers[0].sort(key=lambda c: (c.due, rng.random()))
    tiers[1].sort(key=lambda c: (-c.lapses, c.stability or 0, rng.random()))
    rng.shuffle(tiers[2])
    rng.shuffle(tiers[3])
    ordered = tiers[0] + tiers[1] + tiers[2] + tiers[3]
    chosen = list(dict.fromkeys(c.question_id for c in ordered))[:count]
    rng.shuffle(chosen)
    return chosen


def candidates_for(user, topics) -> list[Candidate]:
    """One query: the published questions of the topics (all topics when none) and the user's
    card for each, if any."""
    questions = Question.objects.published()
    if topics:
        questions = questions.filter(topic__in=topics)
    rows = (
        questions.annotate(
            card=FilteredRelation("review_cards", condition=Q(review_cards__user=user))
        )
        .order_by("pk")
        .values_list("pk", "card__due", "card__stability", "card__lapses", "card__suspended")
    )
    return [
        Candidate(pk, due, stability, lapses or 0, bool(suspended))
        for pk, due, stability, lapses, suspended in rows
    ]


class NotEnoughQuestions(MockError):
    def __init__(self, available):
        self.available = available
        super().__init__(
            ngettext(
                "Only %(n)d question is available in these topics.",
                "Only %(n)d questions are available in these topics.",
                available,
            )
            % {"n": available}
        )


@transaction.atomic
def start_session(user, topics, count, seconds_per_question, now, rng=None) -> MockSession:
    """Create a session of `count` questions, or raise NotEnoughQuestions."""
    ids = choose_questions(candidates_for(user, topics), count, now, rng or random.Random())
    if len(ids) < count:
        raise NotEnoughQuestions(len(ids))
    session = MockSession.objects.create(
        user=user, seconds_per_question=seconds_per_question, created_at=now
    )
    session.topics.set(topics)
    MockItem.objects.bulk_create(
        MockItem(session=session, position=position, question_id=question_id)
        for position, question_id in enumerate(ids, 1)
    )
    return session


# --- The clock --------------------------------------------------------------------------------


def current_item(session, now) -> MockItem | None:
    """The first unanswered question, its clock started if this is the first time it is shown.

    One query, and one more the first time (the update). None once everything is answered.
    """
    item = (
        session.items.filter(answered_at=None)
        .select_related("question", "question__topic")
        .order_by("position")
        .first()
    )
    if item is None or item.started_at is not None:
        return item
    deadline = now + timedelta(seconds=session.seconds_per_question)
    # Conditional, so that two tabs showing the question at once start one clock, not two.
    started = MockItem.objects.filter(pk=item.pk, started_at=None).update(
        started_at=now, deadline=deadline
    )
    if started:
        item.started_at, item.deadline = now, deadline
    else:
        item.refresh_from_db(fields=["started_at", "deadline"])
    return item


def answer(session, item_id, text, now) -> tuple[MockItem, MockItem | None]:
    """Keep the answer to the current question and show the next one (None: the session is over).

    An answer after the deadline is kept and marked overtime. The last answer finishes the
    session. Raises MockError for a finished session, an answer to another question than the
    current one (a resend, a stale tab) or to one never shown.
    """
    if session.status == MockStatus.FINISHED:
        raise MockError(_("This mock interview is finished; its answers can no longer change."))
    item = (
        session.items.filter(answered_at=None)
        .select_related("question")
        .prefetch_related("question__key_points")
        .order_by("position")
        .first()
    )
    if item is None or item.pk != item_id:
        raise MockError(_("This question was already answered. Go on with the current one."))
    if item.started_at is None:
        raise MockError(_("This question has not been shown yet. Reload the page."))
    points = [point.as_scored() for point in item.question.key_points.all()]
    coverage = overall_coverage(score_key_points(text, points)) if points else None
    overtime = now > item.deadline
    # Conditional, so that a double submit cannot overwrite the first answer.
    answered = MockItem.objects.filter(pk=item.pk, answered_at=None).update(
        text=text, answered_at=now, overtime=overtime, coverage=coverage
    )
    if not answered:
        raise MockError(_("This question was already answered. Go on with the current one."))
    item.text, item.answered_at, item.overtime, item.coverage = text, now, overtime, coverage
    following = current_item(session, now)
    if following is None:
        _finish(session, now)
    return item, following


def _finish(session, now):
    MockSession.objects.filter(pk=session.pk).update(status=MockStatus.FINISHED, finished_at=now)
    session.status, session.finished_at = MockStatus.FINISHED, now


def finish_if_done(session, now) -> None:
    """Mark an active session whose questions are all answered as finished (self-repair)."""
    if session.status == MockStatus.ACTIVE and not session.items.filter(answered_at=None).exists():
        MockSession.objects.filter(pk=session.pk).update(
            status=MockStatus.FINISHED, finished_at=now
        )
        session.status, session.finished_at = MockStatus.FINISHED, now


# --- The report -------------------------------------------------------------------------------


def time_taken(item) -> timedelta | None:
    if item.started_at is None or item.answered_at is None:
        return None
    return max(item.answered_at - item.started_at, timedelta(0))


def summary(session) -> dict:
    """One query: average coverage and grade, and how many were graded and late."""
    return session.items.aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        overtime=Count("id", filter=Q(overtime=True)),
        graded=Count("attempt"),
        coverage=Avg("coverage"),
        rating=Avg("attempt__rating"),
    )


def grade(item, *, user, profile, rating, ticked, now):
    """Grade one answered question like a review: an Attempt (mode mock) and the card updated.

    Raises grading.AlreadyGraded when the item was graded before, also by a concurrent
    request: the item is claimed by a conditional update in the same transaction, so the
    loser's attempt and card change are rolled back.
    """
    key_points = list(item.question.key_points.all())
    # Scored again: when the answer came in, only its coverage was kept (MockItem.coverage).
    scores = score_key_points(item.text, [point.as_scored() for point in key_points])
    with transaction.atomic():
        attempt, card = grading.record_grade(
            user=user,
            profile=profile,
            question=item.question,
            key_points=key_points,
            text=item.text,
            ticked=ticked,
            coverage=item.coverage or 0.0,
            estimated=grading.estimated_positions(key_points, scores),
            rating=rating,
            hints_used=0,
            mode=AttemptMode.MOCK,
            # A fresh token per grading: what stops a second grade is the claim below.
            token=uuid.uuid4(),
            time_spent=time_taken(item),
            now=now,
        )
        claimed = MockItem.objects.filter(pk=item.pk, attempt=None).update(attempt=attempt)
        if not claimed:
            raise grading.AlreadyGraded
    item.attempt = attempt
    return attempt, card
