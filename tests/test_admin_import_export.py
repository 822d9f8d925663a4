"""Importing with a preview, and exporting, from the question admin."""

import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from questions.bank import csv_format
from questions.bank.exporting import questions_to_export
from questions.bank.models import ImportJob, KeyPoint, Question, SimilarQuestion, Tag, Topic
from tests.factories import make_question, make_topic, make_user

IMPORT = reverse("admin:questions_question_import")
EXPORT = reverse("admin:questions_question_export")
SEED = Path(__file__).resolve().parent.parent / "questions" / "data" / "pretrained-models.md"

SMALL_BANK = """\
### 题目 1: 第一题

**题目：** 什么是预训练？

**答案：**

1. **泛化：** 学到通用特征。
2. **省数据：** 少量数据即可。

**解析：** 先预训练，再微调。

### 题目 2: 第二题

**题目：** 什么是微调？

**答案：** 在小数据上继续训练。
"""

CSV_BANK = (
    "external_key,title,prompt,answer,tags,published,key_points\r\n"
    'csv:1,Attention,What is attention?,It weighs tokens.,"nlp, basics",yes,'
    '"Weights: each token gets a weight\r\nSoftmax: they sum to one\r\n  over the sequence"\r\n'
    "csv:2,Dropout,What is dropout?,It drops units.,,no,\r\n"
)


def upload(client, name, text, **fields):
    data = text if isinstance(text, bytes) else text.encode()
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), **fields})


def confirm(client, preview, **overrides):
    data = {"confirm": "1", "token": preview.context["token"]}
    data["fingerprint"] = preview.context["fingerprint"]
    data.update(overrides)
    return client.post(IMPORT, data)


def error_lines(response):
    return [(error["line"], error["message"]) for error in response.context["errors"]]


# --- The preview --------------------------------------------------------------------------------


