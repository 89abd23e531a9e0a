"""Three successive runs of the suite, each with its report built by ci/report.sh from the
history the previous report left beside it (as CI does with its cache): the proof that
history gives trends, fixed tests and flaky marks.

The runs, against the embedded reference backend with one fault of the mutation catalogue
each (a small selection of scenarios, a few seconds per run):

| run | backend | what the report of this run shows |
|---|---|---|
| 1 | auth-account-enumeration | FLIPPING fails; every test is new (the history starts here) |
| 2 | faq-order-lost | BROKEN fails (regressed), FLIPPING passes (fixed) |
| 3 | auth-account-enumeration | a trend of 3 runs; BROKEN fixed; FLIPPING fails again: flaky |

Why FLIPPING fails in run 1: Allure 3 marks a test flaky only when it fails now and, in the
last 5 runs of its history, passed after a failure (node_modules/@allurereport/core/dist/
utils/flaky.js: fail, pass, fail). With run 1 all green, no test can be flaky by run 3.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from mutations.catalogue import by_id
from mutations.model import faulty_copy
from report_runs import BACKEND, ROOT

FLIPPING = "A wrong password and an unknown email are refused alike"
BROKEN = "50 FAQs keep their order"
SELECTION = ["features", "-k", "refused_alike or faqs_keep_their_order or logs_in_and_receives"
             " or incident_reports_settings_persist"]
RUNS = ("auth-account-enumeration", "faq-order-lost", "auth-account-enumeration")
LEG = "sqlite"


@dataclass
class HistoryRun:
    number: int
    fault: str
    results: Path
    report: Path
    pytest_output: str
    report_output: str


def _environ(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_", "GITHUB_"))}
    return {**keep, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def run_three(workdir: Path) -> list[HistoryRun]:
    """The three runs and their reports under `workdir`; each report's history feeds the next."""
    backends = {fault: faulty_copy(BACKEND, workdir / "backends" / fault, by_id(fault)) for fault in set(RUNS)}
    history = workdir / "no-history-yet"  # named but absent: run 1 starts the history
    runs = []
    for number, fault in enumerate(RUNS, 1):
        folder = workdir / f"run{number}"
        results, report = folder / "allure-results", folder / "allure-report"
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SELECTION, "--backend-path",
             str(backends[fault]), "--alluredir", str(results / LEG), "--junitxml", str(folder / "junit" / f"{LEG}.xml"),
             "-q", "--qa-seed", str(number)],
            cwd=ROOT, env=_environ(QA_REPORT_LEG=LEG), capture_output=True, text=True, timeout=300)
        built = subprocess.run(
            ["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300,
            env=_environ(QA_ALLURE_RESULTS=str(results), QA_ALLURE_REPORT=str(report), QA_ALLURE_HISTORY=str(history)))
        if built.returncode != 0:
            raise AssertionError(f"ci/report.sh failed for run {number}:\n{built.stdout}{built.stderr}")
        runs.append(HistoryRun(number, fault, results, report, tests.stdout + tests.stderr, built.stdout + built.stderr))
        history = report  # the next run reads the history written beside this report
    return runs


def two_legs(workdir: Path) -> tuple[Path, Path]:
    """The same selection in two legs, FLIPPING failing in one only (sqlite, against the
    auth-account-enumeration copy) and passing in the other (clean, the unmodified backend);
    then two reports of these same results, the second reading the first's history."""
    faulty = faulty_copy(BACKEND, workdir / "backends" / RUNS[0], by_id(RUNS[0]))
    results = workdir / "allure-results"
    for leg, backend in (("sqlite", faulty), ("clean", BACKEND)):
        subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SELECTION, "--backend-path",
                        str(backend), "--alluredir", str(results / leg), "-q"],
                       cwd=ROOT, env=_environ(QA_REPORT_LEG=leg), capture_output=True, text=True, timeout=300)
    history = workdir / "no-history-yet"
    for report in (workdir / "report1", workdir / "report2"):
        subprocess.run(["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
                       env=_environ(QA_ALLURE_RESULTS=str(results), QA_ALLURE_REPORT=str(report),
                                    QA_ALLURE_HISTORY=str(history)))
        history = report
    return results, history
