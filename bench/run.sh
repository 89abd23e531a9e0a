#!/usr/bin/env bash
# The table of BENCHMARKS.md, in one command, before and after side by side: each measure
# runs on this checkout ("after") and on BENCH_BASELINE ("before", default: the last commit
# before the speed work of issue 13), checked out in a temporary git worktree and run with
# the same venv (bench/smoke_cache.py compares with its own before, the commit before issue
# 20's smoke work). Not part of CI; nothing asserts a time.
#   bash bench/run.sh                         # prints the figures, keeps them in reports/bench.txt
#   BENCH_BASELINE=<rev> bash bench/run.sh    # another "before"; BENCH_BASELINE=none: this checkout only
#   BENCH_RUNS=5 BENCH_SEED=2 bash bench/run.sh  # suite runs per mode (default 3), the seed (default 1)
# Run it on an idle machine: the suite and the fuzzing use both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh > /dev/null
mkdir -p reports
py=.venv/bin/python
here=$PWD
baseline=${BENCH_BASELINE:-1c23ebd}
seed=${BENCH_SEED:-1}
checkouts=("after:$here")
if [ "$baseline" != none ]; then
  before=$(mktemp -d)/before
  git worktree add --quiet --detach "$before" "$baseline"
  trap 'git worktree remove --force "$before"; rmdir "$(dirname "$before")"' EXIT
  checkouts=("before:$before" "after:$here")
fi
runs=${BENCH_RUNS:-3}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $($py -V)," \
       "PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-unset}, load $(cut -d' ' -f1-3 /proc/loadavg)," \
       "$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "after: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'); before: $baseline"
  echo
  echo "## full suite (embedded backend, SQLite), -n 0 vs -n 2, --qa-seed $seed, $runs runs each, alternating"
  # This machine's speed drifts by 10-20 % from run to run: several alternating runs, the median.
  # CPU: user + system of the run and its workers. "start-up": the same command selecting no test.
  for entry in "${checkouts[@]}"; do
    label=${entry%%:*} dir=${entry#*:}
    declare -A walls=() cpus=()
    for run in $(seq "$runs"); do
      for what in 0 2 start0 start2; do
        workers=${what#start} select=()
        [ "$what" = "$workers" ] || select=(-k bench_selects_no_test)
        log="$here/reports/bench-suite-$label-$what.log"
        read -r wall cpu code < <(cd "$dir" && "$here/$py" "$here/bench/timed.py" "$log" "$here/$py" -m pytest \
          -p no:cacheprovider -q -n "$workers" --qa-seed "$seed" "${select[@]}")
        # pytest's exit 5 (no test ran) is what the start-up runs expect, and only they.
        [ "$code" = "$([ "$what" = "$workers" ] && echo 0 || echo 5)" ] || echo "($label: pytest exited $code: $log)"
        walls[$what]+=" $wall" cpus[$what]+=" $cpu"
      done
    done
    for workers in 0 2; do
      echo "$label: pytest -n $workers: median $(median ${walls[$workers]}) s wall (runs:${walls[$workers]})," \
           "CPU $(median ${cpus[$workers]}) s; start-up alone $(median ${walls[start$workers]}) s wall," \
           "CPU $(median ${cpus[start$workers]}) s; $(tail -1 "reports/bench-suite-$label-$workers.log")"
    done
    echo "$label: -n 2 speed-up over -n 0: $(awk "BEGIN {printf \"%.2f\", $(median ${walls[0]}) / $(median ${walls[2]})}")x"
  done
  echo
  echo "## contract fuzzing rate, in-process vs schemathesis' CLI over HTTP"
  for entry in "${checkouts[@]}"; do
    label=${entry%%:*} dir=${entry#*:}
    echo "$label (its own bench/contract_rate.py):"
    (cd "$dir" && "$here/$py" -W ignore bench/contract_rate.py 50 2>/dev/null | sed 's/^/  /')
  done
  echo
  echo "## pytest -m smoke on generated service packages (bench/smoke_scale.py)"
  for entry in "${checkouts[@]}"; do
    label=${entry%%:*} dir=${entry#*:}
    sizes="100 1000 5000"
    [ "$label" = before ] && sizes="100 1000"  # the old server needs minutes for 5000
    echo "$label:"
    $py bench/smoke_scale.py --repo "$dir" --shape layered $sizes | sed 's/^/  /'
    $py bench/smoke_scale.py --repo "$dir" --shape tangled 1000 | sed 's/^/  /'
  done
  echo
  echo "## pytest -m smoke on 1,000 generated modules: cold, warm, one leaf and one hub changed"
  echo "## (bench/smoke_cache.py; its own before: the commit before the cache and shared isolation, issue 20)"
  $py bench/smoke_cache.py --runs "$runs" | sed 's/^/  /'
  echo
  echo "## pytest -m smoke on the reference backend (bench/smoke.sh, 5 runs each)"
  for entry in "${checkouts[@]}"; do
    label=${entry%%:*} dir=${entry#*:}
    echo "$label:"
    (cd "$dir" && PYTHON="$here/$py" bash "$here/bench/smoke.sh" 5 | sed 's/^/  /')
  done
  echo
  echo "## one Gherkin persistence scenario vs bare httpx (bench/scenario_cost.py 30)"
  for entry in "${checkouts[@]}"; do
    label=${entry%%:*} dir=${entry#*:}
    echo "$label:"
    (cd "$dir" && "$here/$py" bench/scenario_cost.py 30 | sed 's/^/  /')
  done
} 2>&1 | tee reports/bench.txt
