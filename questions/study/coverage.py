"""Estimate which key points of a reference answer a written attempt covers.

The estimate is lexical: a key point counts as covered when enough of its distinctive terms
appear anywhere in the attempt, in any order and any wording around them. It is meant to
pre-tick a self-assessment checklist and suggest a rating, not to grade on its own.

Chinese has no spaces between words and we ship no segmenter, so Han text is compared by
character bigrams, which match most two-character words wherever they appear. Latin text is
compared by case-folded words with a crude suffix strip.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Chosen against paraphrases written by hand for bank questions: points a paraphrase skipped
# scored at most 0.11, most points it restated 0.34 or more. A restatement that shares almost
# no words with the point ("算力" for "计算资源") scores low and is missed whatever the threshold.
COVERED_THRESHOLD = 0.25

# The label is the gist of the point, so its few terms count as much as the many terms of
# the detail, which mostly elaborates it.
LABEL_SHARE = 0.5

# fsrs.Rating values, repeated so this module stays free of imports beyond the stdlib.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"([{_HAN}]+)|((?:(?![{_HAN}])[^\W_])+)")

# Function words cut a Han run in two, the only segmentation we do: bigrams spanning them
# ("的泛" in "良好的泛化", "型可" in "模型可以减少") pair halves of different words and would
# only dilute a point's real terms. A list reads worse than a paragraph here, hence the noqa.
_HAN_FUNCTION_WORDS = """
    可以 能够 通过 因为 所以 从而 因此 已经 这些 那些 这个 那个 它们 我们 他们 一个 一些
    一定 进行 以及 例如 比如 如果 可能 通常 就是 不是 还是 但是 而且 并且 或者 以便 使得
    其中 什么 如何 怎么 方面 之间 需要 用于 对于 非常 很多 许多 各种 多种
    的 了 和 与 及 或 是 在 把 被 将 等 也 都 而 并 其 之 这 那 个 中 上 为
""".split()  # noqa: SIM905
_HAN_BREAKS = re.compile("|".join(sorted(_HAN_FUNCTION_WORDS, key=len, reverse=True)))

_LATIN_STOP_WORDS = frozenset(
    """
    a an the and or nor but if then than so as of to in on at by for with from into onto
    about over under between through is are was were be been being am do does did done
    has have had having can could may might must shall should will would it its this that
    these those there their they them he she his her we our you your i me my who whom which
    what when where why how not no yes also just only very more most much many some any
    each every all both other such own same too one etc via
    out up back per get go going come become give make take need use using used instead
    """.split()  # noqa: SIM905
)

_SUFFIXES = (
    ("ization", "ize"),
    ("ation", "ate"),
    ("ion", ""),
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)


@dataclass(frozen=True)
class PointScore:
    label: str
    score: float

    @property
    def covered(self) -> bool:
        return self.score >= COVERED_THRESHOLD


def score_key_points(attempt: str, points: Sequence[tuple[str, str]]) -> list[PointScore]:
    """Score each (label, detail) key point against the attempt, in order."""
    attempt_terms = {term for run in _runs(attempt) for term in run}
    point_runs = [(_runs(label), _runs(detail)) for label, detail in points]
    weights = _term_weights([label_runs + detail_runs for label_runs, detail_runs in point_runs])

    def share(runs: list[list[str]]) -> float | None:
        terms = {term for run in runs for term in run}
        if not terms:
            return None
        found = _found_terms(runs, attempt_terms)
        return sum(weights[term] for term in found) / sum(weights[term] for term in terms)

    scores = []
    for (label, _detail), (label_runs, detail_runs) in zip(points, point_runs, strict=True):
        label_share, detail_share = share(label_runs), share(detail_runs)
        if label_share is None:
            score = detail_share or 0.0
        elif detail_share is None:
            score = label_share
        else:
            score = LABEL_SHARE * label_share + (1 - LABEL_SHARE) * detail_share
        # Rounding could otherwise leave a fully covered point a hair above 1.
        scores.append(PointScore(label=label, score=min(score, 1.0)))
    return scores


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


def _runs(text: str) -> list[list[str]]:
    """The text's terms; the bigrams of one stretch of Han text form a run, in order."""
    # NFKC folds full-width letters and digits ("ＧＰＴ") to ASCII; the token pattern then
    # skips markdown punctuation along with all other punctuation.
    text = unicodedata.normalize("NFKC", text).casefold()
    runs = []
    for han, latin in _TOKEN.findall(text):
        if han:
            for piece in _HAN_BREAKS.split(han):
                if len(piece) == 1:
                    runs.append([piece])
                elif piece:
                    runs.append([piece[i : i + 2] for i in range(len(piece) - 1)])
        elif len(latin) > 1 and latin not in _LATIN_STOP_WORDS:
            runs.append([_stem(latin)])
    return runs


def _term_weights(point_runs: list[list[list[str]]]) -> dict[str, float]:
    # A term found in every point of the question ("预训练模型" in a question about
    # pretrained models) says nothing about which point the attempt covers. The IDF is
    # squared so that even a term shared by two of four points weighs a third of one that
    # belongs to a single point: in practice those shared terms are what an attempt
    # mentions in passing while it explains a neighbouring point.
    document_frequency = Counter(
        term for runs in point_runs for term in {term for run in runs for term in run}
    )
    point_count = len(point_runs)
    return {
        term: math.log((point_count + 1) / frequency) ** 2
        for term, frequency in document_frequency.items()
    }


def _found_terms(runs: list[list[str]], attempt_terms: set[str]) -> set[str]:
    found = set()
    for run in runs:
        for i, term in enumerate(run):
            # A bigram whose neighbours were both found most likely straddles two words the
            # attempt used with something else between them: "权重初始化" against "权重做初始化".
            bridged = 0 < i < len(run) - 1 and {run[i - 1], run[i + 1]} <= attempt_terms
            if term in attempt_terms or bridged:
                found.add(term)
    return found


def _stem(word: str) -> str:
    # Crude on purpose: it only has to map forms of one word to the same key, so "cache",
    # "caches", "cached" and "caching" all become "cach", and "invalidation" and
    # "invalidate" both "invalidat".
    for suffix, replacement in _SUFFIXES:
        stem = word.removesuffix(suffix)
        if stem == word or len(stem) < 3:
            continue
        if (suffix == "s" and stem.endswith("s")) or (suffix == "ed" and stem.endswith("e")):
            continue  # "class" and "speed" are not inflected
        word = stem + replacement
        break
    return word.removesuffix("e") if len(word) > 3 else word
