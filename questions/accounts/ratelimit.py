"""A fixed-window rate limit counted in Django's cache, and the client address it counts by.

django-ratelimit refuses the local-memory cache that development and the tests use; this needs
nothing but cache.add and cache.incr, which are atomic in Redis (shared by every app server) and
good enough within one process in local memory.
"""

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last DJANGO_PROXY_COUNT entries were written by proxies we run; anything to their
    left came from the client and can be forged, so it is never used.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, key, limit, period):
    """Count one more request for (scope, key) in the current window of `period` seconds.

    Returns False once more than `limit` requests were counted in this window.
    """
    window = int(time.time() // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    # add() creates the counter only if missing, so concurrent first hits do not reset it; it
    # lives a little longer than its window so a late incr() never finds it gone.
    cache.add(cache_key, 0, timeout=period + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 60)
        count = 1
    return count <= limit
