#!/usr/bin/env bash
# `make run`'s last step: the development server and a task worker side by side. Ctrl-C (or
# either of them stopping, or this script being stopped) stops both.
#
# Usage: serve-with-worker.sh PYTHON ADDRESS:PORT
set -euo pipefail
PYTHON=$1
ADDRESS=$2

# Job control gives each a process group of its own, so that stopping one stops whatever it
# started too (runserver's autoreloader runs the server in a child process).
set -m
"$PYTHON" manage.py run_worker &
WORKER=$!
"$PYTHON" manage.py runserver "$ADDRESS" &
SERVER=$!
stop() {
  kill -TERM -- "-$SERVER" "-$WORKER" 2> /dev/null || true
  wait 2> /dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
# Returns when either stops; the EXIT trap then stops the other.
wait -n
