"""An import and an admin edit at the same time, on PostgreSQL: neither loses the other's write.

Two connections (two threads): the editor's transaction changes a question and holds its row;
the import, started meanwhile, must wait for it, plan again with what the editor wrote, and
write only the fields the file changes. On SQLite one writer at a time is all there is (the
import's transaction starts with BEGIN IMMEDIATE), so these run on PostgreSQL only.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction

from questions.bank import importing
from questions.bank.import_jobs import StalePreview, apply_confirmed, plan_fingerprint
from questions.bank.importing.apply import apply_plan
from questions.bank.importing.plan import plan_import
from questions.bank.models import Question
from tests.factories import make_question, make_topic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of PostgreSQL"),
]

BANK = """\
### Question 1: The new title

**Question:** What is attention?

**Answer:**

1. **Weights:** each token gets a weight.

**Explanation:** {explanation}

### Question 2: Dropout
<!-- difficulty: easy -->

**Question:** What is dropout?

**Answer:** Units are dropped at random.
"""


def bank_file(tmp_path, explanation="As the file says."):
    path = tmp_path / "race.md"
    path.write_text(BANK.format(explanation=explanation), encoding="utf-8")
    return path


@pytest.fixture
def question(db):
    topic = make_topic("Race", slug="race")
    make_question(
        topic=topic,
        external_key="race:2",
        source="race",
        position=2,
        title="Dropout",
        prompt="What is dropout?",
        answer="Units are dropped at random.",
        key_points=[],
        explanation="",
        language="en",
    )
    return make_question(
        topic=topic,
        external_key="race:1",
        source="race",
        position=1,
        title="The old title",
        prompt="What is attention?",
        answer="1. **Weights:** each token gets a weight.",
        key_points=[("Weights", "each token gets a weight.")],
        explanation="As the file says.",
        language="en",
    )


def in_thread(function):
    """Run function in a thread of its own, with its own database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # reported by the test, not lost in the thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def hold_an_edit(question_id, edited, release, **fields):
    """The admin's save: change the question and keep the transaction open until release."""

    def edit():
        close_old_connections()
        with transaction.atomic():
            row = Question.objects.select_for_update().get(pk=question_id)
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
            edited.set()
            assert release.wait(timeout=30)

    return in_thread(edit)


def import_meanwhile(path):
    def run():
        close_old_connections()
        parsed = importing.read_files([path], source="race", topic="Race", topic_slug="race")
        with transaction.atomic():
            return apply_plan(plan_import(parsed, for_update=True))

    return in_thread(run)


def test_an_import_waits_for_an_admin_edit_and_keeps_it(tmp_path, question):
    edited, release = threading.Event(), threading.Event()
    # The file says nothing of this question's difficulty (it changes the other one's): the
    # editor's change is not the import's to undo.
    editor, _ = hold_an_edit(question.pk, edited, release, difficulty="hard")
    assert edited.wait(timeout=30)

    importer, imported = import_meanwhile(bank_file(tmp_path))
    time.sleep(0.5)
    assert importer.is_alive()  # waiting for the editor's row
    release.set()
    editor.join(timeout=30)
    importer.join(timeout=30)

    assert "error" not in imported, imported.get("error")
    assert imported["value"]["updated"] == 2
    question.refresh_from_db()
    assert (question.title, question.difficulty) == ("The new title", "hard")


def test_a_confirmed_preview_is_not_applied_over_an_edit_made_after_it(tmp_path, question):
    path = bank_file(tmp_path)
    data = path.read_bytes()
    options = {"source": "race", "topic": "Race", "topic_slug": "race"}
    preview = plan_import(importing.parse_file("race.md", data, **options))
    fingerprint = plan_fingerprint(preview)
    edited, release = threading.Event(), threading.Event()
    editor, _ = hold_an_edit(question.pk, edited, release, title="The editor's title")
    assert edited.wait(timeout=30)

    importer, imported = in_thread(
        lambda: apply_confirmed("race.md", data, options, fingerprint, None)
    )
    time.sleep(0.5)
    release.set()
    editor.join(timeout=30)
    importer.join(timeout=30)

    assert isinstance(imported.get("error"), StalePreview)
    question.refresh_from_db()
    assert question.title == "The editor's title"
