#!/usr/bin/env bash
# The mutation catalogue: each known break of the backend must be caught by the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
mkdir -p reports/junit
bash ci/pytest.sh -p no:cacheprovider -n "${QA_WORKERS:-2}" tests/mutation \
  --junitxml reports/junit/mutation.xml "$@"
