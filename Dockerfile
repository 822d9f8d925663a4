# syntax=docker/dockerfile:1
# The web image: gunicorn serving the Django app, static files served by WhiteNoise.
# scripts/docker-smoke.sh repeats these steps without Docker (`make docker-smoke`); keep them in step.

# --- Stage 1: a wheel for every runtime dependency ------------------------------------------------
# Each pinned dependency ships a binary wheel for CPython 3.11 on Linux, so not even this stage needs
# a compiler. Should one ever need compiling, install build-essential here, never in the runtime.
FROM python:3.11-slim AS wheels
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

# --- Stage 2: compiled translations ---------------------------------------------------------------
# The .mo files are built, not committed (as `make translations` does); gettext stays in this stage.
# Debian's gettext is not pinned: the base image's release fixes its version.
FROM python:3.11-slim AS translations
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY locale/ locale/
RUN for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done

# --- Stage 3: the runtime -------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000

# The app runs as this unprivileged user; the code stays owned by root, so it cannot rewrite it.
# Fixed numeric ids, so that USER means the same on any host (and to volume permissions).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app
# Install from the wheels only (--no-index): nothing is built or fetched here. The bind mount keeps
# the wheels out of the image's layers.
COPY requirements.txt .
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels -r requirements.txt

COPY . .
COPY --from=translations /build/locale/ locale/
# Static files are hashed, compressed (gzip and brotli) and listed in staticfiles.json at build
# time. Settings refuse to load in production without a secret key, and collectstatic needs none
# of its secrecy: it gets a throwaway one for this step only, never stored in the image.
# var/ is where an SQLite database would live when no DATABASE_URL is given, and var/recordings/
# the learners' recordings (a volume in compose, which takes this owner): the app may write both.
RUN DJANGO_SECRET_KEY=build-time-only-collectstatic python manage.py collectstatic --noinput \
    && mkdir -p var/recordings \
    && chown app:app var var/recordings \
    && chmod 0755 docker/entrypoint.sh

USER 10001:10001
EXPOSE 8000

# Plain HTTP on the container's own port; /healthz is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

# Migrates when DJANGO_MIGRATE_ON_START=1, then execs the command (gunicorn becomes PID 1).
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "interview_prep.wsgi"]
