"""Time a cold progress page (`GET /stats/` whose dashboard is not cached) for users with
about 5,000 attempts, in several time zones, in-process: the budget is under 50 ms.

Uses scripts/bench_fit.py's data (generate_load_data --questions 2000 --users 40 --attempts
200000, generated unless present). For each of --users users and each zone, the user's study
profile is set to the zone and, after one request to warm up imports, the page is requested
--repeat times in three states: with nothing cached nor stored (the cache cleared and the
stored digest deleted: the history digest is built from the whole history, as on a learner's
first view), after a restart (the cache cleared: the dashboard is built from the digest stored
in the database), and right after a grade (a copy of the user's latest attempt made now: the
dashboard is built again, the digest adds the one attempt), which is what a learner waits for
after practising. The budget is for the last two. The figures are the median wall and CPU time
of a request (with SQLite, CPU includes the database's work; with PostgreSQL, wall includes the
server's). With --parts it also times each part of the dashboard once per user. The attempts
made are deleted and the profiles' zones put back afterwards.

Usage: bench_stats.py [--db sqlite|postgres] [--users N] [--repeat N] [--parts] [--no-doc]
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import bench_fit  # noqa: E402

BUDGET_MS = 50
ZONES = ("UTC", "Asia/Shanghai", "America/Los_Angeles")
DOC_BEGIN = "<!-- bench:stats:begin (written by scripts/bench_stats.py; edit outside) -->"
DOC_END = "<!-- bench:stats:end -->"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_DB") or "sqlite"
    )
    parser.add_argument("--users", type=int, default=int(bench.env("BENCH_STATS_USERS", 8)))
    parser.add_argument("--repeat", type=int, default=int(bench.env("BENCH_STATS_REPEAT", 5)))
    parser.add_argument("--parts", action="store_true", help="Time each part of the dashboard.")
    parser.add_argument("--no-doc", action="store_true", help="Do not rewrite docs/BENCHMARKS.md.")
    return parser.parse_args()


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args)
    return value, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def parts(user, profile, now):
    """Each part of _dashboard_context timed on its own (wall ms), in its order."""
    from django.core.cache import cache

    from questions.progress import digest, missed, retention, stats
    from questions.progress.models import StoredDigest
    from questions.study.scheduling import scheduler_for

    zone = profile.zone
    today = now.astimezone(zone).date()
    figures = {}
    cache.clear()
    StoredDigest.objects.filter(user=user).delete()
    _, figures["history digest, built"], _ = timed(
        digest.history_digest, user, profile.parameters, zone
    )
    cache.clear()
    _, figures["history digest, stored"], _ = timed(
        digest.history_digest, user, profile.parameters, zone
    )
    history, figures["history digest, current"], _ = timed(
        digest.history_digest, user, profile.parameters, zone
    )
    per_day = history.reviews_per_day()
    _, figures["heatmap and streaks"], _ = timed(
        lambda: (stats.heatmap(per_day, today), stats.streaks(per_day, today))
    )
    cards, figures["cards"], _ = timed(stats.cards_for, user)
    scored, figures["recall chances"], _ = timed(
        stats.score_cards, cards, scheduler_for(profile, now), now
    )
    _, figures["topics"], _ = timed(
        stats.topic_progress, user, scored, history.attempts_per_question()
    )
    _, figures["most missed points"], _ = timed(missed.most_missed_points, user, 10, history.recent)
    _, figures["retention and calibration"], _ = timed(retention.figures, profile, now, history)
    return figures


def measure(args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from interview_prep import collector
    from questions.progress.models import StoredDigest
    from questions.study.models import Attempt, profile_for

    def timed_get(client):
        response, wall, cpu = timed(client.get, "/stats/")
        assert response.status_code == 200, response.status_code
        return wall, cpu

    def graded_attempt(user):
        """A copy of the user's latest attempt, made now, as a grade makes one."""
        attempt = Attempt.objects.filter(user=user).newest_first().first()
        attempt.pk, attempt.reveal_token, attempt.created_at = None, uuid.uuid4(), timezone.now()
        attempt.save()
        return attempt.pk

    call_command("collectstatic", "--noinput", verbosity=0)
    # As gunicorn.conf.py does in each worker once the app is loaded.
    collector.tune()
    users = list(
        get_user_model().objects.filter(username__startswith="bench-user-").order_by("pk")
    )[: args.users]
    rows = []
    for user in users:
        profile = profile_for(user)
        original = profile.time_zone
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        attempts = user.attempts.count()
        made = []
        try:
            for zone in ZONES:
                profile.time_zone = zone
                profile.save(update_fields=["time_zone"])
                cache.clear()
                client.get("/stats/")  # imports, the session: not part of a cold dashboard
                cold, restarted, graded = [], [], []
                for _ in range(args.repeat):
                    # Nothing cached nor stored (a first view): the digest is built afresh.
                    cache.clear()
                    StoredDigest.objects.filter(user=user).delete()
                    cold.append(timed_get(client))
                    # After a restart: nothing cached, the digest read from the database.
                    cache.clear()
                    restarted.append(timed_get(client))
                    # The first view after a grade: the digest adds the new attempt.
                    made.append(graded_attempt(user))
                    graded.append(timed_get(client))
                row = {
                    "user": user.username,
                    "attempts": attempts,
                    "zone": zone,
                    "wall_ms": statistics.median(wall for wall, _cpu in graded),
                    "cpu_ms": statistics.median(cpu for _wall, cpu in graded),
                    "restarted_wall_ms": statistics.median(wall for wall, _cpu in restarted),
                    "uncached_wall_ms": statistics.median(wall for wall, _cpu in cold),
                    "uncached_cpu_ms": statistics.median(cpu for _wall, cpu in cold),
                }
                if args.parts:
                    row["parts"] = parts(user, profile, timezone.now())
                rows.append(row)
                print(
                    f"  {user.username} ({attempts} attempts), {zone}: after a grade "
                    f"{row['wall_ms']:.1f} ms wall, {row['cpu_ms']:.1f} ms CPU; after a restart "
                    f"{row['restarted_wall_ms']:.1f} ms wall; nothing cached nor stored "
                    f"{row['uncached_wall_ms']:.1f} ms wall",
                    flush=True,
                )
                for name, ms in row.get("parts", {}).items():
                    print(f"      {name}: {ms:.1f} ms", flush=True)
        finally:
            Attempt.objects.filter(pk__in=made).delete()
            profile.time_zone = original
            profile.save(update_fields=["time_zone"])
    return rows


