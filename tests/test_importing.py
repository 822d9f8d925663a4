import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from questions.bank import importing, search
from questions.bank.importing.apply import apply_plan
from questions.bank.importing.markdown import key_points_from_answer
from questions.bank.importing.parse import parse_file, read_files
from questions.bank.importing.plan import plan_import
from questions.bank.importing.records import ImportFileError
from questions.bank.models import KeyPoint, Question, Tag, Topic

SEED = Path(__file__).resolve().parent.parent / "questions" / "data" / "pretrained-models.md"
SEED_TEXT = SEED.read_text(encoding="utf-8")

SMALL_BANK = """\
### 题目 1: 第一题

**题目：** 什么是预训练？

**答案：**

预训练是先在大数据上训练。

1. **泛化：** 学到通用特征。
2. 没有标签的一点。

**解析：** 先预训练，再微调。

### 题目 2: 第二题

**题目：** 什么是微调？

**答案：** 在小数据上继续训练。

**解析：** 微调很常见。
"""


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue()


def import_file(path, *args, **options):
    return run("import_questions", str(path), *args, **options)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def seed_section(number):
    """The seed text from `### 题目 N:` up to the next question heading (or the end)."""
    start = SEED_TEXT.index(f"### 题目 {number}:")
    end = SEED_TEXT.find(f"### 题目 {number + 1}:")
    return SEED_TEXT[start : end if end != -1 else len(SEED_TEXT)]


def between(text, start, end=None):
    begin = text.index(start) + len(start)
    return text[begin : text.index(end, begin) if end else len(text)]


def bank_counts():
    return (
        Topic.objects.count(),
        Tag.objects.count(),
        Question.objects.count(),
        KeyPoint.objects.count(),
    )


def import_error(*paths, **options):
    with pytest.raises(CommandError) as error:
        run("import_questions", *[str(path) for path in paths], **options)
    return str(error.value)


# --- The sample bank ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_the_sample_bank_exactly():
    output = run("load_sample_bank")

    assert output == "created 30, updated 0, unchanged 0\n"
    assert Question.objects.count() == 30
    assert KeyPoint.objects.count() == 159
    topic = Topic.objects.get()
    assert (topic.name, topic.slug) == ("预训练模型", "pretrained-models")
    first = Question.objects.get(external_key="pretrained-models:1")
    assert first.title == "预训练模型的基本概念"
    assert (first.source, first.position, first.language) == ("pretrained-models", 1, "zh-hans")
    assert list(Question.objects.values_list("position", flat=True)) == list(range(1, 31))


@pytest.mark.django_db
def test_it_keeps_the_prompt_answer_and_explanation_as_written():
    run("load_sample_bank")

    for number in (1, 4, 17, 30):
        section = seed_section(number)
        question = Question.objects.get(position=number)
        assert question.prompt == between(section, "**题目：**", "**答案：**").strip()
        assert question.reference_answer() == between(section, "**答案：**", "**解析：**").strip()
        assert question.explanation == between(section, "**解析：**").strip()


@pytest.mark.django_db
def test_it_keeps_the_intro_paragraph_and_the_list_in_the_answer():
    run("load_sample_bank")

    answer = Question.objects.get(position=1).reference_answer()
    assert answer.startswith("预训练模型是指在大规模数据集上进行预训练")
    assert "\n\n**优点：**\n\n1. **高泛化能力：** 预训练模型通过" in answer
    assert answer.endswith("因为模型已经具有了一定的权重初始化。")


@pytest.mark.django_db
def test_it_reads_key_points_without_asterisks_or_colons():
    run("load_sample_bank")

    first = Question.objects.get(position=1).key_points.first()
    assert first.position == 1
    assert first.label == "高泛化能力"
    assert first.detail == (
        "预训练模型通过在大规模数据上训练，获得了丰富的知识表示，"
        "从而在各种任务上表现出良好的泛化能力。"
    )
    for point in KeyPoint.objects.all():
        assert point.label
        assert "*" not in point.label
        assert not point.label.endswith((":", "："))
        assert point.detail == point.detail.strip()
        assert not point.detail.startswith(("*", ":", "："))


