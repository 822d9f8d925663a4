"""One search column per question, with a trigram index (/questions/?q=…, questions/search.py).

Question.search_text holds the casefolded title, prompt, answer and key points, one per line.
Search looks for each term in that one column, which a trigram index serves for terms of 3+
characters:

- on SQLite, the FTS5 table questions_question_fts (trigram tokenizer) over that column, as
  external content (it stores the index, not a copy of the text), kept in step by triggers;
- on PostgreSQL, a pg_trgm GIN index on it, which replaces the five per-column indexes of
  0003 (search no longer reads those columns; reversing this migration restores them).

On SQLite, a later migration that rebuilds questions_question (Django does that for most
column changes there) drops the triggers with the old table: it must create them again
(SQLITE_TRIGGERS below). tests/test_indexes.py notices when they are missing.
"""

from collections import defaultdict

from django.db import migrations, models

BATCH_SIZE = 1000
FTS = "questions_question_fts"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON questions_question BEGIN
        INSERT INTO {FTS} (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON questions_question BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    # A save that leaves the text as it was does not touch the index.
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF search_text ON questions_question
        WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS} (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
# The indexes of 0003, as it made them.
PER_COLUMN = [
    ("questions_question", "title"),
    ("questions_question", "prompt"),
    ("questions_question", "answer"),
    ("questions_keypoint", "label"),
    ("questions_keypoint", "detail"),
]


def fill_search_text(apps, schema_editor):
    # The rule of Question.search_text_of(), frozen here as it was when this migration ran.
    alias = schema_editor.connection.alias
    Question = apps.get_model("questions", "Question")
    KeyPoint = apps.get_model("questions", "KeyPoint")
    ids = list(Question.objects.using(alias).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        texts = defaultdict(list)
        points = (
            KeyPoint.objects.using(alias)
            .filter(question_id__in=batch)
            .order_by("question_id", "position")
            .values_list("question_id", "label", "detail")
        )
        for question_id, label, detail in points:
            texts[question_id] += [label, detail]
        questions = list(
            Question.objects.using(alias)
            .filter(pk__in=batch)
            .order_by()
            .only("title", "prompt", "answer")
        )
        for question in questions:
            question.search_text = "\n".join(
                [question.title, question.prompt, question.answer, *texts[question.pk]]
            ).casefold()
        Question.objects.using(alias).bulk_update(questions, ["search_text"])


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # case_sensitive: the column and the terms are casefolded already, so the index
        # matches exactly what Python's `term in search_text` would.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, "
            "content='questions_question', content_rowid='id', "
            "tokenize='trigram case_sensitive 1')"
        )
        schema_editor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            schema_editor.execute(trigger)
    elif vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX questions_question_search_trgm "
            "ON questions_question USING gin (search_text gin_trgm_ops)"
        )
        for table, column in PER_COLUMN:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for kind in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{kind}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif vendor == "postgresql":
        for table, column in PER_COLUMN:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm "
                f"ON {table} USING gin ({column} gin_trgm_ops)"
            )
        schema_editor.execute("DROP INDEX IF EXISTS questions_question_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("questions", "0005_external_key_help")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
