from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from questions.bank import answers, edits, importing
from questions.bank.models import KeyPoint, Question, Tag, Topic

# Key points moved out of the way while positions are rewritten (positions are unique).
PARKING_OFFSET = 1_000_000


# --- History ------------------------------------------------------------------------------------


# The change reason of records that catch the history up with the database (see
# sync_history); kept in English because key_points_of_version() recognises them by it.
SNAPSHOT_REASON = "Recorded before a change"


def _latest_records(records):
    latest = {}
    for record in records.order_by("history_date", "history_id"):
        latest[record.id] = record
    return latest


def _differs(instance, record, fields):
    if record is None or record.history_type == "-":
        return True
    return any(getattr(instance, name) != getattr(record, name) for name in fields)


def _create_history(manager, instances, *, created, user, reason, date):
    for instance in instances:
        # bulk_history_create() credits the request's user unless the instance names one.
        instance._history_user = user
    return manager.bulk_history_create(
        instances, update=not created, default_change_reason=reason, default_date=date
    )


def _tag_history_model():
    """The history of Question.tags (HistoricalRecords' m2m_fields): tag ids per version."""
    return Question.history.model._meta.apps.get_model("questions", "HistoricalQuestion_tags")


def _current_tags(question_ids):
    """{question id: {tag id: id of the row linking them}}"""
    tags = defaultdict(dict)
    rows = Question.tags.through.objects.filter(question_id__in=question_ids)
    for pk, question_id, tag_id in rows.values_list("pk", "question_id", "tag_id"):
        tags[question_id][tag_id] = pk
    return tags


def _recorded_tags(records):
    tags = defaultdict(set)
    rows = _tag_history_model().objects.filter(history_id__in=[r.history_id for r in records])
    for history_id, tag_id in rows.values_list("history_id", "tag_id"):
        tags[history_id].add(tag_id)
    return tags


def _copy_into_history(model, ids, *, user, reason, date, batch_size=500):
    """The first history records ("+") of rows that have none, copied by the database itself.

    What an import has just created: building a model instance per row (100,000 key points
    for 20,000 questions) was most of a large import's time, inside its write transaction.
    The tags of the new question versions are copied the same way.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    fields = list(history.tracked_fields)
    targets = [history._meta.get_field(field.name).column for field in fields]
    targets += ["history_date", "history_change_reason", "history_type"]
    targets.append(history._meta.get_field("history_user").column)
    sources = ", ".join(quote(model._meta.get_field(field.name).column) for field in fields)
    when = connection.ops.adapt_datetimefield_value(date)
    tag_history = _tag_history_model() if model is Question else None
    with connection.cursor() as cursor:
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({', '.join(quote(column) for column in targets)}) "
                f"SELECT {sources}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [when, reason, user.pk if user else None, *batch],
            )
            if tag_history is None:
                continue
            through = Question.tags.through._meta.db_table
            cursor.execute(
                f"INSERT INTO {quote(tag_history._meta.db_table)} "
                "(id, question_id, tag_id, history_id) "
                f"SELECT t.id, t.question_id, t.tag_id, h.history_id FROM {quote(through)} t "
                f"JOIN {quote(history._meta.db_table)} h ON h.id = t.question_id "
                # Both sides restricted to the batch, so that each is read through its index
                # (on fresh tables, without statistics, PostgreSQL otherwise scanned them).
                f"WHERE t.question_id IN ({marks}) AND h.id IN ({marks}) "
                "AND h.history_date = %s AND h.history_type = '+'",
                [*batch, *batch, when],
            )


def _record_tags(records, tags):
    """bulk_history_create() writes no m2m rows: the versions' tags are written here."""
    model = _tag_history_model()
    model.objects.bulk_create(
        model(id=row_id, history_id=record.history_id, question_id=record.id, tag_id=tag_id)
        for record in records
        for tag_id, row_id in sorted(tags[record.id].items())
    )


