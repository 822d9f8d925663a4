from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from questions.bank.importing.records import (
    BATCH_SIZE,
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ParsedQuestion,
)
from questions.bank.models import KeyPoint, Question, Topic, phrasing_lines


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
    # Left in English: it is the output of import_questions (and of load_sample_bank through
    # it), which tests read word for word; the admin shows the counts in a sentence of its own.
    return (
        f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}"
    )


# --- Planning -----------------------------------------------------------------------------------

# Compared and copied as they are; difficulty and is_published only when the file gives them.
# The answer is compared as learners read it, and stored by ParsedQuestion.stored_answer().
COPIED_FIELDS = ["title", "prompt", "explanation", "language", "source", "position"]
ANSWER_CHANGES = {"answer", "key_points", "language"}
OPTIONAL_FIELDS = ["difficulty", "is_published"]


def plan_import(parsed, *, for_update=False):
    """What importing the parsed questions would do, without writing.

    for_update: inside the transaction that will apply the plan, lock the existing questions
    (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction locks the whole database),
    so that an admin save in progress is waited for and read, and none can slip in before the
    plan is written. Queries: the topics, then per BATCH_SIZE questions the existing ones by
    external key, their key points and their tags.
    """
    errors = list(_duplicates_across_files(parsed))
    if errors:
        raise ImportFileError(errors)

    topics, new_topics = _resolve_topics(parsed)
    existing, old_points, old_tags = {}, defaultdict(list), defaultdict(list)
    old_phrasings = defaultdict(list)
    for start in range(0, len(parsed), BATCH_SIZE):
        keys = [question.external_key for question in parsed[start : start + BATCH_SIZE]]
        # search_text is derived from what the file gives: an update writes it anew.
        questions = (
            Question.objects.filter(external_key__in=keys)
            .select_related("topic")
            .defer("search_text")
        )
        if for_update:
            questions = questions.select_for_update(of=("self",))
        existing.update((question.external_key, question) for question in questions)
        # Plain values rather than prefetch_related(): building a model instance and a related
        # manager per row was most of the time of a large re-import.
        ids = [question.pk for question in questions]
        points = KeyPoint.objects.filter(question_id__in=ids).order_by("question_id", "position")
        rows = points.values_list("question_id", "label", "detail", "phrasings")
        for question_id, label, detail, phrasings in rows:
            old_points[question_id].append((label, detail))
            old_phrasings[question_id].append(phrasing_lines(phrasings))
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
        if question.phrasings is not None and old_phrasings[current.pk] != question.phrasings:
            changes["phrasings"] = (
                describe_phrasings(old_phrasings[current.pk]),
                describe_phrasings(question.phrasings),
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
                _("external key %(key)s is also used at %(place)s")
                % {"key": repr(question.external_key), "place": f"{seen.path}:{seen.line}"},
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
    if (answer := question.reference_answer_of(old_points)) != parsed.answer:
        changes["answer"] = (answer, parsed.answer)
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


def describe_phrasings(phrasings):
    """`2: less data | 少标注; 4: 收敛快`, for the preview of what an import changes."""
    described = [
        f"{position}: {' | '.join(values)}"
        for position, values in enumerate(phrasings, start=1)
        if values
    ]
    return "; ".join(described) or "—"
