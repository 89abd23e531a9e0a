#!/usr/bin/env bash
# The incident report's post-deploy step: the four-phase check of the deployment just made, and
# what to do about it, by exit code (settings_qa/e2e/README.md, "Exit codes"):
#   0     the settings work: keep the deployment
#   1-5   a layer is broken: "Settings test failed - rollback recommended"
#   69    the deployment could not be reached: nothing was judged; look at the deployment and its gateway
#   75    a restore journal of an unfinished run waits: `settings-qa restore` first, then check again
#   other the check itself did not run through (64 usage, 70 internal error, 130 interrupted): no verdict
# Usage: API_URL=https://... QA_EMAIL=... QA_PASSWORD=... bash ci/post-deploy.sh [settings-e2e options]
# Exits with settings-e2e's code. The verdict is the last line on stdout, an annotation on GitHub
# Actions (::error:: for a rollback), and a line of the job summary when GITHUB_STEP_SUMMARY is set.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${API_URL:-}" ]; then
  echo "post-deploy: set API_URL to the deployment's base URL" >&2
  exit 64
fi
read -r -a e2e <<< "${SETTINGS_E2E:-.venv/bin/settings-e2e}"
"${e2e[@]}" --url "$API_URL" "$@"
code=$?
layers=(success authentication fetch save persistence "invalid data")
case $code in
  0) level=notice verdict="Settings check passed (exit 0): keep the deployment" ;;
  [1-5]) level=error verdict="Settings test failed (exit $code: the ${layers[$code]} layer is broken) - rollback recommended" ;;
  69) level=warning verdict="Settings check could not reach the deployment (exit 69): nothing was judged; check the deployment and its gateway, then run the check again" ;;
  75) level=warning verdict="Settings check did not run (exit 75): a restore journal waits; run settings-qa restore, then the check again" ;;
  *) level=warning verdict="Settings check did not run through (exit $code): no verdict on the deployment" ;;
esac
echo "$verdict"
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
  echo "::$level title=post-deploy settings check::$verdict"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '### Post-deploy settings check\n\n%s\n' "$verdict" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$code"
