"""The rate limits hold across gunicorn workers: one server with two workers (gunicorn.conf.py,
production settings) gets a burst of requests at once, and the limit counts them all, whichever
worker took each one. Without REDIS_URL, the counters are in the database: SQLite here, and
PostgreSQL when DATABASE_URL is PostgreSQL (its own database, ip_fuzz_throttle, migrated and
flushed first). Also: the access log masks the token of a password-reset link.
"""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.http_client import Browser

pytestmark = pytest.mark.scale_out

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
THROTTLE_DB = "ip_fuzz_throttle"
LIMIT = 4
BURST = 12


def production_env(**overrides):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in ("DATABASE_URL", "REDIS_URL", "PORT")
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_TLS_PROXY="1",
        WEB_CONCURRENCY="2",
        DJANGO_SIGNUP_RATE_LIMIT=str(LIMIT),
        DJANGO_LOGIN_ADDRESS_RATE_LIMIT=str(LIMIT),
    )
    env.update(overrides)
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, log_path):
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "interview_prep.wsgi"],
            cwd=BASE_DIR,
            env={**env, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"gunicorn exited:\n{Path(log_path).read_text()}"
            try:
                if Browser(base_url, behind_tls_proxy=False).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"never healthy:\n{Path(log_path).read_text()}"
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


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
    """collectstatic once: production pages need the hashed names of staticfiles.json."""
    root = tmp_path_factory.mktemp("staticfiles")
    manage(production_env(DJANGO_STATIC_ROOT=str(root)), "collectstatic", "--noinput", "-v", "0")
    return root


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
    subprocess.run(
        [BASE_DIR / "scripts" / "ensure-postgres.sh", THROTTLE_DB], check=True, timeout=120
    )
    env = production_env(
        DATABASE_URL=f"{server_url}/{THROTTLE_DB}", DJANGO_STATIC_ROOT=str(static_root)
    )
    check_throttles_hold(env, tmp_path)
