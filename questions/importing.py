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
"""

import json
import re
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from . import edits
from .models import Difficulty, KeyPoint, Question, Tag, Topic

JSON_FORMAT = "interview-prep-questions"
JSON_VERSION = 1
MARKDOWN_SUFFIXES = {".md", ".markdown", ".txt"}
JSON_SUFFIXES = {".json"}

# Bulk queries and progress reports go this many questions at a time.
BATCH_SIZE = 1000

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Field lengths the database enforces (PostgreSQL refuses longer values, SQLite does not):
# checking them up front turns a failed transaction into an error with a line number.
MAX_LENGTHS = {
    "title": 200,
    "external_key": 200,
    "source": 100,
    "language": 10,
    "topic name": 100,
    "topic slug": 100,
    "tag": 60,
    "key point label": 200,
}

HEADING_RE = re.compile(r"^ {0,3}#{1,3}\s")
QUESTION_HEADING_RE = re.compile(
    r"^ {0,3}###\s*(?P<word>题目|question(?![a-z]))"
    r"\s*(?P<number>\d*)\s*[:：]?\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
# A colon (either width) inside or right after the bold part is required, so a bold word that
# merely starts a line of the answer is not taken for a section marker.
MARKER_RE = re.compile(
    r"^\s*\*\*\s*(?P<word>题目|答案|解析|question|answer|explanation)\s*"
    r"(?:[:：]\s*\*\*|\*\*\s*[:：])[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)
SECTIONS = {
    "题目": "prompt",
    "question": "prompt",
    "答案": "answer",
    "answer": "answer",
    "解析": "explanation",
    "explanation": "explanation",
}
SECTION_ORDER = ["prompt", "answer", "explanation"]
SECTION_MARKERS = {
    "题目": {"prompt": "**题目：**", "answer": "**答案：**", "explanation": "**解析：**"},
    "question": {
        "prompt": "**Question:**",
        "answer": "**Answer:**",
        "explanation": "**Explanation:**",
    },
}
METADATA_RE = re.compile(r"^\s*<!--(?P<body>.*)-->\s*$")
METADATA_KEYS = {"key", "source", "topic", "difficulty", "language", "tags", "published"}
FENCE_RE = re.compile(r"^\s*(```|~~~)")
ITEM_RE = re.compile(r"^\d+\.\s+(?P<text>.*)$")
LABEL_RE = re.compile(r"^\*\*(?P<label>[^*\n]+?)\*\*(?P<rest>.*)$", re.DOTALL)
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SLUG_RE = re.compile(r"^[-\w]+$")
TOPIC_WITH_SLUG_RE = re.compile(r"^(?P<name>.+) \((?P<slug>[-\w]+)\)$")
JSON_WHITESPACE_RE = re.compile(r"[ \t\n\r]*")


class ImportFileError(Exception):
    """Problems found in one or more files, each a (path, line, message); line may be None."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(
            "\n".join(
                f"{path}:{line}: {message}" if line else f"{path}: {message}"
                for path, line, message in self.errors
            )
        )


@dataclass
class ParsedQuestion:
    path: str
    line: int
    external_key: str
    title: str
    prompt: str
    answer: str
    explanation: str
    key_points: list  # [(label, detail), …], positions 1..n in order
    source: str
    position: int
    language: str
    topic_name: str
    topic_slug: str
    # None means the file does not say: a new question gets the model default, an existing one
    # keeps what an editor may have set in the admin.
    difficulty: str | None = None
    is_published: bool | None = None
    tags: list | None = None


@dataclass
class PlannedQuestion:
    parsed: ParsedQuestion
    action: str  # CREATE, UPDATE or UNCHANGED
    topic: Topic  # unsaved when the import creates it
    question: Question | None = None  # the existing one, for updates and unchanged
    changes: dict = field(default_factory=dict)  # {field: (old, new)} for updates


