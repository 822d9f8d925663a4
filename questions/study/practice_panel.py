"""The practice panel behind every practice view: the signed token of each question shown, the
queue it came from, and the context and partials the views render (practice_views.py,
control_views.py)."""

import random
import uuid
from datetime import timedelta

from django.core import signing
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from questions.bank.models import Question, Topic
from questions.durations import format_interval
from questions.shortcuts import question_links
from questions.study import notes, scheduling
from questions.study.forms import AttemptForm
from questions.study.models import AttemptMode, profile_for
from questions.validation import slug_or_404

# A practice screen left open longer than this must be reloaded before it can be graded.
TOKEN_MAX_AGE = timedelta(days=2)
TOKEN_SALT = "questions.practice"
# The drill queues: /practice/?starred=1 and /practice/?focus=missed|interview|ahead.
FOCUS_QUEUES = ("starred", "missed", "interview", "ahead")
# "More new questions today" raises today's limit by this much each time.
MORE_NEW_STEP = 5


# --- Tokens: one per question shown, signed, used once -----------------------------------------


def make_token(user, question, mode, now):
    """Who, which question, in which mode, since when, and a unique id for this showing."""
    payload = {
        "u": user.pk,
        "q": question.pk,
        "m": mode,
        "t": now.timestamp(),
        "n": uuid.uuid4().hex,
    }
    return signing.dumps(payload, salt=TOKEN_SALT)


class BadToken(Exception):
    pass


def read_token(value, user, question):
    try:
        payload = signing.loads(value, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadToken(_("This practice screen has expired. Reload the page.")) from error
    except signing.BadSignature as error:
        raise BadToken(_("The practice token is invalid. Reload the page.")) from error
    if payload.get("u") != user.pk or payload.get("q") != question.pk:
        raise BadToken(_("The practice token does not belong to this question."))
    if payload.get("m") not in AttemptMode.values:
        raise BadToken(_("The practice token is invalid. Reload the page."))
    return payload


# --- Queues --------------------------------------------------------------------------------------


class Queue:
    """Which questions this practice session draws from: topic, mode and drill focus."""

    def __init__(self, request, mode=AttemptMode.REVIEW):
        data = request.POST if request.method == "POST" else request.GET
        slug = data.get("topic")
        self.topic = get_object_or_404(Topic, slug=slug_or_404(slug)) if slug else None
        self.mode = mode
        focus = "starred" if data.get("starred") == "1" else data.get("focus", "")
        self.focus = focus if focus in FOCUS_QUEUES else ""
        # The day's counts, once the queue has needed them (the page header reuses them).
        self.progress = None

    def url(self):
        if self.mode == AttemptMode.RANDOM:
            base, params = reverse("questions:practice_random"), {}
        else:
            base, params = reverse("questions:practice"), {}
            if self.focus == "starred":
                params["starred"] = "1"
            elif self.focus:
                params["focus"] = self.focus
        if self.topic:
            params["topic"] = self.topic.slug
        return f"{base}?{urlencode(params)}" if params else base

    def hidden_fields(self):
        fields = {"topic": self.topic.slug if self.topic else "", "focus": self.focus}
        return {name: value for name, value in fields.items() if value}

    def next_question(self, user, profile, now):
        """(question, card) to show next; (None, None) when this queue is empty for now."""
        if self.mode == AttemptMode.RANDOM:
            return _random_question(self.topic), None
        if self.focus:
            ids = self._focus_ids(user, profile, now)
            question = scheduling.next_focus_question(user, profile, now, ids, self.topic)
            return question, None
        self.progress = scheduling.day_progress(user, profile, now)
        return scheduling.next_question(user, self.progress, now, self.topic)

    def _focus_ids(self, user, profile, now):
        if self.focus == "starred":
            return notes.starred_questions(user).values_list("pk", flat=True)
        if self.focus == "missed":
            from questions.progress.missed import questions_with_missed_points

            return questions_with_missed_points(user, limit=200)
        if self.focus == "ahead":
            return scheduling.review_ahead_queue(user, now, self.topic)
        scheduler = scheduling.scheduler_for(profile, now)
        return scheduling.interview_queue(user, scheduler, now, self.topic)


def _random_question(topic):
    questions = Question.objects.published().in_topic(topic)
    count = questions.count()
    if count == 0:
        return None
    return questions.select_related("topic").order_by("id")[random.randrange(count)]


# --- Rendering -------------------------------------------------------------------------------


def question_context(request, queue, question, now, *, card=None, form=None, hints=0):
    profile = profile_for(request.user)
    mode = queue.mode
    return {
        "queue": queue,
        "question": question,
        "mode": mode,
        "mode_label": AttemptMode(mode).label,
        "card": card,
        "is_leech": card is not None and card.is_leech(profile.leech_threshold),
        "hints": hints,
        "form": form
        or AttemptForm(initial={"token": make_token(request.user, question, mode, now)}),
    }


def _empty_context(request, queue, now):
    next_due = scheduling.next_review_time(request.user, now, queue.topic)
    context = {
        "queue": queue,
        "question": None,
        "next_due": next_due,
        "next_due_in": format_interval(next_due - now) if next_due else "",
    }
    # Say why the regular queue is empty when a daily limit, not the bank, emptied it.
    progress, profile = queue.progress, profile_for(request.user)
    if progress is None:
        return context
    if not progress.reviews_left and progress.due_left:
        context["review_limit"] = profile.reviews_per_day
    if not progress.new_left and scheduling.next_new_question(request.user, now, queue.topic):
        tomorrow = profile.start_of_next_day(now)
        context["new_limit"] = {
            "limit": profile.new_limit(now),
            "in": format_interval(tomorrow - now),
            "step": MORE_NEW_STEP,
        }
    return context


def next_context(request, queue, now):
    profile = profile_for(request.user)
    question, card = queue.next_question(request.user, profile, now)
    if question is None:
        context = _empty_context(request, queue, now)
    else:
        context = question_context(request, queue, question, now, card=card)
    # Without JavaScript, the grade, skip or suspend redirected here: offer its undo once.
    if not request.htmx and "undo" in request.session:
        context["undo"] = request.session.pop("undo")
    if not request.htmx and "undo_control" in request.session:
        context["undo_control"] = request.session.pop("undo_control")
    return context


def _add_progress(request, context):
    """The header's counts: those the queue computed when it picked the question, if it did."""
    profile = profile_for(request.user)
    now = timezone.now()
    queue_progress = context["queue"].progress if "queue" in context else None
    context["progress"] = queue_progress or scheduling.day_progress(request.user, profile, now)
    context["interview_days_left"] = scheduling.interview_days_left(profile, now)
    return context


def _add_links(context):
    """The URLs of the actions on the panel's question, from one reverse() per process each."""
    if context.get("question") is not None:
        context["links"] = question_links(context["question"].pk)
    return context


def render_panel(request, context, *, partial="practice-panel"):
    context = _add_links(context)
    if request.htmx:
        return render(request, f"questions/practice.html#{partial}", context)
    return render(request, "questions/practice.html", _add_progress(request, context))


def render_after_change(request, context):
    """The htmx answer to a grade, skip, suspend or undo: the next panel, and the day's
    counts swapped out of band (they changed)."""
    context = _add_links(_add_progress(request, context)) | {"progress_oob": True}
    return render(request, "questions/practice.html#panel-and-progress", context)