@pytest.mark.django_db
def test_it_numbers_key_points_in_order():
    run("load_sample_bank")

    for question in Question.objects.prefetch_related("key_points"):
        positions = [point.position for point in question.key_points.all()]
        assert positions == list(range(1, len(positions) + 1))


@pytest.mark.django_db
def test_loading_the_sample_bank_again_changes_nothing():
    run("load_sample_bank")

    assert run("load_sample_bank") == (
        "created 0, updated 0, unchanged 0\n"
        "skipped 30 that exist already, 0 of them different from the file (edited since, or "
        "the file changed): left as they are\n"
    )
    assert (Question.objects.count(), KeyPoint.objects.count()) == (30, 159)


@pytest.mark.django_db
def test_loading_the_sample_bank_as_a_dry_run_writes_nothing():
    output = run("load_sample_bank", dry_run=True)

    assert output == "created 30, updated 0, unchanged 0\nDry run: nothing was written.\n"
    assert bank_counts() == (0, 0, 0, 0)


# --- Idempotency --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_import_changes_nothing(tmp_path):
    path = write(tmp_path, "pretrained-models.md", SEED_TEXT)
    assert import_file(path) == "created 30, updated 0, unchanged 0\n"

    assert import_file(path) == "created 0, updated 0, unchanged 30\n"
    assert bank_counts() == (1, 0, 30, 159)


@pytest.mark.django_db
def test_it_updates_a_changed_answer(tmp_path):
    path = write(tmp_path, "pretrained-models.md", SEED_TEXT)
    import_file(path)
    question = Question.objects.get(position=5)
    changed = SEED_TEXT.replace("4. **模型性能：**", "4. **模型效果：**")
    write(tmp_path, "pretrained-models.md", changed)

    assert import_file(path) == "created 0, updated 1, unchanged 29\n"
    question.refresh_from_db()
    assert "4. **模型效果：**" in question.reference_answer()
    assert question.key_points.get(position=4).label == "模型效果"
    assert bank_counts() == (1, 0, 30, 159)


@pytest.mark.django_db
def test_it_changes_a_key_point_in_place(tmp_path):
    path = write(tmp_path, "pretrained-models.md", SEED_TEXT)
    import_file(path)
    point = KeyPoint.objects.get(question__position=1, position=2)
    write(tmp_path, "pretrained-models.md", SEED_TEXT.replace("减少数据需求：", "更少数据：", 1))

    assert import_file(path) == "created 0, updated 1, unchanged 29\n"
    point.refresh_from_db()
    assert point.label == "更少数据"


@pytest.mark.django_db
def test_it_removes_a_key_point_that_left_the_answer(tmp_path):
    path = write(tmp_path, "pretrained-models.md", SEED_TEXT)
    import_file(path)
    section = seed_section(2)
    last_item = section[section.index("5. **对话系统：**") :].split("\n", 1)[0] + "\n"
    write(tmp_path, "pretrained-models.md", SEED_TEXT.replace(last_item, ""))

    assert import_file(path) == "created 0, updated 1, unchanged 29\n"
    question = Question.objects.get(position=2)
    assert [point.position for point in question.key_points.all()] == [1, 2, 3, 4]
    assert KeyPoint.objects.count() == 158


@pytest.mark.django_db
def test_it_adds_a_key_point_that_joined_the_answer(tmp_path):
    path = write(tmp_path, "pretrained-models.md", SEED_TEXT)
    import_file(path)
    section = seed_section(2)
    last_item = section[section.index("5. **对话系统：**") :].split("\n", 1)[0] + "\n"
    longer = SEED_TEXT.replace(last_item, last_item + "6. **多模态：** 图文一起理解。\n")
    write(tmp_path, "pretrained-models.md", longer)

    assert import_file(path) == "created 0, updated 1, unchanged 29\n"
    added = Question.objects.get(position=2).key_points.get(position=6)
    assert (added.label, added.detail) == ("多模态", "图文一起理解。")
    assert KeyPoint.objects.count() == 160


