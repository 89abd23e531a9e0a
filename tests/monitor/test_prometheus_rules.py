"""The shipped Prometheus alerting rules: they parse, name only metrics settings-e2e writes, cover
what the issue asks (failing two runs, escalation after a longer window, the check stopped
reporting), and pass promtool's own check and their unit tests where promtool is installed
(ci/setup-promtool.sh puts it in .venv/bin)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO
from settings_qa.monitor import metrics
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.state import State

RULES = REPO / "monitoring" / "prometheus" / "settings-e2e.rules.yml"
RULE_TESTS = RULES.with_name("settings-e2e.rules.test.yml")
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def metric_names(expr: str) -> set[str]:
    """The series an expression selects: identifiers that are not functions, keywords, label
    matchers, durations or numbers."""
    bare = re.sub(r'"[^"]*"|\{[^}]*\}|\[[^\]]*\]|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)',
                  " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.])[a-zA-Z_:][\w:]*", bare):
        is_function = bare[match.end():].lstrip().startswith("(")
        if not is_function and match.group() not in KEYWORDS:
            names.add(match.group())
    return names


def written_names(tmp_path) -> set[str]:
    """The names in a metrics file settings-e2e really writes (a run with every phase)."""
    record = RunRecord(target="https://api.example.test", started_at=1.0, finished_at=2.0, exit_code=3,
                       phases={"authentication": 1.0, "update": 2.0})
    path = tmp_path / "m.prom"
    assert metrics.write_file(path, metrics.registry(record, State(consecutive_failures=1))) is None
    return set(re.findall(r"^(settings_e2e_\w+)(?:\{| )", path.read_text(), re.MULTILINE))


def test_every_rule_is_an_alert_with_a_severity_and_a_summary():
    found = rules()
    assert [rule["alert"] for rule in found] == ["SettingsE2EFailing", "SettingsE2EEscalation",
                                                 "SettingsE2EStoppedReporting", "SettingsE2EAbsent"]
    for rule in found:
        assert rule["labels"]["severity"] in ("warning", "critical") and rule["annotations"]["summary"], rule


def test_every_expression_names_only_metrics_that_settings_e2e_writes(tmp_path):
    written = written_names(tmp_path)
    assert written == set(metrics.names())
    for rule in rules():
        names = metric_names(rule["expr"])
        assert names and names <= written, (rule["alert"], names - written)


def test_the_rules_cover_two_failed_runs_an_escalation_window_and_a_silent_check():
    by_name = {rule["alert"]: rule["expr"] for rule in rules()}
    assert "settings_e2e_consecutive_failures >= 2" in by_name["SettingsE2EFailing"]
    assert "settings_e2e_last_success_timestamp_seconds) > 3600" in by_name["SettingsE2EEscalation"]
    assert "time() - settings_e2e_last_run_timestamp_seconds > 7200" in by_name["SettingsE2EStoppedReporting"]
    assert by_name["SettingsE2EAbsent"] == "absent(settings_e2e_last_run_timestamp_seconds)"


def test_the_name_finder_finds_names_and_only_names():
    assert metric_names('(time() - a_b{x="y z"}[5m] offset 1h) > 3600 and on(target) c:d >= 2') == {"a_b", "c:d"}


def _promtool() -> str:
    found = REPO / ".venv" / "bin" / "promtool"
    path = str(found) if found.exists() else shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not installed (bash ci/setup-promtool.sh); the rules were checked by parsing")
    return path


def test_promtool_checks_the_rules():
    done = subprocess.run([_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "SUCCESS: 4 rules found" in done.stdout, done.stdout + done.stderr


def test_promtool_runs_the_rules_unit_tests():
    done = subprocess.run([_promtool(), "test", "rules", RULE_TESTS.name], cwd=RULE_TESTS.parent,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr
