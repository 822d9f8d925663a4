import pytest

from questions.rendering import render_markdown
from tests.factories import make_question

DANGEROUS = (
    "Hello <script>alert('x')</script>\n\n"
    "<img src=x onerror=\"alert('y')\">\n\n"
    "[click](javascript:alert('z'))\n\n"
    '<a href="#" onclick="alert(1)">a</a>\n\n'
    '<div hx-get="/admin/" hx-trigger="load">htmx</div>'
)


def test_markdown_is_rendered():
    html = render_markdown("1. **高泛化能力：** 文本\n2. second")
    assert "<ol>" in html
    assert "<strong>高泛化能力：</strong>" in html


@pytest.mark.parametrize("needle", ["<script", "onerror", "javascript:", "onclick", "hx-get"])
def test_dangerous_markup_never_survives(needle):
    assert needle not in render_markdown(DANGEROUS)


def test_links_do_not_leak_the_referrer():
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[a](https://example.org)")


@pytest.mark.django_db
def test_a_question_page_never_carries_an_editors_script(client):
    question = make_question(prompt=DANGEROUS, answer=DANGEROUS, explanation=DANGEROUS)
    for url in [question.get_absolute_url(), f"/questions/{question.pk}/answer/"]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "onerror=" not in body
        assert "javascript:alert" not in body
