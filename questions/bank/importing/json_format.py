import json
import re

from django.utils.text import slugify
from django.utils.translation import gettext as _

from questions.bank.importing.markdown import _unique, key_points_from_answer
from questions.bank.importing.records import JSON_FORMAT, JSON_VERSION, ParsedQuestion

JSON_WHITESPACE_RE = re.compile(r"[ \t\n\r]*")


# --- JSON ---------------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _refuse_duplicate_keys(pairs):
    # json.loads() keeps the last of two equal keys; the line finder below reads the first.
    keys = [key for key, _value in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise _DuplicateKey(key)
    return dict(pairs)


def _parse_json(path, text, options, errors):
    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        errors.append((path, error.lineno, _("invalid JSON: %(error)s") % {"error": error.msg}))
        return []
    except _DuplicateKey as error:
        quoted = json.dumps(str(error))
        second = text.find(quoted, text.find(quoted) + 1)
        line = text.count("\n", 0, max(second, 0)) + 1
        message = _("the key %(key)s appears twice in one object") % {"key": quoted}
        errors.append((path, line, message))
        return []
    except RecursionError:
        errors.append((path, 1, _("the JSON is nested too deeply")))
        return []
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        errors.append((path, 1, _('expected an object with a "questions" list')))
        return []
    if document.get("format", JSON_FORMAT) != JSON_FORMAT:
        message = _("unknown format %(format)s (expected %(expected)s)") % {
            "format": repr(document["format"]),
            "expected": repr(JSON_FORMAT),
        }
        errors.append((path, 1, message))
        return []
    if document.get("version", JSON_VERSION) != JSON_VERSION:
        message = _("unsupported version %(version)s") % {"version": repr(document["version"])}
        errors.append((path, 1, message))
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
        _value, index = decoder.raw_decode(text, index)
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
        problem(_("each question must be a JSON object"))
        return None

    def text(name, required=False, default=""):
        if name not in value:
            if required:
                problem(_('the question has no "%(name)s"') % {"name": name})
            return default
        if not isinstance(value[name], str):
            problem(_('"%(name)s" must be a string') % {"name": name})
            return default
        return value[name]

    title, prompt, answer = text("title", True), text("prompt", True), text("answer", True)
    explanation = text("explanation")

    position = value.get("position", index + 1)
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        problem(_('"position" must be a whole number, 0 or more'))
        position = 0

    is_published = value.get("is_published")
    if is_published is not None and not isinstance(is_published, bool):
        problem(_('"is_published" must be true or false'))

    tags = value.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            problem(_('"tags" must be a list of strings'))
            tags = []
        tags = _unique(tag.strip() for tag in tags)

    phrasings = None
    if "key_points" in value:
        key_points = _key_points_from_json(value["key_points"], problem)
        phrasings = _phrasings_from_json(value["key_points"], problem)
    else:
        key_points = key_points_from_answer(answer)

    topic = value.get("topic")
    if isinstance(topic, str):
        topic = (topic.strip(), slugify(topic, allow_unicode=True))
    elif isinstance(topic, dict) and isinstance(topic.get("name"), str):
        slug = topic.get("slug") or slugify(topic["name"], allow_unicode=True)
        if not isinstance(slug, str):
            problem(_('"topic" slug must be a string'))
            slug = ""
        topic = (topic["name"].strip(), slug)
    elif topic is not None:
        problem(_('"topic" must be a name or an object with "name" and "slug"'))
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
        phrasings=phrasings,
    )


def _key_points_from_json(value, problem):
    """Key points in order of their "position" (or of the list); positions become 1..n."""
    if not isinstance(value, list):
        problem(_('"key_points" must be a list'))
        return []
    key_points = []
    for index, point in enumerate(value):
        if not isinstance(point, dict):
            problem(_('each key point must be an object with "label" and "detail"'))
            continue
        label, detail = point.get("label", ""), point.get("detail", "")
        position = point.get("position", index + 1)
        if not isinstance(label, str) or not isinstance(detail, str):
            problem(_('key point "label" and "detail" must be strings'))
        elif isinstance(position, bool) or not isinstance(position, int):
            problem(_('key point "position" must be a whole number'))
        else:
            key_points.append((position, label, detail))
    return [(label, detail) for _, label, detail in sorted(key_points, key=lambda p: p[0])]


def _phrasings_from_json(value, problem):
    """Each key point's "phrasings" (a list of strings), in the order _key_points_from_json puts
    them; None when no key point has any, so that the file does not say."""
    if not isinstance(value, list) or not any(
        isinstance(point, dict) and "phrasings" in point for point in value
    ):
        return None
    ordered = []
    for index, point in enumerate(value):
        if not isinstance(point, dict):
            continue
        phrasings = point.get("phrasings", [])
        if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
            problem(_('key point "phrasings" must be a list of strings'))
            phrasings = []
        position = point.get("position", index + 1)
        if isinstance(position, int) and not isinstance(position, bool):
            ordered.append((position, _unique(phrasing.strip() for phrasing in phrasings)))
    return [phrasings for _, phrasings in sorted(ordered, key=lambda pair: pair[0])]
