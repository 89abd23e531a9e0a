"""QA runs a feature file, one scenario or one example by its path and line, and a failure
leads with that path and line, the scenario, the step and one line of reason (no traceback
unless asked for), in the terminal, in JUnit and in Allure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suite.helpers import ROOT, run_suite

SCRATCH = """\
@update @writes
Feature: Written by QA

  Background:
    Given I am logged in as the primary account

  Scenario: Opening hours read back
    When I save my settings with:
      | field          | value   |
      | business_hours | Mon-Fri |
    Then my settings include:
      | field          | value   |
      | business_hours | Sat-Sun |

  Scenario Outline: The save answers <status>
    When I save my settings with:
      | field | value      |
      | faqs  | {{faqs:2}} |
    Then the response status is <status>

    Examples:
      | status |
      | 200    |
      | 201    |
"""


def _collected(run) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("features/test_scenarios.py::")]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_feature_file_a_scenario_and_an_example_run_by_their_path():
    persistence = ROOT / "features" / "persistence.feature"
    whole = _collected(run_suite("--collect-only", "-q", "features/persistence.feature"))
    outline = _line_of(persistence, "Scenario Outline: Text is stored verbatim")
    scenario = _collected(run_suite("--collect-only", "-q", f"features/persistence.feature:{outline}"))
    emoji = _line_of(persistence, "| emoji ")
    example = _collected(run_suite("--collect-only", "-q", f"features/persistence.feature:{emoji}"))
    assert len(whole) > len(scenario) > 1 and all("test_text_is_stored_verbatim" in item for item in scenario)
    assert len(example) == 1 and "[emoji-description-" in example[0]
    assert not any("test_step_coverage" in item for item in whole)


@pytest.mark.parametrize(("argument", "error"), [
    ("features/no_such.feature", "ERROR: features/no_such.feature: no such feature file"),
    ("features/persistence.feature:2", "ERROR: line 2 of features/persistence.feature is in no scenario "
                                       "(it is the feature's header or Background)"),
    ("features/persistence.feature:9999", "ERROR: line 9999 of features/persistence.feature is in no scenario "
                                          "(the file has "),
])
def test_a_wrong_path_or_line_is_one_usage_error(argument, error):
    run = run_suite(argument)
    assert run.returncode == 4 and run.stderr.startswith(error), run.stderr
    assert "Traceback" not in run.stderr


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "written_by_qa.feature").write_text(SCRATCH)
    return tmp_path / "written_by_qa.feature"


def _run(scratch: Path, *args: str):
    # features/test_scenarios.py anchors the run in the repository (a path outside it would give
    # pytest another rootdir); the base dir makes it bind the scratch folder's feature files.
    return run_suite("features/test_scenarios.py", *args, "-o", f"bdd_features_base_dir={scratch.parent}")


def test_a_failure_leads_with_the_feature_line_the_step_and_the_reason(scratch: Path, tmp_path: Path):
    run = _run(scratch, f"{scratch}:7", "--junitxml", str(tmp_path / "junit.xml"), "--alluredir",
               str(tmp_path / "allure"))
    assert run.returncode == 1, run.stdout[-3000:]
    failure = run.stdout.split("= FAILURES =", 1)[1]
    title, step, reason, hint = [line.strip() for line in failure.splitlines()[1:5]]
    assert title.strip("_ ") == f"{scratch}:7: Scenario: Opening hours read back"
    assert step == f"Then my settings include:   ({scratch}:11)"
    assert reason == "the settings differ: field 'business_hours': expected \"Sat-Sun\", read back \"Mon-Fri\""
    assert hint == f"(the Python traceback: -v or --tb=long; this scenario alone: pytest {scratch}:7)"
    assert "Traceback" not in failure and "def settings_include" not in failure and "1 failed" in run.stdout
    junit = (tmp_path / "junit.xml").read_text()
    assert 'message="the settings differ: field \'business_hours\': expected' in junit
    [result] = [json.loads(p.read_text()) for p in (tmp_path / "allure").glob("*-result.json")]
    assert result["statusDetails"]["message"].splitlines() == [reason, step, title.strip("_ ")]
    assert "def settings_include" in result["statusDetails"]["trace"]  # one click away in Allure


def test_the_traceback_comes_with_v_and_an_example_fails_under_its_own_row(scratch: Path):
    row = _line_of(scratch, "| 201 ")
    run = _run(scratch, f"{scratch}:{row}", "-v")
    assert run.returncode == 1 and "1 failed" in run.stdout, run.stdout[-3000:]
    failure = run.stdout.split("= FAILURES =", 1)[1]
    assert f"{scratch}:{row}: Scenario Outline: The save answers 201" in failure
    assert "Then the response status is 201" in failure and "expected HTTP 201, got HTTP 200" in failure
    assert "The Python traceback:" in failure and "def response_status_is" in failure
