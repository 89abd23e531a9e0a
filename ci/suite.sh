#!/usr/bin/env bash
# The suite against the embedded reference backend (or whatever the arguments choose),
# in parallel, writing Allure results and JUnit XML under reports/.
#   ci/suite.sh                         # embedded backend, SQLite
#   QA_BACKEND_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test ci/suite.sh
#   ci/suite.sh --target served         # same scenarios over a real HTTP stack
#   QA_EMAIL=... QA_PASSWORD=... ci/suite.sh --base-url https://staging.example.com
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
leg=${QA_REPORT_LEG:-suite}
rm -rf "reports/allure-results/$leg" && mkdir -p "reports/allure-results/$leg" reports/junit
bash ci/pytest.sh -n "${QA_WORKERS:-2}" \
  --alluredir "reports/allure-results/$leg" --junitxml "reports/junit/$leg.xml" "$@"
