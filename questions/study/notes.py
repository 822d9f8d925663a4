"""A user's stars and private notes on questions (one QuestionNote row per user and question)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Question
from questions.compiled import CompiledQuery
from questions.shortcuts import pk_url
from questions.study.models import QuestionNote

NOTE_MAX_LENGTH = QuestionNote._meta.get_field("text").max_length


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your note"),
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Private to you. Markdown works."),
    )


# The note panel beside every answer reads it: compiled once (questions/compiled.py).
_NOTE = CompiledQuery(
    lambda user, question: QuestionNote.objects.filter(user=user, question=question),
    user=int,
    question=int,
)


def note_for(user, question) -> QuestionNote | None:
    """The user's note on the question, if any (one query)."""
    found = _NOTE.get(user=user.pk, question=question.pk)
    if found is None:
        return None
    note = found[QuestionNote]
    note.question = question
    return note


def set_star(user, question, starred: bool) -> QuestionNote:
    """Star or unstar. The form sends the state wanted, so a double click changes nothing."""
    note, _created = QuestionNote.objects.update_or_create(
        user=user, question=question, defaults={"starred": starred}
    )
    return note


def save_text(user, question, text: str) -> QuestionNote:
    note, _created = QuestionNote.objects.update_or_create(
        user=user, question=question, defaults={"text": text.strip()}
    )
    return note


def starred_question_ids(user):
    """The ids of the questions the user starred, as a lazy queryset for `pk__in=` (a subquery)."""
    return QuestionNote.objects.filter(user=user, starred=True).values("question_id")


def starred_questions(user):
    """The published questions the user starred, in bank order (for /practice/?starred=1)."""
    return Question.objects.published().filter(pk__in=starred_question_ids(user)).in_bank_order()


# The progress page counts them on every view: compiled once (questions/compiled.py).
_STARRED_PUBLISHED = CompiledQuery(
    lambda user: QuestionNote.objects.filter(
        user=user, starred=True, question__is_published=True
    ).values_list("question_id"),
    many=True,
    user=int,
)


def starred_count(user):
    """starred_questions(user).count(), in one compiled query (a learner stars tens)."""
    return len(_STARRED_PUBLISHED.rows(user=user.pk))


# The panel's forms post to these, by key of `note_links` in _note.html.
_NOTE_ACTIONS = {"star": "questions:star", "note": "questions:note"}


def panel_context(request, question, note=None, form=None, next_url=None, saved=False) -> dict:
    """What templates/questions/_note.html#note-panel needs."""
    if next_url is None:
        # A page reached by POST (the practice answer panel) cannot be reloaded with GET.
        next_url = (
            request.get_full_path() if request.method == "GET" else question.get_absolute_url()
        )
    return {
        "question": question,
        "note_links": {key: pk_url(name)(question.pk) for key, name in _NOTE_ACTIONS.items()},
        "note": note,
        "form": form or NoteForm(initial={"text": note.text if note else ""}),
        "next_url": next_url,
        "request": request,
        "saved": saved,
    }
