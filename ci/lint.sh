#!/usr/bin/env bash
# Lint at pyflakes level (undefined names, unused imports, syntax) with ruff, pinned in
# ci/requirements-ci.txt; every module compiles; the workflow matches GitHub's schema; the
# feature files pass `settings-qa check` (steps, tables, cells, Examples, tags).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
.venv/bin/python -m compileall -q settings_qa contracts steps features smoke tests backend ci bench > /dev/null
.venv/bin/ruff check --select F,E9 .
.venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
.venv/bin/settings-qa check
