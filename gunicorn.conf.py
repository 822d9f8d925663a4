"""Gunicorn settings for the image, the smoke check and the scale-out tests (all run this file).

Every value can be changed through the environment; docs/DEPLOY.md and .env.example list them.
"""

import os
import re
import sys

from gunicorn.glogging import Logger


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"error: {name}={value!r} is not an integer")


def _cpus():
    # The CPUs this process may run on (a container's cpuset), not every CPU of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = f"0.0.0.0:{_env_int('PORT', 8000)}"

# One sync worker per CPU, at least 2 so that one slow request never stalls the server. Measured
# on 2 cores with the database on the same machine, 2 sync workers served more than 5 (the usual
# 2 x CPUs + 1): the requests are CPU-bound. With a remote database, raise WEB_CONCURRENCY.
workers = _env_int("WEB_CONCURRENCY", max(2, _cpus()))
# Threads per worker (gthread when > 1): more requests waiting on the database at once, for less
# memory than more workers.
threads = _env_int("GUNICORN_THREADS", 1)

# A request that takes longer than this is killed (and its worker replaced).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (docker stop, a rolling deploy), requests in flight get this long to finish. Docker
# waits 10 s before SIGKILL by default: compose's stop_grace_period is set to match.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Seconds an idle keep-alive connection from the proxy stays open; above the usual proxy idle
# timeout would be wasted, below it causes reconnects.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Both logs on the container's stdout/stderr. The access log carries the request id that the
# app's log lines carry (questions/middleware.py puts it on the response), and the duration.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'

# A password-reset link (/accounts/reset/<uid>/<token>/) logs its holder in: the access log
# keeps the user's id part and masks the token, in whatever field it appears.
_RESET_TOKEN = re.compile(r"(/accounts/reset/[^/\s]+/)[^/\s?\"]+")


def mask_secrets(text):
    return _RESET_TOKEN.sub(r"\1********", text)


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: mask_secrets(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = MaskingLogger

# Heartbeat files in memory: a container's overlay filesystem can stall them and get workers
# killed for nothing.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Gunicorn's control socket lives at one path per user; several servers on one machine (the
# scale-out tests, several containers sharing a home) would fight over it, and nothing uses it.
control_socket_disable = True


def post_worker_init(worker):
    """Tune the garbage collector for what requests allocate once the app is loaded
    (interview_prep/collector.py)."""
    from interview_prep import collector

    collector.tune()
