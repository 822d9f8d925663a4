"""Time the key-point coverage estimate (questions/study/coverage).

    .venv/bin/python scripts/bench_coverage.py [--devset ../shared/data/coverage-devset.json]
                                               [--repeat 20]

Prints the start-up cost (importing the estimate and reading its word lists, in a fresh
interpreter), then the time to score one answer against its question's key points: median
and p99 over the labelled set's attempts (each question's points analysed once, as a running
server keeps them; the first answer to each question, which pays for that analysis, is shown
apart), and for answers of 20,000 characters, the longest an attempt may be. Without the
labelled set, the bank's reference answers stand in for the attempts. It asserts nothing.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BANK = ROOT / "questions" / "data" / "pretrained-models.md"
DEVSET = ROOT.parent / "shared" / "data" / "coverage-devset.json"
LONGEST = 20_000
STARTUP = (
    "import time; wall, cpu = time.perf_counter(), time.process_time(); "
    "from questions.study import coverage; coverage.load(); "
    "print(time.perf_counter() - wall, time.process_time() - cpu)"
)


def bank_points():
    """{question number: [(label, detail), …]} read as the importer reads the sample bank."""
    text = BANK.read_text(encoding="utf-8")
    blocks = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {
        number: re.findall(r"^\d+\.\s+\*\*(.+?)[：:]\*\*\s*(.+)$", block, flags=re.MULTILINE)
        for number, block in enumerate(blocks, start=1)
    }


def milliseconds(seconds):
    return f"{seconds * 1000:.2f} ms"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(function, *args):
    """(wall seconds, CPU seconds) of one call: on a busy machine the second is steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def summary(pairs, share=0.99):
    wall = [pair[0] for pair in pairs]
    cpu = [pair[1] for pair in pairs]
    return (
        f"median {milliseconds(statistics.median(wall))}, p{round(share * 100)} "
        f"{milliseconds(percentile(wall, share))} (CPU: median "
        f"{milliseconds(statistics.median(cpu))}, p{round(share * 100)} "
        f"{milliseconds(percentile(cpu, share))})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each answer.")
    options = parser.parse_args()
    load = ", ".join(f"{average:.1f}" for average in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores: other work slows the wall times")

    runs = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", STARTUP], cwd=ROOT, check=True, capture_output=True, text=True
        )
        runs.append(tuple(map(float, done.stdout.split())))
    print(f"start-up (import, word lists, segmenter), 5 fresh interpreters: {summary(runs, 1)}")

    from questions.study import coverage
    from questions.study.coverage import score_key_points
    from questions.study.coverage.points import point_models

    coverage.load()
    points = bank_points()
    if options.devset.exists():
        items = json.loads(options.devset.read_text(encoding="utf-8"))["items"]
        attempts = [(item["q"], item["attempt"]) for item in items]
        source = f"{len(attempts)} attempts of {options.devset.name}"
    else:
        attempts = [
            (number, "\n".join(f"{label}：{detail}" for label, detail in question))
            for number, question in points.items()
        ]
        source = f"{len(attempts)} reference answers (no labelled set at {options.devset})"

    first, seen = [], set()
    for number, attempt in attempts:
        if number not in seen:
            seen.add(number)
            point_models.cache_clear()
            first.append(timed(score_key_points, attempt, points[number]))

    for number in points:
        score_key_points("", points[number])  # the points of every question analysed
    times = [
        timed(score_key_points, attempt, points[number])
        for number, attempt in attempts
        for _ in range(options.repeat)
    ]
    lengths = sorted(len(attempt) for _, attempt in attempts)
    print(f"per answer, {source} (median {lengths[len(lengths) // 2]} characters):")
    print(f"  {summary(times)}")
    print(f"first answer to a question, its points analysed too: {summary(first, 0.9)}")

    # The longest attempts: the whole bank's text, and learners' answers run together.
    bank_text = (BANK.read_text(encoding="utf-8") * 3)[:LONGEST]
    joined = "\n".join(attempt for _, attempt in attempts)
    answers = (joined * (LONGEST // max(len(joined), 1) + 1))[:LONGEST]
    for name, attempt in (("the bank's text", bank_text), ("answers run together", answers)):
        long_times = [timed(score_key_points, attempt, points[number]) for number in points]
        print(f"a {LONGEST:,}-character answer ({name}), against each of the 30 questions:")
        print(f"  {summary(long_times, 0.9)}")


if __name__ == "__main__":
    main()
