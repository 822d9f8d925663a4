"""The history page with its rows' values computed in the view (history_views._add_row_values)
renders byte for byte what the template's per-row helpers rendered, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest

from questions.study.models import Attempt, AttemptMode, StudyProfile
from tests.factories import make_questions, make_topic
from tests.helpers import normalised_page, with_old_template

pytestmark = pytest.mark.django_db

# The row markup before: (the helper each value came from, what the row reads now).
OLD_ROW_VALUES = [
    ("{{ attempt.get_absolute_url }}", "{{ attempt.url }}"),
    ("{{ attempt.get_rating_display }}", "{{ attempt.rating_label }}"),
    ("{{ attempt.get_mode_display }}", "{{ attempt.mode_label }}"),
    ("{{ attempt.created_at|date:'c' }}", "{{ attempt.created_iso }}"),
    ('{{ attempt.created_at|date:"DATETIME_FORMAT" }}', "{{ attempt.created_label }}"),
    ("{{ attempt.snippet|truncatechars:160 }}", "{{ attempt.short_snippet }}"),
    # The words of every row, translated once.
    (
        "      {% for attempt in page %}",
        '      {% translate "Grade" as grade_word %}{% translate "Coverage" as coverage_word %}'
        "{% for attempt in page %}",
    ),
    ('{% translate "Grade" %}: </span>', "{{ grade_word }}: </span>"),
    ('<span>{% translate "Coverage" %} {% widthratio', "<span>{{ coverage_word }} {% widthratio"),
    # The filters' options, written by the form (HistoryFilterForm.select_fields).
    (
        '{% with chosen=field.data|default_if_none:"" %}'
        "{% for value, label in field.field.choices %}"
        '<option value="{{ value }}"{% if value|stringformat:"s" == chosen %} selected{% endif %}>'
        "{{ label }}</option>{% endfor %}{% endwith %}",
        "{{ options }}",
    ),
]


@pytest.fixture
def history(alice):
    StudyProfile.objects.update_or_create(user=alice, defaults={"time_zone": "America/New_York"})
    questions = make_questions(5, topic=make_topic(name="Systems <design>"))
    start = datetime(2024, 3, 9, 23, 59, 59, 999999, tzinfo=UTC)
    modes = [AttemptMode.REVIEW, AttemptMode.MOCK, AttemptMode.REVIEW, AttemptMode.RANDOM]
    return Attempt.objects.bulk_create(
        Attempt(
            user=alice,
            question=questions[i % 5],
            text=("长答案 & <b>bold</b> " * (i % 30)) + "x" * (i % 7),
            rating=1 + i % 4,
            coverage=i / 40,
            mode=modes[i % len(modes)],
            answer_snapshot="a",
            created_at=start + timedelta(hours=7 * i, seconds=i),
        )
        for i in range(40)
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("query", ["", "?page=2", "?rating=1", "?mode=mock&rating=9"])
def test_it_renders_the_rows_as_the_template_helpers_did(alice_client, history, language, query):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    new = alice_client.get(f"/history/{query}", **headers)
    with with_old_template("history/history.html", OLD_ROW_VALUES):
        old = alice_client.get(f"/history/{query}", **headers)
    assert new.status_code == old.status_code == 200
    assert normalised_page(new) == normalised_page(old)
    assert normalised_page(new).count('<a class="title" href="/history/') > 0
    assert f'<html lang="{language}"' in new.content.decode()


def test_its_htmx_results_match_too(alice_client, history):
    new = alice_client.get("/history/?page=2", HTTP_HX_REQUEST="true")
    assert "<html" not in new.content.decode()
    assert new.content.decode().count("<time datetime=") == 15
