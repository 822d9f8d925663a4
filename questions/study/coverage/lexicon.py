"""A key point's terms: what each may match in an answer, and how much it weighs.

A term is a word of the point (or a run of words the glossary knows as one, "learning rate").
It matches its own form and every term of its glossary groups, so "召回率" also matches
"recall" and "查全率". A long Chinese word the answer does not use whole earns part credit from
the shorter words inside it ("数据量" from "数据"), or from its character pairs when the
segmenter knows no shorter word: the fallback for words that no list knows.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from questions.study.coverage import glossary, text

# A word of the field every answer uses ("模型", "data") weighs this much of a distinctive one.
COMMON_WEIGHT = 0.3
# A one-character Chinese word of a point is mostly a modifier ("高", "强", "新").
SINGLE_CHARACTER_WEIGHT = 0.3
# A word that only says which way something goes ("减少", "提高", "faster") weighs half of a
# common word: "数据需求" says more of "减少数据需求" than "减少" does.
DIRECTION_WEIGHT = 1.0
# The longest run of words looked up in the glossary as one term.
LONGEST_TERM = 4

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Term:
    key: str
    phrases: frozenset  # canonical texts, each matching where the answer's text contains it
    words: frozenset  # one-character Chinese forms, matching only a whole word of the answer
    parts: tuple  # shorter Terms for part credit, when the whole term is not matched
    weight: float
    groups: frozenset  # numbers of the glossary groups it belongs to


@dataclass(frozen=True)
class _Lexicon:
    groups_of: dict  # words tuple -> frozenset of group numbers
    forms: tuple  # per group: frozenset of words tuples
    stop: frozenset
    common_groups: frozenset
    common: frozenset


@cache
def _lexicon() -> _Lexicon:
    lists = glossary.word_lists()
    stop = frozenset(word for raw in lists["stop"] for word in words_of(raw))
    common = frozenset(words_of(raw) for raw in lists["common"])
    groups_of, forms = {}, []
    for number, group in enumerate(glossary.groups()):
        group_forms = frozenset(filter(None, map(words_of, group.terms)))
        forms.append(group_forms | frozenset(filter(None, map(words_of, group.kinds))))
        for form in group_forms:
            groups_of.setdefault(form, set()).add(number)
    common_groups = frozenset(
        number for form in common for number in groups_of.get(form, ()) if len(form) == 1
    )
    return _Lexicon(
        groups_of={form: frozenset(numbers) for form, numbers in groups_of.items()},
        forms=tuple(forms),
        stop=stop,
        common_groups=common_groups,
        common=frozenset(form[0] for form in common if len(form) == 1),
    )


def load() -> None:
    """Read the word lists and ready the segmenter now rather than on the first answer."""
    _lexicon()
    text.segment_runs(["预训练"])


@lru_cache(maxsize=50_000)
def words_of(phrase: str) -> tuple[str, ...]:
    """The canonical words of a glossary term or a phrase: Chinese segmented, English stemmed."""
    return tuple(text.words(phrase))


def terms_of(words: list[str]) -> list[Term]:
    """The terms of a clause's words: glossary runs joined, stop words and numbers left out."""
    lexicon = _lexicon()
    terms, index = [], 0
    while index < len(words):
        for length in range(min(LONGEST_TERM, len(words) - index), 0, -1):
            run = tuple(words[index : index + length])
            if length == 1 or run in lexicon.groups_of:
                break
        index += len(run)
        if len(run) == 1 and (run[0] in lexicon.stop or _NUMBER.match(run[0])):
            continue
        terms.append(_term(run))
    return terms


@lru_cache(maxsize=20_000)
def _term(run: tuple[str, ...], with_parts: bool = True) -> Term:
    lexicon = _lexicon()
    groups = lexicon.groups_of.get(run, frozenset())
    forms = {run}.union(*(lexicon.forms[number] for number in groups))
    phrases = frozenset(_phrase(form) for form in forms if not _single_character(form))
    words = frozenset(form[0] for form in forms if _single_character(form))
    parts = _parts(run[0]) if with_parts and len(run) == 1 else ()
    if (
        run[0] in lexicon.common
        or groups & lexicon.common_groups
        or (len(parts) > 1 and all(part.weight <= COMMON_WEIGHT for part in parts))
    ):
        # "特定任务" is as common as its two words.
        weight = COMMON_WEIGHT
    elif _single_character(run):
        weight = SINGLE_CHARACTER_WEIGHT
    else:
        weight = 1.0
    if len(run) == 1 and text.direction_of(run[0]):
        weight = min(weight, COMMON_WEIGHT) * DIRECTION_WEIGHT
    return Term(
        key=text.join(run),
        phrases=phrases,
        words=words,
        parts=parts,
        weight=weight,
        groups=groups,
    )


def _parts(word: str) -> tuple[Term, ...]:
    if len(word) < 3 or not text.is_han(word):
        return ()
    shorter = [part for part in text.segment_finely(word) if 1 < len(part) < len(word)]
    if not shorter:
        shorter = [word[index : index + 2] for index in range(len(word) - 1)]
    stop = _lexicon().stop
    return tuple(_term((part,), with_parts=False) for part in shorter if part not in stop)


def _single_character(form: tuple[str, ...]) -> bool:
    return len(form) == 1 and len(form[0]) == 1 and text.is_han(form[0])


def _phrase(form: tuple[str, ...]) -> str:
    # Spaces keep English words whole (" learn rat " is not inside " relearn rat "); Chinese
    # at either end matches inside a longer run ("学习率" in "调学习率").
    phrase = text.join(form)
    if text.is_han(form[0]):
        phrase = phrase[1:]
    if text.is_han(form[-1]):
        phrase = phrase[:-1]
    return phrase
