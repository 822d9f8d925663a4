"""A large import confirmed in the admin while a learner grades: does either wait for the other?

In a fresh database (SQLite file or PostgreSQL), with the sample bank loaded: gunicorn (2
workers, production settings) and one task worker (`manage.py run_worker`, database backend).
An editor uploads N questions (scripts/bench_import.py's JSON file) in the admin, previews and
confirms; meanwhile a learner answers and grades sample questions in a loop, from the moment of
the confirmation until the import's page shows its outcome. Prints and stores (var/
bench-results/queued-import-DB.json): the preview's and the confirmation's response times, how
long the worker took, and the learner's grades (count, failures, median and slowest). The
figures go to docs/BENCHMARKS.md by hand.

Checks, failing the run: the confirmation answers within CONFIRM_BUDGET seconds, the import
ends "Imported" with every question created, and every grade meanwhile succeeds.

Usage: bench_queued_import.py [--db sqlite|postgres] [--questions N]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import bench_import  # noqa: E402

from tests.http_client import Browser  # noqa: E402

CONFIRM_BUDGET = 2.0
EDITOR, LEARNER = "bench-editor", "bench-learner"
ANSWER = "预训练模型在大规模数据上训练，泛化能力强，减少数据需求。"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_DB") or "sqlite"
    )
    parser.add_argument("--questions", type=int, default=20_000)
    return parser.parse_args()


def prepare(args):
    path = bench.VAR / f"bench-import-{args.questions}.json"
    if not path.exists():
        bench_import.write_bank(path, args.questions)
    variables = bench_import.fresh_database(args.db)
    bench.manage(variables, "load_sample_bank", "-v0")
    create_users = (
        "from django.contrib.auth.models import User\n"
        f"User.objects.create_superuser({EDITOR!r}, password={bench.PASSWORD!r})\n"
        f"User.objects.create_user({LEARNER!r}, password={bench.PASSWORD!r})\n"
    )
    bench.manage(variables, "shell", "-c", create_users)
    return path, variables


def server_variables(variables, port):
    server = {
        **variables,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-queued-import-not-secret",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(bench.VAR / "bench-static"),
        "DJANGO_TASKS_BACKEND": "database",
        "WEB_CONCURRENCY": "2",
        # The preview parses and plans the whole file inside its request.
        "GUNICORN_TIMEOUT": "120",
        "PORT": str(port),
        "REDIS_URL": "",
    }
    bench.manage(server, "collectstatic", "--noinput", "-v0")
    return server


def multipart(browser, path, fields, file_field, file_name, content, *, referer_path):
    """POST a form with one file, as a browser does (the test browser only urlencodes)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/json\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        browser.base_url + path,
        data=b"".join(parts),
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": browser.origin,
            "Referer": browser.origin + referer_path,
        },
    )
    with browser._opener.open(request, timeout=browser.timeout) as raw:
        return raw.status, raw.headers, raw.read().decode("utf-8", "replace")


