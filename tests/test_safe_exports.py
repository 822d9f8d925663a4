"""Exports a user opens elsewhere: no live markup in Anki cards, no formulas in CSV cells, and
every format imports back as "unchanged", hostile and multi-line texts included."""

import csv
import io
import re
import sqlite3
import zipfile
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from questions import spreadsheets
from questions.bank import anki, csv_format, exporting, importing
from questions.bank.exporting import questions_to_export
from questions.bank.models import Question, Tag
from tests.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '<img src=x onerror=alert(1)><script>alert("title")</script>'
HOSTILE_TOPIC = "<script>alert('topic')</script>Topic"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)", "'quoted"]
POINTS = [
    ("=cmd|' /C calc'!A0", "a formula as a label"),
    ("Lines", "first line\n  second line"),
    ("", "<b onmouseover=alert(2)>bold</b> without a label"),
]


def answer_of(points):
    lines = []
    for number, (label, detail) in enumerate(points, 1):
        first, *rest = detail.split("\n")
        lines.append(f"{number}. **{label}：** {first}" if label else f"{number}. {first}")
        lines.extend(f"   {line.strip()}" for line in rest)
    return "\n".join(lines)


def points_as_parsed(points):
    return [
        (label, "\n".join(line.strip() for line in detail.split("\n"))) for label, detail in points
    ]


@pytest.fixture
def hostile_bank():
    topic = make_topic(HOSTILE_TOPIC, slug="hostile")
    points = points_as_parsed(POINTS)
    questions = [
        make_question(
            topic=topic,
            title=title,
            prompt="Line one.\n\nLine three, after an empty one.\n\n<script>x</script>",
            answer=answer_of(points),
            key_points=points,
            explanation="=1+1\n\n- a list item\n- @another",
            language="en",
            source="hostile",
            external_key=f"hostile:{number}",
            position=number,
        )
        for number, title in enumerate([HOSTILE_TITLE, *FORMULAS], 1)
    ]
    tags = [Tag.objects.create(name=name) for name in ("-minus", "@at", "=eq")]
    for question in questions:
        question.tags.set(tags)
    return questions


def reimport(name, content):
    data = content if isinstance(content, bytes) else content.encode()
    if csv_format.is_csv(name):
        parsed = csv_format.parse_csv(name, data)
    else:
        parsed = importing.parse_file(name, data)
    return importing.plan_import(parsed).counts


# --- Round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("bank.json", lambda questions: exporting.to_json(questions)),
        ("bank.md", lambda questions: exporting.to_markdown(questions)),
        ("bank.csv", lambda questions: csv_format.to_csv(questions)),
    ],
)
def test_every_format_imports_back_unchanged_with_hostile_and_multi_line_texts(
    hostile_bank, name, write
):
    content = write(list(questions_to_export()))

    assert reimport(name, content) == {"created": 0, "updated": 0, "unchanged": len(hostile_bank)}


def test_the_admin_csv_download_imports_back_unchanged(hostile_bank, editor_client):
    response = editor_client.get(reverse("admin:questions_question_export"), {"format": "csv"})

    assert reimport("bank.csv", response.content)["unchanged"] == len(hostile_bank)


# --- CSV formulas -------------------------------------------------------------------------------


def test_no_cell_of_the_admin_csv_export_starts_a_formula(hostile_bank, editor_client):
    response = editor_client.get(reverse("admin:questions_question_export"), {"format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(spreadsheets.FORMULA_STARTS)]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "''quoted" in cells


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "'", "''x", "plain", ""])
def test_protected_cells_come_back_as_they_were(value):
    assert spreadsheets.unprotect(spreadsheets.protect(value)) == value


# --- Anki ---------------------------------------------------------------------------------------


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: script elements and on* attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append(tag)
        self.found.extend(f"{tag} {name}" for name, _value in attrs if name.startswith("on"))


def rendered_cards(apkg):
    """Each note's front and back as Anki renders them: the template with its fields put in."""
    with zipfile.ZipFile(io.BytesIO(apkg)) as archive:
        collection = archive.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(collection)
    names = [field["name"] for field in anki.MODEL.fields]
    template = anki.MODEL.templates[0]
    cards = []
    for (fields,) in connection.execute("select flds from notes"):
        values = dict(zip(names, fields.split("\x1f"), strict=True))
        front = _render(template["qfmt"], values)
        back = _render(template["afmt"].replace("{{FrontSide}}", front), values)
        cards.append((front, back))
    return cards


def _render(template, values):
    template = re.sub(
        r"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}",
        lambda match: match[2] if values.get(match[1]) else "",
        template,
        flags=re.DOTALL,
    )
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values.get(match[1], ""), template)


def test_an_anki_card_of_a_hostile_question_runs_nothing(hostile_bank):
    cards = rendered_cards(anki.to_apkg(list(questions_to_export()), timestamp=1_700_000_000))

    assert len(cards) == len(hostile_bank)
    for front, back in cards:
        for html in (front, back):
            parser = _LiveMarkup()
            parser.feed(html)
            assert parser.found == [], html
    front, back = cards[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in front  # the title shows as text
    assert "&lt;script&gt;alert(&#x27;topic&#x27;)&lt;/script&gt;Topic" in back


# --- One-line fields ----------------------------------------------------------------------------


def test_a_title_with_a_newline_is_refused_with_its_line():
    document = (
        '{"format": "interview-prep-questions", "version": 1, "questions": [\n'
        '{"external_key": "x:1", "title": "two\\nlines", "prompt": "p", "answer": "a"}\n]}\n'
    )

    with pytest.raises(importing.ImportFileError) as raised:
        importing.parse_file("bank.json", document.encode())

    assert raised.value.errors == [("bank.json", 2, "the title must be one line")]


def test_a_title_saved_with_a_newline_is_kept_on_one_line(topic):
    question = make_question(topic=topic, title="first\r\nsecond")

    question.refresh_from_db()
    assert question.title == "first second"
    assert Question.objects.filter(pk=question.pk, title__contains="\n").count() == 0
