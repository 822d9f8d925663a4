"""Benchmark the main pages on one database, as `make bench` runs it (scripts/bench.sh).

Steps: generate the load data unless it is there already (manage.py generate_load_data
--if-missing), serve it with gunicorn and the image's gunicorn.conf.py (DEBUG off, a random
secret key, plain HTTP), log some bench users in, then load each page in turn with wrk from
a separate process: short runs, one page at a time, all against the same server. The ceiling
page (scripts/devtools/urls.py, served only under DJANGO_BENCHMARK=1) is measured in the
same run, and every page's throughput is given as a share of it. The results go to
var/bench-results/ and, with the machine's description, to docs/BENCHMARKS.md.

Each setting has an environment variable (BENCH_DB, BENCH_ATTEMPTS, ...; see --help).
"""

import argparse
import concurrent.futures
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.http_client import Browser  # noqa: E402

VAR = ROOT / "var"
RESULTS = VAR / "bench-results"
RUN_DIR = VAR / "bench-run"
DOC = ROOT / "docs" / "BENCHMARKS.md"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
REPLAY = ROOT / "scripts" / "wrk" / "replay.lua"
LEARNERS = ROOT / "scripts" / "wrk" / "learners.lua"
FULL_SIZE = 1_000_000
PASSWORD = "bench-password-not-secret"  # generate_load_data.PASSWORD
SEARCH_TERM = "过拟合"  # in a few sample questions: most of the bank does not match
ANSWER = (
    "预训练模型在大规模数据上训练，学到通用的特征表示；"
    "下游任务只需少量数据微调，训练更快，泛化更好。"
)
DOC_BEGIN = "<!-- bench:results:begin (written by scripts/bench.py; edit outside) -->"
DOC_END = "<!-- bench:results:end -->"

# Reference rows: measured and shown, but they are the yardstick, not pages with budgets.
REFERENCES = {"bare", "ceiling", "ceiling_anonymous"}
# (key, label, budgeted for p95): the order of the runs. Grading changes the data: last.
PAGES = [
    ("bare", "bare Django constant page", False),
    ("ceiling", "ceiling (constant page)", False),
    ("ceiling_anonymous", "ceiling without a session cookie", False),
    ("healthz", "GET /healthz", False),
    ("search", f"GET /questions/?q={SEARCH_TERM}", False),
    ("history", "GET /history/", False),
    ("stats", "GET /stats/", False),
    ("practice", "GET /practice/", True),
    ("reveal", "POST reveal (htmx)", True),
    ("grade", "POST grade (htmx)", True),
]
P95_BUDGET_MS = 50
RATIO_BUDGET = 0.5
BARE_BUDGET = 0.25
# The capacity run: a learner answers a question a minute (practice page, reveal, grade) and
# opens history or progress every ten questions: 3.1 requests a minute.
LEARNER_REQUESTS_PER_SECOND = 3.1 / 60
CAPACITY_P95_MS = 100
SCALE_BUDGET = 0.20


def env(name, default):
    return os.environ.get(name) or default


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=env("BENCH_DB", "sqlite"))
    parser.add_argument("--questions", type=int, default=int(env("BENCH_QUESTIONS", 10_000)))
    parser.add_argument("--users", type=int, default=int(env("BENCH_USERS", 200)))
    parser.add_argument("--attempts", type=int, default=int(env("BENCH_ATTEMPTS", FULL_SIZE)))
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED", 1)))
    parser.add_argument(
        "--duration", type=int, default=int(env("BENCH_DURATION", 10)), help="Seconds per page."
    )
    parser.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", 2)))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", 8)))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", 2)))
    parser.add_argument(
        "--logins", type=int, default=int(env("BENCH_LOGINS", 16)), help="Users logged in."
    )
    parser.add_argument(
        "--pages",
        default=env("BENCH_PAGES", ""),
        help="Comma-separated subset of: "
        + ", ".join([*(key for key, _label, _budget in PAGES), "capacity"]),
    )
    parser.add_argument(
        "--capacity",
        default=env("BENCH_CAPACITY", "4,8,16,32,48"),
        help="Connections of each step of the capacity run (comma-separated; empty: none).",
    )
    parser.add_argument(
        "--think",
        type=int,
        default=int(env("BENCH_THINK_MS", 100)),
        help="Capacity run: ms each connection waits between requests.",
    )
    parser.add_argument("--no-doc", action="store_true", help="Do not rewrite docs/BENCHMARKS.md.")
    parser.add_argument(
        "--tag",
        default="",
        help="Keep the results as DB-ATTEMPTS-TAG.json, out of the Results tables "
        "(scripts/bench_scale.py tags its runs).",
    )
    return parser.parse_args()


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The server -----------------------------------------------------------------------------


