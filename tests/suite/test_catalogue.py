"""QA's workflow: read the catalogue, write a feature file, run it without touching Python."""

import subprocess
import sys

from suite.helpers import ROOT, run_suite

NEW_FEATURE = """\
@update @writes
Feature: Opening hours written by QA
  Scenario: Weekend hours persist
    Given I am logged in as the primary account
    When I save my settings with:
      | field          | value                          |
      | business_hours | Saturday-Sunday, 10 AM - 2 PM  |
    Then the request succeeds
    And my settings read back exactly as saved
"""


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "settings_qa.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_steps_prints_every_phrase_with_an_example():
    out = _cli("steps").stdout
    assert "When  I save my settings with:" in out
    assert "<who> is one of: the primary account" in out
    assert out.count("\n\n") >= 30  # one block per step definition


def test_a_new_feature_file_runs_without_python_changes(tmp_path):
    (tmp_path / "hours.feature").write_text(NEW_FEATURE)
    run = run_suite("features/test_scenarios.py", "-q", "-o", f"bdd_features_base_dir={tmp_path}")
    assert run.returncode == 0, run.stdout[-2000:]
    assert "1 passed" in run.stdout


def test_an_undefined_step_fails_clearly_in_check_and_in_the_run(tmp_path):
    (tmp_path / "typo.feature").write_text(NEW_FEATURE.replace("I save my settings with:", "I store my settings with:"))
    check = _cli("check", str(tmp_path))
    assert check.returncode == 1
    assert ("typo.feature:5:5: no step definition for 'When I store my settings with:'; "
            "did you mean 'When I save my settings with:'?") in check.stdout
    run = run_suite("features/test_scenarios.py", "-q", "-o", f"bdd_features_base_dir={tmp_path}")
    assert run.returncode == 1
    assert "When I store my settings with:   (" in run.stdout  # the failure names the step, then why
    assert "no step definition matches this step; did you mean 'When I save my settings with:'?" in run.stdout


def test_check_passes_on_the_shipped_features_and_rejects_bad_usage():
    assert _cli("check").returncode == 0
    assert _cli("check", "no/such/folder").returncode == 64
    assert _cli("frobnicate").returncode == 64


def test_check_reports_a_scenario_that_hides_another(tmp_path):
    (tmp_path / "twice.feature").write_text(NEW_FEATURE + NEW_FEATURE.split("\n", 2)[2])
    check = _cli("check", str(tmp_path))
    assert check.returncode == 1
    assert "scenario 'Weekend hours persist' is also at line 3" in check.stdout


def test_check_reports_malformed_gherkin_in_one_line(tmp_path):
    (tmp_path / "bad.feature").write_text("Feature: X\n  Scenario: y\n    Given I am logged in\n  Nonsense\n")
    check = _cli("check", str(tmp_path))
    assert check.returncode == 64
    assert check.stderr.startswith("settings-qa: not valid Gherkin:") and "Traceback" not in check.stderr
