from collections import defaultdict

from django import forms
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Difficulty, KeyPoint, Tag, Topic
from questions.bank.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    highlight,
    matching,
    search_terms,
    snippet,
    title_rank,
)
from questions.rendering import select_options
from questions.shortcuts import pk_url
from questions.study.models import ReviewCard
from questions.study.notes import starred_question_ids

# --- The user's status per question -----------------------------------------------------------


class Status(models.TextChoices):
    NEW = "new", _("New")
    LEARNING = "learning", _("Learning")
    DUE = "due", _("Due")
    MASTERED = "mastered", _("Mastered")
    SUSPENDED = "suspended", _("Suspended")


def status_of(card, now):
    """The Status of a question to the user whose card this is (None: no card)."""
    if card is None:
        return Status.NEW
    if card.suspended:
        return Status.SUSPENDED
    if card.reps == 0:  # a card that only carries a skip: the question is still new
        return Status.NEW
    if card.is_due(now):
        return Status.DUE
    if card.is_mastered(now):
        return Status.MASTERED
    return Status.LEARNING


# What status_of() reads of a card.
STATUS_FIELDS = ["question_id", "suspended", "reps", "due", "skipped_until", "state", "stability"]


def add_status(rows, user, now):
    """Set each row's `status` from the user's cards of its question: one query for the page,
    rather than a subquery per row that Django takes longer to build than to run."""
    ids = [row["question"].pk for row in rows]
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.filter(user=user, question_id__in=ids).only(*STATUS_FIELDS)
    }
    for row in rows:
        row["status"] = status_of(cards.get(row["question"].pk), now)


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

    starred = forms.ChoiceField(
        label=_("Stars"),
        required=False,
        choices=[("", _("All questions")), ("1", _("Starred by me"))],
        error_messages={"invalid_choice": _("There is no such choice; showing all questions.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Stars are a user's own: a visitor has none to filter by.
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is None:
            del self.fields["starred"]
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.tags = {tag.name: tag for tag in Tag.objects.all()}
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (slug, topic.name) for slug, topic in self.topics.items()
        ]
        self.fields["tag"].choices = [("", _("All tags"))] + [(name, name) for name in self.tags]
        self.terms = []

    @property
    def select_fields(self):
        """(bound field, its <option> elements) of each select (rendering.select_options)."""
        return [(field, select_options(field)) for field in self if field.name != "q"]

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
        if self.user is not None and self.value("starred"):
            questions = questions.filter(pk__in=starred_question_ids(self.user))
        order = SORTS[self.value("sort")]
        if self.terms:
            questions = matching(questions, self.terms)
            if not self.value("sort"):
                questions = questions.annotate(rank=title_rank(self.terms))
                order = ["rank", *order]
        return questions.order_by(*order)


def result_rows(questions, terms):
    """What the list shows for each question: title (highlighted) and, when searching, a
    snippet; its link from one reversed URL and its difficulty's label from a dict made once,
    rather than a reverse() and a get_difficulty_display() per row in the template."""
    link = pk_url("questions:detail")
    difficulties = {value: str(label) for value, label in Difficulty.choices}
    rows = [
        {
            "question": question,
            "title": highlight(question.title, terms),
            "snippet": snippet(question.prompt, terms) if terms else None,
            "url": link(question.pk),
            "difficulty_label": difficulties.get(question.difficulty, question.difficulty),
        }
        for question in questions
    ]
    # The answer's snippet where the prompt has none: the key points of those questions only,
    # as (label, detail) pairs, which is all that the reference answer reads of them.
    missing = {row["question"].pk: row for row in rows if terms and row["snippet"] is None}
    points = defaultdict(list)
    if missing:
        pairs = KeyPoint.objects.filter(question__in=missing).values_list(
            "question_id", "label", "detail"
        )
        for question_id, label, detail in pairs.order_by("question_id", "position"):
            points[question_id].append((label, detail))
    for pk, row in missing.items():
        row["snippet"] = snippet(row["question"].reference_answer_of(points[pk]), terms)
    return rows
