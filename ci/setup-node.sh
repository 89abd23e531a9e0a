#!/usr/bin/env bash
# Install the pinned npm tools (allure 3, playwright-core) with `npm ci`. Idempotent: skipped
# while node_modules matches package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm > /dev/null || { echo "setup-node: npm is not installed (Node 20 is needed)" >&2; exit 1; }
stamp=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.settings-qa-stamp 2>/dev/null)" != "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$stamp" > node_modules/.settings-qa-stamp
fi
