#!/bin/sh
# The image's entrypoint: migrate the database when asked, then become the container's command.
# With several web containers, let only one migrate (DJANGO_MIGRATE_ON_START=1 on one of them, or a
# one-off `docker compose run --rm web python manage.py migrate`): migrations take no lock.
set -eu

if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
    python manage.py migrate --noinput
fi

# exec, so the command (gunicorn) is PID 1 and gets docker's SIGTERM for a graceful stop.
exec "$@"
