import random
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, trigger_client_event

from questions import scheduling
from questions.coverage import overall_coverage, score_key_points, suggest_rating
from questions.forms import AttemptForm, GradeForm, TopicFilterForm
from questions.models import Attempt, AttemptMode, Question, Rating, ReviewCard, Topic, profile_for

QUESTIONS_PER_PAGE = 25
# A practice screen left open longer than this must be reloaded before it can be graded.
TOKEN_MAX_AGE = timedelta(days=2)
TOKEN_SALT = "questions.practice"


# --- The bank ---------------------------------------------------------------------------------


@require_GET
def home(request):
    topics = Topic.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_published=True))
    )
    context = {"topics": topics}
    if request.user.is_authenticated:
        profile = profile_for(request.user)
        context["progress"] = scheduling.day_progress(request.user, profile, timezone.now())
    return render(request, "questions/home.html", context)


@require_GET
def question_list(request):
    filters = TopicFilterForm(request.GET or None)
    questions = Question.objects.published().select_related("topic").in_bank_order()
    topic = None
    if filters.is_valid():
        topic = filters.cleaned_data["topic"]
        questions = questions.in_topic(topic)
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "topic": topic, "page": page}
    return render(request, "questions/question_list.html", context)


def _get_published_question(pk):
    return get_object_or_404(Question.objects.published().select_related("topic"), pk=pk)


@require_GET
def question_detail(request, pk):
    question = _get_published_question(pk)
    context = {"question": question, "revealed": False}
    if request.user.is_authenticated:
        context["attempts"] = Attempt.objects.filter(
            user=request.user, question=question
        ).newest_first()[:20]
        context["card"] = ReviewCard.objects.filter(user=request.user, question=question).first()
    return render(request, "questions/question_detail.html", context)


@require_GET
def question_answer(request, pk):
    """The reference answer of one question: a partial for htmx, else the page with it shown."""
    question = _get_published_question(pk)
    context = {"question": question, "revealed": True, "key_points": question.key_points.all()}
    if request.htmx:
        return render(request, "questions/question_detail.html#answer-panel", context)
    return render(request, "questions/question_detail.html", context)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Practice ---------------------------------------------------------------------------------


def _make_token(user, question, mode, now):
    """Signed once per question shown: who, what, in which mode, since when, and a unique id."""
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


def _read_token(value, user, question):
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


def _bad_request(request, message):
    template = "questions/bad_request.html" + ("#alert" if request.htmx else "")
    return render(request, template, {"message": message}, status=400)


def _topic_from(request):
    slug = request.GET.get("topic") or request.POST.get("topic")
    return get_object_or_404(Topic, slug=slug) if slug else None


def _queue_url(mode, topic):
    if mode == AttemptMode.RANDOM:
        return reverse("questions:practice_random")
    url = reverse("questions:practice")
    return f"{url}?{urlencode({'topic': topic.slug})}" if topic else url


def _question_context(request, question, mode, topic, now, form=None):
    return {
        "question": question,
        "mode": mode,
        "topic": topic,
        "form": form
        or AttemptForm(initial={"token": _make_token(request.user, question, mode, now)}),
    }


def _render_practice(request, context, *, partial="practice-panel", status=200):
    profile = profile_for(request.user)
    if request.htmx:
        return render(request, f"questions/practice.html#{partial}", context, status=status)
    context["progress"] = scheduling.day_progress(request.user, profile, timezone.now())
    return render(request, "questions/practice.html", context, status=status)


def _next_in_queue(request, mode, topic, now):
    """The practice panel for whatever comes next in this queue (or the empty state)."""
    if mode == AttemptMode.RANDOM:
        question = _random_question(topic)
    else:
        profile = profile_for(request.user)
        progress = scheduling.day_progress(request.user, profile, now)
        question, _card = scheduling.next_question(request.user, progress, now, topic)
        mode = AttemptMode.REVIEW
    if question is None:
        return {
            "question": None,
            "mode": mode,
            "topic": topic,
            "next_due": scheduling.next_review_time(request.user, topic),
        }
    return _question_context(request, question, mode, topic, now)


@require_GET
@login_required
@never_cache
def practice(request):
    topic = _topic_from(request)
    context = _next_in_queue(request, AttemptMode.REVIEW, topic, timezone.now())
    return _render_practice(request, context)


@require_GET
@login_required
@never_cache
def practice_question(request, pk):
    question = _get_published_question(pk)
    context = _question_context(request, question, AttemptMode.BROWSE, None, timezone.now())
    return _render_practice(request, context)