def database_env(args):
    suffix = "" if args.attempts == FULL_SIZE else f"-{args.attempts}"
    if args.db == "sqlite":
        return {"DJANGO_SQLITE_PATH": str(VAR / f"bench{suffix}.sqlite3"), "DATABASE_URL": ""}
    name = "interview_prep_bench" + suffix.replace("-", "_")
    subprocess.run([ROOT / "scripts" / "ensure-postgres.sh", name], check=True)
    return {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}


def server_env(args, port):
    variables = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # Plain HTTP between wrk and gunicorn: no HTTPS redirect, cookies without Secure.
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_BENCHMARK": "1",
        "DJANGO_STATIC_ROOT": str(VAR / "bench-static"),
        "WEB_CONCURRENCY": str(args.workers),
        "PORT": str(port),
        "REDIS_URL": env("BENCH_REDIS_URL", ""),
        **database_env(args),
    }
    return variables


def manage(variables, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=variables, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, variables, log_path, app="interview_prep.wsgi", probe="/healthz"):
        self.variables = variables
        self.log_path = log_path
        self.app = app
        self.probe = probe
        self.process = None

    def __enter__(self):
        port = self.variables["PORT"]
        command = [GUNICORN, "--bind", f"127.0.0.1:{port}"]
        if (ROOT / "gunicorn.conf.py").exists():
            command += ["-c", "gunicorn.conf.py"]
        else:
            command += ["--workers", self.variables["WEB_CONCURRENCY"]]
        command.append(self.app)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.variables, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                if Browser(self.url, behind_tls_proxy=False).get(self.probe).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {self.probe} in 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- Requests -------------------------------------------------------------------------------


class User:
    def __init__(self, name, url):
        self.name = name
        self.browser = Browser(url, behind_tls_proxy=False, timeout=60)

    def log_in(self):
        page = self.browser.get("/accounts/login/")
        fields = {
            "csrfmiddlewaretoken": hidden_input(page, "csrfmiddlewaretoken"),
            "username": self.name,
            "password": PASSWORD,
        }
        response = self.browser.post("/accounts/login/", fields, referer_path="/accounts/login/")
        if response.status != 302:
            raise SystemExit(f"login of {self.name}: HTTP {response.status}")
        self.csrf = self.browser.cookie("csrftoken")
        cookies = {name: self.browser.cookie(name) for name in ("sessionid", "csrftoken")}
        self.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return self

    def headers(self, post=False):
        headers = [f"Cookie: {self.cookie}"]
        if post:
            headers += [
                f"X-CSRFToken: {self.csrf}",
                "HX-Request: true",
                "Content-Type: application/x-www-form-urlencoded",
            ]
        return headers

    def token(self, question_id):
        """A fresh practice token for this question: each showing of a question makes one."""
        return hidden_input(self.browser.get(f"/practice/{question_id}/"), "token")