@pytest.mark.django_db
def test_it_keeps_what_the_file_does_not_say(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK)
    import_file(path)
    Question.objects.filter(position=1).update(difficulty="hard", is_published=False)
    Question.objects.get(position=1).tags.add(Tag.objects.create(name="basics"))

    assert import_file(path) == "created 0, updated 0, unchanged 2\n"
    question = Question.objects.get(position=1)
    assert (question.difficulty, question.is_published) == ("hard", False)
    assert [tag.name for tag in question.tags.all()] == ["basics"]


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK)

    output = import_file(path, dry_run=True)

    assert output == "created 2, updated 0, unchanged 0\nDry run: nothing was written.\n"
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_dry_run_counts_updates_without_writing_them(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK)
    import_file(path)
    write(tmp_path, "bank.md", SMALL_BANK.replace("微调很常见。", "微调非常常见。"))

    output = import_file(path, dry_run=True, verbosity=2)

    assert output == (
        "update bank:2: explanation\n"
        "created 0, updated 1, unchanged 1\n"
        "Dry run: nothing was written.\n"
    )
    assert Question.objects.get(position=2).explanation == "微调很常见。"


# --- Options and defaults -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_file_name_is_the_default_source_and_topic(tmp_path):
    import_file(write(tmp_path, "my-bank.md", SMALL_BANK))

    question = Question.objects.get(position=1)
    assert (question.external_key, question.source) == ("my-bank:1", "my-bank")
    assert (question.topic.name, question.topic.slug) == ("my-bank", "my-bank")
    assert question.language == "zh-hans"


@pytest.mark.django_db
def test_options_set_the_topic_source_and_language(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK)

    import_file(path, topic="深度学习", topic_slug="deep-learning", source="dl", language="zh-hant")

    question = Question.objects.get(position=2)
    assert (question.external_key, question.source, question.language) == ("dl:2", "dl", "zh-hant")
    assert (question.topic.name, question.topic.slug) == ("深度学习", "deep-learning")


@pytest.mark.django_db
def test_the_topic_slug_defaults_to_the_unicode_slug_of_its_name(tmp_path):
    import_file(write(tmp_path, "bank.md", SMALL_BANK), topic="深度 学习")

    assert Topic.objects.get().slug == "深度-学习"


@pytest.mark.django_db
def test_an_existing_topic_is_reused_by_name(tmp_path):
    topic = Topic.objects.create(name="深度学习", slug="dl")

    import_file(write(tmp_path, "bank.md", SMALL_BANK), topic="深度学习")

    assert list(Topic.objects.all()) == [topic]
    assert Question.objects.filter(topic=topic).count() == 2


@pytest.mark.django_db
def test_a_topic_slug_needs_a_topic(tmp_path):
    message = import_error(write(tmp_path, "bank.md", SMALL_BANK), topic_slug="x")

    assert message == "--topic-slug needs --topic"


# --- Tolerated variations -----------------------------------------------------------------------


def parse(text, name="bank.md", encoding="utf-8", **options):
    return parse_file(name, text.encode(encoding), **options)


def test_it_reads_crlf_line_endings():
    questions = parse(SMALL_BANK.replace("\n", "\r\n"))

    assert [question.title for question in questions] == ["第一题", "第二题"]
    assert questions[0].answer == parse(SMALL_BANK)[0].answer
    assert "\r" not in questions[0].answer


def test_it_reads_a_byte_order_mark():
    questions = parse("\ufeff" + SMALL_BANK)

    assert questions[0].title == "第一题"
    assert questions[0].line == 1


