"""Small helpers shared by the app's views."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from questions.bank.models import KeyPoint, Question, Topic
from questions.compiled import CompiledQuery


def published_questions():
    """Published questions with their topic, without search_text (a second copy of the texts
    that only search reads)."""
    return Question.objects.published().select_related("topic").defer("search_text")


# Most views of a question start here: compiled once (questions/compiled.py).
_PUBLISHED_QUESTION = CompiledQuery(lambda pk: published_questions().filter(pk=pk), pk=int)


def get_published_question(pk):
    """The published question `pk` with its topic, or 404 (drafts are invisible to users)."""
    try:
        found = _PUBLISHED_QUESTION.get(pk=int(pk))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404("No Question matches the given query.")
    question = found[Question]
    question.topic = found[Topic]
    return question


_KEY_POINTS = CompiledQuery(
    lambda question: KeyPoint.objects.filter(question=question), many=True, question=int
)


def _keep_key_points(question, points):
    """Keep `points` on the question as prefetch_related("key_points") keeps them: its related
    manager's queryset, already evaluated."""
    for point in points:
        point.question = question
    prefetched = question.key_points.get_queryset()
    prefetched._result_cache, prefetched._prefetch_done = points, True
    cache = getattr(question, "_prefetched_objects_cache", None) or {}
    question._prefetched_objects_cache = {**cache, "key_points": prefetched}


def key_points_of(question):
    """The question's key points in order, kept on it as prefetch_related("key_points") keeps
    them, so that question.key_points.all() and its reference answer read them without a query.
    One compiled query, none when get_published_question_with_key_points() read them."""
    cache = getattr(question, "_prefetched_objects_cache", None)
    if cache is None or "key_points" not in cache:
        _keep_key_points(question, _KEY_POINTS.all(KeyPoint, question=question.pk))
    return list(question.key_points.all())


# Reveal, hint and grade read the question and its key points: one statement, each key
# point's row with its question's and topic's columns.
_PUBLISHED_WITH_POINTS = CompiledQuery(
    lambda pk: (
        KeyPoint.objects.filter(question_id=pk, question__is_published=True)
        .select_related("question__topic")
        .defer("question__search_text")
    ),
    many=True,
    pk=int,
)


def get_published_question_with_key_points(pk):
    """get_published_question(pk) with key_points_of() already read: one query (two for a
    question without key points, or none to be found)."""
    try:
        rows = _PUBLISHED_WITH_POINTS.rows(pk=int(pk))
    except (TypeError, ValueError):
        rows = []
    if not rows:  # none to be found (a 404), or a published question without key points
        question = get_published_question(pk)
        _keep_key_points(question, [])
        return question
    points = []
    for row in rows:
        found = _PUBLISHED_WITH_POINTS.instances(row)
        if not points:
            question = found[Question]
            question.topic = found[Topic]
        points.append(found[KeyPoint])
    _keep_key_points(question, points)
    return question


def bad_request(request, message):
    """A 400 with a message: the alert partial for htmx (swapped into #htmx-alert), else a page."""
    template = "questions/bad_request.html" + ("#alert" if request.htmx else "")
    return render(request, template, {"message": message}, status=400)


def safe_next(request, fallback):
    """Where to go after a form: its `next` (POST, else the query string) when that is a path on
    this site, else `fallback` (a URL or a URL name). Never a bare word: redirect() would take
    it for a URL name, and never another host ("//host", "/\\host", "https://…")."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    is_local_path = (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return target if is_local_path else resolve_url(fallback)


def redirect_to_next(request, fallback):
    """A redirect to safe_next(): to a URL as given, never looked up as a URL name."""
    return HttpResponseRedirect(safe_next(request, fallback))


def pk_url(name):
    """A function of a pk giving reverse(name, args=[pk]): one reverse() per process (and
    script prefix) instead of one per row or link (reverse() is most of a short row's
    rendering)."""
    key = (get_script_prefix(), name)
    if key not in _pk_urls:
        marker = 2147483647
        before, after = reverse(name, args=[marker]).split(str(marker))
        _pk_urls[key] = lambda pk: f"{before}{pk}{after}"
    return _pk_urls[key]


_pk_urls = {}

# The practice screen's actions on its question, by key of `links` in practice.html.
_QUESTION_ACTIONS = {
    "reveal": "questions:reveal",
    "hint": "questions:hint",
    "grade": "questions:grade",
    "skip": "questions:skip",
    "suspend": "questions:suspend",
    "report": "questions:report",
}


def question_links(pk):
    """The URLs of the practice screen's actions on question `pk`."""
    return {key: pk_url(name)(pk) for key, name in _QUESTION_ACTIONS.items()}


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    # Tests that change the URLconf get its URLs, not the ones worked out before.
    if setting == "ROOT_URLCONF":
        _pk_urls.clear()
