"""`{% constant %}` blocks: rendered once per language and script prefix, the pages byte for
byte what they render with every block rendered afresh, and nothing that reads the request
allowed inside."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from questions.templatetags.constant import ConstantNode
from tests.factories import make_card, make_question
from tests.helpers import normalised_page, reveal

pytestmark = pytest.mark.django_db


def _render(source, **context):
    return Template("{% load i18n static constant %}" + source).render(Context(context))


@pytest.fixture
def afresh(monkeypatch):
    """Every constant block rendered on every request, as if the tag were not there."""

    def render(self, context):
        return self.nodelist.render(context)

    return lambda: monkeypatch.setattr(ConstantNode, "render", render)


def _pages(client, question, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    htmx = headers | {"HTTP_HX_REQUEST": "true"}
    responses = [
        client.get(path, **headers)
        for path in ["/practice/", f"/practice/{question.pk}/", "/history/", "/stats/"]
    ]
    responses.append(client.get("/questions/", **headers))
    responses.append(reveal(client, question, text="my answer", **htmx))
    return [normalised_page(response) for response in responses]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_render_as_with_every_block_rendered_afresh(
    alice_client, alice, afresh, language
):
    question = make_question()
    make_card(alice, question, due=question.created_at.replace(year=2000))
    other = "en" if language == "zh-hans" else "zh-hans"
    _pages(alice_client, question, other)  # the blocks' copies made in the other language
    kept = _pages(alice_client, question, language)
    afresh()
    assert _pages(alice_client, question, language) == kept
    assert ('lang="zh-hans"' if language == "zh-hans" else 'lang="en"') in kept[0]
    assert 'href="/history/"' in kept[0] and "/static/css/" in kept[0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_anonymous_page_renders_as_with_every_block_rendered_afresh(client, afresh, language):
    make_question()
    kept = normalised_page(client.get("/questions/", HTTP_ACCEPT_LANGUAGE=language))
    afresh()
    assert normalised_page(client.get("/questions/", HTTP_ACCEPT_LANGUAGE=language)) == kept
    assert 'href="/accounts/signup/"' in kept


def test_each_language_gets_its_own_copy():
    template = Template(
        "{% load i18n constant %}{% constant %}{% translate 'Log out' %}{% endconstant %}"
    )
    rendered = []
    for language in ["en", "zh-hans", "en"]:
        with translation.override(language):
            rendered.append(template.render(Context()))
    assert rendered[0] == rendered[2] == "Log out"
    assert rendered[1] not in ("", "Log out")


def test_links_follow_the_script_prefix():
    template = Template(
        "{% load constant %}{% constant %}{% url 'questions:history' %}{% endconstant %}"
    )
    assert template.render(Context()) == reverse("questions:history")
    set_script_prefix("/prep/")
    try:
        assert template.render(Context()) == "/prep/history/"
    finally:
        clear_script_prefix()


def test_a_changed_static_url_is_followed():
    template = Template(
        "{% load static constant %}{% constant %}{% static 'css/app.css' %}{% endconstant %}"
    )
    before = template.render(Context())
    with override_settings(STATIC_URL="/assets/"):
        assert template.render(Context()).startswith("/assets/")
    assert template.render(Context()) == before


@pytest.mark.parametrize(
    "body",
    [
        "{{ user }}",
        "{% translate title %}",
        "{% translate 'x'|upper %}",
        "{% translate 'x' as label %}",
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
        "{% blocktranslate count n=3 %}one{% plural %}many{% endblocktranslate %}",
        "{% url 'questions:grade' question.pk %}",
        "{% url view_name %}",
        "{% static path %}",
        "{% csrf_token %}",
        "{% if user %}x{% endif %}",
        "{% now 'Y' %}",
    ],
)
def test_nothing_that_reads_the_request_is_allowed_inside(body):
    with pytest.raises(TemplateSyntaxError, match="cannot hold"):
        _render("{% constant %}" + body + "{% endconstant %}", user="alice")


def test_literal_arguments_are_allowed():
    rendered = _render(
        "{% constant %}{% url 'questions:grade' 7 %} {% translate 'Change' context 'switch the "
        "language' %} {% blocktranslate %}{count} of {max}{% endblocktranslate %}{% endconstant %}"
    )
    assert rendered.startswith("/practice/7/grade/ ")
    assert rendered.endswith("{count} of {max}")


def test_it_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError, match="no arguments"):
        _render("{% constant fast %}x{% endconstant %}")
