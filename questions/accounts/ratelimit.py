"""Fixed-window rate limits, and the client address they count by.

The counters live in the "throttle" cache, which every worker and server shares: Redis when
REDIS_URL is set, else a table of the database (Django's DatabaseCache; migration 0014 creates
it). Never in one process's memory: with two gunicorn workers each would count alone, and a
limit of 10 would let 20 through. django-ratelimit is not used: it refuses local memory, which
development once used, and this needs a dozen lines.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction

THROTTLE_CACHE = "throttle"


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


def _window(scope, key, period, now):
    """The counter's cache key for this window, and the seconds until the window ends."""
    window = int(now // period)
    # Hashed: keys may be e-mail addresses (no personal data in the table) or hostile text.
    digest = hashlib.sha256(f"{scope}:{key}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"ratelimit:{digest}:{window}", (window + 1) * period - now


def hit(scope, key, limit, period):
    """Count one more request for (scope, key) in the current window of `period` seconds.

    Returns False once more than `limit` requests were counted in this window.
    """
    return count(scope, key, period, add=1) <= limit


def count(scope, key, period, add=0):
    """The requests counted for (scope, key) in the current window, after adding `add`."""
    store = caches[THROTTLE_CACHE]
    cache_key, remaining = _window(scope, key, period, time.time())
    # A little longer than the window, so that a late increment never finds it gone.
    timeout = int(remaining) + 60
    if not add:
        return store.get(cache_key, 0)
    if isinstance(store, DatabaseCache):
        return _database_incr(store, cache_key, add, timeout)
    # add() creates the counter only if missing, so concurrent first hits do not reset it;
    # Redis's INCR is atomic and keeps the expiry.
    store.add(cache_key, 0, timeout=timeout)
    try:
        return store.incr(cache_key, add)
    except ValueError:  # expired between add() and incr()
        store.add(cache_key, add, timeout=timeout)
        return add


def _database_incr(store, cache_key, add, timeout):
    """DatabaseCache.incr() reads, then writes: two workers could both read 3 and write 4. The
    read and the write are made one transaction that holds a lock on the key: PostgreSQL's
    advisory lock, or SQLite's write lock, which BEGIN IMMEDIATE takes (settings.py)."""
    alias = router.db_for_write(store.cache_model_class)
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [cache_key])
        value = store.get(cache_key, 0) + add
        store.set(cache_key, value, timeout=timeout)
    return value


def retry_after(period):
    """Seconds until the current window of `period` seconds ends (when a limit lifts)."""
    now = time.time()
    return max(1, int((int(now // period) + 1) * period - now))
