"""The settings of the test suite (pyproject.toml names this module for pytest): the production
settings of interview_prep/settings.py, and here, in one place, every value that differs under
test. A server or command that a test starts in a subprocess is given no DJANGO_* variable, so it
runs the production settings (manage.py and wsgi.py default to them)."""

from interview_prep.env import env_bool, env_str
from interview_prep.settings import *  # noqa: F403
from interview_prep.settings import INSTALLED_APPS, STORAGES, TASKS_BACKENDS

# Tests sign with the development key; only a server must be given a real one.
SECRET_KEY_MISSING = False

# The tests of the development tools (the load-data generator, the benchmark's ceiling page).
DEVTOOLS = True
if "scripts.devtools" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "scripts.devtools"]

# Tasks run at once, in the test's thread, unless DJANGO_TASKS_BACKEND names a backend (one
# test starts a real database worker in a subprocess instead: tests/test_task_queue.py).
TASKS_BACKEND = env_str("DJANGO_TASKS_BACKEND", "immediate")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# Static files from the app directories: staticfiles/ exists only after collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain HTTP, so the redirect stays off unless a test asks for it.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)

# Hashing at production strength costs ~0.3 s per user; tests make hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
