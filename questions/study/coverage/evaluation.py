"""How well the estimate agrees with hand-labelled attempts: micro precision, recall and F1 over
(attempt, key point) pairs, and how many attempts it ticks exactly as labelled.

The labelled file is JSON: {"about": …, "items": [{"q": 1, "kind": "paraphrase",
"covered": [1, 3], "attempt": "…"}, …]}, where q is a question's number in its bank and covered
lists the 1-based numbers of the key points a fair interviewer would tick.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from questions.study.coverage import score_key_points


class LabelledFileError(ValueError):
    """The file is not a labelled set: the message says where and why."""


@dataclass(frozen=True)
class Labelled:
    number: int  # the item's index in the file, from 1
    question: int
    kind: str
    covered: frozenset
    attempt: str


@dataclass
class Tally:
    attempts: int = 0
    exact: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        ticked = self.true_positives + self.false_positives
        return self.true_positives / ticked if ticked else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        # With nothing to find and nothing ticked, the estimate is exactly right.
        if not (self.true_positives + self.false_positives + self.false_negatives):
            return 1.0
        return (
            2
            * self.true_positives
            / (2 * self.true_positives + self.false_positives + self.false_negatives)
        )

    def add(self, labelled: frozenset, estimated: frozenset) -> None:
        self.attempts += 1
        self.exact += labelled == estimated
        self.true_positives += len(labelled & estimated)
        self.false_positives += len(estimated - labelled)
        self.false_negatives += len(labelled - estimated)


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_kind: dict = field(default_factory=dict)  # kind -> Tally


def read_labelled(text: str) -> list[Labelled]:
    """The items of a labelled file's text; LabelledFileError for anything malformed."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise LabelledFileError(f"line {error.lineno}: invalid JSON: {error.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise LabelledFileError('expected an object with an "items" list')
    return [_labelled(number, item) for number, item in enumerate(document["items"], start=1)]


def _labelled(number: int, item) -> Labelled:
    def problem(message):
        return LabelledFileError(f"item {number}: {message}")

    if not isinstance(item, dict):
        raise problem("expected an object")
    question, covered, attempt = item.get("q"), item.get("covered"), item.get("attempt")
    kind = item.get("kind", "")
    if not isinstance(question, int) or isinstance(question, bool) or question < 1:
        raise problem('"q" must be a question number (1 or more)')
    if not isinstance(covered, list) or not all(
        isinstance(point, int) and not isinstance(point, bool) and point >= 1 for point in covered
    ):
        raise problem('"covered" must be a list of key point numbers (1 or more)')
    if not isinstance(attempt, str):
        raise problem('"attempt" must be a string')
    if not isinstance(kind, str):
        raise problem('"kind" must be a string')
    return Labelled(number, question, kind, frozenset(covered), attempt)


def evaluate(
    items: Sequence[Labelled],
    points_of: Callable[[int], Sequence | None],
) -> Report:
    """Score each item's attempt against its question's key points (points_of(q), None when
    the bank has no such question) and tally the agreement with its labels."""
    report = Report()
    for item in items:
        points = points_of(item.question)
        if points is None:
            raise LabelledFileError(f"item {item.number}: the bank has no question {item.question}")
        if item.covered and max(item.covered) > len(points):
            raise LabelledFileError(
                f"item {item.number}: question {item.question} has {len(points)} key points, "
                f"not {max(item.covered)}"
            )
        scores = score_key_points(item.attempt, points)
        estimated = frozenset(number for number, score in enumerate(scores, 1) if score.covered)
        report.overall.add(item.covered, estimated)
        report.by_kind.setdefault(item.kind, Tally()).add(item.covered, estimated)
    return report
