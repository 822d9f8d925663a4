"""Questions as CSV, one row per question, for editors who work in a spreadsheet.

The first row names the columns, in any order; only title, prompt and answer are required:

    external_key, topic, topic_slug, title, prompt, answer, explanation, difficulty,
    language, source, position, published, tags, key_points, phrasings

tags are separated by commas. key_points holds one key point per line, `label: detail`
(`: detail` for a point without a label); a line that starts with a space continues the
detail above it. Without a key_points column the key points come from the answer's numbered
list, as in markdown. phrasings holds the key points' accepted phrasings, one per line,
`N: phrasing` for key point N (it needs the key_points column). Empty cells
mean what a missing JSON field means: the file does not say.

questions.bank.importing reads markdown and JSON only, so a CSV file is turned into that JSON
and checked by the same parser. Each question is put on the line where its row starts, so that
the parser's errors, and the lines they refer to, are the CSV file's lines as they are.

Spreadsheets run a cell that starts with = + - @ as a formula: every text cell is written
through spreadsheets.protect() (a leading apostrophe) and read through unprotect(), so that an
export opens safely and imports back unchanged.
"""

import csv
import io
import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from questions import spreadsheets
from questions.bank.importing.parse import parse_file
from questions.bank.importing.records import JSON_FORMAT, JSON_VERSION, ImportFileError

CSV_SUFFIX = ".csv"
COLUMNS = [
    "external_key",
    "topic",
    "topic_slug",
    "title",
    "prompt",
    "answer",
    "explanation",
    "difficulty",
    "language",
    "source",
    "position",
    "published",
    "tags",
    "key_points",
    "phrasings",
]
REQUIRED_COLUMNS = ["title", "prompt", "answer"]
# Copied into the JSON question as they are, when the cell is not empty.
TEXT_COLUMNS = ["external_key", "title", "prompt", "answer", "explanation", "difficulty"]
OPTIONAL_TEXT_COLUMNS = ["language", "source"]
YES = {"yes", "true", "1", "y"}
NO = {"no", "false", "0", "n"}
POINT_SEPARATOR_RE = re.compile(r"[:：]")


def is_csv(name):
    return str(name).lower().endswith(CSV_SUFFIX)


# --- Reading ------------------------------------------------------------------------------------


