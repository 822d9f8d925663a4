#!/usr/bin/env bash
# The Dockerfile's steps without Docker (this machine has no engine), then checks from outside.
#
# In a temp dir: copy the build context as .dockerignore shapes it, build wheels from
# requirements.txt, compile the translations, install only the wheels into a fresh virtualenv,
# collectstatic with production settings, then against a fresh PostgreSQL database (and Redis)
# start the image's entrypoint (it migrates and loads the sample bank) and command (gunicorn -c
# gunicorn.conf.py interview_prep.wsgi) on a free port and run scripts/smoke_check.py against it;
# then the compose file's worker command (manage.py run_worker), which must run a queued task.
# Any failure exits non-zero; gunicorn and the temp dir are removed on every exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
DB_NAME=${SMOKE_DB_NAME:-interview_prep_smoke}
REDIS_DB=${SMOKE_REDIS_DB:-14}

WORK=$(mktemp -d -t docker-smoke.XXXXXX)
GUNICORN_PID=""
WORKER_PID=""
cleanup() {
  for pid in $GUNICORN_PID $WORKER_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { echo "== docker-smoke [${SECONDS}s]: $*"; }

step "build context (COPY . with .dockerignore) in $WORK/app"
mkdir "$WORK/app"
grep -v -e '^#' -e '^[[:space:]]*$' .dockerignore > "$WORK/ignore"
tar -C "$ROOT" --exclude-from="$WORK/ignore" -cf - . | tar -C "$WORK/app" -xf -
for unwanted in tests .venv .git staticfiles var locale/zh_Hans/LC_MESSAGES/django.mo; do
  if [ -e "$WORK/app/$unwanted" ]; then echo "docker-smoke: $unwanted is in the build context" >&2; exit 1; fi
done

step "stage 1: wheels from requirements.txt"
"$PYTHON" -m venv "$WORK/build-venv"
"$WORK/build-venv/bin/pip" wheel -qq --wheel-dir "$WORK/wheels" -r "$WORK/app/requirements.txt"

step "stage 2: compile the translations (msgfmt), as the image's translations stage does"
scripts/ensure-gettext.sh
for po in "$WORK"/app/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done

step "stage 3, the runtime: a fresh virtualenv with the wheels only (--no-index)"
"$PYTHON" -m venv "$WORK/venv"
# --no-compile: the bytecode is beside the point here, and compiling it takes a while.
"$WORK/venv/bin/pip" install -qq --no-compile --no-index --find-links="$WORK/wheels" -r "$WORK/app/requirements.txt"
export PATH="$WORK/venv/bin:$PATH"

step "fresh PostgreSQL database $DB_NAME, Redis db $REDIS_DB"
dropdb --if-exists --force -h 127.0.0.1 -U postgres "$DB_NAME"
scripts/ensure-postgres.sh "$DB_NAME"
redis-cli -n "$REDIS_DB" flushdb > /dev/null

# Production settings: no DEBUG, a random key, the proxy header trusted as behind a TLS proxy.
# Secure cookies, HSTS and the HTTPS redirect keep their production defaults.
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_BEHIND_TLS_PROXY=1
export DJANGO_MIGRATE_ON_START=1
# The compose file's task queue: Redis, served by the worker service's command.
export DJANGO_TASKS_BACKEND=rq
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT

cd "$WORK/app"
step "collectstatic (with the build's throwaway key, as in the Dockerfile)"
DJANGO_SECRET_KEY=build-time-only-collectstatic python manage.py collectstatic --noinput -v 0
step "start the image's entrypoint (it migrates and loads the sample bank) and command on port $PORT"
docker/entrypoint.sh gunicorn -c gunicorn.conf.py interview_prep.wsgi > "$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do
  if python docker/healthcheck.py 2> /dev/null; then break; fi
  if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
    echo "docker-smoke: gunicorn exited at start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1
  fi
  sleep 0.5
done

step "the image's HEALTHCHECK command"
python docker/healthcheck.py

step "checks from outside (scripts/smoke_check.py)"
if ! python "$ROOT/scripts/smoke_check.py" "http://127.0.0.1:$PORT" "$WORK/app/staticfiles"; then
  echo "docker-smoke: gunicorn's log:" >&2; tail -n 50 "$WORK/gunicorn.log" >&2; exit 1
fi
if grep -q "Traceback" "$WORK/gunicorn.log"; then
  echo "docker-smoke: the server logged a traceback:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1
fi
step "the worker service's command runs a queued task"
docker/entrypoint.sh python manage.py run_worker > "$WORK/worker.log" 2>&1 &
WORKER_PID=$!
if ! python manage.py shell -c '
import sys, time
from django_tasks import TaskResultStatus
from questions.bank.tasks import find_similar_questions
result = find_similar_questions.enqueue()
deadline = time.monotonic() + 60
while not result.is_finished and time.monotonic() < deadline:
    time.sleep(0.5)
    result.refresh()
print(f"task {result.id}: {result.status}")
sys.exit(0 if result.status == TaskResultStatus.SUCCESSFUL else 1)
'; then
  echo "docker-smoke: the worker's log:" >&2; cat "$WORK/worker.log" >&2; exit 1
fi
if grep -q "Traceback" "$WORK/worker.log"; then
  echo "docker-smoke: the worker logged a traceback:" >&2; cat "$WORK/worker.log" >&2; exit 1
fi
echo "docker-smoke: all checks passed in ${SECONDS}s"