def hidden_input(response, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"', response.text)
    if response.status != 200 or not match:
        raise SystemExit(f"no {name} on {response.url} (HTTP {response.status})")
    return match.group(1)


def line(method, path, body, headers):
    return "\t".join([method, path, body, *headers])


def get_lines(users, path):
    return [line("GET", path, "", user.headers()) for user in users]


def post_lines(users, tokens, action, extra):
    """One POST per (user, question, token), the users interleaved."""
    lines = []
    for user, question_id, token in tokens:
        fields = {"csrfmiddlewaretoken": user.csrf, "token": token, "text": ANSWER, **extra()}
        body = urllib.parse.urlencode(fields, doseq=True)
        path = f"/practice/{question_id}/{action}/"
        lines.append(line("POST", path, body, user.headers(post=True)))
    return lines


def choose_users(count):
    """The bench users who graded least in the last day. Grading counts against the daily
    review limit, so each run logs in the users earlier runs used least: the practice page
    keeps showing due cards rather than the end of the day's reviews."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone

    since = timezone.now() - timedelta(days=1)
    return list(
        get_user_model()
        .objects.filter(username__startswith="bench-user-")
        .annotate(recent=Count("attempts", filter=Q(attempts__created_at__gte=since)))
        .order_by("recent", "id")
        .values_list("username", flat=True)[:count]
    )


def target_questions(users, count, *, due):
    """Each user's questions to reveal or grade: with due=True the due ones, in the order
    practice shows them; else the cards due last, so that grading them (which moves a card
    further out) leaves what practice shows to the next run unchanged."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from questions.study.models import ReviewCard

    now = timezone.now()
    found = {}
    for user in users:
        account = get_user_model().objects.get(username=user.name)
        if due:
            cards = ReviewCard.objects.due_for(account, now)
        else:
            cards = ReviewCard.objects.schedulable(now).filter(user=account).order_by("-due")
        found[user.name] = list(cards.values_list("question_id", flat=True)[:count])
    return found


def fetch_tokens(users, count, *, due):
    """count (user, question id, token) triples, round-robin over the users, each token from
    a GET of the question's practice page (4 at a time)."""
    per_user = -(-count // len(users))
    questions = target_questions(users, per_user, due=due)

    def fetch(user):
        ids = questions[user.name]
        if not ids:
            raise SystemExit(f"{user.name} has no cards to practise")
        return [(user, ids[i % len(ids)], user.token(ids[i % len(ids)])) for i in range(per_user)]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        by_user = list(pool.map(fetch, users))
    return [triple for group in zip(*by_user, strict=True) for triple in group][:count]


def write_lines(name, lines, threads):
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    base = RUN_DIR / name
    for number in range(1, threads + 1):
        part = lines[number - 1 :: threads] or lines
        (RUN_DIR / f"{name}.{number}").write_text("\n".join(part) + "\n")
    return base


def wrk(args, url, base, once=False):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(REPLAY),
        url,
        "--",
        str(base),
    ] + (["once"] if once else [])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# --- The runs -------------------------------------------------------------------------------


def probe(user, path):
    response = user.browser.get(path)
    return response.status


def run_pages(args, server, users, selected):
    results = {}
    first = users[0]
    gets = {
        "ceiling": "/bench/ceiling/",
        "ceiling_anonymous": "/bench/ceiling/",
        "healthz": "/healthz",
        "search": "/questions/?" + urllib.parse.urlencode({"q": SEARCH_TERM}),
        "history": "/history/",
        "stats": "/stats/",
        "practice": "/practice/",
    }
    for key, label, _budget in PAGES:
        if key not in selected:
            continue
        if key == "bare":
            result = run_bare(args)
        elif key in gets:
            status = probe(first, gets[key])
            if status != 200:
                say(f"{label}: HTTP {status} before the run; skipped")
                results[key] = {"label": label, "skipped": f"HTTP {status}"}
                continue
            # One request per user first, so that no run pays for first-time imports, nor for
            # filling a cache that later views of the page reuse (the progress dashboard:
            # docs/BENCHMARKS.md gives the cost of a first view separately).
            for user in users:
                user.browser.get(gets[key])
            if key == "ceiling_anonymous":  # no cookie: no session nor user to load
                lines = [line("GET", gets[key], "", [])]
            else:
                lines = get_lines(users, gets[key])
            base = write_lines(key, lines, args.threads)
            result = wrk(args, server.url, base)
        elif key == "reveal":
            tokens = fetch_tokens(users, len(users) * 4, due=True)
            base = write_lines(key, post_lines(users, tokens, "reveal", dict), args.threads)
            result = wrk(args, server.url, base)
        else:
            # Every grade consumes its token: enough of them for the run at the practice page's
            # pace (grading does more), with room to spare.
            pace = results.get("practice", {}).get("rps") or 300
            count = min(max(int(pace * (args.duration + 2) * 1.5), 500), 30_000)
            say(f"fetching {count} practice tokens for grading")
            tokens = fetch_tokens(users, count, due=False)
            ratings = itertools.cycle((3, 3, 3, 4, 2, 1))  # mostly Good, as people grade

            def grade_fields(ratings=ratings):
                # Positions 1 and 2 exist on every generated question.
                return {"rating": next(ratings), "ticked": [1, 2]}

            lines = post_lines(users, tokens, "grade", grade_fields)
            base = write_lines(key, lines, args.threads)
            result = wrk(args, server.url, base, once=True)
        result["label"] = label
        results[key] = result
        say(
            f"{label}: {result['rps']:.0f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
            f"p95 {result['p95_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, "
            f"{result['status_errors']} non-2xx/3xx, {result['reused']} reused tokens"
        )
    return results


def run_bare(args):
    """Django alone (interview_prep/bench_bare.py) on a second gunicorn, the same settings
    file and workers, while the app's server waits idle: the yardstick of a bare page."""
    variables = {**os.environ, "PORT": str(free_port()), "WEB_CONCURRENCY": str(args.workers)}
    log = VAR / "bench-gunicorn-bare.log"
    with Server(
        variables, log, app="interview_prep.bench_bare:application", probe="/bench/bare/"
    ) as bare:
        base = write_lines("bare", [line("GET", "/bench/bare/", "", [])], args.threads)
        return wrk(args, bare.url, base)


def learner_files(name, users, connections):
    """One file per thread (one connection each): the thread's users, spread so that two
    threads share a user only when there are more threads than users."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    for number in range(1, connections + 1):
        own = users[number - 1 :: connections] or [users[(number - 1) % len(users)]]
        rows = [f"{user.cookie}\t{user.csrf}" for user in own]
        (RUN_DIR / f"{name}.{number}").write_text("\n".join(rows) + "\n")
    return RUN_DIR / name


def _warm_dashboard(user):
    for _ in range(2):
        user.browser.get("/stats/")


def run_capacity(args, server, users):
    """Learners practising (scripts/wrk/learners.lua) at rising numbers of connections, each
    waiting --think ms between requests: each step's request rate, as learners answering a
    question a minute, and its p95. The capacity is the most learners served by a step with
    p95 under CAPACITY_P95_MS and no errors."""
    steps = []
    for connections in [int(c) for c in args.capacity.split(",") if c.strip()]:
        base = learner_files("learners", users, connections)
        command = [
            "wrk",
            f"-t{connections}",
            f"-c{connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LEARNERS),
            server.url,
            "--",
            str(base),
            str(args.think),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        match = re.search(r"^LEARNERS_JSON (.*)$", output, re.MULTILINE)
        if not match:
            raise SystemExit(f"wrk printed no result:\n{output}")
        step = json.loads(match.group(1))
        step["connections"] = connections
        step["rps"] = step["requests"] / (step["duration_us"] / 1e6)
        step["learners"] = step["rps"] / LEARNER_REQUESTS_PER_SECOND
        step["errors"] = step["status_errors"] + step["socket_errors"] + step["timeouts"]
        step["ok"] = step["p95_us"] / 1000 < CAPACITY_P95_MS and not step["errors"]
        steps.append(step)
        say(
            f"capacity, {connections} connections: {step['rps']:.0f} req/s "
            f"({step['learners']:,.0f} learners), p95 {step['p95_us'] / 1000:.1f} ms, "
            f"{step['errors']} errors, {step['empty']} practice pages without a question"
        )
        if step["p95_us"] / 1000 > 3 * CAPACITY_P95_MS:
            break  # well past the budget: more connections would only queue
    served = [step["learners"] for step in steps if step["ok"]]
    return {"steps": steps, "learners": max(served) if served else 0, "think_ms": args.think}


def capacity_table(capacity):
    rows = [
        "| connections | req/s | as learners | practice / reveal / grade / history / stats "
        "| p50 ms | p95 ms | p99 ms | errors | p95 < 100 ms |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for step in capacity["steps"]:
        mix = " / ".join(
            str(step[kind]) for kind in ("practice", "reveal", "grade", "history", "stats")
        )
        rows.append(
            f"| {step['connections']} | {step['rps']:.0f} | {step['learners']:,.0f} | {mix} | "
            f"{step['p50_us'] / 1000:.1f} | {step['p95_us'] / 1000:.1f} | "
            f"{step['p99_us'] / 1000:.1f} | {step['errors']} | "
            f"{'pass' if step['ok'] else 'FAIL'} |"
        )
    return "\n".join(rows)


# --- Reporting ------------------------------------------------------------------------------


def machine(args, variables):
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django, gunicorn, sys; from django.db import connection; "
            "connection.ensure_connection(); "
            "print(sys.version.split()[0]); print(django.get_version()); "
            "print(gunicorn.__version__); print(connection.vendor, "
            "'.'.join(map(str, connection.Database.sqlite_version_info)) "
            "if connection.vendor == 'sqlite' else connection.pg_version)",
        ],
        env={**variables, "DJANGO_SETTINGS_MODULE": "interview_prep.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = versions.stdout.split("\n")
    if versions.returncode != 0 or len(lines) < 4:
        lines = ["?", "?", "?", "? ?"]
    python, django, gunicorn, database = lines[:4]
    vendor, _space, database_version = database.partition(" ")
    if vendor == "postgresql" and database_version.isdigit():
        number = int(database_version)
        database_version = f"{number // 10000}.{number % 10000}"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": python,
        "django": django,
        "gunicorn": gunicorn,
        "database": f"{'SQLite' if args.db == 'sqlite' else 'PostgreSQL'} {database_version}",
        "wrk": " ".join(wrk_version[:2]) if wrk_version else "?",
    }


def table(results):
    ceiling = results.get("ceiling", {}).get("rps")
    bare = results.get("bare", {}).get("rps")
    rows = [
        "| page | req/s | share of bare Django | share of ceiling | p50 ms | p95 ms | p99 ms "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label, _budget in PAGES:
        result = results.get(key)
        if result is None:
            continue
        if "skipped" in result:
            rows.append(f"| {label} | – | – | – | – | – | – | {result['skipped']} |")
            continue
        share = f"{result['rps'] / ceiling:.0%}" if ceiling else "–"
        of_bare = f"{result['rps'] / bare:.0%}" if bare else "–"
        errors = result["status_errors"] + result["socket_errors"] + result["timeouts"]
        rows.append(
            f"| {label} | {result['rps']:.0f} | {of_bare} | {share} | "
            f"{result['p50_us'] / 1000:.1f} | "
            f"{result['p95_us'] / 1000:.1f} | {result['p99_us'] / 1000:.1f} | {errors} |"
        )
    return "\n".join(rows)


def budgets(results):
    """(budget, verdict) lines for the budgets of one run."""
    ceiling = results.get("ceiling", {}).get("rps")
    verdicts = []
    for key, label, budgeted in PAGES:
        result = results.get(key)
        if key in REFERENCES or result is None:
            continue
        if "skipped" in result:
            verdicts.append((f"{label}: measured", f"NOT MEASURED ({result['skipped']})"))
            continue
        if budgeted:
            p95 = result["p95_us"] / 1000
            ok = p95 < P95_BUDGET_MS
            verdicts.append((f"{label}: p95 < {P95_BUDGET_MS} ms", _verdict(ok, f"{p95:.1f} ms")))
        if ceiling:
            share = result["rps"] / ceiling
            ok = share >= RATIO_BUDGET
            verdicts.append(
                (f"{label}: ≥ {RATIO_BUDGET:.0%} of the ceiling", _verdict(ok, f"{share:.0%}"))
            )
        bare = results.get("bare", {}).get("rps")
        if bare:
            share = result["rps"] / bare
            ok = share >= BARE_BUDGET
            verdicts.append(
                (f"{label}: ≥ {BARE_BUDGET:.0%} of bare Django", _verdict(ok, f"{share:.0%}"))
            )
    return verdicts


def _verdict(ok, figure):
    return f"{'pass' if ok else 'FAIL'} ({figure})"


def scale_comparison(runs, db):
    """Each page's throughput with the full data against the 10,000-attempt data.

    Compared as shares of the ceiling measured in the same run: the two runs happen at
    different times, and a busy machine lowers every figure of a run, the ceiling's too."""
    full = runs.get((db, FULL_SIZE))
    small = runs.get((db, 10_000))
    if not (full and small):
        return None
    small_ceiling = small["results"].get("ceiling", {}).get("rps")
    full_ceiling = full["results"].get("ceiling", {}).get("rps")
    if not (small_ceiling and full_ceiling):
        return None
    rows = [
        "| page | 10,000: req/s (share) | 1,000,000: req/s (share) | difference of shares "
        "| within 20% |",
        "|---|---:|---:|---:|---|",
    ]
    for key, label, _budget in PAGES:
        a, b = small["results"].get(key, {}), full["results"].get(key, {})
        if key in REFERENCES or "rps" not in a or "rps" not in b:
            continue
        share_a, share_b = a["rps"] / small_ceiling, b["rps"] / full_ceiling
        difference = (share_b - share_a) / share_a
        ok = abs(difference) < SCALE_BUDGET
        rows.append(
            f"| {label} | {a['rps']:.0f} ({share_a:.0%}) | {b['rps']:.0f} ({share_b:.0%}) | "
            f"{difference:+.0%} | {'pass' if ok else 'FAIL'} |"
        )
    return "\n".join(rows)


def load_runs():
    runs = {}
    # This script's own files only (DB-ATTEMPTS.json): the other benchmarks write theirs here too.
    for path in sorted(RESULTS.glob("*.json")):
        if re.fullmatch(r"(sqlite|postgres)(\+redis)?-\d+\.json", path.name):
            run = json.loads(path.read_text())
            runs[(_label(run), run["attempts"])] = run
    return runs


def _label(run):
    """The run's database, "+redis" when sessions and the cache were in Redis."""
    return run["db"] + ("+redis" if run.get("redis") else "")


def import_table():
    """scripts/bench_import.py's figures, when it has run."""
    rows = []
    for path in sorted(RESULTS.glob("import-*.json")):
        run = json.loads(path.read_text())
        name = "SQLite" if run["db"] == "sqlite" else "PostgreSQL"
        verdict = "pass" if run["created_seconds"] < 30 else "FAIL"
        rows.append(
            f"| {name} | {run['questions']:,} ({run['megabytes']} MB) | "
            f"{run['created_seconds']} s | {run['unchanged_seconds']} s | {verdict} | "
            f"{run['finished']} |"
        )
    if not rows:
        return None
    return "\n".join(
        [
            "| database | questions (JSON) | first import | again, unchanged | under 30 s "
            "| measured |",
            "|---|---:|---:|---:|---|---|",
            *rows,
        ]
    )


def _capacity_notes(run):
    notes = ""
    if run.get("capacity_warm"):
        notes += ", each learner's progress page viewed twice first"
    if "capacity_measured" in run:
        notes += f", measured {run['capacity_measured']}"
    return notes


def render_results(runs):
    parts = [DOC_BEGIN, ""]
    order = sorted(runs, key=lambda key: (key[0] != "sqlite", key[0], -key[1]))
    for key in order:
        run = runs[key]
        m = run["machine"]
        parts += [
            f"### {m['database']}{' with Redis (sessions and cache)' if run.get('redis') else ''}"
            f", {run['attempts']:,} attempts",
            "",
            f"Measured {run['finished']} on {m['cpus']} × {m['cpu']}, {m['memory_gib']} GiB; "
            f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']} "
            f"({run['workers']} sync workers, gunicorn.conf.py), {m['wrk']} with "
            f"-t{run['threads']} -c{run['connections']}, {run['duration']} s per page on the "
            f"same machine. Data: {run['questions']:,} questions, {run['users']} users, "
            f"{run['attempts']:,} attempts ({run['logins']} users logged in). Load average "
            f"before/after: {run['load_before']:.2f} / {run['load_after']:.2f}.",
            "",
            table(run["results"]),
            "",
            "| budget | result |",
            "|---|---|",
            *(f"| {budget} | {verdict} |" for budget, verdict in budgets(run["results"])),
            "",
        ]
        capacity = run.get("capacity")
        if capacity and capacity["steps"]:
            parts += [
                f"Capacity (scripts/wrk/learners.lua, one connection per wrk thread, "
                f"{capacity['think_ms']} ms between a connection's requests, "
                f"{run['duration']} s a step{_capacity_notes(run)}): "
                f"**{capacity['learners']:,.0f} learners** "
                f"answering a question a minute with p95 under {CAPACITY_P95_MS} ms.",
                "",
                capacity_table(capacity),
                "",
            ]
    for db in ("sqlite", "postgres", "postgres+redis"):
        comparison = scale_comparison(runs, db)
        if comparison:
            name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}.get(db, "PostgreSQL with Redis")
            parts += [f"### {name}: 10,000 against 1,000,000 attempts", "", comparison, ""]
    imports = import_table()
    if imports:
        parts += ["### Importing questions (scripts/bench_import.py)", "", imports, ""]
    parts.append(DOC_END)
    return "\n".join(parts)