def hidden(text, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', text)
    if not match:
        raise SystemExit(f"no {name} in the page:\n{text[:2000]}")
    return match.group(1)


class Learner(threading.Thread):
    """Answers and grades questions until stopped; records each grade's time and status."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.browser = Browser(url, behind_tls_proxy=False, timeout=60)
        self.browser.log_in(LEARNER, bench.PASSWORD)
        self.stop = threading.Event()
        self.grades, self.failures = [], []

    def run(self):
        while not self.stop.is_set():
            question_id, form = self.browser.show("/practice/random/")
            grade_form = self.browser.reveal(question_id, form, ANSWER)
            started = time.monotonic()
            response = self.browser.grade(question_id, grade_form, 3)
            elapsed = time.monotonic() - started
            if response.status in (200, 302):
                self.grades.append(elapsed)
            else:
                self.failures.append((response.status, elapsed))


def main():
    args = parse_args()
    bench.VAR.mkdir(exist_ok=True)
    path, variables = prepare(args)
    content = path.read_bytes()
    port = bench.free_port()
    server = server_variables(variables, port)
    run_dir = bench.VAR / "bench-queued-import"
    run_dir.mkdir(exist_ok=True)
    with (run_dir / "worker.log").open("w") as worker_log:
        worker = subprocess.Popen(
            [bench.PYTHON, "manage.py", "run_worker"],
            cwd=ROOT,
            env=server,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    try:
        with bench.Server(server, run_dir / "gunicorn.log") as web:
            result = measure(args, web.url, path, content)
    finally:
        # The worker finishes its task first (the near-duplicates of the whole bank, queued by
        # the import): give it a while, then stop it.
        worker.terminate()
        try:
            worker.wait(timeout=300)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / f"queued-import-{args.db}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    problems = []
    if result["confirm_seconds"] > CONFIRM_BUDGET:
        problems.append(f"the confirmation took {result['confirm_seconds']} s")
    if result["outcome"] != "Imported" or result["created"] != args.questions:
        problems.append(f"the import ended {result['outcome']!r}, {result['created']} created")
    if result["grade_failures"] or not result["grades"]:
        problems.append(f"{result['grade_failures']} failed grades of {result['grades']}")
    print("FAIL: " + "; ".join(problems) if problems else "pass")
    sys.exit(1 if problems else 0)


def measure(args, url, path, content):
    editor = Browser(url, behind_tls_proxy=False, timeout=300)
    editor.log_in(EDITOR, bench.PASSWORD)
    form_path = "/admin/questions/question/import/"
    page = editor.get(form_path)
    csrf = hidden(page.text, "csrfmiddlewaretoken")
    bench.say(f"{args.db}: preview of {args.questions} questions ({len(content) / 1e6:.1f} MB)")
    started = time.monotonic()
    status, _headers, preview = multipart(
        editor,
        form_path,
        {"csrfmiddlewaretoken": csrf, "source": ""},
        "file",
        path.name,
        content,
        referer_path=form_path,
    )
    preview_seconds = time.monotonic() - started
    if status != 200 or "fingerprint" not in preview:
        raise SystemExit(f"preview: HTTP {status}\n{preview[:2000]}")

    learner = Learner(url)
    learner.start()
    time.sleep(2)  # a few grades before, as a reference
    before = list(learner.grades)
    bench.say(f"{args.db}: confirming")
    started = time.monotonic()
    confirm = editor.post(
        form_path,
        {
            "csrfmiddlewaretoken": editor.cookie("csrftoken"),
            "token": hidden(preview, "token"),
            "fingerprint": hidden(preview, "fingerprint"),
            "confirm": "1",
        },
        referer_path=form_path,
    )
    confirm_seconds = time.monotonic() - started
    job_path = confirm.header("Location")
    if confirm.status != 302 or not job_path:
        raise SystemExit(f"confirm: HTTP {confirm.status}\n{confirm.text[:2000]}")
    bench.say(f"{args.db}: confirmed in {confirm_seconds:.2f} s; waiting for the worker")
    during_from = len(learner.grades)
    while True:
        page = editor.get(job_path)
        outcome = re.search(r'<p class="import-status[^"]*">([^<]*)</p>', page.text)
        outcome = outcome.group(1).strip() if outcome else ""
        if 'http-equiv="refresh"' not in page.text:
            break
        time.sleep(1)
    applied_seconds = time.monotonic() - started
    learner.stop.set()
    learner.join(timeout=120)
    during = learner.grades[during_from:]
    created = re.search(r'data-created="(\d+)"', page.text)
    return {
        "db": args.db,
        "questions": args.questions,
        "megabytes": round(len(content) / 1e6, 1),
        "preview_seconds": round(preview_seconds, 2),
        "confirm_seconds": round(confirm_seconds, 2),
        "applied_seconds": round(applied_seconds, 1),
        "outcome": outcome,
        "created": int(created.group(1)) if created else None,
        "grades": len(during),
        "grade_failures": len(learner.failures),
        "grade_median_ms": round(statistics.median(during) * 1000) if during else None,
        "grade_max_ms": round(max(during) * 1000) if during else None,
        "grade_before_median_ms": round(statistics.median(before) * 1000) if before else None,
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_after": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
