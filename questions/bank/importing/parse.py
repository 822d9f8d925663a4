import re
from pathlib import Path, PurePath

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

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

# One whole sentence per field, for the translators. Lazy, so that each is translated when a
# problem is reported, in the language active then (formatting it makes a plain str).
EMPTY = {
    "title": gettext_lazy("the title is empty"),
    "prompt": gettext_lazy("the prompt is empty"),
    "answer": gettext_lazy("the answer is empty"),
}
TOO_LONG = {
    "title": ngettext_lazy(
        "the title is longer than %(limit)d character",
        "the title is longer than %(limit)d characters",
        "limit",
    ),
    "external_key": ngettext_lazy(
        "the external_key is longer than %(limit)d character",
        "the external_key is longer than %(limit)d characters",
        "limit",
    ),
    "source": ngettext_lazy(
        "the source is longer than %(limit)d character",
        "the source is longer than %(limit)d characters",
        "limit",
    ),
    "language": ngettext_lazy(
        "the language is longer than %(limit)d character",
        "the language is longer than %(limit)d characters",
        "limit",
    ),
    "topic name": ngettext_lazy(
        "the topic name is longer than %(limit)d character",
        "the topic name is longer than %(limit)d characters",
        "limit",
    ),
    "topic slug": ngettext_lazy(
        "the topic slug is longer than %(limit)d character",
        "the topic slug is longer than %(limit)d characters",
        "limit",
    ),
    "tag": ngettext_lazy(
        "the tag is longer than %(limit)d character",
        "the tag is longer than %(limit)d characters",
        "limit",
    ),
    "key point label": ngettext_lazy(
        "the key point label is longer than %(limit)d character",
        "the key point label is longer than %(limit)d characters",
        "limit",
    ),
}
NOT_ONE_LINE = {
    "title": gettext_lazy("the title must be one line"),
    "external_key": gettext_lazy("the external_key must be one line"),
    "source": gettext_lazy("the source must be one line"),
    "language": gettext_lazy("the language must be one line"),
    "topic name": gettext_lazy("the topic name must be one line"),
    "topic slug": gettext_lazy("the topic slug must be one line"),
    "tag": gettext_lazy("the tag must be one line"),
    "key point label": gettext_lazy("the key point label must be one line"),
}


def read_files(paths, **options):
    """Parse every file; raise one ImportFileError listing the problems of all of them."""
    parsed, errors = [], []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            errors.append(
                (
                    str(path),
                    None,
                    _("cannot read the file (%(reason)s)") % {"reason": error.strerror},
                )
            )
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
        raise ImportFileError([(path, line, _("the file is not UTF-8 text"))]) from None
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
                _("unknown format: use .md, .markdown, .txt or .json, or '### 题目 N:' headings"),
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
            problems.append(str(EMPTY[name]))
    if question.difficulty is not None and question.difficulty not in Difficulty.values:
        problems.append(
            _("unknown difficulty %(difficulty)s (use %(choices)s)")
            % {"difficulty": repr(question.difficulty), "choices": ", ".join(Difficulty.values)}
        )
    if not SLUG_RE.match(question.topic_slug):
        problems.append(
            _("the topic slug %(slug)s is not a valid slug") % {"slug": repr(question.topic_slug)}
        )
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
                problems.append(TOO_LONG[name] % {"limit": MAX_LENGTHS[name]})
            # Every export writes these on one line (markdown headings, CSV cells, metadata).
            if text != " ".join(text.splitlines()):
                problems.append(str(NOT_ONE_LINE[name]))
    if not question.language:
        problems.append(_("the language is empty"))
    if not 0 <= question.position <= MAX_POSITION:
        problems.append(
            _("the position must be a whole number from 0 to %(maximum)s")
            % {"maximum": MAX_POSITION}
        )
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
        problems.append(_("the question contains a NUL character"))
    if any(SURROGATE_RE.search(text) for text in texts):
        problems.append(_("the question contains a lone surrogate escape (\\ud800 to \\udfff)"))
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
                _("duplicate question number %(number)s (first on line %(line)s)")
                % {"number": question.position, "line": first_lines[key]},
            )
        else:
            yield (
                path,
                question.line,
                _("duplicate external key %(key)s (first on line %(line)s)")
                % {"key": repr(key), "line": first_lines[key]},
            )
