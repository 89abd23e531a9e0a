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
name=$leg${QA_SHARDS:+-shard${QA_SHARD:?QA_SHARD is needed with QA_SHARDS}}
rm -rf "reports/allure-results/$name" && mkdir -p "reports/allure-results/$name" reports/junit reports/durations
# pytest-split reads the durations it splits by from --durations-path and, with
# --store-durations --clean-durations, writes there the durations of what this run ran
# (the report job merges them; reports/README.md, "The shards' split").
durations=reports/durations/$name.json
cp ci/durations.json "$durations"
selection=()
if [ -n "${QA_SHARDS:-}" ]; then
  selection=(--splits "$QA_SHARDS" --group "$((QA_SHARD + 1))" --splitting-algorithm least_duration)
fi
QA_REPORT_LEG=$leg bash ci/pytest.sh -n "${QA_WORKERS:-2}" \
  --alluredir "reports/allure-results/$name" --junitxml "reports/junit/$name.xml" \
  --store-durations --clean-durations --durations-path "$durations" "$@" "${selection[@]}"