def _random_question(topic):
    questions = Question.objects.published().in_topic(topic)
    count = questions.count()
    if count == 0:
        return None
    return questions.select_related("topic").order_by("id")[random.randrange(count)]


@require_GET
@login_required
@never_cache
def practice_random(request):
    topic = _topic_from(request)
    context = _next_in_queue(request, AttemptMode.RANDOM, topic, timezone.now())
    return _render_practice(request, context)


@require_POST
@login_required
def reveal(request, pk):
    question = _get_published_question(pk)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        if "token" in form.errors:
            return _bad_request(request, _("The practice token is missing. Reload the page."))
        payload = {"m": AttemptMode.REVIEW}
        try:
            payload = _read_token(request.POST["token"], request.user, question)
        except BadToken as error:
            return _bad_request(request, str(error))
        context = {
            "question": question,
            "mode": payload["m"],
            "topic": _topic_from(request),
            "form": form,
        }
        return _render_practice(request, context)
    try:
        payload = _read_token(form.cleaned_data["token"], request.user, question)
    except BadToken as error:
        return _bad_request(request, str(error))

    now = timezone.now()
    key_points = list(question.key_points.all())
    text = form.cleaned_data["text"]
    scores = score_key_points(text, [point.as_pair() for point in key_points])
    coverage = overall_coverage(scores)
    card = ReviewCard.objects.filter(user=request.user, question=question).first()
    fsrs_card = card.as_fsrs() if card else scheduling.new_fsrs_card(question.pk)
    scheduler = scheduling.scheduler_for(profile_for(request.user))
    intervals = scheduling.preview_intervals(scheduler, fsrs_card, now)
    suggested = suggest_rating(coverage)
    context = {
        "question": question,
        "mode": payload["m"],
        "topic": _topic_from(request),
        "form": form,
        "points": [
            {"point": point, "score": score.score, "covered": score.covered}
            for point, score in zip(key_points, scores, strict=True)
        ],
        "coverage": coverage,
        "grades": [
            {
                "value": rating.value,
                "label": rating.label,
                "css": rating.name.lower(),
                "interval": scheduling.format_interval(intervals[rating.value]),
                "suggested": rating.value == suggested,
            }
            for rating in Rating
        ],
        "card": card,
    }
    return _render_practice(request, context, partial="answer-panel")


@require_POST
@login_required
def grade(request, pk):
    question = _get_published_question(pk)
    key_points = list(question.key_points.all())
    form = GradeForm(request.POST, positions=[point.position for point in key_points])
    if not form.is_valid():
        if "rating" in form.errors:
            return _bad_request(request, _("Choose a grade: Again, Hard, Good or Easy (1–4)."))
        if "token" in form.errors:
            return _bad_request(request, _("The practice token is missing. Reload the page."))
        return _bad_request(request, " ".join(m for errs in form.errors.values() for m in errs))
    try:
        payload = _read_token(form.cleaned_data["token"], request.user, question)
    except BadToken as error:
        return _bad_request(request, str(error))

    now = timezone.now()
    text = form.cleaned_data["text"]
    coverage = overall_coverage(score_key_points(text, [p.as_pair() for p in key_points]))
    shown_at = datetime.fromtimestamp(payload["t"], tz=UTC)
    try:
        attempt, card = scheduling.record_grade(
            user=request.user,
            profile=profile_for(request.user),
            question=question,
            key_points=key_points,
            text=text,
            ticked=form.cleaned_data["ticked"],
            coverage=coverage,
            rating=form.cleaned_data["rating"],
            mode=payload["m"],
            token=uuid.UUID(payload["n"]),
            time_spent=max(now - shown_at, timedelta(0)),
            now=now,
        )
    except scheduling.AlreadyGraded:
        return _bad_request(request, _("This answer has already been graded."))

    topic = _topic_from(request)
    mode = payload["m"]
    if not request.htmx:
        messages.success(
            request,
            _("Graded “%(title)s” %(rating)s. It comes back %(when)s.")
            % {
                "title": question.title,
                "rating": attempt.get_rating_display(),
                "when": timezone.localtime(card.due, profile_for(request.user).zone).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            },
        )
        return redirect(_queue_url(mode, topic))
    context = _next_in_queue(request, mode, topic, now)
    context["graded"] = {"attempt": attempt, "card": card}
    response = render(request, "questions/practice.html#practice-panel", context)
    push_url(response, _queue_url(mode, topic))
    trigger_client_event(response, "attemptGraded")
    return response


@require_GET
@login_required
@never_cache
def progress(request):
    profile = profile_for(request.user)
    context = {"progress": scheduling.day_progress(request.user, profile, timezone.now())}
    return render(request, "questions/practice.html#day-progress", context)
