#!/usr/bin/env bash
# Debian's Chromium for the report's browser test (no browser download: playwright-core
# drives /usr/bin/chromium). Installs with apt only when it is missing and we are root.
set -euo pipefail
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
  echo "setup-browser: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; install it (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium > /dev/null