def sync_history(question_ids, *, reason=SNAPSHOT_REASON, user=None):
    """Record, as of now, every way the questions and their key points differ from their last
    history records.

    Saves through the admin are recorded as they happen, but imports and bulk updates write
    without history. Called before a change (with SNAPSHOT_REASON), it makes the state before
    the change a version that can be restored; called after an import, it records the import.
    Queries: the questions and key points with their history, then one insert per kind.
    """
    question_ids = list(question_ids)
    now = timezone.now()
    tags = _current_tags(question_ids)
    for model, rows, records in (
        (Question, Question.objects.filter(pk__in=question_ids), {"id__in": question_ids}),
        (
            KeyPoint,
            KeyPoint.objects.filter(question_id__in=question_ids),
            {"question_id__in": question_ids},
        ),
    ):
        manager = model.history
        fields = [field.attname for field in manager.model.tracked_fields]
        latest = _latest_records(manager.filter(**records))
        ids = list(rows.values_list("pk", flat=True))
        _copy_into_history(
            model, [pk for pk in ids if pk not in latest], user=user, reason=reason, date=now
        )
        # Only the rows with a history are compared with it (all of them, after an import
        # that only creates, have none).
        rows = [row for row in rows if row.pk in latest] if latest else []
        retagged = set()
        if model is Question:
            recorded = _recorded_tags(latest.values())
            retagged = {
                pk for pk, record in latest.items() if recorded[record.history_id] != set(tags[pk])
            }
        changed = [
            row for row in rows if row.pk in retagged or _differs(row, latest.get(row.pk), fields)
        ]
        history = _create_history(
            manager, changed, created=False, user=user, reason=reason, date=now
        )
        if model is Question:
            _record_tags(history or [], tags)
        present = set(ids)
        manager.model.objects.bulk_create(
            manager.model(
                **{name: getattr(record, name) for name in fields},
                history_type="-",
                history_date=now,
                history_user=user,
                history_change_reason=reason,
            )
            for record in latest.values()
            if record.history_type != "-" and record.id not in present
        )


def apply_with_history(plan, user, file_name, *, progress=None):
    """apply_plan(), plus the history its bulk writes skip, credited to user (None: the
    system, as on the command line); then the near-duplicates are recomputed after commit.
    Call inside a transaction. Returns the counts."""
    updated = [item.question.pk for item in plan.items if item.action == importing.UPDATE]
    sync_history(updated)
    counts = importing.apply_plan(plan, progress=progress)
    # apply_plan() gave each created question its row.
    touched = [item.question.pk for item in plan.items if item.action != importing.UNCHANGED]
    sync_history(touched, reason=_("Imported from %(name)s") % {"name": file_name}, user=user)
    edits.questions_changed(touched, search_text=False)  # the import wrote them
    return counts


def next_version(version):
    return (
        Question.history.filter(id=version.id)
        .filter(
            Q(history_date__gt=version.history_date)
            | Q(history_date=version.history_date, history_id__gt=version.history_id)
        )
        .order_by("history_date", "history_id")
        .first()
    )


def key_points_of_version(version):
    """The question's key points as they were in this version, by position: [(id, position,
    label, detail)].

    A save records the question first and its key points right after, so a version's key
    points are the latest records before the question's next version. A key point first
    recorded by a snapshot existed before it, as far as anyone knows as the snapshot shows it;
    one never recorded (loaded by an import and not touched since) is as it is now.
    """
    following = next_version(version)
    records = KeyPoint.history.filter(question_id=version.id).order_by("history_date", "history_id")
    earliest, latest = {}, {}
    for record in records:
        earliest.setdefault(record.id, record)
        if following is None or record.history_date < following.history_date:
            latest[record.id] = record
    for point_id, record in earliest.items():
        if point_id not in latest and record.history_change_reason == SNAPSHOT_REASON:
            latest[point_id] = record
    points = [
        (record.id, record.position, record.label, record.detail)
        for record in latest.values()
        if record.history_type != "-"
    ]
    points.extend(
        KeyPoint.objects.filter(question_id=version.id)
        .exclude(pk__in=list(earliest))
        .values_list("pk", "position", "label", "detail")
    )
    return sorted(points, key=lambda point: point[1])


class RestoreError(Exception):
    pass


# Every field a version restores: all but the identity, the timestamps and search_text, which
# the history does not keep (save() derives it from the restored texts and key points).
RESTORED_FIELDS = [
    field.attname
    for field in Question._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at", "search_text"}
]


