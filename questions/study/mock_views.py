"""Mock interviews (/mock/…), and the star and note on a question (/questions/<id>/star|note/)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from questions.bank.models import Topic
from questions.durations import format_clock
from questions.shortcuts import bad_request
from questions.study import grading, mock, recording_views
from questions.study.coverage import score_key_points
from questions.study.forms import RatingForm
from questions.study.models import ATTEMPT_MAX_LENGTH, MockSession, MockStatus, Rating, profile_for
from questions.study.recordings import Recording, RecordingRejected
from questions.validation import IdModelMultipleChoiceField

SESSIONS_PER_PAGE = 25


# --- Forms ------------------------------------------------------------------------------------


class MockForm(forms.Form):
    topics = IdModelMultipleChoiceField(
        label=gettext_lazy("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to be asked from every topic."),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of questions"),
        min_value=mock.MIN_QUESTIONS,
        max_value=mock.MAX_QUESTIONS,
        initial=mock.DEFAULT_QUESTIONS,
        help_text=format_lazy(
            gettext_lazy("From {min} to {max}."), min=mock.MIN_QUESTIONS, max=mock.MAX_QUESTIONS
        ),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per question"),
        min_value=1,
        max_value=60,
        initial=mock.DEFAULT_MINUTES,
        help_text=gettext_lazy("From 1 to 60. You can answer late; the answer is marked overtime."),
    )


class AnswerForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Your answer"),
        required=False,
        strip=False,
        max_length=ATTEMPT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


# --- Helpers ----------------------------------------------------------------------------------


def _get_mock_for_user(request, pk):
    """The user's session (404 for anyone else's), with `total`, its number of questions."""
    sessions = MockSession.objects.filter(user=request.user).annotate(total=Count("items"))
    return get_object_or_404(sessions, pk=pk)


# --- Mock interviews --------------------------------------------------------------------------


@require_safe
@login_required
def mock_list(request):
    sessions = (
        MockSession.objects.filter(user=request.user)
        .annotate(
            total=Count("items"),
            answered=Count("items", filter=Q(items__answered_at__isnull=False)),
            average_coverage=Avg("items__coverage"),
            average_rating=Avg("items__attempt__rating"),
        )
        .prefetch_related("topics")
        .order_by("-created_at", "-id")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mock/list.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def mock_new(request):
    form = MockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = mock.start_session(
                user=request.user,
                topics=list(data["topics"]),
                count=data["count"],
                seconds_per_question=data["minutes"] * 60,
                now=timezone.now(),
            )
        except mock.NotEnoughQuestions as error:
            form.add_error(
                "count",
                _("%(reason)s Choose fewer questions or more topics.") % {"reason": error},
            )
        else:
            return redirect(session)
    return render(request, "mock/new.html", {"form": form})


def _session_context(session, item, now, form=None):
    return {
        "session": session,
        "item": item,
        "question": item.question,
        "remaining": format_clock(max(item.deadline - now, timedelta(0))),
        "expired": now > item.deadline,
        "deadline_iso": item.deadline.isoformat(timespec="milliseconds"),
        "now_iso": now.isoformat(timespec="milliseconds"),
        "form": form or AnswerForm(initial={"item": item.pk}),
    }


def _report_row(item):
    """A graded item shows the points as the user ticked them, as History does; an ungraded
    one the automatic estimate, pre-ticking its grading form."""
    if item.attempt is not None:
        checklist = [
            {"point": point, "covered": point.ticked} for point in item.attempt.point_results()
        ]
    else:
        points = list(item.question.key_points.all())
        scores = (
            score_key_points(item.text, [point.as_scored() for point in points]) if points else []
        )
        checklist = [
            {"point": point, "covered": score.covered}
            for point, score in zip(points, scores, strict=True)
        ]
    return {
        "item": item,
        "question": item.question,
        "points": checklist,
        "time_taken": format_clock(mock.time_taken(item)),
    }


def _report_context(session):
    items = (
        session.items.select_related("question", "question__topic", "attempt", "recording")
        .prefetch_related("question__key_points")
        .order_by("position")
    )
    return {
        "session": session,
        "rows": [_report_row(item) for item in items],
        "summary": mock.summary(session),
        "grades": list(Rating),
    }


@require_safe
@login_required
@never_cache
def mock_detail(request, pk):
    """The running session's current question, or the report once the session is finished."""
    session = _get_mock_for_user(request, pk)
    now = timezone.now()
    if session.status == MockStatus.ACTIVE:
        item = mock.current_item(session, now)
        if item is not None:
            return render(request, "mock/session.html", _session_context(session, item, now))
        mock.finish_if_done(session, now)
    return render(request, "mock/report.html", _report_context(session))


