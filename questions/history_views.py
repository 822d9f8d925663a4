"""The user's own data: attempt history, progress dashboard, exports and account deletion."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from questions import ratelimit, stats, svg
from questions.history_forms import DeleteAccountForm, HistoryFilterForm
from questions.models import Attempt, Rating, profile_for
from questions.scheduling import scheduler_for

ATTEMPTS_PER_PAGE = 25
# The history list shows this much of each answer (an answer can be 20,000 characters).
SNIPPET_LENGTH = 160
EXPORT_CHUNK_SIZE = 2000
# Wrong passwords are guessed at most this often per hour on the deletion form.
DELETE_ATTEMPTS_PER_HOUR = 10


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


@require_GET
@login_required
def history(request):
    """The user's attempts, newest first, 25 a page, with the start of each answer.

    Queries: the filter's topic (when one is given), the count, the page, its questions with
    their topics, and the topics for the filter's select (whole page only, not the htmx
    partial).
    """
    profile = profile_for(request.user)
    filters = HistoryFilterForm(request.GET or None)
    applied = {}
    if filters.is_bound:
        filters.is_valid()  # invalid values are reported on the page and left out
        applied = filters.applied()
    attempts = _filter_attempts(
        Attempt.objects.listed(
            request.user,
            leech_threshold=profile.leech_threshold,
            snippet_length=SNIPPET_LENGTH,
        ),
        applied,
        profile.zone,
    )
    page = Paginator(attempts, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "filtered": bool(applied),
        "page": page,
        "zone": profile.time_zone,
    }
    if request.htmx:
        return render(request, "history/history.html#results", context)
    return render(request, "history/history.html", context)


def _get_attempt_for_user(request, pk):
    return get_object_or_404(
        Attempt.objects.select_related("question__topic"), pk=pk, user=request.user
    )


def _format_duration(delta):
    if delta is None:
        return ""
    minutes, seconds = divmod(round(delta.total_seconds()), 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


@require_GET
@login_required
def attempt_detail(request, pk):
    attempt = _get_attempt_for_user(request, pk)
    profile = profile_for(request.user)
    points = stats.checklist(attempt.key_points_snapshot, attempt.ticked)
    context = {
        "attempt": attempt,
        "question": attempt.question,
        "points": points,
        "ticked_count": sum(point.ticked for point in points),
        "answer_changed": attempt.question.answer != attempt.answer_snapshot,
        "time_spent": _format_duration(attempt.time_spent),
        "zone": profile.time_zone,
    }
    return render(request, "history/attempt_detail.html", context)


# --- Progress ---------------------------------------------------------------------------------


@require_GET
@login_required
def progress_stats(request):
    """The dashboard comes from the cache while nothing it shows has changed.

    Queries besides the session and user: the two of the cache key and the leeches; when the
    dashboard is not cached, five more (see _dashboard_context).
    """
    user = request.user
    profile = profile_for(user)
    now = timezone.now()
    key = stats.dashboard_key(user, profile, now, get_language())
    dashboard = cache.get(key)
    if dashboard is None:
        dashboard = render_to_string(
            "stats/_dashboard.html", _dashboard_context(user, profile, now), request
        )
        cache.set(key, dashboard, stats.DASHBOARD_CACHE_SECONDS)
    context = {
        # Only this view writes these keys, with HTML our own template rendered.
        "dashboard": mark_safe(dashboard),  # noqa: S308
        "leeches": stats.leeches(user, profile.leech_threshold),
    }
    return render(request, "stats/stats.html", context)


def _dashboard_context(user, profile, now):
    """Five queries: reviews per day, the cards, topics, attempts per topic, key points missed."""
    zone = profile.zone
    today = now.astimezone(zone).date()
    per_day = stats.reviews_per_day(user, zone)
    heat_days = stats.heatmap(per_day, today)
    cards = list(stats.cards_for(user))
    scored = stats.score_cards(cards, scheduler_for(profile, now), now)
    forecast = stats.forecast(cards, zone, now)
    return {
        "zone": profile.time_zone,
        "streaks": stats.streaks(per_day, today),
        "total_reviews": sum(per_day.values()),
        "year_reviews": sum(day.reviews for day in heat_days),
        "year_active_days": sum(1 for day in heat_days if day.reviews),
        "reviewed_today": per_day.get(today, 0),
        "heat_days": [day for day in reversed(heat_days) if day.reviews],
        "heatmap": svg.heatmap(heat_days),
        "heat_first": heat_days[0].day,
        "topics": stats.topic_progress(user, scored),
        "forecast": forecast,
        "forecast_total": sum(count for _day, count in forecast),
        "due_today": forecast[0][1],
        "forecast_chart": svg.bar_chart(forecast),
        "weakest": stats.weakest(scored),
        "missed": stats.most_missed_points(user),
        "mastery_percent": round(stats.MASTERY_RETRIEVABILITY * 100),
    }


# --- Export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "id",
    "answered_at",
    "question_key",
    "question_title",
    "topic",
    "mode",
    "rating",
    "grade",
    "coverage",
    "ticked",
    "missed",
    "hints_used",
    "time_spent_seconds",
    "answer",
]


def _export_rows(user):
    """Every attempt, oldest first, as plain dicts: one query read in chunks (a server-side
    cursor on PostgreSQL), so memory stays flat whatever the history's size."""
    rows = (
        Attempt.objects.for_user(user)
        .order_by("created_at", "id")
        .values(
            "id",
            "created_at",
            "question__external_key",
            "question__title",
            "question__topic__name",
            "mode",
            "rating",
            "coverage",
            "ticked",
            "key_points_snapshot",
            "hints_used",
            "time_spent",
            "text",
        )
    )
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": row["id"],
            "answered_at": row["created_at"].isoformat(),
            "question_key": row["question__external_key"],
            "question_title": row["question__title"],
            "topic": row["question__topic__name"],
            "mode": row["mode"],
            "rating": row["rating"],
            "grade": Rating(row["rating"]).name.lower(),
            "coverage": row["coverage"],
            "ticked": list(row["ticked"] or []),
            "missed": stats.missed_positions(row["key_points_snapshot"], row["ticked"]),
            "hints_used": row["hints_used"],
            "time_spent_seconds": (
                round(row["time_spent"].total_seconds(), 3) if row["time_spent"] else None
            ),
            "answer": row["text"],
        }


