"""Runs for the report tests: the reference backend served with accounts whose passwords
the test knows, the suite run against it in deployment mode (as a post-deploy run would
be) into an Allure results folder per leg, and the HTML report generated from them.

Two legs: `deployment` (a healthy backend: scenarios, contract and smoke tests pass) and
`incident` (the incident's ImportError in the auditor: the save fails with a 500), so the
report has a failure to put in the save phase's category.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mutations.catalogue import by_id
from mutations.model import faulty_copy
from settings_qa.accounts import Account
from settings_qa.targets import ServedTarget

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"
ALLURE = ROOT / "node_modules" / ".bin" / "allure"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ACCOUNTS = {"primary": "owner@example.test", "secondary": "other@example.test",
            "no_business": "nobody@example.test"}
BUSINESSES = {"primary": "Known Secrets Ltd", "secondary": "Other Tenant"}
INCIDENT = "incident-stale-sessionlocal-import"  # the report's own bug, from the mutation catalogue


def served_backend(workdir: Path, *, incident: bool) -> ServedTarget:
    """The reference backend (or its copy with the incident's stale import), with known passwords."""
    backend = faulty_copy(BACKEND, workdir / "backend", by_id(INCIDENT)) if incident else BACKEND
    accounts = {role: Account(role, email, "pw-" + secrets.token_urlsafe(15)) for role, email in ACCOUNTS.items()}
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))}
    return ServedTarget(backend, workdir, business_names=BUSINESSES, accounts=accounts,
                        environ={**environ, "BCRYPT_ROUNDS": "4"})


@dataclass
class ReportRun:
    results: Path
    junit: Path
    report: Path
    secrets: list[str]
    outputs: dict[str, str]


def run_legs(workdir: Path) -> ReportRun:
    """Both legs, then `allure generate` over both folders, as ci/report.sh does."""
    results, junit = workdir / "allure-results", workdir / "junit"
    junit.mkdir(parents=True, exist_ok=True)
    known, outputs = [], {}
    legs = {
        "deployment": (False, ["features", "contracts", "smoke", "-m",
                               "incident or authentication or fetch or contract or smoke",
                               "--contract-examples", "3"]),
        "incident": (True, ["features", "-m", "incident"]),
    }
    for leg, (incident, selection) in legs.items():
        with served_backend(workdir / f"backend-{leg}", incident=incident) as backend:
            known += [*(a.password for a in backend.accounts.values()), backend.jwt_secret]
            env = {**backend.environ, **backend.qa_environment(), "QA_REPORT_LEG": leg}
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *selection,
                 "--base-url", backend.base_url, "--alluredir", str(results / leg),
                 "--junitxml", str(junit / f"{leg}.xml"), "-q", "-rA"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            outputs[leg] = done.stdout + done.stderr
    report = workdir / "allure-report"
    subprocess.run([str(ALLURE), "generate", "--config", "allurerc.mjs", "--output", str(report),
                    str(results / "deployment"), str(results / "incident")],
                   cwd=ROOT, env={**os.environ, "QA_ALLURE_RESULTS": str(results)},
                   check=True, capture_output=True, timeout=300)
    return ReportRun(results, junit, report, known, outputs)


def copy_screenshot(source: Path, name: str) -> Path:
    """Keep a screenshot under reports/screenshots/ for people to look at."""
    folder = ROOT / "reports" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / name)
    return folder / name


def missing_tool(what: str) -> None:
    """A tool the report tests need is not installed: a failure in CI, a skip elsewhere."""
    message = f"{what} (bash ci/setup-node.sh; bash ci/setup-browser.sh)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def shared(tmp_path_factory, name: str, build):
    """`build(folder)` once per pytest run, its value shared by every xdist worker (the first
    builds it under a lock, the others unpickle it)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the same for every worker of this run, fresh for each run
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = root / f"{name}.pickle"
        if cached.exists():
            return pickle.loads(cached.read_bytes())
        value = build(root / name)
        cached.write_bytes(pickle.dumps(value))
        return value
