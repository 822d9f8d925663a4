"""Each page's share of the ceiling at 10,000 and at 1,000,000 attempts, measured interleaved.

Usage: bench_scale.py [--db sqlite|postgres] [--small N] [--rounds N] [--duration S] [--no-doc]

Two separate `make bench` runs, made at different times, differ by more than the 20% bound on
pages whose work does not depend on the data at all (/healthz moved 38% between two such runs:
docs/BENCHMARKS.md, round five). So this runs scripts/bench.py on the two data sets in turn,
A B B A (and on for more rounds), a few minutes apart: whatever the machine does meanwhile
falls on both sizes alike. Each page counts as its share of the ceiling measured in the same
bench.py run; the difference of a page's mean shares over the rounds is checked against the
bound. /healthz, which does the same work at any size, shows what is left of the noise.
Runs are kept as var/bench-results/DB-ATTEMPTS-scale-K.json (out of bench.py's Results
tables); the table goes to docs/BENCHMARKS.md between its own markers.
"""

import argparse
import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402

BEGIN = "<!-- bench:scale:begin (written by scripts/bench_scale.py; edit outside) -->"
END = "<!-- bench:scale:end -->"
PAGES = "ceiling,healthz,search,history,stats,practice,reveal,grade"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", type=int, default=10_000, help="Attempts of the small data.")
    parser.add_argument("--rounds", type=int, default=2, help="Each round runs both sizes.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
    parser.add_argument("--no-doc", action="store_true", help="Do not rewrite the doc's table.")
    return parser.parse_args()


def run(args, attempts, tag):
    command = [
        sys.executable,
        str(ROOT / "scripts" / "bench.py"),
        f"--db={args.db}",
        f"--attempts={attempts}",
        f"--pages={PAGES}",
        "--capacity=",
        f"--duration={args.duration}",
        f"--tag={tag}",
        "--no-doc",
    ]
    subprocess.run(command, check=True)
    label = args.db + ("+redis" if bench.env("BENCH_REDIS_URL", "") else "")
    return json.loads((bench.RESULTS / f"{label}-{attempts}-{tag}.json").read_text())


def shares(result):
    """Each page's throughput as a share of the same run's ceiling."""
    ceiling = result["results"]["ceiling"]["rps"]
    return {
        key: page["rps"] / ceiling
        for key, page in result["results"].items()
        if key not in bench.REFERENCES and "rps" in page
    }


def comparison(args, small_runs, full_runs):
    small = [shares(r) for r in small_runs]
    full = [shares(r) for r in full_runs]
    rows = [
        f"| page | {args.small:,}: share of ceiling, each round | "
        f"{bench.FULL_SIZE:,}: each round | difference of the means | within 20% |",
        "|---|---:|---:|---:|---|",
    ]
    verdicts = {}
    for key, label, _budget in bench.PAGES:
        if key in bench.REFERENCES or not all(key in s for s in small + full):
            continue
        a = [s[key] for s in small]
        b = [s[key] for s in full]
        difference = (statistics.mean(b) - statistics.mean(a)) / statistics.mean(a)
        ok = abs(difference) < bench.SCALE_BUDGET
        verdicts[key] = ok
        rows.append(
            f"| {label} | {' / '.join(f'{x:.0%}' for x in a)} | "
            f"{' / '.join(f'{x:.0%}' for x in b)} | {difference:+.0%} | "
            f"{'pass' if ok else 'FAIL'} |"
        )
    return "\n".join(rows), verdicts


def write_doc(heading, text):
    """Replace this database's section between the markers, keeping the other's."""
    doc = bench.DOC.read_text()
    if BEGIN not in doc:
        doc = doc.replace(bench.DOC_END, f"{bench.DOC_END}\n\n{BEGIN}\n{END}", 1)
    before, rest = doc.split(BEGIN, 1)
    block, after = rest.split(END, 1)
    sections = [s for s in block.split("\n### ") if s.strip()]
    kept = [s for s in sections if not s.startswith(heading.removeprefix("### "))]
    block = "\n".join(["", *(f"### {s.strip()}\n" for s in kept), text, ""])
    bench.DOC.write_text(before + BEGIN + block + END + after)


def main():
    args = parse_args()
    small_runs, full_runs = [], []
    for number in range(args.rounds):
        # A B B A: the order turns each round, so a drift of the machine cancels out.
        sizes = [args.small, bench.FULL_SIZE] if number % 2 == 0 else [bench.FULL_SIZE, args.small]
        for attempts in sizes:
            result = run(args, attempts, f"scale-{number + 1}")
            (small_runs if attempts == args.small else full_runs).append(result)
    table, verdicts = comparison(args, small_runs, full_runs)
    database = full_runs[0]["machine"]["database"]
    redis = " with Redis" if full_runs[0].get("redis") else ""
    heading = f"### {database}{redis}: {args.small:,} against {bench.FULL_SIZE:,} attempts"
    finished = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            f"{heading}, interleaved",
            "",
            f"scripts/bench_scale.py, {args.rounds} rounds of both sizes (A B B A), "
            f"{args.duration} s per page, finished {finished}.",
            "",
            table,
            "",
        ]
    )
    print(text)
    failed = [key for key, ok in verdicts.items() if not ok]
    print(f"{len(verdicts) - len(failed)} of {len(verdicts)} pages within 20%")
    if not args.no_doc:
        write_doc(heading, text)


if __name__ == "__main__":
    main()