def _export_filename(request, extension):
    today = timezone.now().astimezone(profile_for(request.user).zone).date()
    return f"interview-prep-history-{today.isoformat()}.{extension}"


def _attachment(content, content_type, filename):
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_TEXT_COLUMNS = ("question_key", "question_title", "topic", "answer")


def _spreadsheet_safe(value):
    if value and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_lines(user):
    writer = csv.writer(_Echo())
    # The byte order mark lets spreadsheet programs recognise UTF-8 (Chinese titles and answers).
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for record in _export_rows(user):
        record["ticked"] = " ".join(map(str, record["ticked"]))
        record["missed"] = " ".join(map(str, record["missed"]))
        for column in _TEXT_COLUMNS:
            record[column] = _spreadsheet_safe(record[column])
        yield writer.writerow([record[column] for column in EXPORT_COLUMNS])


@require_GET
@login_required
@never_cache
def export_csv(request):
    """Every attempt as CSV, streamed. Text cells that a spreadsheet would run as a formula get
    a leading apostrophe; the JSON export carries the exact text."""
    filename = _export_filename(request, "csv")
    return _attachment(_csv_lines(request.user), "text/csv; charset=utf-8", filename)


def _json_chunks(user, exported_at, batch_size=200):
    header = {
        "format": "interview-prep-history",
        "version": 1,
        "user": user.get_username(),
        "exported_at": exported_at.isoformat(),
    }
    # The header object without its closing brace, then the attempts array written row by row.
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "attempts": ['
    batch, separator = [], "\n"
    for record in _export_rows(user):
        batch.append(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n"
        if len(batch) >= batch_size:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "\n]}\n"


@require_GET
@login_required
@never_cache
def export_json(request):
    filename = _export_filename(request, "json")
    chunks = _json_chunks(request.user, timezone.now())
    return _attachment(chunks, "application/json; charset=utf-8", filename)


# --- Account ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def account_delete(request):
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if not ratelimit.hit("account-delete", user.pk, DELETE_ATTEMPTS_PER_HOUR, period=3600):
            message = _("Too many tries to delete this account. Try again in an hour.")
            return render(request, "429.html", {"message": message}, status=429)
        if form.is_valid():
            username = user.get_username()
            with transaction.atomic():
                # Cascades to the profile, cards, attempts, notes, plans, mock interviews and
                # reports; the questions themselves belong to the bank and stay.
                user.delete()
            logout(request)
            messages.success(
                request,
                _("The account %(name)s and all its data are deleted. Goodbye!")
                % {"name": username},
            )
            return redirect("questions:home")
    context = {
        "form": form,
        "attempt_count": Attempt.objects.filter(user=user).count(),
    }
    return render(request, "history/account_delete.html", context)
