"""Browsing and searching the bank: filters, search, the user's status per question, highlights.

Search is substring matching, which works for Chinese without a segmenter. It looks in one
column, Question.search_text (the casefolded title, prompt, answer and key points), for each
casefolded term. A term of 3+ characters is found through a trigram index (migration 0006):
SQLite's FTS5 table, PostgreSQL's pg_trgm index; a shorter one (many Chinese words have two
characters) still matches, through a scan of that one column.
"""

import re

from django.db import connections, models
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IContains
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SNIPPET_CONTEXT = 60
# Trigram indexes serve terms of at least this many characters.
TRIGRAM = 3
# SQLite's FTS5 index over Question.search_text, made by migration 0006.
FTS_TABLE = "questions_question_fts"

# Quotes, brackets and sentence punctuation around a word are not part of what is looked for
# ("迁移学习？", "(cache)"), but punctuation inside a term is ("c++", "node.js").
_EDGE_PUNCTUATION = "\"'`“”‘’()[]{}《》（）【】「」,.;:!?，。；：！？、"
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_MARKDOWN_NOISE = re.compile(r"\*\*|__|`+|^#+\s*|^>\s*", re.MULTILINE)


# --- The lookup -------------------------------------------------------------------------------


class ILike(IContains):
    """`field__ilike=term`: icontains as PostgreSQL's own `col ILIKE %s`.

    Django's icontains compiles to `UPPER(col::text) LIKE UPPER(%s)` on PostgreSQL, which a
    pg_trgm index on `col` cannot serve. This emits `col ILIKE %s` there (the term's % and _
    are escaped as for icontains) and falls back to icontains on other databases. Search
    itself no longer needs it (see matching()); title_rank() uses it on the few rows found.
    """

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *rhs_params)


models.CharField.register_lookup(ILike)
models.TextField.register_lookup(ILike)


# --- Search -----------------------------------------------------------------------------------


def search_terms(query: str) -> list[str]:
    """The words of a query, each to be found somewhere; pure punctuation is dropped."""
    terms, seen = [], set()
    for word in query.split():
        term = word.strip(_EDGE_PUNCTUATION)
        if _LETTER_OR_DIGIT.search(term) and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def _contains(term, using):
    """Q for the questions whose search_text contains the term, ignoring case."""
    term = term.casefold()
    if connections[using].vendor == "sqlite" and len(term) >= TRIGRAM:
        # An FTS5 string: doubling its quotes keeps any input a literal, never query syntax.
        phrase = '"{}"'.format(term.replace('"', '""'))
        found = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase])
        return Q(pk__in=found)
    # LIKE '%term%' (Django escapes % and _), which pg_trgm serves for 3+ characters.
    return Q(search_text__contains=term)


def matching(questions, terms):
    """Questions whose title, prompt, answer or key points contain every term."""
    for term in terms:
        questions = questions.filter(_contains(term, questions.db))
    return questions


def title_rank(terms):
    """0 when the title contains every term, else 1: title matches are listed first."""
    return Case(
        When(Q(*[Q(title__ilike=term) for term in terms]), then=Value(0)),
        default=Value(1),
    )


# --- Highlighting -----------------------------------------------------------------------------


def _spans(text, terms):
    """Merged (start, end) ranges of the text where some term occurs, case-insensitively."""
    found = sorted(
        match.span()
        for term in terms
        for match in re.finditer(re.escape(term), text, re.IGNORECASE)
    )
    spans = []
    for start, end in found:
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def highlight(text: str, terms) -> SafeString:
    """The text HTML-escaped, with each occurrence of a term wrapped in <mark>.

    Matches are found in the raw text and every piece is escaped on its own, so neither the
    text nor the terms can inject markup, and a term never matches inside an entity (&amp;).
    """
    text = text or ""
    out, last = [], 0
    for start, end in _spans(text, terms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, terms, context: int = SNIPPET_CONTEXT) -> SafeString | None:
    """A highlighted excerpt around the first match in the text, or None when there is none."""
    plain = " ".join(_MARKDOWN_NOISE.sub("", text or "").split())
    spans = _spans(plain, terms)
    if not spans:
        return None
    start, end = spans[0]
    left, right = max(start - context, 0), min(end + context, len(plain))
    excerpt = highlight(plain[left:right], terms)
    prefix = "… " if left > 0 else ""
    suffix = " …" if right < len(plain) else ""
    return mark_safe(f"{prefix}{excerpt}{suffix}")  # noqa: S308 - highlight() escaped it
