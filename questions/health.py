"""The health check that load balancers and the container ask: /healthz."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def healthz(request):
    """200 "ok" when this server can reach its database, and Redis when it uses one.

    Sessions live in Redis when REDIS_URL is set, so without it nobody stays logged in: the
    load balancer should stop sending us traffic. The reasons go to the log, not the response.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("healthz: database unavailable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", timeout=10)
            if cache.get("healthz") != "ok":
                raise RuntimeError("the cache did not keep a value")
        except Exception:
            logger.exception("healthz: cache unavailable")
            return HttpResponse("cache unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
