#!/usr/bin/env bash
# Start the machine's PostgreSQL if it is down and create the CI database if it is missing.
# The database gets a UTF-8 character type: pg_trgm finds no trigrams in Chinese under LC_CTYPE=C.
set -euo pipefail
DB_NAME=${1:-interview_prep_ci}
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtA)

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  echo "Creating database $DB_NAME"
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$DB_NAME\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
fi
