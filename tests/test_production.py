"""Production hardening: settings that refuse to start, the deploy checks, login lockout, the
signup limit, request ids in the logs, the health check, and .env.example kept complete."""

import os
import re
import secrets
import string
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from questions.accounts import ratelimit
from tests.factories import make_user

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"  # tests.factories.make_user's


@pytest.fixture
def fast_hashing(settings):
    # Every login and signup hashes a password: the default hasher takes about a second here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_manage(*args, env, tmp_path):
    """manage.py in a fresh interpreter with only the given DJANGO_* variables (and no pytest)."""
    return run_python("manage.py", *args, env=env, tmp_path=tmp_path)


def run_python(*args, env, tmp_path):
    """Python in a fresh interpreter with only the given DJANGO_* variables (and no pytest)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean["DJANGO_SQLITE_PATH"] = str(tmp_path / "db.sqlite3")
    clean["DJANGO_SETTINGS_MODULE"] = "interview_prep.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret_key():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


class TestStartup:
    def test_production_lists_no_development_command(self, tmp_path):
        env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": random_secret_key()}
        result = run_manage("help", env=env, tmp_path=tmp_path)

        assert result.returncode == 0, result.stderr
        assert "import_questions" in result.stdout
        assert "generate_load_data" not in result.stdout
        assert "[devtools]" not in result.stdout

    def test_development_and_benchmarks_have_the_load_data_generator(self, tmp_path):
        for env in ({"DJANGO_DEBUG": "1"}, {"DJANGO_BENCHMARK": "1"}):
            result = run_manage("help", env=env, tmp_path=tmp_path)

            assert "generate_load_data" in result.stdout, result.stderr

    def test_production_refuses_to_start_without_a_secret_key(self, tmp_path):
        result = run_manage("check", "--deploy", env={"DJANGO_DEBUG": "0"}, tmp_path=tmp_path)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr
        assert "Traceback" not in result.stderr

    @pytest.mark.parametrize("module", ["interview_prep.wsgi", "interview_prep.asgi"])
    def test_the_server_refuses_to_start_without_a_secret_key(self, module, tmp_path):
        result = run_python("-c", f"import {module}", env={"DJANGO_DEBUG": "0"}, tmp_path=tmp_path)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr
        assert "Traceback" not in result.stderr

    def test_the_server_starts_with_one(self, tmp_path):
        env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": random_secret_key()}
        result = run_python("-c", "import interview_prep.wsgi", env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr

    def test_commands_that_sign_nothing_run_without_any_setting(self, tmp_path):
        result = run_manage("makemigrations", "--check", "--dry-run", env={}, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "No changes detected" in result.stdout

    def test_a_bad_boolean_is_refused_with_its_name(self, tmp_path):
        result = run_manage("check", env={"DJANGO_DEBUG": "maybe"}, tmp_path=tmp_path)
        assert result.returncode != 0
        assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr
        assert "Traceback" not in result.stderr

    def test_the_deploy_checks_pass_with_production_defaults(self, tmp_path):
        env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": random_secret_key()}
        result = run_manage(
            "check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout


class TestErrorLogs:
    def test_a_server_error_reaches_stdout_with_its_traceback_and_request_id(self, tmp_path):
        # The production logging config in a fresh process: a view that raises, as gunicorn
        # would see it. stdout is where the container's logs are collected.
        script = (
            "from unittest import mock\n"
            "from django.test import Client\n"
            "with mock.patch('questions.study.browse_views.render',\n"
            "                side_effect=RuntimeError('boom')):\n"
            "    response = Client(raise_request_exception=False).get(\n"
            "        '/', secure=True, HTTP_HOST='localhost', HTTP_X_REQUEST_ID='req-42')\n"
            "assert response.status_code == 500, response.status_code\n"
        )
        env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": random_secret_key()}
        result = run_manage("shell", "-c", script, env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "level=ERROR logger=django.request request_id=req-42" in result.stdout
        assert "Internal Server Error: /" in result.stdout
        assert "Traceback" in result.stdout
        assert "RuntimeError: boom" in result.stdout


class TestRequestID:
    def test_it_makes_one_up_and_returns_it(self, client):
        response = client.get("/healthz")
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])

    def test_it_keeps_the_one_the_proxy_sent(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
        assert response["X-Request-ID"] == "abc-123"

    def test_it_replaces_one_that_could_forge_log_fields(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="x level=ERROR")
        assert response["X-Request-ID"] != "x level=ERROR"
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_hashing")
class TestLoginLockout:
    def log_in(self, client, username, password, ip="10.0.0.1"):
        data = {"username": username, "password": password}
        return client.post(reverse("login"), data, REMOTE_ADDR=ip)

    def fail_five_times(self, client, username, ip="10.0.0.1"):
        return [self.log_in(client, username, "wrong", ip).status_code for _ in range(5)]

    def test_five_wrong_passwords_lock_that_username_from_that_address(self, client):
        make_user("alice")
        # The form comes back four times; the fifth failure locks.
        assert self.fail_five_times(client, "alice") == [200, 200, 200, 200, 429]
        response = self.log_in(client, "alice", PASSWORD)
        assert response.status_code == 429
        body = response.content.decode()
        assert "Too many failed logins" in body
        assert "blocked for 15 minutes" in body
        assert "_auth_user_id" not in client.session

    def test_another_user_can_still_log_in_from_that_address(self, client):
        make_user("alice")
        make_user("bob")
        self.fail_five_times(client, "alice")
        assert self.log_in(client, "bob", PASSWORD).status_code == 302

    def test_the_same_user_can_still_log_in_from_elsewhere(self, client):
        make_user("alice")
        self.fail_five_times(client, "alice", ip="10.0.0.1")
        assert self.log_in(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 302

    def test_the_lock_lifts_after_15_minutes(self, client):
        make_user("alice")
        self.fail_five_times(client, "alice")
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
        assert self.log_in(client, "alice", PASSWORD).status_code == 302

    def test_force_login_still_works(self, alice_client):
        assert alice_client.get(reverse("questions:practice")).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_hashing")
class TestSignupRateLimit:
    def sign_up(self, client, username="carol", ip="10.0.0.1", password="a-long-passphrase-42"):
        data = {"username": username, "password1": password, "password2": password}
        return client.post(reverse("signup"), data, REMOTE_ADDR=ip)

    @override_settings(SIGNUP_RATE_LIMIT=3)
    def test_it_refuses_signups_past_the_hourly_limit_with_429(self, client):
        # Every POST counts, valid or not.
        for _ in range(3):
            assert self.sign_up(client, password="short").status_code == 200
        response = self.sign_up(client)
        assert response.status_code == 429
        assert "Too many signups from your network" in response.content.decode()
        assert not client.session.get("_auth_user_id")

    @override_settings(SIGNUP_RATE_LIMIT=1)
    def test_other_addresses_are_not_limited(self, client):
        assert self.sign_up(client, password="short").status_code == 200
        assert self.sign_up(client, ip="10.0.0.2").status_code == 302

    @override_settings(SIGNUP_RATE_LIMIT=1)
    def test_the_limit_resets_the_next_hour(self, client):
        # Near the real time: the database cache dates its counters' expiry from time.time().
        now = time.time() // 3600 * 3600 + 1
        with mock.patch("questions.accounts.ratelimit.time.time", return_value=now):
            assert self.sign_up(client, password="short").status_code == 200
            assert self.sign_up(client, password="short").status_code == 429
        with mock.patch("questions.accounts.ratelimit.time.time", return_value=now + 3600):
            assert self.sign_up(client).status_code == 302

    @override_settings(SIGNUP_RATE_LIMIT=1)
    def test_showing_the_form_does_not_count(self, client):
        for _ in range(3):
            assert client.get(reverse("signup"), REMOTE_ADDR="10.0.0.1").status_code == 200
        assert self.sign_up(client).status_code == 302


class TestClientAddress:
    def request(self, remote_addr, forwarded=None):
        request = mock.Mock()
        request.META = {"REMOTE_ADDR": remote_addr}
        request.headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return request

    @override_settings(PROXY_COUNT=0)
    def test_without_proxies_it_ignores_x_forwarded_for(self):
        assert ratelimit.client_ip(self.request("10.0.0.9", "1.2.3.4")) == "10.0.0.9"

    @override_settings(PROXY_COUNT=1)
    def test_behind_one_proxy_it_takes_the_address_the_proxy_added(self):
        # The client forged 6.6.6.6; our proxy appended the address it really saw.
        request = self.request("172.18.0.5", "6.6.6.6, 203.0.113.7")
        assert ratelimit.client_ip(request) == "203.0.113.7"

    @override_settings(PROXY_COUNT=1)
    def test_behind_a_proxy_without_the_header_it_falls_back_to_remote_addr(self):
        assert ratelimit.client_ip(self.request("172.18.0.5")) == "172.18.0.5"


@pytest.mark.django_db
class TestHealthzWithRedis:
    @override_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    def test_it_answers_ok_when_the_cache_works(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok"

    @override_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    def test_it_answers_503_when_redis_is_down(self, client):
        with mock.patch("questions.health.cache") as cache:
            cache.set.side_effect = RedisConnectionError("Connection refused")
            response = client.get("/healthz")
        assert response.status_code == 503
        assert response.content == b"cache unavailable"

    @override_settings(REDIS_URL="")
    def test_without_redis_it_does_not_touch_the_cache(self, client):
        with mock.patch("questions.health.cache") as cache:
            response = client.get("/healthz")
        assert response.status_code == 200
        cache.set.assert_not_called()


def test_env_example_documents_every_variable_the_app_reads():
    sources = {
        "interview_prep/settings.py": r"env_(?:str|bool|int|list|json_object)\(\s*\"([A-Z0-9_]+)\"",
        "gunicorn.conf.py": r"(?:_env_int\(|environ\.get\()\s*[\"']([A-Z0-9_]+)[\"']",
        "docker/entrypoint.sh": r"\$\{([A-Z0-9_]+):-",
        "docker-compose.yml": r"\$\{([A-Z0-9_]+):\?",
    }
    read = set()
    for path, pattern in sources.items():
        read |= set(re.findall(pattern, (BASE_DIR / path).read_text()))
    documented = set(
        re.findall(r"^#? ?([A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M)
    )
    assert "DJANGO_SECRET_KEY" in read and "WEB_CONCURRENCY" in read  # the patterns still match
    assert read - documented == set()
