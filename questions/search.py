"""Browsing and searching the bank: filters, search, the user's status per question, highlights.

Search is substring matching (`ILIKE '%term%'`), which works for Chinese without a segmenter.
On PostgreSQL the trigram indexes of migration 0003 serve it for terms of 3+ characters;
shorter terms (many Chinese words are 2 characters) still match, through a scan.
"""

import re

from django import forms
from django.db import models
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import IContains
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from questions.models import CardState, Difficulty, KeyPoint, Question, ReviewCard, Tag, Topic

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# A card in review whose memory lasts three weeks or more counts as mastered.
MASTERED_STABILITY_DAYS = 21
SNIPPET_CONTEXT = 60

# Quotes, brackets and sentence punctuation around a word are not part of what is looked for
# ("迁移学习？", "(cache)"), but punctuation inside a term is ("c++", "node.js").
_EDGE_PUNCTUATION = "\"'`“”‘’()[]{}《》（）【】「」,.;:!?，。；：！？、"
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_MARKDOWN_NOISE = re.compile(r"\*\*|__|`+|^#+\s*|^>\s*", re.MULTILINE)


# --- The lookup -------------------------------------------------------------------------------


class ILike(IContains):
    """`field__ilike=term`: icontains that a pg_trgm GIN index on the raw column can serve.

    Django's own icontains compiles to `UPPER(col::text) LIKE UPPER(%s)` on PostgreSQL, which
    an index on `col` cannot use. This emits `col ILIKE %s` there (the term's % and _ are
    escaped as for icontains) and falls back to icontains on other databases.
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


def _matching_ids(term):
    # A union of two index-friendly halves: an OR across the question's columns and a
    # subquery on key points would force a scan of every question on PostgreSQL.
    in_question = (
        Question.objects.filter(
            Q(title__ilike=term) | Q(prompt__ilike=term) | Q(answer__ilike=term)
        )
        .order_by()
        .values("pk")
    )
    in_key_points = (
        KeyPoint.objects.filter(Q(label__ilike=term) | Q(detail__ilike=term))
        .order_by()
        .values("question_id")
    )
    return in_question.union(in_key_points)


def matching(questions, terms):
    """Questions whose title, prompt, answer or key points contain every term."""
    for term in terms:
        questions = questions.filter(pk__in=_matching_ids(term))
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
