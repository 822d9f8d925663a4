"""Time fitting FSRS to the load-data generator's users (budget: 5,000 reviews in under 10 s of
one core), and check the rule on all of them: fitting lowers held-out log loss for most users,
and no fit that predicts worse is ever kept.

Generates its own data unless it is there already (manage.py generate_load_data --if-missing:
USERS bench users with about 5,000 attempts each), then, pinned to one CPU core, runs for each
user what the worker's task runs (questions/study/tasks.py: load the attempts, build the FSRS
items, six trainings for the evidence and the fit), without saving. The figures are printed
and go to docs/BENCHMARKS.md.

Usage: bench_fit.py [--db sqlite|postgres] [--users N] [--attempts N]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402

BUDGET_SECONDS = 10
BUDGET_REVIEWS = 5000
DOC_BEGIN = "<!-- bench:fit:begin (written by scripts/bench_fit.py; edit outside) -->"
DOC_END = "<!-- bench:fit:end -->"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_DB") or "sqlite"
    )
    parser.add_argument("--users", type=int, default=int(bench.env("BENCH_FIT_USERS", 40)))
    parser.add_argument(
        "--attempts", type=int, default=int(bench.env("BENCH_FIT_ATTEMPTS", 200_000))
    )
    return parser.parse_args()


def database(args):
    variables = {**os.environ, "DJANGO_DEBUG": "1"}
    if args.db == "sqlite":
        path = bench.VAR / f"bench-fit-{args.users}-{args.attempts}.sqlite3"
        variables.update({"DJANGO_SQLITE_PATH": str(path), "DATABASE_URL": ""})
    else:
        name = f"interview_prep_bench_fit_{args.users}_{args.attempts}"
        subprocess.run([ROOT / "scripts" / "ensure-postgres.sh", name], check=True)
        variables["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    bench.manage(variables, "migrate", "--noinput", "-v0")
    bench.manage(
        variables,
        "generate_load_data",
        "--questions",
        "2000",
        "--users",
        str(args.users),
        "--attempts",
        str(args.attempts),
        "--if-missing",
    )
    return variables


def one_core():
    """Pin this process, and the threads fsrs-rs starts, to one CPU: the budget is one core."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def fit_everyone():
    import django

    django.setup()
    from django.utils import timezone

    from questions.study.models import profile_for
    from questions.study.optimizer import DEFAULT_PARAMETERS, FitOutcome, retention_options
    from questions.study.tasks import fit_profile
    from scripts.devtools.management.commands.generate_load_data import loadgen_users

    rows = []
    now = timezone.now()
    for user in loadgen_users().order_by("pk"):
        profile = profile_for(user)
        started, cpu = time.perf_counter(), time.process_time()
        result = fit_profile(profile, now, save=False)
        rows.append(
            {
                "user": user.username,
                "attempts": user.attempts.count(),
                "reviews": result.reviews,
                "outcome": str(result.outcome),
                "defaults_log_loss": result.evidence and result.evidence.defaults.log_loss,
                "fitted_log_loss": result.evidence and result.evidence.fitted.log_loss,
                "defaults_rmse": result.evidence and result.evidence.defaults.rmse,
                "fitted_rmse": result.evidence and result.evidence.fitted.rmse,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - cpu,
                "kept": result.outcome == FitOutcome.KEPT,
            }
        )
        print(
            f"  {user.username}: {rows[-1]['attempts']} attempts, {result.reviews} reviews, "
            f"{result.outcome}, {rows[-1]['seconds']:.2f} s",
            flush=True,
        )
    started = time.perf_counter()
    retention_options(
        DEFAULT_PARAMETERS,
        deck_size=2000,
        new_per_day=10,
        reviews_per_day=200,
    )
    return rows, time.perf_counter() - started


