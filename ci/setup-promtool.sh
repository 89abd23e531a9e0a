#!/usr/bin/env bash
# promtool, Prometheus' rule checker, for the tests of monitoring/prometheus/: taken out of
# Debian's (or Ubuntu's) prometheus package into .venv/bin, not installed (no Prometheus service is
# set up or started). `apt-get download` needs no root; refreshing the package lists does (root, or
# sudo without a password, as on GitHub's runners). Optional: without it the tests check the
# rules by parsing them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/promtool ] || command -v promtool > /dev/null; then
  exit 0
fi
skip() { echo "setup-promtool: $*; the rules are checked by parsing them instead" >&2; exit 0; }
if ! command -v apt-get > /dev/null || ! command -v dpkg-deb > /dev/null; then
  skip "no apt-get"
fi
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then sudo "$@"
  else return 1; fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get download -qq prometheus > /dev/null 2>&1); }
download || { as_root apt-get update -qq > /dev/null 2>&1 && download; } || skip "the prometheus package did not download"
dpkg-deb --fsys-tarfile "$work"/prometheus_*.deb | tar -x -C "$work" ./usr/bin/promtool
install -m 0755 "$work/usr/bin/promtool" .venv/bin/promtool
.venv/bin/promtool --version | head -1