@dataclass
class ImportPlan:
    items: list
    new_topics: list

    @property
    def counts(self):
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for item in self.items:
            counts[item.action] += 1
        return {
            "created": counts[CREATE],
            "updated": counts[UPDATE],
            "unchanged": counts[UNCHANGED],
        }


def summary_line(counts):
    return (
        f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}"
    )


# --- Parsing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    label: str  # the source label: --source, else the file's stem
    source: str | None
    topic: tuple | None  # (name, slug) from --topic
    language: str | None

    def source_for(self, given):
        # An empty source in the file is kept: it is what the question had when exported.
        if self.source:
            return self.source
        return self.label if given is None else given

    def topic_for(self, given):
        return self.topic or given or (self.label, slugify(self.label, allow_unicode=True))

    def language_for(self, given, *texts):
        if self.language or given:
            return self.language or given
        return "zh-hans" if any(CJK_RE.search(text) for text in texts) else "en"


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
    if not question.language:
        problems.append("the language is empty")
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


# --- Markdown -----------------------------------------------------------------------------------


def _parse_markdown(path, text, options, errors):
    lines = text.split("\n")
    blocks = _question_blocks(lines)
    if not blocks:
        errors.append((path, 1, "no questions found: expected '### 题目 N: title' headings"))
    questions = []
    for start, end in blocks:
        question = _parse_markdown_question(path, lines, start, end, options, errors)
        if question:
            questions.append(question)
    return questions


def _question_blocks(lines):
    """(heading index, end index) of each question; a heading of level 1 to 3 ends a question."""
    blocks, start, in_fence = [], None, False
    for index, line in enumerate(lines):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if in_fence or not HEADING_RE.match(line):
            continue
        if start is not None:
            blocks.append((start, index))
            start = None
        if QUESTION_HEADING_RE.match(line):
            start = index
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def _parse_markdown_question(path, lines, start, end, options, errors):
    line_number = start + 1
    heading = QUESTION_HEADING_RE.match(lines[start])
    markers = SECTION_MARKERS[heading["word"].lower()]
    found = len(errors)
    if not heading["number"]:
        errors.append(
            (path, line_number, "the heading has no question number ('### 题目 N: title')")
        )
    if not heading["title"]:
        errors.append((path, line_number, "the question has an empty title"))

    metadata, sections, in_fence = {}, {}, False
    for index in range(start + 1, end):
        line = lines[index]
        if FENCE_RE.match(line):
            in_fence = not in_fence
        marker = None if in_fence else MARKER_RE.match(line)
        if marker:
            name = SECTIONS[marker["word"].lower()]
            later = SECTION_ORDER[SECTION_ORDER.index(name) + 1 :]
            if name in sections or any(section in sections for section in later):
                errors.append((path, index + 1, f"unexpected {markers[name]} marker here"))
            else:
                sections[name] = [marker["rest"]]
            continue
        if sections:
            sections[list(sections)[-1]].append(line)
        elif comment := METADATA_RE.match(line):
            metadata.update(_parse_metadata(path, index + 1, comment["body"], errors))
        elif line.strip():
            errors.append(
                (path, index + 1, f"unexpected text before the {markers['prompt']} marker")
            )

    for name in SECTION_ORDER[:2]:
        if name not in sections:
            errors.append((path, line_number, f"the question has no {markers[name]} section"))
    if len(errors) > found:
        return None

    position = int(heading["number"])
    source = options.source_for(metadata.get("source"))
    prompt, answer = "\n".join(sections["prompt"]).strip(), "\n".join(sections["answer"]).strip()
    explanation = "\n".join(sections.get("explanation", [])).strip()
    topic_name, topic_slug = options.topic_for(metadata.get("topic"))
    return ParsedQuestion(
        path=path,
        line=line_number,
        external_key=metadata.get("key") or f"{source}:{position}",
        title=heading["title"],
        prompt=prompt,
        answer=answer,
        explanation=explanation,
        key_points=key_points_from_answer(answer),
        source=source,
        position=position,
        language=options.language_for(
            metadata.get("language"), heading["title"], prompt, answer, explanation
        ),
        topic_name=topic_name,
        topic_slug=topic_slug,
        difficulty=metadata.get("difficulty"),
        is_published=metadata.get("published"),
        tags=metadata.get("tags"),
    )