def test_it_reads_half_width_colons():
    text = SMALL_BANK.replace("**题目：**", "**题目:**").replace("**答案：**", "**答案:**")
    text = text.replace("**解析：**", "**解析:**").replace("**泛化：**", "**泛化:**")

    questions = parse(text)

    assert questions[0].prompt == "什么是预训练？"
    assert questions[0].explanation == "先预训练，再微调。"
    assert questions[0].key_points[0] == ("泛化", "学到通用特征。")


def test_it_reads_a_colon_after_the_bold_marker():
    text = SMALL_BANK.replace("**题目：**", "**题目**：").replace("**泛化：**", "**泛化**：")

    questions = parse(text)

    assert questions[0].prompt == "什么是预训练？"
    assert questions[0].key_points[0] == ("泛化", "学到通用特征。")


def test_it_reads_a_full_width_colon_in_the_heading():
    questions = parse(SMALL_BANK.replace("### 题目 1: 第一题", "### 题目 1：第一题"))

    assert (questions[0].position, questions[0].title) == (1, "第一题")


def test_it_ignores_stray_blank_and_whitespace_lines():
    text = "   \n\n \t \n" + SMALL_BANK.replace("\n\n", "\n\n\n\n").replace("\n", "\n  \n", 1)

    questions = parse(text)

    assert [question.title for question in questions] == ["第一题", "第二题"]
    assert questions[0].prompt == "什么是预训练？"
    assert questions[0].key_points == parse(SMALL_BANK)[0].key_points
    assert questions[1].line == text.split("\n").index("### 题目 2: 第二题") + 1


def test_it_reads_an_answer_on_the_marker_line():
    assert parse(SMALL_BANK)[1].answer == "在小数据上继续训练。"


def test_it_reads_a_prompt_over_several_lines():
    text = SMALL_BANK.replace("**题目：** 什么是微调？", "**题目：**\n什么是微调？\n请举例。")

    assert parse(text)[1].prompt == "什么是微调？\n请举例。"


def test_it_reads_a_question_without_an_explanation():
    text = SMALL_BANK.replace("\n**解析：** 微调很常见。\n", "")

    assert parse(text)[1].explanation == ""


def test_it_reads_an_item_without_a_label():
    key_points = parse(SMALL_BANK)[0].key_points

    assert key_points == [("泛化", "学到通用特征。"), ("", "没有标签的一点。")]


def test_it_ignores_text_before_and_after_the_numbered_list():
    answer = "开头一段。\n\n**优点：**\n\n1. **甲：** 一。\n2. **乙：** 二。\n\n总结一段。"

    assert key_points_from_answer(answer) == [("甲", "一。"), ("乙", "二。")]


def test_indented_lines_continue_an_item():
    answer = "1. **甲：** 第一行\n   第二行\n   - 小点\n2. 乙\n\n   不是乙的。"

    assert key_points_from_answer(answer) == [("甲", "第一行\n第二行\n- 小点"), ("", "乙")]


def test_a_bold_word_without_a_colon_is_not_a_label():
    assert key_points_from_answer("1. **BERT** is a model.") == [("", "**BERT** is a model.")]


def test_it_reads_english_headings_and_markers():
    text = """\
### Question 7: What is fine-tuning?

**Question:** Explain fine-tuning.

**Answer:**

Training a pre-trained model further.

1. **Data:** a small labelled set.
2. **Learning rate:** smaller than in pre-training.

**Explanation:** It adapts general features to a task.
"""
    question = parse(text, name="english.md")[0]

    assert (question.external_key, question.position) == ("english:7", 7)
    assert question.title == "What is fine-tuning?"
    assert question.prompt == "Explain fine-tuning."
    assert question.explanation == "It adapts general features to a task."
    assert question.key_points[1] == ("Learning rate", "smaller than in pre-training.")
    assert question.language == "en"


def test_it_detects_markdown_by_content():
    assert len(parse(SMALL_BANK, name="bank.notes")) == 2


