"""The practice screen's study controls: skip until tomorrow, suspend, and the undo of either.

Like the rest of the practice screen (practice_views.py), each is a form that works without
JavaScript and returns the practice panel to htmx.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from questions.shortcuts import bad_request, get_published_question
from questions.study.models import ReviewCard, profile_for
from questions.study.practice_panel import (
    Queue,
    next_context,
    question_context,
    render_after_change,
    render_panel,
)


@require_POST
@login_required
def skip(request, pk):
    """Hide the question until tomorrow (the user's midnight); nothing is recorded."""
    question = get_published_question(pk)
    now = timezone.now()
    profile = profile_for(request.user)
    with transaction.atomic():
        card = ReviewCard.for_control(request.user, question, now)
        was = card.skipped_until
        card.skip(profile.start_of_next_day(now))
    queue = Queue(request)
    notice = _("Skipped “%(title)s” until tomorrow.") % {"title": question.title}
    undo = _control_undo(request.user, question, "skip", was.isoformat() if was else None)
    return _after_control(request, queue, notice, now, undo=undo)


@require_POST
@login_required
def suspend(request, pk):
    """Suspend or unsuspend (`suspended=0`) a question: suspended ones are never scheduled."""
    question = get_published_question(pk)
    suspended = request.POST.get("suspended", "1") != "0"
    now = timezone.now()
    with transaction.atomic():
        card = ReviewCard.for_control(request.user, question, now)
        was = card.suspended
        card.set_suspended(suspended)
    if suspended:
        message = _("Suspended “%(title)s”. Unsuspend it from its page or your settings.")
    else:
        message = _("“%(title)s” is back in your reviews.")
    notice = message % {"title": question.title}
    back_to = request.POST.get("next")
    if back_to in ("settings", "question"):
        messages.success(request, notice)
        return redirect("study_settings" if back_to == "settings" else question.get_absolute_url())
    undo = _control_undo(request.user, question, "suspend", was)
    return _after_control(request, Queue(request), notice, now, undo=undo)


def _after_control(request, queue, notice, now, *, undo):
    """After skip or suspend from the practice screen: on to the next question, with the undo."""
    if not request.htmx:
        messages.info(request, notice)
        request.session["undo_control"] = undo
        return redirect(queue.url())
    context = next_context(request, queue, now)
    context["notice"] = notice
    context["undo_control"] = undo
    return render_after_change(request, context)


# Skip and suspend are taken back as a grade is: a signed token from the response says which
# control, on which question, and what the card had before; undoing puts that back.
CONTROL_UNDO_SALT = "questions.undo-control"
CONTROL_UNDO_MAX_AGE = timedelta(days=1)
CONTROLS = ("skip", "suspend")


def _control_undo(user, question, control, was):
    payload = {"u": user.pk, "q": question.pk, "c": control, "w": was}
    return {"control": control, "token": signing.dumps(payload, salt=CONTROL_UNDO_SALT)}


def _read_control_undo(value, user):
    """(question id, control, previous value), or None for a token that is not this user's."""
    try:
        payload = signing.loads(value, salt=CONTROL_UNDO_SALT, max_age=CONTROL_UNDO_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        return None
    if payload.get("c") not in CONTROLS or not isinstance(payload.get("q"), int):
        return None
    return payload["q"], payload["c"], payload.get("w")


@require_POST
@login_required
def undo_control(request):
    """Take back a skip or a suspend: the question is back as it was, to be answered now."""
    undo = _read_control_undo(request.POST.get("undo", ""), request.user)
    if undo is None:
        return bad_request(request, _("There is nothing to undo."))
    question_id, control, was = undo
    question = get_published_question(question_id)
    now = timezone.now()
    with transaction.atomic():
        card = ReviewCard.for_control(request.user, question, now)
        if control == "suspend":
            card.set_suspended(bool(was))
        elif was:
            card.skip(datetime.fromisoformat(was))
        else:
            card.unskip()
    if control == "skip":
        notice = _("Skip undone: “%(title)s” is back.")
    else:
        notice = _("Suspension undone: “%(title)s” is back in your reviews.")
    context = question_context(request, Queue(request), question, now)
    context["notice"] = notice % {"title": question.title}
    # Without JavaScript too the page is rendered here: the queue might show another question.
    if request.htmx:
        return render_after_change(request, context)
    return render_panel(request, context)
