"""One known-secrets run and report, shared by the tests in this folder (and by xdist workers:
the first builds it under a lock, the others reuse it)."""

from __future__ import annotations

import pytest

from report_runs import ALLURE, CHROMIUM, ReportRun, missing_tool, run_legs, shared


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    if not ALLURE.exists():
        missing_tool("the npm allure CLI is not installed")
    return shared(tmp_path_factory, "report-run", run_legs)


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM.exists():
        missing_tool(f"no Chromium at {CHROMIUM}")
    return str(CHROMIUM)
