"""What a production server must be given before it starts.

Settings load without DJANGO_SECRET_KEY, so that commands which sign nothing run anywhere
(makemigrations, migrate). Serving does not: wsgi.py and asgi.py call refuse_to_serve(), and
`manage.py check --deploy` reports the same error.
"""

import sys

from django.conf import settings
from django.core import checks

MISSING_SECRET_KEY = (
    "DJANGO_SECRET_KEY is not set. Production needs a long random secret key, e.g.\n"
    "export DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex())')\n"
    "or set DJANGO_DEBUG=1 for local development."
)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.SECRET_KEY_MISSING:
        return [checks.Error(MISSING_SECRET_KEY, id="questions.E001")]
    return []


def refuse_to_serve():
    """Exit with the message (no traceback) when the server lacks its secret key."""
    if settings.SECRET_KEY_MISSING:
        sys.exit(f"error: {MISSING_SECRET_KEY}")
