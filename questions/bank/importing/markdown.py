import re
import urllib.parse

from django.utils.text import slugify
from django.utils.translation import gettext as _

from questions.bank.answers import FENCE_RE, key_points_from_answer
from questions.bank.importing.records import TOPIC_WITH_SLUG_RE, ParsedQuestion

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
METADATA_KEYS = {
    "key",
    "source",
    "topic",
    "difficulty",
    "language",
    "tags",
    "published",
    "phrasings",
}


# --- Markdown -----------------------------------------------------------------------------------


def _parse_markdown(path, text, options, errors):
    lines = text.split("\n")
    blocks = _question_blocks(lines)
    if not blocks:
        errors.append((path, 1, _("no questions found: expected '### 题目 N: title' headings")))
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
            (path, line_number, _("the heading has no question number ('### 题目 N: title')"))
        )
    if not heading["title"]:
        errors.append((path, line_number, _("the question has an empty title")))

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
                message = _("unexpected %(marker)s marker here") % {"marker": markers[name]}
                errors.append((path, index + 1, message))
            else:
                sections[name] = [marker["rest"]]
            continue
        if sections:
            sections[list(sections)[-1]].append(line)
        elif comment := METADATA_RE.match(line):
            metadata.update(_parse_metadata(path, index + 1, comment["body"], errors))
        elif line.strip():
            message = _("unexpected text before the %(marker)s marker") % {
                "marker": markers["prompt"]
            }
            errors.append((path, index + 1, message))

    for name in SECTION_ORDER[:2]:
        if name not in sections:
            message = _("the question has no %(marker)s section") % {"marker": markers[name]}
            errors.append((path, line_number, message))
    if len(errors) > found:
        return None

    position = int(heading["number"])
    source = options.source_for(metadata.get("source"))
    prompt, answer = "\n".join(sections["prompt"]).strip(), "\n".join(sections["answer"]).strip()
    explanation = "\n".join(sections.get("explanation", [])).strip()
    topic_name, topic_slug = options.topic_for(metadata.get("topic"))
    key_points = key_points_from_answer(answer)
    phrasings, extra = phrasings_for_points(metadata.get("phrasings"), key_points)
    if extra:
        errors.append(
            (
                path,
                line_number,
                _("phrasings for key point %(point)s, but the answer has only %(count)s")
                % {"point": extra[0], "count": len(key_points)},
            )
        )
    return ParsedQuestion(
        path=path,
        line=line_number,
        external_key=metadata.get("key") or f"{source}:{position}",
        title=heading["title"],
        prompt=prompt,
        answer=answer,
        explanation=explanation,
        key_points=key_points,
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
        phrasings=phrasings,
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
            message = _("unknown metadata %(entry)s (known: %(known)s)") % {
                "entry": repr(part.strip()),
                "known": known,
            }
            errors.append((path, line_number, message))
        elif name == "tags":
            metadata["tags"] = _unique(
                urllib.parse.unquote(tag).strip() for tag in part.partition(":")[2].split(",")
            )
        elif name == "topic":
            if match := TOPIC_WITH_SLUG_RE.match(value):
                metadata["topic"] = (match["name"].strip(), match["slug"])
            else:
                metadata["topic"] = (value, slugify(value, allow_unicode=True))
        elif name == "phrasings":
            metadata["phrasings"] = _phrasings_from_metadata(path, line_number, part, errors)
        elif name == "published":
            if value.lower() not in ("yes", "no"):
                message = _("published must be yes or no, not %(value)s") % {"value": repr(value)}
                errors.append((path, line_number, message))
            metadata["published"] = value.lower() == "yes"
        else:
            metadata[name] = value
    return metadata


def _phrasings_from_metadata(path, line_number, part, errors):
    """{position: [phrasing, …]} from `phrasings: 2=less data|少标注, 4=收敛快`, each phrasing
    percent-escaped as the exporter writes it."""
    phrasings = {}
    for entry in part.partition(":")[2].split(","):
        if not entry.strip():
            continue
        position, equals, values = entry.partition("=")
        if not equals or not position.strip().isdigit() or int(position) < 1:
            message = _("phrasings: expected N=phrasing|…, not %(entry)s") % {"entry": repr(entry)}
            errors.append((path, line_number, message))
            continue
        phrasings[int(position)] = _unique(
            urllib.parse.unquote(value).strip() for value in values.split("|")
        )
    return phrasings


def phrasings_for_points(phrasings, key_points):
    """The phrasings by position as a list aligned with the key points (None stays None), and
    the positions that have no key point."""
    if phrasings is None:
        return None, []
    extra = sorted(position for position in phrasings if position > len(key_points))
    return [phrasings.get(position, []) for position in range(1, len(key_points) + 1)], extra


def _unique(values):
    return list(dict.fromkeys(value for value in values if value))