def write_doc():
    block = render_results(load_runs())
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n## Results\n\n"
    if DOC_BEGIN in text and DOC_END in text:
        before, rest = text.split(DOC_BEGIN, 1)
        _old, after = rest.split(DOC_END, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main():
    args = parse_args()
    selected = {key.strip() for key in args.pages.split(",") if key.strip()} or {
        key for key, _label, _budget in PAGES
    }
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (scripts/bench.sh installs it: apt-get install wrk)")
    VAR.mkdir(exist_ok=True)
    variables = server_env(args, free_port())
    os.environ.update({k: v for k, v in variables.items() if k.startswith(("DJANGO", "DATA"))})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")

    say(f"{args.db}: migrate, generate the data unless present, collect static files")
    manage(variables, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(
        variables,
        "generate_load_data",
        "--if-missing",
        f"--questions={args.questions}",
        f"--users={args.users}",
        f"--attempts={args.attempts}",
        f"--seed={args.seed}",
    )
    say(f"data ready in {time.monotonic() - started:.0f} s")
    manage(variables, "collectstatic", "--noinput", "-v0")

    import django

    django.setup()

    load_before = os.getloadavg()[0]
    with Server(variables, VAR / f"bench-gunicorn-{args.db}.log") as server:
        say(f"gunicorn on {server.url}; logging in {args.logins} users")
        users = [User(name, server.url) for name in choose_users(args.logins)]
        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            users = list(pool.map(User.log_in, users))
        results = run_pages(args, server, users, selected)
        capacity = None
        # The capacity run grades too: after the pages, and with --pages only when named.
        if args.capacity.strip() and (not args.pages or "capacity" in selected):
            most = max(int(c) for c in args.capacity.split(",") if c.strip())
            names = choose_users(max(most, args.logins))
            say(f"capacity: logging in {len(names)} users")
            with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
                learners = list(pool.map(User.log_in, [User(name, server.url) for name in names]))
                # A server that has run for a while: each learner's progress digest is in
                # each worker's cache (a first view after a restart builds it from the whole
                # history: docs/BENCHMARKS.md gives that cost). Twice each, for both workers.
                list(
                    pool.map(lambda user: [user.browser.get("/stats/") for _ in range(2)], learners)
                )
            capacity = run_capacity(args, server, learners)
    run = {
        "db": args.db,
        "redis": bool(variables["REDIS_URL"]),
        "capacity_warm": True,
        "attempts": args.attempts,
        "questions": args.questions,
        "users": args.users,
        "logins": args.logins,
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "duration": args.duration,
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "machine": machine(args, variables),
        "results": results,
        "capacity": capacity,
    }
    print()
    print(table(results))
    print()
    for budget, verdict in budgets(results):
        print(f"{verdict:<20} {budget}")
    if capacity:
        print()
        print(capacity_table(capacity))
        print(f"capacity: {capacity['learners']:,.0f} learners")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{_label(run)}-{args.attempts}" + (f"-{args.tag}" if args.tag else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(run, indent=2))
    if not args.no_doc:
        write_doc()
        say(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
