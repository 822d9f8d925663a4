"""Settings for interview_prep, driven by environment variables.

Every variable is listed in README.md and .env.example. Production (DJANGO_DEBUG off)
refuses to start without what it needs instead of falling back to something unsafe.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from interview_prep.env import env_bool, env_int, env_json_object, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", False)
# What differs under test is in interview_prep/settings_test.py, which pytest uses.
# scripts/bench.py sets it: adds the ceiling page of scripts/devtools/urls.py, nothing else.
BENCHMARK = env_bool("DJANGO_BENCHMARK", False)
# The development tools (scripts/devtools: generate_load_data, the ceiling page) are an app of
# their own, installed in development, tests and benchmarks; the image does not ship them.
DEVTOOLS = (DEBUG or BENCHMARK) and (BASE_DIR / "scripts" / "devtools").is_dir()

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Without a key, commands that sign nothing still run (makemigrations, migrate), but serving
# refuses to start (wsgi.py, asgi.py) and so does `check --deploy` (questions/checks.py).
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
SECRET_KEY = SECRET_KEY or "django-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "questions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "simple_history",
    "django_tasks",
    # The database backend's queue table and its admin (the queue itself when TASKS_BACKEND is
    # "database"); installed in every configuration so that its migrations are always there.
    "django_tasks_db",
]
if DEVTOOLS:
    INSTALLED_APPS.append("scripts.devtools")

MIDDLEWARE = [
    # First, so that every log line of the request (and the response) carries its id.
    "questions.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "questions.middleware.PrivatePagesMiddleware",
    # A write refused after the database's lock timeout: a 503 with a message, not a 500.
    "questions.middleware.BusyDatabaseMiddleware",
    "questions.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # The rate limits of Django's own account views (login, password change and reset).
    "questions.accounts.throttles.ThrottleMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interview_prep.urls"
WSGI_APPLICATION = "interview_prep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "questions.layout.layout",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL for several app servers), else an embedded SQLite file.
CONN_MAX_AGE = env_int("DJANGO_CONN_MAX_AGE", 60)
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so concurrent read-then-write requests wait
    # for the busy timeout instead of failing with "database is locked" (see NOTES).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    # DJANGO_SQLITE_PATH lets tests and one-off restores use a file of their own.
    SQLITE_PATH = Path(env_str("DJANGO_SQLITE_PATH") or BASE_DIR / "var" / "db.sqlite3")
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set (shared by every app server).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "interview_prep",
            # Fail fast when Redis is unreachable instead of hanging every request (and healthz).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    CACHES["throttle"] = {**CACHES["default"], "KEY_PREFIX": "interview_prep:throttle"}
else:
    # In this process only: fine for rendered fragments and for history digests, which every use
    # checks against the database. Two entries per active learner (Django's default is 300).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("DJANGO_LOCAL_CACHE_ENTRIES", 2000)}
    # Rate-limit counters must be shared by every worker (questions/accounts/ratelimit.py): a
    # table of the database, created by migration 0014 (and `manage.py createcachetable`).
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "questions_throttle_cache",
        # Culling past MAX_ENTRIES would delete live counters: expired ones go first, and
        # each counter expires an hour after its window at most.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
    # Django's database sessions, read by a statement compiled once (accounts/sessions.py).
    SESSION_ENGINE = "questions.accounts.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out (username, address) before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "questions.accounts.auth.ProfileBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "questions:practice"
LOGOUT_REDIRECT_URL = "questions:home"

# Background tasks: Django's tasks API through the django-tasks backport (questions/*/tasks.py).
# "database" (the default) keeps the queue in the database, so SQLite on one machine needs
# nothing but `manage.py run_worker` beside the server; "rq" keeps it in Redis (REDIS_URL) for
# workers on several machines; "immediate" runs each task at once, in the caller's thread.
# Tests use "immediate" (interview_prep/settings_test.py).
TASKS_BACKEND = env_str("DJANGO_TASKS_BACKEND", "database")
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASKS_BACKENDS:
    sys.exit(
        f"error: DJANGO_TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(TASKS_BACKENDS)}"
    )
if TASKS_BACKEND == "rq" and not REDIS_URL:
    sys.exit("error: DJANGO_TASKS_BACKEND=rq needs REDIS_URL")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    # RQ stops a job that runs longer than this (seconds) and records it as failed.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# Admin imports of more questions than this are applied by a worker, not inside the request.
IMPORT_QUEUE_THRESHOLD = env_int("DJANGO_IMPORT_QUEUE_THRESHOLD", 500)
# The largest file the admin's import takes (20,000 questions exported as JSON are about 60 MB).
IMPORT_MAX_UPLOAD_MB = env_int("DJANGO_IMPORT_MAX_UPLOAD_MB", 100)

# Mail (password resets): SMTP when DJANGO_EMAIL_HOST is set. Without it, development prints
# mails (and their reset links) to the console; production only logs that a mail was not sent:
# a reset link in the logs would let whoever reads them into the account.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "questions.accounts.mail.LogOnlyEmailBackend"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "interview-prep@localhost")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Spoken answers (questions/study/recordings.py). The files live in the "recordings" storage:
# var/recordings/ by default, any Django storage backend (django-storages' S3Storage, …) when
# DJANGO_RECORDINGS_STORAGE names one, with DJANGO_RECORDINGS_STORAGE_OPTIONS as its OPTIONS.
# They are never given a public URL: a view hands each one to its owner only.
RECORDINGS_STORAGE_OPTIONS = env_json_object("DJANGO_RECORDINGS_STORAGE_OPTIONS")
RECORDINGS_STORAGE = env_str(
    "DJANGO_RECORDINGS_STORAGE", "django.core.files.storage.FileSystemStorage"
)
if RECORDINGS_STORAGE == "django.core.files.storage.FileSystemStorage":
    RECORDINGS_STORAGE_OPTIONS.setdefault("location", str(BASE_DIR / "var" / "recordings"))
STORAGES["recordings"] = {"BACKEND": RECORDINGS_STORAGE, "OPTIONS": RECORDINGS_STORAGE_OPTIONS}
RECORDING_MAX_SECONDS = env_int("DJANGO_RECORDING_MAX_SECONDS", 300)
RECORDING_MAX_MB = env_int("DJANGO_RECORDING_MAX_MB", 10)
# What all of one learner's recordings may take together.
RECORDINGS_QUOTA_MB = env_int("DJANGO_RECORDINGS_QUOTA_MB", 200)
# The suggested answer time of a question whose question and topic suggest none.
ANSWER_TIME_SECONDS = env_int("DJANGO_ANSWER_TIME_SECONDS", 180)

# Security. The production values are the defaults; DEBUG relaxes what needs HTTPS.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
# Health probes (the image's HEALTHCHECK, a load balancer) talk plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For in front of us (0: trust REMOTE_ADDR only).
# The login lockout and the signup limit count per client address, so behind a proxy this must
# be right, or every visitor shares the proxy's address.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# security.W021 (no HSTS preload) is silenced unless preload is on: preloading is a promise for the
# domain and all its subdomains that is hard to take back, so the site owner opts in explicitly.
SILENCED_SYSTEM_CHECKS = env_list(
    "DJANGO_SILENCED_SYSTEM_CHECKS", "" if SECURE_HSTS_PRELOAD else "security.W021"
)

# Login lockout (django-axes): 5 failures lock that username from that address for 15 minutes.
# Per (username, address) pair, so an attacker cannot lock a victim out from elsewhere.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "questions.accounts.ratelimit.client_ip"
# Its INFO lines (one at every start) would land on stdout, inside `dumpdata > file` and the like.
AXES_VERBOSE = False

# Rate limits, per hour, counted in the "throttle" cache that every worker and server shares
# (questions/accounts/throttles.py applies them; over a limit, a 429 page says when to retry).
# Signup attempts (POSTs) per client address.
SIGNUP_RATE_LIMIT = env_int("DJANGO_SIGNUP_RATE_LIMIT", 10)
# Failed logins from one address, whatever the usernames (axes locks one username per address).
LOGIN_ADDRESS_RATE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_RATE_LIMIT", 20)
# Tries of the current password per user: changing the password, deleting the account.
PASSWORD_CHECK_RATE_LIMIT = env_int("DJANGO_PASSWORD_CHECK_RATE_LIMIT", 10)
# Password-reset requests per client address, and per e-mail address asked for.
PASSWORD_RESET_ADDRESS_RATE_LIMIT = env_int("DJANGO_PASSWORD_RESET_ADDRESS_RATE_LIMIT", 10)
PASSWORD_RESET_ACCOUNT_RATE_LIMIT = env_int("DJANGO_PASSWORD_RESET_ACCOUNT_RATE_LIMIT", 3)

# Content-Security-Policy: no inline scripts or styles anywhere (htmx's indicator styles are
# switched off by a meta tag in base.html and shipped in static/css/app.css instead).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # blob: plays back a recording in the browser before it is uploaded (static/js/recorder.js).
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# One line per record on stdout (where containers collect logs), in key=value form, with the id
# of the request that logged it; tracebacks follow their line. Django's own handlers are dropped
# so that its records (django.request logs every 500 with its traceback) go to the same place.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "questions.middleware.RequestIDLogFilter"}},
    "formatters": {
        "keyvalue": {
            "format": (
                "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s "
                "%(message)s"
            )
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "keyvalue",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
        "django.db.backends": {"level": "INFO"},
    },
}
