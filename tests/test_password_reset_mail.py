"""Password-reset mail is sent by a task, and the queue never holds the reset link's token."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from questions.accounts import password_reset, tasks
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class Spy:
    """Stands in for the task: records what would be queued."""

    def __init__(self, queued):
        self.queued = queued

    def enqueue(self, **kwargs):
        self.queued.append(kwargs)


def test_asking_for_a_reset_queues_the_mail_and_the_worker_sends_a_working_link(client):
    make_user("alice", email="alice@example.com")

    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1  # the immediate backend ran the task
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link
    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    assert "new_password1" in confirm.content.decode()


def test_the_queued_task_gets_ids_and_names_not_the_token(client, monkeypatch):
    make_user("alice", email="alice@example.com")
    queued = []
    monkeypatch.setattr(password_reset, "send_password_reset_mail", Spy(queued))

    client.post(reverse("password_reset"), {"email": "alice@example.com"})

    (arguments,) = queued
    assert arguments["to_email"] == "alice@example.com"
    assert "token" not in arguments and "uid" not in arguments
    assert not mail.outbox


def test_an_unknown_address_queues_nothing(client, monkeypatch):
    queued = []
    monkeypatch.setattr(password_reset, "send_password_reset_mail", Spy(queued))

    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert queued == []


def test_the_mail_is_written_in_the_language_of_the_request():
    user = make_user("alice", email="alice@example.com")

    with translation.override("en"):
        tasks.send_password_reset_mail.call(
            user_id=user.pk,
            to_email=user.email,
            domain="testserver",
            site_name="testserver",
            protocol="https",
            language="zh-hans",
        )

    assert len(mail.outbox) == 1
    assert translation.get_language() == "en"


def test_a_user_deleted_before_the_worker_runs_gets_no_mail():
    user = make_user("alice", email="alice@example.com")
    user_id = user.pk
    user.delete()

    tasks.send_password_reset_mail.call(
        user_id=user_id,
        to_email="alice@example.com",
        domain="testserver",
        site_name="testserver",
        protocol="https",
        language="en",
    )

    assert not mail.outbox
