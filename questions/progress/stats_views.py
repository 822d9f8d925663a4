from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from questions.bank import facts
from questions.progress import dashboard, digest, missed, retention, stats, svg
from questions.progress.state import user_state
from questions.study import notes
from questions.study.models import MASTERED_STABILITY_DAYS, profile_for
from questions.study.scheduling import scheduler_for

# --- Progress ---------------------------------------------------------------------------------


@require_safe
@login_required
def progress_stats(request):
    """The dashboard comes from the cache while nothing it shows has changed.

    Query besides the session and user: the user's state (progress/state.py: the user's and
    the bank's change counters). When the dashboard is not cached, seven or more (see
    _dashboard_context), with the leeches and the starred count, which are kept with it (a
    card's failures or suspension, a star, the threshold and the bank are all in its key; the
    leeches' Suspend forms, with their CSRF tokens, are rendered on every view).
    """
    user = request.user
    profile = profile_for(user)
    now = timezone.now()
    state = user_state(user)
    key = stats.dashboard_key(user, profile, now, get_language(), state)
    kept = cache.get(key)
    if kept is None:
        bank = facts.bank_facts(state.bank)
        context = _dashboard_context(user, profile, now, bank)
        kept = {
            "dashboard": render_to_string("stats/_dashboard.html", context, request),
            "leeches": stats.leeches(user, profile.leech_threshold),
            "starred_count": notes.starred_count(user),
        }
        cache.set(key, kept, stats.DASHBOARD_CACHE_SECONDS)
    # Only this view writes these keys, with HTML our own template rendered.
    context = kept | {"dashboard": mark_safe(kept["dashboard"])}  # noqa: S308
    return render(request, "stats/stats.html", context)


def _dashboard_context(user, profile, now, bank=None):
    """The history digest (two queries after a grade; see questions/progress/digest.py), then
    three: the cards, the topics and the labels of the
    most missed key points. The questions' titles and topics are the bank's facts
    (questions/bank/facts.py), read when not given."""
    zone = profile.zone
    today = now.astimezone(zone).date()
    history = digest.history_digest(user, profile.parameters, zone)
    per_day = history.reviews_per_day()
    heat_days = stats.heatmap(per_day, today)
    heatmap = svg.heatmap(heat_days)
    listed_days = [day for day in reversed(heat_days) if day.reviews]
    labels = dashboard.day_labels(day.day for day in heat_days)
    bank = bank or facts.bank_facts()
    cards = stats.cards_for(user, bank)
    scored = stats.score_cards(cards, scheduler_for(profile, now), now)
    forecast = stats.forecast(cards, zone, now)
    forecast_labels = dashboard.day_labels(day for day, _count in forecast)
    topics = stats.topic_progress(user, scored, history.attempts_per_question(), bank)
    return {
        "zone": profile.time_zone,
        "streaks": stats.streaks(per_day, today),
        "total_reviews": sum(per_day.values()),
        "year_reviews": sum(day.reviews for day in heat_days),
        "year_active_days": sum(1 for day in heat_days if day.reviews),
        "reviewed_today": per_day.get(today, 0),
        "heat_days": listed_days,
        "heat_rows": dashboard.heat_table_rows(listed_days, labels),
        "heatmap": heatmap,
        "heat_cells": dashboard.heatmap_cells(heatmap, labels),
        "heat_first": heat_days[0].day,
        "topics": topics,
        "topic_rows": dashboard.topic_rows(topics),
        "forecast": forecast,
        # As the date filter wrote them per row: 'Y-m-d' and the language's DATE_FORMAT.
        "forecast_rows": [
            (day.isoformat(), forecast_labels[day], count) for day, count in forecast
        ],
        "forecast_total": sum(count for _day, count in forecast),
        "due_today": forecast[0][1],
        "forecast_chart": svg.bar_chart(forecast),
        "weakest": stats.weakest(scored),
        "missed": missed.most_missed_points(user, bank=bank, counts=history.points),
        "mastered_days": MASTERED_STABILITY_DAYS,
        **retention.figures(profile, now, history),
    }
