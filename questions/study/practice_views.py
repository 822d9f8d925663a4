"""The practice screen: next question → reveal → checklist → grade (its study controls, skip and
suspend, are in control_views.py).

Every action is a form that works without JavaScript (full page, POST then redirect); with htmx
the same views return the `practice-panel` or `answer-panel` partial of practice.html.
"""

import uuid
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import push_url

from questions.bank.importing.records import CJK_RE
from questions.durations import format_interval
from questions.shortcuts import (
    bad_request,
    get_published_question,
    get_published_question_with_key_points,
    key_points_of,
)
from questions.study import grading, recording_views, scheduling
from questions.study.coverage import overall_coverage, score_key_points, suggest_rating
from questions.study.forms import AttemptForm, GradeForm, ReportForm
from questions.study.models import AttemptMode, Rating, profile_for
from questions.study.practice_panel import (
    MORE_NEW_STEP,
    BadToken,
    Queue,
    make_token,
    next_context,
    question_context,
    read_token,
    render_after_change,
    render_panel,
)
from questions.study.recordings import RecordingRejected

# --- Pages -----------------------------------------------------------------------------------


@require_safe
@login_required
@never_cache
def practice(request):
    queue = Queue(request)
    return render_panel(request, next_context(request, queue, timezone.now()))


@require_safe
@login_required
@never_cache
def practice_question(request, pk):
    question = get_published_question(pk)
    queue = Queue(request, mode=AttemptMode.BROWSE)
    card = scheduling.card_of(request.user, question)
    context = question_context(request, queue, question, timezone.now(), card=card)
    return render_panel(request, context)


@require_safe
@login_required
@never_cache
def practice_random(request):
    queue = Queue(request, mode=AttemptMode.RANDOM)
    return render_panel(request, next_context(request, queue, timezone.now()))


@require_POST
@login_required
def more_new(request):
    """Raise today's limit of new questions (tomorrow it is the daily limit again)."""
    now = timezone.now()
    profile_for(request.user).allow_more_new_today(MORE_NEW_STEP, now)
    queue = Queue(request)
    if not request.htmx:
        return redirect(queue.url())
    context = next_context(request, queue, now)
    context["notice"] = ngettext(
        "%(count)d more new question today.", "%(count)d more new questions today.", MORE_NEW_STEP
    ) % {"count": MORE_NEW_STEP}
    return render_after_change(request, context)


def _hints_from(request, key_points):
    try:
        hints = int(request.POST.get("hints", 0))
    except ValueError:
        return 0
    return min(max(hints, 0), len(key_points))


@require_POST
@login_required
def hint(request, pk):
    """Show the label of one more key point before revealing; each hint lowers the grade."""
    question = get_published_question_with_key_points(pk)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        return bad_request(request, _("The practice token is missing. Reload the page."))
    try:
        payload = read_token(form.cleaned_data["token"], request.user, question)
    except BadToken as error:
        return bad_request(request, str(error))
    key_points = key_points_of(question)
    hints = min(_hints_from(request, key_points) + 1, len(key_points))
    queue = Queue(request, mode=payload["m"])
    context = question_context(request, queue, question, timezone.now(), form=form, hints=hints)
    context["hint_labels"] = [point.label or point.detail[:40] for point in key_points[:hints]]
    return render_panel(request, context)


def _language_of(text):
    """The importer's rule for a question's language, applied to an answer."""
    return "zh-hans" if CJK_RE.search(text) else "en"


@require_POST
@login_required
def reveal(request, pk):
    question = get_published_question_with_key_points(pk)
    form = AttemptForm(request.POST)
    token = request.POST.get("token", "")
    if not token:
        return bad_request(request, _("The practice token is missing. Reload the page."))
    try:
        payload = read_token(token, request.user, question)
    except BadToken as error:
        return bad_request(request, str(error))
    queue = Queue(request, mode=payload["m"])
    now = timezone.now()
    # Kept on the question, so that the answer panel's reference answer
    # (question.reference_answer) reads the same key points instead of querying them again.
    key_points = key_points_of(question)
    hints = _hints_from(request, key_points)
    if not form.is_valid():
        context = question_context(request, queue, question, now, form=form, hints=hints)
        return render_panel(request, context)
    try:
        reveal_token = uuid.UUID(payload["n"])
        recording = recording_views.keep_with_reveal(request, question, reveal_token, now)
    except RecordingRejected as error:
        context = question_context(request, queue, question, now, form=form, hints=hints)
        context["recording_error"] = str(error)
        return render_panel(request, context)

    text = form.cleaned_data["text"]
    scores = score_key_points(text, [point.as_scored() for point in key_points])
    coverage = overall_coverage(scores)
    card = scheduling.card_of(request.user, question)
    profile = profile_for(request.user)
    fsrs_card = card.as_fsrs() if card and card.reps else scheduling.new_fsrs_card(question.pk)
    intervals = scheduling.preview_intervals(scheduling.scheduler_for(profile, now), fsrs_card, now)
    suggested = suggest_rating(coverage, hints)
    # An answer in the other language is matched through the glossary only: say so by the ticks.
    other_language = bool(text.strip()) and _language_of(text)[:2] != question.language[:2]
    context = {
        "queue": queue,
        "question": question,
        "mode": payload["m"],
        "form": form,
        "hints": hints,
        "card": card,
        "is_leech": card is not None and card.is_leech(profile.leech_threshold),
        "points": [
            {"point": point, "covered": score.covered}
            for point, score in zip(key_points, scores, strict=True)
        ],
        "coverage": coverage,
        "other_language": other_language,
        "recording": recording,
        "grades": [
            {
                "value": rating.value,
                "label": rating.label,
                "css": rating.name.lower(),
                "interval": format_interval(intervals[rating.value]),
                "suggested": rating.value == suggested,
            }
            for rating in Rating
        ],
    }
    return render_panel(request, context, partial="answer-panel")