def test_code_in_an_answer_is_not_a_key_point():
    answer = "1. **甲：** 一。\n```\n    code()\n2. 不是要点\n```\n2. **乙：** 二。"

    assert key_points_from_answer(answer) == [("甲", "一。"), ("乙", "二。")]


def test_errors_in_english_questions_name_english_markers():
    text = "### Question 1: Title\n\n**Question:** Why?\n\n**Explanation:** Because.\n"

    with pytest.raises(ImportFileError) as error:
        parse(text, name="english.md")

    assert error.value.errors == [("english.md", 1, "the question has no **Answer:** section")]


def test_it_keeps_code_fences_whole():
    text = SMALL_BANK.replace("预训练是先在大数据上训练。", "```python\n# 注释\n1. 不是要点\n```")

    question = parse(text)[0]

    assert question.answer.startswith("```python\n# 注释\n1. 不是要点\n```")
    assert len(question.key_points) == 2


# --- Malformed files ----------------------------------------------------------------------------


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.django_db
def test_a_question_without_an_answer_is_an_error(tmp_path):
    text = SMALL_BANK.replace("**答案：** 在小数据上继续训练。", "")
    path = write(tmp_path, "bank.md", text)

    message = import_error(path)

    line = line_of(text, "### 题目 2")
    assert message == f"{path}:{line}: the question has no **答案：** section"
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_an_empty_title_is_an_error(tmp_path):
    text = SMALL_BANK.replace("### 题目 2: 第二题", "### 题目 2:   ")
    path = write(tmp_path, "bank.md", text)

    message = import_error(path)

    assert message == f"{path}:{line_of(text, '### 题目 2')}: the question has an empty title"
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_duplicate_question_number_is_an_error(tmp_path):
    text = SMALL_BANK.replace("### 题目 2:", "### 题目 1:")
    path = write(tmp_path, "bank.md", text)

    message = import_error(path)

    line = line_of(text, "### 题目 1: 第二题")
    assert message == f"{path}:{line}: duplicate question number 1 (first on line 1)"
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_an_error(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK, encoding="gb18030")

    message = import_error(path)

    assert message == f"{path}:1: the file is not UTF-8 text"
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_the_error_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "bank.md"
    path.write_bytes(b"\n\n### Question 1: ok\n\xff\n")

    assert import_error(path) == f"{path}:4: the file is not UTF-8 text"


@pytest.mark.django_db
def test_an_unknown_format_is_an_error(tmp_path):
    path = write(tmp_path, "bank.csv", "title,prompt,answer\na,b,c\n")

    message = import_error(path)

    assert message.startswith(f"{path}:1: unknown format")
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_markdown_without_questions_is_an_error(tmp_path):
    path = write(tmp_path, "notes.md", "# Notes\n\nNothing here.\n")

    assert import_error(path).startswith(f"{path}:1: no questions found")


@pytest.mark.django_db
def test_a_heading_without_a_number_is_an_error(tmp_path):
    text = SMALL_BANK.replace("### 题目 2: 第二题", "### 题目二: 第二题")
    path = write(tmp_path, "bank.md", text)

    line = line_of(text, "### 题目二")
    assert import_error(path).startswith(f"{path}:{line}: the heading has no question number")


@pytest.mark.django_db
def test_text_before_the_prompt_is_an_error(tmp_path):
    text = SMALL_BANK.replace("### 题目 2: 第二题\n", "### 题目 2: 第二题\n多余的一行\n")
    path = write(tmp_path, "bank.md", text)

    message = import_error(path)

    assert (
        message == f"{path}:{line_of(text, '多余')}: unexpected text before the **题目：** marker"
    )


@pytest.mark.django_db
def test_it_reports_every_error_of_a_file(tmp_path):
    text = SMALL_BANK.replace("### 题目 1: 第一题", "### 题目 1:").replace(
        "**答案：** 在小数据上继续训练。", ""
    )
    path = write(tmp_path, "bank.md", text)

    message = import_error(path)

    assert message.split("\n") == [
        f"{path}:1: the question has an empty title",
        f"{path}:{line_of(text, '### 题目 2')}: the question has no **答案：** section",
    ]


