"""The importer refuses what it cannot store, each problem named with its file and line: section
markers out of order, negative positions, texts longer than their columns."""

import json

import pytest

from questions.bank.importing import ImportFileError, parse_file


def errors_of(name, text):
    with pytest.raises(ImportFileError) as raised:
        parse_file(name, text.encode())
    return raised.value.errors


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


QUESTION = """\
### 题目 1: 第一题

**题目：** 什么是预训练？

**答案：**

1. **要点：** 说明。

**解析：** 解释。
"""


# --- Markers out of order -----------------------------------------------------------------------


def test_an_answer_marker_after_the_explanation_is_an_error_at_its_line():
    text = QUESTION.replace("**解析：** 解释。", "**解析：** 解释。\n\n**答案：** 又一个答案。")

    assert errors_of("bank.md", text) == [
        ("bank.md", line_of(text, "**答案：** 又一个"), "unexpected **答案：** marker here")
    ]


def test_a_second_prompt_marker_is_an_error_at_its_line():
    text = QUESTION.replace("**答案：**\n", "**题目：** 再问一次。\n\n**答案：**\n")

    assert errors_of("bank.md", text) == [
        ("bank.md", line_of(text, "**题目：** 再问"), "unexpected **题目：** marker here")
    ]


def test_an_explanation_before_the_answer_is_an_error_in_english_too():
    text = (
        "### Question 1: First\n\n**Question:** Why?\n\n**Explanation:** Because.\n\n"
        "**Answer:**\n\n1. **Point:** detail\n"
    )

    errors = errors_of("bank.md", text)

    assert ("bank.md", line_of(text, "**Answer:**"), "unexpected **Answer:** marker here") in (
        errors
    )


# --- Negative positions -------------------------------------------------------------------------


def json_bank(**fields):
    question = {"title": "T", "prompt": "P", "answer": "1. **A:** a", **fields}
    return json.dumps(
        {"format": "interview-prep-questions", "version": 1, "questions": [question]}, indent=2
    )


def test_a_negative_question_position_is_an_error_at_the_question():
    text = json_bank(position=-1)

    assert errors_of("bank.json", text) == [
        ("bank.json", line_of(text, '"title"') - 1, '"position" must be a whole number, 0 or more')
    ]


def test_a_negative_question_number_in_a_markdown_heading_is_an_error_at_the_heading():
    text = QUESTION.replace("### 题目 1:", "### 题目 -1:")

    errors = errors_of("bank.md", text)

    assert ("bank.md", 1, "the heading has no question number ('### 题目 N: title')") in errors


# --- Length limits ------------------------------------------------------------------------------


def test_a_title_longer_than_its_column_is_an_error_at_the_heading():
    text = "\n\n" + QUESTION.replace("第一题", "题" * 201)

    assert errors_of("bank.md", text) == [("bank.md", 3, "the title is longer than 200 characters")]


def test_a_key_point_label_longer_than_its_column_is_an_error_at_its_question():
    text = (
        QUESTION + "\n" + QUESTION.replace("1:", "2:").replace("**要点：**", f"**{'长' * 201}：**")
    )

    assert errors_of("bank.md", text) == [
        (
            "bank.md",
            line_of(text, "### 题目 2"),
            "the key point label is longer than 200 characters",
        )
    ]


def test_a_tag_longer_than_its_column_is_an_error_at_its_question():
    text = json_bank(tags=["t" * 61])

    assert errors_of("bank.json", text) == [
        ("bank.json", line_of(text, '"title"') - 1, "the tag is longer than 60 characters")
    ]


def test_texts_at_their_limits_are_accepted():
    text = QUESTION.replace("第一题", "题" * 200).replace("**要点：**", f"**{'长' * 200}：**")

    (question,) = parse_file("bank.md", text.encode())

    assert len(question.title) == 200
    assert len(question.key_points[0][0]) == 200
