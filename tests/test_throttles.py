"""Rate limits on the account pages, counted where every worker counts, and what the logs and
caches are not given: reset links, private pages."""

import gc
import importlib.util
import logging
from pathlib import Path

import pytest
from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings
from django.urls import reverse

from interview_prep import collector
from questions.accounts import ratelimit
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_the_counters_live_in_the_database_when_there_is_no_redis(settings):
    assert not settings.REDIS_URL
    assert isinstance(caches[ratelimit.THROTTLE_CACHE], DatabaseCache)
    assert ratelimit.hit("test", "key", limit=2, period=3600)
    assert ratelimit.hit("test", "key", limit=2, period=3600)
    assert not ratelimit.hit("test", "key", limit=2, period=3600)
    assert ratelimit.count("test", "key", 3600) == 3
    assert ratelimit.count("test", "other key", 3600) == 0


def assert_limited(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "Try again in" in text
    assert 1 <= int(response["Retry-After"]) <= 3600
    return text


@override_settings(PASSWORD_CHECK_RATE_LIMIT=3)
def test_it_limits_wrong_old_passwords_on_password_change_per_user(client, alice):
    client.force_login(alice)
    data = {"old_password": "wrong", "new_password1": "x-new-pass-41", "new_password2": "x"}
    for i in range(3):
        response = client.post(reverse("password_change"), data, REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 200
    text = assert_limited(client.post(reverse("password_change"), data, REMOTE_ADDR="10.0.1.1"))
    assert "Too many tries of this account" in text


@override_settings(PASSWORD_CHECK_RATE_LIMIT=2)
def test_it_limits_password_tries_on_account_deletion(client, alice):
    client.force_login(alice)
    for _ in range(2):
        assert (
            client.post(reverse("questions:account_delete"), {"password": "no"}).status_code == 200
        )
    assert_limited(client.post(reverse("questions:account_delete"), {"password": PASSWORD}))
    assert type(alice).objects.filter(pk=alice.pk).exists()


@override_settings(LOGIN_ADDRESS_RATE_LIMIT=4)
def test_it_limits_failed_logins_from_one_address_across_usernames(client, db):
    for i in range(4):
        data = {"username": f"user{i}", "password": "guess"}
        assert client.post(reverse("login"), data, REMOTE_ADDR="10.9.9.9").status_code == 200
    make_user("victim")
    data = {"username": "victim", "password": PASSWORD}
    text = assert_limited(client.post(reverse("login"), data, REMOTE_ADDR="10.9.9.9"))
    assert "Too many failed logins" in text
    # Another address logs in as ever.
    assert client.post(reverse("login"), data, REMOTE_ADDR="10.9.9.8").status_code == 302


@override_settings(LOGIN_ADDRESS_RATE_LIMIT=2)
def test_successful_logins_do_not_count(client, alice):
    data = {"username": "alice", "password": PASSWORD}
    for _ in range(4):
        assert client.post(reverse("login"), data, REMOTE_ADDR="10.9.9.7").status_code == 302
        client.logout()


@override_settings(PASSWORD_RESET_ACCOUNT_RATE_LIMIT=2, PASSWORD_RESET_ADDRESS_RATE_LIMIT=50)
def test_it_limits_reset_mails_per_account(client, db):
    for i in range(2):
        data = {"email": "Carol@Example.org"}
        response = client.post(reverse("password_reset"), data, REMOTE_ADDR=f"10.1.0.{i}")
        assert response.status_code == 302
    response = client.post(reverse("password_reset"), {"email": "carol@example.org "})
    assert "Too many password-reset mails" in assert_limited(response)


@override_settings(PASSWORD_RESET_ADDRESS_RATE_LIMIT=2, PASSWORD_RESET_ACCOUNT_RATE_LIMIT=50)
def test_it_limits_reset_mails_per_address(client, db):
    for i in range(2):
        data = {"email": f"user{i}@example.org"}
        assert (
            client.post(reverse("password_reset"), data, REMOTE_ADDR="10.2.0.1").status_code == 302
        )
    assert_limited(
        client.post(reverse("password_reset"), {"email": "x@example.org"}, REMOTE_ADDR="10.2.0.1")
    )


def test_the_signup_limit_page_says_when_to_retry(client, settings):
    settings.SIGNUP_RATE_LIMIT = 0
    data = {"username": "dora", "password1": "x", "password2": "x"}
    text = assert_limited(client.post(reverse("signup"), data))
    assert "Too many signups from your network" in text


# --- No secrets in logs ----------------------------------------------------------------------


@override_settings(EMAIL_BACKEND="questions.accounts.mail.LogOnlyEmailBackend")
def test_without_a_mail_server_production_logs_a_reset_request_but_not_its_link(caplog):
    user = make_user("erin", email="erin@example.org")
    context = {
        "email": user.email,
        "domain": "prep.example",
        "site_name": "prep",
        "uid": "MQ",
        "user": user,
        "token": "the-secret-token-123",
        "protocol": "https",
    }
    with caplog.at_level(logging.INFO):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            user.email,
        )
    assert "mail not sent" in caplog.text
    assert "the-secret-token-123" not in caplog.text
    assert "erin@example.org" not in caplog.text
    assert mail.outbox == []


def gunicorn_settings():
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_access_log_masks_the_token_of_reset_links():
    conf = gunicorn_settings()
    line = "GET /accounts/reset/MTI/cbx1-0a1b2c3d4e5f6a7b8c9d/ HTTP/1.1"
    assert conf.mask_secrets(line) == "GET /accounts/reset/MTI/********/ HTTP/1.1"
    assert conf.mask_secrets("GET /accounts/reset/done/ HTTP/1.1").endswith("/reset/done/ HTTP/1.1")
    assert conf.logger_class is conf.MaskingLogger


def test_each_worker_keeps_the_loaded_app_out_of_the_collectors_way():
    conf = gunicorn_settings()
    before = gc.get_threshold()
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


# --- Private pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["questions:history", "questions:stats", "study_settings", "questions:home"]
)
def test_pages_for_a_signed_in_user_are_private_and_not_stored(alice_client, name):
    response = alice_client.get(reverse(name))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_a_question_page_is_private_when_signed_in_and_not_otherwise(client, alice, question):
    url = reverse("questions:detail", args=[question.pk])
    assert "no-store" not in client.get(url).get("Cache-Control", "")
    client.force_login(alice)
    assert "private" in client.get(url)["Cache-Control"]


def test_the_practice_page_is_private(alice_client, question):
    page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]  # never_cache already
