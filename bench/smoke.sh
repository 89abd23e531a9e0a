#!/usr/bin/env bash
# Wall time of `pytest -m smoke` from the repository root, process start to exit: the median
# of several runs, once with PYTHONDONTWRITEBYTECODE=1 (how these machines run: no bytecode
# cache, pytest re-rewrites at each start) and once without it (a developer's machine: the
# warm-up runs write __pycache__ and pytest's rewrite cache, the measured runs read them);
# each cold (`-p no:cacheprovider`: no verdict kept, every module checked) and warm (the
# smoke's verdicts kept in a cache folder of its own, filled by the warm-up runs).
#
#   bench/smoke.sh [RUNS]        (default 15; hyperfine if installed, else a Python loop)
#
# Extra pytest arguments or a QA_SMOKE_* environment pass through, e.g.
#   QA_SMOKE_PATH=/tmp/copy/backend bench/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
python=${PYTHON:-.venv/bin/python}
pytest=$(dirname "$python")/pytest
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

echo "machine: $(nproc) cores, $(uname -sr), $($python -V), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commands: cold: $pytest -m smoke -p no:cacheprovider; warm: $pytest -m smoke -o cache_dir=<a folder of its own>"

measure() {  # $1: label; the environment is already set
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --warmup 2 --runs "$runs" --command-name "$1" "$command" \
            --export-json "/tmp/bench-smoke-$$.json" >/dev/null
        "$python" - "/tmp/bench-smoke-$$.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{r['command']}: median {r['median']:.3f} s, min {r['min']:.3f} s, max {r['max']:.3f} s "
      f"({len(r['times'])} runs, hyperfine); CPU per run {r['user'] + r['system']:.2f} s "
      f"(user {r['user']:.2f} + system {r['system']:.2f}, mean)")
PY
        rm -f "/tmp/bench-smoke-$$.json"
    else
        "$python" - "$1" "$runs" "$command" <<'PY'
import shlex, statistics, subprocess, sys, time
label, runs, command = sys.argv[1], int(sys.argv[2]), shlex.split(sys.argv[3])
for _ in range(2):
    subprocess.run(command, capture_output=True, check=True)
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    times.append(time.perf_counter() - start)
print(f"{label}: median {statistics.median(times):.3f} s, min {min(times):.3f} s, "
      f"max {max(times):.3f} s ({runs} runs, Python loop)")
PY
    fi
}

for temperature in cold warm; do
  command="$pytest -m smoke -p no:cacheprovider"
  [ "$temperature" = warm ] && command="$pytest -m smoke -o cache_dir=$cache"
  PYTHONDONTWRITEBYTECODE=1 measure "$temperature, PYTHONDONTWRITEBYTECODE=1 (no bytecode cache)"
  (unset PYTHONDONTWRITEBYTECODE; measure "$temperature, PYTHONDONTWRITEBYTECODE unset (bytecode cached)")
done
