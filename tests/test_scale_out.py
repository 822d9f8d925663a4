"""Several app servers, as production runs them: real gunicorn processes with gunicorn.conf.py and
production settings, talked to over HTTP by tests/http_client.py's browser.

PostgreSQL: two servers share one database and one Redis; a user logs in on one and practises on
the other, and 20 grades sent at once across both all land. SQLite: one server with two workers
takes 20 grades at once without "database is locked".

The PostgreSQL test uses its own database (interview_prep_scaleout, flushed first) and Redis
database 13, never pytest's test database. It runs when DATABASE_URL is PostgreSQL and skips,
saying why, when the servers are unreachable, except on CI (CI=true), where that fails.
"""

import json
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import redis

from tests.http_client import Browser
from tests.servers import (
    collect_static,
    ensure_postgres_database,
    gunicorn,
    manage,
    production_env,
)

pytestmark = pytest.mark.scale_out

SCALE_OUT_DB = "interview_prep_scaleout"
# Redis database 13 of the local server; SCALE_OUT_REDIS_URL points elsewhere.
SCALE_OUT_REDIS_URL = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/13")
ON_CI = os.environ.get("CI") == "true"
PARALLEL_GRADES = 20
ANSWER = "预训练模型在大规模数据上训练，泛化能力强，减少数据需求。"


def unavailable(reason):
    if ON_CI:
        pytest.fail(f"{reason} (on CI the services must be up)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return collect_static(tmp_path_factory.mktemp("staticfiles"))


def prepare_database(env):
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "flush", "--noinput")
    manage(env, "load_sample_bank", "-v", "0")


def attempts_and_reps(env, username, question_id):
    script = (
        "import json\n"
        "from questions.models import Attempt, ReviewCard\n"
        f"attempts = Attempt.objects.filter(user__username={username!r}, question={question_id})\n"
        f"card = ReviewCard.objects.get(user__username={username!r}, question={question_id})\n"
        "tokens = attempts.values('reveal_token').distinct().count()\n"
        "print('RESULT', json.dumps([attempts.count(), tokens, card.reps]))\n"
    )
    output = manage(env, "shell", "-c", script)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return tuple(json.loads(line.removeprefix("RESULT ")))


def grade_at_once(browsers, question_id):
    """Reveal once per browser (each gets its own token), then send every grade together."""
    page = f"/practice/{question_id}/"

    def reveal(browser):
        _question, reveal_form = browser.show(page)
        return browser.reveal(question_id, reveal_form, ANSWER, referer_path=page)

    with ThreadPoolExecutor(max_workers=4) as pool:
        grade_forms = list(pool.map(reveal, browsers))
    tokens = {form.fields["token"] for form in grade_forms}
    assert len(tokens) == len(browsers)

    start = threading.Barrier(len(browsers))
    statuses = [None] * len(browsers)

    def grade(i):
        start.wait()
        statuses[i] = browsers[i].grade(question_id, grade_forms[i], rating=1 + i % 4).status

    threads = [threading.Thread(target=grade, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def assert_clean_logs(*log_paths):
    for path in log_paths:
        log = Path(path).read_text()
        assert "database is locked" not in log, log
        assert "Traceback" not in log, log


@pytest.fixture
def postgres_env(static_root):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL: app servers share a database server only")
    server_url = url.rsplit("/", 1)[0]
    try:
        psycopg.connect(f"{server_url}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL is unreachable at {server_url}: {error}")
    try:
        redis.Redis.from_url(SCALE_OUT_REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError as error:
        unavailable(f"Redis is unreachable at {SCALE_OUT_REDIS_URL}: {error}")
    ensure_postgres_database(SCALE_OUT_DB)
    env = production_env(
        DATABASE_URL=f"{server_url}/{SCALE_OUT_DB}",
        REDIS_URL=SCALE_OUT_REDIS_URL,
        DJANGO_STATIC_ROOT=str(static_root),
    )
    prepare_database(env)
    return env


def test_two_servers_share_logins_practice_and_history(postgres_env, tmp_path):
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with gunicorn(postgres_env, logs[0]) as a, gunicorn(postgres_env, logs[1]) as b:
        username, password = "walt", secrets.token_urlsafe(12)
        Browser(a).sign_up(username, password)

        # Logged in on A, practising on B: the session lives in Redis, the data in PostgreSQL.
        on_a = Browser(a)
        on_a.log_in(username, password)
        on_b = on_a.on(b)
        question_id, reveal_form = on_b.show("/practice/")
        grade_form = on_b.reveal(question_id, reveal_form, ANSWER)
        graded = on_b.grade(question_id, grade_form, rating=3)
        assert graded.status == 302
        assert graded.header("Location") == "/practice/"

        detail = on_a.get(f"/questions/{question_id}/")
        assert detail.status == 200
        assert "Your attempts" in detail.text
        assert detail.text.count('class="rating-') == 1

        # 20 grades of one card at once, split across both servers, each with its own token.
        browsers = [on_a if i % 2 else on_b for i in range(PARALLEL_GRADES)]
        statuses = grade_at_once(browsers, question_id)
        assert statuses == [302] * PARALLEL_GRADES

    attempts, tokens, reps = attempts_and_reps(postgres_env, username, question_id)
    assert attempts == tokens == 1 + PARALLEL_GRADES
    assert reps == attempts
    assert_clean_logs(*logs)


def test_one_sqlite_server_with_two_workers_loses_no_concurrent_grade(static_root, tmp_path):
    env = production_env(
        DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"), DJANGO_STATIC_ROOT=str(static_root)
    )
    prepare_database(env)
    log = tmp_path / "server.log"
    with gunicorn(env, log) as server:
        browser = Browser(server)
        browser.sign_up("sqlite-user", secrets.token_urlsafe(12))
        question_id, _form = browser.show("/practice/")
        statuses = grade_at_once([browser] * PARALLEL_GRADES, question_id)
        assert statuses == [302] * PARALLEL_GRADES

    attempts, tokens, reps = attempts_and_reps(env, "sqlite-user", question_id)
    assert attempts == tokens == reps == PARALLEL_GRADES
    assert_clean_logs(log)