def test_the_import_page_offers_an_upload_form(editor_client):
    response = editor_client.get(IMPORT)

    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_the_preview_lists_what_would_be_created_and_writes_nothing(editor_client):
    response = upload(editor_client, "bank.md", SMALL_BANK)

    assert response.status_code == 200
    assert response.context["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    content = response.content.decode()
    assert "bank:1" in content and "第二题" in content
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_confirming_applies_the_previewed_import(editor_client, editor):
    preview = upload(editor_client, "bank.md", SMALL_BANK)

    response = confirm(editor_client, preview)

    assert response.status_code == 302
    assert response.url == reverse("admin:questions_question_changelist")
    first = Question.objects.get(external_key="bank:1")
    assert [p.label for p in first.key_points.all()] == ["泛化", "省数据"]
    assert Question.objects.count() == 2
    assert first.history.get().history_user == editor
    assert KeyPoint.history.filter(question_id=first.pk).count() == 2
    job = ImportJob.objects.get()
    assert (job.status, job.counts, job.file_data()) == (
        "done",
        {"created": 2, "updated": 0, "unchanged": 0},
        b"",
    )


def test_the_preview_shows_each_changed_field_of_an_update(editor_client):
    confirm(editor_client, upload(editor_client, "bank.md", SMALL_BANK))
    changed = SMALL_BANK.replace("学到通用特征。", "学到通用的特征表示。").replace(
        "### 题目 2: 第二题", "### 题目 2: 第二题（新）"
    )

    response = upload(editor_client, "bank.md", changed)

    assert response.context["counts"] == {"created": 0, "updated": 2, "unchanged": 0}
    content = response.content.decode()
    assert "<del>− 1. **泛化：** 学到通用特征。</del>" in content
    assert "<ins>+ 1. **泛化：** 学到通用的特征表示。</ins>" in content
    assert "<ins>+ 1. 泛化: 学到通用的特征表示。</ins>" in content  # the key point itself
    assert "<del>第二题</del> → <ins>第二题（新）</ins>" in content or "第二题（新）" in content
    assert Question.objects.get(external_key="bank:2").title == "第二题"


def test_an_unchanged_file_can_not_be_confirmed(editor_client):
    confirm(editor_client, upload(editor_client, "bank.md", SMALL_BANK))

    response = upload(editor_client, "bank.md", SMALL_BANK)

    assert response.context["counts"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert re.search(r'name="confirm"[^>]*disabled', response.content.decode())


def test_an_import_can_be_put_in_one_topic_with_another_source(editor_client):
    topic = make_topic("Transformers", slug="transformers")
    preview = upload(editor_client, "bank.md", SMALL_BANK, topic=topic.pk, source="mine")

    confirm(editor_client, preview)

    assert set(Question.objects.values_list("external_key", "topic__slug")) == {
        ("mine:1", "transformers"),
        ("mine:2", "transformers"),
    }


def test_confirming_with_an_unknown_token_writes_nothing(editor_client):
    preview = upload(editor_client, "bank.md", SMALL_BANK)

    response = confirm(editor_client, preview, token="someone-elses")

    assert response.status_code == 302
    assert response.url == IMPORT
    assert not Question.objects.exists()


def test_confirming_after_the_bank_changed_shows_the_new_preview(editor_client, topic):
    preview = upload(editor_client, "bank.md", SMALL_BANK)
    make_question(topic=topic, external_key="bank:2", title="Made meanwhile")

    response = confirm(editor_client, preview)

    assert response.status_code == 200
    assert "The bank changed since the preview" in response.content.decode()
    assert response.context["counts"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert Question.objects.get(external_key="bank:2").title == "Made meanwhile"
    assert not Question.objects.filter(external_key="bank:1").exists()

    confirm(editor_client, response)
    assert Question.objects.get(external_key="bank:2").title == "第二题"


def test_a_forged_fingerprint_is_not_applied(editor_client):
    preview = upload(editor_client, "bank.md", SMALL_BANK)

    response = confirm(editor_client, preview, fingerprint="0" * 64)

    assert response.status_code == 200
    assert not Question.objects.exists()


def test_importing_needs_the_add_and_change_permissions(client, db):
    viewer = make_user("viewer", is_staff=True)
    client.force_login(viewer)

    assert client.get(IMPORT).status_code == 403


# --- Errors, each with its line -----------------------------------------------------------------


def test_markdown_errors_are_listed_with_their_lines(editor_client):
    broken = SMALL_BANK.replace("**答案：** 在小数据上继续训练。", "在小数据上继续训练。")
    broken += "\n### 题目 1: 重复\n\n**题目：** 又一题\n\n**答案：** 答案\n"

    response = upload(editor_client, "bank.md", broken)

    assert response.status_code == 200
    lines = error_lines(response)
    # Errors are reported at the heading of the question they are about.
    assert lines == [
        (12, "the question has no **答案：** section"),
        (18, "duplicate question number 1 (first on line 1)"),
    ]
    content = response.content.decode()
    assert "nothing was imported" in content
    assert not Question.objects.exists()


def test_invalid_json_is_reported_with_its_line(editor_client):
    response = upload(editor_client, "bank.json", '{\n  "questions": [\n    {"title": }\n  ]\n}')

    assert [line for line, _ in error_lines(response)] == [3]
    assert "invalid JSON" in error_lines(response)[0][1]


def test_a_json_question_with_a_bad_difficulty_is_reported_at_its_line(editor_client):
    document = {
        "questions": [
            {"title": "One", "prompt": "p", "answer": "a"},
            {"title": "Two", "prompt": "p", "answer": "a", "difficulty": "extreme"},
        ]
    }

    response = upload(editor_client, "bank.json", json.dumps(document, indent=2))

    assert error_lines(response) == [(8, "unknown difficulty 'extreme' (use easy, medium, hard)")]


def test_a_file_that_is_not_utf8_is_refused_with_its_line(editor_client):
    response = upload(editor_client, "bank.md", "### 题目 1: 一\n\n**题目：** 问".encode("gb18030"))

    assert error_lines(response) == [(1, "the file is not UTF-8 text")]


def test_an_unknown_format_is_refused(editor_client):
    response = upload(editor_client, "notes.bin", "just some words")

    assert error_lines(response)[0][0] == 1
    assert "unknown format" in error_lines(response)[0][1]


def test_a_file_over_the_limit_is_refused(editor_client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = upload(editor_client, "bank.md", b"#" * (1024 * 1024 + 1))

    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()


# --- CSV ----------------------------------------------------------------------------------------


def test_a_csv_file_is_imported_with_key_points_and_tags(editor_client):
    preview = upload(editor_client, "mine.csv", CSV_BANK)
    assert preview.context["counts"] == {"created": 2, "updated": 0, "unchanged": 0}

    confirm(editor_client, preview)

    attention = Question.objects.get(external_key="csv:1")
    assert [p.as_pair() for p in attention.key_points.all()] == [
        ("Weights", "each token gets a weight"),
        ("Softmax", "they sum to one\nover the sequence"),
    ]
    assert sorted(tag.name for tag in attention.tags.all()) == ["basics", "nlp"]
    assert attention.is_published
    assert attention.source == "mine"
    dropout = Question.objects.get(external_key="csv:2")
    assert not dropout.is_published
    assert not dropout.key_points.exists()


def test_csv_errors_are_reported_at_the_line_their_row_starts(editor_client):
    text = (
        "external_key,title,prompt,answer,published,key_points\r\n"
        'csv:1,One,"A prompt\r\non two lines",An answer,yes,\r\n'
        "csv:2,,A prompt,An answer,maybe,\r\n"
        "csv:3,,A prompt,An answer,no,\r\n"
        "csv:1,Again,A prompt,An answer,no,\r\n"
    )

    response = upload(editor_client, "bank.csv", text)

    assert error_lines(response) == [(4, "published must be yes or no, not 'maybe'")]
    response = upload(editor_client, "bank.csv", text.replace("maybe", "yes"))
    assert error_lines(response) == [
        (4, "the title is empty"),
        (5, "the title is empty"),
        (6, "duplicate external key 'csv:1' (first on line 2)"),
    ]


def test_a_csv_file_without_the_required_columns_is_refused(editor_client):
    response = upload(editor_client, "bank.csv", "title,colour\r\nOne,red\r\n")

    lines = error_lines(response)
    assert lines[0][0] == 1 and "unknown columns colour" in lines[0][1]
    assert (1, "missing columns prompt, answer") in lines


def test_a_csv_export_imports_back_unchanged(editor_client):
    call_command("load_sample_bank", verbosity=0)
    Question.objects.get(external_key="pretrained-models:2").tags.add(
        Tag.objects.create(name="应用")
    )
    text = csv_format.to_csv(questions_to_export())

    response = upload(editor_client, "pretrained-models.csv", text)

    assert response.context["counts"] == {"created": 0, "updated": 0, "unchanged": 30}


def test_key_point_cells_read_labels_continuations_and_unlabelled_points():
    cell = "Label: detail\n  more detail\n: no label: has a colon\nplain line\nChinese：全角冒号\n"

    assert csv_format.parse_key_points(cell) == [
        ("Label", "detail\nmore detail"),
        ("", "no label: has a colon"),
        ("", "plain line"),
        ("Chinese", "全角冒号"),
    ]
    points = csv_format.parse_key_points(cell)
    assert csv_format.parse_key_points(csv_format.format_key_points(points)) == points


# --- Exporting ----------------------------------------------------------------------------------


def test_the_export_page_offers_topics_and_formats(editor_client, topic):
    response = editor_client.get(EXPORT)

    assert response.status_code == 200
    content = response.content.decode()
    assert topic.name in content and "Anki deck (.apkg)" in content


@pytest.mark.parametrize("format", ["json", "markdown", "csv"])
def test_a_topic_exports_in_every_text_format(editor_client, topic, format):
    make_question(topic=topic, title="Mine")
    make_question(title="Another topic's")

    response = editor_client.get(EXPORT, {"topic": topic.pk, "format": format})

    assert response.status_code == 200
    assert f'filename="{topic.slug}-' in response["Content-Disposition"]
    content = response.content.decode()
    assert "Mine" in content and "Another topic's" not in content


def test_the_whole_bank_exports_as_an_anki_deck_holding_every_question(editor_client, tmp_path):
    call_command("load_sample_bank", verbosity=0)
    make_question(title="Elsewhere")

    response = editor_client.get(EXPORT, {"format": "anki"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="questions-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(archive.read("collection.anki2"))
    database = sqlite3.connect(collection)
    try:
        (notes,) = database.execute("SELECT count(*) FROM notes").fetchone()
        (cards,) = database.execute("SELECT count(*) FROM cards").fetchone()
        fields = [row[0] for row in database.execute("SELECT flds FROM notes")]
    finally:
        database.close()
    assert notes == cards == Question.objects.count() == 31
    first = next(f for f in fields if f.startswith("pretrained-models:1\x1f"))
    key, title, prompt, answer, _explanation, topic = first.split("\x1f")
    assert title == "预训练模型的基本概念"
    assert prompt == "<p>请解释什么是预训练模型？它有哪些优点？</p>"
    assert "<strong>高泛化能力：</strong>" in answer
    assert topic == "预训练模型"


def test_an_export_with_no_format_shows_the_form_again(editor_client):
    response = editor_client.get(EXPORT, {"format": "pdf"})

    assert response.status_code == 200
    assert response.context["form"].errors["format"]


def test_importing_the_seed_finds_its_near_duplicates_after_commit(
    editor_client, django_capture_on_commit_callbacks
):
    preview = upload(editor_client, "pretrained-models.md", SEED.read_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        confirm(editor_client, preview)

    first = Question.objects.get(external_key="pretrained-models:1")
    best = SimilarQuestion.objects.filter(question=first).order_by("-score").first()
    assert best.other.external_key == "pretrained-models:7"


def test_a_topic_with_a_chinese_slug_exports_under_its_name(editor_client):
    topic = make_topic("预训练模型", slug="预训练模型")
    make_question(topic=topic)

    response = editor_client.get(EXPORT, {"topic": topic.pk, "format": "json"})

    assert response.status_code == 200
    assert "filename*=utf-8''%E9%A2%84" in response["Content-Disposition"]
