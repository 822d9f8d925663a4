import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from questions.bank.exporting import questions_to_export, to_json
from questions.bank.models import KeyPoint, Question, Tag, Topic


def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def export(format="json", **options):
    return run("export_questions", format=format, **options)


def empty_the_bank():
    Question.objects.all().delete()
    Tag.objects.all().delete()
    Topic.objects.all().delete()


def round_trip(tmp_path, format):
    """Export, import into an empty database, export again: both outputs."""
    first = export(format)
    path = tmp_path / ("bank.json" if format == "json" else "bank.md")
    path.write_text(first, encoding="utf-8")
    empty_the_bank()
    run("import_questions", str(path))
    return first, export(format)


def make_small_bank():
    """Two topics, an English question, tags, an unpublished question, a key point without label."""
    databases = Topic.objects.create(name="Databases; SQL", slug="databases")
    chinese = Topic.objects.create(name="数据库 (中文)", slug="数据库")
    english = Question.objects.create(
        topic=databases,
        external_key="db:1",
        source="db",
        position=1,
        title="What is an index?",
        prompt="Explain database indexes.\nGive an example.",
        answer="An index speeds up lookups.\n\n1. **B-tree:** the usual kind.\n2. Costs writes.",
        explanation="Indexes trade write speed for read speed.",
        difficulty="hard",
        language="en",
    )
    KeyPoint.objects.create(question=english, position=1, label="B-tree", detail="the usual kind.")
    KeyPoint.objects.create(question=english, position=2, label="", detail="Costs writes.")
    english.tags.add(Tag.objects.create(name="sql"), Tag.objects.create(name="perf, 100%"))
    draft = Question.objects.create(
        topic=chinese,
        external_key="db:2",
        source="db",
        position=2,
        title="什么是事务？",
        prompt="请解释事务。",
        answer="事务是一组操作。",
        explanation="",
        difficulty="easy",
        language="zh-hans",
        is_published=False,
    )
    draft.tags.add(Tag.objects.get(name="sql"))


@pytest.mark.django_db
def test_the_sample_bank_survives_a_json_round_trip_byte_for_byte(tmp_path):
    run("load_sample_bank")

    first, second = round_trip(tmp_path, "json")

    assert second == first
    assert (Question.objects.count(), KeyPoint.objects.count()) == (30, 159)


@pytest.mark.django_db
def test_the_sample_bank_survives_a_markdown_round_trip_byte_for_byte(tmp_path):
    run("load_sample_bank")

    first, second = round_trip(tmp_path, "markdown")

    assert second == first
    assert (Question.objects.count(), KeyPoint.objects.count()) == (30, 159)
    topic = Topic.objects.get()
    assert (topic.name, topic.slug) == ("预训练模型", "pretrained-models")


@pytest.mark.django_db
def test_a_small_bank_survives_a_json_round_trip_byte_for_byte(tmp_path):
    make_small_bank()

    first, second = round_trip(tmp_path, "json")

    assert second == first
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["perf, 100%", "sql"]
    assert Question.objects.get(external_key="db:2").is_published is False


@pytest.mark.django_db
def test_a_small_bank_survives_a_markdown_round_trip_byte_for_byte(tmp_path):
    make_small_bank()

    first, second = round_trip(tmp_path, "markdown")

    assert second == first
    english = Question.objects.get(external_key="db:1")
    assert (english.topic.name, english.difficulty, english.language) == (
        "Databases; SQL",
        "hard",
        "en",
    )
    assert [point.as_pair() for point in english.key_points.all()] == [
        ("B-tree", "the usual kind."),
        ("", "Costs writes."),
    ]
    assert sorted(tag.name for tag in english.tags.all()) == ["perf, 100%", "sql"]
    assert Question.objects.get(external_key="db:2").is_published is False


@pytest.mark.django_db
def test_json_has_every_field_in_a_stable_order():
    make_small_bank()

    document = json.loads(export("json"))

    assert (document["format"], document["version"]) == ("interview-prep-questions", 1)
    english = document["questions"][0]
    assert list(english) == [
        "external_key",
        "topic",
        "title",
        "prompt",
        "answer",
        "explanation",
        "difficulty",
        "language",
        "source",
        "position",
        "is_published",
        "tags",
        "key_points",
    ]
    assert english["topic"] == {"name": "Databases; SQL", "slug": "databases"}
    assert english["tags"] == ["perf, 100%", "sql"]
    assert english["key_points"][1] == {"position": 2, "label": "", "detail": "Costs writes."}


@pytest.mark.django_db
def test_json_keeps_chinese_readable():
    run("load_sample_bank")

    output = export("json")

    assert '"title": "预训练模型的基本概念"' in output
    assert "\\u" not in output
    assert output.startswith('{\n  "format": "interview-prep-questions",\n')


@pytest.mark.django_db
def test_it_exports_in_bank_order():
    make_small_bank()
    Question.objects.filter(external_key="db:1").update(position=3)

    keys = [question["external_key"] for question in json.loads(export())["questions"]]

    assert keys == ["db:2", "db:1"]


@pytest.mark.django_db
def test_markdown_looks_like_the_seed_document():
    run("load_sample_bank")

    output = export("markdown")

    assert output.startswith(
        "### 题目 1: 预训练模型的基本概念\n"
        "<!-- key: pretrained-models:1; source: pretrained-models; "
        "topic: 预训练模型 (pretrained-models); difficulty: medium; language: zh-hans -->\n"
        "\n"
        "**题目：** 请解释什么是预训练模型？它有哪些优点？\n"
        "\n"
        "**答案：**\n"
        "\n"
        "预训练模型是指在大规模数据集上进行预训练"
    )
    assert "\n\n### 题目 2: 预训练模型的应用场景\n" in output


@pytest.mark.django_db
def test_markdown_uses_english_markers_for_english_questions():
    make_small_bank()

    output = export("markdown")

    assert output.startswith("### Question 1: What is an index?\n<!-- key: db:1; ")
    assert "tags: perf%2C 100%25, sql -->" in output
    assert "\n**Question:** Explain database indexes.\nGive an example.\n" in output
    assert "\n**Answer:**\n" in output
    assert "\n**Explanation:** Indexes trade write speed for read speed.\n" in output
    assert "; published: no -->" in output
    assert "\n**解析：**\n" in output


@pytest.mark.django_db
def test_it_exports_one_topic():
    make_small_bank()

    document = json.loads(export("json", topic="数据库"))

    assert [question["external_key"] for question in document["questions"]] == ["db:2"]


@pytest.mark.django_db
def test_an_unknown_topic_is_an_error():
    with pytest.raises(CommandError) as error:
        export("json", topic="nope")

    assert str(error.value) == "unknown topic slug 'nope'"


@pytest.mark.django_db
def test_it_writes_to_a_file(tmp_path):
    make_small_bank()
    path = tmp_path / "out.md"

    output = export("markdown", output=str(path))

    assert output == f"exported 2 questions to {path}\n"
    assert path.read_bytes() == export("markdown").encode("utf-8")


@pytest.mark.django_db
def test_exporting_takes_three_queries(django_assert_num_queries):
    run("load_sample_bank")

    # The questions with their topics; their tags; their key points.
    with django_assert_num_queries(3):
        to_json(questions_to_export())
