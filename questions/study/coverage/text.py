"""Text into clauses of words: normalising, segmenting Chinese, stemming English, negation.

Both a key point and an answer go through `clauses()`, so they are compared in one form: a
clause is a canonical string (Chinese words run together, English stems between spaces) and
its words, with whether it is negated and which ways it says things go. The small words that
decide this are in grammar.txt.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial

import rjieba

from questions.study.coverage import glossary

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han runs, Latin words (a hyphen or an apostrophe inside one joins it: "fine-tune", "gpt-3"),
# or a clause break.
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W_]+(?:[-'’][^\W_]+)*)|([,，:：()（）\[\]【】\"“”]|\s-\s)")
# Sentence and list-item breaks: matching never reaches across one. Each starts with a character
# of the first class, so the regex engine skips to the next of those rather than trying every
# break at every character; the lookbehinds then tell which break it is.
_SENTENCE_BREAK = re.compile(
    r"""[\n。！？!?；;….\d①-⑳(（]
    (?:(?<=[\n。！？!?；;…])[\n。！？!?；;…]*  # the end of a sentence
    |(?<=\.)(?!\w)  # a full stop, not "3.5" or ".net"
    |(?<=\s\d)\d*[.、)]\s  # a numbered item: "1. ", "2、", "3) "
    |(?<=[①-⑳])  # ①
    |(?<=\()\d+\)  # (1)
    |(?<=（)\d+）  # （1）
    )""",
    re.VERBOSE,
)
_NOT = re.compile(r"n['’]t\b")
_MARKUP = re.compile(r"[*_`#>|~]+")
# CJK's unified ideographs are their own NFKC form and never combine with a neighbour, so the
# text between their runs can be normalised apart: that skips CPython's costly per-character
# composition step for the thousands of ideographs of a long Chinese answer.
_IDEOGRAPHS = re.compile("([\u3400-\u4dbf\u4e00-\u9fff]+)")
_NFKC = partial(unicodedata.normalize, "NFKC")

# Stands in for a negated need ("不需要那么多数据"): the glossary knows its synonyms.
REDUCE = "减少"
DIRECTIONS = ("up", "down", "fast", "slow", "good", "bad")
OPPOSITE = {
    "up": "down",
    "down": "up",
    "fast": "slow",
    "slow": "fast",
    "good": "bad",
    "bad": "good",
}
_NO_DIRECTIONS = frozenset()  # most clauses', shared


@dataclass(frozen=True, slots=True)
class Clause:
    words: tuple  # the segmenter's words and the stems, in order
    negated: bool
    sentence: int  # index of the sentence or list item it belongs to
    directions: frozenset  # which ways it says things go ("up", "slow", …)


class _Grammar:
    """The grammar's word lists, stemmed, as attributes: `grammar().negators`."""

    def __init__(self, lists: dict):
        for name, words in lists.items():
            setattr(self, name.replace("-", "_"), words)
        self.direction_of = {word: name for name in DIRECTIONS for word in lists[name]}
        self.stop = frozenset(map(stem, glossary.word_lists()["stop"]))
        self.polarity_words = self.negators | self.negated_needs
        self.direction_words = frozenset(self.direction_of)
        self.clause_breaks = self.contrast | self.scope_after


@cache
def grammar() -> _Grammar:
    return _Grammar(
        {name: frozenset(map(stem, words)) for name, words in glossary.grammar().items()}
    )


def normalize(text: str) -> str:
    # NFKC folds full-width letters and digits ("ＧＰＴ") to ASCII.
    if not unicodedata.is_normalized("NFKC", text):
        parts = _IDEOGRAPHS.split(text)
        parts[::2] = map(_NFKC, parts[::2])
        text = "".join(parts)
    text = text.casefold()
    return _MARKUP.sub(" ", _NOT.sub(" not", text))


