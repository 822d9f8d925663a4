from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from questions.bank import edits
from questions.bank.models import KeyPoint, Question


def copy_key(external_key):
    """A free external key for a copy: <key>-copy, then <key>-copy-2, …"""
    base = f"{external_key}-copy"[: Question._meta.get_field("external_key").max_length - 4]
    taken = set(
        Question.objects.filter(external_key__startswith=base).values_list(
            "external_key", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _save_with_free_key(copy, external_key, tries=5):
    """Save the copy under the first free key. A copy of the same question made at the same
    moment (a second editor, a double click) may take that key between our look and our insert:
    its unique index refuses ours, and the next free key is taken instead."""
    for attempt in range(tries):
        copy.external_key = copy_key(external_key)
        try:
            with transaction.atomic():
                copy.save()
            return
        except IntegrityError:
            if attempt == tries - 1:
                raise


def duplicate_question(original, user):
    """An unpublished copy with its key points and tags, recorded in the history."""
    copy = Question(
        **{
            field.attname: getattr(original, field.attname)
            for field in Question._meta.concrete_fields
            if field.name not in {"id", "created_at", "updated_at"}
        }
    )
    copy.is_published = False
    copy._history_user = user
    copy._change_reason = _("Copy of %(key)s") % {"key": original.external_key}
    _save_with_free_key(copy, original.external_key)
    # The tags belong to the copy's first version, not to a second one of their own.
    copy.skip_history_when_saving = True
    copy.tags.set(original.tags.all())
    del copy.skip_history_when_saving
    created = copy.history.latest()
    created.tags.model.objects.bulk_create(
        created.tags.model(id=row.pk, history=created, question_id=copy.pk, tag_id=row.tag_id)
        for row in Question.tags.through.objects.filter(question=copy)
    )
    points = KeyPoint.objects.bulk_create(
        KeyPoint(
            question=copy,
            position=point.position,
            label=point.label,
            detail=point.detail,
            phrasings=point.phrasings,
        )
        for point in original.key_points.all()
    )
    if points and points[0].pk is None:  # backends that do not return ids
        points = list(copy.key_points.all())
    KeyPoint.history.bulk_history_create(points, default_user=user)
    edits.questions_changed([copy.pk])  # the key points came after save()
    return copy
