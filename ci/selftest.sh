#!/usr/bin/env bash
# The project's own tests: the reference backend's tests and the suite's tests
# (smoke layer, contract layer, post-deploy command, mutation catalogue).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
bash ci/setup-browser.sh  # the report's browser test; apt only when Chromium is missing
bash ci/setup-promtool.sh  # the Prometheus rules' unit tests; optional, from Debian's package
mkdir -p reports/junit
bash ci/pytest.sh -p no:cacheprovider -p mutations.summary -n "${QA_WORKERS:-2}" backend/tests tests \
  --junitxml reports/junit/selftest.xml "$@"