@require_POST
@login_required
def mock_answer(request, pk):
    session = _get_mock_for_user(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        if "item" in form.errors:
            return bad_request(request, _("The answer form is incomplete. Reload the page."))
        return bad_request(request, " ".join(form.errors["text"]))
    try:
        # Checked before the answer is taken: a refused recording leaves the question open.
        recording = recording_views.checked_upload(request)
    except RecordingRejected as error:
        return bad_request(request, str(error))
    now = timezone.now()
    try:
        answered, following = mock.answer(
            session, form.cleaned_data["item"], form.cleaned_data["text"], now
        )
    except mock.MockError as error:
        return bad_request(request, str(error))
    if recording is not None:
        Recording.keep(
            recording, user=request.user, question=answered.question, now=now, mock_item=answered
        )

    overtime_note = _("That answer came after the time was up: it is kept, marked overtime.")
    if answered.overtime and not (request.htmx and following is not None):
        messages.warning(request, overtime_note)
    if following is None:
        messages.success(request, _("Mock interview finished. Grade your answers below."))
        if request.htmx:
            return HttpResponseClientRedirect(session.get_absolute_url())
        return redirect(session)
    if not request.htmx:
        return redirect(session)
    context = _session_context(session, following, now)
    context["overtime_note"] = overtime_note if answered.overtime else None
    return render(request, "mock/session.html#question-panel", context)


@require_POST
@login_required
def mock_grade(request, pk, item_id):
    session = _get_mock_for_user(request, pk)
    item = get_object_or_404(
        session.items.select_related(
            "question", "question__topic", "attempt", "recording"
        ).prefetch_related("question__key_points"),
        pk=item_id,
    )
    if session.status != MockStatus.FINISHED:
        return bad_request(request, _("Finish the mock interview before grading its answers."))
    if item.attempt_id is not None:
        return bad_request(request, _("This answer has already been graded."))
    form = RatingForm(
        request.POST, positions=[point.position for point in item.question.key_points.all()]
    )
    if not form.is_valid():
        if "rating" in form.errors:
            return bad_request(request, _("Choose a grade: Again, Hard, Good or Easy (1–4)."))
        return bad_request(request, _("Tick only key points of this question."))
    try:
        attempt, _card = mock.grade(
            item,
            user=request.user,
            profile=profile_for(request.user),
            rating=form.cleaned_data["rating"],
            ticked=form.cleaned_data["ticked"],
            now=timezone.now(),
        )
    except grading.AlreadyGraded:
        return bad_request(request, _("This answer has already been graded."))
    recording = getattr(item, "recording", None)  # selected with the item: no query
    if recording is not None:
        recording.attach_to(attempt)

    if not request.htmx:
        messages.success(
            request,
            _("Graded “%(title)s” %(rating)s.")
            % {"title": item.question.title, "rating": attempt.get_rating_display()},
        )
        return redirect(f"{session.get_absolute_url()}#item-{item.position}")
    context = {
        "session": session,
        "row": _report_row(item),
        "summary": mock.summary(session),
        "grades": list(Rating),
        "oob": True,
    }
    response = render(request, "mock/report.html#graded", context)
    trigger_client_event(response, "attemptGraded")
    return response
