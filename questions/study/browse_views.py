import logging

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from questions.bank.models import Question, QuestionReport, Topic
from questions.shortcuts import get_published_question
from questions.study import browse, scheduling
from questions.study.models import Attempt, profile_for

logger = logging.getLogger(__name__)

QUESTIONS_PER_PAGE = 25


# --- The bank ---------------------------------------------------------------------------------


@require_safe
def home(request):
    topics = Topic.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_published=True))
    )
    context = {"topics": topics}
    if request.user.is_authenticated:
        profile = profile_for(request.user)
        context["progress"] = scheduling.day_progress(request.user, profile, timezone.now())
    return render(request, "questions/home.html", context)


@require_safe
def question_list(request):
    """The bank with filters, sorting and search (?q=), and the user's status per question."""
    form = browse.BrowseForm(request.GET, user=request.user)
    form.is_valid()  # Invalid filters are reported and left out; the valid ones still apply.
    page, rows = None, []
    if "q" not in form.errors:
        questions = form.filter(Question.objects.published().select_related("topic"))
        page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
        rows = browse.result_rows(page, form.terms)
        if request.user.is_authenticated:
            browse.add_status(rows, request.user, timezone.now())
    context = {"filters": form, "topic": form.selected_topic, "page": page, "rows": rows}
    return render(request, "questions/question_list.html", context)


@require_safe
def question_detail(request, pk):
    question = get_published_question(pk)
    context = {"question": question, "revealed": False}
    if request.user.is_authenticated:
        context["attempts"] = Attempt.objects.filter(
            user=request.user, question=question
        ).newest_first()[:20]
        context["card"] = scheduling.card_of(request.user, question)
        context["reports"] = QuestionReport.objects.filter(user=request.user, question=question)
        card, profile = context["card"], profile_for(request.user)
        context["is_leech"] = card is not None and card.is_leech(profile.leech_threshold)
    return render(request, "questions/question_detail.html", context)


@require_safe
def question_answer(request, pk):
    """The reference answer of one question: a partial for htmx, else the page with it shown."""
    question = get_published_question(pk)
    context = {"question": question, "revealed": True, "key_points": question.key_points.all()}
    if request.htmx:
        return render(request, "questions/question_detail.html#answer-panel", context)
    return render(request, "questions/question_detail.html", context)