def parse_csv(path, data, **options):
    """Parse the bytes of a CSV file into importing.ParsedQuestion objects.

    Takes parse_file()'s options (source, topic, topic_slug, language) and raises
    ImportFileError listing every problem, each with the CSV line of its row.
    """
    path = str(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError([(path, line, _("the file is not UTF-8 text"))]) from None

    errors, questions, row_lines = [], [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header, header_end = _header(reader, path, errors)
        previous_end = header_end
        for row in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            question = _question_from_row(path, line, header, row, len(questions) + 1, errors)
            if question is not None:
                questions.append(question)
                row_lines.append(line)
    except csv.Error as error:
        errors.append((path, reader.line_num, _("invalid CSV: %(error)s") % {"error": error}))
    if errors:
        raise ImportFileError(sorted(errors, key=lambda error: error[1] or 0))
    return _parse_as_json(path, questions, row_lines, options)


def _header(reader, path, errors):
    header = next(reader, None)
    if header is None:
        raise ImportFileError([(path, 1, _("the file is empty: expected a header row"))])
    header = [name.strip().lower() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        message = _("unknown columns %(columns)s (known: %(known)s)") % {
            "columns": ", ".join(unknown),
            "known": ", ".join(COLUMNS),
        }
        errors.append((path, 1, message))
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        message = _("missing columns %(columns)s") % {"columns": ", ".join(missing)}
        errors.append((path, 1, message))
    if len(set(header)) != len(header):
        errors.append((path, 1, _("a column is named twice")))
    if errors:
        raise ImportFileError(errors)
    return header, reader.line_num


def _question_from_row(path, line, header, row, number, errors):
    if len(row) != len(header):
        message = ngettext(
            "expected %(expected)d cell, found %(found)d",
            "expected %(expected)d cells, found %(found)d",
            len(header),
        ) % {"expected": len(header), "found": len(row)}
        errors.append((path, line, message))
        return None
    cells = dict(zip(header, map(spreadsheets.unprotect, row), strict=True))
    question = {name: cells[name] for name in TEXT_COLUMNS if cells.get(name, "").strip()}
    for name in REQUIRED_COLUMNS:
        question.setdefault(name, "")
    for name in OPTIONAL_TEXT_COLUMNS:
        if cells.get(name, "").strip():
            question[name] = cells[name].strip()
    # Cells round-trip exactly, but spreadsheets like to pad short ones with spaces.
    for name in ("external_key", "title", "difficulty"):
        if name in question:
            question[name] = question[name].strip()

    position = cells.get("position", "").strip()
    if position:
        if not position.isdigit():
            message = _("position must be a whole number, 0 or more, not %(value)s") % {
                "value": repr(position)
            }
            errors.append((path, line, message))
            return None
        question["position"] = int(position)
    else:
        question["position"] = number

    published = cells.get("published", "").strip().lower()
    if published in YES:
        question["is_published"] = True
    elif published in NO:
        question["is_published"] = False
    elif published:
        message = _("published must be yes or no, not %(value)s") % {"value": repr(published)}
        errors.append((path, line, message))
        return None

    if topic := cells.get("topic", "").strip():
        question["topic"] = {"name": topic}
        if slug := cells.get("topic_slug", "").strip():
            question["topic"]["slug"] = slug
    if "tags" in cells:
        question["tags"] = [tag.strip() for tag in cells["tags"].split(",") if tag.strip()]
    if "key_points" in cells:
        question["key_points"] = [
            {"position": position, "label": label, "detail": detail}
            for position, (label, detail) in enumerate(parse_key_points(cells["key_points"]), 1)
        ]
    if cells.get("phrasings", "").strip():
        if "key_points" not in question:
            errors.append((path, line, _("phrasings need a key_points column")))
            return None
        phrasings = _parse_phrasings(cells["phrasings"])
        if phrasings is None or max(phrasings, default=0) > len(question["key_points"]):
            errors.append(
                (
                    path,
                    line,
                    _("phrasings: expected lines `N: phrasing`, N a key point's number"),
                )
            )
            return None
        for position, point in enumerate(question["key_points"], 1):
            point["phrasings"] = phrasings.get(position, [])
    return question


def _parse_phrasings(cell):
    """{position: [phrasing, …]} from a phrasings cell, or None when a line is malformed."""
    phrasings = {}
    for line in cell.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        position, separator, values = line.partition(":")
        if not separator or not position.strip().isdigit() or int(position) < 1:
            return None
        if values.strip():
            phrasings.setdefault(int(position), []).append(values.strip())
    return phrasings


def parse_key_points(cell):
    """[(label, detail), …] from a key_points cell."""
    points = []
    for line in cell.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        if line[:1].isspace() and points:
            label, detail = points[-1]
            points[-1] = (label, f"{detail}\n{line.strip()}" if detail else line.strip())
            continue
        separator = POINT_SEPARATOR_RE.search(line)
        if separator:
            points.append((line[: separator.start()].strip(), line[separator.end() :].strip()))
        else:
            points.append(("", line.strip()))
    return points


def _parse_as_json(path, questions, row_lines, options):
    if not questions:
        raise ImportFileError([(path, 1, _("no questions found: the file has only a header row"))])
    # Line 1 opens the document (the header's line); blank lines put each question on the line
    # its row starts on (rows start at line 2 or later, in order), so that the parser's line
    # numbers, in its messages too ("first on line 2"), need no translating back.
    parts, line = [], 1
    for question, row_line in zip(questions, row_lines, strict=True):
        parts.append("\n" * (row_line - line) + json.dumps(question, ensure_ascii=False))
        line = row_line
    document = (
        f'{{"format": "{JSON_FORMAT}", "version": {JSON_VERSION}, "questions": ['
        + ",".join(parts)
        + "\n]}\n"
    )
    return parse_file(path, document.encode(), **options)


# --- Writing ------------------------------------------------------------------------------------


def to_csv(questions):
    """The questions (with topic, tags and key points loaded) as CSV text, every column."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for question in questions:
        cells = [
            question.external_key,
            question.topic.name,
            question.topic.slug,
            question.title,
            question.prompt,
            question.reference_answer(),
            question.explanation,
            question.difficulty,
            question.language,
            question.source,
            question.position,
            "yes" if question.is_published else "no",
            ", ".join(sorted(tag.name for tag in question.tags.all())),
            format_key_points(point.as_pair() for point in question.key_points.all()),
            format_phrasings(question.key_points.all()),
        ]
        writer.writerow([spreadsheets.protect(str(cell)) for cell in cells])
    return buffer.getvalue()


def format_key_points(points):
    lines = []
    for label, detail in points:
        first, *rest = (detail or "").split("\n")
        lines.append(f"{label}: {first}".rstrip() if label else f": {first}".rstrip())
        lines.extend(f"  {line}" for line in rest)
    return "\n".join(lines)


def format_phrasings(points):
    return "\n".join(
        f"{position}: {phrasing}"
        for position, point in enumerate(points, 1)
        for phrasing in point.phrasing_list()
    )
