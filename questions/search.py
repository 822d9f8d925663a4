"""Browsing and searching the bank: filters, search, the user's status per question, highlights.

Search is substring matching, which works for Chinese without a segmenter. It looks in one
column, Question.search_text (the casefolded title, prompt, answer and key points), for each
casefolded term. A term of 3+ characters is found through a trigram index (migration 0006):
SQLite's FTS5 table, PostgreSQL's pg_trgm index; a shorter one (many Chinese words have two
characters) still matches, through a scan of that one column.
"""

import re

from django import forms
from django.db import connections, models
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import IContains
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from questions.models import CardState, Difficulty, ReviewCard, Tag, Topic

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# A card in review whose memory lasts three weeks or more counts as mastered.
MASTERED_STABILITY_DAYS = 21
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


# --- The user's status per question -----------------------------------------------------------


class Status(models.TextChoices):
    NEW = "new", _("New")
    LEARNING = "learning", _("Learning")
    DUE = "due", _("Due")
    MASTERED = "mastered", _("Mastered")


def with_status(questions, user, now):
    """Annotate `status` (a Status value) from the user's card: no extra query, one subquery."""
    card_status = (
        ReviewCard.objects.filter(user=user, question=OuterRef("pk"))
        .annotate(
            status=Case(
                When(due__lte=now, then=Value(Status.DUE)),
                When(
                    state=CardState.REVIEW,
                    stability__gte=MASTERED_STABILITY_DAYS,
                    then=Value(Status.MASTERED),
                ),
                default=Value(Status.LEARNING),
            )
        )
        .values("status")[:1]
    )
    return questions.annotate(
        status=Coalesce(Subquery(card_status, output_field=CharField()), Value(Status.NEW))
    )


# --- The form ---------------------------------------------------------------------------------


SORTS = {
    "": ["source", "position", "id"],
    "title": ["title", "id"],
    "difficulty": [
        Case(
            When(difficulty=Difficulty.EASY, then=Value(0)),
            When(difficulty=Difficulty.MEDIUM, then=Value(1)),
            default=Value(2),
        ),
        "source",
        "position",
        "id",
    ],
    "newest": ["-created_at", "-id"],
}


class BrowseForm(forms.Form):
    """The /questions/ toolbar. Its choices come from two queries, topics and tags, made once."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={"invalid_choice": _("There is no such topic; showing all questions.")},
    )
    tag = forms.ChoiceField(
        label=_("Tag"),
        required=False,
        error_messages={"invalid_choice": _("There is no such tag; showing all tags.")},
    )
    difficulty = forms.ChoiceField(
        label=_("Difficulty"),
        required=False,
        choices=[("", _("All difficulties")), *Difficulty.choices],
        error_messages={
            "invalid_choice": _("There is no such difficulty; showing all difficulties.")
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Bank order")),
            ("title", _("Title")),
            ("difficulty", _("Difficulty")),
            ("newest", _("Newest")),
        ],
        error_messages={"invalid_choice": _("There is no such order; showing bank order.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.tags = {tag.name: tag for tag in Tag.objects.all()}
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (slug, topic.name) for slug, topic in self.topics.items()
        ]
        self.fields["tag"].choices = [("", _("All tags"))] + [(name, name) for name in self.tags]
        self.terms = []

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if len(query) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                _("Search for at most %(max)d characters (this is %(length)d)."),
                params={"max": MAX_QUERY_LENGTH, "length": len(query)},
            )
        terms = search_terms(query)
        if query and not terms:
            raise forms.ValidationError(_("Type at least one letter or digit to search."))
        if len(terms) > MAX_TERMS:
            raise forms.ValidationError(
                _("Search for at most %(max)d words at once."), params={"max": MAX_TERMS}
            )
        self.terms = terms
        return query

    def value(self, name):
        """The cleaned value of a field, or empty when it was invalid (the error is shown)."""
        return self.cleaned_data.get(name) or ""

    @property
    def selected_topic(self):
        return self.topics.get(self.value("topic"))

    def filter(self, questions):
        """Apply every valid filter, the search and the order; invalid ones are left out."""
        if topic := self.selected_topic:
            questions = questions.filter(topic=topic)
        if tag := self.tags.get(self.value("tag")):
            questions = questions.filter(tags=tag)
        if difficulty := self.value("difficulty"):
            questions = questions.filter(difficulty=difficulty)
        order = SORTS[self.value("sort")]
        if self.terms:
            questions = matching(questions, self.terms)
            if not self.value("sort"):
                questions = questions.annotate(rank=title_rank(self.terms))
                order = ["rank", *order]
        return questions.order_by(*order)


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


def result_rows(questions, terms):
    """What the list shows for each question: title (highlighted) and, when searching, a snippet."""
    rows = []
    for question in questions:
        row = {"question": question, "title": highlight(question.title, terms), "snippet": None}
        if terms:
            row["snippet"] = snippet(question.prompt, terms) or snippet(question.answer, terms)
        if hasattr(question, "status"):
            row["status"] = Status(question.status)
        rows.append(row)
    return rows
