#!/usr/bin/env bash
# `make run`'s last step: a task worker in the background, the development server in the
# foreground. Ctrl-C (or the server stopping for any reason) stops the worker too.
#
# Usage: serve-with-worker.sh PYTHON ADDRESS:PORT
set -euo pipefail
PYTHON=$1
ADDRESS=$2

# Job control puts the worker in a process group of its own: Ctrl-C reaches the server only,
# and the trap stops the worker's whole group, whatever it started.
set -m
"$PYTHON" manage.py run_worker &
WORKER=$!
trap 'kill -TERM -- "-$WORKER" 2> /dev/null || true; wait "$WORKER" 2> /dev/null || true' EXIT
"$PYTHON" manage.py runserver "$ADDRESS"
