"""The importer's problems are told in the language active when the file is read (the editor's,
in the admin), each at the same line whatever the language."""

import json

import pytest
from django.utils import translation

from questions.bank.csv_format import parse_csv
from questions.bank.importing import ImportFileError, parse_file

MARKDOWN = """\
### 题目 1: 第一题
<!-- colour: red -->

**题目：** 什么是预训练？

**答案：**

1. **要点：** 说明。
"""
KNOWN_KEYS = "difficulty, key, language, phrasings, published, source, tags, topic"

DUPLICATE_KEY_JSON = """\
{
  "questions": [
    {
      "title": "T",
      "prompt": "P",
      "title": "Again",
      "answer": "A"
    }
  ]
}
"""

CSV = (
    "external_key,title,prompt,answer,published\r\n"
    'csv:1,One,"A prompt\r\non two lines",An answer,yes\r\n'
    "csv:2,Two,A prompt,An answer,maybe\r\n"
)


def errors_in(language, parse, name, text):
    with translation.override(language), pytest.raises(ImportFileError) as raised:
        parse(name, text.encode())
    return raised.value.errors


def test_an_unknown_metadata_key_is_reported_in_chinese_at_the_same_line():
    [(path, line, message)] = errors_in("zh-hans", parse_file, "bank.md", MARKDOWN)

    assert (path, line) == ("bank.md", 2)
    assert message == f"未知的元数据 'colour: red'（可用的键：{KNOWN_KEYS}）"


def test_the_same_markdown_file_read_in_english_stays_english():
    [(path, line, message)] = errors_in("en", parse_file, "bank.md", MARKDOWN)

    assert (path, line) == ("bank.md", 2)
    assert message == f"unknown metadata 'colour: red' (known: {KNOWN_KEYS})"


def test_a_duplicate_json_key_is_reported_in_chinese_at_its_second_line():
    chinese = errors_in("zh-hans", parse_file, "bank.json", DUPLICATE_KEY_JSON)
    english = errors_in("en", parse_file, "bank.json", DUPLICATE_KEY_JSON)

    assert chinese == [("bank.json", 6, '键 "title" 在同一个对象中出现了两次')]
    assert english == [("bank.json", 6, 'the key "title" appears twice in one object')]


def test_a_csv_cell_error_is_reported_in_chinese_at_the_line_its_row_starts():
    assert errors_in("zh-hans", parse_csv, "bank.csv", CSV) == [
        ("bank.csv", 4, "published 必须是 yes 或 no，不能是 'maybe'")
    ]


def test_a_csv_duplicate_in_chinese_names_the_csv_line_of_the_first_row():
    # The rows are checked as JSON: the line in the message is the CSV file's, not the JSON's.
    text = CSV.replace("maybe", "no") + "csv:1,Again,A prompt,An answer,no\r\n"

    assert errors_in("zh-hans", parse_csv, "bank.csv", text) == [
        ("bank.csv", 5, "外部键 'csv:1' 重复（首次出现在第 2 行）")
    ]
    assert errors_in("en", parse_csv, "bank.csv", text) == [
        ("bank.csv", 5, "duplicate external key 'csv:1' (first on line 2)")
    ]


def test_a_too_long_title_is_reported_in_chinese_with_its_limit():
    text = MARKDOWN.replace("第一题", "长" * 201).replace("<!-- colour: red -->\n", "")

    assert errors_in("zh-hans", parse_file, "bank.md", text) == [
        ("bank.md", 1, "标题超过 200 个字符")
    ]
    assert errors_in("en", parse_file, "bank.md", text) == [
        ("bank.md", 1, "the title is longer than 200 characters")
    ]


def test_the_messages_are_plain_text_that_an_import_job_can_store():
    question = {"title": "长" * 201, "prompt": "", "answer": "A", "tags": ["two\nlines"]}
    text = json.dumps({"questions": [question]})

    errors = errors_in("zh-hans", parse_file, "bank.json", text)

    # Made in Chinese, they stay Chinese outside the override, and serialise as JSON.
    assert [message for _path, _line, message in errors] == [
        "题目为空",
        "标题超过 200 个字符",
        "标签必须只有一行",
    ]
    assert all(type(message) is str for _path, _line, message in errors)
    assert json.loads(json.dumps(errors, ensure_ascii=False)) == [list(error) for error in errors]
