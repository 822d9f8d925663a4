#!/usr/bin/env bash
# make bench: benchmark the main pages on SQLite and PostgreSQL (BENCH_DB=sqlite|postgres for
# one), with 1,000,000 generated attempts unless BENCH_ATTEMPTS says otherwise. Generated data
# is kept (var/bench*.sqlite3, the interview_prep_bench* databases) and reused by later runs.
# Then it times importing 10,000 questions (scripts/bench_import.py; BENCH_IMPORT=0 skips it)
# and fitting FSRS to each generated user on one core (scripts/bench_fit.py; BENCH_FIT=0 skips it).
# Then it times a cold progress page (scripts/bench_stats.py; BENCH_STATS=0 skips it), and
# compares each page at 10,000 and 1,000,000 attempts, run in turn (scripts/bench_scale.py;
# BENCH_SCALE=0 skips it).
# Last it times the key-point coverage estimate (scripts/bench_coverage.py; BENCH_COVERAGE=0
# skips it). The figures go to docs/BENCHMARKS.md; scripts/bench.py --help lists the other knobs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  REQUIRED=1 scripts/apt-install.sh "the benchmarks' load generator" wrk
fi

for db in ${BENCH_DB:-sqlite postgres}; do
  .venv/bin/python scripts/bench.py --db "$db"
  if [ "${BENCH_IMPORT:-1}" = 1 ]; then
    .venv/bin/python scripts/bench_import.py --db "$db"
  fi
  if [ "${BENCH_FIT:-1}" = 1 ]; then
    .venv/bin/python scripts/bench_fit.py --db "$db"
  fi
  # A cold progress page for users of about 5,000 attempts, in three zones (bench_fit's data).
  if [ "${BENCH_STATS:-1}" = 1 ]; then
    .venv/bin/python scripts/bench_stats.py --db "$db"
  fi
  if [ "${BENCH_SCALE:-1}" = 1 ]; then
    .venv/bin/python scripts/bench_scale.py --db "$db"
  fi
done
# The coverage estimate needs no database: once, after the pages.
if [ "${BENCH_COVERAGE:-1}" = 1 ]; then
  .venv/bin/python scripts/bench_coverage.py
fi
