"""Time importing 10,000 questions in export_questions' JSON format (budget: under 30 s).

Writes the file (the sample bank's texts under new keys, five tags and one topic per ten
questions), then runs `manage.py import_questions` twice in a fresh database: the first time
it creates every question, the second time it finds every one unchanged. The importer's own
progress lines show on the terminal. The figures are printed and go to docs/BENCHMARKS.md.

Usage: bench_import.py [--db sqlite|postgres] [--questions N]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402

BUDGET_SECONDS = 30
DATABASE = "interview_prep_bench_import"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_DB") or "sqlite"
    )
    parser.add_argument("--questions", type=int, default=10_000)
    return parser.parse_args()


def write_bank(path, count):
    """count questions in the export format, written directly (no database needed)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from questions.bank.importing.parse import read_files
    from questions.bank.importing.records import JSON_FORMAT, JSON_VERSION
    from questions.management.commands.load_sample_bank import SAMPLE_BANK

    samples = read_files([SAMPLE_BANK], source="bench-import", language="zh-hans")
    questions = []
    for n in range(1, count + 1):
        sample = samples[(n - 1) % len(samples)]
        topic = (n - 1) // 10 % 20 + 1
        questions.append(
            {
                "external_key": f"bench-import:{n}",
                "topic": {"name": f"Import bench {topic:02d}", "slug": f"import-bench-{topic:02d}"},
                "title": f"{sample.title} ({n})",
                "prompt": sample.prompt,
                "answer": sample.answer,
                "explanation": sample.explanation,
                "difficulty": ("easy", "medium", "hard")[n % 3],
                "language": "zh-hans",
                "source": "bench-import",
                "position": n,
                "is_published": True,
                "tags": sorted({f"tag-{n % 5}", f"tag-{n % 7 + 5}"}),
                "key_points": [
                    {"position": position, "label": label, "detail": detail}
                    for position, (label, detail) in enumerate(sample.key_points, start=1)
                ],
            }
        )
    document = {"format": JSON_FORMAT, "version": JSON_VERSION, "questions": questions}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def fresh_database(db):
    variables = {**os.environ, "DJANGO_DEBUG": "1"}
    if db == "sqlite":
        path = bench.VAR / "bench-import.sqlite3"
        for leftover in bench.VAR.glob("bench-import.sqlite3*"):
            leftover.unlink()
        variables.update({"DJANGO_SQLITE_PATH": str(path), "DATABASE_URL": ""})
    else:
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtA", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
        subprocess.run([ROOT / "scripts" / "ensure-postgres.sh", DATABASE], check=True)
        variables["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    bench.manage(variables, "migrate", "--noinput", "-v0")
    return variables


def timed_import(variables, path):
    started = time.monotonic()
    bench.manage(variables, "import_questions", str(path))
    return time.monotonic() - started


def main():
    args = parse_args()
    bench.VAR.mkdir(exist_ok=True)
    path = bench.VAR / f"bench-import-{args.questions}.json"
    started = time.monotonic()
    write_bank(path, args.questions)
    bench.say(
        f"wrote {args.questions} questions to {path.relative_to(ROOT)} "
        f"({path.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s"
    )
    variables = fresh_database(args.db)
    bench.say(f"{args.db}: first import (every question new)")
    created = timed_import(variables, path)
    bench.say(f"{args.db}: second import (every question unchanged)")
    unchanged = timed_import(variables, path)
    verdict = "pass" if created < BUDGET_SECONDS else "FAIL"
    print()
    print(f"{verdict}: {args.questions} new questions imported in {created:.1f} s")
    print(f"      the same file again (all unchanged) in {unchanged:.1f} s")
    result = {
        "db": args.db,
        "questions": args.questions,
        "megabytes": round(path.stat().st_size / 1e6, 1),
        "created_seconds": round(created, 1),
        "unchanged_seconds": round(unchanged, 1),
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_after": os.getloadavg()[0],
    }
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / f"import-{args.db}.json").write_text(json.dumps(result, indent=2))
    bench.write_doc()


if __name__ == "__main__":
    main()