def clauses(text: str) -> list[Clause]:
    """The clauses of a text, each knowing its sentence (an item of a list counts as one)."""
    rules = grammar()
    # The hottest loop of a long answer: the grammar's lists are looked up once.
    breaks, contrasts, scope_after = rules.clause_breaks, rules.contrast, rules.scope_after
    result = []
    for number, (sentence, sentence_words) in enumerate(_sentences(normalize(text))):
        runs, run, contrast = [], [], False
        for word in sentence_words:
            # A contrast word starts a clause of its own, and so does "别" (grammar.txt).
            if word is None or word in breaks:
                if run:
                    runs.append((run, contrast))
                contrast = word in contrasts
                run = [word] if word in scope_after else []
            else:
                run.append(word)
        if run:
            runs.append((run, contrast))
        maybe_negated = "不" in sentence or not rules.polarity_words.isdisjoint(sentence_words)
        sentence_clauses = [
            _clause(words, number, rules, maybe_negated) for words, _contrast in runs
        ]
        # A verdict with nothing else in it ("所以不推荐", "so it is not worth it") negates
        # what the sentence said before it, back to the last "but".
        for index, (words, _contrast) in enumerate(runs):
            if sentence_clauses[index].negated and _is_bare_verdict(words):
                for earlier in range(index - 1, -1, -1):
                    sentence_clauses[earlier] = replace(sentence_clauses[earlier], negated=True)
                    if runs[earlier][1]:
                        break
        # So does a bare direction ("模型性能，反而下降了"): it says which way the rest goes.
        for index, (words, _contrast) in enumerate(runs):
            directions = sentence_clauses[index].directions
            if directions and _is_bare_direction(words):
                for earlier in range(index - 1, -1, -1):
                    clause = sentence_clauses[earlier]
                    sentence_clauses[earlier] = replace(
                        clause, directions=clause.directions | directions
                    )
                    if runs[earlier][1]:
                        break
        result.extend(sentence_clauses)
    return result


def words(phrase: str) -> list[str]:
    """The canonical words of a short phrase, punctuation left out."""
    return [word for word in _words_and_breaks(normalize(phrase)) if word is not None]


def segment_runs(runs: list[str]) -> list[list[str]]:
    """The words of each run of Chinese text, in one call of the segmenter: it cuts each run
    between line breaks alone, and one call for a long answer's thousand runs costs less than a
    call for each."""
    result, words = [], []
    for word in _segmenter().cut("\n".join(runs)) if runs else ():
        if word == "\n":
            result.append(words)
            words = []
        else:
            words.append(word)
    if runs:
        result.append(words)
    return result


def segment_finely(word: str) -> list[str]:
    """The words of a long Chinese word and the shorter words inside it."""
    return _segmenter().cut_for_search(word)


def join(words) -> str:
    """The canonical text of words: Chinese words run together, others between spaces."""
    return join_clauses([words])[0]


def join_clauses(clauses) -> tuple[str, list[int], set[int]]:
    """The canonical texts of the clauses' words, one line each, in one pass: the text, where
    each clause starts in it, and the offsets where a word ends."""
    # The hottest loop of a long answer: its methods are looked up once, and is_han() is
    # written out.
    parts, starts, ends, offset = [], [], [], 0
    append, end = parts.append, ends.append
    for words in clauses:
        if parts:
            append("\n")
            offset += 1
        starts.append(offset)
        append(" ")
        offset, han = offset + 1, None
        for word in words:
            first = word[:1]
            word_is_han = (
                "\u4e00" <= first <= "\u9fff"
                or "\u3400" <= first <= "\u4dbf"
                or ("\uf900" <= first <= "\ufaff")
            )
            if han is not None and not (han and word_is_han):
                append(" ")
                offset += 1
            append(word)
            offset += len(word)
            end(offset)
            han = word_is_han
        append(" ")
        offset += 1
    return "".join(parts), starts, set(ends)


def is_han(word: str) -> bool:
    # Compared by code point rather than by a pattern: it runs once per word of every answer.
    first = word[:1]
    return (
        "\u4e00" <= first <= "\u9fff"
        or "\u3400" <= first <= "\u4dbf"
        or ("\uf900" <= first <= "\ufaff")
    )


def direction_of(word: str) -> str | None:
    """Which way a word says something goes ("up" for "提高"), if it says."""
    return grammar().direction_of.get(word)


def _sentences(text: str):
    """(sentence, its words with None at each clause break) for each sentence of a normalised
    text."""
    for sentence in _SENTENCE_BREAK.split(text):
        yield sentence, list(_words_and_breaks(sentence))


def _words_and_breaks(text: str):
    """The words of a normalised text, None at each clause break; its Chinese runs are cut in
    one call of the segmenter."""
    found = _TOKEN.findall(text)
    han_words = iter(segment_runs([han for han, _latin, _break in found if han]))
    for han, latin, _break in found:
        if han:
            yield from next(han_words)
        elif latin:
            yield stem(latin)
        else:
            yield None


@cache
def _segmenter():
    # The module's own instance (importing rjieba loads its dictionary; a second instance
    # would load it again), taught the glossary's words ("召回率", "显存") and the grammar's
    # ("而不是") so that they come out whole. Nothing else in the project segments Chinese.
    segmenter = rjieba
    for group in glossary.groups():
        for term in group.terms + group.kinds:
            if len(term) > 1 and all(is_han(char) for char in term):
                segmenter.add_word(term, 50_000, "n")
    written = glossary.grammar()
    for name in ("negators", "scope-after", "negated-needs"):
        for word in written[name]:
            if len(word) > 1 and is_han(word):
                segmenter.add_word(word, 50_000, "d")
    return segmenter


