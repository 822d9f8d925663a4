"""The question list with each row's link and difficulty label computed in Python
(browse.result_rows), and its filters' options written by the form, renders byte for byte
what the template's helpers rendered, in both languages, with and without a search."""

import pytest

from questions.bank.models import Difficulty
from tests.factories import make_questions, make_topic
from tests.helpers import normalised_page, with_old_template

pytestmark = pytest.mark.django_db

OLD_ROW_VALUES = [
    ("{{ row.question.get_absolute_url }}", "{{ row.url }}"),
    ("{{ row.question.get_difficulty_display }}", "{{ row.difficulty_label }}"),
    # The filters' options, written by the form (BrowseForm.select_fields).
    (
        '  {% for field in filters %}{% if field.name != "q" %}\n    <div class="field">',
        '  {% for field, options in filters.select_fields %}\n    <div class="field">',
    ),
    (
        '{% with chosen=field.data|default_if_none:"" %}'
        "{% for value, label in field.field.choices %}"
        '<option value="{{ value }}"{% if value == chosen %} selected{% endif %}>'
        "{{ label }}</option>{% endfor %}{% endwith %}",
        "{{ options }}",
    ),
    ("    </div>\n  {% endif %}{% endfor %}", "    </div>\n  {% endfor %}"),
]


@pytest.fixture
def bank():
    questions = make_questions(30, topic=make_topic(name="Data & <models>"))
    for index, question in enumerate(questions):
        question.difficulty = list(Difficulty)[index % 3]
        question.save()
    return questions


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "query", ["", "?page=2", "?q=question", "?difficulty=hard", "?sort=title&tag=x"]
)
def test_it_renders_the_rows_as_the_template_helpers_did(alice_client, bank, language, query):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    new = alice_client.get(f"/questions/{query}", **headers)
    with with_old_template("questions/question_list.html", OLD_ROW_VALUES):
        old = alice_client.get(f"/questions/{query}", **headers)
    assert new.status_code == old.status_code == 200
    assert normalised_page(new) == normalised_page(old)
    assert '<a class="title" href="/questions/' in new.content.decode()
    assert f'<html lang="{language}"' in new.content.decode()
