#!/usr/bin/env bash
# The suite against the embedded reference backend (or whatever the arguments choose),
# in parallel, writing Allure results and JUnit XML under reports/.
#   ci/suite.sh                         # embedded backend, SQLite
#   QA_BACKEND_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test ci/suite.sh
#   ci/suite.sh --target served         # same scenarios over a real HTTP stack
#   QA_EMAIL=... QA_PASSWORD=... ci/suite.sh --base-url https://staging.example.com
#   QA_SHARDS=3 QA_SHARD=0 ci/suite.sh  # one third of the tests (pytest-split, by ci/durations.json)
# QA_REPORT_LEG names the run in the report (an environment); QA_WORKERS is -n (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
leg=${QA_REPORT_LEG:-suite}
name=$leg
selection=()
if [ -n "${QA_SHARDS:-}" ]; then
  # pytest-split: every item in exactly one shard, greedily by the durations recorded in
  # ci/durations.json (refresh it from a run with --store-durations; see reports/README.md).
  name="$leg-shard${QA_SHARD:?QA_SHARD is needed with QA_SHARDS}"
  selection=(--splits "$QA_SHARDS" --group "$((QA_SHARD + 1))" --splitting-algorithm least_duration
             --durations-path ci/durations.json)
fi
rm -rf "reports/allure-results/$name" && mkdir -p "reports/allure-results/$name" reports/junit
QA_REPORT_LEG=$leg bash ci/pytest.sh -n "${QA_WORKERS:-2}" \
  --alluredir "reports/allure-results/$name" --junitxml "reports/junit/$name.xml" "$@" "${selection[@]}"
