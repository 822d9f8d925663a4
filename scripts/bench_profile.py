"""Profile one page of the benchmark in-process, on the benchmark's data (no server, no wrk).

Usage: bench_profile.py PATH [--db sqlite|postgres] [--attempts N] [--requests N]
                        [--user bench-user-N] [--post FIELD=VALUE ...] [--htmx] [--no-profile]

Logs a bench user in (the test client's force_login), requests PATH a few times to warm up,
times --requests more (wall clock and CPU), then makes them again under pyinstrument and prints
the profile and each query of the last request with its time. The data must exist: run
`make bench` (or scripts/bench.py) once first. POST forms get a fresh practice token for
PATH's question when they name the field token=FRESH.
"""

import argparse
import os
import re
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--attempts", type=int, default=bench.FULL_SIZE)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--user", default="bench-user-1")
    parser.add_argument("--post", nargs="*", metavar="FIELD=VALUE")
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--no-profile", action="store_true", help="Only time the requests.")
    return parser.parse_args()


def main():
    args = parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "interview_prep.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_BENCHMARK": "1",
            "DJANGO_STATIC_ROOT": str(bench.VAR / "bench-static"),
            **bench.database_env(args),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    # The pages link hashed static files: the manifest must exist, as under gunicorn.
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=args.user))
    headers = {"HTTP_HX_REQUEST": "true"} if args.htmx else {}
    fields = dict(item.split("=", 1) for item in args.post or [])

    def fresh_token():
        question = re.search(r"/practice/(\d+)/", args.path).group(1)
        page = client.get(f"/practice/{question}/").content.decode()
        return re.search(r'name="token" value="([^"]+)"', page).group(1)

    # Each POST that needs a fresh practice token gets one fetched before the timing starts,
    # so that only the POST is timed.
    fresh = fields.get("token") == "FRESH"
    tokens = [fresh_token() for _ in range(5 + 2 * args.requests + 1)] if fresh else []

    def request():
        if args.post is None:
            return client.get(args.path, **headers)
        data = dict(fields)
        if fresh:
            data["token"] = tokens.pop()
        return client.post(args.path, data, **headers)

    for _ in range(5):
        status = request().status_code
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        request()
    wall = (time.perf_counter() - wall) / args.requests * 1000
    cpu = (time.process_time() - cpu) / args.requests * 1000
    # CPU time is this process's only (with SQLite, the database's work too): on a busy
    # machine it is the steadier figure.
    print(f"{args.path}: HTTP {status}, {wall:.1f} ms per request, {cpu:.1f} ms of CPU")
    if args.no_profile:
        return
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.requests):
            request()
    elapsed = (time.perf_counter() - started) / args.requests
    with CaptureQueriesContext(connection) as queries:
        request()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{elapsed * 1000:.1f} ms per request (profiled), {len(queries)} queries:")
    for query in queries:
        print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:300]}")


if __name__ == "__main__":
    main()