def summary(args, rows, table_seconds):
    scored = [row for row in rows if row["fitted_log_loss"] is not None]
    lower = [row for row in scored if row["fitted_log_loss"] < row["defaults_log_loss"]]
    kept = [row for row in rows if row["kept"]]
    kept_worse = [
        row
        for row in kept
        if row["fitted_log_loss"] >= row["defaults_log_loss"]
        or row["fitted_rmse"] >= row["defaults_rmse"]
    ]
    large = [row for row in rows if row["attempts"] >= BUDGET_REVIEWS] or rows
    slowest = max(large, key=lambda row: row["seconds"])
    return {
        "db": args.db,
        "users": len(rows),
        "attempts_median": statistics.median(row["attempts"] for row in rows),
        "attempts_max": max(row["attempts"] for row in rows),
        "scored": len(scored),
        "lower_log_loss": len(lower),
        "kept": len(kept),
        "kept_worse": len(kept_worse),
        "log_loss_defaults_median": statistics.median(r["defaults_log_loss"] for r in scored),
        "log_loss_fitted_median": statistics.median(r["fitted_log_loss"] for r in scored),
        "slowest_user": slowest["user"],
        "slowest_attempts": slowest["attempts"],
        "slowest_seconds": round(slowest["seconds"], 2),
        "slowest_cpu_seconds": round(slowest["cpu_seconds"], 2),
        "median_seconds": round(statistics.median(row["seconds"] for row in rows), 2),
        "retention_table_seconds": round(table_seconds, 2),
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_after": os.getloadavg()[0],
    }


def render(results):
    lines = [
        "| database | users (median attempts) | lower held-out log loss | fits kept | kept but "
        "worse | slowest fit, one core | under 10 s | retention table | measured |",
        "|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for result in results:
        verdict = "pass" if result["slowest_seconds"] < BUDGET_SECONDS else "FAIL"
        lines.append(
            f"| {'PostgreSQL' if result['db'] == 'postgres' else 'SQLite'} "
            f"| {result['users']} ({result['attempts_median']:,.0f}) "
            f"| {result['lower_log_loss']} of {result['scored']} "
            f"| {result['kept']} | {result['kept_worse']} "
            f"| {result['slowest_seconds']:.2f} s ({result['slowest_attempts']:,} attempts; "
            f"CPU {result['slowest_cpu_seconds']:.2f} s) | {verdict} "
            f"| {result['retention_table_seconds']:.2f} s | {result['finished']} |"
        )
    return "\n".join(lines)


def write_doc():
    paths = [bench.RESULTS / f"fit-{db}.json" for db in ("sqlite", "postgres")]
    results = [json.loads(path.read_text()) for path in paths if path.exists()]
    text = bench.DOC.read_text()
    block = f"{DOC_BEGIN}\n\n{render(results)}\n\n{DOC_END}"
    pattern = re.compile(re.escape(DOC_BEGIN) + ".*?" + re.escape(DOC_END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text += f"\n{block}\n"
    bench.DOC.write_text(text)


def main():
    args = parse_args()
    bench.VAR.mkdir(exist_ok=True)
    variables = database(args)
    os.environ.update({key: variables[key] for key in ("DJANGO_DEBUG", "DATABASE_URL")})
    if "DJANGO_SQLITE_PATH" in variables:
        os.environ["DJANGO_SQLITE_PATH"] = variables["DJANGO_SQLITE_PATH"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
    core = one_core()
    bench.say(f"{args.db}: fitting every bench user on CPU core {core}")
    rows, table_seconds = fit_everyone()
    result = summary(args, rows, table_seconds)
    verdict = "pass" if result["slowest_seconds"] < BUDGET_SECONDS else "FAIL"
    print()
    print(
        f"{verdict}: the slowest fit of a user with {BUDGET_REVIEWS}+ attempts "
        f"({result['slowest_user']}, {result['slowest_attempts']}) took "
        f"{result['slowest_seconds']} s on one core (CPU {result['slowest_cpu_seconds']} s)"
    )
    print(
        f"      held-out log loss lower for {result['lower_log_loss']} of {result['scored']} "
        f"users; {result['kept']} fits kept, {result['kept_worse']} of them worse"
    )
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / f"fit-{args.db}.json").write_text(json.dumps(result, indent=2))
    (bench.RESULTS / f"fit-{args.db}-users.json").write_text(json.dumps(rows, indent=2))
    write_doc()


if __name__ == "__main__":
    main()