def _parse_metadata(path, line_number, body, errors):
    """`key: value; key: value`, values percent-escaped where they hold ; , > or %."""
    metadata = {}
    for part in body.split(";"):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        name, value = name.strip().lower(), urllib.parse.unquote(value.strip())
        if not colon or name not in METADATA_KEYS:
            known = ", ".join(sorted(METADATA_KEYS))
            errors.append(
                (path, line_number, f"unknown metadata {part.strip()!r} (known: {known})")
            )
        elif name == "tags":
            metadata["tags"] = _unique(
                urllib.parse.unquote(tag).strip() for tag in part.partition(":")[2].split(",")
            )
        elif name == "topic":
            if match := TOPIC_WITH_SLUG_RE.match(value):
                metadata["topic"] = (match["name"].strip(), match["slug"])
            else:
                metadata["topic"] = (value, slugify(value, allow_unicode=True))
        elif name == "published":
            if value.lower() not in ("yes", "no"):
                errors.append((path, line_number, f"published must be yes or no, not {value!r}"))
            metadata["published"] = value.lower() == "yes"
        else:
            metadata[name] = value
    return metadata


def key_points_from_answer(answer):
    """One (label, detail) per numbered item of the answer, in order.

    `1. **label：** detail` gives (label, detail); an item without a bold label gives
    ("", item text). Indented lines right after an item continue its detail.
    """
    items, in_fence = [], False
    for line in answer.split("\n"):
        code = in_fence or bool(FENCE_RE.match(line))
        if FENCE_RE.match(line):
            in_fence = not in_fence
        item = None if code else ITEM_RE.match(line)
        if item:
            items.append([item["text"].strip()])
        elif items and items[-1] is not None and not code and line[:1].isspace() and line.strip():
            items[-1].append(line.strip())
        elif items:
            # Anything else (code too) closes the item, so later indented lines stay out of it.
            items.append(None)
    return [_split_label("\n".join(item)) for item in items if item is not None]


def _split_label(text):
    bold = LABEL_RE.match(text)
    if bold:
        label, rest = bold["label"].strip(), bold["rest"]
        if label.endswith((":", "：")):
            return label.rstrip(":：").strip(), rest.strip()
        if rest.lstrip().startswith((":", "：")):
            return label, rest.lstrip()[1:].strip()
    return "", text.strip()


def _unique(values):
    return list(dict.fromkeys(value for value in values if value))


# --- JSON ---------------------------------------------------------------------------------------


def _parse_json(path, text, options, errors):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        errors.append((path, error.lineno, f"invalid JSON: {error.msg}"))
        return []
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        errors.append((path, 1, 'expected an object with a "questions" list'))
        return []
    if document.get("format", JSON_FORMAT) != JSON_FORMAT:
        errors.append(
            (path, 1, f"unknown format {document['format']!r} (expected {JSON_FORMAT!r})")
        )
        return []
    if document.get("version", JSON_VERSION) != JSON_VERSION:
        errors.append((path, 1, f"unsupported version {document['version']!r}"))
        return []

    questions = []
    for index, (line, value) in enumerate(_json_questions_with_lines(text)):
        found = len(errors)
        question = _question_from_json(path, line, index, value, options, errors)
        if len(errors) == found:
            questions.append(question)
    return questions


def _json_questions_with_lines(text):
    """(line, value) of each item of the top-level "questions" list of valid JSON.

    json.loads() says nothing about where a value was, so walk the top-level object with
    raw_decode(), which returns where each value ends.
    """
    decoder = json.JSONDecoder()

    def skip(index):
        return JSON_WHITESPACE_RE.match(text, index).end()

    # The caller checked that the document is an object with a "questions" list.
    index = skip(0) + 1  # past the opening brace
    while True:
        key, index = decoder.raw_decode(text, skip(index))
        index = skip(skip(index) + 1)  # past the colon
        if key == "questions":
            break
        _, index = decoder.raw_decode(text, index)
        index = skip(index) + 1  # past the comma

    line, counted, index = 1, 0, skip(index + 1)  # past the opening bracket
    while text[index] != "]":
        line += text.count("\n", counted, index)
        counted = index
        value, index = decoder.raw_decode(text, index)
        yield line, value
        index = skip(index)
        if text[index] == ",":
            index = skip(index + 1)


