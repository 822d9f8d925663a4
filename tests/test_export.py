"""Exporting my own history: /history/export.csv and /history/export.json, both streamed."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from questions.study.models import Attempt, AttemptMode, StudyProfile
from tests.factories import make_question, make_questions

pytestmark = pytest.mark.django_db

CSV_URL = "/history/export.csv"
JSON_URL = "/history/export.json"
SNAPSHOT = [[1, "One", "first"], [2, "Two", "second"], [3, "Three", "third"]]


def make_attempt(user, question, **kwargs):
    kwargs.setdefault("rating", 3)
    kwargs.setdefault("coverage", 0.5)
    kwargs.setdefault("answer_snapshot", "reference")
    kwargs.setdefault("key_points_snapshot", SNAPSHOT)
    kwargs.setdefault("ticked", [1, 3])
    return Attempt.objects.create(user=user, question=question, **kwargs)


def content(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(content(response).removeprefix("\ufeff"))))


@pytest.fixture
def graded(alice, bob, question):
    first = make_attempt(
        alice,
        question,
        text='预训练模型, "quoted"\nsecond line',
        rating=4,
        coverage=0.75,
        mode=AttemptMode.MOCK,
        hints_used=1,
        time_spent=timedelta(seconds=95),
        created_at=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
    )
    second = make_attempt(
        alice, question, text="", rating=1, ticked=[], created_at=datetime(2024, 5, 2, tzinfo=UTC)
    )
    make_attempt(bob, question, text="bob's answer")
    return first, second


class TestCsvExport:
    def test_it_requires_login(self, client):
        assert client.get(CSV_URL).status_code == 302

    def test_it_has_url_names(self):
        assert reverse("questions:history_export_csv") == CSV_URL
        assert reverse("questions:history_export_json") == JSON_URL

    def test_it_is_a_streamed_attachment_with_a_dated_name(self, alice_client, alice, graded):
        StudyProfile.objects.filter(user=alice).update(time_zone="Asia/Shanghai")
        response = alice_client.get(CSV_URL)
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            'attachment; filename="interview-prep-history-'
        )
        assert response["Content-Disposition"].endswith('.csv"')

    def test_it_holds_every_attempt_of_mine_oldest_first(self, alice_client, question, graded):
        first, second = graded
        rows = csv_rows(alice_client.get(CSV_URL))
        assert [int(row["id"]) for row in rows] == [first.pk, second.pk]
        row = rows[0]
        assert row["question_key"] == question.external_key
        assert row["question_title"] == question.title
        assert row["topic"] == question.topic.name
        assert row["answer"] == '预训练模型, "quoted"\nsecond line'
        assert (row["rating"], row["grade"], row["mode"]) == ("4", "easy", "mock")
        assert float(row["coverage"]) == 0.75
        assert (row["ticked"], row["missed"]) == ("1 3", "2")
        assert row["answered_at"] == "2024-05-01T08:30:00+00:00"
        assert (row["hints_used"], row["time_spent_seconds"]) == ("1", "95.0")
        assert (rows[1]["ticked"], rows[1]["missed"], rows[1]["time_spent_seconds"]) == (
            "",
            "1 2 3",
            "",
        )

    def test_cells_a_spreadsheet_would_run_are_defused(self, alice_client, alice, question):
        make_attempt(alice, question, text='=HYPERLINK("http://x")')
        (row,) = csv_rows(alice_client.get(CSV_URL))
        assert row["answer"] == '\'=HYPERLINK("http://x")'

    def test_an_empty_history_is_just_the_header(self, alice_client):
        text = content(alice_client.get(CSV_URL))
        assert text.startswith("\ufeffid,answered_at,question_key,question_title")
        assert text.count("\n") == 1


class TestJsonExport:
    def test_it_is_a_streamed_attachment_with_a_dated_name(self, alice_client, graded):
        response = alice_client.get(JSON_URL)
        assert response.streaming
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"].endswith('.json"')
        assert "interview-prep-history-20" in response["Content-Disposition"]

    def test_it_holds_every_attempt_of_mine_with_the_exact_text(
        self, alice_client, question, graded
    ):
        first, second = graded
        data = json.loads(content(alice_client.get(JSON_URL)))
        assert data["format"] == "interview-prep-history"
        assert data["user"] == "alice"
        assert [item["id"] for item in data["attempts"]] == [first.pk, second.pk]
        assert data["attempts"][0] == {
            "id": first.pk,
            "answered_at": "2024-05-01T08:30:00+00:00",
            "question_key": question.external_key,
            "question_title": question.title,
            "topic": question.topic.name,
            "mode": "mock",
            "rating": 4,
            "grade": "easy",
            "coverage": 0.75,
            "ticked": [1, 3],
            "missed": [2],
            "hints_used": 1,
            "time_spent_seconds": 95.0,
            "answer": '预训练模型, "quoted"\nsecond line',
            "recording_url": None,
            "recording_seconds": None,
        }

    def test_an_empty_history_is_valid_json(self, alice_client):
        assert json.loads(content(alice_client.get(JSON_URL)))["attempts"] == []

    def test_it_is_written_in_pieces_not_in_one_string(self, alice_client, alice, question):
        Attempt.objects.bulk_create(
            Attempt(user=alice, question=question, rating=2, coverage=0.0, answer_snapshot="")
            for _ in range(450)
        )
        response = alice_client.get(JSON_URL)
        chunks = list(response.streaming_content)
        assert len(chunks) >= 4  # the header, batches of 200 attempts, the closing bracket
        assert len(json.loads(b"".join(chunks))["attempts"]) == 450


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_a_large_history_is_read_in_one_query_while_streaming(
    url, alice_client, alice, django_assert_max_num_queries
):
    questions = make_questions(10)
    Attempt.objects.bulk_create(
        Attempt(
            user=alice,
            question=questions[i % 10],
            rating=1 + i % 4,
            coverage=0.5,
            ticked=[1],
            key_points_snapshot=[[1, "Point", "detail"]],
            answer_snapshot="",
            text=f"answer {i}",
        )
        for i in range(5000)
    )
    response = alice_client.get(url)
    # Consuming the stream: the attempts with question and topic, one query read in chunks
    # (a server-side cursor on PostgreSQL), then the ungraded mock answers, plus the profile
    # for the file name before them.
    with django_assert_max_num_queries(3):
        body = b"".join(response.streaming_content)
    assert body.count(b"answer 4999") == 1


def test_only_my_attempts_are_exported(alice_client, bob):
    question = make_question()
    make_attempt(bob, question, text="bob only")
    assert "bob only" not in content(alice_client.get(CSV_URL))
    assert "bob only" not in content(alice_client.get(JSON_URL))
