"""The base layout's languages come from questions/layout.py, worked out once per process: the
pages render byte for byte what the template's tags rendered."""

import pytest
from django.test import override_settings

from questions import layout
from tests.factories import make_question
from tests.helpers import normalised_page, with_old_template

pytestmark = pytest.mark.django_db

# The layout's markup before: (the tag each value came from, what the layout reads now).
OLD_LAYOUT = [
    (
        "{% get_available_languages as LANGUAGES %}"
        "{% get_language_info_list for LANGUAGES as languages %}\n"
        "        {% for language in languages %}",
        "{# the languages, with their own names: questions/layout.py #}\n"
        "        {% for language in layout.languages %}",
    ),
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


def test_other_languages_are_followed():
    with override_settings(LANGUAGES=[("en", "English")]):
        assert [language["code"] for language in layout.layout(None)["layout"]["languages"]] == [
            "en"
        ]
    assert len(layout.layout(None)["layout"]["languages"]) == 2
