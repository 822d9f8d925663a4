"""The history page with its rows' values computed in the view (history_views._add_row_values)
renders byte for byte what the template's per-row helpers rendered, in both languages."""

import copy
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import override_settings

from questions.study.models import Attempt, AttemptMode, StudyProfile
from tests.factories import make_questions, make_topic

pytestmark = pytest.mark.django_db

# The row markup before: (the helper each value came from, what the row reads now).
OLD_ROW_VALUES = [
    ("{{ attempt.get_absolute_url }}", "{{ attempt.url }}"),
    ("{{ attempt.get_rating_display }}", "{{ attempt.rating_label }}"),
    ("{{ attempt.get_mode_display }}", "{{ attempt.mode_label }}"),
    ("{{ attempt.created_at|date:'c' }}", "{{ attempt.created_iso }}"),
    ('{{ attempt.created_at|date:"DATETIME_FORMAT" }}', "{{ attempt.created_label }}"),
    ("{{ attempt.snippet|truncatechars:160 }}", "{{ attempt.short_snippet }}"),
]


def old_history_template():
    source = get_template("history/history.html").template.source
    for old, new in OLD_ROW_VALUES:
        assert new in source
        source = source.replace(new, old)
    return source


def with_old_template():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"history/history.html": old_history_template()}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    return override_settings(TEMPLATES=templates)


def normalised(response):
    """The page without what differs between two requests: CSRF tokens and nonces."""
    text = response.content.decode()
    text = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", text)
    text = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1-", text)
    return re.sub(r'nonce="[^"]+"', 'nonce="-"', text)


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
@pytest.mark.parametrize("query", ["", "?page=2", "?rating=1"])
def test_it_renders_the_rows_as_the_template_helpers_did(alice_client, history, language, query):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    new = alice_client.get(f"/history/{query}", **headers)
    with with_old_template():
        old = alice_client.get(f"/history/{query}", **headers)
    assert new.status_code == old.status_code == 200
    assert normalised(new) == normalised(old)
    assert normalised(new).count('<a class="title" href="/history/') > 0
    assert f'<html lang="{language}"' in new.content.decode()


def test_its_htmx_results_match_too(alice_client, history):
    new = alice_client.get("/history/?page=2", HTTP_HX_REQUEST="true")
    assert "<html" not in new.content.decode()
    assert new.content.decode().count("<time datetime=") == 15
