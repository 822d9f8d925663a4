"""The shipped word lists, read once per process: the field's glossary, the common words and
the grammar's small words (negators and the like).

All are plain text beside this module (glossary.txt, common-words.txt, grammar.txt; their
headers say how to edit them). This module only reads them: `lexicon` and `text` turn them
into the forms they compare.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
GLOSSARY = HERE / "glossary.txt"
COMMON_WORDS = HERE / "common-words.txt"
GRAMMAR = HERE / "grammar.txt"


@dataclass(frozen=True)
class Group:
    terms: tuple[str, ...]  # mean the same thing
    kinds: tuple[str, ...]  # kinds of it: each matches the group's terms, not the reverse


@cache
def groups() -> tuple[Group, ...]:
    """Each line of the glossary, as written: "term | term > kind | kind"."""
    result = []
    for line in _lines(GLOSSARY):
        same, _, kinds = line.partition(">")
        group = Group(terms=_terms(same), kinds=_terms(kinds))
        if group.terms:
            result.append(group)
    return tuple(result)


def _terms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(term.strip() for term in text.split("|") if term.strip()))


@cache
def word_lists() -> dict[str, frozenset[str]]:
    """{"stop": words to ignore, "common": words to weigh little}, as written."""
    return _sections(COMMON_WORDS)


@cache
def grammar() -> dict[str, frozenset[str]]:
    """The grammar's word lists by section (negators, contrast, …), as written."""
    return _sections(GRAMMAR)


def _sections(path: Path) -> dict[str, frozenset[str]]:
    lists, section = {}, None
    for line in _lines(path):
        if line.startswith("[") and line.endswith("]"):
            section = lists.setdefault(line[1:-1], set())
        elif section is None:
            raise ValueError(f"{path.name}: words before the first [section]")
        else:
            section.update(line.split())
    return {name: frozenset(words) for name, words in lists.items()}


def _lines(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line
