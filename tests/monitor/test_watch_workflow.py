"""The ways to run the watch on a schedule: the GitHub Actions workflow (schedule, credentials
from secrets, the history kept in the cache, the pass rate in the job summary) and the cron line
for a host. Structure only: ci/lint.sh validates the workflow against GitHub's schema, and the
other tests of this folder prove what the commands in them do."""

from __future__ import annotations

import re
import shlex

import yaml

from conftest import REPO
from settings_qa.e2e.cli import build_parser

WATCH = REPO / ".github" / "workflows" / "watch.yml"
CRON = REPO / "monitoring" / "cron" / "settings-e2e"


def _workflow() -> dict:
    return yaml.safe_load(WATCH.read_text())


def _index(steps: list[dict], predicate) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert len(found) == 1, found
    return found[0]


def test_it_runs_on_a_schedule_one_at_a_time_with_read_only_permissions():
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert len(triggers["schedule"]) == 1 and len(triggers["schedule"][0]["cron"].split()) == 5
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_the_check_reads_url_credentials_and_webhooks_from_secrets_only():
    job = _workflow()["jobs"]["settings-e2e"]
    step = job["steps"][_index(job["steps"], lambda s: "settings-e2e --url" in s.get("run", ""))]
    assert step["run"] == '.venv/bin/settings-e2e --url "$API_URL"'
    assert step["env"] == {name: "${{ secrets.%s }}" % name for name in
                           ("API_URL", "QA_EMAIL", "QA_PASSWORD", "QA_ALERT_WEBHOOK", "QA_ESCALATION_WEBHOOK")}
    for name, value in job["env"].items():
        assert "secrets." not in value, name  # job-wide values are not secret; secrets stay in the step


def test_the_history_is_restored_before_the_check_and_saved_after_it_whatever_happened():
    job = _workflow()["jobs"]["settings-e2e"]
    steps, history = job["steps"], job["env"]["QA_HISTORY"]
    restore = _index(steps, lambda s: s.get("uses", "").startswith("actions/cache/restore@"))
    check = _index(steps, lambda s: "settings-e2e --url" in s.get("run", ""))
    summary = _index(steps, lambda s: "settings-e2e history" in s.get("run", ""))
    save = _index(steps, lambda s: s.get("uses", "").startswith("actions/cache/save@"))
    assert restore < check < summary < save
    restored, saved = steps[restore]["with"], steps[save]["with"]
    assert restored["path"] == saved["path"] and history.startswith(saved["path"] + "/")
    assert job["env"]["QA_RESTORE_JOURNAL"].startswith(saved["path"] + "/")  # a killed run's journal is kept too
    assert restored["key"] == saved["key"] and "github.run_id" in saved["key"]
    assert saved["key"].startswith(restored["restore-keys"])
    assert steps[summary]["if"] == steps[save]["if"] == "always()"
    assert '>> "$GITHUB_STEP_SUMMARY"' in steps[summary]["run"]


def test_the_cron_line_runs_the_check_with_options_settings_e2e_accepts():
    lines = [line for line in CRON.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "SHELL=/bin/bash"
    minute, hour, day, month, weekday, user, command = lines[1].split(maxsplit=6)
    assert (minute, hour, day, month, weekday) == ("*/15", "*", "*", "*", "*") and user == "settings-qa"
    assert "%" not in command  # cron would cut the line there
    words = shlex.split(command)
    binary = next(i for i, word in enumerate(words) if word.endswith("/settings-e2e"))
    args = words[binary + 1: words.index(">")]
    parsed = build_parser().parse_args(args)
    assert parsed.history and parsed.metrics_file.endswith(".prom") and parsed.url.startswith("https://")
    assert not re.search(r"PASSWORD|webhook", " ".join(args), re.IGNORECASE)  # from the env file, never argv
    assert words[binary - 3: binary] == ["flock", "-n", "/var/lib/settings-qa/e2e.lock"]