def doc_table(runs):
    lines = [
        "| database | zone | users (attempts) | after a grade: median, wall | slowest user, wall "
        "| median CPU | after a restart: median, slowest | under 50 ms "
        "| nothing cached nor stored: median | measured |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for run in runs:
        for zone in ZONES:
            rows = [row for row in run["rows"] if row["zone"] == zone]
            if not rows:
                continue
            walls = [row["wall_ms"] for row in rows]
            attempts = statistics.median(row["attempts"] for row in rows)
            slowest = max(walls)
            restarts = [row.get("restarted_wall_ms", 0) for row in rows]
            uncached = statistics.median(row.get("uncached_wall_ms", 0) for row in rows)
            name = "SQLite" if run["db"] == "sqlite" else "PostgreSQL"
            passed = max(slowest, *restarts) < BUDGET_MS
            lines.append(
                f"| {name} | {zone} | {len(rows)} ({attempts:,.0f}) | "
                f"{statistics.median(walls):.1f} ms | {slowest:.1f} ms | "
                f"{statistics.median(row['cpu_ms'] for row in rows):.1f} ms | "
                f"{statistics.median(restarts):.1f} ms, {max(restarts):.1f} ms | "
                f"{'pass' if passed else 'FAIL'} | {uncached:.1f} ms | "
                f"{run['finished']} (load {run['load']:.1f}) |"
            )
    return "\n".join(lines)


def write_doc():
    runs = [json.loads(path.read_text()) for path in sorted(bench.RESULTS.glob("stats-*.json"))]
    block = "\n".join([DOC_BEGIN, "", doc_table(runs), "", DOC_END])
    text = bench.DOC.read_text()
    if DOC_BEGIN in text and DOC_END in text:
        before, rest = text.split(DOC_BEGIN, 1)
        _old, after = rest.split(DOC_END, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    bench.DOC.write_text(text)


def main():
    args = parse_args()
    fit_args = argparse.Namespace(db=args.db, users=40, attempts=200_000)
    variables = bench_fit.database(fit_args)
    variables.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_STATIC_ROOT": str(bench.VAR / "bench-static"),
            "DJANGO_SETTINGS_MODULE": "interview_prep.settings",
            "REDIS_URL": "",
        }
    )
    os.environ.update(variables)
    load = os.getloadavg()[0]
    rows = measure(args)
    run = {
        "db": args.db,
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": max(load, os.getloadavg()[0]),
        "rows": rows,
    }
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / f"stats-{args.db}.json").write_text(json.dumps(run, indent=2))
    print(doc_table([run]))
    if not args.no_doc:
        write_doc()


if __name__ == "__main__":
    main()
