#!/usr/bin/env bash
# Create .venv and install the pinned toolchain and the suite's package. Idempotent:
# a second run with unchanged requirements returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
stamp_of() { cat requirements.txt ci/requirements-ci.txt pyproject.toml | sha256sum | cut -c1-16; }
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ "$(cat .venv/.settings-qa-stamp 2>/dev/null)" != "$(stamp_of)" ]; then
  # pip's own status decides (pipefail); grep only hides the extra-index warnings of this machine.
  pip_install() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
      | { grep -v -E "^WARNING: Location .* is ignored" || true; }
  }
  pip_install -r requirements.txt
  pip_install -r ci/requirements-ci.txt
  pip_install --no-deps -e .
  .venv/bin/python -c "import pytest_bdd, pytest_split, schemathesis, allure, xdist, httpx, fastapi, sqlalchemy, faker, jwt, \
psycopg, bcrypt, uvicorn, check_jsonschema, tenacity, trustme, prometheus_client, settings_qa, contracts" \
    || { echo "setup: the toolchain did not install" >&2; exit 1; }
  stamp_of > .venv/.settings-qa-stamp
fi
# The report's npm tools (allure 3, playwright-core), when Node is there.
if command -v npm > /dev/null; then
  bash ci/setup-node.sh
fi
