"""Writing the bank as JSON or markdown, in the formats questions.bank.importing reads.

Both writers are deterministic (bank order, sorted tags, fixed key order), so exporting,
importing the output into an empty database and exporting again gives the same bytes.
Markdown carries each question's key points only through its answer's numbered list, as the
seed document does, and their accepted phrasings in the metadata comment; JSON carries them
explicitly.
"""

import json

from questions.bank.importing.records import JSON_FORMAT, JSON_VERSION
from questions.bank.models import Question

FORMATS = ["json", "markdown"]

CHINESE_MARKERS = {"heading": "题目", "prompt": "题目", "answer": "答案", "explanation": "解析"}
ENGLISH_MARKERS = {
    "heading": "Question",
    "prompt": "Question",
    "answer": "Answer",
    "explanation": "Explanation",
}

# Percent-escaped in the markdown metadata comment, where they would end a value or the comment.
METADATA_ESCAPES = {"%": "%25", ";": "%3B", ",": "%2C", ">": "%3E", "\n": "%0A"}
# A phrasing also may not hold the | between phrasings or the = after a key point's number.
PHRASING_ESCAPES = {**METADATA_ESCAPES, "|": "%7C", "=": "%3D"}


def questions_to_export(topic=None):
    """The questions of one topic (or all) in bank order; three queries once evaluated."""
    return (
        Question.objects.in_topic(topic)
        .in_bank_order()
        .select_related("topic")
        .prefetch_related("tags", "key_points")
    )


def export(questions, format):
    return {"json": to_json, "markdown": to_markdown}[format](questions)


def to_json(questions):
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "questions": [_question_as_dict(question) for question in questions],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _question_as_dict(question):
    return {
        "external_key": question.external_key,
        "topic": {"name": question.topic.name, "slug": question.topic.slug},
        "title": question.title,
        "prompt": question.prompt,
        "answer": question.reference_answer(),
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "language": question.language,
        "source": question.source,
        "position": question.position,
        "is_published": question.is_published,
        "tags": _tag_names(question),
        # Numbered by rank, as the importer numbers them, even if editors left gaps.
        "key_points": [
            _key_point_as_dict(position, point)
            for position, point in enumerate(question.key_points.all(), start=1)
        ],
    }


def _key_point_as_dict(position, point):
    value = {"position": position, "label": point.label, "detail": point.detail}
    if phrasings := point.phrasing_list():
        value["phrasings"] = phrasings
    return value


def to_markdown(questions):
    return "\n".join(_question_as_markdown(question) for question in questions)


def _question_as_markdown(question):
    words = ENGLISH_MARKERS if question.language == "en" else CHINESE_MARKERS
    colon = ":" if question.language == "en" else "："
    explanation = f"**{words['explanation']}{colon}**"
    if question.explanation:
        explanation += f" {question.explanation}"
    lines = [
        f"### {words['heading']} {question.position}: {question.title}",
        _metadata_comment(question),
        "",
        f"**{words['prompt']}{colon}** {question.prompt}",
        "",
        f"**{words['answer']}{colon}**",
        "",
        question.reference_answer(),
        "",
        explanation,
        "",
    ]
    return "\n".join(lines)


def _metadata_comment(question):
    fields = [
        ("key", _escape(question.external_key)),
        ("source", _escape(question.source)),
        ("topic", f"{_escape(question.topic.name)} ({question.topic.slug})"),
        ("difficulty", question.difficulty),
        ("language", _escape(question.language)),
    ]
    if tags := _tag_names(question):
        fields.append(("tags", ", ".join(_escape(tag) for tag in tags)))
    if not question.is_published:
        fields.append(("published", "no"))
    if phrasings := _phrasings_metadata(question):
        fields.append(("phrasings", phrasings))
    return "<!-- " + "; ".join(f"{name}: {value}" for name, value in fields) + " -->"


def _phrasings_metadata(question):
    """`2=less data|少标注, 4=收敛快`: each key point's accepted phrasings, by its number."""
    return ", ".join(
        f"{position}=" + "|".join(_escape(phrasing, PHRASING_ESCAPES) for phrasing in phrasings)
        for position, point in enumerate(question.key_points.all(), start=1)
        if (phrasings := point.phrasing_list())
    )


def _escape(value, escapes=METADATA_ESCAPES):
    return "".join(escapes.get(character, character) for character in value)


def _tag_names(question):
    return sorted(tag.name for tag in question.tags.all())
