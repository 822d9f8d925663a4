"""A request id on every request: taken from X-Request-ID (set by a proxy) or made here.

It goes back on the response's X-Request-ID header (the gunicorn access log prints it from there)
and onto every log record made while the request is handled, so one id finds all of a request's
lines, whichever app server handled it.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.db import OperationalError
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# What we accept from outside: an id that cannot forge extra log fields or lines.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_request_id = contextvars.ContextVar("request_id", default="-")


class RequestIDMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware returns.
        # request_finished (below) clears it once the response is sent.
        _request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(sender, **kwargs):
    _request_id.set("-")


class RequestIDLogFilter(logging.Filter):
    """Adds record.request_id ("-" outside a request) for the log format to print."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class PrivatePagesMiddleware:
    """Every page served to a signed-in user is theirs (history, progress, settings, a question
    with their attempts): `Cache-Control: private, no-store`, so that no shared cache keeps it
    and the back button after logging out asks the server again. Pages for anonymous visitors
    (the bank) keep what their view says; a view that sets Cache-Control itself is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class BusyDatabaseMiddleware:
    """A write that waited out the database's lock timeout answers 503 with a message and a
    Retry-After, not a server error: on SQLite one writer at a time holds the database, and a
    long write (a large import on SQLite) can outlast the busy timeout. Nothing was written by
    the refused request (its transaction rolled back), and the practice screen keeps the typed
    answer and offers to send it again."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _is_lock_timeout(exception):
            return None
        logging.getLogger(__name__).warning(
            "database busy: %s %s refused after the lock timeout", request.method, request.path
        )
        response = render(
            request,
            "503.html",
            {
                "message": _(
                    "The database is busy with a long change (such as a large import). "
                    "Nothing was saved: try again in a few seconds."
                )
            },
            status=503,
        )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


def _is_lock_timeout(exception):
    if not isinstance(exception, OperationalError):
        return False
    message = str(exception).lower()
    # SQLite: "database is locked" / "database table is locked"; PostgreSQL's lock_timeout:
    # "canceling statement due to lock timeout".
    return "is locked" in message or "lock timeout" in message
