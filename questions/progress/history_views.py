"""The user's own data: attempt history, progress dashboard, exports and account deletion."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from questions.durations import format_clock
from questions.progress import history_cache, stats
from questions.progress.forms import HistoryFilterForm
from questions.shortcuts import pk_url
from questions.study.models import Attempt, AttemptMode, Rating, profile_for
from questions.study.recordings import Recording

ATTEMPTS_PER_PAGE = 25
# The history list shows this much of each answer (an answer can be 20,000 characters).
SNIPPET_LENGTH = 160


# --- History ----------------------------------------------------------------------------------


def _filter_attempts(attempts, filters, zone):
    if "q" in filters:
        attempts = attempts.filter(text__icontains=filters["q"])
    if "topic" in filters:
        attempts = attempts.filter(question__topic=filters["topic"])
    if "rating" in filters:
        attempts = attempts.filter(rating=filters["rating"])
    if "mode" in filters:
        attempts = attempts.filter(mode=filters["mode"])
    start, end = stats.history_day_bounds(filters.get("date_from"), filters.get("date_to"), zone)
    if start:
        attempts = attempts.filter(created_at__gte=start)
    if end:
        attempts = attempts.filter(created_at__lt=end)
    return attempts


# The length of each listed attempt's recording: a subquery per row on the unique attempt_id
# index, not one more query for the page.
_recording_duration = Subquery(
    Recording.objects.filter(attempt=OuterRef("pk")).values("duration")[:1]
)


def _add_row_values(page, zone):
    """Each listed attempt's link, labels, times and snippet, computed here once per row.

    In the template each was a helper per row (a reverse(), get_FOO_display, two date
    filters, truncatechars): most of the page's cost. The link comes from one reversed URL,
    the labels from a dict made once per request; the values are those the helpers gave
    (the times in the user's zone, as the template's {% timezone %} block showed them).
    """
    link = pk_url("questions:attempt")
    ratings = {value: str(label) for value, label in Rating.choices}
    modes = {value: str(label) for value, label in AttemptMode.choices}
    for attempt in page:
        created = timezone.localtime(attempt.created_at, zone)
        attempt.url = link(attempt.pk)
        attempt.rating_label = ratings[attempt.rating]
        attempt.mode_label = modes[attempt.mode]
        attempt.created_iso = created.isoformat()
        attempt.created_label = date_format(created, "DATETIME_FORMAT")
        attempt.short_snippet = Truncator(attempt.snippet).chars(SNIPPET_LENGTH)


@require_safe
@login_required
def history(request):
    """The user's attempts, newest first, 25 a page, with the start of each answer.

    The results of the usual filters, and the filter bar above them, come from the cache
    while nothing they show has changed (history_cache.py: one query for the key; the
    filter's topic is looked up when one is given). Rendered afresh: the count, the page, its
    questions with their topics and, for the whole page (not the htmx partial), the filter
    bar with the topics for its select.
    """
    profile = profile_for(request.user)
    # Without parameters the form is made only to render the page afresh: a form copies its
    # fields when made, which was a tenth of a cached page's time.
    filters = HistoryFilterForm(request.GET) if request.GET else None
    applied = {}
    if filters is not None:
        filters.is_valid()  # invalid values are reported on the page and left out
        applied = filters.applied()
    context = {"filters": filters, "filtered": bool(applied), "zone": profile.time_zone}
    key, parts = None, None
    if history_cache.cacheable(request, filters):
        key = history_cache.results_key(request, profile, get_language())
        parts = cache.get(key)
    if parts is None:
        context["filters"] = filters or HistoryFilterForm()
        results_context = {**context, "page": _page(request, profile, applied)}
        results = render_to_string("history/history.html#results", results_context, request)
        parts = {"results": results}
        if not request.htmx:  # the partial leaves the filter bar as it is
            parts["filter_bar"] = render_to_string("history/history.html#filters", context)
        if key is not None:
            cache.set(key, parts, history_cache.CACHE_SECONDS)
    if request.htmx:
        return HttpResponse(parts["results"])
    # Only this view writes these keys, with HTML the template's own partials rendered.
    context |= {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308
    return render(request, "history/history.html", context)


def _page(request, profile, applied):
    """The requested page of the user's attempts under the applied filters, each row's values
    computed (two queries: the count and the page; three with the questions and topics)."""
    attempts = _filter_attempts(
        Attempt.objects.listed(
            request.user,
            leech_threshold=profile.leech_threshold,
            snippet_length=SNIPPET_LENGTH,
        ).annotate(recording_duration=_recording_duration),
        applied,
        profile.zone,
    )
    page = Paginator(attempts, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    _add_row_values(page, profile.zone)
    return page


def _get_attempt_for_user(request, pk):
    return get_object_or_404(
        Attempt.objects.select_related("question__topic", "recording"), pk=pk, user=request.user
    )


@require_safe
@login_required
def attempt_detail(request, pk):
    attempt = _get_attempt_for_user(request, pk)
    profile = profile_for(request.user)
    points = attempt.point_results()
    context = {
        "attempt": attempt,
        "question": attempt.question,
        "points": points,
        "ticked_count": sum(point.ticked for point in points),
        "answer_changed": attempt.question.reference_answer() != attempt.answer_snapshot,
        "time_spent": format_clock(attempt.time_spent),
        "recording": getattr(attempt, "recording", None),
        "zone": profile.time_zone,
    }
    return render(request, "history/attempt_detail.html", context)