@pytest.mark.django_db
def test_a_bad_second_file_imports_nothing(tmp_path):
    good = write(tmp_path, "good.md", SMALL_BANK)
    bad = write(tmp_path, "bad.md", SMALL_BANK.replace("### 题目 2: 第二题", "### 题目 2:"))

    message = import_error(good, bad)

    assert message.startswith(f"{bad}:")
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_errors_of_several_files_are_reported_together(tmp_path):
    first = write(tmp_path, "first.json", "{")
    second = write(tmp_path, "second.md", "# nothing\n")

    lines = import_error(first, second).split("\n")

    assert [line.split(":")[0] for line in lines] == [str(first), str(second)]


@pytest.mark.django_db
def test_a_bad_file_leaves_an_existing_bank_unchanged(tmp_path):
    run("load_sample_bank")
    before = bank_counts()
    good = write(tmp_path, "good.md", SMALL_BANK)
    bad = write(tmp_path, "bad.json", '{"questions": [{"title": "x"}]}')

    import_error(good, bad)

    assert bank_counts() == before


@pytest.mark.django_db
def test_the_same_key_in_two_files_is_an_error(tmp_path):
    first = write(tmp_path, "first.md", SMALL_BANK)
    second = write(tmp_path, "second.md", SMALL_BANK)

    message = import_error(first, second, source="same")

    assert message.split("\n")[0] == (
        f"{second}:1: external key 'same:1' is also used at {first}:1"
    )
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_missing_file_is_an_error(tmp_path):
    path = tmp_path / "missing.md"

    assert import_error(path) == f"{path}: cannot read the file (No such file or directory)"


# --- JSON ---------------------------------------------------------------------------------------


def json_bank(*questions):
    return json.dumps(
        {"format": "interview-prep-questions", "version": 1, "questions": list(questions)},
        ensure_ascii=False,
        indent=2,
    )


def json_question(number, **fields):
    return {
        "external_key": f"json:{number}",
        "title": f"Question {number}",
        "prompt": f"Prompt {number}",
        "answer": f"Answer {number}",
        **fields,
    }


@pytest.mark.django_db
def test_it_imports_json_with_tags_and_key_points(tmp_path):
    text = json_bank(
        json_question(
            1,
            topic={"name": "Databases", "slug": "db"},
            difficulty="hard",
            is_published=False,
            tags=["sql", "indexes"],
            key_points=[
                {"position": 2, "label": "", "detail": "second"},
                {"position": 1, "label": "First", "detail": "first"},
            ],
        ),
        json_question(2, tags=["sql"]),
    )

    output = import_file(write(tmp_path, "bank.json", text))

    assert output == "created 2, updated 0, unchanged 0\n"
    first = Question.objects.get(external_key="json:1")
    assert (first.topic.name, first.topic.slug) == ("Databases", "db")
    assert (first.difficulty, first.is_published, first.language) == ("hard", False, "en")
    assert sorted(tag.name for tag in first.tags.all()) == ["indexes", "sql"]
    assert [point.as_pair() for point in first.key_points.all()] == [
        ("First", "first"),
        ("", "second"),
    ]
    assert Tag.objects.count() == 2
    second = Question.objects.get(external_key="json:2")
    assert (second.topic.name, second.difficulty, second.position) == ("bank", "medium", 2)


@pytest.mark.django_db
def test_it_updates_json_tags_and_key_points(tmp_path):
    path = write(tmp_path, "bank.json", json_bank(json_question(1, tags=["a", "b"])))
    import_file(path)
    changed = json_question(
        1, tags=["b", "c"], key_points=[{"position": 1, "label": "L", "detail": "D"}]
    )
    write(tmp_path, "bank.json", json_bank(changed))

    assert import_file(path) == "created 0, updated 1, unchanged 0\n"
    question = Question.objects.get()
    assert [tag.name for tag in question.tags.all()] == ["b", "c"]
    assert [point.as_pair() for point in question.key_points.all()] == [("L", "D")]
    assert import_file(path) == "created 0, updated 0, unchanged 1\n"


