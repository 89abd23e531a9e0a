"""One known-secrets run and report, shared by the tests in this folder (and by xdist workers:
the first builds it under a lock, the others reuse it)."""

from __future__ import annotations

import fcntl
import os
import pickle

import pytest

from report_runs import ALLURE, CHROMIUM, ReportRun, run_legs


def _missing(what: str) -> None:
    message = f"{what} (bash ci/setup-node.sh; bash ci/setup-browser.sh)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    if not ALLURE.exists():
        _missing("the npm allure CLI is not installed")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the same for every worker of this run, fresh for each run
    with open(shared / "report-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = shared / "report-run.pickle"
        if cached.exists():
            return pickle.loads(cached.read_bytes())
        run = run_legs(shared / "report-run")
        cached.write_bytes(pickle.dumps(run))
        return run


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}")
    return str(CHROMIUM)
