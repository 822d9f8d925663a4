"""The progress dashboard computed from one read of the review history
(questions/progress/dashboard.py): the same figures and the same markup as the queries and
template loops it replaced, which these tests keep as the reference."""

import random
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Avg, Count
from django.db.models.functions import TruncDate
from django.template import engines
from django.template.loader import get_template
from django.utils import timezone, translation

from questions.progress import dashboard, retention, stats, svg
from questions.progress.stats_views import _dashboard_context
from questions.study.models import Attempt, profile_for
from tests.factories import make_attempt, make_card, make_questions, make_topic

pytestmark = pytest.mark.django_db

ZONES = ("UTC", "Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")
NOW = datetime(2024, 11, 4, 15, 30, 12, 345678, tzinfo=UTC)

# The template loops the dashboard wrote before its days were written in Python.
OLD_CELLS = (
    '{% for cell in heatmap.cells %}<rect class="heat-{{ cell.level }}" x="{{ cell.x }}" '
    'y="{{ cell.y }}" width="{{ heatmap.cell }}" height="{{ heatmap.cell }}" rx="2"><title>'
    '{{ cell.day|date:"DATE_FORMAT" }}: {{ cell.reviews }}</title></rect>{% endfor %}'
)
OLD_ROWS = (
    "{% for day in heat_days %}<tr><td><time datetime=\"{{ day.day|date:'Y-m-d' }}\">"
    '{{ day.day|date:"DATE_FORMAT" }}</time></td><td>{{ day.reviews }}</td></tr>{% endfor %}'
)

# The topic table as the template wrote each row, with a filter or a translation per figure.
OLD_TOPIC_ROWS = """        {% for row in topics %}
          <tr>
            <th scope="row"><a href="{% url 'questions:practice' %}?topic={{ row.topic.slug|urlencode }}">{{ row.topic.name }}</a></th>
            <td data-label="{% translate 'Seen' %}">{% blocktranslate with seen=row.seen total=row.total %}{{ seen }} / {{ total }}{% endblocktranslate %}</td>
            <td data-label="{% translate 'Attempts' %}">{{ row.attempts|floatformat:"g" }}</td>
            <td data-label="{% translate 'Average grade' %}">{% if row.average_rating is not None %}{{ row.average_rating|floatformat:1 }}{% else %}–{% endif %}</td>
            <td data-label="{% translate 'Mastery' %}">{% if row.seen %}{{ row.mastery_percent|floatformat:0 }}%
              <meter min="0" max="{{ row.seen }}" value="{{ row.mastered }}">{{ row.mastered }} / {{ row.seen }}</meter>{% else %}–{% endif %}</td>
          </tr>
        {% endfor %}"""  # noqa: E501


# The forecast's day numbers and table rows as the date filter wrote them.
OLD_BAR_DAY = '{{ bar.day|date:"j" }}'
OLD_FORECAST_ROWS = (
    "{% for day, count in forecast %}<tr><td><time datetime=\"{{ day|date:'Y-m-d' }}\">"
    '{{ day|date:"DATE_FORMAT" }}</time>'
)


def old_dashboard_source():
    """The dashboard's template with the loops it had before they were written in Python."""
    source = get_template("stats/_dashboard.html").template.source
    forecast = get_template("stats/_forecast.html").template.source
    old_forecast = forecast.replace("{{ bar.day_number }}", OLD_BAR_DAY).replace(
        '{% for day, label, count in forecast_rows %}<tr><td><time datetime="{{ day }}">'
        "{{ label }}</time>",
        OLD_FORECAST_ROWS,
    )
    assert "forecast_rows" not in old_forecast and "day_number" not in old_forecast
    source = source.replace('{% include "stats/_forecast.html" %}', old_forecast)
    heatmap = get_template("stats/_heatmap.html").template.source
    old_heatmap = heatmap.replace("{{ heat_cells }}", OLD_CELLS).replace(
        "{{ heat_rows }}", OLD_ROWS
    )
    old = source.replace('{% include "stats/_heatmap.html" %}', old_heatmap)
    new_rows = old[old.index("        {% for row in topic_rows %}") :]
    new_rows = new_rows[: new_rows.index("{% endfor %}") + len("{% endfor %}")]
    old = old.replace(new_rows, OLD_TOPIC_ROWS)
    assert "topic_rows" not in old
    return old


@pytest.fixture
def history(alice):
    """A year and a half of attempts at irregular times (some on the second, most not), on
    questions of two topics, one question unpublished."""
    rng = random.Random(19)
    questions = make_questions(6, topic=make_topic()) + make_questions(4, topic=make_topic())
    questions[-1].is_published = False
    questions[-1].save()
    at = NOW - timedelta(days=540)
    made = []
    while at < NOW - timedelta(minutes=1):
        at += timedelta(seconds=rng.randrange(1, 60 * 60 * 40), microseconds=rng.randrange(10**6))
        made.append(
            Attempt(
                user=alice,
                question=rng.choice(questions),
                rating=rng.choice((1, 2, 3, 3, 3, 4)),
                coverage=0.5,
                ticked=[1],
                answer_snapshot="reference",
                key_points_snapshot=[[1, "Point", "detail"]],
                created_at=at.replace(microsecond=0) if rng.random() < 0.2 else at,
            )
        )
    return Attempt.objects.bulk_create(made)


