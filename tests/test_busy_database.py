"""A write that waits out the database's lock timeout (SQLite's one writer busy with a large
import) gets a 503 with a message and Retry-After, never a server error, and saves nothing."""

import pytest
from django.db import OperationalError

from questions.study import grading
from questions.study.models import Attempt
from tests.helpers import grade, reveal, token_from


def busy(**grade):
    raise OperationalError("database is locked")


def test_a_grade_refused_by_a_locked_database_is_a_503_with_a_message(
    alice_client, question, monkeypatch
):
    token = token_from(reveal(alice_client, question))
    monkeypatch.setattr(grading, "record_grade", busy)

    response = grade(alice_client, question, token=token, htmx=False)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The database is busy" in response.content.decode()
    assert not Attempt.objects.exists()


def test_other_database_errors_are_not_disguised_as_busy(alice_client, question, monkeypatch):
    token = token_from(reveal(alice_client, question))

    def broken(**grade):
        raise OperationalError("no such table: questions_attempt")

    monkeypatch.setattr(grading, "record_grade", broken)
    with pytest.raises(OperationalError, match="no such table"):
        grade(alice_client, question, token=token, htmx=False)
