from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from questions.bank.importing.markdown import _unique
from questions.bank.importing.plan import ANSWER_CHANGES, COPIED_FIELDS, OPTIONAL_FIELDS
from questions.bank.importing.records import BATCH_SIZE, CREATE, UNCHANGED, UPDATE
from questions.bank.models import KeyPoint, Question, Tag, Topic

# --- Applying -----------------------------------------------------------------------------------


def apply_plan(plan, *, progress=None):
    """Write the plan in one transaction; return the counts. progress(done, total) is called
    after every BATCH_SIZE questions."""
    total = len(plan.items)
    # Search texts are written with the questions (the caller schedules the near-duplicates:
    # versions.apply_with_history).
    with transaction.atomic():
        for topic in plan.new_topics:
            _create_topic(topic)
        tags = _tags_by_name(plan.items)
        for start in range(0, total, BATCH_SIZE):
            batch = plan.items[start : start + BATCH_SIZE]
            _create_questions([item for item in batch if item.action == CREATE], tags)
            _update_questions([item for item in batch if item.action == UPDATE], tags)
            if progress:
                progress(start + len(batch), total)
    return plan.counts


def _create_topic(topic):
    """Save the plan's new topic, or take the one another import created since the plan was
    made (its unique name or slug refuses ours): the questions go there, as get_or_create."""
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:
        existing = Topic.objects.filter(Q(name=topic.name) | Q(slug=topic.slug)).first()
        if existing is None:
            raise
        topic.pk, topic.name, topic.slug = existing.pk, existing.name, existing.slug
        topic._state.adding = False


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
    if missing:
        # ignore_conflicts: another import may create the same new tag at the same moment;
        # then every tag is read back, with its id.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        names = [tag.name for tag in missing]
        for start in range(0, len(names), BATCH_SIZE):
            batch = Tag.objects.filter(name__in=names[start : start + BATCH_SIZE])
            tags.update((tag.name, tag) for tag in batch)
    return tags


def _create_questions(items, tags):
    if not items:
        return
    questions = []
    for item in items:
        parsed = item.parsed
        values = {name: getattr(parsed, name) for name in COPIED_FIELDS}
        values.update(parsed.stored_answer())
        values.update(
            (name, getattr(parsed, name))
            for name in OPTIONAL_FIELDS
            if getattr(parsed, name) is not None
        )
        values["search_text"] = parsed.search_text
        questions.append(Question(topic=item.topic, external_key=parsed.external_key, **values))
    Question.objects.bulk_create(questions)
    for item, question in zip(items, questions, strict=True):
        item.question = question

    _insert_rows(
        KeyPoint,
        KEY_POINT_COLUMNS,
        (
            (question.pk, position, label, detail, _phrasings_at(item.parsed, position))
            for item, question in zip(items, questions, strict=True)
            for position, (label, detail) in enumerate(item.parsed.key_points, start=1)
        ),
    )
    _insert_rows(
        Question.tags.through,
        TAG_COLUMNS,
        (
            (question.pk, tags[name].pk)
            for item, question in zip(items, questions, strict=True)
            for name in item.parsed.tags or []
        ),
    )


# The rows an import writes most of (five key points and two tags a question) go in as plain
# INSERTs: bulk_create spent two thirds of a 20,000-question import building each row's SQL,
# while holding SQLite's only write lock. These rows have no signals or history of their own to
# lose (sync_history records the key points' history afterwards).
KEY_POINT_COLUMNS = ("question", "position", "label", "detail", "phrasings")
TAG_COLUMNS = ("question", "tag")


def _insert_rows(model, fields, rows):
    """INSERT rows of values for `fields`; any other column gets its default, as bulk_create
    would give it (a field added to the model later is not left NULL)."""
    quote = connection.ops.quote_name
    named = [model._meta.get_field(name) for name in fields]
    others = [f for f in model._meta.concrete_fields if f not in named and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    columns = ", ".join(quote(field.column) for field in named + others)
    placeholders = ", ".join(["%s"] * (len(named) + len(others)))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    rows = [row + defaults for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _update_questions(items, tags):
    if not items:
        return
    now = timezone.now()
    # Each question is written in the fields it changes only, so that a concurrent change to
    # another field (by a writer that takes no lock) is not overwritten with the planned value.
    by_fields = defaultdict(list)
    new_points, changed_points, removed_points, retagged = [], [], [], []
    points_by_question = defaultdict(dict)
    repointed = [item.question.pk for item in items if _repoints(item.changes)]
    for point in KeyPoint.objects.filter(question_id__in=repointed):
        points_by_question[point.question_id][point.position] = point
    for item in items:
        question, changes = item.question, item.changes
        changed_fields = {"updated_at", "search_text"}
        for name in COPIED_FIELDS + OPTIONAL_FIELDS:
            if name in changes:
                setattr(question, name, changes[name][1])
                changed_fields.add(name)
        if "topic" in changes:
            question.topic = item.topic
            changed_fields.add("topic")
        if not ANSWER_CHANGES.isdisjoint(changes):
            stored = item.parsed.stored_answer()
            for name, value in stored.items():
                setattr(question, name, value)
            changed_fields.update(stored)
        question.updated_at = now
        by_fields[frozenset(changed_fields)].append(question)
        # The key points end up as the file gives them, changed or not.
        question.search_text = item.parsed.search_text  # title and prompt are the file's now
        if _repoints(changes):
            # Key points are matched by position, so unchanged ones keep their rows.
            old_points = points_by_question[question.pk]
            for position, (label, detail) in enumerate(item.parsed.key_points, start=1):
                point = old_points.pop(position, None)
                phrasings = _phrasings_at(item.parsed, position)
                if point is None:
                    new_points.append(
                        KeyPoint(
                            question=question,
                            position=position,
                            label=label,
                            detail=detail,
                            phrasings=phrasings,
                        )
                    )
                    continue
                # A file that does not say keeps the editors' phrasings.
                if item.parsed.phrasings is None:
                    phrasings = point.phrasings
                if (point.label, point.detail, point.phrasings) != (label, detail, phrasings):
                    point.label, point.detail, point.phrasings = label, detail, phrasings
                    changed_points.append(point)
            removed_points.extend(point.pk for point in old_points.values())
        if "tags" in changes:
            retagged.append(item)

    for fields, questions in by_fields.items():
        Question.objects.bulk_update(questions, sorted(fields))
    KeyPoint.objects.filter(pk__in=removed_points).delete()
    KeyPoint.objects.bulk_update(changed_points, ["label", "detail", "phrasings"])
    KeyPoint.objects.bulk_create(new_points)
    Question.tags.through.objects.filter(
        question_id__in=[item.question.pk for item in retagged]
    ).delete()
    _insert_rows(
        Question.tags.through,
        TAG_COLUMNS,
        ((item.question.pk, tags[name].pk) for item in retagged for name in item.parsed.tags),
    )


def _repoints(changes):
    return "key_points" in changes or "phrasings" in changes


def _phrasings_at(parsed, position):
    """The text of the phrasings field the file gives the key point at position (1-based)."""
    if parsed.phrasings is None or position > len(parsed.phrasings):
        return ""
    return "\n".join(parsed.phrasings[position - 1])
