"""The backups of docs/OPERATIONS.md restore what people see.

A full backup (dumpdata with the documented options) loaded into an emptied database brings back
the user, their study profile, review card and attempts, and the bank: the question page lists
the same attempts. The bank export alone restores the questions into an empty database.
"""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from questions.bank.models import Question
from questions.progress.models import StoredDigest
from questions.study.models import Attempt, ReviewCard, StudyProfile
from tests.factories import make_question, make_topic, make_user

# flush cannot run inside the transaction that `db` wraps each test in (PostgreSQL refuses to
# TRUNCATE tables with pending constraint checks): these tests commit, and are emptied after.
pytestmark = pytest.mark.django_db(transaction=True)

# The documented users-and-history backup: everything but what Django recreates by itself.
DUMP_OPTIONS = {
    "natural_foreign": True,
    "natural_primary": True,
    "exclude": [
        "contenttypes",
        "auth.permission",
        "admin.logentry",
        "sessions",
        "axes",
        "questions.storeddigest",
    ],
}
ANSWER = "预训练模型在大规模数据上训练，泛化能力强。"


def practise(client, question, rating):
    """Show, reveal and grade one question through the views, as a person would."""
    page = client.get(reverse("questions:practice_question", args=[question.pk]))
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    data = {"token": token, "text": ANSWER}
    assert client.post(reverse("questions:reveal", args=[question.pk]), data).status_code == 200
    data["rating"] = rating
    assert client.post(reverse("questions:grade", args=[question.pk]), data).status_code == 302


def history(client, question):
    """The 'Your attempts' section of the question page."""
    body = client.get(question.get_absolute_url()).content.decode()
    start = body.index('id="history-heading"')
    section = body[start : body.index("</section>", start)]
    # Its forms carry a CSRF token, which is different on every page.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section)


def progress(client):
    """The progress dashboard's figures: each <dt> with its <dd>."""
    body = client.get(reverse("questions:stats")).content.decode()
    return re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", body)


def test_a_full_dump_restores_the_users_history_into_an_empty_database(client, tmp_path):
    alice = make_user("alice", password="alice-secret-passphrase")
    StudyProfile.objects.update_or_create(user=alice, defaults={"time_zone": "Asia/Shanghai"})
    question = make_question(topic=make_topic("预训练模型", slug="pretrained-models"))
    client.force_login(alice)
    practise(client, question, rating=3)
    practise(client, question, rating=1)
    before = history(client, question)
    assert before.count('class="rating-') == 2
    progress_before = progress(client)  # and the progress digest stored
    assert ("Reviews in all", "2") in progress_before
    assert StoredDigest.objects.exists()

    dump = tmp_path / "backup.json"
    call_command("dumpdata", output=str(dump), **DUMP_OPTIONS)
    call_command("flush", interactive=False)
    assert not get_user_model().objects.exists()
    assert not Question.objects.exists()

    call_command("loaddata", str(dump))
    restored = get_user_model().objects.get(username="alice")
    assert restored.check_password("alice-secret-passphrase")
    assert restored.study_profile.time_zone == "Asia/Shanghai"
    assert Attempt.objects.filter(user=restored, question=question.pk).count() == 2
    assert ReviewCard.objects.get(user=restored, question=question.pk).reps == 2

    client.force_login(restored)
    assert history(client, question) == before
    assert not StoredDigest.objects.exists()  # derived: built again from the history
    assert progress(client) == progress_before


def test_the_bank_export_restores_the_questions_into_an_empty_database(tmp_path):
    topic = make_topic("预训练模型", slug="pretrained-models")
    for position in (1, 2, 3):
        make_question(topic=topic, position=position, source="pretrained-models")
    bank = tmp_path / "bank.json"
    call_command("export_questions", format="json", output=str(bank))

    call_command("flush", interactive=False)
    assert not Question.objects.exists()
    call_command("import_questions", str(bank))

    again = tmp_path / "again.json"
    call_command("export_questions", format="json", output=str(again))
    assert json.loads(again.read_text()) == json.loads(bank.read_text())
    assert Question.objects.count() == 3
