"""Real gunicorn servers for the tests that need more than one worker or process: production
settings (none of the test process's DJANGO_* variables), gunicorn.conf.py, and manage.py run in
the same environment. Used by tests/test_scale_out.py and tests/test_throttle_workers.py."""

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.http_client import Browser

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def production_env(**overrides):
    """The environment of a production server with two workers, plus `overrides`."""
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
    )
    env.update(overrides)
    return env


def manage(env, *args):
    """Run manage.py in `env`; fails the test with its output unless it succeeds."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def collect_static(root):
    """collectstatic into `root`: production pages need the hashed names of staticfiles.json."""
    manage(production_env(DJANGO_STATIC_ROOT=str(root)), "collectstatic", "--noinput", "-v", "0")
    return root


def ensure_postgres_database(name):
    subprocess.run([BASE_DIR / "scripts" / "ensure-postgres.sh", name], check=True, timeout=120)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, log_path):
    """The image's command on a free port; yields its base URL once /healthz answers."""
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