def _question_from_json(path, line, index, value, options, errors):
    def problem(message):
        errors.append((path, line, message))

    if not isinstance(value, dict):
        problem("each question must be a JSON object")
        return None

    def text(name, required=False, default=""):
        if name not in value:
            if required:
                problem(f'the question has no "{name}"')
            return default
        if not isinstance(value[name], str):
            problem(f'"{name}" must be a string')
            return default
        return value[name]

    title, prompt, answer = text("title", True), text("prompt", True), text("answer", True)
    explanation = text("explanation")

    position = value.get("position", index + 1)
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        problem('"position" must be a whole number, 0 or more')
        position = 0

    is_published = value.get("is_published")
    if is_published is not None and not isinstance(is_published, bool):
        problem('"is_published" must be true or false')

    tags = value.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            problem('"tags" must be a list of strings')
            tags = []
        tags = _unique(tag.strip() for tag in tags)

    if "key_points" in value:
        key_points = _key_points_from_json(value["key_points"], problem)
    else:
        key_points = key_points_from_answer(answer)

    topic = value.get("topic")
    if isinstance(topic, str):
        topic = (topic.strip(), slugify(topic, allow_unicode=True))
    elif isinstance(topic, dict) and isinstance(topic.get("name"), str):
        slug = topic.get("slug") or slugify(topic["name"], allow_unicode=True)
        if not isinstance(slug, str):
            problem('"topic" slug must be a string')
            slug = ""
        topic = (topic["name"].strip(), slug)
    elif topic is not None:
        problem('"topic" must be a name or an object with "name" and "slug"')
        topic = None

    source = options.source_for(text("source", default=None))
    topic_name, topic_slug = options.topic_for(topic)
    return ParsedQuestion(
        path=path,
        line=line,
        external_key=text("external_key") or f"{source}:{position}",
        title=title,
        prompt=prompt,
        answer=answer,
        explanation=explanation,
        key_points=key_points,
        source=source,
        position=position,
        language=options.language_for(text("language"), title, prompt, answer, explanation),
        topic_name=topic_name,
        topic_slug=topic_slug,
        difficulty=text("difficulty", default=None),
        is_published=is_published,
        tags=tags,
    )


def _key_points_from_json(value, problem):
    """Key points in order of their "position" (or of the list); positions become 1..n."""
    if not isinstance(value, list):
        problem('"key_points" must be a list')
        return []
    key_points = []
    for index, point in enumerate(value):
        if not isinstance(point, dict):
            problem('each key point must be an object with "label" and "detail"')
            continue
        label, detail = point.get("label", ""), point.get("detail", "")
        position = point.get("position", index + 1)
        if not isinstance(label, str) or not isinstance(detail, str):
            problem('key point "label" and "detail" must be strings')
        elif isinstance(position, bool) or not isinstance(position, int):
            problem('key point "position" must be a whole number')
        else:
            key_points.append((position, label, detail))
    return [(label, detail) for _, label, detail in sorted(key_points, key=lambda p: p[0])]


# --- Planning -----------------------------------------------------------------------------------

# Compared and copied as they are; difficulty and is_published only when the file gives them.
COPIED_FIELDS = ["title", "prompt", "answer", "explanation", "language", "source", "position"]
OPTIONAL_FIELDS = ["difficulty", "is_published"]