def found(term):
    """External keys of the questions search finds for the term."""
    questions = search.matching(Question.objects.all(), [term])
    return sorted(questions.values_list("external_key", flat=True))


def search_texts():
    return dict(Question.objects.values_list("pk", "search_text"))


@pytest.mark.django_db
def test_search_finds_what_an_import_wrote_and_not_what_it_replaced(tmp_path):
    # Key points that are not in the answer: only search_text holds them.
    zebra, okapi = {"label": "Zebra", "detail": "stripes"}, {"label": "Okapi", "detail": "forest"}
    path = write(tmp_path, "bank.json", json_bank(json_question(1, key_points=[zebra, okapi])))
    import_file(path)
    assert found("stripes") == found("okapi") == ["json:1"]

    # A new title and a key point changed in place.
    spots = {"label": "Zebra", "detail": "spots"}
    changed = json_question(1, title="Renamed", key_points=[spots, okapi])
    write(tmp_path, "bank.json", json_bank(changed, json_question(2)))
    assert import_file(path) == "created 1, updated 1, unchanged 0\n"
    assert found("renamed") == found("spots") == found("okapi") == ["json:1"]
    assert found("stripes") == []
    assert found("question") == ["json:2"]

    # A key point removed (the import deletes it).
    write(tmp_path, "bank.json", json_bank(json_question(1, key_points=[spots]), json_question(2)))
    assert import_file(path) == "created 0, updated 1, unchanged 1\n"
    assert found("okapi") == []
    # What the import wrote is what the model derives.
    written = search_texts()
    Question.refresh_search_texts(list(written))
    assert search_texts() == written


@pytest.mark.django_db
def test_json_without_key_points_takes_them_from_the_answer(tmp_path):
    question = json_question(1, answer="Intro.\n\n1. **A:** one\n2. two")

    import_file(write(tmp_path, "bank.json", json_bank(question)))

    points = Question.objects.get().key_points.all()
    assert [point.as_pair() for point in points] == [("A", "one"), ("", "two")]


@pytest.mark.django_db
def test_invalid_json_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, "bank.json", '{\n  "questions": [\n    {"title": "x",}\n  ]\n}\n')

    message = import_error(path)

    assert message.startswith(f"{path}:3: invalid JSON")
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_json_missing_fields_is_an_error_at_the_question(tmp_path):
    incomplete = {"external_key": "json:2", "title": "Only a title"}
    text = json_bank(json_question(1), incomplete, json_question(3, difficulty="extreme"))
    path = write(tmp_path, "bank.json", text)

    message = import_error(path)

    second = line_of(text, '"external_key": "json:2"') - 1
    third = line_of(text, '"external_key": "json:3"') - 1
    assert message.split("\n") == [
        f'{path}:{second}: the question has no "prompt"',
        f'{path}:{second}: the question has no "answer"',
        f"{path}:{third}: unknown difficulty 'extreme' (use easy, medium, hard)",
    ]
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_json_without_a_questions_list_is_an_error(tmp_path):
    path = write(tmp_path, "bank.json", '{"format": "interview-prep-questions"}')

    assert import_error(path) == f'{path}:1: expected an object with a "questions" list'


@pytest.mark.django_db
def test_json_of_another_format_is_an_error(tmp_path):
    path = write(tmp_path, "bank.json", '{"format": "anki", "questions": []}')

    assert import_error(path).startswith(f"{path}:1: unknown format 'anki'")


def test_it_finds_the_line_of_each_json_question():
    text = '{"version": 1, "questions": [\n{"title": "a", "prompt": "p", "answer": "x"},\n\n' + (
        '  {"title": "b", "prompt": "p", "answer": "y"}]}'
    )

    questions = parse(text, name="lines.json")

    assert [question.line for question in questions] == [2, 4]
    assert [question.external_key for question in questions] == ["lines:1", "lines:2"]


