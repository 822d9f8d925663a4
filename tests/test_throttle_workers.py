"""The rate limits hold across gunicorn workers: one server with two workers (gunicorn.conf.py,
production settings) gets a burst of requests at once, and the limit counts them all, whichever
worker took each one. Without REDIS_URL, the counters are in the database: SQLite here, and
PostgreSQL when DATABASE_URL is PostgreSQL (its own database, ip_fuzz_throttle, migrated and
flushed first). Also: the access log masks the token of a password-reset link.
"""

import os
import secrets
import threading

import pytest

from tests.http_client import Browser
from tests.servers import collect_static, ensure_postgres_database, gunicorn, manage
from tests.servers import production_env as server_env

pytestmark = pytest.mark.scale_out

THROTTLE_DB = "ip_fuzz_throttle"
LIMIT = 4
BURST = 12


def production_env(**overrides):
    """A production server whose sign-up and login limits are LIMIT."""
    limits = {"DJANGO_SIGNUP_RATE_LIMIT": str(LIMIT), "DJANGO_LOGIN_ADDRESS_RATE_LIMIT": str(LIMIT)}
    return server_env(**limits, **overrides)


def at_once(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        barrier.wait(timeout=30)
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def ready_form(server, page, action):
    """A browser that has loaded the page (its CSRF cookie) and the form to post."""
    browser = Browser(server)
    response = browser.get(page)
    assert response.status == 200
    return browser, browser.form(response, action)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return collect_static(tmp_path_factory.mktemp("staticfiles"))


def check_throttles_hold(env, tmp_path):
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "flush", "--noinput")
    manage(env, "createcachetable")  # nothing to do: migrate made the counters' table
    # flush empties the models' tables only: an earlier run's counters would still count.
    manage(env, "shell", "-c", "from django.core.cache import caches; caches['throttle'].clear()")
    log = tmp_path / "server.log"
    with gunicorn(env, log) as server:
        signups = []
        for i in range(BURST):
            browser, form = ready_form(server, "/accounts/signup/", "/accounts/signup/")
            password = secrets.token_urlsafe(12)
            data = form.data(username=f"burst{i}", password1=password, password2=password)
            signups.append(
                lambda b=browser, d=data: b.post("/accounts/signup/", d, referer_path="/").status
            )
        statuses = at_once(signups)
        assert sorted(statuses) == [302] * LIMIT + [429] * (BURST - LIMIT), statuses

        logins = []
        for i in range(BURST):
            browser, form = ready_form(server, "/accounts/login/", "/accounts/login/")
            data = form.data(username=f"nobody{i}", password="wrong-password")
            logins.append(
                lambda b=browser, d=data: b.post("/accounts/login/", d, referer_path="/").status
            )
        statuses = at_once(logins)
        # Each failure is counted after its check: the requests in flight when the limit is
        # reached (one per worker) may still be answered.
        assert statuses.count(429) >= BURST - LIMIT - 2, statuses
        assert Browser(server).get("/accounts/reset/MQ/secret-token-42/").status in (200, 302)

    text = log.read_text()
    assert "Traceback" not in text, text
    assert "secret-token-42" not in text
    assert "/accounts/reset/MQ/********/" in text


def test_throttles_hold_across_two_workers_on_sqlite(tmp_path, static_root):
    env = production_env(
        DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"), DJANGO_STATIC_ROOT=str(static_root)
    )
    check_throttles_hold(env, tmp_path)


def test_throttles_hold_across_two_workers_on_postgresql(tmp_path, static_root):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    server_url = url.rsplit("/", 1)[0]
    ensure_postgres_database(THROTTLE_DB)
    env = production_env(
        DATABASE_URL=f"{server_url}/{THROTTLE_DB}", DJANGO_STATIC_ROOT=str(static_root)
    )
    check_throttles_hold(env, tmp_path)
