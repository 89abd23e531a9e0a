#!/usr/bin/env bash
# Every figure in BENCHMARKS.md, in one command (not part of CI; nothing asserts a time).
#   bash bench/run.sh            # prints the figures and keeps them in reports/bench.txt
# Run it on an idle machine: the suite and the fuzzing use both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
mkdir -p reports
py=.venv/bin/python
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $($py -V)," \
       "PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-unset}, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD)"
  echo
  echo "## pytest -m smoke (bench/smoke.sh, 5 runs each)"
  bash bench/smoke.sh 5
  echo
  echo "## full suite (pytest, embedded backend on SQLite), serial vs -n 2"
  for workers in 0 2; do
    start=$EPOCHREALTIME
    $py -m pytest -p no:cacheprovider -q -n "$workers" --qa-seed 1 > "reports/bench-suite-n$workers.log" 2>&1 \
      || echo "(the suite failed: reports/bench-suite-n$workers.log)"
    end=$EPOCHREALTIME
    echo "pytest -n $workers: $(awk "BEGIN {printf \"%.1f\", $end - $start}") s wall; $(tail -1 "reports/bench-suite-n$workers.log")"
  done
  echo
  echo "## contract fuzzing rate (bench/contract_rate.py 50)"
  $py -W ignore bench/contract_rate.py 50
  echo
  echo "## one Gherkin persistence scenario vs bare httpx (bench/scenario_cost.py 30)"
  $py bench/scenario_cost.py 30
} 2>&1 | tee reports/bench.txt