def plan_import(parsed):
    """What importing the parsed questions would do, without writing.

    Queries: the topics, then per BATCH_SIZE questions the existing ones by external key,
    their key points and their tags.
    """
    errors = list(_duplicates_across_files(parsed))
    if errors:
        raise ImportFileError(errors)

    topics, new_topics = _resolve_topics(parsed)
    existing, old_points, old_tags = {}, defaultdict(list), defaultdict(list)
    for start in range(0, len(parsed), BATCH_SIZE):
        keys = [question.external_key for question in parsed[start : start + BATCH_SIZE]]
        # search_text is derived from what the file gives: an update writes it anew.
        questions = (
            Question.objects.filter(external_key__in=keys)
            .select_related("topic")
            .defer("search_text")
        )
        existing.update((question.external_key, question) for question in questions)
        # Plain values rather than prefetch_related(): building a model instance and a related
        # manager per row was most of the time of a large re-import.
        ids = [question.pk for question in questions]
        points = KeyPoint.objects.filter(question_id__in=ids).order_by("question_id", "position")
        for question_id, label, detail in points.values_list("question_id", "label", "detail"):
            old_points[question_id].append((label, detail))
        tags = Question.tags.through.objects.filter(question_id__in=ids)
        for question_id, name in tags.values_list("question_id", "tag__name"):
            old_tags[question_id].append(name)

    items = []
    for question in parsed:
        topic = topics[question.topic_name, question.topic_slug]
        current = existing.get(question.external_key)
        if current is None:
            items.append(PlannedQuestion(question, CREATE, topic))
            continue
        changes = _differences(
            current, question, topic, old_points[current.pk], sorted(old_tags[current.pk])
        )
        action = UPDATE if changes else UNCHANGED
        items.append(PlannedQuestion(question, action, topic, current, changes))
    return ImportPlan(items=items, new_topics=new_topics)


def _duplicates_across_files(parsed):
    first = {}
    for question in parsed:
        seen = first.setdefault(question.external_key, question)
        if seen is not question:
            yield (
                question.path,
                question.line,
                f"external key {question.external_key!r} is also used at {seen.path}:{seen.line}",
            )


def _resolve_topics(parsed):
    """Map each (name, slug) to a topic: the one with that name, else the one with that slug,
    else a new unsaved one (shared by every question that asks for it)."""
    wanted = list(dict.fromkeys((question.topic_name, question.topic_slug) for question in parsed))
    names = [name for name, _ in wanted]
    slugs = [slug for _, slug in wanted]
    by_name, by_slug = {}, {}
    for topic in Topic.objects.filter(Q(name__in=names) | Q(slug__in=slugs)):
        by_name[topic.name] = by_slug[topic.slug] = topic
    resolved, new_topics = {}, []
    for name, slug in wanted:
        topic = by_name.get(name) or by_slug.get(slug)
        if topic is None:
            topic = Topic(name=name, slug=slug)
            new_topics.append(topic)
            by_name[name] = by_slug[slug] = topic
        resolved[name, slug] = topic
    return resolved, new_topics


def _differences(question, parsed, topic, old_points, old_tags):
    changes = {}
    for name in COPIED_FIELDS:
        old, new = getattr(question, name), getattr(parsed, name)
        if old != new:
            changes[name] = (old, new)
    for name in OPTIONAL_FIELDS:
        old, new = getattr(question, name), getattr(parsed, name)
        if new is not None and old != new:
            changes[name] = (old, new)
    if question.topic_id != topic.pk:
        changes["topic"] = (question.topic.name, topic.name)
    if parsed.tags is not None and old_tags != sorted(parsed.tags):
        changes["tags"] = (old_tags, sorted(parsed.tags))
    if old_points != parsed.key_points:
        changes["key_points"] = (old_points, parsed.key_points)
    return changes


# --- Applying -----------------------------------------------------------------------------------


