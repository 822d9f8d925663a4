"""What an import writes, and what the edit history keeps of it: only the changed fields, every
change as a version (by the system on the command line), the tags of each version."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions.bank import importing
from questions.bank.importing.apply import apply_plan
from questions.bank.importing.plan import plan_import
from questions.bank.models import Question, Tag
from questions.bank.versions import restore_version
from tests.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

BANK = """\
{"format": "interview-prep-questions", "version": 1, "questions": [
{"external_key": "w:1", "topic": {"name": "W", "slug": "w"}, "title": "%(title)s",
 "prompt": "p", "answer": "a", "explanation": "same", "language": "en", "source": "w",
 "position": 1, "tags": %(tags)s, "key_points": []},
{"external_key": "w:2", "topic": {"name": "W", "slug": "w"}, "title": "second",
 "prompt": "p", "answer": "a", "explanation": "%(explanation)s", "language": "en",
 "source": "w", "position": 2, "tags": [], "key_points": []}
]}
"""


def bank(title="first", explanation="same", tags='["x"]'):
    return (BANK % {"title": title, "explanation": explanation, "tags": tags}).encode()


def import_bytes(data):
    with CaptureQueriesContext(connection) as queries:
        apply_plan(plan_import(importing.parse_file("w.json", data), for_update=True))
    return [query["sql"] for query in queries.captured_queries]


def test_each_question_is_updated_in_the_fields_it_changes_only():
    import_bytes(bank())

    statements = import_bytes(bank(title="first, renamed", explanation="changed"))

    updates = [sql for sql in statements if sql.startswith('UPDATE "questions_question"')]
    assert len(updates) == 2  # one statement per set of changed fields
    renamed = next(sql for sql in updates if '"title"' in sql)
    explained = next(sql for sql in updates if '"explanation"' in sql)
    assert '"explanation"' not in renamed
    assert '"title"' not in explained


def test_a_command_line_import_is_a_version_by_the_system_with_the_file_name(tmp_path):
    path = tmp_path / "w.json"
    path.write_bytes(bank())
    call_command("import_questions", str(path), verbosity=0)
    path.write_bytes(bank(tags='["x", "y"]'))

    call_command("import_questions", str(path), verbosity=0)

    question = Question.objects.get(external_key="w:1")
    versions = list(question.history.order_by("history_date", "history_id"))
    assert len(versions) == 2  # created, then retagged: a tag change alone is a version
    assert {version.history_user for version in versions} == {None}
    assert all("w.json" in version.history_change_reason for version in versions)
    assert [sorted(t.tag.name for t in v.tags.all()) for v in versions] == [["x"], ["x", "y"]]


def test_restoring_a_version_brings_back_its_tags(editor):
    question = make_question(topic=make_topic(), title="Tagged")
    question.tags.set([Tag.objects.create(name="old")])
    question.save()  # a version with the tag "old"
    before = question.history.latest()
    question.tags.set([Tag.objects.create(name="new")])

    restore_version(question, before, editor)

    assert [tag.name for tag in question.tags.all()] == ["old"]
    latest = question.history.latest()
    assert [row.tag.name for row in latest.tags.all()] == ["old"]
    assert latest.history_user == editor


def test_the_restore_page_shows_what_happens_to_the_tags(editor_client):
    question = make_question(topic=make_topic(), title="Tagged")
    question.tags.set([Tag.objects.create(name="old")])
    question.save()
    before = question.history.latest()
    question.tags.set([Tag.objects.create(name="new")])

    url = reverse("admin:questions_question_restore", args=[question.pk, before.history_id])
    page = editor_client.get(url).content.decode()

    assert re.search(r"new.*old", page, re.DOTALL)
