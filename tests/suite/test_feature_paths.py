"""QA runs a feature file, one scenario or one example by its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from suite.helpers import ROOT, run_suite


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
    ("features/persistence.feature:2", "ERROR: line 2 of features/persistence.feature is in no scenario"),
])
def test_a_wrong_path_or_line_is_one_usage_error(argument, error):
    run = run_suite(argument)
    assert run.returncode == 4 and run.stderr.startswith(error), run.stderr
    assert "Traceback" not in run.stderr
