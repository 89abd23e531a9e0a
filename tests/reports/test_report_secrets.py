"""No password, token or signing key of a run appears in anything the run writes: results,
attachments, JUnit XML, the HTML report (its embedded files decoded) or pytest's output.
The run's passwords and JWT secret are known here because this test made the accounts."""

from __future__ import annotations

import pytest

from report_files import JWT, texts
from report_runs import ROOT


def _leaks(folders, secrets):
    found = []
    for folder in folders:
        for name, text in texts(folder):
            found += [f"{name}: a known secret" for secret in secrets if secret in text]
            found += [f"{name}: a JWT" for _ in JWT.finditer(text)]
    return found


def test_no_secret_in_results_junit_or_report(report_run):
    assert len(report_run.secrets) == 8  # 3 passwords and a JWT secret per leg
    assert _leaks([report_run.results, report_run.junit, report_run.report], report_run.secrets) == []


def test_no_secret_in_pytest_output(report_run):
    output = "\n".join(report_run.outputs.values())
    assert " passed" in output and " failed" in output  # both legs ran: the healthy one and the incident
    assert [s for s in report_run.secrets if s in output] == [] and not JWT.search(output)


def test_no_token_anywhere_under_reports():
    """The CI run's own passwords are random per run and gone; tokens have a shape to look for."""
    reports = ROOT / "reports"
    if not any(reports.glob("*/")):
        pytest.skip("nothing under reports/ yet: run bash ci/suite.sh first")
    assert _leaks([reports], []) == []