def apply_plan(plan, *, progress=None):
    """Write the plan in one transaction; return the counts. progress(done, total) is called
    after every BATCH_SIZE questions."""
    total = len(plan.items)
    # Search texts are written with the questions; removing key points only notes theirs.
    with transaction.atomic(), edits.collected():
        for topic in plan.new_topics:
            topic.save()
        tags = _tags_by_name(plan.items)
        for start in range(0, total, BATCH_SIZE):
            batch = plan.items[start : start + BATCH_SIZE]
            _create_questions([item for item in batch if item.action == CREATE], tags)
            _update_questions([item for item in batch if item.action == UPDATE], tags)
            if progress:
                progress(start + len(batch), total)
    return plan.counts


def _tags_by_name(items):
    names = _unique(
        name
        for item in items
        if item.action != UNCHANGED and item.parsed.tags
        for name in item.parsed.tags
    )
    tags = {}
    for start in range(0, len(names), BATCH_SIZE):
        tags.update(
            (tag.name, tag)
            for tag in Tag.objects.filter(name__in=names[start : start + BATCH_SIZE])
        )
    missing = [Tag(name=name) for name in names if name not in tags]
    tags.update((tag.name, tag) for tag in Tag.objects.bulk_create(missing))
    return tags


def _create_questions(items, tags):
    if not items:
        return
    questions = []
    for item in items:
        parsed = item.parsed
        values = {name: getattr(parsed, name) for name in COPIED_FIELDS}
        values.update(
            (name, getattr(parsed, name))
            for name in OPTIONAL_FIELDS
            if getattr(parsed, name) is not None
        )
        values["search_text"] = Question.search_text_of(
            parsed.title, parsed.prompt, parsed.answer, parsed.key_points
        )
        questions.append(Question(topic=item.topic, external_key=parsed.external_key, **values))
    Question.objects.bulk_create(questions)

    KeyPoint.objects.bulk_create(
        KeyPoint(question=question, position=position, label=label, detail=detail)
        for item, question in zip(items, questions, strict=True)
        for position, (label, detail) in enumerate(item.parsed.key_points, start=1)
    )
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=question.pk, tag_id=tags[name].pk)
        for item, question in zip(items, questions, strict=True)
        for name in item.parsed.tags or []
    )


def _update_questions(items, tags):
    if not items:
        return
    now = timezone.now()
    changed_fields = {"updated_at", "search_text"}
    new_points, changed_points, removed_points, retagged = [], [], [], []
    points_by_question = defaultdict(dict)
    repointed = [item.question.pk for item in items if "key_points" in item.changes]
    for point in KeyPoint.objects.filter(question_id__in=repointed):
        points_by_question[point.question_id][point.position] = point
    for item in items:
        question, changes = item.question, item.changes
        for name in COPIED_FIELDS + OPTIONAL_FIELDS:
            if name in changes:
                setattr(question, name, changes[name][1])
                changed_fields.add(name)
        if "topic" in changes:
            question.topic = item.topic
            changed_fields.add("topic")
        question.updated_at = now
        # The key points end up as the file gives them, changed or not.
        question.search_text = Question.search_text_of(
            question.title, question.prompt, question.answer, item.parsed.key_points
        )
        if "key_points" in changes:
            # Key points are matched by position, so unchanged ones keep their rows.
            old_points = points_by_question[question.pk]
            for position, (label, detail) in enumerate(item.parsed.key_points, start=1):
                point = old_points.pop(position, None)
                if point is None:
                    new_points.append(
                        KeyPoint(question=question, position=position, label=label, detail=detail)
                    )
                elif point.as_pair() != (label, detail):
                    point.label, point.detail = label, detail
                    changed_points.append(point)
            removed_points.extend(point.pk for point in old_points.values())
        if "tags" in changes:
            retagged.append(item)

    Question.objects.bulk_update([item.question for item in items], sorted(changed_fields))
    KeyPoint.objects.filter(pk__in=removed_points).delete()
    KeyPoint.objects.bulk_update(changed_points, ["label", "detail"])
    KeyPoint.objects.bulk_create(new_points)
    Question.tags.through.objects.filter(
        question_id__in=[item.question.pk for item in retagged]
    ).delete()
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=item.question.pk, tag_id=tags[name].pk)
        for item in retagged
        for name in item.parsed.tags
    )
