"""The base layout's links, static files and languages come from questions/layout.py, worked
out once per process: the pages render byte for byte what the template's tags rendered."""

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

from questions import layout
from tests.factories import make_question
from tests.helpers import normalised_page, with_old_template

pytestmark = pytest.mark.django_db

# The layout's markup before: (the tag each value came from, what the layout reads now).
OLD_LAYOUT = [
    ("{% static 'css/app.css' %}", "{{ layout.app_css }}"),
    ("{% static 'js/app.js' %}", "{{ layout.app_js }}"),
    ("{% static 'js/recorder.js' %}", "{{ layout.recorder_js }}"),
    ("{% url 'questions:home' %}", "{{ layout.home }}"),
    ("{% url 'questions:list' %}", "{{ layout.list }}"),
    ("{% url 'questions:practice' %}", "{{ layout.practice }}"),
    ("{% url 'questions:mock_list' %}", "{{ layout.mock_list }}"),
    ("{% url 'questions:history' %}", "{{ layout.history }}"),
    ("{% url 'questions:stats' %}", "{{ layout.stats }}"),
    ("{% url 'study_settings' %}", "{{ layout.settings }}"),
    ("{% url 'logout' %}", "{{ layout.logout }}"),
    ("{% url 'login' %}", "{{ layout.login }}"),
    ("{% url 'signup' %}", "{{ layout.signup }}"),
    ("{% url 'set_language' %}", "{{ layout.set_language }}"),
    (
        "{% get_available_languages as LANGUAGES %}"
        "{% get_language_info_list for LANGUAGES as languages %}\n"
        "        {% for language in languages %}",
        "{# the languages, with their own names: questions/layout.py #}\n"
        "        {% for language in layout.languages %}",
    ),
    ("{% load static i18n django_htmx %}", "{% load i18n django_htmx %}"),
]


def _both(client, path, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    new = client.get(path, **headers)
    with with_old_template("base.html", OLD_LAYOUT):
        old = client.get(path, **headers)
    assert new.status_code == old.status_code == 200
    return normalised_page(new), normalised_page(old)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("path", ["/practice/", "/stats/", "/history/", "/questions/"])
def test_a_signed_in_page_renders_as_the_tags_did(alice_client, language, path):
    make_question()
    new, old = _both(alice_client, path, language)
    assert new == old
    assert 'href="/history/"' in new and "/static/css/" in new


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_anonymous_page_renders_as_the_tags_did(client, language):
    make_question()
    new, old = _both(client, "/questions/", language)
    assert new == old
    assert 'href="/accounts/signup/"' in new
    assert 'value="zh-hans"' in new and "简体中文" in new


def test_the_links_follow_the_script_prefix():
    set_script_prefix("/prep/")
    try:
        links = layout.layout(None)["layout"]
    finally:
        clear_script_prefix()
    assert links["history"] == "/prep/history/"
    assert layout.layout(None)["layout"]["history"] == "/history/"


def test_a_changed_static_url_is_followed():
    before = layout.layout(None)["layout"]["app_css"]
    with override_settings(STATIC_URL="/assets/"):
        assert layout.layout(None)["layout"]["app_css"].startswith("/assets/")
    assert layout.layout(None)["layout"]["app_css"] == before