# How the reference answer is stored (questions/bank/answers.py): compared as the text it gives.
ANSWER_FIELDS = {"answer", "answer_closing", "compose_key_points"}


def restore_version(question, version, user):
    """Put the question's fields and key points back as they were in this version.

    One transaction; every save is recorded by simple_history, so the restore is itself a new
    version that can be undone by restoring the one before it.
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        points = key_points_of_version(version)
        sync_history([question.pk])
        if not Topic.objects.filter(pk=version.topic_id).exists():
            raise RestoreError(_("The topic of that version has been deleted."))
        clash = Question.objects.filter(external_key=version.external_key).exclude(pk=question.pk)
        if clash.exists():
            raise RestoreError(
                _("Another question now has the external key %(key)s.")
                % {"key": version.external_key}
            )
        for name in RESTORED_FIELDS:
            setattr(question, name, getattr(version, name))
        # The answer is stored as an import would store the text of that version with its key
        # points: a version recorded whole (as every one was, before answers were stored
        # around their key points) lists them from the rows again when its text allows.
        pairs = [(label, detail) for _id, _position, label, detail in points]
        question.set_reference_answer(question.reference_answer_of(pairs), pairs)
        when = date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
        reason = _("Restored the version of %(when)s") % {"when": when}
        question._history_user = user
        question._change_reason = reason
        # The tags first, without a version of their own: the save records them with the rest.
        question.skip_history_when_saving = True
        question.tags.set(tags_of_version(version))
        del question.skip_history_when_saving
        question.save()

        current = {point.pk: point for point in question.key_points.all()}
        wanted = {point_id for point_id, *_ in points}
        for point in current.values():
            if point.pk not in wanted:
                point._history_user, point._change_reason = user, reason
                point.delete()
        moving = [
            point_id
            for point_id, position, *_ in points
            if point_id in current and current[point_id].position != position
        ]
        KeyPoint.objects.filter(pk__in=moving).update(position=F("position") + PARKING_OFFSET)
        for point_id, position, label, detail in points:
            point = current.get(point_id)
            if point is not None and (point.position, point.label, point.detail) == (
                position,
                label,
                detail,
            ):
                continue
            point = point or KeyPoint(pk=point_id, question=question)
            point.position, point.label, point.detail = position, label, detail
            point._history_user, point._change_reason = user, reason
            try:
                with transaction.atomic():
                    point.save()
            except IntegrityError:
                raise RestoreError(
                    _("The key points of that version could not be restored.")
                ) from None
        edits.questions_changed([question.pk])
    return question


def tags_of_version(version):
    """The tags the question had in this version, those that still exist."""
    ids = version.tags.values_list("tag_id", flat=True)
    return list(Tag.objects.filter(pk__in=list(ids)))


def version_changes(question, version):
    """What restoring would change, in describe_changes()'s input form (old = now)."""
    changes = {}
    for name in RESTORED_FIELDS:
        now, then = getattr(question, name), getattr(version, name)
        if now != then and name not in ANSWER_FIELDS:
            changes[name.removesuffix("_id")] = (now, then)
    if "topic" in changes:
        topics = Topic.objects.in_bulk([question.topic_id, version.topic_id])
        changes["topic"] = tuple(
            str(topics.get(pk, "—")) for pk in (question.topic_id, version.topic_id)
        )
    now_points = [point.as_pair() for point in question.key_points.all()]
    then_points = [
        (label, detail) for _id, _position, label, detail in key_points_of_version(version)
    ]
    # The answer as learners read it, whichever way either version stores it.
    now_answer = question.reference_answer_of(now_points)
    then_answer = answers.reference_answer(
        version.answer,
        version.answer_closing,
        version.compose_key_points,
        version.language,
        then_points,
    )
    if now_answer != then_answer:
        changes["answer"] = (now_answer, then_answer)
    if now_points != then_points:
        changes["key_points"] = (now_points, then_points)
    now_tags = sorted(tag.name for tag in question.tags.all())
    then_tags = sorted(tag.name for tag in tags_of_version(version))
    if now_tags != then_tags:
        changes["tags"] = (now_tags, then_tags)
    return changes
