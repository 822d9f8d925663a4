#!/bin/sh
# The image's entrypoint: migrate the database and load the sample bank when asked, then become
# the container's command. Loading the bank creates the sample questions that are missing and
# never changes an existing one (an editor's edits stay); DJANGO_LOAD_SAMPLE_BANK=0 skips it.
# With several web containers, let only one migrate (DJANGO_MIGRATE_ON_START=1 on one of them, or a
# one-off `docker compose run --rm web python manage.py migrate`): migrations take no lock.
set -eu

if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
    python manage.py migrate --noinput
    if [ "${DJANGO_LOAD_SAMPLE_BANK:-1}" = "1" ]; then
        python manage.py load_sample_bank
    fi
fi

# exec, so the command (gunicorn) is PID 1 and gets docker's SIGTERM for a graceful stop.
exec "$@"
