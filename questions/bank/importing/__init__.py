"""Reading question banks from files and writing them into the database.

Three steps, so an admin preview page can stop after the second one:

- parse_file() turns the bytes of one file into ParsedQuestion objects, or raises
  ImportFileError listing every problem in the file;
- plan_import() compares parsed questions with the database, without writing;
- apply_plan() writes a plan in one transaction, with bulk queries.

Two formats are read. Markdown is the seed document's format:

    ### 题目 1: title
    **题目：** prompt
    **答案：**
    answer, whose numbered items `1. **label：** detail` are the key points
    **解析：** explanation

(or `### Question 1:` with **Question:**, **Answer:**, **Explanation:**), optionally with a
`<!-- key: …; topic: …; … -->` line after the heading, as export_questions writes it.
JSON is what export_questions writes: {"format": JSON_FORMAT, "version": 1, "questions": […]}.

The steps live in their own modules: records (what a parsed file holds, the limits), parse (files
to records, both formats' shared checks), markdown and json_format (one format each), plan and
apply. This package exposes the names its callers use.
"""

from questions.bank.importing.apply import apply_plan
from questions.bank.importing.markdown import key_points_from_answer
from questions.bank.importing.parse import parse_file, read_files
from questions.bank.importing.plan import ImportPlan, PlannedQuestion, plan_import, summary_line
from questions.bank.importing.records import (
    CREATE,
    JSON_FORMAT,
    JSON_VERSION,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ParsedQuestion,
    prepare,
)

__all__ = [
    "CREATE",
    "JSON_FORMAT",
    "JSON_VERSION",
    "UNCHANGED",
    "UPDATE",
    "ImportFileError",
    "ImportPlan",
    "ParsedQuestion",
    "prepare",
    "PlannedQuestion",
    "apply_plan",
    "key_points_from_answer",
    "parse_file",
    "plan_import",
    "read_files",
    "summary_line",
]
