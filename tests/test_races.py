"""Requests that race for one row end in a clear answer: no IntegrityError page, no doubled rows.

Each test sends the same request from several threads at once (a barrier releases them
together), each thread with its own database connection, against a database the threads share.
That needs a real server: SQLite's test database lives in memory, one per connection, so these
tests run on PostgreSQL only.
"""

import copy
import json
import threading

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from tests.factories import make_editors_group, make_question, make_topic, make_user

pytestmark = [
    # Transactional: each test's threads need committed rows. The flush after a transactional
    # test drops the Editors group: the editor fixture makes it again.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs parallel connections to one database: run with a PostgreSQL DATABASE_URL",
    ),
]

PARALLEL = 8
PASSWORD = "a-long-unusual-passphrase-42"
IMPORT_URL = "/admin/questions/question/import/"

BANK = """\
### Question 1: Attention

**Question:** What is attention?

**Answer:**

1. **Weights:** each token gets a weight.
2. **Softmax:** the weights sum to one.

### Question 2: Dropout

**Question:** What is dropout?

**Answer:** Units are dropped at random while training.
"""


def model(name):
    return apps.get_model("questions", name)


def at_once(requests):
    """Run each callable in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = requests[i]()
        except Exception as error:  # a 500 is a response; an exception here is the test's bug
            results[i] = error
        finally:
            connections.close_all()  # this thread's connection, before the test flushes

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def client_for(user=None, cookies=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    if cookies is not None:  # the same session, each client with its own jar
        client.cookies = copy.deepcopy(cookies)
    return client


@pytest.fixture
def editor():
    user = make_user("race-editor", is_staff=True)
    user.groups.add(make_editors_group())
    return user


def preview(client, text, name="race.md", **fields):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/markdown")
    response = client.post(IMPORT_URL, {"file": upload, **fields})
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    assert 'name="fingerprint"' in html, html[:2000]
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    fingerprint = html.split('name="fingerprint" value="', 1)[1].split('"', 1)[0]
    return {"token": token, "fingerprint": fingerprint, "confirm": "1"}


def messages_of(client, response):
    """The page a response leads to (following its redirect), as text."""
    if response.status_code in (301, 302):
        response = client.get(response["Location"])
    return response.content.decode()


def test_parallel_signups_of_one_name_make_one_account_and_tell_the_others_it_is_taken():
    def sign_up(i):
        data = {"username": "racer", "password1": PASSWORD, "password2": PASSWORD}
        return lambda: client_for().post("/accounts/signup/", data, REMOTE_ADDR=f"10.0.0.{i}")

    responses = at_once([sign_up(i) for i in range(PARALLEL)])

    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200] * (PARALLEL - 1) + [302], statuses
    for response in responses:
        if response.status_code == 200:
            assert "already exists" in response.content.decode()
    assert get_user_model().objects.filter(username="racer").count() == 1


def test_parallel_confirms_of_one_preview_apply_it_once(editor):
    owner = client_for(editor)
    data = preview(owner, BANK)

    clients = [client_for(cookies=owner.cookies) for _ in range(PARALLEL)]
    responses = at_once([lambda c=c: c.post(IMPORT_URL, data) for c in clients])

    assert all(r.status_code in (200, 302) for r in responses), [r.status_code for r in responses]
    pages = [messages_of(c, r) for c, r in zip(clients, responses, strict=True)]
    assert sum("Imported race.md" in page for page in pages) == 1
    assert sum("already confirmed" in page for page in pages) == PARALLEL - 1
    assert model("Question").objects.filter(external_key__startswith="race:").count() == 2
    question = model("Question").objects.get(external_key="race:1")
    assert question.key_points.count() == 2
    assert question.history.count() == 1  # one creation recorded, not one per confirm


def topic_bank(source):
    question = {"title": "Attention", "prompt": "What is it?", "answer": "1. Weights."}
    questions = [
        question | {"source": source, "topic": "Race topic", "position": n} for n in (1, 2)
    ]
    return json.dumps({"questions": questions})


def test_two_imports_creating_the_same_new_topic_both_land_in_it(editor):
    first, second = client_for(editor), client_for(editor)
    data = [
        preview(first, topic_bank("race-a"), name="a.json"),
        preview(second, topic_bank("race-b"), name="b.json"),
    ]

    responses = at_once(
        [lambda: first.post(IMPORT_URL, data[0]), lambda: second.post(IMPORT_URL, data[1])]
    )

    assert [r.status_code for r in responses] == [302, 302]
    topic = model("Topic").objects.get(name="Race topic")
    keys = model("Question").objects.filter(topic=topic).values_list("external_key", flat=True)
    assert sorted(keys) == ["race-a:1", "race-a:2", "race-b:1", "race-b:2"]


def test_two_parallel_duplicate_actions_make_two_copies_with_distinct_keys(editor):
    question = make_question(topic=make_topic(), external_key="race:original")
    clients = [client_for(editor), client_for(editor)]
    data = {"action": "duplicate", "_selected_action": [str(question.pk)], "index": "0"}
    changelist = "/admin/questions/question/"

    responses = at_once([lambda c=c: c.post(changelist, data) for c in clients])

    assert [r.status_code for r in responses] == [302, 302]
    copies = model("Question").objects.filter(external_key__startswith="race:original-copy")
    assert sorted(copies.values_list("external_key", flat=True)) == [
        "race:original-copy",
        "race:original-copy-2",
    ]
    for duplicate in copies:
        assert duplicate.key_points.count() == question.key_points.count()
