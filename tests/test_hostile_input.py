"""What the fuzz test found, one case each: the answer a user gets instead of a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from questions.bank.models import Question
from questions.shortcuts import safe_next
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.mark.parametrize(
    ("given", "followed"),
    [
        ("/practice/?topic=x", True),
        ("abc", False),  # redirect() would look it up as a URL name
        ("questions:home", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("/ok/\x00", False),
        ("", False),
    ],
)
def test_next_is_followed_only_when_it_is_a_path_on_this_site(rf, given, followed):
    request = rf.post("/", {"next": given})
    assert safe_next(request, "questions:home") == (given if followed else "/")


def test_a_star_with_a_bare_word_as_next_goes_back_to_the_question(alice_client, question):
    url = reverse("questions:star", args=[question.pk])
    response = alice_client.post(url, {"starred": "1", "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()


def test_a_signup_with_a_bare_word_as_next_signs_in_and_goes_to_practice(client):
    data = {"username": "nina", "password1": PASSWORD, "password2": PASSWORD, "next": "abc"}
    response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("questions:practice")
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="nina").pk)


def test_a_topic_id_beyond_the_integer_range_is_a_form_error(alice_client, topic):
    data = {"topics": [str(2**63)], "count": "3", "minutes": "5"}
    response = alice_client.post(reverse("questions:mock_new"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.fixture
def editor_client(db):
    user = make_user("hostile-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def test_a_question_history_with_a_word_for_its_id_is_not_found(editor_client):
    assert editor_client.get("/admin/questions/question/abc/history/").status_code == 404
    assert editor_client.get("/admin/questions/question/1/history/abc/").status_code == 404


DEEP = 50_000
MALFORMED = {
    "twice.json": (b'{"questions": 1,\n "questions": []}', 2, "appears twice"),
    "deep.json": (b"[" * DEEP + b"]" * DEEP, 1, "nested too deeply"),
    "surrogate.json": (
        b'{"questions": [\n{"title": "\\ud800", "prompt": "p", "answer": "a"}]}',
        2,
        "lone surrogate",
    ),
    "nul.json": (
        b'{"questions": [\n{"title": "a\\u0000", "prompt": "p", "answer": "a"}]}',
        2,
        "NUL",
    ),
    "position.json": (
        b'{"questions": [\n{"title": "t", "prompt": "p", "answer": "a", "position": 2147483648}]}',
        2,
        "position must be a whole number from 0 to 2147483647",
    ),
    "position.md": (
        b"### Question 9223372036854775808: t\n\n**Question:** p\n\n**Answer:** a\n",
        1,
        "position must be a whole number",
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_import_file_is_refused_at_its_line_and_writes_nothing(editor_client, name):
    content, line, message = MALFORMED[name]
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = editor_client.post(reverse("admin:questions_question_import"), {"file": upload})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert any(error["line"] == line and message in error["message"] for error in errors), errors
    assert not Question.objects.exists()
