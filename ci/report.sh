#!/usr/bin/env bash
# One HTML report from every results folder under reports/allure-results/ (one per CI leg
# or shard), with the npm `allure` CLI (Allure 3, pinned in package.json): no Java.
#   bash ci/report.sh          # -> reports/allure-report/index.html (a single file)
#   QA_ALLURE_HISTORY=DIR bash ci/report.sh   # the same, with the history of earlier runs
# Categories, environments (one per leg) and the layout are in allurerc.mjs.
#
# History (reports/README.md): QA_ALLURE_HISTORY names the earlier runs' history, a
# history.jsonl file or a folder holding one (a previous report folder, a CI cache). Allure
# reads it for trends, flaky marks and new/fixed/regressed tests, and the updated history
# (this run appended) is written beside the new report, as $output/history.jsonl, for the
# next run. A named history that does not exist yet starts one. Unset: no history, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup-node.sh
results=${QA_ALLURE_RESULTS:-reports/allure-results}
output=${QA_ALLURE_REPORT:-reports/allure-report}
log=$(dirname "$output")/allure-generate.log
mapfile -t folders < <(find "$results" -name '*-result.json' -printf '%h\n' 2>/dev/null | sort -u)
if [ "${#folders[@]}" -eq 0 ]; then
  echo "report: no Allure results under $results (run bash ci/suite.sh first)" >&2
  exit 1
fi

history_note=""
kept=""
if [[ ! "${QA_ALLURE_HISTORY_LIMIT:-20}" =~ ^[1-9][0-9]*$ ]]; then
  echo "report: QA_ALLURE_HISTORY_LIMIT=$QA_ALLURE_HISTORY_LIMIT is not a number of runs (default 20)" >&2
  exit 1
fi
if [ -n "${QA_ALLURE_HISTORY:-}" ]; then
  previous=$QA_ALLURE_HISTORY
  [ -d "$previous" ] && previous=$previous/history.jsonl
  if [ -e "$previous" ]; then
    # One JSON object per line, as Allure writes it: a broken file is one line here, not a stack.
    runs=$(node -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf-8").split("\n").filter((l) => l.trim());
      lines.forEach((line, i) => {
        let point;
        try { point = JSON.parse(line); } catch { point = null; }
        if (!point || typeof point !== "object" || typeof point.testResults !== "object") {
          console.error(`line ${i + 1} is not an Allure history entry`); process.exit(1);
        }
      });
      console.log(lines.length);' "$previous" 2>&1) \
      || { echo "report: QA_ALLURE_HISTORY=$QA_ALLURE_HISTORY is not an Allure history file: $runs" >&2; exit 1; }
    history_note="history: $runs earlier run(s) from $previous"
    kept=$(mktemp)  # a copy: the previous history may live in the report folder replaced below
    cp "$previous" "$kept"
  else
    history_note="history: none at $previous yet, starting one"
  fi
fi

rm -rf "$output"
mkdir -p "$output"
history_env=()
if [ -n "${QA_ALLURE_HISTORY:-}" ]; then
  [ -n "$kept" ] && mv "$kept" "$output/history.jsonl"
  history_env=(QA_ALLURE_HISTORY_FILE="$(realpath "$output")/history.jsonl")
fi
env QA_ALLURE_RESULTS="$results" "${history_env[@]}" node_modules/.bin/allure generate \
  --config allurerc.mjs --output "$output" "${folders[@]}" > "$log" 2>&1 \
  || { cat "$log" >&2; exit 1; }
test -s "$output/index.html" || { echo "report: $output/index.html was not written" >&2; exit 1; }
echo "report: $output/index.html from ${#folders[@]} result folder(s): ${folders[*]}"
if [ -n "$history_note" ]; then
  test -s "$output/history.jsonl" || { echo "report: $output/history.jsonl was not written" >&2; exit 1; }
  echo "report: $history_note; updated history ($(grep -c . "$output/history.jsonl") run(s)): $output/history.jsonl"
fi
