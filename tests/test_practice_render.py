"""The practice screen with its action URLs worked out once (shortcuts.question_links) and its
practice token written as a plain hidden input renders byte for byte what the `{% url %}` tags
and the form's widget rendered, in both languages."""

import re

import pytest
from django.db import transaction

from tests.factories import make_card, make_question, make_user
from tests.helpers import grade, normalised_page, reveal, with_old_template

pytestmark = pytest.mark.django_db

_TOKEN_INPUT = '<input type="hidden" name="token" value="{{ form.token.value }}" id="id_token">'

# The panel's markup before: (the tag each value came from, what the panel reads now).
OLD_PANEL = [
    ("{% url 'questions:reveal' question.pk %}", "{{ links.reveal }}"),
    ("{% url 'questions:hint' question.pk %}", "{{ links.hint }}"),
    ("{% url 'questions:skip' question.pk %}", "{{ links.skip }}"),
    ("{% url 'questions:suspend' question.pk %}", "{{ links.suspend }}"),
    ("{% url 'questions:grade' question.pk %}", "{{ links.grade }}"),
    ("{{ form.token }}", _TOKEN_INPUT),
]


def _page(response):
    assert response.status_code == 200, response.content[:300]
    # The undo token signs the attempt's id, which a sequence that ignores rollbacks moves on.
    return re.sub(r'(name="undo" value=")[^"]+', r"\1-", normalised_page(response))


def _old_and_new(request):
    new = request()
    with with_old_template("questions/practice.html", OLD_PANEL):
        old = request()
    return _page(old), _page(new)


@pytest.fixture
def due(alice):
    """Two cards due, so that a grade shows the next one."""
    questions = [make_question(suggested_answer_seconds=120), make_question()]
    for days, question in enumerate(questions, 1):
        make_card(alice, question, due=question.created_at.replace(year=2000, day=days))
    make_card(make_user(), questions[0])
    return questions


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_question_panel_renders_as_the_tags_did(alice_client, due, language, htmx):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} | ({"HTTP_HX_REQUEST": "true"} if htmx else {})
    for path in ["/practice/", f"/practice/{due[1].pk}/"]:
        old, new = _old_and_new(lambda path=path: alice_client.get(path, **headers))
        assert old == new
        assert f'action="/practice/{due[0 if path == "/practice/" else 1].pk}/reveal/"' in new
        assert 'name="token" value="-" id="id_token"' in new


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_answer_panel_renders_as_the_tags_did(alice_client, due, language, htmx):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    old, new = _old_and_new(lambda: reveal(alice_client, due[0], htmx=htmx))
    assert old == new
    assert f'action="/practice/{due[0].pk}/grade/"' in new


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_panel_after_a_grade_renders_as_the_tags_did(alice_client, due, language):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    def graded():
        with transaction.atomic():
            response = grade(alice_client, due[0])
            transaction.set_rollback(True)
        return response

    old, new = _old_and_new(graded)
    assert old == new
    assert f'action="/practice/{due[1].pk}/reveal/"' in new


# The note panel's markup before: its two actions' URLs (notes.panel_context's note_links).
OLD_NOTE_PANEL = [
    ("{% url 'questions:star' question.pk %}", "{{ note_links.star }}"),
    ("{% url 'questions:note' question.pk %}", "{{ note_links.note }}"),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("where", ["answer panel", "question page"])
def test_the_note_panel_renders_as_the_tags_did(alice_client, due, language, where):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    def request():
        if where == "answer panel":
            return reveal(alice_client, due[0])
        return alice_client.get(due[0].get_absolute_url())

    new = _page(request())
    with with_old_template("questions/_note.html", OLD_NOTE_PANEL):
        old = _page(request())
    assert old == new
    assert f'action="/questions/{due[0].pk}/star/"' in new