@pytest.mark.django_db
def test_it_imports_ten_thousand_json_questions(tmp_path):
    questions = [
        json_question(
            number,
            tags=[f"tag{number % 7}"],
            key_points=[{"position": 1, "label": "L", "detail": f"D{number}"}],
        )
        for number in range(1, 10_001)
    ]
    path = write(tmp_path, "big.json", json_bank(*questions))

    out, err = io.StringIO(), io.StringIO()
    call_command("import_questions", str(path), stdout=out, stderr=err)

    # The near-duplicates of so many are recomputed by a worker, queued after commit.
    assert out.getvalue() == "created 10000, updated 0, unchanged 0\n"
    assert err.getvalue().split("\n")[:2] == [
        "1000 of 10000 questions processed",
        "2000 of 10000 questions processed",
    ]
    assert (Question.objects.count(), KeyPoint.objects.count(), Tag.objects.count()) == (
        10_000,
        10_000,
        7,
    )


@pytest.mark.django_db
def test_it_plans_and_writes_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(importing.plan, "BATCH_SIZE", 1)
    monkeypatch.setattr(importing.apply, "BATCH_SIZE", 1)
    path = write(tmp_path, "bank.md", SMALL_BANK)
    import_file(path)
    write(tmp_path, "bank.md", SMALL_BANK.replace("2. 没有标签的一点。", "2. 改过的一点。"))
    done = []

    plan = plan_import(read_files([path]))
    apply_plan(plan, progress=lambda *args: done.append(args))

    assert plan.counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert done == [(1, 2), (2, 2)]
    assert Question.objects.get(position=1).key_points.get(position=2).detail == "改过的一点。"


@pytest.mark.django_db
def test_a_small_import_reports_no_progress(tmp_path):
    err = io.StringIO()
    path = write(tmp_path, "bank.md", SMALL_BANK)

    call_command("import_questions", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == ""


# --- The functions an admin preview page reuses -------------------------------------------------


def test_parse_file_raises_every_problem_with_its_place():
    data = SMALL_BANK.replace("### 题目 1: 第一题", "### 题目 1:").encode()

    with pytest.raises(ImportFileError) as error:
        parse_file("upload.md", data)

    assert error.value.errors == [("upload.md", 1, "the question has an empty title")]


@pytest.mark.django_db
def test_the_plan_lists_the_differences_of_each_question(django_assert_num_queries):
    apply_plan(plan_import(parse(SMALL_BANK)))
    changed = SMALL_BANK.replace("第二题", "第 2 题").replace("2. 没有标签的一点。\n", "")

    # The topics; the questions by external key; their key points; their tags.
    with django_assert_num_queries(4):
        plan = plan_import(parse(changed))

    assert [item.action for item in plan.items] == ["update", "update"]
    first, second = plan.items
    assert first.changes["key_points"] == (
        [("泛化", "学到通用特征。"), ("", "没有标签的一点。")],
        [("泛化", "学到通用特征。")],
    )
    assert "answer" in first.changes
    assert second.changes == {"title": ("第二题", "第 2 题")}
    assert plan.counts == {"created": 0, "updated": 2, "unchanged": 0}


@pytest.mark.django_db
def test_planning_writes_nothing():
    plan = plan_import(parse(SMALL_BANK))

    assert [item.action for item in plan.items] == ["create", "create"]
    assert [topic.pk for topic in plan.new_topics] == [None]
    assert bank_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_renamed_topic_is_a_change(tmp_path):
    path = write(tmp_path, "bank.md", SMALL_BANK)
    import_file(path)

    plan = plan_import(parse(SMALL_BANK, topic="Other"))

    assert plan.items[0].changes == {"topic": ("bank", "Other")}
    apply_plan(plan)
    assert set(Question.objects.values_list("topic__name", flat=True)) == {"Other"}
