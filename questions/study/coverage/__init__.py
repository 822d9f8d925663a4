"""Estimate which key points of a reference answer a written attempt covers.

The estimate is lexical, meant to pre-tick a self-assessment checklist and suggest a rating,
not to grade on its own:

- `text` cuts the points and the attempt into sentences and clauses of words: Chinese by the
  rjieba segmenter, English by crude stems; it marks negated clauses ("它不能减少数据需求",
  "it doesn't converge") and the ways a clause says things go ("提高", "slower").
- `lexicon` turns a point's words into terms that also match their synonyms, translations and
  abbreviations from the shipped glossary ("召回率" = "recall" = "查全率"), with part credit
  for long Chinese words the attempt only uses in part.
- `points` weighs each term by how distinctive it is among the question's points (so "模型",
  "数据", "训练" weigh little) and by the shipped list of common words.

A point is covered when one sentence (or list item) of the attempt matches most of its label,
or of one of the editors' accepted phrasings, or enough of its detail. A negated clause does
not count for an affirmative point, nor does a clause that says things go the other way than
the label ("性能反而下降" against "提高模型性能").

Weights come from the question's own points and the shipped lists only, so callers pass
nothing else. The word lists are read on first use, once per process; `load()` reads them
earlier.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from questions.study.coverage import lexicon
from questions.study.coverage.answer import Answer
from questions.study.coverage.points import point_models

# A point is covered from this score up: the share of its label's (or a phrasing's) weight
# that one sentence matches, or of its detail's weight over points.DETAIL_ENOUGH.
COVERED_THRESHOLD = 0.55

# fsrs.Rating values, repeated so this module stays free of the scheduler.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass(frozen=True)
class PointScore:
    label: str
    score: float

    @property
    def covered(self) -> bool:
        return self.score >= COVERED_THRESHOLD


def score_key_points(attempt: str, points: Sequence[Sequence]) -> list[PointScore]:
    """Score each key point against the attempt, in order.

    A point is (label, detail) or (label, detail, phrasings): phrasings, a list of strings, are
    the editors' accepted other ways of saying the point, and count as the label does.
    """
    models = point_models(tuple(_as_key(point) for point in points))
    answer = Answer(attempt)
    return [
        PointScore(label=point[0] or "", score=model.score(answer))
        for point, model in zip(points, models, strict=True)
    ]


def overall_coverage(scores: Sequence[PointScore]) -> float:
    """Share of points covered; 0.0 for a question without key points (callers: unknown)."""
    if not scores:
        return 0.0
    return sum(score.covered for score in scores) / len(scores)


def suggest_rating(coverage: float, hints_used: int = 0) -> int:
    """The fsrs rating the coverage suggests, one step lower for each hint used."""
    if coverage < 0.3:
        rating = AGAIN
    elif coverage < 0.6:
        rating = HARD
    elif coverage < 0.9:
        rating = GOOD
    else:
        rating = EASY
    return max(AGAIN, rating - max(hints_used, 0))


def load() -> None:
    """Read the word lists and ready the segmenter now rather than for the first attempt."""
    lexicon.load()


def _as_key(point: Sequence) -> tuple[str, str, tuple[str, ...]]:
    label, detail, *rest = point
    phrasings = rest[0] if rest and rest[0] else ()
    if isinstance(phrasings, str):
        phrasings = phrasings.splitlines()  # the text of KeyPoint.phrasings, one per line
    return (label or "", detail or "", tuple(phrasing for phrasing in phrasings if phrasing))
