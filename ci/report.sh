#!/usr/bin/env bash
# One HTML report from every results folder under reports/allure-results/ (one per CI leg
# or shard), with the npm `allure` CLI (Allure 3, pinned in package.json): no Java.
#   bash ci/report.sh          # -> reports/allure-report/index.html (a single file)
# Categories, environments (one per leg) and the layout are in allurerc.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup-node.sh
results=${QA_ALLURE_RESULTS:-reports/allure-results}
output=${QA_ALLURE_REPORT:-reports/allure-report}
mapfile -t folders < <(find "$results" -name '*-result.json' -printf '%h\n' 2>/dev/null | sort -u)
if [ "${#folders[@]}" -eq 0 ]; then
  echo "report: no Allure results under $results (run bash ci/suite.sh first)" >&2
  exit 1
fi
rm -rf "$output"
QA_ALLURE_RESULTS=$results node_modules/.bin/allure generate --config allurerc.mjs \
  --output "$output" "${folders[@]}" > reports/allure-generate.log 2>&1 \
  || { cat reports/allure-generate.log >&2; exit 1; }
test -s "$output/index.html" || { echo "report: $output/index.html was not written" >&2; exit 1; }
echo "report: $output/index.html from ${#folders[@]} result folder(s): ${folders[*]}"