@require_POST
@login_required
def grade(request, pk):
    question = get_published_question_with_key_points(pk)
    key_points = key_points_of(question)
    form = GradeForm(request.POST, positions=[point.position for point in key_points])
    if not form.is_valid():
        if "rating" in form.errors:
            return bad_request(request, _("Choose a grade: Again, Hard, Good or Easy (1–4)."))
        if "token" in form.errors:
            return bad_request(request, _("The practice token is missing. Reload the page."))
        return bad_request(request, " ".join(m for errs in form.errors.values() for m in errs))
    try:
        payload = read_token(form.cleaned_data["token"], request.user, question)
    except BadToken as error:
        return bad_request(request, str(error))

    now = timezone.now()
    text = form.cleaned_data["text"]
    scores = score_key_points(text, [point.as_scored() for point in key_points])
    shown_at = datetime.fromtimestamp(payload["t"], tz=UTC)
    try:
        attempt, card = grading.record_grade(
            user=request.user,
            profile=profile_for(request.user),
            question=question,
            key_points=key_points,
            text=text,
            ticked=form.cleaned_data["ticked"],
            coverage=overall_coverage(scores),
            estimated=grading.estimated_positions(key_points, scores),
            rating=form.cleaned_data["rating"],
            hints_used=_hints_from(request, key_points),
            mode=payload["m"],
            token=uuid.UUID(payload["n"]),
            time_spent=max(now - shown_at, timedelta(0)),
            now=now,
        )
    except grading.AlreadyGraded:
        return bad_request(request, _("This answer has already been graded."))

    queue = Queue(request, mode=payload["m"])
    if payload["m"] == AttemptMode.BROWSE:
        queue.mode = AttemptMode.REVIEW
    if not request.htmx:
        messages.success(request, _graded_message(attempt, card))
        request.session["undo"] = _undo_token(attempt)
        return redirect(queue.url())
    context = next_context(request, queue, now)
    context["graded"] = {
        "attempt": attempt,
        "when": _comes_back_in(attempt, card),
        "undo": _undo_token(attempt),
    }
    response = render_after_change(request, context)
    push_url(response, queue.url())
    return response


def _comes_back_in(attempt, card):
    # From the moment of the grade, as the button's preview counted from the reveal: both
    # are the interval FSRS gave, so the confirmation says what the button said.
    return format_interval(card.due - attempt.created_at)


def _graded_message(attempt, card):
    return _("Graded “%(title)s” %(rating)s. It comes back in %(when)s.") % {
        "title": attempt.question.title,
        "rating": attempt.get_rating_display(),
        "when": _comes_back_in(attempt, card),
    }


UNDO_SALT = "questions.undo"


def _undo_token(attempt):
    return signing.dumps(attempt.pk, salt=UNDO_SALT)


@require_POST
@login_required
def undo(request):
    """Take back the latest grade: the attempt goes, the card is rebuilt from the rest, and the
    question comes back with the answer that was written.

    The signed attempt id comes from the grade's response; it works while that attempt is the
    user's latest, and once, since undoing deletes the attempt.
    """
    try:
        attempt_id = signing.loads(request.POST.get("undo", ""), salt=UNDO_SALT)
    except signing.BadSignature:
        return bad_request(request, _("There is nothing to undo."))
    now = timezone.now()
    try:
        attempt = grading.undo_grade(request.user, profile_for(request.user), attempt_id, now)
    except grading.NothingToUndo:
        message = _("There is nothing to undo: only your latest grade can be undone, once.")
        return bad_request(request, message)
    queue = Queue(request, mode=attempt.mode)
    form = AttemptForm(
        initial={
            "token": make_token(request.user, attempt.question, attempt.mode, now),
            "text": attempt.text,
        }
    )
    context = question_context(request, queue, attempt.question, now, form=form)
    context["undone"] = True
    # Without JavaScript too the page is rendered here, not redirected: it carries the answer.
    if request.htmx:
        return render_after_change(request, context)
    return render_panel(request, context)


@require_POST
@login_required
def report(request, pk):
    """Report a problem with a question to the editors; the reporter sees its status later."""
    question = get_published_question(pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        return bad_request(request, _("The report was not sent: %(errors)s") % {"errors": errors})
    form.instance.user = request.user
    form.instance.question = question
    form.save()
    notice = _("Thank you. The editors will look at “%(title)s”.") % {"title": question.title}
    if request.htmx:
        return render(request, "questions/_report.html#report-sent", {"notice": notice})
    messages.success(request, notice)
    return redirect(question)