def _clause(words: list[str], sentence: int, rules: _Grammar, maybe_negated: bool) -> Clause:
    # Most sentences have no word of the negation rules, which their caller tells once.
    negated, reduced = _polarity(words, rules) if maybe_negated else (False, False)
    if reduced or not rules.comparative.isdisjoint(words):
        extra = [REDUCE] if reduced else []
        for index, word in enumerate(words):
            if word in rules.comparative:
                later = words[index + 1 :]
                extra.extend("更" + other for other in later if other in rules.adjectives)
        words = [*words, *extra]
    if rules.direction_words.isdisjoint(words):
        return Clause(tuple(words), negated, sentence, _NO_DIRECTIONS)
    return Clause(tuple(words), negated, sentence, _directions(words, rules))


def _directions(words: list[str], rules: _Grammar) -> frozenset[str]:
    # A negated direction goes the other way: "不高" is low, "不差" good.
    directions = set()
    for index, word in enumerate(words):
        direction = rules.direction_of.get(word)
        if direction:
            negated = index and words[index - 1] in rules.negators
            directions.add(OPPOSITE[direction] if negated else direction)
    return frozenset(directions)


def _polarity(words: list[str], rules: _Grammar) -> tuple[bool, bool]:
    """(negated, says that less is needed) for the words of one clause."""
    negated = reduced = False
    for index, word in enumerate(words):
        if word not in rules.polarity_words:
            if "不" in word and _is_negated_result(word):
                negated = True
            continue
        following = words[index + 1 :]
        negated_need = word in rules.negated_needs
        if negated_need or (following and following[0] in rules.needs):
            rest = following if negated_need else following[1:]
            if rest and rest[0] in rules.attention:
                negated = True
            elif any(later in rules.quantities for later in rest):
                reduced = True
            else:
                negated = True
        elif not (following and following[0] in rules.not_negating_next):
            negated = True
    return negated, reduced


def _is_negated_result(word: str) -> bool:
    # "用不着", "做不到"; but "好不好" and "能不能" ask rather than deny.
    return (
        len(word) > 2
        and "不" in word[1:-1]
        and word[0] != word[-1]
        and word not in grammar().not_negated_results
    )


def _is_bare_direction(words: list[str]) -> bool:
    rules = grammar()
    return all(
        word in rules.direction_of or word in rules.degree or word in rules.stop for word in words
    )


def _is_bare_verdict(words: list[str]) -> bool:
    rules = grammar()
    return all(
        word in rules.verdict or word in rules.negators or word in rules.stop for word in words
    )


# Inflections first ("requirements" -> "requirement"), then one derivation ("-ment").
_INFLECTIONS = (
    ("ies", "y"),
    ("ied", "y"),
    ("ings", ""),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)
_DERIVATIONS = (
    ("ization", "ize"),
    ("isation", "ize"),
    ("ation", ""),
    ("ness", ""),
    ("ment", ""),
    ("ate", ""),
    ("er", ""),
    ("ly", ""),
)


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """A crude English stem: it only has to map forms of one word to one key.

    "cache", "caches", "cached" and "caching" become "cach"; "generalization", "generalize"
    and "generalizes" become "generaliz". Words with digits ("gpt-3", "f1") and short words
    are kept; hyphens and apostrophes go ("fine-tuning" = "finetuning").
    """
    word = word.replace("-", "").replace("'", "").replace("\u2019", "")
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    for suffix, replacement in _INFLECTIONS:
        base = word.removesuffix(suffix)
        if base == word or len(base) < 3:
            continue
        if suffix == "s" and base.endswith(("s", "u", "i")):
            continue  # "class", "focus", "analysis" are not plurals
        if suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
            base = word[:-1]  # "caches" is "cache" + s, "biases" "bias" + es
        if suffix == "ed" and base.endswith("e"):
            continue  # "speed", "need"
        word = base + replacement
        if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "sz":
            word = word[:-1]  # "stopping" -> "stopp" -> "stop"
        break
    for suffix, replacement in _DERIVATIONS:
        base = word.removesuffix(suffix)
        if base != word and len(base) >= (4 if suffix in ("er", "ate") else 3):
            word = base + replacement
            break
    return word.removesuffix("e") if len(word) > 3 else word
