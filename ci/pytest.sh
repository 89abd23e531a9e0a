#!/usr/bin/env bash
# Run pytest from the project's venv and make "no tests ran" (exit 5) a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "ci: pytest collected no tests for: $*" >&2
  exit 1
fi
exit "$status"
