"""The reference answer stored once: its text around the key point rows (questions/bank/answers.py).

Until now Question.answer held the whole answer, its numbered key point list included, and the
key points were stored again as rows. Each question whose answer holds exactly the list that
reference_answer() writes for its rows (`1. **label：** detail`, one item a line, a blank
line before and after) keeps the text before the list in `answer`, the text after it in
`answer_closing`, and lists its key points from the rows from now on: what learners read is
the same text, character for character. Any other answer stays whole (compose_key_points
off): a list written otherwise (a loose list, other indentation, text between two lists), or
one that no longer matches the rows because an editor changed a key point. The admin's list
filter "list the key points in the answer" finds those.

The history keeps its versions whole: a restore stores a whole version the way an import would
(questions/bank/versions.py). Reversing composes each answer back into one text.

The split uses questions/bank/answers.py itself rather than a frozen copy: it keeps a question
whole unless composing it again gives back its text exactly, under the rule of the code that
will compose it.

On SQLite, adding the not-null columns rebuilds questions_question, which drops the triggers
that keep the search index current (0006): they are created again here.
"""

import importlib
from collections import defaultdict

from django.db import migrations, models

from questions.bank import answers

BATCH_SIZE = 1000
search_text_migration = importlib.import_module("questions.migrations.0006_question_search_text")


def _points_by_question(KeyPoint, alias, ids):
    points = defaultdict(list)
    rows = (
        KeyPoint.objects.using(alias)
        .filter(question_id__in=ids)
        .order_by("question_id", "position")
        .values_list("question_id", "label", "detail")
    )
    for question_id, label, detail in rows:
        points[question_id].append((label, detail))
    return points


def _convert(apps, schema_editor, store):
    alias = schema_editor.connection.alias
    Question = apps.get_model("questions", "Question")
    KeyPoint = apps.get_model("questions", "KeyPoint")
    ids = list(Question.objects.using(alias).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        points = _points_by_question(KeyPoint, alias, batch)
        changed = []
        questions = Question.objects.using(alias).filter(pk__in=batch).order_by()
        for question in questions.only(
            "answer", "answer_closing", "compose_key_points", "language"
        ):
            fields = store(question, points[question.pk])
            if any(getattr(question, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(question, name, value)
                changed.append(question)
        Question.objects.using(alias).bulk_update(
            changed, ["answer", "answer_closing", "compose_key_points"]
        )


def split_answers(apps, schema_editor):
    _convert(
        apps,
        schema_editor,
        lambda question, points: answers.stored_answer(question.answer, points, question.language),
    )


def join_answers(apps, schema_editor):
    def whole(question, points):
        text = answers.reference_answer(
            question.answer,
            question.answer_closing,
            question.compose_key_points,
            question.language,
            points,
        )
        return {"answer": text, "answer_closing": "", "compose_key_points": False}

    _convert(apps, schema_editor, whole)


def recreate_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for kind in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {search_text_migration.FTS}_{kind}")
    for trigger in search_text_migration.SQLITE_TRIGGERS:
        schema_editor.execute(trigger)


ANSWER_HELP = (
    "Markdown. What comes before the key points, which are listed after it as a numbered list; "
    "or, when the key points are not listed, the whole answer."
)
CLOSING_HELP = "Markdown. What comes after the numbered key points, if anything."
COMPOSE_HELP = (
    "On: learners read the answer above, the key points below as a numbered list, then the "
    "closing. Off: the answer above is read as it is, and must say the key points itself "
    "(answers imported with a list written otherwise are kept so)."
)


def _fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="answer_closing",
            field=models.TextField(
                blank=True, help_text=CLOSING_HELP, verbose_name="reference answer: closing"
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="compose_key_points",
            field=models.BooleanField(
                default=False,
                help_text=COMPOSE_HELP,
                verbose_name="list the key points in the answer",
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="answer",
            field=models.TextField(
                blank=True, help_text=ANSWER_HELP, verbose_name="reference answer"
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("questions", "0014_throttle_cache_table")]

    operations = [
        *_fields("historicalquestion"),
        # Reversed after the columns are removed (which rebuilds the table again).
        migrations.RunPython(migrations.RunPython.noop, recreate_search_triggers),
        *_fields("question"),
        migrations.RunPython(recreate_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(split_answers, join_answers),
    ]
