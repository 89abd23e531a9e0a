"""An option of the suite written with a space (`--smoke-path DIR`) makes pytest take DIR's
configuration (or none) and never load the suite: one line says what to type instead
(settings_qa/wrong_config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings_qa.wrong_config import SUITE_INI, problem
from suite.helpers import ROOT, run_suite


@pytest.mark.parametrize("args, expected", [
    (("-m", "smoke", "--smoke-path", "backend"), "write --smoke-path=backend (with '=')"),
    (("-m", "fetch", "--backend-path", "backend"), "write --backend-path=backend (with '=')"),
])
def test_a_suite_option_with_a_space_is_one_line_saying_to_use_equals(args, expected):
    run = run_suite(*args)
    assert run.returncode == 4, run.stdout + run.stderr
    assert expected in run.stderr and "backend/pyproject.toml" in run.stderr
    assert "unrecognized arguments" not in run.stderr and "Traceback" not in run.stderr


def test_the_same_options_with_equals_run():
    run = run_suite("-m", "smoke", "--smoke-path=backend", "-q")
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_feature_file_outside_the_suite_names_where_it_belongs(tmp_path: Path):
    feature = tmp_path / "mine.feature"
    feature.write_text("Feature: X\n  Scenario: Y\n    Given I am logged in as the primary account\n")
    line = problem([f"{feature}:2"], None)
    assert line and line.startswith(f"settings-qa: {feature}:2: feature files run from {ROOT / 'features'}")
    assert "pytest features/mine.feature" in line


def test_nothing_is_said_when_the_suite_configuration_is_loaded():
    assert problem(["--smoke-path", "backend", "features/x.feature:3"], SUITE_INI) is None
    assert problem(["backend/tests"], ROOT / "backend" / "pyproject.toml") is None  # not the suite's run
