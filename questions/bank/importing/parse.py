import re
from pathlib import Path, PurePath

from django.utils.text import slugify

from questions.bank.importing.json_format import _parse_json
from questions.bank.importing.markdown import QUESTION_HEADING_RE, _parse_markdown
from questions.bank.importing.records import (
    JSON_SUFFIXES,
    MARKDOWN_SUFFIXES,
    MAX_LENGTHS,
    SLUG_RE,
    ImportFileError,
    _Options,
)
from questions.bank.models import Difficulty

# PositiveIntegerField's range on PostgreSQL (SQLite would take more; the bank must move).
MAX_POSITION = 2**31 - 1
SURROGATE_RE = re.compile("[\ud800-\udfff]")


def read_files(paths, **options):
    """Parse every file; raise one ImportFileError listing the problems of all of them."""
    parsed, errors = [], []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            errors.append((str(path), None, f"cannot read the file ({error.strerror})"))
            continue
        try:
            parsed.extend(parse_file(path, data, **options))
        except ImportFileError as error:
            errors.extend(error.errors)
    if errors:
        raise ImportFileError(errors)
    return parsed


def parse_file(path, data, *, source=None, topic=None, topic_slug=None, language=None):
    """Parse the bytes of one file (path only names it: its suffix and stem matter).

    source, topic (a name), topic_slug and language, when given, apply to every question.
    Otherwise the file says, or the defaults apply: source and topic name are the file's stem,
    the language is zh-hans when the text has CJK characters, else en.
    """
    path = str(path)
    options = _Options(
        label=source or PurePath(path).stem,
        source=source,
        topic=(topic, topic_slug or slugify(topic, allow_unicode=True)) if topic else None,
        language=language,
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError([(path, line, "the file is not UTF-8 text")]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    errors = []
    kind = _detect_format(path, text)
    if kind == "json":
        questions = _parse_json(path, text, options, errors)
    elif kind == "markdown":
        questions = _parse_markdown(path, text, options, errors)
    else:
        questions = []
        errors.append(
            (
                path,
                1,
                "unknown format: use .md, .markdown, .txt or .json, or '### 题目 N:' headings",
            )
        )
    for question in questions:
        errors.extend((path, question.line, problem) for problem in _problems(question))
    errors.extend(_duplicates(path, questions))
    if errors:
        raise ImportFileError(sorted(errors, key=lambda error: error[1] or 0))
    return questions


def _detect_format(path, text):
    suffix = PurePath(path).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in JSON_SUFFIXES:
        return "json"
    if text.lstrip().startswith(("{", "[")):
        return "json"
    if any(QUESTION_HEADING_RE.match(line) for line in text.split("\n")):
        return "markdown"
    return None


def _problems(question):
    """What is wrong with a question whatever its format."""
    problems = []
    for name in ("title", "prompt", "answer"):
        if not getattr(question, name):
            problems.append(f"the {name} is empty")
    if question.difficulty is not None and question.difficulty not in Difficulty.values:
        problems.append(
            f"unknown difficulty {question.difficulty!r} (use {', '.join(Difficulty.values)})"
        )
    if not SLUG_RE.match(question.topic_slug):
        problems.append(f"the topic slug {question.topic_slug!r} is not a valid slug")
    values = {
        "title": [question.title],
        "external_key": [question.external_key],
        "source": [question.source],
        "language": [question.language],
        "topic name": [question.topic_name],
        "topic slug": [question.topic_slug],
        "tag": question.tags or [],
        "key point label": [label for label, _ in question.key_points],
    }
    for name, texts in values.items():
        for text in texts:
            if len(text) > MAX_LENGTHS[name]:
                problems.append(f"the {name} is longer than {MAX_LENGTHS[name]} characters")
            # Every export writes these on one line (markdown headings, CSV cells, metadata).
            if text != " ".join(text.splitlines()):
                problems.append(f"the {name} must be one line")
    if not question.language:
        problems.append("the language is empty")
    if not 0 <= question.position <= MAX_POSITION:
        problems.append(f"the position must be a whole number from 0 to {MAX_POSITION}")
    texts = [
        question.title,
        question.prompt,
        question.answer,
        question.explanation,
        *values["external_key"],
        *values["source"],
        *values["topic name"],
        *values["tag"],
        *(text for point in question.key_points for text in point),
    ]
    # Neither can be stored: PostgreSQL refuses NUL in text, and a lone surrogate (a JSON
    # "\ud800" escape) is not UTF-8.
    if any("\x00" in text for text in texts):
        problems.append("the question contains a NUL character")
    if any(SURROGATE_RE.search(text) for text in texts):
        problems.append("the question contains a lone surrogate escape (\\ud800 to \\udfff)")
    return problems


def _duplicates(path, questions):
    first_lines = {}
    for question in questions:
        key = question.external_key
        if key not in first_lines:
            first_lines[key] = question.line
        elif key == f"{question.source}:{question.position}":
            yield (
                path,
                question.line,
                f"duplicate question number {question.position} (first on line {first_lines[key]})",
            )
        else:
            yield (
                path,
                question.line,
                f"duplicate external key {key!r} (first on line {first_lines[key]})",
            )