def old_reviews_per_day(user, zone):
    rows = (
        Attempt.objects.filter(user=user)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(reviews=Count("id"))
        .order_by("day")
    )
    return {row["day"]: row["reviews"] for row in rows}


def old_attempts_per_topic(user):
    rows = (
        Attempt.objects.filter(user=user)
        .values("question__topic")
        .annotate(attempts=Count("id"), average=Avg("rating"))
        .order_by()
    )
    return {row["question__topic"]: (row["attempts"], row["average"]) for row in rows}


def test_it_reads_the_same_review_history_as_the_queryset(alice, history):
    rows = dashboard.review_history(alice)
    assert sorted(rows) == sorted(Attempt.objects.for_user(alice).review_history())
    assert all(created_at.tzinfo is not None for _q, created_at, _r, _m in rows)


@pytest.mark.parametrize("zone", ZONES)
def test_it_counts_reviews_per_day_as_the_grouped_query_did(alice, history, zone):
    zone = zoneinfo.ZoneInfo(zone)
    per_day = stats.reviews_per_day(alice, zone, dashboard.review_history(alice))
    old = old_reviews_per_day(alice, zone)
    assert per_day == old
    assert list(per_day) == list(old)  # in day order


def test_it_counts_attempts_per_topic_as_the_grouped_query_did(alice, history):
    history = dashboard.review_history(alice)
    per_topic = dashboard.attempts_per_topic(dashboard.attempts_per_question(history))
    old = old_attempts_per_topic(alice)
    assert {key: (row["attempts"], row["average"]) for key, row in per_topic.items()} == old


def test_it_counts_attempts_per_topic_with_some_topics_known(
    alice, history, django_assert_num_queries
):
    per_question = dashboard.attempts_per_question(dashboard.review_history(alice))
    topics = {attempt.question_id: attempt.question.topic_id for attempt in history}
    known = dict(list(topics.items())[:3])
    per_topic = dashboard.attempts_per_topic(per_question, known)
    old = old_attempts_per_topic(alice)
    assert {key: (row["attempts"], row["average"]) for key, row in per_topic.items()} == old
    with django_assert_num_queries(0):  # every topic known: nothing to look up
        assert dashboard.attempts_per_topic(per_question, topics) == per_topic


def test_it_counts_true_retention_as_a_pass_over_every_review_did(alice, history):
    rows = dashboard.review_history(alice)
    today_start = profile_for(alice).start_of_day(NOW)
    outcomes = retention.review_state_outcomes(rows)
    for period, (_key, _label, first, last) in zip(
        retention.true_retention(rows, today_start), retention.PERIODS, strict=True
    ):
        start = None if first is None else retention._local_midnight(today_start, first)
        end = retention._local_midnight(today_start, last - 1)
        counted = [r for at, r in outcomes if (start is None or at >= start) and at < end]
        assert (period.passed, period.failed) == (sum(counted), len(counted) - sum(counted))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_it_renders_the_dashboard_as_the_template_loops_did(alice, history, language, zone):
    profile = profile_for(alice)
    profile.time_zone = zone
    profile.save()
    for index, question in enumerate({attempt.question for attempt in history}):
        stability = (3.0, 30.0)[index % 2]  # some mastered, some not
        make_card(alice, question, stability=stability, due=NOW + timedelta(days=index))
    with translation.override(language):
        context = _dashboard_context(alice, profile, NOW)
        new = get_template("stats/_dashboard.html").render(context)
        old = engines["django"].from_string(old_dashboard_source()).render(context)
    assert context["heat_days"]  # the table has rows
    assert len(context["topics"]) == 2 and "<meter" in new
    assert new == old


def test_it_writes_a_cell_for_every_day_of_the_year(alice, history):
    profile = profile_for(alice)
    with translation.override("en"):
        context = _dashboard_context(alice, profile, NOW)
    assert context["heat_cells"].count("<rect ") == stats.HEATMAP_DAYS
    assert isinstance(context["heatmap"], svg.Heatmap)


def test_a_new_attempt_shows_on_the_next_cold_dashboard(alice, alice_client, history):
    page = alice_client.get("/stats/").content.decode()
    make_attempt(alice, history[-1].question, rating=1)
    again = alice_client.get("/stats/").content.decode()
    total = len(history)
    assert f"<dd>{total:,}</dd>" in page or f"<dd>{total}</dd>" in page
    assert f"<dd>{total + 1:,}</dd>" in again or f"<dd>{total + 1}</dd>" in again
    today = timezone.now().date().isoformat()
    assert f'<time datetime="{today}">' in again
